// SPDX-License-Identifier: Apache-2.0
#include "tokenservice.h"

#include "accesstokenjwt.h"
#include "clock.h"
#include "scopes.h"
#include "secrets.h"
#include "serverkeys.h"
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

// Where the wrong_iss and wrong_aud defects point: a server that is not this one.
const auto s_otherIssuer = u"https://other-server.example"_s;

// missing_scope: the scope without what reads Patient resources. A wildcard becomes the same
// scope for Observation, so that the token still reads something and only Patient is missing.
QString withoutPatientReads(const QList<Scope> &scopes)
{
    QStringList kept;
    for (const Scope &scope : scopes) {
        const bool readsPatients = scope.kind == Scope::Kind::Resource
            && (scope.resourceType == u"Patient"_s || scope.resourceType == u"*"_s)
            && scope.permissions.testFlag(Scope::Permission::Read);
        if (!readsPatients)
            kept.append(scope.text);
        else if (scope.resourceType == u"*"_s)
            kept.append(scope.context + u"/Observation."_s + (scope.v2Syntax ? u"rs"_s : u"read"_s));
    }
    kept.removeDuplicates();
    return kept.join(u' ');
}

bool hasScope(const QString &scope, const QString &wanted)
{
    return scope.split(u' ', Qt::SkipEmptyParts).contains(wanted);
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

    const QJsonValue defect = json.value(u"defect"_s);
    if (!defect.isUndefined() && !defect.isNull() && defect.toString() != u"none"_s) {
        const std::optional<TokenDefect> known = TokenDefects::fromName(defect.toString());
        if (!defect.isString() || !known) {
            QStringList names;
            for (const TokenDefect each : TokenDefects::all())
                names.append(TokenDefects::name(each));
            return badRequest(u"invalid_defect"_s, u"defect must be one of: none, %1"_s.arg(names.join(u", "_s)));
        }
        request.defect = *known;
    }
    return request;
}

TokenService::TokenService(const Database &database, const Clock &clock, const ServerKeys &keys, QObject *parent)
    : QObject(parent),
      m_database(database),
      m_clock(clock),
      m_keys(keys),
      m_clients(std::make_unique<ClientStore>(database)),
      m_people(std::make_unique<PeopleStore>(database)),
      m_tokens(std::make_unique<TokenStore>(database))
{
    qRegisterMetaType<TokenView>();
}

TokenService::~TokenService() = default;

Result<TokenView> TokenService::mintDebugToken(const DebugTokenRequest &request, const ServerUrls &urls)
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
        client = MintClient{found.value()->scope, found.value()->securityLabels, granted.value(),
                            found.value()->accessTokenFormat == AccessTokenFormat::Jwt};
        m_mintClients.insert(request.clientId, client, stamp);
    }
    if (TokenDefects::needsJwt(request.defect) && !client.jwt)
        return badRequest(
            u"invalid_defect"_s,
            u"The defect %1 needs JWT access tokens, and client \"%2\" has opaque ones; register it "
            "with \"access_token_format\": \"jwt\""_s.arg(TokenDefects::name(request.defect), request.clientId));
    if (Status checked = checkPeople(request, stamp); !checked)
        return checked.error();
    return mint(request, client, urls);
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

Result<TokenView> TokenService::mint(const DebugTokenRequest &request, const MintClient &client, const ServerUrls &urls)
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
    QString patientId = request.patientId;
    if (request.defect == TokenDefect::OtherPatient) {
        Result<QString> other = otherPatient(request.username, request.patientId);
        if (!other)
            return other.error();
        patientId = other.value();
    } else if (request.defect == TokenDefect::MissingScope) {
        Result<QList<Scope>> scopes = Scopes::parse(scope);
        if (!scopes)
            return scopes.error();
        scope = withoutPatientReads(scopes.value());
    }

    const qint64 now = m_clock.nowMs();
    Approval approval;
    const Secrets::TimeOrder order = Secrets::nextTimeOrder(now);
    approval.id = Secrets::timeOrderedUuid(order);
    approval.clientId = request.clientId;
    approval.username = request.username;
    approval.patientId = patientId;
    approval.scope = scope;
    approval.securityLabels = client.securityLabels;
    approval.createdAtMs = now;
    approval.expiresAtMs = request.approvalExpiresAtSeconds ? *request.approvalExpiresAtSeconds * 1000
                                                            : now + DebugTokenRequest::s_defaultApprovalLifetime * 1000;

    TokenRecord token;
    token.id = Secrets::timeOrderedUuid(order);
    token.accessToken = Secrets::timeOrderedToken(order);
    token.refreshToken = Secrets::timeOrderedToken(order);
    token.approvalId = approval.id;
    token.clientId = request.clientId;
    token.scope = scope;
    token.origin = u"debug"_s;
    token.issuedAtMs = now;
    token.expiresAtMs = now + request.accessLifetimeSeconds * 1000;
    token.defect = request.defect;
    if (request.defect == TokenDefect::Expired && request.accessLifetimeSeconds >= 0)
        token.expiresAtMs = now - 60 * 1000;
    if (request.defect == TokenDefect::Revoked)
        token.revokedAtMs = now;
    if (client.jwt) {
        token.format = AccessTokenFormat::Jwt;
        Result<QString> signedToken = signedAccessToken(token, &approval, urls, request.defect);
        if (!signedToken)
            return signedToken.error();
        token.accessToken = signedToken.value();
    }

    // The token row has fresh keys and refers to the approval just written: once the approval
    // is in, only the storage can fail, so the job needs no savepoint of its own.
    Status stored = m_database.transaction(
        [&]() -> Status {
            if (Status status = m_tokens->insertApproval(approval); !status)
                return status;
            return m_tokens->insertToken(token);
        },
        Database::JobUndo::LoseGroup);
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

Result<FoundToken> TokenService::findVerified(const QString &token, const ServerUrls &urls) const
{
    Result<FoundToken> found = find(token);
    if (!found)
        return found;
    FoundToken result = found.value();
    if (result.match != TokenMatch::Access || result.view.token.format != AccessTokenFormat::Jwt)
        return result;
    Result<QJsonObject> claims = AccessTokenJwt::verify(token, m_keys.jwks(), urls, m_clock.nowMs());
    if (!claims)
        result.rejection = claims.error().description;
    else if (claims.value().value(u"jti"_s).toString() != result.view.token.id)
        result.rejection = u"The JWT access token's jti is not the token it was stored as"_s;
    return result;
}

Result<QString> TokenService::fhirUser(const QString &username, const QString &fhirBase) const
{
    Result<QList<UserPatient>> patients = m_people->patientsOf(username);
    if (!patients)
        return patients.error();
    for (const UserPatient &link : patients.value()) {
        if (link.relationship == u"self"_s)
            return QString(fhirBase + u"/Patient/"_s + link.patient.id);
    }
    return QString(fhirBase + u"/Person/"_s + username);
}

Result<QString> TokenService::signedAccessToken(const TokenRecord &token, const Approval *approval,
                                                const ServerUrls &urls, TokenDefect defect) const
{
    if (urls.base.isEmpty())
        return storageError(u"A JWT access token needs the server's issuer URL"_s);
    QString user;
    if (approval && !approval->username.isEmpty()
        && (hasScope(token.scope, u"fhirUser"_s) || hasScope(token.scope, u"profile"_s))) {
        Result<QString> found = fhirUser(approval->username, urls.fhirBase);
        if (!found)
            return found.error();
        user = found.value();
    }
    QJsonObject claims = AccessTokenJwt::claims(token, approval, urls, user);
    if (defect == TokenDefect::WrongIssuer)
        claims.insert(u"iss"_s, s_otherIssuer);
    if (defect == TokenDefect::WrongAudience)
        claims.insert(u"aud"_s, QString(s_otherIssuer + u"/api/fhir"_s));
    Result<QString> jwt = AccessTokenJwt::sign(claims, m_keys.signingKey());
    if (!jwt || defect != TokenDefect::BadSignature)
        return jwt;
    return AccessTokenJwt::withBrokenSignature(jwt.value());
}

Result<QString> TokenService::otherPatient(const QString &username, const QString &patientId) const
{
    Result<QList<Patient>> patients = m_people->patients();
    if (!patients)
        return patients.error();
    Result<QList<UserPatient>> linked = m_people->patientsOf(username);
    if (!linked)
        return linked.error();
    QString fallback;
    for (const Patient &patient : patients.value()) {
        if (patient.id == patientId)
            continue;
        const bool ownedByUser = std::any_of(linked.value().cbegin(), linked.value().cend(),
                                             [&](const UserPatient &link) { return link.patient.id == patient.id; });
        if (!ownedByUser)
            return patient.id;
        if (fallback.isEmpty())
            fallback = patient.id;
    }
    if (fallback.isEmpty())
        return badRequest(u"invalid_defect"_s, u"other_patient needs a second patient, and there is only one"_s);
    return fallback;
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
    if (view.token.format == AccessTokenFormat::Jwt)
        return Error{ErrorKind::Conflict, u"token_is_jwt"_s,
                     u"The token \"%1\" is a JWT: its expiry (exp) is signed into it and cannot move; mint a new "
                     "token instead"_s.arg(tokenId)};
    const qint64 expiresAtMs = qMax(view.token.expiresAtMs, m_clock.nowMs()) + seconds * 1000;
    Result<bool> changed = m_tokens->extendTokenExpiry(tokenId, expiresAtMs);
    if (!changed)
        return changed.error();
    if (!changed.value())
        return Error{ErrorKind::Conflict, u"token_revoked"_s,
                     u"The token \"%1\" was revoked meanwhile; it cannot be extended"_s.arg(tokenId)};
    return reload(tokenId);
}

Result<TokenView> TokenService::store(const TokenRecord &given, const ServerUrls &urls)
{
    TokenRecord token = given;
    Result<std::optional<Client>> client = m_clients->find(token.clientId);
    if (!client)
        return client.error();
    if (client.value() && client.value()->accessTokenFormat == AccessTokenFormat::Jwt) {
        std::optional<Approval> approval;
        if (!token.approvalId.isEmpty()) {
            Result<std::optional<Approval>> found = m_tokens->findApproval(token.approvalId);
            if (!found)
                return found.error();
            approval = found.value();
        }
        token.format = AccessTokenFormat::Jwt;
        Result<QString> jwt = signedAccessToken(token, approval ? &*approval : nullptr, urls, TokenDefect::None);
        if (!jwt)
            return jwt.error();
        token.accessToken = jwt.value();
    }
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
