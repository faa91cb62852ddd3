// SPDX-License-Identifier: Apache-2.0
#include "jose.h"

extern "C" {
#include <jose/jose.h>
}

#include <QJsonArray>
#include <QJsonDocument>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

struct JsonDeleter
{
    void operator()(json_t *json) const { json_decref(json); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

JsonPtr toJansson(const QJsonObject &object)
{
    const QByteArray text = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return JsonPtr(json_loadb(text.constData(), size_t(text.size()), 0, nullptr));
}

QJsonObject fromJansson(const json_t *json)
{
    if (!json)
        return {};
    std::unique_ptr<char, decltype(&free)> text(json_dumps(json, JSON_COMPACT), &free);
    if (!text)
        return {};
    return QJsonDocument::fromJson(QByteArray(text.get())).object();
}

QString janssonString(const json_t *json)
{
    const char *text = json_string_value(json);
    return text ? QString::fromUtf8(text) : QString();
}

Error invalidToken(const QString &description)
{
    return badRequest(u"invalid_token"_s, description);
}

QByteArray base64UrlDecode(QStringView text, bool *ok)
{
    const QByteArray latin1 = text.toLatin1();
    for (const char c : latin1) {
        const bool valid
            = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!valid) {
            *ok = false;
            return {};
        }
    }
    auto result = QByteArray::fromBase64Encoding(
        latin1, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    *ok = bool(result);
    return result.decoded;
}

QString keyTypeFor(const QString &alg)
{
    if (alg.startsWith(u"RS"_s) || alg.startsWith(u"PS"_s))
        return u"RSA"_s;
    if (alg.startsWith(u"ES"_s))
        return u"EC"_s;
    return {};
}

} // namespace

namespace Jose {

Result<QJsonObject> generateKey(const QString &alg)
{
    JsonPtr jwk(json_pack("{s:s}", "alg", alg.toUtf8().constData()));
    if (!jwk || !jose_jwk_gen(nullptr, jwk.get()))
        return Error{ErrorKind::Storage, u"server_error"_s, u"Cannot generate a %1 key"_s.arg(alg)};
    QJsonObject key = fromJansson(jwk.get());
    Result<QString> kid = thumbprint(key);
    if (!kid)
        return kid.error();
    key.insert(u"kid"_s, kid.value());
    key.insert(u"use"_s, u"sig"_s);
    return key;
}

QJsonObject publicKey(const QJsonObject &jwk)
{
    JsonPtr key = toJansson(jwk);
    if (!key || !jose_jwk_pub(nullptr, key.get()))
        return {};
    QJsonObject result = fromJansson(key.get());
    // jose_jwk_pub keeps key_ops such as "sign"; a published key only verifies.
    result.remove(u"key_ops"_s);
    return result;
}

Result<QString> thumbprint(const QJsonObject &jwk)
{
    JsonPtr key = toJansson(jwk);
    if (!key)
        return invalidToken(u"The key is not a JSON Web Key"_s);
    JsonPtr value(jose_jwk_thp(nullptr, key.get(), "S256"));
    const QString text = janssonString(value.get());
    if (text.isEmpty())
        return invalidToken(u"Cannot compute the key's thumbprint"_s);
    return text;
}

Result<QString> sign(const QJsonObject &claims, const QJsonObject &privateJwk, const QJsonObject &extraHeader)
{
    const QByteArray payload = QJsonDocument(claims).toJson(QJsonDocument::Compact);
    QJsonObject header = extraHeader;
    header.insert(u"alg"_s, privateJwk.value(u"alg"_s).toString(u"RS256"_s));
    header.insert(u"typ"_s, header.value(u"typ"_s).toString(u"JWT"_s));
    if (privateJwk.contains(u"kid"_s))
        header.insert(u"kid"_s, privateJwk.value(u"kid"_s));

    JsonPtr jws(json_pack("{s:o}", "payload", jose_b64_enc(payload.constData(), size_t(payload.size()))));
    JsonPtr signature(json_pack("{s:O}", "protected", toJansson(header).get()));
    JsonPtr key = toJansson(privateJwk);
    if (!jws || !signature || !key || !jose_jws_sig(nullptr, jws.get(), signature.get(), key.get()))
        return Error{ErrorKind::Storage, u"server_error"_s, u"Cannot sign with the server key"_s};
    const QString protectedHeader = janssonString(json_object_get(jws.get(), "protected"));
    const QString encodedPayload = janssonString(json_object_get(jws.get(), "payload"));
    const QString signatureValue = janssonString(json_object_get(jws.get(), "signature"));
    if (protectedHeader.isEmpty() || signatureValue.isEmpty())
        return Error{ErrorKind::Storage, u"server_error"_s, u"libjose returned an incomplete signature"_s};
    return QString(protectedHeader + u'.' + encodedPayload + u'.' + signatureValue);
}

Result<Decoded> decode(const QString &compact)
{
    if (compact.size() > 64 * 1024)
        return invalidToken(u"The token is longer than 64 KiB"_s);
    const QStringList parts = compact.split(u'.');
    if (parts.size() != 3)
        return invalidToken(u"A compact JWS has three parts separated by dots; this has %1"_s.arg(parts.size()));
    bool ok = false;
    const QByteArray header = base64UrlDecode(parts.at(0), &ok);
    if (!ok)
        return invalidToken(u"The JWS header is not base64url"_s);
    const QByteArray payload = base64UrlDecode(parts.at(1), &ok);
    if (!ok)
        return invalidToken(u"The JWS payload is not base64url"_s);
    base64UrlDecode(parts.at(2), &ok);
    if (!ok)
        return invalidToken(u"The JWS signature is not base64url"_s);
    const QJsonDocument headerJson = QJsonDocument::fromJson(header);
    const QJsonDocument payloadJson = QJsonDocument::fromJson(payload);
    if (!headerJson.isObject())
        return invalidToken(u"The JWS header is not a JSON object"_s);
    if (!payloadJson.isObject())
        return invalidToken(u"The JWS payload is not a JSON object (a JWT claims set)"_s);
    return Decoded{headerJson.object(), payloadJson.object()};
}

Result<Decoded> verify(const QString &compact, const QJsonObject &keyOrKeySet, const QStringList &allowedAlgorithms)
{
    Result<Decoded> decoded = decode(compact);
    if (!decoded)
        return decoded.error();
    const QString alg = decoded.value().header.value(u"alg"_s).toString();
    if (!allowedAlgorithms.contains(alg))
        return invalidToken(
            u"The JWS algorithm \"%1\" is not accepted here; use %2"_s.arg(alg, allowedAlgorithms.join(u" or "_s)));
    const QString kid = decoded.value().header.value(u"kid"_s).toString();

    QList<QJsonObject> candidates;
    if (keyOrKeySet.contains(u"keys"_s)) {
        for (const QJsonValue &key : keyOrKeySet.value(u"keys"_s).toArray())
            candidates.append(key.toObject());
    } else {
        candidates.append(keyOrKeySet);
    }
    const QString keyType = keyTypeFor(alg);
    QList<QJsonObject> usable;
    for (const QJsonObject &key : std::as_const(candidates)) {
        if (key.value(u"kty"_s).toString() != keyType)
            continue;
        if (!kid.isEmpty() && key.contains(u"kid"_s) && key.value(u"kid"_s).toString() != kid)
            continue;
        if (key.contains(u"alg"_s) && key.value(u"alg"_s).toString() != alg)
            continue;
        usable.append(key);
    }
    if (usable.isEmpty())
        return invalidToken(kid.isEmpty() ? u"No registered %1 key can check a %2 signature"_s.arg(keyType, alg)
                                          : u"No registered key has kid \"%1\" for %2"_s.arg(kid, alg));

    const QStringList parts = compact.split(u'.');
    JsonPtr jws(json_pack("{s:s,s:s,s:s}", "protected", parts.at(0).toLatin1().constData(), "payload",
                          parts.at(1).toLatin1().constData(), "signature", parts.at(2).toLatin1().constData()));
    if (!jws)
        return invalidToken(u"The token cannot be read"_s);
    for (QJsonObject key : std::as_const(usable)) {
        // libjose checks the key's permitted operations; a registered public key is for verifying.
        key.remove(u"key_ops"_s);
        key.insert(u"alg"_s, alg);
        JsonPtr jwk = toJansson(key);
        if (jwk && jose_jws_ver(nullptr, jws.get(), nullptr, jwk.get(), false))
            return decoded;
    }
    return invalidToken(u"The signature does not match the registered key"_s);
}

} // namespace Jose
