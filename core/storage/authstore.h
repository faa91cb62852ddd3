// SPDX-License-Identifier: Apache-2.0
#pragma once

// The tables of the authorization flow: authorization_requests, authorization_codes, launches,
// sessions and used_assertions.

#include "oauth/authorization.h"
#include "result.h"

#include <optional>

class Database;

class AuthStore final
{
    Q_DISABLE_COPY_MOVE(AuthStore)

public:
    explicit AuthStore(const Database &database) : m_database(database) { }

    Status insertRequest(const AuthorizationRequest &request) const;
    Result<std::optional<AuthorizationRequest>> findRequest(const QString &requestId) const;
    Status updateRequestSubject(const QString &requestId, const QString &username, const QString &patientId) const;
    Status deleteRequest(const QString &requestId) const;

    Status insertCode(const AuthorizationCode &code) const;
    Result<std::optional<AuthorizationCode>> findCode(const QString &code) const;
    // Marks a code used; false when it already was (a replay), so that two redemptions racing on
    // two instances cannot both succeed.
    Result<bool> useCode(const QString &code, qint64 nowMs) const;

    Status insertLaunch(const Launch &launch) const;
    Result<std::optional<Launch>> findLaunch(const QString &launchId) const;

    Status insertSession(const PortalSession &session) const;
    Result<std::optional<PortalSession>> findSession(const QString &sessionId) const;
    Status deleteSession(const QString &sessionId) const;

    // Records an assertion id; false when the client already used it (a replay).
    Result<bool> rememberAssertion(const QString &clientId, const QString &jti, qint64 expiresAtMs) const;
    // Forgets what has expired: requests, codes, sessions, launches and assertion ids.
    Status purgeExpired(qint64 nowMs) const;

private:
    const Database &m_database;
};
