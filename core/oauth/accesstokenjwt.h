// SPDX-License-Identifier: Apache-2.0
#pragma once

// JWT access tokens (RFC 9068): the claims the sandbox writes, signing with the server key, and
// the checks a resource server makes before it trusts one (signature through libjose, typ, iss,
// aud, exp). Socket-free and storage-free, so that the checks are unit-tested on their own.

#include "result.h"
#include "token.h"

#include <QJsonObject>

namespace AccessTokenJwt {

// The "typ" header of an RFC 9068 access token.
inline constexpr char s_type[] = "at+jwt";

// The claims of `token`: iss, sub (the user, or the client for a backend token), aud (the FHIR
// base), exp, iat, jti (the token id), client_id, scope, and the SMART context (patient,
// encounter, fhirUser) when there is one. `fhirUser` may be empty.
QJsonObject claims(const TokenRecord &token, const Approval *approval, const ServerUrls &urls, const QString &fhirUser);

// Signs claims as a compact JWS with typ "at+jwt".
Result<QString> sign(const QJsonObject &claims, const QJsonObject &privateJwk);

// Checks a JWT access token: the signature against `jwks` (RS256 only, so alg "none" and HMAC
// are refused), typ "at+jwt", iss one of the accepted issuers, aud holding the matching FHIR base,
// exp after `nowMs`. The claims when all hold; else invalid_token saying which check failed.
Result<QJsonObject> verify(const QString &jwt, const QJsonObject &jwks, const ServerUrls &urls, qint64 nowMs);

// The same JWS with its signature changed (for the bad_signature defect): still well-formed, no
// longer valid.
QString withBrokenSignature(const QString &jwt);

} // namespace AccessTokenJwt
