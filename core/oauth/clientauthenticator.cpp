// SPDX-License-Identifier: Apache-2.0
#include "clientauthenticator.h"

#include "clock.h"
#include "jose.h"
#include "jwkscache.h"
#include "secrets.h"
#include "storage/authstore.h"
#include "storage/clientstore.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

const auto s_jwtBearer = u"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"_s;

Error invalidClient(const QString &description)
{
    return Error{ErrorKind::Unauthorized, u"invalid_client"_s, description};
}

bool audienceMatches(const QJsonValue &aud, const QString &expected)
{
    if (aud.isString())
        return aud.toString() == expected;
    if (aud.isArray()) {
        const QJsonArray array = aud.toArray();
        return std::any_of(array.begin(), array.end(),
                           [&](const QJsonValue &value) { return value.toString() == expected; });
    }
    return false;
}

} // namespace

ClientAuthenticator::ClientAuthenticator(const Database &database, const Clock &clock, const JwksCache &keySets)
    : m_database(database), m_clock(clock), m_keySets(keySets)
{ }

Result<AuthenticatedClient> ClientAuthenticator::authenticate(const ClientCredentials &credentials,
                                                              const QStringList &audiences, QStringList *findings) const
{
    if (!credentials.assertion.isEmpty() || !credentials.assertionType.isEmpty())
        return byAssertion(credentials, audiences);

    const ClientStore clients(m_database);
    QString clientId;
    QString secret;
    QString method;
    if (credentials.hasBasic) {
        if (!credentials.clientId.isEmpty() && credentials.clientId != credentials.basicId)
            return invalidClient(
                u"client_id in the body (%1) differs from the one in the Authorization header (%2)"_s.arg(
                    credentials.clientId, credentials.basicId));
        if (!credentials.clientSecret.isEmpty())
            return badRequest(u"invalid_request"_s,
                              u"The client authenticated twice (HTTP Basic and client_secret); use one method"_s);
        clientId = credentials.basicId;
        secret = credentials.basicSecret;
        method = u"client_secret_basic"_s;
    } else if (!credentials.clientSecret.isEmpty()) {
        clientId = credentials.clientId;
        secret = credentials.clientSecret;
        method = u"client_secret_post"_s;
    } else {
        clientId = credentials.clientId;
        method = u"none"_s;
    }
    if (clientId.isEmpty())
        return invalidClient(u"No client identification: send client_id (public clients), HTTP Basic or "
                             "client_secret (confidential clients), or a client_assertion"_s);

    Result<std::optional<Client>> found = clients.find(clientId);
    if (!found)
        return found.error();
    if (!found.value())
        return invalidClient(u"No client is registered with client_id \"%1\""_s.arg(clientId));
    const Client &client = *found.value();

    if (method == u"none"_s) {
        if (!client.secret.isNull())
            return invalidClient(u"Client \"%1\" is confidential: authenticate with its client_secret (HTTP Basic "
                                 "or client_secret_post)"_s.arg(clientId));
        if (client.tokenEndpointAuthMethod == u"private_key_jwt"_s)
            return invalidClient(u"Client \"%1\" is registered for private_key_jwt: send a client_assertion signed "
                                 "with its key"_s.arg(clientId));
        return AuthenticatedClient{client, method};
    }
    if (client.secret.isNull())
        return invalidClient(
            u"Client \"%1\" has no secret (it is registered as %2)"_s.arg(clientId, client.tokenEndpointAuthMethod));
    if (!Secrets::constantTimeEquals(secret, client.secret))
        return invalidClient(u"The client secret for \"%1\" is wrong"_s.arg(clientId));
    if (findings && method != client.tokenEndpointAuthMethod)
        findings->append(u"Client \"%1\" is registered for %2 but used %3; the sandbox accepted it, a strict server "
                         "may not."_s.arg(clientId, client.tokenEndpointAuthMethod, method));
    return AuthenticatedClient{client, method};
}

Result<AuthenticatedClient> ClientAuthenticator::byAssertion(const ClientCredentials &credentials,
                                                             const QStringList &audiences) const
{
    if (credentials.assertionType != s_jwtBearer)
        return invalidClient(u"client_assertion_type must be %1"_s.arg(s_jwtBearer));
    if (credentials.assertion.isEmpty())
        return invalidClient(u"client_assertion is missing"_s);
    Result<Jose::Decoded> decoded = Jose::decode(credentials.assertion);
    if (!decoded)
        return invalidClient(u"The client assertion is not a JWT: "_s + decoded.error().description);
    const QJsonObject claims = decoded.value().payload;
    const QString issuer = claims.value(u"iss"_s).toString();
    if (issuer.isEmpty() || claims.value(u"sub"_s).toString() != issuer)
        return invalidClient(u"The client assertion's iss and sub must both be the client_id"_s);
    if (!credentials.clientId.isEmpty() && credentials.clientId != issuer)
        return invalidClient(
            u"client_id (%1) differs from the assertion's iss (%2)"_s.arg(credentials.clientId, issuer));

    const ClientStore clients(m_database);
    Result<std::optional<Client>> found = clients.find(issuer);
    if (!found)
        return found.error();
    if (!found.value())
        return invalidClient(u"No client is registered with client_id \"%1\""_s.arg(issuer));
    const Client &client = *found.value();
    QJsonObject keySet = client.metadata.value(u"jwks"_s).toObject();
    const QString jwksUri = client.metadata.value(u"jwks_uri"_s).toString();
    if (keySet.isEmpty() && !jwksUri.isEmpty()) {
        // PortalServer fetched the set before calling us (without blocking); use what came.
        const std::optional<QJsonObject> fetched = m_keySets.keys(jwksUri);
        if (!fetched)
            return invalidClient(u"The keys of client \"%1\" could not be fetched from its jwks_uri: %2"_s.arg(
                issuer, m_keySets.lastError(jwksUri).isEmpty() ? u"not fetched yet"_s : m_keySets.lastError(jwksUri)));
        keySet = *fetched;
    }
    if (keySet.isEmpty())
        return invalidClient(
            u"Client \"%1\" registered no keys (jwks or jwks_uri) to check its assertion with"_s.arg(issuer));
    Result<Jose::Decoded> verified = Jose::verify(credentials.assertion, keySet, {u"RS384"_s, u"ES384"_s, u"RS256"_s});
    if (!verified)
        return invalidClient(u"The client assertion's signature is not valid: "_s + verified.error().description);

    const bool audienceOk = std::any_of(audiences.cbegin(), audiences.cend(), [&](const QString &audience) {
        return audienceMatches(claims.value(u"aud"_s), audience);
    });
    if (!audienceOk)
        return invalidClient(u"The client assertion's aud must be the token endpoint, %1"_s.arg(audiences.value(0)));
    const qint64 now = m_clock.nowMs();
    const QJsonValue exp = claims.value(u"exp"_s);
    if (!exp.isDouble())
        return invalidClient(u"The client assertion has no exp"_s);
    const qint64 expiresAtMs = qint64(exp.toDouble()) * 1000;
    if (expiresAtMs <= now)
        return invalidClient(u"The client assertion expired"_s);
    if (expiresAtMs > now + s_maxAssertionLifetimeMs)
        return invalidClient(u"The client assertion's exp is more than five minutes ahead"_s);
    const QString jti = claims.value(u"jti"_s).toString();
    if (jti.isEmpty())
        return invalidClient(u"The client assertion has no jti"_s);
    Result<bool> fresh = AuthStore(m_database).rememberAssertion(issuer, jti, expiresAtMs);
    if (!fresh)
        return fresh.error();
    if (!fresh.value())
        return invalidClient(
            u"The client assertion's jti \"%1\" was already used; every assertion needs a new jti"_s.arg(jti));
    return AuthenticatedClient{client, u"private_key_jwt"_s};
}
