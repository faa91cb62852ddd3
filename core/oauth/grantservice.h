// SPDX-License-Identifier: Apache-2.0
#pragma once

// The token endpoint's grants (authorization_code with PKCE, refresh_token with rotation,
// client_credentials for backend services), RFC 7662 introspection and RFC 7009 revocation.
// Socket-free: the HTTP layer authenticates the client with ClientAuthenticator and passes the
// form in; answers are the JSON bodies the RFCs define.

#include "clientauthenticator.h"
#include "result.h"
#include "token.h"

#include <QJsonObject>
#include <QObject>

#include <memory>

class AuthStore;
class Clock;
class Database;
class ServerKeys;
class TokenService;
class TokenStore;

struct TokenRequest
{
    QString grantType;
    QString code;
    QString redirectUri;
    QString codeVerifier;
    QString refreshToken;
    QString scope; // null when absent
};

struct GrantAnswer
{
    QJsonObject body;
    QString tokenId;
    QStringList findings;
};

class GrantService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GrantService)

public:
    static constexpr qint64 s_accessLifetimeMs = 60 * 60 * 1000;
    static constexpr qint64 s_backendLifetimeMs = 5 * 60 * 1000;

    GrantService(const Database &database, const Clock &clock, const ServerKeys &keys, TokenService &tokens,
                 QObject *parent = nullptr);
    ~GrantService() override;

    // Errors carry RFC 6749 codes; `findings` (on errors too) explain what the client did wrong.
    Result<GrantAnswer> grant(const AuthenticatedClient &client, const TokenRequest &request, const ServerUrls &urls,
                              QStringList *findings);

    // RFC 7662: the introspection response for any token string ({"active": false} when dead).
    Result<QJsonObject> introspect(const QString &token, const ServerUrls &urls) const;
    // RFC 7009: revokes a token of this client; true when something was revoked.
    Result<bool> revoke(const AuthenticatedClient &client, const QString &token, QStringList *findings);

    // The "fhirUser" of a user: their own Patient record, else a Person.
    Result<QString> fhirUser(const QString &username, const QString &fhirBase) const;

private:
    Result<GrantAnswer> fromCode(const AuthenticatedClient &client, const TokenRequest &request, const ServerUrls &urls,
                                 QStringList *findings);
    Result<GrantAnswer> fromRefreshToken(const AuthenticatedClient &client, const TokenRequest &request,
                                         const ServerUrls &urls, QStringList *findings);
    // The new token of a refresh, once the old refresh token is spent.
    Result<GrantAnswer> refreshed(const TokenView &view, const QString &scope, const ServerUrls &urls);
    Result<GrantAnswer> forBackend(const AuthenticatedClient &client, const TokenRequest &request,
                                   const ServerUrls &urls, QStringList *findings);
    // Stores a token for an approval and builds the token response.
    Result<GrantAnswer> issue(const Approval &approval, const QString &scope, const QJsonObject &context,
                              const QString &origin, const QString &code, const QString &nonce, const ServerUrls &urls);

    const Database &m_database;
    const Clock &m_clock;
    const ServerKeys &m_keys;
    TokenService &m_tokenService;
    std::unique_ptr<AuthStore> m_auth;
    std::unique_ptr<TokenStore> m_tokens;
};
