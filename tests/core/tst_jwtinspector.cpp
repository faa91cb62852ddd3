// SPDX-License-Identifier: Apache-2.0
// The traffic inspector's JWT finder: tokens in the Authorization header, the query, form and JSON
// bodies are found and decoded; tokens the sandbox signed check against its key, a client's
// assertion against the keys the client registered, anything else is left unchecked; a changed
// byte makes a signature invalid, and strings that merely have dots are not taken for JWTs.

#include "oauth/clientregistry.h"
#include "oauth/jose.h"
#include "oauth/jwkscache.h"
#include "oauth/jwtinspector.h"
#include "oauth/serverkeys.h"
#include "sandbox.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

RequestLogEntry exchange(const HeaderList &requestHeaders, const QByteArray &requestBody,
                         const QByteArray &responseBody, const QString &query = {})
{
    RequestLogEntry entry;
    entry.method = u"POST"_s;
    entry.path = u"/oauth/token"_s;
    entry.query = query;
    entry.requestHeaders = requestHeaders;
    entry.requestBody = requestBody;
    entry.requestBodySize = requestBody.size();
    entry.responseHeaders = {{"Content-Type", "application/json"}};
    entry.responseBody = responseBody;
    entry.responseBodySize = responseBody.size();
    return entry;
}

QString tampered(QString compact)
{
    // One character of the signature changed: it no longer matches.
    const qsizetype at = compact.lastIndexOf(u'.') + 5;
    compact[at] = compact.at(at) == u'A' ? u'B' : u'A';
    return compact;
}

} // namespace

class tst_JwtInspector final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void looksLikeJwt_data();
    void looksLikeJwt();
    void serverSignedTokens();
    void clientAssertion();
    void unknownKeyIsNotChecked();
    void serverKeysVerify();

private:
    JwtInspector inspector() const
    {
        return JwtInspector(m_sandbox->keys(), m_sandbox->clients(), m_sandbox->clientKeySets());
    }

    std::unique_ptr<Sandbox> m_sandbox;
};

void tst_JwtInspector::init()
{
    SandboxOptions options;
    options.database = u":memory:"_s;
    m_sandbox = std::make_unique<Sandbox>(options, new ManualClock(TestSupport::s_epochMs));
    const Status opened = m_sandbox->open();
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().description));
}

void tst_JwtInspector::cleanup()
{
    m_sandbox.reset();
}

void tst_JwtInspector::looksLikeJwt_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("jwt");
    const QString header = QString::fromLatin1(
        QByteArray("{\"alg\":\"RS256\"}").toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    const QString payload = QString::fromLatin1(
        QByteArray("{\"sub\":\"x\"}").toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    QTest::newRow("jws") << header + u'.' + payload + u".c2ln"_s << true;
    QTest::newRow("unsigned") << header + u'.' + payload + u'.' << true;
    QTest::newRow("random token") << u"YWUnjEtwpwmeobYkTaSHtmQ34guvlJoFSV6Z2a-PJj0"_s << false;
    QTest::newRow("dotted words") << u"a.b.c"_s << false;
    QTest::newRow("two parts") << header + u'.' + payload << false;
    QTest::newRow("header without alg") << payload + u'.' + payload + u".c2ln"_s << false;
    QTest::newRow("padding") << header + u'.' + payload + u".c2ln="_s << false;
    QTest::newRow("empty") << QString() << false;
}

void tst_JwtInspector::looksLikeJwt()
{
    QFETCH(QString, text);
    QFETCH(bool, jwt);
    QCOMPARE(JwtInspector::looksLikeJwt(text), jwt);
}

void tst_JwtInspector::serverSignedTokens()
{
    const QJsonObject claims{{u"iss"_s, u"http://127.0.0.1:9000"_s},
                             {u"sub"_s, u"daniel-adams"_s},
                             {u"iat"_s, TestSupport::s_epochMs / 1000},
                             {u"exp"_s, TestSupport::s_epochMs / 1000 + 3600}};
    const QString idToken = m_sandbox->keys().sign(claims).value();
    const QString accessToken = m_sandbox->keys().sign(QJsonObject{{u"scope"_s, u"patient/*.read"_s}}).value();
    const QByteArray response = QJsonDocument(QJsonObject{{u"access_token"_s, accessToken},
                                                          {u"id_token"_s, tampered(idToken)},
                                                          {u"refresh_token"_s, u"not-a-jwt"_s},
                                                          {u"expires_in"_s, 3600}})
                                    .toJson();
    const RequestLogEntry entry = exchange({{"Authorization", "Bearer " + idToken.toLatin1()}}, {}, response);

    const QList<InspectedJwt> found = inspector().inspect(entry);
    QCOMPARE(found.size(), 3);
    QCOMPARE(found.at(0).place, InspectedJwt::Place::AuthorizationHeader);
    QCOMPARE(found.at(0).name, u"Authorization"_s);
    QCOMPARE(found.at(0).compact, idToken);
    QCOMPARE(found.at(0).payload, claims);
    QCOMPARE(found.at(0).header.value(u"alg"_s).toString(), u"RS256"_s);
    QCOMPARE(found.at(0).key, InspectedJwt::Key::Server);
    QCOMPARE(found.at(0).keyId, m_sandbox->keys().keyId());
    QCOMPARE(found.at(0).signature, InspectedJwt::Signature::Valid);

    QCOMPARE(found.at(1).place, InspectedJwt::Place::ResponseJson);
    QCOMPARE(found.at(1).name, u"access_token"_s);
    QCOMPARE(found.at(1).signature, InspectedJwt::Signature::Valid);
    QCOMPARE(found.at(2).name, u"id_token"_s);
    QCOMPARE(found.at(2).key, InspectedJwt::Key::Server);
    QCOMPARE(found.at(2).signature, InspectedJwt::Signature::Invalid);
    QVERIFY(!found.at(2).error.isEmpty());
}

void tst_JwtInspector::clientAssertion()
{
    const QJsonObject key = Jose::generateKey(u"ES384"_s).value();
    Result<Client> client = m_sandbox->clients().registerClient(
        QJsonObject{{u"client_name"_s, u"Backend"_s},
                    {u"grant_types"_s, QJsonArray{u"client_credentials"_s}},
                    {u"token_endpoint_auth_method"_s, u"private_key_jwt"_s},
                    {u"jwks"_s, QJsonObject{{u"keys"_s, QJsonArray{Jose::publicKey(key)}}}},
                    {u"scope"_s, u"system/Patient.rs"_s}},
        u"http"_s);
    QVERIFY2(client, qPrintable(client ? QString() : client.error().description));
    const QString clientId = client->id;
    const QString assertion = Jose::sign(QJsonObject{{u"iss"_s, clientId},
                                                     {u"sub"_s, clientId},
                                                     {u"aud"_s, u"http://127.0.0.1:9000/oauth/token"_s},
                                                     {u"exp"_s, TestSupport::s_epochMs / 1000 + 240},
                                                     {u"jti"_s, u"one"_s}},
                                         key)
                                  .value();
    const QByteArray form = "grant_type=client_credentials&client_assertion_type="
        + QUrl::toPercentEncoding(u"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"_s)
        + "&client_assertion=" + assertion.toLatin1();
    const QList<InspectedJwt> found = inspector().inspect(
        exchange({{"Content-Type", "application/x-www-form-urlencoded"}}, form, "{\"error\":\"x\"}"));
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.at(0).place, InspectedJwt::Place::RequestForm);
    QCOMPARE(found.at(0).name, u"client_assertion"_s);
    QCOMPARE(found.at(0).key, InspectedJwt::Key::Client);
    QCOMPARE(found.at(0).clientId, clientId);
    QCOMPARE(found.at(0).signature, InspectedJwt::Signature::Valid);
    QCOMPARE(found.at(0).payload.value(u"jti"_s).toString(), u"one"_s);

    // Signed by another key than the registered one.
    const QString forged
        = Jose::sign(QJsonObject{{u"iss"_s, clientId}, {u"sub"_s, clientId}}, Jose::generateKey(u"ES384"_s).value())
              .value();
    const QList<InspectedJwt> forgedFound = inspector().inspect(
        exchange({{"Content-Type", "application/x-www-form-urlencoded"}}, "client_assertion=" + forged.toLatin1(), {}));
    QCOMPARE(forgedFound.size(), 1);
    QCOMPARE(forgedFound.at(0).key, InspectedJwt::Key::Client);
    QCOMPARE(forgedFound.at(0).signature, InspectedJwt::Signature::Invalid);
}

void tst_JwtInspector::unknownKeyIsNotChecked()
{
    const QJsonObject key = Jose::generateKey(u"RS256"_s).value();
    const QString elsewhere = Jose::sign(QJsonObject{{u"iss"_s, u"https://elsewhere.example"_s}}, key).value();
    const QByteArray json = QJsonDocument(QJsonObject{{u"token"_s, elsewhere}}).toJson();
    const QList<InspectedJwt> found = inspector().inspect(
        exchange({{"Content-Type", "application/json"}}, json, {}, u"id_token_hint="_s + elsewhere));
    QCOMPARE(found.size(), 2);
    QCOMPARE(found.at(0).place, InspectedJwt::Place::RequestQuery);
    QCOMPARE(found.at(0).name, u"id_token_hint"_s);
    QCOMPARE(found.at(1).place, InspectedJwt::Place::RequestJson);
    for (const InspectedJwt &jwt : found) {
        QCOMPARE(jwt.key, InspectedJwt::Key::Unknown);
        QCOMPARE(jwt.signature, InspectedJwt::Signature::NotChecked);
    }
    // A body cut by the log is not parsed.
    RequestLogEntry cut = exchange({{"Content-Type", "application/json"}}, json, {});
    cut.requestBodySize = json.size() + 10;
    QVERIFY(inspector().inspect(cut).isEmpty());
}

void tst_JwtInspector::serverKeysVerify()
{
    const QString signedByServer = m_sandbox->keys().sign(QJsonObject{{u"sub"_s, u"x"_s}}).value();
    QVERIFY(m_sandbox->keys().verify(signedByServer));
    QVERIFY(!m_sandbox->keys().verify(tampered(signedByServer)));
    const QString other = Jose::sign(QJsonObject{{u"sub"_s, u"x"_s}}, Jose::generateKey(u"RS256"_s).value()).value();
    QVERIFY(!m_sandbox->keys().verify(other));
    QCOMPARE(JwtInspector::timeClaims(), (QStringList{u"iat"_s, u"nbf"_s, u"exp"_s, u"auth_time"_s}));
}

QTEST_GUILESS_MAIN(tst_JwtInspector)
#include "tst_jwtinspector.moc"
