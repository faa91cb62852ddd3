// SPDX-License-Identifier: Apache-2.0
#include "httpserveradapter.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>

#include <optional>

using namespace Qt::StringLiterals;

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

} // namespace

HttpServerAdapter::HttpServerAdapter(Handler handler, Completed completed, QObject *parent)
    : QAbstractHttpServer(parent), m_handler(std::move(handler)), m_completed(std::move(completed))
{ }

HttpServerAdapter::~HttpServerAdapter() = default;

Result<quint16> HttpServerAdapter::start(const QHostAddress &address, quint16 port)
{
    stop();
    QTcpServer *listener = nullptr;
    if (usesTls()) {
        // QSslServer hands a connection over only once its handshake has succeeded.
        auto *secure = new QSslServer(this);
        secure->setSslConfiguration(m_tls);
        secure->setHandshakeTimeout(10'000);
        listener = secure;
    } else {
        listener = new QTcpServer(this);
    }
    if (!listener->listen(address, port)) {
        const QString reason = listener->errorString();
        delete listener;
        return Error{ErrorKind::Unavailable, u"listen_failed"_s,
                     u"Cannot listen on %1 port %2: %3"_s.arg(address.toString()).arg(port).arg(reason)};
    }
    bind(listener); // QAbstractHttpServer takes ownership
    m_listener = listener;
    return m_listener->serverPort();
}

void HttpServerAdapter::setTls(const QSslConfiguration &configuration)
{
    m_tls = configuration;
}

void HttpServerAdapter::stop()
{
    if (m_listener) {
        m_listener->close();
        m_listener->deleteLater();
        m_listener = nullptr;
    }
}

bool HttpServerAdapter::isListening() const
{
    return m_listener && m_listener->isListening();
}

quint16 HttpServerAdapter::port() const
{
    return isListening() ? m_listener->serverPort() : 0;
}

struct HttpServerAdapter::Slot
{
    quint64 number = 0;
    std::shared_ptr<QHttpServerResponder> responder;
    HttpRequest request;
    std::optional<HttpResponse> response;
};

struct HttpServerAdapter::Connection
{
    QPointer<QTcpSocket> socket;
    quint64 nextNumber = 0;
    QList<Slot> queue; // oldest first
};

bool HttpServerAdapter::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpRequest plain;
    plain.timer.start();
    plain.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
    plain.method = methodName(request.method());
    const QUrl url = request.url();
    plain.path = url.path(QUrl::FullyDecoded);
    plain.rawQuery = url.query(QUrl::FullyEncoded).toLatin1();
    plain.headers = request.headers();
    plain.body = request.body();
    plain.remoteAddress = request.remoteAddress();

    std::shared_ptr<Connection> &connection = m_connections[socket];
    if (!connection) {
        connection = std::make_shared<Connection>();
        connection->socket = socket;
        connect(socket, &QObject::destroyed, this, [this, socket] { m_connections.remove(socket); });
    }
    Slot slot;
    slot.number = connection->nextNumber++;
    slot.responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
    slot.request = plain;
    connection->queue.append(std::move(slot));

    const quint64 number = connection->queue.last().number;
    auto answered = std::make_shared<bool>(false);
    QPointer<HttpServerAdapter> self(this);
    m_handler(std::move(plain), [self, socket, number, answered](HttpResponse response) {
        if (*answered || !self)
            return;
        *answered = true;
        self->answer(socket, number, std::move(response));
    });
    return true;
}

void HttpServerAdapter::answer(QTcpSocket *socket, quint64 slot, HttpResponse response)
{
    const auto connection = m_connections.value(socket);
    if (!connection || !connection->socket)
        return; // the connection closed while the answer was being made
    for (Slot &pending : connection->queue) {
        if (pending.number == slot) {
            pending.response = std::move(response);
            break;
        }
    }
    flush(socket);
}

void HttpServerAdapter::flush(QTcpSocket *socket)
{
    const auto connection = m_connections.value(socket);
    while (connection && connection->socket && !connection->queue.isEmpty() && connection->queue.first().response) {
        Slot slot = connection->queue.takeFirst();
        const HttpResponse &answer = *slot.response;
        if (answer.dropConnection) {
            // No answer at all: the client sees the connection reset. Answers still owed on this
            // connection are dropped with it.
            QTcpSocket *doomed = connection->socket;
            connection->socket = nullptr;
            connection->queue.clear();
            slot.responder.reset();
            doomed->abort();
            if (m_completed)
                m_completed(slot.request, answer);
            return;
        }
        QHttpServerResponse response(answer.contentType, answer.body,
                                     static_cast<QHttpServerResponse::StatusCode>(answer.status));
        for (const auto &[name, value] : answer.headers)
            response.addHeader(name, value);
        response.write(std::move(*slot.responder));
        if (m_completed)
            m_completed(slot.request, answer);
    }
}

void HttpServerAdapter::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Not reached: handleRequest() answers every request. Kept to satisfy the interface.
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
}
