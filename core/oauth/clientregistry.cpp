// SPDX-License-Identifier: Apache-2.0
#include "clientregistry.h"

#include "clock.h"
#include "scopes.h"
#include "secrets.h"
#include "storage/clientstore.h"

#include <QJsonArray>
#include <QSet>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype s_maxUriLength = 2048;
constexpr qsizetype s_maxNameLength = 256;

Error invalidMetadata(const QString &description)
{
    return badRequest(u"invalid_client_metadata"_s, description);
}

Error invalidRedirect(const QString &description)
{
    return badRequest(u"invalid_redirect_uri"_s, description);
}

// An optional array of strings; an error naming the field when it is anything else.
Result<QStringList> stringArray(const QJsonObject &metadata, const QString &field)
{
    const QJsonValue value = metadata.value(field);
    if (value.isUndefined() || value.isNull())
        return QStringList();
    if (!value.isArray())
        return invalidMetadata(u"%1 must be an array of strings"_s.arg(field));
    QStringList list;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            return invalidMetadata(u"%1 must be an array of strings"_s.arg(field));
        list.append(item.toString());
    }
    return list;
}

// An optional string; a null QString when absent.
Result<QString> optionalString(const QJsonObject &metadata, const QString &field)
{
    const QJsonValue value = metadata.value(field);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        return invalidMetadata(u"%1 must be a string"_s.arg(field));
    return value.toString();
}

// Why a redirect URI is not acceptable, or an empty string when it is.
QString redirectUriProblem(const QString &text)
{
    if (text.isEmpty())
        return u"a redirect URI is empty"_s;
    if (text.size() > s_maxUriLength)
        return u"a redirect URI is longer than %1 characters"_s.arg(s_maxUriLength);
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return u"\"%1\" is not a valid URI"_s.arg(text);
    if (url.isRelative())
        return u"\"%1\" is not absolute"_s.arg(text);
    if (url.hasFragment() || text.contains(u'#'))
        return u"\"%1\" has a fragment, which RFC 6749 forbids"_s.arg(text);
    const QString scheme = url.scheme().toLower();
    static const QSet<QString> forbidden = {u"javascript"_s, u"data"_s, u"vbscript"_s, u"file"_s};
    if (forbidden.contains(scheme))
        return u"\"%1\" uses the %2: scheme, which cannot receive a redirect"_s.arg(text, scheme);
    if ((scheme == u"http"_s || scheme == u"https"_s) && url.host().isEmpty())
        return u"\"%1\" has no host"_s.arg(text);
    if (!url.userInfo().isEmpty())
        return u"\"%1\" contains user information"_s.arg(text);
    return {};
}

Status checkWebUrl(const QJsonObject &metadata, const QString &field)
{
    Result<QString> text = optionalString(metadata, field);
    if (!text)
        return text.error();
    if (text.value().isNull())
        return Done{};
    const QUrl url(text.value(), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (text.value().size() > s_maxUriLength || !url.isValid() || url.host().isEmpty()
        || (scheme != u"http"_s && scheme != u"https"_s))
        return invalidMetadata(u"%1 must be an absolute http or https URL"_s.arg(field));
    return Done{};
}

Status checkJwks(const QJsonObject &metadata)
{
    const QJsonValue jwks = metadata.value(u"jwks"_s);
    if (jwks.isUndefined() || jwks.isNull())
        return Done{};
    if (!jwks.isObject() || !jwks.toObject().value(u"keys"_s).isArray())
        return invalidMetadata(u"jwks must be a JSON Web Key Set: an object with a \"keys\" array"_s);
    const QJsonArray keys = jwks.toObject().value(u"keys"_s).toArray();
    if (keys.isEmpty())
        return invalidMetadata(u"jwks has no keys"_s);
    for (const QJsonValue &key : keys) {
        if (!key.isObject() || !key.toObject().value(u"kty"_s).isString())
            return invalidMetadata(u"every key in jwks must be a JWK object with a \"kty\""_s);
    }
    return Done{};
}

} // namespace

ClientRegistry::ClientRegistry(const Database &database, const Clock &clock, QObject *parent)
    : QObject(parent), m_clock(clock), m_store(std::make_unique<ClientStore>(database))
{
    qRegisterMetaType<Client>();
}

ClientRegistry::~ClientRegistry() = default;

Result<Client> ClientRegistry::validate(const QJsonObject &metadata)
{
    Client client;

    Result<QStringList> grantTypes = stringArray(metadata, u"grant_types"_s);
    if (!grantTypes)
        return grantTypes.error();
    client.grantTypes = !metadata.value(u"grant_types"_s).isNull() && !metadata.value(u"grant_types"_s).isUndefined()
        ? grantTypes.value()
        : QStringList{u"authorization_code"_s, u"refresh_token"_s};
    static const QSet<QString> knownGrants = {u"authorization_code"_s, u"refresh_token"_s, u"client_credentials"_s};
    if (client.grantTypes.isEmpty())
        return invalidMetadata(u"grant_types is empty"_s);
    for (const QString &grant : std::as_const(client.grantTypes)) {
        if (!knownGrants.contains(grant))
            return invalidMetadata(u"grant type \"%1\" is not supported; use authorization_code, "
                                   "refresh_token or client_credentials"_s.arg(grant));
    }
    client.grantTypes.removeDuplicates();
    const bool usesCode = client.grantTypes.contains(u"authorization_code"_s);

    Result<QStringList> responseTypes = stringArray(metadata, u"response_types"_s);
    if (!responseTypes)
        return responseTypes.error();
    for (const QString &type : responseTypes.value()) {
        if (type != u"code"_s)
            return invalidMetadata(u"response type \"%1\" is not supported; SMART uses \"code\""_s.arg(type));
    }
    if (!responseTypes.value().isEmpty() && !usesCode)
        return invalidMetadata(u"response_types \"code\" needs the authorization_code grant type"_s);

    Result<QStringList> redirectUris = stringArray(metadata, u"redirect_uris"_s);
    if (!redirectUris)
        return invalidRedirect(u"redirect_uris must be an array of strings"_s);
    client.redirectUris = redirectUris.value();
    if (usesCode && client.redirectUris.isEmpty())
        return invalidRedirect(u"redirect_uris is required and must list at least one URI"_s);
    for (const QString &uri : std::as_const(client.redirectUris)) {
        if (const QString problem = redirectUriProblem(uri); !problem.isEmpty())
            return invalidRedirect(problem);
    }
    client.redirectUris.removeDuplicates();

    Result<QString> method = optionalString(metadata, u"token_endpoint_auth_method"_s);
    if (!method)
        return method.error();
    client.tokenEndpointAuthMethod = method.value().isNull() ? u"client_secret_basic"_s : method.value();
    static const QSet<QString> knownMethods
        = {u"none"_s, u"client_secret_basic"_s, u"client_secret_post"_s, u"private_key_jwt"_s};
    if (!knownMethods.contains(client.tokenEndpointAuthMethod))
        return invalidMetadata(
            u"token_endpoint_auth_method \"%1\" is not supported; use none, "
            "client_secret_basic, client_secret_post or private_key_jwt"_s.arg(client.tokenEndpointAuthMethod));
    if (Status status = checkJwks(metadata); !status)
        return status.error();
    if (Status status = checkWebUrl(metadata, u"jwks_uri"_s); !status)
        return status.error();
    const bool hasJwks = metadata.value(u"jwks"_s).isObject();
    const bool hasJwksUri = metadata.value(u"jwks_uri"_s).isString();
    if (hasJwks && hasJwksUri)
        return invalidMetadata(u"jwks and jwks_uri must not both be given"_s);
    if (client.tokenEndpointAuthMethod == u"private_key_jwt"_s && !hasJwks && !hasJwksUri)
        return invalidMetadata(u"private_key_jwt needs the client's public keys in jwks or jwks_uri"_s);
    if (client.grantTypes.contains(u"client_credentials"_s) && client.tokenEndpointAuthMethod == u"none"_s)
        return invalidMetadata(u"the client_credentials grant needs an authenticated client, not \"none\""_s);

    Result<QString> name = optionalString(metadata, u"client_name"_s);
    if (!name)
        return name.error();
    if (name.value().size() > s_maxNameLength)
        return invalidMetadata(u"client_name is longer than %1 characters"_s.arg(s_maxNameLength));
    client.name = name.value().trimmed();

    Result<QString> scope = optionalString(metadata, u"scope"_s);
    if (!scope)
        return scope.error();
    const QString scopeText = scope.value().trimmed().isEmpty() ? Scopes::defaultClientScope() : scope.value();
    Result<QList<Scope>> scopes = Scopes::parse(scopeText);
    if (!scopes)
        return invalidMetadata(scopes.error().description);
    client.scope = Scopes::join(scopes.value());

    for (const QString &field : {u"launch_uri"_s, u"logo_uri"_s, u"client_uri"_s, u"policy_uri"_s, u"tos_uri"_s}) {
        if (Status status = checkWebUrl(metadata, field); !status)
            return status.error();
    }
    Result<QStringList> contacts = stringArray(metadata, u"contacts"_s);
    if (!contacts)
        return contacts.error();
    for (const QString &field : {u"software_id"_s, u"software_version"_s}) {
        if (Result<QString> text = optionalString(metadata, field); !text)
            return text.error();
    }

    Result<QStringList> labels = stringArray(metadata, u"security_labels"_s);
    if (!labels)
        return labels.error();
    client.securityLabels = metadata.value(u"security_labels"_s).isArray() ? labels.value() : defaultSecurityLabels();

    Result<QString> format = optionalString(metadata, u"access_token_format"_s);
    if (!format)
        return format.error();
    if (!format.value().isNull()) {
        const std::optional<AccessTokenFormat> known = accessTokenFormatFromName(format.value());
        if (!known)
            return invalidMetadata(
                u"access_token_format \"%1\" is not supported; use \"opaque\" or \"jwt\""_s.arg(format.value()));
        client.accessTokenFormat = *known;
    }

    client.metadata = metadata;
    for (const QString &owned :
         {u"client_id"_s, u"client_secret"_s, u"client_id_issued_at"_s, u"client_secret_expires_at"_s,
          u"registration_access_token"_s, u"registration_client_uri"_s})
        client.metadata.remove(owned);
    if (usesCode && !client.metadata.contains(u"response_types"_s))
        client.metadata.insert(u"response_types"_s, QJsonArray{u"code"_s});
    return client;
}

Result<Client> ClientRegistry::registerClient(const QJsonObject &metadata, const QString &origin)
{
    Result<Client> validated = validate(metadata);
    if (!validated)
        return validated.error();
    Client client = std::move(validated).value();
    client.issuedAtMs = m_clock.nowMs();
    client.id = Secrets::timeOrderedUuid(Secrets::nextTimeOrder(client.issuedAtMs)); // docs/decisions/0071
    if (client.name.isEmpty())
        client.name = client.id;
    const bool needsSecret = client.tokenEndpointAuthMethod == u"client_secret_basic"_s
        || client.tokenEndpointAuthMethod == u"client_secret_post"_s;
    if (needsSecret)
        client.secret = Secrets::randomToken(32);
    client.origin = origin;
    client.registrationAccessToken = Secrets::randomToken(32);
    client.updatedAtMs = client.issuedAtMs;
    if (Status stored = m_store->insert(client); !stored)
        return stored.error();
    Q_EMIT clientRegistered(client);
    return client;
}

Result<std::optional<Client>> ClientRegistry::find(const QString &clientId) const
{
    return m_store->find(clientId);
}

Result<QList<Client>> ClientRegistry::clients() const
{
    return m_store->list();
}

Result<bool> ClientRegistry::remove(const QString &clientId)
{
    Result<bool> removed = m_store->remove(clientId);
    if (removed && removed.value())
        Q_EMIT clientRemoved(clientId);
    return removed;
}

Result<Client> ClientRegistry::update(const QString &clientId, const QJsonObject &metadata)
{
    Result<std::optional<Client>> existing = m_store->find(clientId);
    if (!existing)
        return existing.error();
    if (!existing.value())
        return Error{ErrorKind::NotFound, u"invalid_client_id"_s, u"No client with client_id \"%1\""_s.arg(clientId)};
    if (metadata.contains(u"client_id"_s) && metadata.value(u"client_id"_s).toString() != clientId)
        return badRequest(u"invalid_client_metadata"_s, u"client_id in the body must be the client's own"_s);
    Result<Client> validated = validate(metadata);
    if (!validated)
        return validated.error();
    Client client = std::move(validated).value();
    const Client &before = *existing.value();
    client.id = before.id;
    if (client.name.isEmpty())
        client.name = client.id;
    const bool needsSecret = client.tokenEndpointAuthMethod == u"client_secret_basic"_s
        || client.tokenEndpointAuthMethod == u"client_secret_post"_s;
    client.secret = needsSecret ? (before.secret.isNull() ? Secrets::randomToken(32) : before.secret) : QString();
    client.origin = before.origin;
    client.registrationAccessToken = before.registrationAccessToken;
    client.issuedAtMs = before.issuedAtMs;
    client.updatedAtMs = m_clock.nowMs();
    if (Status stored = m_store->update(client); !stored)
        return stored.error();
    Q_EMIT clientUpdated(client);
    return client;
}
