// SPDX-License-Identifier: Apache-2.0
#pragma once

// Issues, finds and ends tokens. For now: the admin "debug token" that mints a token for a
// chosen client, user and patient without a browser, introspection of access and refresh tokens,
// revocation, expiry and extension. The authorization server's grants build on the same approvals
// and rows. Token lookups and the client and people checks of a debug token are answered from
// RowCaches while the database shows no change (docs/decisions/0023-read-caches.md).

#include "result.h"
#include "scopes.h"
#include "storage/rowcache.h"
#include "token.h"

#include <QJsonObject>
#include <QObject>

#include <memory>
#include <optional>

class ClientStore;
class Clock;
class Database;
class PeopleStore;
class ServerKeys;
class TokenStore;

// What POST /oauth/debug/token (and the UI's Mint dialog) asks for.
struct DebugTokenRequest
{
    static constexpr qint64 s_defaultAccessLifetime = 3600; // seconds
    static constexpr qint64 s_defaultApprovalLifetime = 7 * 24 * 3600; // seconds
    static constexpr qint64 s_maxLifetime = 10LL * 365 * 24 * 3600; // ten years, either way

    QString clientId;
    QString username;
    QString patientId;
    qint64 accessLifetimeSeconds = s_defaultAccessLifetime; // negative: already expired
    std::optional<qint64> approvalExpiresAtSeconds; // Unix time; default: 7 days from now
    QString scope; // null: the client's scope
    TokenDefect defect = TokenDefect::None; // a flaw minted in on purpose

    // Reads the documented JSON body ("username" also as "user_name"). Type errors are answered
    // with the reference error codes (no_client, no_user, no_patient, malformed_lifetime,
    // malformed_expiration, invalid_scope, invalid_defect).
    static Result<DebugTokenRequest> fromJson(const QJsonObject &json);
};

// Which of a token row's two secrets a presented token string matched.
enum class TokenMatch { Access, Refresh };

struct FoundToken
{
    TokenView view;
    TokenMatch match = TokenMatch::Access;
    // Why a JWT access token is refused although its row was found (signature, typ, iss, aud or
    // exp); empty when it passed, was not checked, or is opaque.
    QString rejection = {};

    bool active(qint64 nowMs) const
    {
        if (!rejection.isEmpty())
            return false;
        return match == TokenMatch::Access ? view.accessActive(nowMs) : view.refreshActive(nowMs);
    }
};

class TokenService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenService)

public:
    TokenService(const Database &database, const Clock &clock, const ServerKeys &keys, QObject *parent = nullptr);
    ~TokenService() override;

    const Clock &clock() const { return m_clock; }

    // Mints a token (a JWT for clients whose access_token_format is "jwt", with iss and aud from
    // `urls`, which such clients need), with the request's defect applied.
    Result<TokenView> mintDebugToken(const DebugTokenRequest &request, const ServerUrls &urls = {});
    // Stores a token that a grant issued (its approval already stored) and announces it. For a
    // client with JWT access tokens, the random access token is replaced by a signed JWT.
    Result<TokenView> store(const TokenRecord &token, const ServerUrls &urls);
    // Tells observers that a token changed outside this service (rotation, revocation by a grant).
    void announceChanged(const QString &tokenId);
    // Finds a token by its access token, else by its refresh token; no_token when neither. A JWT
    // is found by its row only: use findVerified() before trusting it.
    Result<FoundToken> find(const QString &token) const;
    // find(), and for a JWT access token the checks a resource server makes (signature, typ, iss,
    // aud, exp against `urls`); a failure is FoundToken::rejection, and the token is not active.
    Result<FoundToken> findVerified(const QString &token, const ServerUrls &urls) const;
    // The "fhirUser" of a user: their own Patient record, else a Person.
    Result<QString> fhirUser(const QString &username, const QString &fhirBase) const;
    // How many token lookups the cache holds (for tests).
    qsizetype cachedTokenCount() const { return m_found.size(); }
    Result<QList<TokenView>> tokens() const;
    Result<TokenView> revoke(const QString &tokenId);
    // Moves the access token's expiry to now (its refresh token stays usable).
    Result<TokenView> expireNow(const QString &tokenId);
    // Gives the access token `seconds` more, counted from its expiry or from now when it has
    // already expired. A revoked token stays revoked: token_revoked (409).
    Result<TokenView> extend(const QString &tokenId, qint64 seconds);

Q_SIGNALS:
    void tokenIssued(const TokenView &token);
    void tokenChanged(const TokenView &token);

private:
    // What a debug token needs of its client.
    struct MintClient
    {
        QString scope;
        QStringList securityLabels;
        QList<Scope> granted; // scope, parsed
        bool jwt = false; // access tokens are JWTs
    };

    Result<TokenView> reload(const QString &tokenId);
    // Signs `token` as a JWT access token (with the defect's wrong claims or broken signature).
    Result<QString> signedAccessToken(const TokenRecord &token, const Approval *approval, const ServerUrls &urls,
                                      TokenDefect defect) const;
    // other_patient: a patient other than `patientId`, preferably one `username` does not act for.
    Result<QString> otherPatient(const QString &username, const QString &patientId) const;
    // The user exists, the patient exists and the user represents them.
    Status checkPeople(const DebugTokenRequest &request, const std::optional<DataStamp> &stamp);
    Result<TokenView> mint(const DebugTokenRequest &request, const MintClient &client, const ServerUrls &urls);

    const Database &m_database;
    const Clock &m_clock;
    const ServerKeys &m_keys;
    std::unique_ptr<ClientStore> m_clients;
    std::unique_ptr<PeopleStore> m_people;
    std::unique_ptr<TokenStore> m_tokens;
    mutable RowCache<FoundToken> m_found; // by the presented token string
    RowCache<MintClient> m_mintClients; // by client id
    RowCache<bool> m_mintPeople; // "username\npatient id" of a user who represents the patient
};
