// SPDX-License-Identifier: Apache-2.0
#pragma once

// The HTTP face of the sandbox. Owns the listener and the one route table; every request passes
// the same pipeline: route lookup (404), CORS preflight, method check (405 + Allow), admin check,
// body limit (413), handler, CORS and cache headers, request log. Handlers turn a request into a
// plain value, call a socket-free service and map its result to JSON; they live in
// portalroutes.cpp.

#include "http.h"

#include <QHostAddress>
#include <QObject>

#include <functional>

class HttpServerAdapter;
class Sandbox;

class PortalServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PortalServer)

public:
    static constexpr qsizetype s_maxBodySize = 1024 * 1024;

    explicit PortalServer(Sandbox &sandbox, QObject *parent = nullptr);
    ~PortalServer() override;

    // The public origin written into URLs; empty: taken from each request's Host.
    void setBaseUrl(const QString &baseUrl) { m_baseUrl = baseUrl; }
    QString configuredBaseUrl() const { return m_baseUrl; }
    // With a key, the admin surface answers only requests that carry it; without one, only loopback.
    void setAdminKey(const QString &key) { m_adminKey = key; }

    Result<quint16> start(const QHostAddress &address, quint16 port);
    void stop();
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const { return m_address; }

    // The full pipeline for one request, without sockets: what HTTP tests and the UI's replay use.
    HttpResponse handle(HttpRequest &request);
    // The origin a request should see in URLs: the --base-url, else its Host, else the listener.
    QString baseUrl(const HttpRequest &request) const;
    // The origin for URLs outside any request (the UI): the --base-url, else the listener.
    QString baseUrl() const;

Q_SIGNALS:
    void listeningChanged(bool listening);

private:
    enum class Access { Public, Admin };
    struct Route
    {
        QByteArrayList methods;
        QString path;
        Access access;
        bool limitBody;
        std::function<HttpResponse(PortalServer &, const HttpRequest &)> handler;
    };

    static const QList<Route> &routes();
    static const Route *match(const QString &path);
    std::optional<HttpResponse> refuseAdmin(const HttpRequest &request) const;
    void decorate(const HttpRequest &request, HttpResponse &response, const Route *route) const;
    void logExchange(const HttpRequest &request, const HttpResponse &response);

    // Route handlers (portalroutes.cpp).
    HttpResponse registerClient(const HttpRequest &request);
    HttpResponse mintDebugToken(const HttpRequest &request);
    HttpResponse introspectDebug(const HttpRequest &request);
    HttpResponse adminReset(const HttpRequest &request);
    HttpResponse adminStatus(const HttpRequest &request);
    HttpResponse adminRequests(const HttpRequest &request);
    HttpResponse home(const HttpRequest &request);

    Sandbox &m_sandbox;
    HttpServerAdapter *m_adapter;
    QHostAddress m_address;
    QString m_baseUrl;
    QString m_adminKey;
};
