// SPDX-License-Identifier: Apache-2.0
#include "grantservice.h"

#include "clock.h"
#include "scopes.h"
#include "secrets.h"
#include "serverkeys.h"
#include "storage/authstore.h"
#include "storage/database.h"
#include "storage/tokenstore.h"
#include "tokenservice.h"

#include <QCryptographicHash>
#include <QRegularExpression>

#include <optional>

using namespace Qt::StringLiterals;

namespace {

Error invalidGrant(const QString &description)
{
    return badRequest(u"invalid_grant"_s, description);
}

bool hasScope(const QString &scope, const QString &wanted)
{
    return scope.split(u' ', Qt::SkipEmptyParts).contains(wanted);
}

bool offersRefresh(const QString &scope)
{
    return hasScope(scope, u"offline_access"_s) || hasScope(scope, u"online_access"_s);
}

QString pkceChallenge(const QString &verifier)
{
    const QByteArray digest = QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256);
    return QString::fromLatin1(digest.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

GrantService::GrantService(const Database &database, const Clock &clock, const ServerKeys &keys, TokenService &tokens,
                           QObject *parent)
    : QObject(parent),
      m_database(database),
      m_clock(clock),
      m_keys(keys),
      m_tokenService(tokens),
      m_auth(std::make_unique<AuthStore>(database)),
      m_tokens(std::make_unique<TokenStore>(database))
{ }

GrantService::~GrantService() = default;

Result<QString> GrantService::fhirUser(const QString &username, const QString &fhirBase) const
{
    return m_tokenService.fhirUser(username, fhirBase);
}

Result<GrantAnswer> GrantService::grant(const AuthenticatedClient &client, const TokenRequest &request,
                                        const ServerUrls &urls, QStringList *findings)
{
    if (request.grantType == u"authorization_code"_s)
        return fromCode(client, request, urls, findings);
    if (request.grantType == u"refresh_token"_s)
        return fromRefreshToken(client, request, urls, findings);
    if (request.grantType == u"client_credentials"_s)
        return forBackend(client, request, urls, findings);
    if (request.grantType.isEmpty())
        return badRequest(u"invalid_request"_s, u"grant_type is required"_s);
    return badRequest(u"unsupported_grant_type"_s,
                      u"grant_type \"%1\" is not supported; use authorization_code, refresh_token or "
                      "client_credentials"_s.arg(request.grantType));
}

Result<GrantAnswer> GrantService::fromCode(const AuthenticatedClient &client, const TokenRequest &request,
                                           const ServerUrls &urls, QStringList *findings)
{
    if (request.code.isEmpty())
        return badRequest(u"invalid_request"_s, u"code is required for the authorization_code grant"_s);
    if (request.redirectUri.isEmpty())
        return badRequest(u"invalid_request"_s,
                          u"redirect_uri is required: the same one the authorization request used"_s);
    Result<std::optional<AuthorizationCode>> found = m_auth->findCode(request.code);
    if (!found)
        return found.error();
    if (!found.value())
        return invalidGrant(u"The authorization code is unknown"_s);
    const AuthorizationCode &code = *found.value();
    const qint64 now = m_clock.nowMs();
    if (code.clientId != client.client.id)
        return invalidGrant(u"The authorization code was issued to another client"_s);
    if (code.usedAtMs != 0) {
        // Everything that came from the code goes: its tokens and those refreshed from them, i.e.
        // the approval that the code carried.
        if (Status revoked = m_tokens->revokeApproval(code.approvalId, now); !revoked)
            return revoked.error();
        Result<int> revokedDirect = m_tokens->revokeIssuedFromCode(code.code, now);
        if (!revokedDirect)
            return revokedDirect.error();
        findings->append(u"The authorization code was used twice. Codes are single-use; every token issued from it "
                         "(and refreshed since) has been revoked (RFC 6749 section 4.1.2)."_s);
        return invalidGrant(u"The authorization code was already used; its tokens are now revoked"_s);
    }
    if (code.expiresAtMs <= now)
        return invalidGrant(u"The authorization code expired (codes live 60 seconds)"_s);
    if (request.redirectUri != code.redirectUri)
        return invalidGrant(
            u"redirect_uri differs from the one in the authorization request (%1)"_s.arg(code.redirectUri));
    if (!code.codeChallenge.isEmpty()) {
        static const QRegularExpression format(u"^[A-Za-z0-9._~-]{43,128}$"_s);
        if (request.codeVerifier.isEmpty())
            return invalidGrant(u"code_verifier is required: the authorization request sent a code_challenge"_s);
        if (!format.match(request.codeVerifier).hasMatch())
            return invalidGrant(u"code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~"_s);
        if (!Secrets::constantTimeEquals(pkceChallenge(request.codeVerifier), code.codeChallenge))
            return invalidGrant(u"code_verifier does not match the code_challenge (S256)"_s);
    } else if (!request.codeVerifier.isEmpty()) {
        return invalidGrant(u"code_verifier was sent but the authorization request had no code_challenge"_s);
    }
    // Spending the code and storing its token is one transaction: a crash between the two must
    // not leave a spent code without a token. The conditional UPDATE makes two instances racing
    // on one code agree: the second waits for the first's commit and then changes no row.
    std::optional<GrantAnswer> answer;
    Status granted = m_database.transaction([&]() -> Status {
        Result<bool> first = m_auth->useCode(code.code, now);
        if (!first)
            return first.error();
        if (!first.value())
            return invalidGrant(u"The authorization code was already used"_s);
        Result<std::optional<Approval>> approval = m_tokens->findApproval(code.approvalId);
        if (!approval)
            return approval.error();
        if (!approval.value() || approval.value()->revokedAtMs != 0)
            return invalidGrant(u"The approval behind this code was revoked"_s);
        Result<GrantAnswer> issued = issue(*approval.value(), code.scope, code.launchContext, u"authorization_code"_s,
                                           code.code, code.nonce, urls);
        if (!issued)
            return issued.error();
        answer = std::move(issued).value();
        return Done{};
    });
    if (!granted)
        return granted.error();
    return std::move(*answer);
}

Result<GrantAnswer> GrantService::issue(const Approval &approval, const QString &scope, const QJsonObject &context,
                                        const QString &origin, const QString &code, const QString &nonce,
                                        const ServerUrls &urls)
{
    const qint64 now = m_clock.nowMs();
    TokenRecord token;
    const Secrets::TimeOrder order = Secrets::nextTimeOrder(now);
    token.id = Secrets::timeOrderedUuid(order);
    token.accessToken = Secrets::timeOrderedToken(order);
    if (offersRefresh(scope))
        token.refreshToken = Secrets::timeOrderedToken(order);
    token.approvalId = approval.id;
    token.clientId = approval.clientId;
    token.scope = scope;
    token.origin = origin;
    token.issuedAtMs = now;
    token.expiresAtMs = now + s_accessLifetimeMs;
    token.code = code;
    Result<TokenView> stored = m_tokenService.store(token, urls);
    if (!stored)
        return stored.error();

    QJsonObject body = context;
    body.insert(u"access_token"_s, stored.value().token.accessToken);
    body.insert(u"token_type"_s, u"Bearer"_s);
    body.insert(u"expires_in"_s, s_accessLifetimeMs / 1000);
    body.insert(u"scope"_s, scope);
    if (!token.refreshToken.isNull())
        body.insert(u"refresh_token"_s, token.refreshToken);
    if (!approval.patientId.isEmpty())
        body.insert(u"patient"_s, approval.patientId);
    if (!approval.encounterId.isEmpty())
        body.insert(u"encounter"_s, approval.encounterId);
    if (hasScope(scope, u"openid"_s) && !approval.username.isEmpty()) {
        QJsonObject claims{{u"iss"_s, urls.base},
                           {u"sub"_s, approval.username},
                           {u"aud"_s, approval.clientId},
                           {u"iat"_s, now / 1000},
                           {u"exp"_s, (now + s_accessLifetimeMs) / 1000}};
        if (!nonce.isEmpty())
            claims.insert(u"nonce"_s, nonce);
        if (hasScope(scope, u"fhirUser"_s) || hasScope(scope, u"profile"_s)) {
            Result<QString> user = fhirUser(approval.username, urls.fhirBase);
            if (!user)
                return user.error();
            claims.insert(u"fhirUser"_s, user.value());
            if (hasScope(scope, u"profile"_s))
                claims.insert(u"profile"_s, user.value());
        }
        Result<QString> idToken = m_keys.sign(claims);
        if (!idToken)
            return idToken.error();
        body.insert(u"id_token"_s, idToken.value());
    }
    return GrantAnswer{body, token.id, {}};
}

Result<GrantAnswer> GrantService::fromRefreshToken(const AuthenticatedClient &client, const TokenRequest &request,
                                                   const ServerUrls &urls, QStringList *findings)
{
    if (request.refreshToken.isEmpty())
        return badRequest(u"invalid_request"_s, u"refresh_token is required for the refresh_token grant"_s);
    Result<std::optional<TokenView>> found = m_tokens->findByRefreshToken(request.refreshToken);
    if (!found)
        return found.error();
    if (!found.value())
        return invalidGrant(u"The refresh token is unknown"_s);
    const TokenView &view = *found.value();
    const qint64 now = m_clock.nowMs();
    if (view.token.clientId != client.client.id)
        return invalidGrant(u"The refresh token was issued to another client"_s);
    if (view.token.refreshUsedAtMs != 0) {
        if (view.hasApproval) {
            if (Status revoked = m_tokens->revokeApproval(view.approval.id, now); !revoked)
                return revoked.error();
        }
        findings->append(u"A rotated refresh token was used again: it may have been stolen. Every token of this "
                         "approval is now revoked; the user must authorize the app again."_s);
        return invalidGrant(u"The refresh token was already used (rotation); this approval is now revoked"_s);
    }
    if (view.token.revokedAtMs != 0 || !view.hasApproval || view.approval.revokedAtMs != 0)
        return invalidGrant(u"The refresh token was revoked"_s);
    if (view.approval.expiresAtMs <= now)
        return invalidGrant(u"The approval behind the refresh token expired; the user must authorize the app again"_s);

    QString scope = view.token.scope;
    if (!request.scope.isNull()) {
        Result<QList<Scope>> requested = Scopes::parse(request.scope);
        if (!requested)
            return requested.error();
        Result<QList<Scope>> granted = Scopes::parse(view.token.scope);
        if (!granted)
            return granted.error();
        const QStringList wider = Scopes::uncovered(requested.value(), granted.value());
        if (!wider.isEmpty()) {
            findings->append(
                u"A refresh may narrow the scope, never widen it; not granted before: %1"_s.arg(wider.join(u' ')));
            return badRequest(u"invalid_scope"_s, u"Not in the original grant: %1"_s.arg(wider.join(u' ')));
        }
        scope = Scopes::join(requested.value());
    }
    // Spending the old refresh token and storing the new one is one transaction (see fromCode).
    std::optional<GrantAnswer> answer;
    Status granted = m_database.transaction([&]() -> Status {
        Result<bool> spent = m_tokens->spendRefreshToken(view.token.id, now);
        if (!spent)
            return spent.error();
        if (!spent.value())
            return invalidGrant(u"The refresh token was already used"_s);
        Result<GrantAnswer> issued = refreshed(view, scope, urls);
        if (!issued)
            return issued.error();
        answer = std::move(issued).value();
        return Done{};
    });
    if (!granted)
        return granted.error();
    m_tokenService.announceChanged(view.token.id);
    return std::move(*answer);
}

Result<GrantAnswer> GrantService::refreshed(const TokenView &view, const QString &scope, const ServerUrls &urls)
{
    // The launch context of the first grant holds on refresh: a standalone launch still needs the
    // app to show a patient banner, an EHR launch still does not.
    bool needPatientBanner = false;
    if (!view.token.code.isEmpty()) {
        Result<std::optional<AuthorizationCode>> origin = m_auth->findCode(view.token.code);
        if (origin && origin.value())
            needPatientBanner = origin.value()->launchContext.value(u"need_patient_banner"_s).toBool();
    }
    const QJsonObject context{{u"need_patient_banner"_s, needPatientBanner},
                              {u"smart_style_url"_s, QString(urls.base + u"/smart-style.json"_s)}};
    // A narrowed refresh keeps its refresh token only while offline_access or online_access remains.
    // The new token keeps the code it descends from, so that a replayed code still reaches it.
    return issue(view.approval, scope, context, u"refresh_token"_s, view.token.code, QString(), urls);
}

Result<GrantAnswer> GrantService::forBackend(const AuthenticatedClient &client, const TokenRequest &request,
                                             const ServerUrls &urls, QStringList *findings)
{
    if (!client.client.grantTypes.contains(u"client_credentials"_s))
        return badRequest(u"unauthorized_client"_s,
                          u"Client \"%1\" is not registered for the client_credentials grant"_s.arg(client.client.id));
    if (client.method == u"none"_s)
        return Error{ErrorKind::Unauthorized, u"invalid_client"_s,
                     u"client_credentials needs an authenticated client (private_key_jwt or a secret)"_s};
    if (client.method != u"private_key_jwt"_s)
        findings->append(
            u"SMART Backend Services authenticate with private_key_jwt; this client used %1."_s.arg(client.method));
    const QString scopeText = request.scope.isNull() ? client.client.scope : request.scope;
    Result<QList<Scope>> requested = Scopes::parse(scopeText);
    if (!requested)
        return requested.error();
    Result<QList<Scope>> registered = Scopes::parse(client.client.scope);
    if (!registered)
        return registered.error();
    for (const Scope &scope : requested.value()) {
        if (scope.kind != Scope::Kind::Resource || scope.context != u"system"_s)
            return badRequest(u"invalid_scope"_s,
                              u"Backend services may request system/ scopes only, not \"%1\""_s.arg(scope.text));
    }
    const QStringList missing = Scopes::uncovered(requested.value(), registered.value());
    if (!missing.isEmpty())
        return badRequest(u"invalid_scope"_s,
                          u"Not registered for client \"%1\": %2"_s.arg(client.client.id, missing.join(u' ')));
    if (requested.value().isEmpty())
        return badRequest(u"invalid_scope"_s, u"scope is required: the system/ scopes the service needs"_s);

    const qint64 now = m_clock.nowMs();
    TokenRecord token;
    const Secrets::TimeOrder order = Secrets::nextTimeOrder(now);
    token.id = Secrets::timeOrderedUuid(order);
    token.accessToken = Secrets::timeOrderedToken(order);
    token.clientId = client.client.id;
    token.scope = Scopes::join(requested.value());
    token.origin = u"client_credentials"_s;
    token.issuedAtMs = now;
    token.expiresAtMs = now + s_backendLifetimeMs;
    Result<TokenView> stored = m_tokenService.store(token, urls);
    if (!stored)
        return stored.error();
    return GrantAnswer{QJsonObject{{u"access_token"_s, stored.value().token.accessToken},
                                   {u"token_type"_s, u"Bearer"_s},
                                   {u"expires_in"_s, s_backendLifetimeMs / 1000},
                                   {u"scope"_s, token.scope}},
                       token.id,
                       {}};
}

Result<QJsonObject> GrantService::introspect(const QString &token, const ServerUrls &urls) const
{
    const QJsonObject inactive{{u"active"_s, false}};
    if (token.isEmpty())
        return inactive;
    Result<FoundToken> found = m_tokenService.findVerified(token, urls);
    if (!found)
        return found.error().code == u"no_token"_s ? Result<QJsonObject>(inactive) : Result<QJsonObject>(found.error());
    const qint64 now = m_clock.nowMs();
    if (!found.value().active(now))
        return inactive;
    const TokenView &view = found.value().view;
    const bool refresh = found.value().match == TokenMatch::Refresh;
    QJsonObject body{{u"active"_s, true},
                     {u"scope"_s, view.token.scope},
                     {u"client_id"_s, view.token.clientId},
                     {u"iss"_s, urls.base},
                     {u"iat"_s, view.token.issuedAtMs / 1000},
                     {u"exp"_s, (refresh ? view.approval.expiresAtMs : view.token.expiresAtMs) / 1000},
                     {u"token_type"_s, refresh ? u"refresh_token"_s : u"Bearer"_s}};
    if (view.hasApproval && !view.approval.username.isEmpty()) {
        body.insert(u"sub"_s, view.approval.username);
        body.insert(u"username"_s, view.approval.username);
        Result<QString> user = fhirUser(view.approval.username, urls.fhirBase);
        if (!user)
            return user.error();
        body.insert(u"fhirUser"_s, user.value());
    } else {
        body.insert(u"sub"_s, view.token.clientId);
    }
    if (view.hasApproval && !view.approval.patientId.isEmpty())
        body.insert(u"patient"_s, view.approval.patientId);
    if (view.hasApproval && !view.approval.encounterId.isEmpty())
        body.insert(u"encounter"_s, view.approval.encounterId);
    return body;
}

Result<bool> GrantService::revoke(const AuthenticatedClient &client, const QString &token, QStringList *findings)
{
    Result<FoundToken> found = m_tokenService.find(token);
    if (!found)
        return found.error().code == u"no_token"_s ? Result<bool>(false) : Result<bool>(found.error());
    const TokenView &view = found.value().view;
    if (view.token.clientId != client.client.id) {
        findings->append(u"A client may revoke only its own tokens (RFC 7009 section 2.1)."_s);
        return badRequest(u"unauthorized_client"_s, u"The token was issued to another client"_s);
    }
    const qint64 now = m_clock.nowMs();
    if (found.value().match == TokenMatch::Refresh && view.hasApproval) {
        if (Status revoked = m_tokens->revokeApproval(view.approval.id, now); !revoked)
            return revoked.error();
    } else {
        Result<bool> revoked = m_tokens->revokeToken(view.token.id, now);
        if (!revoked)
            return revoked.error();
    }
    m_tokenService.announceChanged(view.token.id);
    return true;
}
