// SPDX-License-Identifier: Apache-2.0
#pragma once

// The HTTP face of the sandbox. Owns the listener and the one route table; every request passes
// the same pipeline: route lookup (404), CORS preflight, method check (405 + Allow), admin check,
// body limit (413), handler, CORS and cache headers, request log. Handlers turn a request into a
// plain value, call a socket-free service and map its result to JSON; they live in
// portalroutes.cpp.

#include "fhir/accesspolicy.h"
#include "http.h"
#include "oauth/authorization.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace Faults {
struct FaultRule;
}

class FhirProxy;
class HttpServerAdapter;
class QSslCertificate;
class QSslKey;
class Sandbox;
struct Client;
struct ServerUrls;

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
    // Upstream mode: the FHIR endpoints forward to this FHIR base; empty: the built-in store.
    void setUpstream(const QUrl &upstream);
    QUrl upstream() const;

    // HTTPS from the next start() on, with this certificate and key; null ones: plain HTTP.
    void setTls(const QSslCertificate &certificate, const QSslKey &key);
    bool usesTls() const;
    // The certificate HTTPS serves; null without TLS.
    QSslCertificate tlsCertificate() const;
    QString scheme() const { return usesTls() ? QStringLiteral("https") : QStringLiteral("http"); }
    // How long a connection may stay open without completing a request (slow or idle clients);
    // 0: forever. Applies to connections accepted from then on.
    void setIdleTimeout(int milliseconds);
    int idleTimeout() const;

    Result<quint16> start(const QHostAddress &address, quint16 port);
    void stop();
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const { return m_address; }

    // The full pipeline for one request, without sockets (what tests and the UI's replay use);
    // a route's asynchronous preparation (fetching a client's keys) is skipped.
    HttpResponse handle(HttpRequest &request);
    // The pipeline as the listener runs it: `reply` gets the answer, now or once a route's
    // preparation has finished.
    void dispatch(HttpRequest &&request, std::function<void(HttpResponse)> reply);
    // The origin a request should see in URLs: the --base-url, else its Host, else the listener.
    QString baseUrl(const HttpRequest &request) const;
    // Where the listener is reached directly (scheme, address, port), whatever --base-url says.
    QString listenerUrl() const;
    // The origin for URLs outside any request (the UI): the --base-url, else the listener.
    QString baseUrl() const;
    // The secured FHIR base a request should see: the base URL + /api/fhir.
    QString fhirBase(const HttpRequest &request) const;
    // Issuer and FHIR base for tokens minted outside any request (the UI): from baseUrl().
    ServerUrls urls() const;

Q_SIGNALS:
    void listeningChanged(bool listening);

private:
    enum class Access { Public, Admin };
    struct Route
    {
        QByteArrayList methods;
        QString path; // literal segments and {name} segments
        Access access;
        bool limitBody;
        std::function<HttpResponse(PortalServer &, const HttpRequest &)> handler = {};
        // Optional: runs first and calls `ready` when the handler may run (after a fetch).
        std::function<void(PortalServer &, const HttpRequest &, std::function<void()> ready)> prepare = {};
        // Instead of `handler`: answers through `reply`, now or later (the upstream FHIR proxy).
        std::function<void(PortalServer &, const HttpRequest &, std::function<void(HttpResponse)> reply)> deferred = {};
        // Errors before the handler (405, 413) are FHIR OperationOutcomes rather than OAuth JSON.
        bool fhirErrors = false;
    };

    static const QList<Route> &routes();
    // Every route of a path (one per method set), with the {name} segments of the first.
    static QList<const Route *> match(const QString &path, QHash<QString, QString> *parameters);
    std::optional<HttpResponse> refuseAdmin(const HttpRequest &request) const;
    // Everything before the handler: 404, preflight, 405, admin, body limit. An answer when the
    // request stops here; otherwise the route to run.
    std::optional<HttpResponse> screen(HttpRequest &request, const Route **route, QByteArrayList *methods) const;
    HttpResponse invoke(const Route &route, const HttpRequest &request);
    using Answer = std::function<void(HttpResponse)>;
    // Runs a screened request's route (its preparation, then its handler) and passes the answer on.
    void run(const std::shared_ptr<HttpRequest> &request, const Route *route, Answer answered);
    // Adds the answer's own description as a finding when a refusal names none.
    static void explainRefusal(HttpResponse &response);
    void decorate(const HttpRequest &request, HttpResponse &response, const QByteArrayList &methods) const;
    void logExchange(const HttpRequest &request, const HttpResponse &response);

    // Group commit (Database::enableGroups(), docs/decisions/0071): an answer given while a group
    // of writes is open waits until that group has committed. An answer whose request wrote into
    // a group that was lost becomes a 503 (or 500) in its route's error format.
    struct Mark
    {
        quint64 jobs = 0; // Database::groupJobs() when the request started
        quint64 lost = 0; // Database::groupsLost()
    };
    struct Held
    {
        quint64 group = 0;
        bool wrote = false;
        std::shared_ptr<HttpRequest> request;
        const Route *route = nullptr;
        QByteArrayList methods;
        HttpResponse response;
        std::function<void(HttpResponse)> reply;
    };
    void deliver(Held held, const Mark &mark);
    void groupEnded(quint64 group, const Status &outcome);
    HttpResponse lostWrites(const Held &held, const Error &error) const;
    QList<Held> m_held;

    // Route handlers (portalroutes.cpp).
    HttpResponse registerClient(const HttpRequest &request);
    HttpResponse mintDebugToken(const HttpRequest &request);
    HttpResponse introspectDebug(const HttpRequest &request);
    HttpResponse adminReset(const HttpRequest &request);
    HttpResponse adminStatus(const HttpRequest &request);
    HttpResponse adminRequests(const HttpRequest &request);
    HttpResponse home(const HttpRequest &request);

    // Fault injection (faultinjection.cpp): the admin API and applying rules to requests.
    HttpResponse adminFaults(const HttpRequest &request);
    HttpResponse adminFault(const HttpRequest &request);
    // Applies the first rule that takes this request (budget spent), else runs the route; rules
    // that change an answer (malformed, a canned token response) apply to what the route gave.
    void injectFaults(const std::shared_ptr<HttpRequest> &request, const Route *route,
                      const QList<Faults::FaultRule> &rules, Answer answered);
    // The client app a request belongs to, as far as it can be told before the handler runs.
    QString faultClient(const HttpRequest &request) const;
    // Whether a rule that replaces the answer can apply to this request, and the answer.
    std::optional<HttpResponse> faultAnswer(const Faults::FaultRule &rule, const HttpRequest &request);
    HttpResponse statusFault(const Faults::FaultRule &rule, const HttpRequest &request);

    // SMART App Launch endpoints (smartroutes.cpp).
    ServerUrls urls(const HttpRequest &request) const;
    QStringList assertionAudiences(const HttpRequest &request) const;
    QByteArray clientInformation(const Client &client, const HttpRequest &request) const;
    QJsonObject authorizationServerMetadata(const HttpRequest &request) const;
    HttpResponse smartConfiguration(const HttpRequest &request);
    HttpResponse adminDiscovery(const HttpRequest &request);
    HttpResponse openidConfiguration(const HttpRequest &request);
    HttpResponse jwks(const HttpRequest &request);
    HttpResponse smartStyle(const HttpRequest &request);
    HttpResponse token(const HttpRequest &request);
    void fetchClientKeys(const HttpRequest &request, std::function<void()> ready);
    HttpResponse introspect(const HttpRequest &request);
    HttpResponse revoke(const HttpRequest &request);
    HttpResponse manageClient(const HttpRequest &request);
    HttpResponse adminLaunch(const HttpRequest &request);

    // Saved launch scenarios (scenarioroutes.cpp).
    HttpResponse adminScenarios(const HttpRequest &request);
    HttpResponse adminScenario(const HttpRequest &request);
    HttpResponse adminScenarioLaunch(const HttpRequest &request);
    HttpResponse adminConfig(const HttpRequest &request);

    // FHIR endpoints (fhirroutes.cpp), from the built-in store or the upstream server.
    void fhirSecured(const HttpRequest &request, std::function<void(HttpResponse)> reply);
    void fhirOpen(const HttpRequest &request, std::function<void(HttpResponse)> reply);
    void fhirDeferred(const HttpRequest &request, bool secured, std::function<void(HttpResponse)> reply);
    HttpResponse fhir(const HttpRequest &request, bool secured);
    // The caller's policy; an answer (401) when a secured request has no live token.
    std::optional<HttpResponse> fhirCaller(const HttpRequest &request, bool secured, Fhir::AccessPolicy *policy,
                                           QString *clientId, QString *tokenId) const;
    static HttpResponse fhirError(int status, const QString &code, const QString &diagnostics);

    // Portal pages (portalpages.cpp).
    HttpResponse messagePage(int status, const QString &heading, const QString &message,
                             const QStringList &findings = {});
    std::optional<PortalSession> sessionOf(const HttpRequest &request) const;
    QString accountLine(const std::optional<PortalSession> &session) const;
    HttpResponse continueFlow(AuthorizationRequest authorization, const std::optional<PortalSession> &session);
    HttpResponse renderLogin(const HttpRequest &request, const QString &requestId, const QString &next,
                             const QString &error, int status);
    HttpResponse portalCss(const HttpRequest &request);
    HttpResponse authorize(const HttpRequest &request);
    HttpResponse loginPage(const HttpRequest &request);
    HttpResponse loginSubmit(const HttpRequest &request);
    HttpResponse pickerPage(const HttpRequest &request);
    HttpResponse pickerSubmit(const HttpRequest &request);
    HttpResponse consentPage(const HttpRequest &request);
    HttpResponse consentSubmit(const HttpRequest &request);
    HttpResponse appsPage(const HttpRequest &request);
    HttpResponse appsRevoke(const HttpRequest &request);
    HttpResponse logout(const HttpRequest &request);

    Sandbox &m_sandbox;
    HttpServerAdapter *m_adapter;
    QHostAddress m_address;
    QString m_baseUrl;
    // listenerUrl() for the port and scheme it was written for (it is read on every request).
    mutable QString m_listenerUrl;
    mutable quint16 m_listenerUrlPort = 0;
    mutable bool m_listenerUrlTls = false;
    QString m_adminKey;
    QHash<QString, QByteArray> m_homeBodies; // GET /'s answer by base URL (a handful of Hosts)
    // GET metadata's answer by its options, with s_dateMarker where the statement's date goes.
    QHash<QString, QByteArray> m_capabilityBodies;
    static constexpr char s_dateMarker[] = "@@capability-statement-date@@";
    FhirProxy *m_proxy = nullptr;
};
