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
#include <QUrl>

#include <algorithm>
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
    m_usesTls = !configuration.isNull();
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
    if (const auto incoming = m_incoming.find(socket); incoming != m_incoming.end() && incoming->bytes > 0)
        incoming->bytes = 0; // what arrives next belongs to the next request
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
    // Connected before QtHttpServer connects its own reader, so this runs first on every chunk.
    m_incoming.insert(socket, Incoming());
    connect(socket, &QIODevice::readyRead, this, [this, socket] { measureIncoming(socket); });
    connect(socket, &QObject::destroyed, this, [this, socket] { m_incoming.remove(socket); });
    if (m_idleTimeoutMs <= 0)
        return;
    auto *timer = new QTimer(socket);
    timer->setObjectName(QLatin1StringView(s_idleTimerName));
    timer->setSingleShot(true);
    timer->setInterval(m_idleTimeoutMs);
    connect(timer, &QTimer::timeout, this, [this, socket] { idleTimedOut(socket); });
    timer->start();
}

void HttpServerAdapter::measureIncoming(QTcpSocket *socket)
{
    const auto found = m_incoming.find(socket);
    if (found == m_incoming.end())
        return;
    Incoming &incoming = *found;
    if (incoming.bytes < 0) {
        (void)socket->skip(socket->bytesAvailable()); // refused: nothing more is parsed or kept
        return;
    }
    if (incoming.bytes == 0) {
        // Sized to what arrived: peek(n) allocates n bytes first, and 16 KB per request made
        // glibc consolidate its small free chunks on every request.
        incoming.head = socket->peek(std::min(socket->bytesAvailable(), s_keptHeadBytes));
        incoming.timer.start();
    }
    incoming.bytes += socket->bytesAvailable();
    if (incoming.bytes <= s_maxRequestBytes)
        return;
    incoming.bytes = -1;
    (void)socket->skip(socket->bytesAvailable());
    // Answers still owed on this connection are dropped: the 413 is the last thing it gets.
    if (const auto connection = m_connections.value(socket)) {
        connection->socket = nullptr;
        connection->queue.clear();
    }
    HttpResponse answer = HttpResponse::error(413, u"invalid_request"_s,
                                              u"The request is larger than %1 bytes"_s.arg(s_maxRequestBytes));
    answer.findings.append(u"The request grew past %1 bytes while it arrived and was refused there; the rest of "
                           "what the client sent was thrown away, and its body is not kept."_s.arg(s_maxRequestBytes));
    answer.setHeader("Connection", "close");
    // Written by hand: QtHttpServer's responder would wait for the request it never finishes.
    QByteArray raw = "HTTP/1.1 " + QByteArray::number(answer.status) + ' ' + Http::reasonPhrase(answer.status)
        + "\r\nContent-Type: " + answer.contentType + "\r\nContent-Length: " + QByteArray::number(answer.body.size());
    for (const auto &[name, value] : std::as_const(answer.headers))
        raw += "\r\n" + name + ": " + value;
    socket->write(raw + "\r\n\r\n" + answer.body);
    // A lingering close: closing now, while the client is still sending, would reset the
    // connection and could take the answer with it. What it sends is discarded until it closes
    // (it should, having read "Connection: close"), for at most s_refusedLingerMs.
    QTimer::singleShot(s_refusedLingerMs, socket, [socket] { socket->abort(); });
    qCInfo(lcConnections) << "refused a request larger than" << s_maxRequestBytes << "bytes from"
                          << socket->peerAddress();
    if (m_completed)
        m_completed(refusedRequest(incoming, socket), answer);
}

// What the log can say about a refused request: its request line and headers, if they came
// within its first s_keptHeadBytes.
HttpRequest HttpServerAdapter::refusedRequest(const Incoming &incoming, const QTcpSocket *socket)
{
    HttpRequest request;
    request.timer = incoming.timer;
    request.receivedAtMs = QDateTime::currentMSecsSinceEpoch() - incoming.timer.elapsed();
    request.remoteAddress = socket->peerAddress();
    request.method = "UNKNOWN";
    const qsizetype headEnd = incoming.head.indexOf("\r\n\r\n");
    const QList<QByteArray> lines = incoming.head.left(headEnd < 0 ? incoming.head.size() : headEnd).split('\n');
    if (lines.isEmpty())
        return request;
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() >= 2) {
        request.method = requestLine.at(0).toUpper();
        const QByteArray target = requestLine.at(1);
        const qsizetype question = target.indexOf('?');
        request.path = QUrl::fromPercentEncoding(target.left(question < 0 ? target.size() : question));
        if (question >= 0)
            request.rawQuery = target.mid(question + 1);
    }
    if (headEnd < 0)
        return request; // the headers did not all come at first: keep none rather than a part
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    return request;
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
