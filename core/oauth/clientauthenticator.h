// SPDX-License-Identifier: Apache-2.0
#pragma once

// Who is calling the token, introspection or revocation endpoint: a public client naming itself,
// a confidential client with its secret (HTTP Basic or in the body), or a client signing a JWT
// assertion with its registered key (private_key_jwt, RFC 7523 as SMART Backend Services and
// asymmetric client authentication use it).

#include "client.h"
#include "result.h"

#include <QStringList>

class Clock;
class Database;
class JwksCache;

// What a request presents, read from its Authorization header and form body by the HTTP layer.
struct ClientCredentials
{
    bool hasBasic = false;
    QString basicId;
    QString basicSecret;
    QString clientId; // client_id in the body
    QString clientSecret; // client_secret in the body
    QString assertionType;
    QString assertion;

    bool presentsAnything() const
    {
        return hasBasic || !clientId.isEmpty() || !clientSecret.isEmpty() || !assertion.isEmpty();
    }
};

struct AuthenticatedClient
{
    Client client;
    QString method; // none, client_secret_basic, client_secret_post or private_key_jwt
};

class ClientAuthenticator final
{
    Q_DISABLE_COPY_MOVE(ClientAuthenticator)

public:
    static constexpr qint64 s_maxAssertionLifetimeMs = 5 * 60 * 1000;

    ClientAuthenticator(const Database &database, const Clock &clock, const JwksCache &keySets);

    // invalid_client (401) when the credentials do not identify a client; `findings` collects
    // plain sentences about rules the client bent but that did not stop it. An assertion's aud
    // may be the token endpoint (SMART Backend Services) or the issuer (RFC 7523, RFC 9126).
    Result<AuthenticatedClient> authenticate(const ClientCredentials &credentials, const QStringList &audiences,
                                             QStringList *findings) const;

private:
    Result<AuthenticatedClient> byAssertion(const ClientCredentials &credentials, const QStringList &audiences) const;

    const Database &m_database;
    const Clock &m_clock;
    const JwksCache &m_keySets;
};
