// SPDX-License-Identifier: Apache-2.0
#pragma once

// The only place that knows QtHttpServer. QtHttpServer 6.4 is a technical preview whose API
// changes in 6.8, so it stays behind this adapter: start(address, port) gives the bound port or
// an error, stop() closes the listener, and every request goes to one handler that turns an
// HttpRequest into an HttpResponse. The adapter subclasses QAbstractHttpServer rather than
// using QHttpServer's router: our own route table answers 405 with Allow, CORS preflights and
// unknown paths the same way, and every answer passes through one place (see
// docs/decisions/0002-own-router.md).

#include "http.h"

#include <QAbstractHttpServer>
#include <QPointer>

#include <functional>

class QTcpServer;

class HttpServerAdapter final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServerAdapter)

public:
    // Called on the main thread once the answer has been written.
    using Handler = std::function<HttpResponse(HttpRequest &request)>;
    using Completed = std::function<void(const HttpRequest &request, const HttpResponse &response)>;

    explicit HttpServerAdapter(Handler handler, Completed completed, QObject *parent = nullptr);
    ~HttpServerAdapter() override;

    // Listens on address:port (0 picks a free port); the bound port, or why it failed.
    Result<quint16> start(const QHostAddress &address, quint16 port);
    void stop();
    bool isListening() const;
    quint16 port() const;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Handler m_handler;
    Completed m_completed;
    QPointer<QTcpServer> m_listener;
};
