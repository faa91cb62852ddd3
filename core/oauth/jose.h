// SPDX-License-Identifier: Apache-2.0
#pragma once

// JSON Web Keys and JSON Web Signatures through libjose (latchset jose, over OpenSSL): key
// generation, public keys and thumbprints, compact JWS signing and verification. No crypto is
// done here; this file only converts between Qt JSON and libjose's jansson values and between
// the compact and the flattened JWS serializations.

#include "result.h"

#include <QJsonObject>
#include <QStringList>

namespace Jose {

// A new private key for `alg` (RS256, RS384, ES384...) with "kid" (its RFC 7638 thumbprint),
// "alg" and "use": "sig".
Result<QJsonObject> generateKey(const QString &alg);
// The key without its private parts.
QJsonObject publicKey(const QJsonObject &jwk);
// The RFC 7638 SHA-256 thumbprint, base64url.
Result<QString> thumbprint(const QJsonObject &jwk);

// Signs claims as a compact JWS (header.payload.signature) with the key's alg and kid and
// "typ": "JWT", plus any extra header fields.
Result<QString> sign(const QJsonObject &claims, const QJsonObject &privateJwk, const QJsonObject &extraHeader = {});

struct Decoded
{
    QJsonObject header;
    QJsonObject payload;
};

// Splits and decodes a compact JWS without checking its signature (for display and for finding
// the key to check it with). Errors name what is malformed.
Result<Decoded> decode(const QString &compact);

// Checks a compact JWS signature against a JWK or a JWK Set. The header's alg must be one of
// `allowedAlgorithms`; with a key set, the key is chosen by kid (or every key of a matching type is
// tried when there is no kid). Returns the decoded token when the signature is valid.
Result<Decoded> verify(const QString &compact, const QJsonObject &keyOrKeySet, const QStringList &allowedAlgorithms);

} // namespace Jose
