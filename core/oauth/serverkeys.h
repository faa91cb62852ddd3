// SPDX-License-Identifier: Apache-2.0
#pragma once

// The server's signing key (RS256), generated on first start and kept in the settings table so
// that it survives restarts and resets, and is shared by every instance of a team sandbox. It
// signs id_tokens and is published at /oauth/jwks.

#include "jose.h"
#include "result.h"

#include <QJsonObject>

class Database;

class ServerKeys final
{
    Q_DISABLE_COPY_MOVE(ServerKeys)

public:
    explicit ServerKeys(const Database &database) : m_database(database) { }

    // Loads the key, creating it when there is none yet: `initialKey` when given (an RS256 private
    // JWK; the tests share one so that each fresh database skips RSA key generation), else a new one.
    Status load(const QJsonObject &initialKey = {});

    const QJsonObject &signingKey() const { return m_signingKey; }
    QString keyId() const { return m_signingKey.value(QLatin1String("kid")).toString(); }
    // {"keys": [the public key]}
    QJsonObject jwks() const;
    Result<QString> sign(const QJsonObject &claims) const;
    // Checks that the server's key signed a compact JWS (what the window does for id_tokens).
    Result<Jose::Decoded> verify(const QString &compact) const;

private:
    const Database &m_database;
    QJsonObject m_signingKey;
};
