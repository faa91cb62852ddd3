// SPDX-License-Identifier: Apache-2.0
// The machine-facing SMART App Launch endpoints: discovery (SMART and OpenID), the JWKS, the
// token endpoint, RFC 7662 introspection, RFC 7009 revocation, RFC 7592 client management, EHR
// launches and the style document. Each reads the request into plain values, calls a service
// and renders JSON; errors are RFC 6749 bodies with the RFC's status.

#include "clock.h"
#include "oauth/authorizationservice.h"
#include "oauth/clientauthenticator.h"
#include "oauth/clientregistry.h"
#include "oauth/discoveryprofile.h"
#include "oauth/grantservice.h"
#include "oauth/jose.h"
#include "oauth/jwkscache.h"
#include "oauth/secrets.h"
#include "oauth/serverkeys.h"
#include "oauth/tokenservice.h"
#include "portalserver.h"
#include "sandbox.h"

#include <QJsonArray>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

const QStringList s_scopesSupported
    = {u"openid"_s,           u"fhirUser"_s,       u"profile"_s,       u"launch"_s,         u"launch/patient"_s,
       u"launch/encounter"_s, u"offline_access"_s, u"online_access"_s, u"patient/*.read"_s, u"patient/*.rs"_s,
       u"user/*.read"_s,      u"user/*.rs"_s,      u"system/*.read"_s, u"system/*.rs"_s};

struct Form
{
    QHash<QString, QString> values;
    QStringList repeated;
    QString value(const QString &name) const { return values.value(name); }
    bool has(const QString &name) const { return values.contains(name); }
};

Form readForm(const QByteArray &body)
{
    Form form;
    for (const auto &[name, value] : Http::decodeForm(body)) {
        if (form.values.contains(name) && !form.repeated.contains(name))
            form.repeated.append(name);
        form.values.insert(name, value);
    }
    return form;
}

bool isForm(const HttpRequest &request)
{
    return request.header("content-type").trimmed().toLower().startsWith("application/x-www-form-urlencoded");
}

// Client credentials from the Authorization header (HTTP Basic, RFC 6749 section 2.3.1: both
// parts form-urlencoded) and the form body. `malformed` when a Basic header cannot be read.
ClientCredentials credentialsOf(const HttpRequest &request, const Form &form, bool *malformed)
{
    ClientCredentials credentials;
    *malformed = false;
    const QByteArray authorization = request.header("authorization").trimmed();
    if (authorization.size() > 6 && authorization.first(6).compare("basic ", Qt::CaseInsensitive) == 0) {
        auto decoded = QByteArray::fromBase64Encoding(authorization.sliced(6).trimmed(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
        const qsizetype colon = decoded ? decoded.decoded.indexOf(':') : -1;
        if (colon < 0) {
            *malformed = true;
        } else {
            credentials.hasBasic = true;
            credentials.basicId = Http::decodeFormComponent(decoded.decoded.first(colon));
            credentials.basicSecret = Http::decodeFormComponent(decoded.decoded.sliced(colon + 1));
        }
    }
    credentials.clientId = form.value(u"client_id"_s);
    credentials.clientSecret = form.value(u"client_secret"_s);
    credentials.assertionType = form.value(u"client_assertion_type"_s);
    credentials.assertion = form.value(u"client_assertion"_s);
    return credentials;
}

// RFC 6749 section 5.2: a client that authenticated with the Authorization header gets 401 with a
// Basic challenge; any other failed client authentication is 400 invalid_client (a 401 must
// carry a challenge, and Bearer is not a client authentication scheme).
HttpResponse oauthError(const Error &error, bool basicAttempted)
{
    HttpResponse response = Http::errorResponse(error);
    if (response.status == 401) {
        if (basicAttempted)
            response.setHeader("WWW-Authenticate", R"(Basic realm="smart-sandbox")");
        else
            response.status = 400;
    }
    return response;
}

QString fhirBaseOf(const QString &base)
{
    return base + u"/api/fhir"_s;
}

} // namespace

QStringList PortalServer::assertionAudiences(const HttpRequest &request) const
{
    return {baseUrl(request) + u"/oauth/token"_s, baseUrl(request)};
}

QString PortalServer::fhirBase(const HttpRequest &request) const
{
    return fhirBaseOf(baseUrl(request));
}

ServerUrls PortalServer::urls(const HttpRequest &request) const
{
    const QString base = baseUrl(request);
    QStringList issuers{base};
    if (const QString listener = baseUrl(); listener != base)
        issuers.append(listener);
    return ServerUrls{base, fhirBaseOf(base), issuers};
}

ServerUrls PortalServer::urls() const
{
    const QString base = baseUrl();
    return ServerUrls{base, fhirBaseOf(base), {base}};
}

// What both discovery documents say: the issuer, the endpoints and what they support.
QJsonObject PortalServer::authorizationServerMetadata(const HttpRequest &request) const
{
    const QString base = baseUrl(request);
    return QJsonObject{
        {u"issuer"_s, base},
        {u"jwks_uri"_s, QString(base + u"/oauth/jwks"_s)},
        {u"authorization_endpoint"_s, QString(base + u"/oauth/authorize"_s)},
        {u"token_endpoint"_s, QString(base + u"/oauth/token"_s)},
        {u"registration_endpoint"_s, QString(base + u"/oauth/register"_s)},
        {u"introspection_endpoint"_s, QString(base + u"/oauth/introspect"_s)},
        {u"revocation_endpoint"_s, QString(base + u"/oauth/revoke"_s)},
        {u"grant_types_supported"_s, QJsonArray{u"authorization_code"_s, u"refresh_token"_s, u"client_credentials"_s}},
        {u"token_endpoint_auth_methods_supported"_s,
         QJsonArray{u"client_secret_basic"_s, u"client_secret_post"_s, u"private_key_jwt"_s}},
        {u"token_endpoint_auth_signing_alg_values_supported"_s, QJsonArray{u"RS384"_s, u"ES384"_s}},
        {u"scopes_supported"_s, QJsonArray::fromStringList(s_scopesSupported)},
        {u"response_types_supported"_s, QJsonArray{u"code"_s}},
        {u"code_challenge_methods_supported"_s, QJsonArray{u"S256"_s}},
    };
}

HttpResponse PortalServer::smartConfiguration(const HttpRequest &request)
{
    Result<DiscoveryProfile> profile = m_sandbox.discoveryProfile();
    if (!profile)
        return Http::errorResponse(profile.error());
    if (!profile.value().servesSmartConfiguration())
        return HttpResponse::error(404, u"not_found"_s,
                                   u"This sandbox's discovery profile is \"none\": there is no smart-configuration; "
                                   "read the oauth-uris extension of the FHIR server's CapabilityStatement "
                                   "(GET [base]/metadata) instead"_s);
    QJsonObject metadata = authorizationServerMetadata(request);
    metadata.insert(u"management_endpoint"_s, QString(baseUrl(request) + u"/apps"_s));
    metadata.insert(u"capabilities"_s, QJsonArray::fromStringList(DiscoveryProfile::v2Capabilities()));
    return HttpResponse::json(profile.value().apply(metadata));
}

HttpResponse PortalServer::adminDiscovery(const HttpRequest &request)
{
    if (request.method == "PUT") {
        Result<QJsonObject> body = Http::parseJsonObject(request.body, u"invalid_request"_s);
        if (!body)
            return Http::errorResponse(body.error());
        Result<DiscoveryProfile> profile = DiscoveryProfile::fromJson(body.value());
        if (!profile)
            return Http::errorResponse(profile.error());
        if (Status stored = m_sandbox.setDiscoveryProfile(profile.value()); !stored)
            return Http::errorResponse(stored.error());
    }
    Result<DiscoveryProfile> profile = m_sandbox.discoveryProfile();
    if (!profile)
        return Http::errorResponse(profile.error());
    QJsonObject json = profile.value().toJson();
    json.insert(u"fields"_s, QJsonArray::fromStringList(DiscoveryProfile::v2Fields()));
    json.insert(u"capabilities"_s, QJsonArray::fromStringList(DiscoveryProfile::v2Capabilities()));
    return HttpResponse::json(json);
}

HttpResponse PortalServer::openidConfiguration(const HttpRequest &request)
{
    QJsonObject metadata = authorizationServerMetadata(request);
    metadata.insert(u"subject_types_supported"_s, QJsonArray{u"public"_s});
    metadata.insert(u"id_token_signing_alg_values_supported"_s, QJsonArray{u"RS256"_s});
    metadata.insert(
        u"claims_supported"_s,
        QJsonArray{u"iss"_s, u"sub"_s, u"aud"_s, u"exp"_s, u"iat"_s, u"nonce"_s, u"fhirUser"_s, u"profile"_s});
    return HttpResponse::json(metadata);
}

HttpResponse PortalServer::jwks(const HttpRequest &)
{
    return HttpResponse::json(m_sandbox.keys().jwks());
}

HttpResponse PortalServer::smartStyle(const HttpRequest &)
{
    return HttpResponse::json(QJsonObject{{u"color_background"_s, u"#f4f6f8"_s},
                                          {u"color_error"_s, u"#b3261e"_s},
                                          {u"color_highlight"_s, u"#1565c0"_s},
                                          {u"color_modal_backdrop"_s, u"#1d2733"_s},
                                          {u"color_success"_s, u"#2e7d32"_s},
                                          {u"color_text"_s, u"#1d2733"_s},
                                          {u"dim_border_radius"_s, u"8px"_s},
                                          {u"dim_font_size"_s, u"16px"_s},
                                          {u"dim_spacing_size"_s, u"16px"_s},
                                          {u"font_family_body"_s, u"system-ui, sans-serif"_s},
                                          {u"font_family_heading"_s, u"system-ui, sans-serif"_s}});
}

// A client authenticating with private_key_jwt may have registered its keys by URL: fetch them
// (without blocking) before the token handler checks the assertion. Anything unexpected is left
// for the handler to explain.
void PortalServer::fetchClientKeys(const HttpRequest &request, std::function<void()> ready)
{
    const Form form = readForm(request.body);
    const QString assertion = form.value(u"client_assertion"_s);
    Result<Jose::Decoded> decoded = assertion.isEmpty() ? Result<Jose::Decoded>(Error{}) : Jose::decode(assertion);
    if (!decoded) {
        ready();
        return;
    }
    Result<std::optional<Client>> client = m_sandbox.clients().find(decoded.value().payload.value(u"iss"_s).toString());
    const QString uri = client && client.value() && !client.value()->metadata.contains(u"jwks"_s)
        ? client.value()->metadata.value(u"jwks_uri"_s).toString()
        : QString();
    if (uri.isEmpty()) {
        ready();
        return;
    }
    const QString kid = decoded.value().header.value(u"kid"_s).toString();
    const std::optional<QJsonObject> cached = m_sandbox.clientKeySets().keys(uri);
    if (cached) {
        const QJsonArray keys = cached->value(u"keys"_s).toArray();
        const bool known = kid.isEmpty() || std::any_of(keys.begin(), keys.end(), [&](const QJsonValue &key) {
                               return key[u"kid"_s].toString() == kid;
                           });
        if (known) {
            ready();
            return;
        }
    }
    m_sandbox.clientKeySets().fetch(uri, std::move(ready));
}

HttpResponse PortalServer::token(const HttpRequest &request)
{
    if (!isForm(request))
        return HttpResponse::error(
            400, u"invalid_request"_s,
            u"The token endpoint takes application/x-www-form-urlencoded bodies (RFC 6749 section 3.2): send "
            "the parameters as a form with that Content-Type, not JSON or a query string"_s);
    const Form form = readForm(request.body);
    if (!form.repeated.isEmpty())
        return HttpResponse::error(
            400, u"invalid_request"_s,
            u"Parameters may appear only once (RFC 6749 section 3.2); repeated: %1"_s.arg(form.repeated.join(u", "_s)));
    bool malformed = false;
    ClientCredentials credentials = credentialsOf(request, form, &malformed);
    if (malformed)
        return oauthError(Error{ErrorKind::Unauthorized, u"invalid_client"_s,
                                u"The Authorization header is not HTTP Basic client_id:client_secret"_s},
                          true);
    if (!credentials.presentsAnything() && form.value(u"grant_type"_s) == u"refresh_token"_s) {
        // SMART App Launch: a public app may refresh with the refresh token alone, which names
        // its client; a confidential client must still authenticate.
        Result<FoundToken> owner = m_sandbox.tokens().find(form.value(u"refresh_token"_s));
        if (owner && owner.value().match == TokenMatch::Refresh)
            credentials.clientId = owner.value().view.token.clientId;
        else if (!owner && owner.error().code == u"no_token"_s)
            return HttpResponse::error(400, u"invalid_grant"_s, u"The refresh token is unknown"_s);
    }
    QStringList findings;
    Result<AuthenticatedClient> client
        = m_sandbox.authenticator().authenticate(credentials, assertionAudiences(request), &findings);
    if (!client) {
        HttpResponse response = oauthError(client.error(), credentials.hasBasic);
        response.clientId = credentials.hasBasic ? credentials.basicId : credentials.clientId;
        response.findings = findings << client.error().description;
        return response;
    }
    TokenRequest tokenRequest{
        form.value(u"grant_type"_s),    form.value(u"code"_s),
        form.value(u"redirect_uri"_s),  form.value(u"code_verifier"_s),
        form.value(u"refresh_token"_s), form.has(u"scope"_s) ? form.value(u"scope"_s) : QString()};
    Result<GrantAnswer> answer = m_sandbox.grants().grant(client.value(), tokenRequest, urls(request), &findings);
    HttpResponse response;
    if (!answer) {
        response = oauthError(answer.error(), credentials.hasBasic);
        findings.append(answer.error().description);
    } else {
        response = HttpResponse::json(answer.value().body);
        response.tokenId = answer.value().tokenId;
    }
    response.clientId = client.value().client.id;
    response.findings = findings;
    return response;
}

HttpResponse PortalServer::introspect(const HttpRequest &request)
{
    if (!isForm(request))
        return HttpResponse::error(
            400, u"invalid_request"_s,
            u"The introspection endpoint takes application/x-www-form-urlencoded bodies (RFC 7662 section "
            "2.1): send token=... as a form with that Content-Type"_s);
    const Form form = readForm(request.body);
    if (!form.has(u"token"_s))
        return HttpResponse::error(400, u"invalid_request"_s, u"token is required"_s);
    // RFC 7662 section 2.1: the caller is a client, or presents a bearer token of its own.
    const QByteArray bearer = request.bearerToken();
    QString callerClient;
    // Who may see any token: clients that proved who they are (a secret or a signed assertion).
    // A public client naming itself, or anyone presenting a bearer token, sees only the tokens
    // of that client, so that nobody can scan for other apps' tokens (RFC 7662 section 4).
    bool ownTokensOnly = true;
    if (!bearer.isEmpty()) {
        Result<FoundToken> caller = m_sandbox.tokens().findVerified(QString::fromLatin1(bearer), urls(request));
        if (!caller || caller.value().match != TokenMatch::Access
            || !caller.value().active(m_sandbox.clock().nowMs())) {
            HttpResponse response = HttpResponse::error(
                401, u"invalid_token"_s, u"The bearer token of the introspection request is not active"_s);
            response.setHeader("WWW-Authenticate", R"(Bearer realm="smart-sandbox", error="invalid_token")");
            return response;
        }
        callerClient = caller.value().view.token.clientId;
    } else {
        bool malformed = false;
        const ClientCredentials credentials = credentialsOf(request, form, &malformed);
        Result<AuthenticatedClient> client = malformed
            ? Result<AuthenticatedClient>(
                Error{ErrorKind::Unauthorized, u"invalid_client"_s, u"The Authorization header cannot be read"_s})
            : m_sandbox.authenticator().authenticate(credentials, assertionAudiences(request), nullptr);
        if (!client) {
            // RFC 7662 section 2.1: the caller must authenticate; say how it can.
            HttpResponse response = Http::errorResponse(client.error());
            if (response.status == 401)
                response.setHeader("WWW-Authenticate", R"(Basic realm="smart-sandbox", Bearer realm="smart-sandbox")");
            response.findings = {u"Introspection needs an authenticated client or a bearer token (RFC 7662 "
                                 "section 2.1)."_s};
            return response;
        }
        callerClient = client.value().client.id;
        ownTokensOnly = client.value().method == u"none"_s;
    }
    Result<QJsonObject> body = m_sandbox.grants().introspect(form.value(u"token"_s), urls(request));
    if (!body)
        return Http::errorResponse(body.error());
    // A public client proves nothing by naming itself: it may introspect its own tokens only,
    // so that it cannot scan for other apps' tokens (RFC 7662 section 4).
    if (ownTokensOnly && body.value().value(u"client_id"_s).toString() != callerClient) {
        HttpResponse response = HttpResponse::json(QJsonObject{{u"active"_s, false}});
        response.clientId = callerClient;
        if (body.value().value(u"active"_s).toBool())
            response.findings = {u"A public client may introspect only its own tokens; the answer was "
                                 "{\"active\": false}."_s};
        return response;
    }
    HttpResponse response = HttpResponse::json(body.value());
    response.clientId = callerClient;
    return response;
}

HttpResponse PortalServer::revoke(const HttpRequest &request)
{
    if (!isForm(request))
        return HttpResponse::error(
            400, u"invalid_request"_s,
            u"The revocation endpoint takes application/x-www-form-urlencoded bodies (RFC 7009 section 2.1): "
            "send token=... as a form with that Content-Type"_s);
    const Form form = readForm(request.body);
    bool malformed = false;
    const ClientCredentials credentials = credentialsOf(request, form, &malformed);
    QStringList findings;
    Result<AuthenticatedClient> client = malformed
        ? Result<AuthenticatedClient>(
            Error{ErrorKind::Unauthorized, u"invalid_client"_s, u"The Authorization header cannot be read"_s})
        : m_sandbox.authenticator().authenticate(credentials, assertionAudiences(request), &findings);
    if (!client) {
        HttpResponse response = oauthError(client.error(), credentials.hasBasic || malformed);
        response.findings = findings << client.error().description;
        return response;
    }
    if (form.value(u"token"_s).isEmpty())
        return HttpResponse::error(400, u"invalid_request"_s, u"token is required"_s);
    Result<bool> revoked = m_sandbox.grants().revoke(client.value(), form.value(u"token"_s), &findings);
    HttpResponse response = revoked ? HttpResponse::empty(200) : oauthError(revoked.error(), credentials.hasBasic);
    response.clientId = client.value().client.id;
    response.findings = findings;
    return response;
}

QByteArray PortalServer::clientInformation(const Client &client, const HttpRequest &request) const
{
    return client.registrationJsonText(QString(baseUrl(request) + u"/oauth/register/"_s + client.id),
                                       client.registrationAccessToken);
}

HttpResponse PortalServer::manageClient(const HttpRequest &request)
{
    const QString clientId = request.pathParameters.value(u"client_id"_s);
    Result<std::optional<Client>> found = m_sandbox.clients().find(clientId);
    if (!found)
        return Http::errorResponse(found.error());
    const QByteArray presented = request.bearerToken();
    // RFC 7592 section 2: an unknown client and a wrong token look the same (401).
    if (!found.value() || found.value()->registrationAccessToken.isEmpty() || presented.isEmpty()
        || !Secrets::constantTimeEquals(QByteArrayView(presented),
                                        QByteArrayView(found.value()->registrationAccessToken.toUtf8()))) {
        HttpResponse response = HttpResponse::error(401, u"invalid_token"_s,
                                                    u"Send the registration_access_token from the registration "
                                                    "response as a Bearer token"_s);
        response.setHeader("WWW-Authenticate", R"(Bearer realm="smart-sandbox", error="invalid_token")");
        return response;
    }
    HttpResponse response;
    if (request.method == "GET") {
        response = HttpResponse::jsonText(clientInformation(*found.value(), request));
    } else if (request.method == "DELETE") {
        Result<bool> removed = m_sandbox.clients().remove(clientId);
        response = removed ? HttpResponse::empty(204) : Http::errorResponse(removed.error());
    } else {
        Result<QJsonObject> metadata = Http::parseJsonObject(request.body, u"invalid_client_metadata"_s);
        if (!metadata)
            return Http::errorResponse(metadata.error());
        Result<Client> updated = m_sandbox.clients().update(clientId, metadata.value());
        response = updated ? HttpResponse::jsonText(clientInformation(updated.value(), request))
                           : Http::errorResponse(updated.error());
    }
    response.clientId = clientId;
    return response;
}

HttpResponse PortalServer::adminLaunch(const HttpRequest &request)
{
    Result<QJsonObject> body = Http::parseJsonObject(request.body, u"invalid_request"_s);
    if (!body)
        return Http::errorResponse(body.error());
    const QJsonObject json = body.value();
    for (const QString &field : {u"client_id"_s, u"username"_s, u"user_name"_s, u"patient_id"_s, u"encounter_id"_s}) {
        if (json.contains(field) && !json.value(field).isString())
            return HttpResponse::error(400, u"invalid_request"_s, u"%1 must be a string"_s.arg(field));
    }
    const QString username
        = json.contains(u"username"_s) ? json.value(u"username"_s).toString() : json.value(u"user_name"_s).toString();
    Result<Launch> launch = m_sandbox.authorization().createLaunch(json.value(u"client_id"_s).toString(), username,
                                                                   json.value(u"patient_id"_s).toString(),
                                                                   json.value(u"encounter_id"_s).toString());
    if (!launch)
        return Http::errorResponse(launch.error());
    const QString iss = fhirBase(request);
    QJsonObject answer{{u"launch"_s, launch.value().id},
                       {u"iss"_s, iss},
                       {u"expires_in"_s, AuthorizationService::s_launchLifetimeMs / 1000}};
    Result<std::optional<Client>> client = m_sandbox.clients().find(launch.value().clientId);
    if (client && client.value()) {
        if (const QString url = AuthorizationService::launchUrl(*client.value(), iss, launch.value().id);
            !url.isEmpty())
            answer.insert(u"launch_url"_s, url);
    }
    HttpResponse response = HttpResponse::json(answer, 201);
    response.clientId = launch.value().clientId;
    return response;
}
