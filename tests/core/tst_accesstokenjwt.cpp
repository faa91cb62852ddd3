// SPDX-License-Identifier: Apache-2.0
// The checks a resource server makes of a JWT access token before trusting it: one genuine token,
// then the same token tampered with in every part (header, payload, signature), re-signed with
// alg "none", signed with another key, or carrying the wrong typ, iss, aud or exp. Each must be
// refused, saying which check failed.

#include "oauth/accesstokenjwt.h"
#include "oauth/jose.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 s_nowMs = TestSupport::s_epochMs;
const auto s_base = u"http://127.0.0.1:9000"_s;

ServerUrls urls()
{
    return ServerUrls{s_base, s_base + u"/api/fhir"_s, {s_base, u"http://localhost:9000"_s}};
}

QString encode(const QJsonObject &object)
{
    return QString::fromLatin1(QJsonDocument(object)
                                   .toJson(QJsonDocument::Compact)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QJsonObject jwks()
{
    return QJsonObject{{u"keys"_s, QJsonArray{Jose::publicKey(TestSupport::sharedSigningKey())}}};
}

TokenRecord token()
{
    TokenRecord token;
    token.id = u"token-1"_s;
    token.clientId = u"client-1"_s;
    token.scope = u"launch/patient patient/*.read"_s;
    token.issuedAtMs = s_nowMs;
    token.expiresAtMs = s_nowMs + 3600 * 1000;
    return token;
}

QJsonObject goodClaims()
{
    Approval approval;
    approval.username = u"daniel-adams"_s;
    approval.patientId = u"smart-1288992"_s;
    return AccessTokenJwt::claims(token(), &approval, urls(), s_base + u"/api/fhir/Patient/smart-1288992"_s);
}

QString signedWith(const QJsonObject &claims, const QJsonObject &key = TestSupport::sharedSigningKey())
{
    Result<QString> jwt = AccessTokenJwt::sign(claims, key);
    if (!jwt)
        qFatal("cannot sign: %s", qPrintable(jwt.error().description));
    return jwt.value();
}

} // namespace

class tst_AccessTokenJwt final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void claimsAndHeader();
    void genuineTokenVerifies();
    void refused_data();
    void refused();
    void brokenSignatureStaysWellFormed();
};

void tst_AccessTokenJwt::claimsAndHeader()
{
    const QString jwt = signedWith(goodClaims());
    const Result<Jose::Decoded> decoded = Jose::decode(jwt);
    QVERIFY(decoded);
    QCOMPARE(decoded.value().header[u"typ"_s].toString(), u"at+jwt"_s);
    QCOMPARE(decoded.value().header[u"alg"_s].toString(), u"RS256"_s);
    const QJsonObject claims = decoded.value().payload;
    QCOMPARE(claims[u"iss"_s].toString(), s_base);
    QCOMPARE(claims[u"aud"_s].toString(), s_base + u"/api/fhir"_s);
    QCOMPARE(claims[u"sub"_s].toString(), u"daniel-adams"_s);
    QCOMPARE(claims[u"client_id"_s].toString(), u"client-1"_s);
    QCOMPARE(claims[u"jti"_s].toString(), u"token-1"_s);
    QCOMPARE(claims[u"scope"_s].toString(), u"launch/patient patient/*.read"_s);
    QCOMPARE(claims[u"patient"_s].toString(), u"smart-1288992"_s);
    QCOMPARE(claims[u"iat"_s].toInteger(), s_nowMs / 1000);
    QCOMPARE(claims[u"exp"_s].toInteger(), s_nowMs / 1000 + 3600);
    QVERIFY(!claims.contains(u"encounter"_s));

    // A backend token: no user, so the subject is the client.
    const QJsonObject backend = AccessTokenJwt::claims(token(), nullptr, urls(), QString());
    QCOMPARE(backend[u"sub"_s].toString(), u"client-1"_s);
    QVERIFY(!backend.contains(u"patient"_s));
    QVERIFY(!backend.contains(u"fhirUser"_s));
}

void tst_AccessTokenJwt::genuineTokenVerifies()
{
    const QString jwt = signedWith(goodClaims());
    const Result<QJsonObject> verified = AccessTokenJwt::verify(jwt, jwks(), urls(), s_nowMs);
    QVERIFY2(verified, qPrintable(verified ? QString() : verified.error().description));
    QCOMPARE(verified.value()[u"jti"_s].toString(), u"token-1"_s);
    // The other accepted issuer, and aud as an array holding the FHIR base, are fine too.
    QJsonObject other = goodClaims();
    other.insert(u"iss"_s, u"http://localhost:9000"_s);
    other.insert(u"aud"_s, QJsonArray{u"https://elsewhere.example"_s, u"http://localhost:9000/api/fhir"_s});
    QVERIFY(AccessTokenJwt::verify(signedWith(other), jwks(), urls(), s_nowMs));
    // typ as a full media type (RFC 9068 section 4).
    const QString mediaType
        = Jose::sign(goodClaims(), TestSupport::sharedSigningKey(), QJsonObject{{u"typ"_s, u"application/at+jwt"_s}})
              .value();
    QVERIFY(AccessTokenJwt::verify(mediaType, jwks(), urls(), s_nowMs));
    // One millisecond before exp.
    QVERIFY(AccessTokenJwt::verify(jwt, jwks(), urls(), s_nowMs + 3600 * 1000 - 1));
}

void tst_AccessTokenJwt::refused_data()
{
    QTest::addColumn<QString>("jwt");
    QTest::addColumn<QString>("why"); // in the error description

    const QString genuine = signedWith(goodClaims());
    const QStringList parts = genuine.split(u'.');
    QJsonObject header = Jose::decode(genuine).value().header;
    QJsonObject payload = Jose::decode(genuine).value().payload;

    QJsonObject typJwt = header;
    typJwt.insert(u"typ"_s, u"JWT"_s);
    QTest::newRow("tampered header") << QString(encode(typJwt) + u'.' + parts.at(1) + u'.' + parts.at(2))
                                     << u"signature"_s;
    QJsonObject kidGone = header;
    kidGone.remove(u"kid"_s);
    QTest::newRow("tampered header without kid")
        << QString(encode(kidGone) + u'.' + parts.at(1) + u'.' + parts.at(2)) << u"signature"_s;
    QJsonObject widened = payload;
    widened.insert(u"scope"_s, u"system/*.cruds"_s);
    QTest::newRow("tampered payload") << QString(parts.at(0) + u'.' + encode(widened) + u'.' + parts.at(2))
                                      << u"signature"_s;
    QJsonObject otherPatient = payload;
    otherPatient.insert(u"patient"_s, u"smart-1032702"_s);
    QTest::newRow("tampered patient") << QString(parts.at(0) + u'.' + encode(otherPatient) + u'.' + parts.at(2))
                                      << u"signature"_s;
    QTest::newRow("tampered signature") << AccessTokenJwt::withBrokenSignature(genuine) << u"signature"_s;
    QTest::newRow("signature of another token")
        << QString(parts.at(0) + u'.' + parts.at(1) + u'.' + signedWith(widened).split(u'.').at(2)) << u"signature"_s;
    QTest::newRow("no signature") << QString(parts.at(0) + u'.' + parts.at(1) + u'.') << u"signature"_s;

    QJsonObject none{{u"alg"_s, u"none"_s}, {u"typ"_s, u"at+jwt"_s}};
    QTest::newRow("alg none") << QString(encode(none) + u'.' + parts.at(1) + u'.') << u"none"_s;
    QJsonObject noneWithKid = none;
    noneWithKid.insert(u"kid"_s, header.value(u"kid"_s));
    QTest::newRow("alg none with the server's kid")
        << QString(encode(noneWithKid) + u'.' + parts.at(1) + u'.' + parts.at(2)) << u"none"_s;
    QJsonObject hmac = header;
    hmac.insert(u"alg"_s, u"HS256"_s);
    QTest::newRow("alg HS256") << QString(encode(hmac) + u'.' + parts.at(1) + u'.' + parts.at(2)) << u"HS256"_s;

    Result<QJsonObject> otherKey = Jose::generateKey(u"RS256"_s);
    QVERIFY(otherKey);
    QJsonObject impostor = otherKey.value();
    QTest::newRow("wrong key, own kid") << signedWith(goodClaims(), impostor) << u"kid"_s;
    impostor.insert(u"kid"_s, header.value(u"kid"_s)); // claims to be the server's key
    QTest::newRow("wrong key, server's kid") << signedWith(goodClaims(), impostor) << u"signature"_s;

    const QJsonObject serverKey = TestSupport::sharedSigningKey();
    const QString plainJwt = Jose::sign(goodClaims(), serverKey).value(); // typ "JWT", like an id_token
    QTest::newRow("typ JWT") << plainJwt << u"typ"_s;
    QJsonObject wrongIssuer = goodClaims();
    wrongIssuer.insert(u"iss"_s, u"https://other-server.example"_s);
    QTest::newRow("wrong iss") << signedWith(wrongIssuer) << u"iss"_s;
    QJsonObject noIssuer = goodClaims();
    noIssuer.remove(u"iss"_s);
    QTest::newRow("no iss") << signedWith(noIssuer) << u"iss"_s;
    QJsonObject wrongAudience = goodClaims();
    wrongAudience.insert(u"aud"_s, u"https://other-server.example/api/fhir"_s);
    QTest::newRow("wrong aud") << signedWith(wrongAudience) << u"aud"_s;
    QJsonObject issuerAsAudience = goodClaims();
    issuerAsAudience.insert(u"aud"_s, s_base);
    QTest::newRow("issuer as aud") << signedWith(issuerAsAudience) << u"aud"_s;
    QJsonObject expired = goodClaims();
    expired.insert(u"exp"_s, s_nowMs / 1000);
    QTest::newRow("expired now") << signedWith(expired) << u"expired"_s;
    QJsonObject noExpiry = goodClaims();
    noExpiry.remove(u"exp"_s);
    QTest::newRow("no exp") << signedWith(noExpiry) << u"exp"_s;
    QTest::newRow("not a JWT") << u"opaque-token"_s << u"three parts"_s;
}

void tst_AccessTokenJwt::refused()
{
    QFETCH(QString, jwt);
    QFETCH(QString, why);
    const Result<QJsonObject> verified = AccessTokenJwt::verify(jwt, jwks(), urls(), s_nowMs);
    QVERIFY2(!verified, qPrintable(jwt));
    QCOMPARE(verified.error().code, u"invalid_token"_s);
    QVERIFY2(verified.error().description.contains(why), qPrintable(verified.error().description));
}

void tst_AccessTokenJwt::brokenSignatureStaysWellFormed()
{
    const QString genuine = signedWith(goodClaims());
    const QString broken = AccessTokenJwt::withBrokenSignature(genuine);
    QVERIFY(broken != genuine);
    QCOMPARE(broken.size(), genuine.size());
    QCOMPARE(broken.section(u'.', 0, 1), genuine.section(u'.', 0, 1));
    QVERIFY(Jose::decode(broken)); // still a readable JWS, so only the signature check can catch it
}

QTEST_GUILESS_MAIN(tst_AccessTokenJwt)
#include "tst_accesstokenjwt.moc"
