// SPDX-License-Identifier: Apache-2.0
#pragma once

// An approval (a user's consent for a client, for one patient, until a date) and the tokens
// issued under it.

#include "accesstokenformat.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

// A flaw minted into a token on purpose, so that an app's error handling can be tried
// (POST /oauth/debug/token "defect", the Mint dialog). The last three need a JWT access token.
enum class TokenDefect { None, Expired, Revoked, OtherPatient, MissingScope, WrongAudience, WrongIssuer, BadSignature };

namespace TokenDefects {
// Every defect but None, in the order the documentation and the Mint dialog list them.
QList<TokenDefect> all();
// "expired", "revoked", "other_patient", "missing_scope", "wrong_aud", "wrong_iss",
// "bad_signature"; an empty string for None.
QString name(TokenDefect defect);
std::optional<TokenDefect> fromName(const QString &name);
// Whether the defect lives in the JWT's claims or signature, so that an opaque token cannot carry it.
bool needsJwt(TokenDefect defect);
// What an app sees when it uses such a token, in one sentence.
QString consequence(TokenDefect defect);
} // namespace TokenDefects

// Where the server lives, for the URLs and claims it writes and the JWTs it accepts.
struct ServerUrls
{
    QString base; // the issuer
    QString fhirBase; // base + /api/fhir
    // Issuers a JWT access token may name (and whose /api/fhir it may have as aud): the request's
    // base and the listener's (or --base-url); empty: base only.
    QStringList acceptedIssuers = {};
};

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
    AccessTokenFormat format = AccessTokenFormat::Opaque; // a JWT is stored whole in accessToken
    TokenDefect defect = TokenDefect::None;
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
