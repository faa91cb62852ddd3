// SPDX-License-Identifier: Apache-2.0
#pragma once

// The only place that knows QtHttpServer. QtHttpServer 6.4 is a technical preview whose API
// changes in 6.8, so it stays behind this adapter: start(address, port) gives the bound port or
// an error, stop() closes the listener, and every request goes to one handler that turns an
// HttpRequest into an HttpResponse. The adapter subclasses QAbstractHttpServer rather than
// using QHttpServer's router: our own route table answers 405 with Allow, CORS preflights and
// unknown paths the same way, and every answer passes through one place (see
// docs/decisions/0002-own-router.md). Answers may come later (the responder is kept), which
// QtHttpServer 6.4 allows; the adapter keeps them in request order per connection and drops
// those whose connection has gone. An answer marked dropConnection closes the connection instead
// (fault injection). QtHttpServer 6.4 never closes a connection by itself, so the adapter does: a
// connection with no answer pending that has not completed a request within the idle timeout
// (silent, or trickling a request byte by byte) is closed.

#include "http.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QPointer>
#include <QSslConfiguration>

#include <QHash>

#include <functional>
#include <memory>

class QTcpServer;

class HttpServerAdapter final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServerAdapter)

public:
    // Answers one request, now or later. Calling it more than once has no effect; an answer
    // for a connection that has closed is dropped.
    using Reply = std::function<void(HttpResponse response)>;
    // Called on the main thread for each request; it must call `reply` exactly once, possibly
    // after returning (when the answer waits on the network, a delay, ...).
    using Handler = std::function<void(HttpRequest &&request, Reply reply)>;
    // Called once the answer has been written (or dropped).
    using Completed = std::function<void(const HttpRequest &request, const HttpResponse &response)>;

    explicit HttpServerAdapter(Handler handler, Completed completed, QObject *parent = nullptr);
    ~HttpServerAdapter() override;

    // From the next start() on: HTTPS with this configuration (certificate and key); a null one:
    // plain HTTP.
    void setTls(const QSslConfiguration &configuration);
    // Kept apart: QSslConfiguration::isNull() builds the default configuration each time to compare
    // with it (5,000 instructions, decoding its Diffie-Hellman parameters).
    bool usesTls() const { return m_usesTls; }
    QSslConfiguration tlsConfiguration() const { return m_tls; }
    // Listens on address:port (0 picks a free port); the bound port, or why it failed.
    Result<quint16> start(const QHostAddress &address, quint16 port);
    void stop();
    bool isListening() const;
    quint16 port() const;

    static constexpr int s_defaultIdleTimeoutMs = 30'000;
    // The most one request (line, headers and body) may bring. QtHttpServer 6.4 keeps a whole
    // request in memory before the router sees it; past this the connection gets a 413 at once
    // and the rest of what it sends is thrown away. Every route's own limit is lower.
    static constexpr qint64 s_maxRequestBytes = 8 * 1024 * 1024;
    static constexpr int s_refusedLingerMs = 5'000;
    // How much of a request's start is kept to name a refused one in the log.
    static constexpr qint64 s_keptHeadBytes = 16 * 1024;
    // How long a connection may stay open without completing a request while no answer is
    // pending; applies to connections accepted from then on.
    void setIdleTimeout(int milliseconds) { m_idleTimeoutMs = milliseconds; }
    int idleTimeout() const { return m_idleTimeoutMs; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    // HTTP/1.1 answers go out in request order on each connection, even when a later request
    // is answered first: each request holds a slot in its connection's queue.
    struct Slot;
    struct Connection;
    void answer(QTcpSocket *socket, quint64 slot, HttpResponse response);
    void flush(QTcpSocket *socket);
    // A new connection: its idle timer starts now, and its requests are measured as they arrive.
    void accepted(QTcpSocket *socket);
    // Runs before QtHttpServer reads what arrived: counts the request's bytes, refuses one that
    // grows past s_maxRequestBytes, and afterwards discards whatever else the client sends.
    void measureIncoming(QTcpSocket *socket);
    struct Incoming;
    static HttpRequest refusedRequest(const Incoming &incoming, const QTcpSocket *socket);
    void restartIdleTimer(QTcpSocket *socket);
    void idleTimedOut(QTcpSocket *socket);

    Handler m_handler;
    Completed m_completed;
    QPointer<QTcpServer> m_listener;
    QSslConfiguration m_tls;
    bool m_usesTls = false;
    QHash<QTcpSocket *, std::shared_ptr<Connection>> m_connections;
    // The request being received on each connection: its bytes so far (-1 once it was refused),
    // and its first bytes (request line and headers), for the log entry of a refused one.
    struct Incoming
    {
        qint64 bytes = 0;
        QByteArray head;
        QElapsedTimer timer;
    };
    QHash<QTcpSocket *, Incoming> m_incoming;
    int m_idleTimeoutMs = s_defaultIdleTimeoutMs;
};
