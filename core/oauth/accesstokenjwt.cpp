// SPDX-License-Identifier: Apache-2.0
#include "accesstokenjwt.h"

#include "jose.h"

#include <QJsonArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

Error invalidToken(const QString &description)
{
    return Error{ErrorKind::Unauthorized, u"invalid_token"_s, description};
}

QStringList issuersOf(const ServerUrls &urls)
{
    QStringList issuers = urls.acceptedIssuers;
    if (!issuers.contains(urls.base))
        issuers.prepend(urls.base);
    return issuers;
}

} // namespace

namespace AccessTokenJwt {

QJsonObject claims(const TokenRecord &token, const Approval *approval, const ServerUrls &urls, const QString &fhirUser)
{
    const bool hasUser = approval && !approval->username.isEmpty();
    QJsonObject claims{{u"iss"_s, urls.base},
                       {u"sub"_s, hasUser ? approval->username : token.clientId},
                       {u"aud"_s, urls.fhirBase},
                       {u"exp"_s, token.expiresAtMs / 1000},
                       {u"iat"_s, token.issuedAtMs / 1000},
                       {u"jti"_s, token.id},
                       {u"client_id"_s, token.clientId},
                       {u"scope"_s, token.scope}};
    if (approval && !approval->patientId.isEmpty())
        claims.insert(u"patient"_s, approval->patientId);
    if (approval && !approval->encounterId.isEmpty())
        claims.insert(u"encounter"_s, approval->encounterId);
    if (!fhirUser.isEmpty())
        claims.insert(u"fhirUser"_s, fhirUser);
    return claims;
}

Result<QString> sign(const QJsonObject &claims, const QJsonObject &privateJwk)
{
    return Jose::sign(claims, privateJwk, QJsonObject{{u"typ"_s, QString::fromLatin1(s_type)}});
}

Result<QJsonObject> verify(const QString &jwt, const QJsonObject &jwks, const ServerUrls &urls, qint64 nowMs)
{
    Result<Jose::Decoded> verified = Jose::verify(jwt, jwks, {u"RS256"_s});
    if (!verified)
        return invalidToken(
            u"The JWT access token's signature does not verify: %1"_s.arg(verified.error().description));
    const QJsonObject &header = verified.value().header;
    const QJsonObject &claims = verified.value().payload;
    // RFC 9068 section 4: "at+jwt", or the same as a full media type; case does not matter.
    const QString type = header.value(u"typ"_s).toString().toLower();
    if (type != QLatin1String(s_type) && type != u"application/"_s + QLatin1String(s_type))
        return invalidToken(u"The JWT access token's typ is \"%1\", not \"at+jwt\" (RFC 9068)"_s.arg(
            header.value(u"typ"_s).toString()));

    const QStringList issuers = issuersOf(urls);
    const QString issuer = claims.value(u"iss"_s).toString();
    if (!issuers.contains(issuer))
        return invalidToken(
            u"The JWT access token's iss \"%1\" is not this server (%2)"_s.arg(issuer, issuers.join(u" or "_s)));

    QStringList audiences;
    const QJsonValue aud = claims.value(u"aud"_s);
    if (aud.isArray()) {
        for (const QJsonValue &value : aud.toArray())
            audiences.append(value.toString());
    } else {
        audiences.append(aud.toString());
    }
    QStringList fhirBases{urls.fhirBase};
    for (const QString &accepted : issuers) {
        if (const QString base = accepted + u"/api/fhir"_s; !fhirBases.contains(base))
            fhirBases.append(base);
    }
    const bool forUs = std::any_of(audiences.cbegin(), audiences.cend(),
                                   [&](const QString &audience) { return fhirBases.contains(audience); });
    if (!forUs)
        return invalidToken(u"The JWT access token's aud \"%1\" is not this FHIR server (%2)"_s.arg(
            audiences.join(u' '), fhirBases.join(u" or "_s)));

    const QJsonValue exp = claims.value(u"exp"_s);
    if (!exp.isDouble())
        return invalidToken(u"The JWT access token has no exp"_s);
    if (static_cast<qint64>(exp.toDouble()) * 1000 <= nowMs)
        return invalidToken(u"The access token has expired"_s);
    return claims;
}

QString withBrokenSignature(const QString &jwt)
{
    const qsizetype dot = jwt.lastIndexOf(u'.');
    QByteArray signature = QByteArray::fromBase64(jwt.mid(dot + 1).toLatin1(),
                                                  QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    if (signature.isEmpty())
        signature = QByteArray(1, '\0');
    // Every bit of the first byte flipped: a signature of the right length that no key made.
    signature[0] = char(~static_cast<unsigned char>(signature.at(0)));
    return jwt.left(dot + 1)
        + QString::fromLatin1(signature.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace AccessTokenJwt
