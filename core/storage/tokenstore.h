// SPDX-License-Identifier: Apache-2.0
#pragma once

// The approvals and tokens tables.

#include "oauth/token.h"
#include "result.h"

#include <optional>

class Database;

class TokenStore final
{
    Q_DISABLE_COPY_MOVE(TokenStore)

public:
    explicit TokenStore(const Database &database) : m_database(database) { }

    Status insertApproval(const Approval &approval) const;
    Status insertToken(const TokenRecord &token) const;

    // Looks a token up by its access token or by its refresh token.
    Result<std::optional<TokenView>> findByAccessToken(const QString &accessToken) const;
    Result<std::optional<TokenView>> findByRefreshToken(const QString &refreshToken) const;
    Result<std::optional<TokenView>> findById(const QString &tokenId) const;
    // Every token, newest first, with its approval.
    Result<QList<TokenView>> list() const;

    Result<bool> revokeToken(const QString &tokenId, qint64 nowMs) const;
    // Moves the expiry earlier (never later); false when nothing changed.
    Result<bool> setTokenExpiry(const QString &tokenId, qint64 expiresAtMs) const;
    // Moves the expiry of a token that is not revoked to `expiresAtMs`, later only; false when
    // nothing changed.
    Result<bool> extendTokenExpiry(const QString &tokenId, qint64 expiresAtMs) const;
    // Marks a refresh token spent (rotation); false when it already was (a replay).
    Result<bool> spendRefreshToken(const QString &tokenId, qint64 nowMs) const;
    // Revokes every token issued from an authorization code (the code was replayed).
    Result<int> revokeIssuedFromCode(const QString &code, qint64 nowMs) const;
    // Revokes an approval and every token issued under it.
    Status revokeApproval(const QString &approvalId, qint64 nowMs) const;
    Result<std::optional<Approval>> findApproval(const QString &approvalId) const;
    // A user's approvals, newest first.
    Result<QList<Approval>> approvalsOf(const QString &username) const;

private:
    Result<std::optional<TokenView>> findWhere(const QString &condition, const QString &value) const;

    const Database &m_database;
};
