// SPDX-License-Identifier: Apache-2.0
#include "httpserveradapter.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QLoggingCategory>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <optional>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcConnections, "sandbox.server.connections", QtWarningMsg)

namespace {

// Hands every accepted socket to the adapter before QtHttpServer takes it, so that the adapter
// can time it out.
class TimedTcpServer final : public QTcpServer
{
public:
    TimedTcpServer(std::function<void(QTcpSocket *)> accepted, QObject *parent)
        : QTcpServer(parent), m_accepted(std::move(accepted))
    { }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        m_accepted(socket);
        addPendingConnection(socket);
    }

private:
    std::function<void(QTcpSocket *)> m_accepted;
};

// The idle timer of a connection is a child of its socket, found by this name.
constexpr auto s_idleTimerName = "sandboxIdleTimer";

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
    QPointer<HttpServerAdapter> self(this);
    const auto timeOut = [self](QTcpSocket *socket) {
        if (self)
            self->accepted(socket);
    };
    QTcpServer *listener = nullptr;
    if (usesTls()) {
        // QSslServer hands a connection over only once its handshake has succeeded; its idle timer
        // starts with the handshake.
        auto *secure = new QSslServer(this);
        secure->setSslConfiguration(m_tls);
        secure->setHandshakeTimeout(10'000);
        connect(secure, &QSslServer::startedEncryptionHandshake, this,
                [timeOut](QSslSocket *socket) { timeOut(socket); });
        listener = secure;
    } else {
        listener = new TimedTcpServer(timeOut, this);
    }
    // Many clients connecting at once wait in the kernel's queue rather than being refused.
    listener->setListenBacklogSize(1024);
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

    restartIdleTimer(socket);
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
    restartIdleTimer(socket);
}

void HttpServerAdapter::accepted(QTcpSocket *socket)
{
    if (m_idleTimeoutMs <= 0)
        return;
    auto *timer = new QTimer(socket);
    timer->setObjectName(QLatin1StringView(s_idleTimerName));
    timer->setSingleShot(true);
    timer->setInterval(m_idleTimeoutMs);
    connect(timer, &QTimer::timeout, this, [this, socket] { idleTimedOut(socket); });
    timer->start();
}

void HttpServerAdapter::restartIdleTimer(QTcpSocket *socket)
{
    if (auto *timer = socket->findChild<QTimer *>(QLatin1StringView(s_idleTimerName), Qt::FindDirectChildrenOnly))
        timer->start();
}

void HttpServerAdapter::idleTimedOut(QTcpSocket *socket)
{
    const auto connection = m_connections.value(socket);
    if (connection && !connection->queue.isEmpty()) {
        restartIdleTimer(socket); // an answer is still being made; the client is waiting for us
        return;
    }
    qCDebug(lcConnections) << "closing a connection from" << socket->peerAddress() << "idle for" << m_idleTimeoutMs
                           << "ms";
    socket->abort();
    socket->deleteLater();
}

void HttpServerAdapter::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Not reached: handleRequest() answers every request. Kept to satisfy the interface.
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
}
