// SPDX-License-Identifier: Apache-2.0
// Fault injection: the /admin/faults API, and applying the rules of core/faults to requests
// between the screening (404, 405, admin) and the handler. A rule replaces the answer (a status
// with the body the endpoint's spec names, a canned launch error, a dropped connection), delays
// it with a timer (the event loop keeps answering others), or changes the handler's answer (a
// malformed body, a token response without patient or refresh_token). Every exchange a rule
// touched carries the finding "Fault injected by rule N: ...".

#include "faults/faultrules.h"
#include "oauth/authorizationservice.h"
#include "oauth/clientregistry.h"
#include "oauth/jose.h"
#include "oauth/tokenservice.h"
#include "portalserver.h"
#include "sandbox.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

using namespace Qt::StringLiterals;
using Faults::Effect;
using Faults::FaultRule;
using Faults::LaunchError;

namespace {

const QStringList s_pagePaths
    = {u"/oauth/authorize"_s, u"/oauth/login"_s, u"/oauth/picker"_s, u"/oauth/consent"_s, u"/apps"_s,
       u"/apps/revoke"_s,     u"/logout"_s};

bool isFhirPath(const QString &path)
{
    return path == u"/api/fhir"_s || path.startsWith(u"/api/fhir/"_s) || path == u"/api/open-fhir"_s
        || path.startsWith(u"/api/open-fhir/"_s);
}

bool isForm(const HttpRequest &request)
{
    return request.header("content-type").trimmed().toLower().startsWith("application/x-www-form-urlencoded");
}

// The request's parameters: the query, and the form body when there is one.
QHash<QString, QString> parametersOf(const HttpRequest &request)
{
    QHash<QString, QString> values;
    for (const auto &[name, value] : request.queryItems())
        values.insert(name, value);
    if (isForm(request)) {
        for (const auto &[name, value] : Http::decodeForm(request.body))
            values.insert(name, value);
    }
    return values;
}

// Rules that change the handler's answer rather than replace it.
bool changesAnswer(const FaultRule &rule)
{
    return rule.effect == Effect::Malformed
        || (rule.effect == Effect::LaunchError
            && (rule.launchError == LaunchError::MissingPatient || rule.launchError == LaunchError::NoRefresh));
}

// Applies a rule that changes an answer; false when this answer gives it nothing to change.
bool changeAnswer(const FaultRule &rule, HttpResponse &response)
{
    if (rule.effect == Effect::Malformed) {
        // Cut in half: JSON that ends in the middle of an object or array, still labelled JSON.
        response.body = response.body.size() > 1 ? response.body.first(response.body.size() / 2) : "{\""_ba;
        return true;
    }
    const QString key = rule.launchError == LaunchError::MissingPatient ? u"patient"_s : u"refresh_token"_s;
    QJsonObject body = QJsonDocument::fromJson(response.body).object();
    if (response.status != 200 || !body.contains(key))
        return false;
    body.remove(key);
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return true;
}

HttpResponse fhirUnauthorized(const QString &description)
{
    HttpResponse response = HttpResponse::json(
        QJsonObject{{u"resourceType"_s, u"OperationOutcome"_s},
                    {u"issue"_s,
                     QJsonArray{QJsonObject{
                         {u"severity"_s, u"error"_s}, {u"code"_s, u"login"_s}, {u"diagnostics"_s, description}}}}},
        401);
    response.contentType = "application/fhir+json; charset=utf-8";
    response.setHeader("WWW-Authenticate",
                       "Bearer realm=\"smart-sandbox\", error=\"invalid_token\", error_description=\""
                           + description.toUtf8() + '"');
    return response;
}

QString fhirIssueCode(int status)
{
    switch (status) {
    case 400: return u"invalid"_s;
    case 401: return u"login"_s;
    case 403: return u"forbidden"_s;
    case 404: return u"not-found"_s;
    case 409: return u"conflict"_s;
    case 429: return u"throttled"_s;
    case 503: return u"transient"_s;
    default: return status >= 500 ? u"exception"_s : u"processing"_s;
    }
}

QString oauthErrorCode(int status)
{
    switch (status) {
    case 400: return u"invalid_request"_s;
    case 401: return u"invalid_client"_s;
    case 403: return u"access_denied"_s;
    case 404: return u"not_found"_s;
    case 429:
    case 503: return u"temporarily_unavailable"_s;
    default: return status >= 500 ? u"server_error"_s : u"invalid_request"_s;
    }
}

} // namespace

HttpResponse PortalServer::adminFaults(const HttpRequest &request)
{
    FaultRules &faults = m_sandbox.faults();
    if (request.method == "GET") {
        Result<QList<FaultRule>> rules = faults.list();
        if (!rules)
            return Http::errorResponse(rules.error());
        QJsonArray array;
        for (const FaultRule &rule : rules.value())
            array.append(rule.toJson());
        return HttpResponse::json(array);
    }
    if (request.method == "DELETE") {
        Status cleared = faults.clear();
        return cleared ? HttpResponse::empty(204) : Http::errorResponse(cleared.error());
    }
    Result<QJsonObject> body = Http::parseJsonObject(request.body, u"invalid_request"_s);
    if (!body)
        return Http::errorResponse(body.error());
    Result<FaultRule> rule = FaultRule::fromJson(body.value());
    if (!rule)
        return Http::errorResponse(rule.error());
    if (rule.value().effect == Effect::LaunchError) {
        Result<std::optional<Client>> client = m_sandbox.clients().find(rule.value().clientId);
        if (!client)
            return Http::errorResponse(client.error());
        if (!client.value())
            return HttpResponse::error(400, u"invalid_request"_s,
                                       u"No client is registered with client_id \"%1\""_s.arg(rule.value().clientId));
    }
    Result<FaultRule> added = faults.add(rule.value());
    if (!added)
        return Http::errorResponse(added.error());
    HttpResponse response = HttpResponse::json(added.value().toJson(), 201);
    response.setHeader("Location", "/admin/faults/" + QByteArray::number(added.value().id));
    return response;
}

HttpResponse PortalServer::adminFault(const HttpRequest &request)
{
    const QString text = request.pathParameters.value(u"id"_s);
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    const HttpResponse missing
        = HttpResponse::error(404, u"not_found"_s, u"There is no fault rule with id \"%1\""_s.arg(text));
    if (!ok)
        return missing;
    if (request.method == "DELETE") {
        Result<bool> removed = m_sandbox.faults().remove(id);
        if (!removed)
            return Http::errorResponse(removed.error());
        return removed.value() ? HttpResponse::empty(204) : missing;
    }
    Result<QList<FaultRule>> rules = m_sandbox.faults().list();
    if (!rules)
        return Http::errorResponse(rules.error());
    for (const FaultRule &rule : rules.value()) {
        if (rule.id == id)
            return HttpResponse::json(rule.toJson());
    }
    return missing;
}

QString PortalServer::faultClient(const HttpRequest &request) const
{
    if (const QString id = request.pathParameters.value(u"client_id"_s); !id.isEmpty())
        return id;
    const QHash<QString, QString> parameters = parametersOf(request);
    if (const QString id = parameters.value(u"client_id"_s); !id.isEmpty())
        return id;
    const QByteArray authorization = request.header("authorization").trimmed();
    if (authorization.size() > 6 && authorization.first(6).compare("basic ", Qt::CaseInsensitive) == 0) {
        const QByteArray decoded = QByteArray::fromBase64(authorization.sliced(6).trimmed());
        if (const qsizetype colon = decoded.indexOf(':'); colon > 0)
            return Http::decodeFormComponent(decoded.first(colon));
    }
    if (const QString id = parameters.value(u"request"_s); !id.isEmpty()) {
        // The portal pages carry the pending authorization request, which names the client.
        if (Result<AuthorizationRequest> pending = m_sandbox.authorization().request(id); pending)
            return pending.value().clientId;
    }
    if (const QString assertion = parameters.value(u"client_assertion"_s); !assertion.isEmpty()) {
        // private_key_jwt: the client is the assertion's issuer (its signature is the handler's job).
        if (Result<Jose::Decoded> decoded = Jose::decode(assertion); decoded)
            return decoded.value().payload.value(u"iss"_s).toString();
    }
    QString token = QString::fromLatin1(request.bearerToken());
    if (token.isEmpty())
        token = parameters.value(u"refresh_token"_s);
    if (!token.isEmpty()) {
        Result<FoundToken> found = m_sandbox.tokens().find(token);
        if (found)
            return found.value().view.token.clientId;
    }
    return {};
}

HttpResponse PortalServer::statusFault(const FaultRule &rule, const HttpRequest &request)
{
    const int status = rule.status;
    const QString reason = QString::fromLatin1(Http::reasonPhrase(status));
    const QString description
        = u"%1 %2 (a fault injected by rule %3 of SMART Sandbox)"_s.arg(status).arg(reason).arg(rule.id);
    HttpResponse response;
    if (isFhirPath(request.path)) {
        response = fhirError(status, fhirIssueCode(status), description);
        if (status == 401)
            response.setHeader("WWW-Authenticate", R"(Bearer realm="smart-sandbox", error="invalid_token")");
    } else if (s_pagePaths.contains(request.path)) {
        response = messagePage(status, tr("The server could not answer"), description);
    } else {
        response = HttpResponse::error(status, oauthErrorCode(status), description);
        if (status == 401)
            response.setHeader("WWW-Authenticate", R"(Basic realm="smart-sandbox")");
    }
    if (status == 429 || status == 503)
        response.setHeader("Retry-After", "1");
    return response;
}

std::optional<HttpResponse> PortalServer::faultAnswer(const FaultRule &rule, const HttpRequest &request)
{
    if (rule.effect == Effect::Status)
        return statusFault(rule, request);
    const QHash<QString, QString> parameters = parametersOf(request);
    const QString grantType = parameters.value(u"grant_type"_s);
    switch (rule.launchError) {
    case LaunchError::InvalidClient: {
        HttpResponse response = HttpResponse::error(401, u"invalid_client"_s, u"Client authentication failed"_s);
        response.setHeader("WWW-Authenticate", R"(Basic realm="smart-sandbox")");
        return response;
    }
    case LaunchError::ExpiredCode:
        if (grantType != u"authorization_code"_s)
            return std::nullopt;
        return HttpResponse::error(400, u"invalid_grant"_s, u"The authorization code has expired"_s);
    case LaunchError::InvalidGrantRefresh:
        if (grantType != u"refresh_token"_s)
            return std::nullopt;
        return HttpResponse::error(400, u"invalid_grant"_s, u"The refresh token is invalid, expired or revoked"_s);
    case LaunchError::ExpiredToken:
    case LaunchError::RevokedToken:
        if (request.bearerToken().isEmpty())
            return std::nullopt;
        return fhirUnauthorized(rule.launchError == LaunchError::ExpiredToken ? u"The access token has expired"_s
                                                                              : u"The access token was revoked"_s);
    case LaunchError::InvalidRedirect:
        return messagePage(
            400, tr("The app sent a request that cannot be answered"),
            u"redirect_uri \"%1\" is not registered for client \"%2\"; redirect URIs must match a registered one "
            "exactly"_s.arg(parameters.value(u"redirect_uri"_s), rule.clientId));
    case LaunchError::AccessDenied: {
        // The consent form's answer, whichever button was pressed. The request is denied (and
        // the redirect made) only once the rule's budget is spent: see injectFaults().
        if (request.method != "POST" || !m_sandbox.authorization().request(parameters.value(u"request"_s)))
            return std::nullopt;
        return HttpResponse::redirect(QString(), 302);
    }
    case LaunchError::InvalidScope: {
        // Only to a redirect URI the client registered (RFC 6749 section 4.1.2.1); otherwise the
        // rule waits for a request it can answer that way.
        Result<std::optional<Client>> client = m_sandbox.clients().find(rule.clientId);
        if (!client || !client.value())
            return std::nullopt;
        QString redirectUri = parameters.value(u"redirect_uri"_s);
        const QStringList &registered = client.value()->redirectUris;
        if (redirectUri.isEmpty() && registered.size() == 1)
            redirectUri = registered.first();
        if (!registered.contains(redirectUri))
            return std::nullopt;
        return HttpResponse::redirect(
            AuthorizationService::redirectWith(
                redirectUri,
                {{u"error"_s, u"invalid_scope"_s},
                 {u"error_description"_s, u"The requested scope is invalid, unknown or not allowed"_s},
                 {u"state"_s, parameters.contains(u"state"_s) ? parameters.value(u"state"_s) : QString()}}),
            302);
    }
    case LaunchError::MissingPatient:
    case LaunchError::NoRefresh: break;
    }
    return std::nullopt;
}

void PortalServer::injectFaults(const std::shared_ptr<HttpRequest> &request, const Route *route,
                                const QList<FaultRule> &rules, Answer answered)
{
    std::optional<QString> client;
    const auto clientOf = [&]() -> const QString & {
        if (!client)
            client = faultClient(*request);
        return *client;
    };
    FaultRules &faults = m_sandbox.faults();
    QList<FaultRule> changing;
    QStringList notes;
    std::optional<int> delayMs;
    for (const FaultRule &rule : rules) {
        if (!rule.clientId.isEmpty() && rule.clientId != clientOf())
            continue;
        if (changesAnswer(rule)) {
            changing.append(rule);
            continue;
        }
        if (rule.effect == Effect::Delay) {
            if (!delayMs && faults.spend(rule)) {
                delayMs = rule.delayMs;
                notes.append(rule.finding());
            }
            continue;
        }
        std::optional<HttpResponse> replaced;
        if (rule.effect == Effect::Drop) {
            replaced = HttpResponse::empty(0);
            replaced->dropConnection = true;
        } else {
            replaced = faultAnswer(rule, *request);
        }
        if (!replaced || !faults.spend(rule))
            continue;
        if (rule.effect == Effect::LaunchError && rule.launchError == LaunchError::AccessDenied) {
            // Denied as the portal denies: the pending request ends, the app gets its state back.
            const QString pending = parametersOf(*request).value(u"request"_s);
            Result<QString> denied = m_sandbox.authorization().deny(pending);
            replaced = denied ? HttpResponse::redirect(denied.value(), 302) : Http::errorResponse(denied.error());
        }
        notes.append(rule.finding());
        replaced->findings = notes;
        replaced->clientId = clientOf();
        if (delayMs) {
            QTimer::singleShot(*delayMs, Qt::PreciseTimer, this, [answered, response = std::move(*replaced)]() mutable {
                answered(std::move(response));
            });
        } else {
            answered(std::move(*replaced));
        }
        return;
    }

    QPointer<PortalServer> self(this);
    Answer changed = [self, changing, notes, answered](HttpResponse response) {
        if (!self)
            return;
        explainRefusal(response);
        QStringList findings = notes;
        for (const FaultRule &rule : changing) {
            HttpResponse candidate = response;
            if (changeAnswer(rule, candidate) && self->m_sandbox.faults().spend(rule)) {
                response = std::move(candidate);
                findings.append(rule.finding());
                break;
            }
        }
        response.findings = findings + response.findings;
        answered(std::move(response));
    };
    if (delayMs) {
        QTimer::singleShot(*delayMs, Qt::PreciseTimer, this, [self, request, route, changed] {
            if (self)
                self->run(request, route, changed);
        });
    } else {
        run(request, route, std::move(changed));
    }
}
