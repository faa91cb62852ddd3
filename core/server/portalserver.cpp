// SPDX-License-Identifier: Apache-2.0
#include "portalserver.h"

#include "clock.h"
#include "faults/faultrules.h"
#include "httpserveradapter.h"
#include "oauth/secrets.h"
#include "requestlog.h"
#include "sandbox.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>

#include <exception>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcServer, "sandbox.server", QtInfoMsg)

namespace {

// Host header characters we are willing to write back into URLs: a host name, an IPv4 or
// bracketed IPv6 address, and a port.
bool isSafeHost(const QByteArray &host)
{
    if (host.isEmpty() || host.size() > 255)
        return false;
    for (const char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
            || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

QByteArray allowHeader(const QByteArrayList &methods)
{
    return (QByteArrayList(methods) << "OPTIONS").join(", ");
}

// One sentence for the request log from an error answer's body.
QString refusalFinding(const HttpResponse &response)
{
    const QJsonObject json = QJsonDocument::fromJson(response.body).object();
    QString text = json.value(u"error_description"_s).toString();
    if (text.isEmpty())
        text = json.value(u"issue"_s).toArray().first().toObject().value(u"diagnostics"_s).toString();
    if (text.isEmpty())
        text = json.value(u"error"_s).toString();
    if (text.isEmpty())
        text = u"Refused with HTTP %1 %2"_s.arg(response.status)
                   .arg(QString::fromLatin1(Http::reasonPhrase(response.status)));
    return text;
}

QByteArray bearerOrKey(const HttpRequest &request)
{
    const QByteArray key = request.header("x-admin-key");
    if (!key.isNull())
        return key.trimmed();
    return request.bearerToken();
}

} // namespace

PortalServer::PortalServer(Sandbox &sandbox, QObject *parent)
    : QObject(parent),
      m_sandbox(sandbox),
      m_adapter(new HttpServerAdapter(
          [this](HttpRequest &&request, HttpServerAdapter::Reply reply) {
              dispatch(std::move(request), std::move(reply));
          },
          [this](const HttpRequest &request, const HttpResponse &response) { logExchange(request, response); }, this))
{
    Database::GroupHooks hooks;
    // Posted: it runs once this pass of the event loop has read and answered what had arrived.
    hooks.opened = [this] {
        QMetaObject::invokeMethod(
            this, [this] { (void)m_sandbox.database().endGroup(); }, Qt::QueuedConnection);
    };
    hooks.ended = [this](quint64 group, const Status &outcome) { groupEnded(group, outcome); };
    m_sandbox.database().enableGroups(std::move(hooks));
}

PortalServer::~PortalServer()
{
    m_sandbox.database().disableGroups(); // commits the open group and answers what waited for it
}

const QList<PortalServer::Route> &PortalServer::routes()
{
    // Literal paths before {name} paths that could also match them.
    static const QList<Route> table = {
        {{"GET"}, u"/"_s, Access::Public, false, &PortalServer::home},
        {{"GET"}, u"/portal.css"_s, Access::Public, false, &PortalServer::portalCss},
        {{"GET"},
         u"/api/fhir/.well-known/smart-configuration"_s,
         Access::Public,
         false,
         &PortalServer::smartConfiguration},
        {{"GET"}, u"/.well-known/openid-configuration"_s, Access::Public, false, &PortalServer::openidConfiguration},
        {{"GET"}, u"/.well-known/smart-configuration"_s, Access::Public, false, &PortalServer::smartConfiguration},
        {{"GET"}, u"/oauth/jwks"_s, Access::Public, false, &PortalServer::jwks},
        {{"GET"}, u"/smart-style.json"_s, Access::Public, false, &PortalServer::smartStyle},
        {{"GET", "POST"}, u"/oauth/authorize"_s, Access::Public, true, &PortalServer::authorize},
        {{"GET"}, u"/oauth/login"_s, Access::Public, false, &PortalServer::loginPage},
        {{"POST"}, u"/oauth/login"_s, Access::Public, true, &PortalServer::loginSubmit},
        {{"GET"}, u"/oauth/picker"_s, Access::Public, false, &PortalServer::pickerPage},
        {{"POST"}, u"/oauth/picker"_s, Access::Public, true, &PortalServer::pickerSubmit},
        {{"GET"}, u"/oauth/consent"_s, Access::Public, false, &PortalServer::consentPage},
        {{"POST"}, u"/oauth/consent"_s, Access::Public, true, &PortalServer::consentSubmit},
        {{"POST"}, u"/oauth/token"_s, Access::Public, true, &PortalServer::token, &PortalServer::fetchClientKeys},
        {{"POST"},
         u"/oauth/introspect"_s,
         Access::Public,
         true,
         &PortalServer::introspect,
         &PortalServer::fetchClientKeys},
        {{"POST"}, u"/oauth/revoke"_s, Access::Public, true, &PortalServer::revoke, &PortalServer::fetchClientKeys},
        {{"POST"}, u"/oauth/register"_s, Access::Public, true, &PortalServer::registerClient},
        {{"GET", "PUT", "DELETE"}, u"/oauth/register/{client_id}"_s, Access::Public, true, &PortalServer::manageClient},
        {{"GET"}, u"/apps"_s, Access::Public, false, &PortalServer::appsPage},
        {{"POST"}, u"/apps/revoke"_s, Access::Public, true, &PortalServer::appsRevoke},
        {{"GET", "POST"}, u"/logout"_s, Access::Public, true, &PortalServer::logout},
        {{"POST"}, u"/oauth/debug/token"_s, Access::Admin, true, &PortalServer::mintDebugToken},
        {{"GET"}, u"/oauth/debug/introspect"_s, Access::Admin, true, &PortalServer::introspectDebug},
        {{"POST"}, u"/admin/reset"_s, Access::Admin, true, &PortalServer::adminReset},
        {{"GET"}, u"/admin/status"_s, Access::Admin, true, &PortalServer::adminStatus},
        {{"GET"}, u"/admin/requests"_s, Access::Admin, true, &PortalServer::adminRequests},
        {{"POST"}, u"/admin/launch"_s, Access::Admin, true, &PortalServer::adminLaunch},
        {{"GET", "PUT"}, u"/admin/discovery"_s, Access::Admin, true, &PortalServer::adminDiscovery},
        {{"GET", "POST", "DELETE"}, u"/admin/faults"_s, Access::Admin, true, &PortalServer::adminFaults},
        {{"GET", "DELETE"}, u"/admin/faults/{id}"_s, Access::Admin, true, &PortalServer::adminFault},
        {{"GET", "POST"}, u"/admin/scenarios"_s, Access::Admin, true, &PortalServer::adminScenarios},
        {{"GET", "DELETE"}, u"/admin/scenarios/{name}"_s, Access::Admin, true, &PortalServer::adminScenario},
        {{"GET", "PUT"}, u"/admin/config"_s, Access::Admin, true, &PortalServer::adminConfig},
        {{"POST"}, u"/admin/scenarios/{name}/launch"_s, Access::Admin, true, &PortalServer::adminScenarioLaunch},
        {.methods = {"GET", "HEAD"},
         .path = u"/api/fhir"_s,
         .access = Access::Public,
         .limitBody = true,
         .deferred = &PortalServer::fhirSecured,
         .fhirErrors = true},
        {.methods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"},
         .path = u"/api/fhir/{*path}"_s,
         .access = Access::Public,
         .limitBody = true,
         .deferred = &PortalServer::fhirSecured,
         .fhirErrors = true},
        {.methods = {"GET", "HEAD"},
         .path = u"/api/open-fhir"_s,
         .access = Access::Public,
         .limitBody = true,
         .deferred = &PortalServer::fhirOpen,
         .fhirErrors = true},
        {.methods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"},
         .path = u"/api/open-fhir/{*path}"_s,
         .access = Access::Public,
         .limitBody = true,
         .deferred = &PortalServer::fhirOpen,
         .fhirErrors = true},
    };
    return table;
}

namespace {

// A route's path split once into its segments; empty for a path without {name} segments.
struct RoutePattern
{
    QStringList segments;
    bool rest = false; // the last segment is {*name}: it takes the rest of the path
};

} // namespace

QList<const PortalServer::Route *> PortalServer::match(const QString &path, QHash<QString, QString> *parameters)
{
    // Every request comes through here: the patterns are split once, and the request's path only
    // when a pattern is tried (splitting them all on each request cost 17,000 instructions).
    const QList<Route> &table = routes();
    static const QList<RoutePattern> patterns = [&table] {
        QList<RoutePattern> split;
        for (const Route &route : table) {
            RoutePattern pattern;
            if (route.path.contains(u'{')) {
                pattern.segments = route.path.split(u'/');
                pattern.rest = pattern.segments.constLast().startsWith(u"{*");
            }
            split.append(pattern);
        }
        return split;
    }();
    QList<const Route *> matches;
    QList<QStringView> segments;
    for (qsizetype index = 0; index < table.size(); ++index) {
        const Route &route = table.at(index);
        if (route.path == path) {
            matches.append(&route);
            continue;
        }
        // A {name} path counts only as a path's first route.
        const RoutePattern &pattern = patterns.at(index);
        if (pattern.segments.isEmpty() || !matches.isEmpty())
            continue;
        if (segments.isEmpty())
            segments = QStringView(path).split(u'/');
        const QStringList &want = pattern.segments;
        if (pattern.rest ? segments.size() < want.size() : want.size() != segments.size())
            continue;
        if (pattern.rest) {
            bool prefix = true;
            qsizetype prefixLength = 0;
            for (qsizetype i = 0; i + 1 < want.size() && prefix; ++i) {
                prefix = want.at(i) == segments.at(i);
                prefixLength += segments.at(i).size() + 1;
            }
            const QString remainder = path.mid(prefixLength);
            if (prefix && !remainder.isEmpty()) {
                *parameters = {{want.constLast().mid(2, want.constLast().size() - 3), remainder}};
                matches.append(&route);
            }
            continue;
        }
        QHash<QString, QString> captured;
        bool same = true;
        for (qsizetype i = 0; i < want.size() && same; ++i) {
            const QString &segment = want.at(i);
            if (segment.startsWith(u'{') && segment.endsWith(u'}')) {
                same = !segments.at(i).isEmpty();
                captured.insert(segment.mid(1, segment.size() - 2), segments.at(i).toString());
            } else {
                same = segment == segments.at(i);
            }
        }
        if (same) {
            *parameters = captured;
            matches.append(&route);
        }
    }
    return matches;
}

void PortalServer::setIdleTimeout(int milliseconds)
{
    m_adapter->setIdleTimeout(milliseconds);
}

int PortalServer::idleTimeout() const
{
    return m_adapter->idleTimeout();
}

Result<quint16> PortalServer::start(const QHostAddress &address, quint16 port)
{
    Result<quint16> bound = m_adapter->start(address, port);
    if (bound) {
        m_address = address;
        m_listenerUrl.clear();
        Q_EMIT listeningChanged(true);
    }
    return bound;
}

void PortalServer::setTls(const QSslCertificate &certificate, const QSslKey &key)
{
    if (certificate.isNull() || key.isNull()) {
        m_adapter->setTls(QSslConfiguration());
        return;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(certificate);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients do not present certificates
    m_adapter->setTls(configuration);
}

bool PortalServer::usesTls() const
{
    return m_adapter->usesTls();
}

QSslCertificate PortalServer::tlsCertificate() const
{
    return m_adapter->tlsConfiguration().localCertificate();
}

void PortalServer::stop()
{
    const bool wasListening = m_adapter->isListening();
    m_adapter->stop();
    if (wasListening)
        Q_EMIT listeningChanged(false);
}

bool PortalServer::isListening() const
{
    return m_adapter->isListening();
}

quint16 PortalServer::port() const
{
    return m_adapter->port();
}

QString PortalServer::baseUrl() const
{
    if (!m_baseUrl.isEmpty())
        return m_baseUrl;
    return listenerUrl();
}

QString PortalServer::listenerUrl() const
{
    const quint16 listening = port();
    const bool tls = usesTls();
    if (!m_listenerUrl.isEmpty() && m_listenerUrlPort == listening && m_listenerUrlTls == tls)
        return m_listenerUrl;
    QHostAddress address = m_address;
    if (address.isNull() || address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    const QString host
        = address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']' : address.toString();
    m_listenerUrl = u"%1://%2:%3"_s.arg(scheme(), host).arg(listening);
    m_listenerUrlPort = listening;
    m_listenerUrlTls = tls;
    return m_listenerUrl;
}

QString PortalServer::baseUrl(const HttpRequest &request) const
{
    if (!m_baseUrl.isEmpty())
        return m_baseUrl;
    const QByteArray host = request.header("host");
    if (isSafeHost(host))
        return scheme() + u"://"_s + QString::fromLatin1(host);
    return baseUrl();
}

std::optional<HttpResponse> PortalServer::refuseAdmin(const HttpRequest &request) const
{
    if (!m_adminKey.isEmpty()) {
        const QByteArray presented = bearerOrKey(request);
        if (presented.isEmpty()
            || !Secrets::constantTimeEquals(QByteArrayView(presented), QByteArrayView(m_adminKey.toUtf8()))) {
            HttpResponse response = HttpResponse::error(
                401, u"invalid_token"_s, u"This endpoint needs the admin key (X-Admin-Key or Authorization: Bearer)"_s);
            response.setHeader("WWW-Authenticate", R"(Bearer realm="smart-sandbox-admin", error="invalid_token")");
            return response;
        }
        return std::nullopt;
    }
    if (!request.remoteAddress.isLoopback())
        return HttpResponse::error(403, u"access_denied"_s,
                                   u"The admin endpoints answer only on loopback unless an admin key is set"_s);
    return std::nullopt;
}

std::optional<HttpResponse> PortalServer::screen(HttpRequest &request, const Route **route,
                                                 QByteArrayList *methods) const
{
    const QList<const Route *> candidates = match(request.path, &request.pathParameters);
    *route = candidates.isEmpty() ? nullptr : candidates.first();
    for (const Route *candidate : candidates) {
        *methods += candidate->methods;
        if (candidate->methods.contains(request.method))
            *route = candidate;
    }
    if (!*route)
        return HttpResponse::error(404, u"not_found"_s, u"There is no endpoint at %1"_s.arg(request.path));
    if (request.method == "OPTIONS") {
        HttpResponse response = HttpResponse::empty(204);
        response.setHeader("Allow", allowHeader(*methods));
        return response;
    }
    if (!(*route)->methods.contains(request.method)) {
        if ((*route)->fhirErrors) {
            HttpResponse response
                = fhirError(405, u"not-supported"_s,
                            u"%1 does not accept %2"_s.arg(request.path, QString::fromLatin1(request.method)));
            response.setHeader("Allow", allowHeader(*methods));
            return response;
        }
        HttpResponse response = HttpResponse::error(
            405, u"method_not_allowed"_s,
            u"%1 does not accept %2; use %3"_s.arg(request.path, QString::fromLatin1(request.method),
                                                   QString::fromLatin1(methods->join(", "))));
        response.setHeader("Allow", allowHeader(*methods));
        return response;
    }
    if ((*route)->access == Access::Admin) {
        if (std::optional<HttpResponse> refused = refuseAdmin(request))
            return refused;
    }
    if ((*route)->limitBody && request.body.size() > s_maxBodySize && (*route)->fhirErrors)
        return fhirError(413, u"too-costly"_s, u"The request body is larger than %1 bytes"_s.arg(s_maxBodySize));
    if ((*route)->limitBody && request.body.size() > s_maxBodySize)
        return HttpResponse::error(413, u"invalid_request"_s,
                                   u"The request body is larger than %1 bytes"_s.arg(s_maxBodySize));
    return std::nullopt;
}

HttpResponse PortalServer::invoke(const Route &route, const HttpRequest &request)
{
    try {
        if (route.deferred) {
            // Outside dispatch() (tests, replay) a deferred route must answer at once.
            std::optional<HttpResponse> answer;
            route.deferred(*this, request, [&answer](HttpResponse response) { answer = std::move(response); });
            if (answer)
                return std::move(*answer);
            return HttpResponse::error(503, u"temporarily_unavailable"_s,
                                       u"This route answers asynchronously; send it over HTTP"_s);
        }
        return route.handler(*this, request);
    } catch (const std::exception &exception) {
        qCCritical(lcServer) << "handler for" << request.path << "threw:" << exception.what();
    } catch (...) {
        qCCritical(lcServer) << "handler for" << request.path << "threw";
    }
    return HttpResponse::error(500, u"server_error"_s, u"The sandbox failed to answer"_s);
}

HttpResponse PortalServer::handle(HttpRequest &request)
{
    const Route *route = nullptr;
    QByteArrayList methods;
    HttpResponse response;
    if (std::optional<HttpResponse> early = screen(request, &route, &methods))
        response = std::move(*early);
    else
        response = invoke(*route, request);
    decorate(request, response, methods);
    return response;
}

void PortalServer::dispatch(HttpRequest &&incoming, std::function<void(HttpResponse)> reply)
{
    auto request = std::make_shared<HttpRequest>(std::move(incoming));
    const Route *route = nullptr;
    QByteArrayList methods;
    if (std::optional<HttpResponse> early = screen(*request, &route, &methods)) {
        decorate(*request, *early, methods);
        reply(std::move(*early));
        return;
    }
    // The writes of the handlers run below join the open group (see Database::enableGroups()).
    const Database &database = m_sandbox.database();
    const Database::GroupScope grouped(database);
    const Mark mark{database.groupJobs(), database.groupsLost()};
    QPointer<PortalServer> self(this);
    Answer answered = [self, request, route, methods, reply, mark](HttpResponse response) {
        if (!self)
            return;
        self->decorate(*request, response, methods);
        const Database &database = self->m_sandbox.database();
        if (database.openGroup() == 0 && database.groupsLost() == mark.lost) {
            reply(std::move(response)); // nothing to wait for (reads, PostgreSQL, :memory:)
            return;
        }
        self->deliver(Held{0, false, request, route, methods, std::move(response), reply}, mark);
    };
    // Fault rules apply after the screening, so that 404, 405 and admin refusals stay honest, and
    // never to the admin surface, so that a rule for "/*" can still be removed.
    const QList<Faults::FaultRule> rules = route->access == Access::Public
        ? m_sandbox.faults().candidates(request->path, request->method)
        : QList<Faults::FaultRule>();
    if (!rules.isEmpty())
        injectFaults(request, route, rules, std::move(answered));
    else
        run(request, route, std::move(answered));
}

void PortalServer::run(const std::shared_ptr<HttpRequest> &request, const Route *route, Answer answered)
{
    if (route->deferred) {
        try {
            route->deferred(*this, *request, answered);
        } catch (...) {
            qCCritical(lcServer) << "deferred handler for" << request->path << "threw";
            answered(HttpResponse::error(500, u"server_error"_s, u"The sandbox failed to answer"_s));
        }
        return;
    }
    QPointer<PortalServer> self(this);
    auto invokeRoute = [self, request, route, answered] {
        if (self)
            answered(self->invoke(*route, *request));
    };
    if (route->prepare)
        route->prepare(*this, *request, std::move(invokeRoute));
    else
        invokeRoute();
}

void PortalServer::deliver(Held held, const Mark &mark)
{
    const Database &database = m_sandbox.database();
    held.wrote = database.groupJobs() != mark.jobs;
    if (held.wrote && database.groupsLost() != mark.lost) {
        // What it wrote was lost before it answered (a later statement of the group failed).
        held.response = lostWrites(held,
                                   Error{ErrorKind::Unavailable, u"temporarily_unavailable"_s,
                                         u"The sandbox could not store this request's changes"_s});
    }
    held.group = database.openGroup();
    if (held.group == 0) {
        held.reply(std::move(held.response));
        return;
    }
    m_held.append(std::move(held));
}

void PortalServer::groupEnded(quint64 group, const Status &outcome)
{
    QList<Held> ready;
    for (qsizetype i = 0; i < m_held.size();) {
        if (m_held.at(i).group <= group) {
            ready.append(std::move(m_held[i]));
            m_held.removeAt(i);
        } else {
            ++i;
        }
    }
    for (Held &held : ready) {
        if (!outcome && held.wrote)
            held.response = lostWrites(held, outcome.error());
        held.reply(std::move(held.response));
    }
}

HttpResponse PortalServer::lostWrites(const Held &held, const Error &error) const
{
    const QString description = u"The sandbox could not store this request's changes: %1"_s.arg(error.description);
    const ErrorKind kind = error.kind == ErrorKind::Unavailable ? ErrorKind::Unavailable : ErrorKind::Storage;
    HttpResponse response = held.route && held.route->fhirErrors
        ? fhirError(Http::statusFor(kind), kind == ErrorKind::Unavailable ? u"transient"_s : u"exception"_s,
                    description)
        : Http::errorResponse(Error{
            kind, kind == ErrorKind::Unavailable ? u"temporarily_unavailable"_s : u"server_error"_s, description});
    decorate(*held.request, response, held.methods);
    return response;
}

void PortalServer::explainRefusal(HttpResponse &response)
{
    if (response.status >= 400 && response.findings.isEmpty())
        response.findings.append(refusalFinding(response));
}

void PortalServer::decorate(const HttpRequest &request, HttpResponse &response, const QByteArrayList &methods) const
{
    // Every refusal is explained in the request log: when a handler named no finding, the
    // answer's own description (RFC 6749 error_description, OperationOutcome diagnostics) is it.
    explainRefusal(response);
    const QByteArray origin = request.header("origin");
    if (!origin.isNull()) {
        response.setHeader("Access-Control-Allow-Origin", origin.isEmpty() ? QByteArray("*") : origin);
        response.setHeader("Vary", "Origin");
        if (request.method == "OPTIONS") {
            response.setHeader("Access-Control-Allow-Methods",
                               methods.isEmpty() ? QByteArray("GET, POST, OPTIONS") : allowHeader(methods));
            const QByteArray requested = request.header("access-control-request-headers");
            response.setHeader("Access-Control-Allow-Headers",
                               requested.isEmpty() ? QByteArray("Authorization, Content-Type") : requested);
            response.setHeader("Access-Control-Max-Age", "600");
        } else {
            response.setHeader("Access-Control-Expose-Headers",
                               "Location, ETag, Last-Modified, Content-Location, WWW-Authenticate, Retry-After");
        }
    }
    // QtHttpServer 6.4 would write a HEAD answer's body onto the connection; HEAD gets none.
    if (request.method == "HEAD")
        response.body.clear();
    if (response.contentType.startsWith("text/html")) {
        // Portal pages are never framed (clickjacking) and never leak codes through Referer.
        response.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
    }
    // Tokens and secrets must never be cached (RFC 6749 section 5.1).
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Pragma", "no-cache");
    response.setHeader("X-Content-Type-Options", "nosniff");
}

void PortalServer::logExchange(const HttpRequest &request, const HttpResponse &response)
{
    RequestLogEntry entry;
    // On the sandbox clock, like every token and code time (time travel moves both): its now, less
    // how long ago the request arrived.
    entry.startedAtMs = m_sandbox.clock().nowMs() - (request.timer.isValid() ? request.timer.elapsed() : 0);
    entry.durationUs = request.timer.nsecsElapsed() / 1000;
    entry.remoteAddress = request.remoteAddress.toString();
    entry.method = QString::fromLatin1(request.method);
    entry.path = request.path;
    entry.query = QString::fromLatin1(request.rawQuery);
    entry.status = response.status;
    entry.clientId = response.clientId;
    entry.tokenId = response.tokenId;
    entry.findings = response.findings;
    entry.requestHeaders = request.headers;
    entry.requestBody = request.body;
    entry.requestBodySize = request.body.size();
    entry.responseHeaders = response.headers;
    if (!response.contentType.isEmpty())
        entry.responseHeaders.prepend({"Content-Type", response.contentType});
    entry.responseBody = response.body;
    entry.responseBodySize = response.body.size();
    m_sandbox.requestLog().record(std::move(entry));
}
