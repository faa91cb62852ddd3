// SPDX-License-Identifier: Apache-2.0
// The FHIR endpoints: /api/fhir/ (bearer token) and /api/open-fhir/ (none). Turns each request
// into an FhirService call under the caller's AccessPolicy and the answer into FHIR JSON with
// ETag, Last-Modified and Location; every error is an OperationOutcome.

#include "clock.h"
#include "fhir/capabilitystatement.h"
#include "fhir/fhirjson.h"
#include "fhir/fhirservice.h"
#include "fhirproxy.h"
#include "oauth/discoveryprofile.h"
#include "oauth/tokenservice.h"
#include "portalserver.h"
#include "sandbox.h"
#include "storage/peoplestore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

constexpr char s_fhirJson[] = "application/fhir+json; charset=utf-8";

HttpResponse outcomeResponse(int status, const QString &code, const QString &diagnostics)
{
    HttpResponse response;
    response.status = status;
    response.contentType = QByteArray(s_fhirJson);
    response.body = QJsonDocument(Fhir::operationOutcome(u"error"_s, code, diagnostics)).toJson(QJsonDocument::Compact);
    return response;
}

HttpResponse errorResponse(const Error &error)
{
    int status = Http::statusFor(error.kind);
    if (error.code == u"precondition_failed")
        status = 412;
    return outcomeResponse(status, Fhir::issueType(error), error.description);
}

HttpResponse unauthorized(const QString &description)
{
    HttpResponse response = outcomeResponse(401, u"login"_s, description);
    response.setHeader("WWW-Authenticate",
                       "Bearer realm=\"smart-sandbox\", error=\"invalid_token\", error_description=\""
                           + description.toUtf8().replace('"', '\'') + '"');
    return response;
}

bool wantsJson(const HttpRequest &request, QString *problem)
{
    const QString format = request.queryValue(u"_format"_s);
    if (!format.isNull()) {
        static const QStringList accepted{u"json"_s, u"application/json"_s, u"application/fhir+json"_s,
                                          u"application/json+fhir"_s};
        if (!accepted.contains(format.section(u';', 0, 0).trimmed())) {
            *problem = u"_format=%1 is not offered: the sandbox speaks FHIR JSON only (json, "
                       "application/fhir+json)"_s.arg(format);
            return false;
        }
        return true;
    }
    const QByteArray accept = request.header("accept").toLower();
    if (accept.isEmpty() || accept.contains("json") || accept.contains("*/*") || accept.contains("application/*"))
        return true;
    *problem = u"Accept: %1 cannot be served: the sandbox speaks FHIR JSON only (application/fhir+json)"_s.arg(
        QString::fromLatin1(accept));
    return false;
}

// If-Modified-Since: whether the resource has not changed since that HTTP date.
bool notModifiedSince(const QByteArray &header, qint64 lastModifiedMs)
{
    QString text = QString::fromLatin1(header.trimmed());
    if (text.endsWith(u" GMT"))
        text = text.chopped(4) + u" +0000"_s;
    const QDateTime since = QDateTime::fromString(text, Qt::RFC2822Date);
    return since.isValid() && lastModifiedMs / 1000 <= since.toSecsSinceEpoch();
}

} // namespace

void PortalServer::fhirSecured(const HttpRequest &request, std::function<void(HttpResponse)> reply)
{
    fhirDeferred(request, true, std::move(reply));
}

void PortalServer::fhirOpen(const HttpRequest &request, std::function<void(HttpResponse)> reply)
{
    fhirDeferred(request, false, std::move(reply));
}

HttpResponse PortalServer::fhirError(int status, const QString &code, const QString &diagnostics)
{
    return outcomeResponse(status, code, diagnostics);
}

void PortalServer::setUpstream(const QUrl &upstream)
{
    delete m_proxy;
    m_proxy = upstream.isEmpty() ? nullptr : new FhirProxy(upstream, this);
}

QUrl PortalServer::upstream() const
{
    return m_proxy ? m_proxy->upstream() : QUrl();
}

std::optional<HttpResponse> PortalServer::fhirCaller(const HttpRequest &request, bool secured,
                                                     Fhir::AccessPolicy *policy, QString *clientId,
                                                     QString *tokenId) const
{
    *policy = Fhir::AccessPolicy::open(m_sandbox.options().openFhirWrites);
    if (!secured)
        return std::nullopt;
    const QByteArray presented = request.bearerToken();
    if (presented.isEmpty())
        return unauthorized(u"No access token was presented (Authorization: Bearer)"_s);
    Result<FoundToken> found = m_sandbox.tokens().findVerified(QString::fromLatin1(presented), urls(request));
    if (!found || found.value().match != TokenMatch::Access)
        return unauthorized(u"The access token is not one this sandbox issued"_s);
    const TokenView &view = found.value().view;
    *clientId = view.token.clientId;
    *tokenId = view.token.id;
    if (!found.value().active(m_sandbox.clock().nowMs())) {
        const bool revoked = view.token.revokedAtMs != 0 || (view.hasApproval && view.approval.revokedAtMs != 0);
        HttpResponse response
            = unauthorized(revoked                                  ? u"The access token was revoked"_s
                               : !found.value().rejection.isEmpty() ? found.value().rejection
                                                                    : u"The access token has expired"_s);
        response.clientId = *clientId;
        response.tokenId = *tokenId;
        return response;
    }
    QStringList userPatients;
    if (!view.approval.username.isEmpty()) {
        Result<QList<UserPatient>> linked = m_sandbox.people().patientsOf(view.approval.username);
        if (linked) {
            for (const UserPatient &link : linked.value())
                userPatients.append(link.patient.id);
        }
    }
    *policy = Fhir::AccessPolicy::forToken(view.token.scope, view.approval.patientId, userPatients,
                                           view.approval.securityLabels);
    return std::nullopt;
}

void PortalServer::fhirDeferred(const HttpRequest &request, bool secured, std::function<void(HttpResponse)> reply)
{
    if (!m_proxy) {
        reply(fhir(request, secured));
        return;
    }
    QString problem;
    if (!wantsJson(request, &problem)) {
        reply(outcomeResponse(406, u"not-supported"_s, problem));
        return;
    }
    FhirProxy::Call call;
    call.method = request.method;
    call.segments = request.pathParameters.value(u"path"_s).split(u'/', Qt::SkipEmptyParts);
    call.rawQuery = request.rawQuery;
    call.body = request.body;
    call.headers = request.headers;
    call.issuer = baseUrl(request);
    call.base = call.issuer + (secured ? u"/api/fhir"_s : u"/api/open-fhir"_s);
    QString clientId;
    QString tokenId;
    const bool metadata = call.segments == QStringList{u"metadata"_s};
    if (!metadata) {
        if (std::optional<HttpResponse> refused = fhirCaller(request, secured, &call.policy, &clientId, &tokenId)) {
            reply(std::move(*refused));
            return;
        }
    } else {
        call.policy = Fhir::AccessPolicy::open(false);
        if (secured)
            call.policy = Fhir::AccessPolicy::forToken(QString(), QString(), {}, {});
    }
    m_proxy->forward(call, [reply, clientId, tokenId](HttpResponse response) {
        response.clientId = clientId;
        response.tokenId = tokenId;
        reply(std::move(response));
    });
}

HttpResponse PortalServer::fhir(const HttpRequest &request, bool secured)
{
    const QString base = baseUrl(request) + (secured ? u"/api/fhir"_s : u"/api/open-fhir"_s);
    QString problem;
    if (!wantsJson(request, &problem))
        return outcomeResponse(406, u"not-supported"_s, problem);

    const QStringList segments = request.pathParameters.value(u"path"_s).split(u'/');
    const QByteArray &method = request.method;
    const bool reading = method == "GET" || method == "HEAD";
    auto notAllowed = [&](const QByteArray &allowed) {
        HttpResponse response
            = outcomeResponse(405, u"not-supported"_s,
                              u"%1 does not accept %2; use %3"_s.arg(request.path, QString::fromLatin1(method),
                                                                     QString::fromLatin1(allowed)));
        response.setHeader("Allow", allowed + ", OPTIONS");
        return response;
    };

    if (segments.size() == 1 && segments.first() == u"metadata") {
        if (!reading)
            return notAllowed("GET, HEAD");
        Fhir::CapabilityOptions options;
        options.base = baseUrl(request);
        options.fhirBase = base;
        options.version = QCoreApplication::applicationVersion();
        options.instant = ResourceStore::instant(m_sandbox.clock().nowMs());
        options.writes = secured || m_sandbox.options().openFhirWrites;
        options.secured = secured;
        Result<DiscoveryProfile> profile = m_sandbox.discoveryProfile();
        if (profile)
            options.omitOauthUris = profile.value().omittedOauthUris();
        // The statement is large: made and serialized once per set of options (the Host header
        // picks the base URL, so the cache is cleared past 16 of them), with a marker where the
        // date goes. Serializing it per request was half of GET metadata's time.
        const QString key = QStringList{options.base,
                                        options.fhirBase,
                                        options.version,
                                        options.writes ? u"w"_s : u"r"_s,
                                        secured ? u"s"_s : u"o"_s,
                                        options.omitOauthUris.join(u',')}
                                .join(u'\n');
        auto cached = m_capabilityBodies.constFind(key);
        if (cached == m_capabilityBodies.cend()) {
            if (m_capabilityBodies.size() >= 16)
                m_capabilityBodies.clear();
            Fhir::CapabilityOptions marked = options;
            marked.instant = QString::fromLatin1(s_dateMarker);
            cached = m_capabilityBodies.insert(
                key, QJsonDocument(Fhir::capabilityStatement(marked)).toJson(QJsonDocument::Compact));
        }
        QByteArray body = cached.value();
        body.replace(s_dateMarker, options.instant.toLatin1());
        HttpResponse response = HttpResponse::jsonText(std::move(body));
        response.contentType = QByteArray(s_fhirJson);
        return response;
    }

    // Who is asking: the open endpoint's anyone, or the holder of an active access token.
    Fhir::AccessPolicy policy = Fhir::AccessPolicy::open(false);
    QString clientId;
    QString tokenId;
    if (std::optional<HttpResponse> refused = fhirCaller(request, secured, &policy, &clientId, &tokenId))
        return std::move(*refused);

    FhirService &service = m_sandbox.fhir();
    const QString type = segments.value(0);
    Result<FhirAnswer> answer
        = Error{ErrorKind::NotFound, u"not_found"_s, u"There is no FHIR interaction at %1"_s.arg(request.path)};
    const qsizetype count = segments.size();
    if (count == 1 && reading) {
        const bool strict = request.header("prefer").contains("handling=strict");
        answer = service.search(policy, type, request.queryItems(), base, strict);
    } else if (count == 1 && method == "POST") {
        answer = service.create(policy, type, request.body, base);
    } else if (count == 1) {
        return notAllowed("GET, HEAD, POST");
    } else if (count == 2 && segments.at(1) == u"_search") {
        if (method != "POST")
            return notAllowed("POST");
        QueryItems items = request.queryItems();
        items += Http::decodeForm(request.body);
        answer = service.search(policy, type, items, base, request.header("prefer").contains("handling=strict"));
    } else if (count == 2 && reading) {
        answer = service.read(policy, type, segments.at(1));
    } else if (count == 2 && method == "PUT") {
        answer = service.update(policy, type, segments.at(1), request.body, request.header("if-match").trimmed(), base);
    } else if (count == 2 && method == "DELETE") {
        answer = service.remove(policy, type, segments.at(1));
    } else if (count == 2) {
        return notAllowed("GET, HEAD, PUT, DELETE");
    } else if (count == 3 && type == u"Patient" && segments.at(2) == u"$everything") {
        if (!reading)
            return notAllowed("GET, HEAD");
        answer = service.everything(policy, segments.at(1), base);
    } else if ((count == 3 || count == 4) && segments.at(2) == u"_history") {
        if (!reading)
            return notAllowed("GET, HEAD");
        answer = count == 3 ? service.history(policy, type, segments.at(1), base)
                            : service.vread(policy, type, segments.at(1), segments.at(3));
    }

    HttpResponse response;
    if (!answer) {
        response = errorResponse(answer.error());
        // RFC 6750 section 3.1: a token that lacks the scope for the request.
        if (secured && response.status == 403)
            response.setHeader("WWW-Authenticate",
                               "Bearer realm=\"smart-sandbox\", error=\"insufficient_scope\", error_description=\""
                                   + answer.error().description.toUtf8().replace('"', '\'') + '"');
    } else {
        const FhirAnswer &value = answer.value();
        response.status = value.status;
        response.findings = value.findings;
        if (!value.body.isEmpty()) {
            response.contentType = QByteArray(s_fhirJson);
            const bool pretty = request.queryValue(u"_pretty"_s) == u"true";
            response.body = QJsonDocument(value.body).toJson(pretty ? QJsonDocument::Indented : QJsonDocument::Compact);
        }
        if (value.versionId > 0) {
            const QByteArray etag = Fhir::etag(value.versionId);
            response.setHeader("ETag", etag);
            const QByteArray lastModified = Http::httpDate(value.lastModifiedMs).toLatin1();
            response.setHeader("Last-Modified", lastModified);
            if (!value.location.isEmpty())
                response.setHeader(value.status == 201 ? "Location" : "Content-Location", value.location.toUtf8());
            const QByteArray ifNoneMatch = request.header("if-none-match");
            const QByteArray ifModifiedSince = request.header("if-modified-since");
            const bool notModified = reading && value.status == 200
                && ((!ifNoneMatch.isNull() && (ifNoneMatch.trimmed() == etag || ifNoneMatch.trimmed() == "*"))
                    || (ifNoneMatch.isNull() && !ifModifiedSince.isNull()
                        && notModifiedSince(ifModifiedSince, value.lastModifiedMs)));
            if (notModified) {
                response.status = 304;
                response.body.clear();
                response.contentType.clear();
            }
        }
    }
    response.clientId = clientId;
    response.tokenId = tokenId;
    return response;
}
