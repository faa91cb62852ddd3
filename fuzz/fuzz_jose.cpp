// SPDX-License-Identifier: Apache-2.0
// JWS/JWT and JWK parsing through libjose, as client assertions and registered key sets reach it.
// The input is "JWK or JWK Set" NEWLINE "compact JWS": the key is parsed, thumbprinted and used to
// verify the token; the token is also decoded and checked against the sandbox's own kind of key.

#include "fuzzcheck.h"
#include "oauth/jose.h"
#include "oauth/jwtinspector.h"

#include <QJsonDocument>

namespace {
QJsonObject s_serverKey;
const QStringList s_algorithms{QStringLiteral("RS256"), QStringLiteral("RS384"), QStringLiteral("ES384")};
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    const Result<QJsonObject> key = Jose::generateKey(QStringLiteral("RS256"));
    FUZZ_CHECK(key);
    s_serverKey = Jose::publicKey(key.value());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = fuzzInput(data, size);
    const qsizetype newline = input.indexOf('\n');
    const QByteArray keyText = newline < 0 ? QByteArray() : input.first(newline);
    const QString compact = QString::fromUtf8(newline < 0 ? input : input.sliced(newline + 1));

    const QJsonObject key = QJsonDocument::fromJson(keyText).object();
    if (!key.isEmpty()) {
        static_cast<void>(Jose::thumbprint(key));
        Jose::publicKey(key);
        static_cast<void>(Jose::verify(compact, key, s_algorithms));
    }
    JwtInspector::looksLikeJwt(compact);
    const Result<Jose::Decoded> decoded = Jose::decode(compact);
    const Result<Jose::Decoded> verified = Jose::verify(compact, s_serverKey, s_algorithms);
    FUZZ_CHECK(!verified); // nobody but this process holds the private key
    if (!decoded)
        FUZZ_CHECK(!decoded.error().description.isEmpty());
    return 0;
}
