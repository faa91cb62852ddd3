// SPDX-License-Identifier: Apache-2.0
#pragma once

// An approval (a user's consent for a client, for one patient, until a date) and the tokens
// issued under it.

#include <QMetaType>
#include <QString>
#include <QStringList>

struct Approval
{
    QString id;
    QString clientId;
    QString username; // empty for backend (client_credentials) grants
    QString patientId; // empty when no patient context
    QString encounterId;
    QString scope;
    QStringList securityLabels;
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0;
    qint64 revokedAtMs = 0; // 0: not revoked
};

struct TokenRecord
{
    QString id;
    QString accessToken;
    QString refreshToken; // null when none was issued
    QString approvalId;
    QString clientId;
    QString scope;
    QString origin; // "debug", "authorization_code", "refresh_token", "client_credentials"
    qint64 issuedAtMs = 0;
    qint64 expiresAtMs = 0;
    qint64 revokedAtMs = 0;
    qint64 refreshUsedAtMs = 0; // the refresh token was exchanged (rotation): it is spent
    QString code; // the authorization code this token came from, if any
};

// A token with the approval it belongs to: what introspection and the UI show.
struct TokenView
{
    TokenRecord token;
    Approval approval;
    bool hasApproval = false;

    bool accessActive(qint64 nowMs) const;
    bool refreshActive(qint64 nowMs) const;
};

Q_DECLARE_METATYPE(TokenView)
