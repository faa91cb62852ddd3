// SPDX-License-Identifier: Apache-2.0
#include "tokenservice.h"

#include "clock.h"
#include "scopes.h"
#include "secrets.h"
#include "storage/clientstore.h"
#include "storage/database.h"
#include "storage/peoplestore.h"
#include "storage/tokenstore.h"

#include <QDateTime>
#include <QJsonValue>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 s_maxUnixSeconds = 253402300799LL; // 9999-12-31T23:59:59Z

// A JSON integer (or a string holding one), for fields that the reference server also took as
// strings. Fractions, booleans, objects and out-of-range numbers are refused.
std::optional<qint64> integerFrom(const QJsonValue &value)
{
    if (value.isDouble()) {
        const double number = value.toDouble();
        if (!std::isfinite(number) || std::floor(number) != number || std::fabs(number) > 9.0e15)
            return std::nullopt;
        return static_cast<qint64>(number);
    }
    if (value.isString()) {
        bool ok = false;
        const qint64 number = value.toString().trimmed().toLongLong(&ok);
        if (ok)
            return number;
    }
    return std::nullopt;
}

Result<QString> requiredString(const QJsonObject &json, const QStringList &names, const QString &code)
{
    for (const QString &name : names) {
        const QJsonValue value = json.value(name);
        if (value.isUndefined() || value.isNull())
            continue;
        if (!value.isString())
            return badRequest(code, u"%1 must be a string"_s.arg(name));
        if (value.toString().isEmpty())
            return badRequest(code, u"%1 is empty"_s.arg(name));
        return value.toString();
    }
    return badRequest(code, u"%1 is required"_s.arg(names.first()));
}

} // namespace

Result<DebugTokenRequest> DebugTokenRequest::fromJson(const QJsonObject &json)
{
    DebugTokenRequest request;
    Result<QString> clientId = requiredString(json, {u"client_id"_s}, u"no_client"_s);
    if (!clientId)
        return clientId.error();
    request.clientId = clientId.value();
    Result<QString> username = requiredString(json, {u"username"_s, u"user_name"_s}, u"no_user"_s);
    if (!username)
        return username.error();
    request.username = username.value();
    Result<QString> patientId = requiredString(json, {u"patient_id"_s}, u"no_patient"_s);
    if (!patientId)
        return patientId.error();
    request.patientId = patientId.value();

    const QJsonValue lifetime = json.value(u"access_lifetime"_s);
    if (!lifetime.isUndefined() && !lifetime.isNull()) {
        const std::optional<qint64> seconds = integerFrom(lifetime);
        if (!seconds || std::llabs(*seconds) > s_maxLifetime)
            return badRequest(
                u"malformed_lifetime"_s,
                u"access_lifetime must be a whole number of seconds between -%1 and %1"_s.arg(s_maxLifetime));
        request.accessLifetimeSeconds = *seconds;
    }

    const QJsonValue expires = json.value(u"approval_expires"_s);
    if (!expires.isUndefined() && !expires.isNull()) {
        std::optional<qint64> seconds = integerFrom(expires);
        if (!seconds && expires.isString()) {
            const QDateTime time = QDateTime::fromString(expires.toString(), Qt::ISODate);
            if (time.isValid())
                seconds = time.toSecsSinceEpoch();
        }
        if (!seconds || *seconds < 0 || *seconds > s_maxUnixSeconds)
            return badRequest(u"malformed_expiration"_s,
                              u"approval_expires must be a Unix time in seconds (or an ISO 8601 date-time) "
                              "between 1970 and 9999"_s);
        request.approvalExpiresAtSeconds = *seconds;
    }

    const QJsonValue scope = json.value(u"scope"_s);
    if (!scope.isUndefined() && !scope.isNull()) {
        if (!scope.isString())
            return badRequest(u"invalid_scope"_s, u"scope must be a space-separated string"_s);
        if (!scope.toString().trimmed().isEmpty())
            request.scope = scope.toString();
    }
    return request;
}

TokenService::TokenService(const Database &database, const Clock &clock, QObject *parent)
    : QObject(parent),
      m_database(database),
      m_clock(clock),
      m_clients(std::make_unique<ClientStore>(database)),
      m_people(std::make_unique<PeopleStore>(database)),
      m_tokens(std::make_unique<TokenStore>(database))
{
    qRegisterMetaType<TokenView>();
}

TokenService::~TokenService() = default;

Result<TokenView> TokenService::mintDebugToken(const DebugTokenRequest &request)
{
    const std::optional<DataStamp> stamp = m_database.dataStamp();
    MintClient client;
    if (const MintClient *cached = m_mintClients.find(request.clientId, stamp)) {
        client = *cached;
    } else {
        Result<std::optional<Client>> found = m_clients->find(request.clientId);
        if (!found)
            return found.error();
        if (!found.value())
            return badRequest(u"no_client"_s, u"No client with client_id \"%1\""_s.arg(request.clientId));
        Result<QList<Scope>> granted = Scopes::parse(found.value()->scope);
        if (!granted)
            return granted.error();
        client = MintClient{found.value()->scope, found.value()->securityLabels, granted.value()};
        m_mintClients.insert(request.clientId, client, stamp);
    }
    if (Status checked = checkPeople(request, stamp); !checked)
        return checked.error();
    return mint(request, client);
}

Status TokenService::checkPeople(const DebugTokenRequest &request, const std::optional<DataStamp> &stamp)
{
    const QString key = request.username + u'\n' + request.patientId;
    if (m_mintPeople.find(key, stamp))
        return Done{};
    Result<std::optional<User>> user = m_people->findUser(request.username);
    if (!user)
        return user.error();
    if (!user.value())
        return badRequest(u"no_user"_s, u"No user \"%1\""_s.arg(request.username));
    Result<std::optional<Patient>> patient = m_people->findPatient(request.patientId);
    if (!patient)
        return patient.error();
    if (!patient.value())
        return badRequest(u"no_patient"_s, u"No patient \"%1\""_s.arg(request.patientId));
    Result<std::optional<QString>> relationship = m_people->relationship(request.username, request.patientId);
    if (!relationship)
        return relationship.error();
    if (!relationship.value())
        return badRequest(u"no_patient_for_user"_s,
                          u"User \"%1\" does not represent patient \"%2\""_s.arg(request.username, request.patientId));
    m_mintPeople.insert(key, true, stamp);
    return Done{};
}

Result<TokenView> TokenService::mint(const DebugTokenRequest &request, const MintClient &client)
{
    QString scope = client.scope;
    if (!request.scope.trimmed().isEmpty()) {
        Result<QList<Scope>> requested = Scopes::parse(request.scope);
        if (!requested)
            return requested.error();
        const QStringList missing = Scopes::uncovered(requested.value(), client.granted);
        if (!missing.isEmpty())
            return badRequest(u"invalid_scope"_s,
                              u"The client %1 is not registered for: %2"_s.arg(request.clientId, missing.join(u' ')));
        scope = Scopes::join(requested.value());
    }

    const qint64 now = m_clock.nowMs();
    Approval approval;
    approval.id = Secrets::randomUuid();
    approval.clientId = request.clientId;
    approval.username = request.username;
    approval.patientId = request.patientId;
    approval.scope = scope;
    approval.securityLabels = client.securityLabels;
    approval.createdAtMs = now;
    approval.expiresAtMs = request.approvalExpiresAtSeconds ? *request.approvalExpiresAtSeconds * 1000
                                                            : now + DebugTokenRequest::s_defaultApprovalLifetime * 1000;

    TokenRecord token;
    token.id = Secrets::randomUuid();
    token.accessToken = Secrets::randomToken(32);
    token.refreshToken = Secrets::randomToken(32);
    token.approvalId = approval.id;
    token.clientId = request.clientId;
    token.scope = scope;
    token.origin = u"debug"_s;
    token.issuedAtMs = now;
    token.expiresAtMs = now + request.accessLifetimeSeconds * 1000;

    Status stored = m_database.transaction([&]() -> Status {
        if (Status status = m_tokens->insertApproval(approval); !status)
            return status;
        return m_tokens->insertToken(token);
    });
    if (!stored)
        return stored.error();
    const TokenView view{token, approval, true};
    Q_EMIT tokenIssued(view);
    return view;
}

Result<FoundToken> TokenService::find(const QString &token) const
{
    if (token.isEmpty())
        return badRequest(u"no_token"_s, u"The token parameter is required"_s);
    const std::optional<DataStamp> stamp = m_database.dataStamp();
    if (const FoundToken *cached = m_found.find(token, stamp))
        return *cached;
    Result<std::optional<TokenView>> byAccess = m_tokens->findByAccessToken(token);
    if (!byAccess)
        return byAccess.error();
    if (byAccess.value()) {
        const FoundToken found{*byAccess.value(), TokenMatch::Access};
        m_found.insert(token, found, stamp);
        return found;
    }
    Result<std::optional<TokenView>> byRefresh = m_tokens->findByRefreshToken(token);
    if (!byRefresh)
        return byRefresh.error();
    if (byRefresh.value()) {
        const FoundToken found{*byRefresh.value(), TokenMatch::Refresh};
        m_found.insert(token, found, stamp);
        return found;
    }
    return badRequest(u"no_token"_s, u"No access or refresh token matches"_s);
}

Result<QList<TokenView>> TokenService::tokens() const
{
    return m_tokens->list();
}

Result<TokenView> TokenService::reload(const QString &tokenId)
{
    Result<std::optional<TokenView>> view = m_tokens->findById(tokenId);
    if (!view)
        return view.error();
    if (!view.value())
        return Error{ErrorKind::NotFound, u"no_token"_s, u"No token with id \"%1\""_s.arg(tokenId)};
    Q_EMIT tokenChanged(*view.value());
    return *view.value();
}

Result<TokenView> TokenService::revoke(const QString &tokenId)
{
    Result<bool> revoked = m_tokens->revokeToken(tokenId, m_clock.nowMs());
    if (!revoked)
        return revoked.error();
    return reload(tokenId);
}

Result<TokenView> TokenService::expireNow(const QString &tokenId)
{
    Result<bool> changed = m_tokens->setTokenExpiry(tokenId, m_clock.nowMs());
    if (!changed)
        return changed.error();
    return reload(tokenId);
}

Result<TokenView> TokenService::extend(const QString &tokenId, qint64 seconds)
{
    if (seconds <= 0 || seconds > DebugTokenRequest::s_maxLifetime)
        return badRequest(u"malformed_lifetime"_s,
                          u"A token is extended by 1 to %1 seconds"_s.arg(DebugTokenRequest::s_maxLifetime));
    Result<std::optional<TokenView>> found = m_tokens->findById(tokenId);
    if (!found)
        return found.error();
    if (!found.value())
        return Error{ErrorKind::NotFound, u"no_token"_s, u"No token with id \"%1\""_s.arg(tokenId)};
    const TokenView &view = *found.value();
    if (view.token.revokedAtMs != 0 || (view.hasApproval && view.approval.revokedAtMs != 0))
        return Error{ErrorKind::Conflict, u"token_revoked"_s,
                     u"The token \"%1\" is revoked; a revoked token cannot be extended"_s.arg(tokenId)};
    const qint64 expiresAtMs = qMax(view.token.expiresAtMs, m_clock.nowMs()) + seconds * 1000;
    Result<bool> changed = m_tokens->extendTokenExpiry(tokenId, expiresAtMs);
    if (!changed)
        return changed.error();
    if (!changed.value())
        return Error{ErrorKind::Conflict, u"token_revoked"_s,
                     u"The token \"%1\" was revoked meanwhile; it cannot be extended"_s.arg(tokenId)};
    return reload(tokenId);
}

Result<TokenView> TokenService::store(const TokenRecord &token)
{
    if (Status stored = m_tokens->insertToken(token); !stored)
        return stored.error();
    Result<std::optional<TokenView>> view = m_tokens->findById(token.id);
    if (!view)
        return view.error();
    if (!view.value())
        return storageError(u"The token just stored cannot be read back"_s);
    Q_EMIT tokenIssued(*view.value());
    return *view.value();
}

void TokenService::announceChanged(const QString &tokenId)
{
    (void)reload(tokenId);
}
