// SPDX-License-Identifier: Apache-2.0
// JWT access tokens per client and broken tokens on purpose, from an app's point of view: a client
// registers with "access_token_format", gets tokens from the debug endpoint (with each defect) and
// the token endpoint, and uses them at /api/fhir and at introspection over real HTTP. Every
// defect must fail exactly the way a real broken token would.

#include "oauth/accesstokenjwt.h"
#include "oauth/jose.h"
#include "oauth/tokenservice.h"
#include "oauthflow.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_daniel = u"smart-1288992"_s;
const auto s_redirect = u"http://localhost:3000/callback"_s;
// What the tokens ask for: reads of the patient's records, and a user.
const auto s_scope = u"launch/patient openid fhirUser offline_access patient/*.read"_s;

struct RegisteredClient
{
    QString id;
    QString secret;
    QJsonObject json;
};

RegisteredClient registerClient(HttpClient &http, const QString &format, const QJsonObject &extra = {})
{
    QJsonObject metadata{
        {u"client_name"_s, u"Broken tokens"_s},
        {u"redirect_uris"_s, QJsonArray{s_redirect}},
        {u"scope"_s, QString(s_scope + u" system/*.read"_s)},
        {u"grant_types"_s, QJsonArray{u"authorization_code"_s, u"refresh_token"_s, u"client_credentials"_s}}};
    if (!format.isEmpty())
        metadata.insert(u"access_token_format"_s, format);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        metadata.insert(it.key(), it.value());
    const Reply reply = http.postJson(u"/oauth/register"_s, metadata);
    const QJsonObject json = reply.json();
    return {json[u"client_id"_s].toString(), json[u"client_secret"_s].toString(), json};
}

QList<QPair<QByteArray, QByteArray>> bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toLatin1()}};
}

QList<QPair<QByteArray, QByteArray>> basic(const RegisteredClient &client)
{
    return {{"Authorization", "Basic " + (client.id + u':' + client.secret).toUtf8().toBase64()}};
}

Reply mint(HttpClient &http, const QString &clientId, const QString &defect)
{
    QJsonObject body{{u"client_id"_s, clientId},
                     {u"username"_s, u"daniel-adams"_s},
                     {u"patient_id"_s, s_daniel},
                     {u"scope"_s, s_scope}};
    if (!defect.isEmpty())
        body.insert(u"defect"_s, defect);
    return http.postJson(u"/oauth/debug/token"_s, body);
}

// What RFC 7662 introspection tells the client about a token.
QJsonObject introspect(HttpClient &http, const RegisteredClient &client, const QString &token)
{
    return http.postForm(u"/oauth/introspect"_s, {{u"token"_s, token}}, basic(client)).json();
}

QString diagnosticsOf(const Reply &reply)
{
    return reply.json()[u"issue"_s][0][u"diagnostics"_s].toString();
}

} // namespace

class tst_BrokenTokens final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registrationChoosesTheFormat_data();
    void registrationChoosesTheFormat();
    void managementChangesTheFormat();
    void jwtAccessTokenClaims();
    void jwtFromTheTokenEndpoint();
    void defects_data();
    void defects();
    void jwtDefectsNeedJwtClients_data();
    void jwtDefectsNeedJwtClients();
    void unknownDefect_data();
    void unknownDefect();
    void tamperedJwtIsRefused();
    void jwtRevokedAndExpiredLater();
};

void tst_BrokenTokens::registrationChoosesTheFormat_data()
{
    QTest::addColumn<QString>("format"); // empty: not given
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("shown");
    QTest::newRow("default") << QString() << 201 << u"opaque"_s;
    QTest::newRow("opaque") << u"opaque"_s << 201 << u"opaque"_s;
    QTest::newRow("jwt") << u"jwt"_s << 201 << u"jwt"_s;
    QTest::newRow("unknown") << u"paseto"_s << 400 << QString();
    QTest::newRow("upper case") << u"JWT"_s << 400 << QString();
}

void tst_BrokenTokens::registrationChoosesTheFormat()
{
    QFETCH(QString, format);
    QFETCH(int, status);
    QFETCH(QString, shown);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QJsonObject metadata{{u"redirect_uris"_s, QJsonArray{s_redirect}}};
    if (!format.isNull())
        metadata.insert(u"access_token_format"_s, format);
    const Reply reply = running.http().postJson(u"/oauth/register"_s, metadata);
    QCOMPARE(reply.status, status);
    if (status == 201) {
        QCOMPARE(reply.json()[u"access_token_format"_s].toString(), shown);
    } else {
        QCOMPARE(reply.json()[u"error"_s].toString(), u"invalid_client_metadata"_s);
        QVERIFY2(reply.json()[u"error_description"_s].toString().contains(u"access_token_format"_s), reply.body);
    }
}

void tst_BrokenTokens::managementChangesTheFormat()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const RegisteredClient client = registerClient(http, QString());
    QCOMPARE(client.json[u"access_token_format"_s].toString(), u"opaque"_s);
    const QString uri = client.json[u"registration_client_uri"_s].toString();
    const QString path = QUrl(uri).path();
    const QList<QPair<QByteArray, QByteArray>> auth = bearer(client.json[u"registration_access_token"_s].toString());

    QJsonObject metadata = client.json;
    metadata.insert(u"access_token_format"_s, u"jwt"_s);
    const Reply updated = http.send("PUT", path, QJsonDocument(metadata).toJson(), auth);
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.json()[u"access_token_format"_s].toString(), u"jwt"_s);
    QCOMPARE(http.get(path, auth).json()[u"access_token_format"_s].toString(), u"jwt"_s);
    // The next token is a JWT.
    const Reply minted = mint(http, client.id, QString());
    QCOMPARE(minted.status, 200);
    QCOMPARE(minted.json()[u"access_token_format"_s].toString(), u"jwt"_s);
    QCOMPARE(minted.json()[u"access_token"_s].toString().count(u'.'), 2);

    metadata.insert(u"access_token_format"_s, 7);
    const Reply refused = http.send("PUT", path, QJsonDocument(metadata).toJson(), auth);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.json()[u"error"_s].toString(), u"invalid_client_metadata"_s);
    // Omitted: back to the default, as every omitted field.
    metadata.remove(u"access_token_format"_s);
    QCOMPARE(http.send("PUT", path, QJsonDocument(metadata).toJson(), auth).json()[u"access_token_format"_s].toString(),
             u"opaque"_s);
    QVERIFY(!mint(http, client.id, QString()).json()[u"access_token"_s].toString().contains(u'.'));
}

void tst_BrokenTokens::jwtAccessTokenClaims()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const RegisteredClient client = registerClient(http, u"jwt"_s);
    const Reply minted = mint(http, client.id, QString());
    QCOMPARE(minted.status, 200);
    const QString token = minted.json()[u"access_token"_s].toString();

    // What a resource server would do: check it with the published key set.
    const QJsonObject jwks = http.get(u"/oauth/jwks"_s).json();
    const Result<Jose::Decoded> checked = Jose::verify(token, jwks, {u"RS256"_s});
    QVERIFY2(checked, qPrintable(checked ? QString() : checked.error().description));
    const QJsonObject header = checked.value().header;
    const QJsonObject claims = checked.value().payload;
    QCOMPARE(header[u"typ"_s].toString(), u"at+jwt"_s);
    QCOMPARE(claims[u"iss"_s].toString(), http.base());
    QCOMPARE(claims[u"aud"_s].toString(), http.base() + u"/api/fhir"_s);
    QCOMPARE(claims[u"sub"_s].toString(), u"daniel-adams"_s);
    QCOMPARE(claims[u"client_id"_s].toString(), client.id);
    QCOMPARE(claims[u"scope"_s].toString(), s_scope);
    QCOMPARE(claims[u"patient"_s].toString(), s_daniel);
    QCOMPARE(claims[u"fhirUser"_s].toString(), http.base() + u"/api/fhir/Patient/"_s + s_daniel);
    QCOMPARE(claims[u"exp"_s].toInteger() - claims[u"iat"_s].toInteger(), 3600);
    QCOMPARE(claims[u"iat"_s].toInteger(), s_epochMs / 1000);
    QVERIFY(!claims[u"jti"_s].toString().isEmpty());

    QCOMPARE(http.get(u"/api/fhir/Patient/"_s + s_daniel, bearer(token)).status, 200);
    const QJsonObject introspection = introspect(http, client, token);
    QCOMPARE(introspection[u"active"_s].toBool(), true);
    QCOMPARE(introspection[u"patient"_s].toString(), s_daniel);
    const QJsonObject debug = http.get(u"/oauth/debug/introspect?token="_s + token).json();
    QCOMPARE(debug[u"active"_s].toBool(), true);
    QCOMPARE(debug[u"access_token_format"_s].toString(), u"jwt"_s);
    // The same token through the other loopback name: the listener's address is accepted too.
    HttpClient localhost(running.port(), u"localhost"_s);
    QCOMPARE(localhost.get(u"/api/fhir/Patient/"_s + s_daniel, bearer(token)).status, 200);
}

void tst_BrokenTokens::jwtFromTheTokenEndpoint()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const RegisteredClient client = registerClient(http, u"jwt"_s);

    // A standalone launch with a person at the browser.
    const Pkce pkce = Pkce::make();
    PortalBrowser browser(http);
    const AppRedirect redirect = browser.authorize(
        authorizeQuery(http.base(), client.id, s_redirect, s_scope, u"st"_s, pkce), u"joseph-ross"_s, QString());
    QVERIFY2(!redirect.code().isEmpty(), redirect.page.body.constData());
    const Reply exchanged = http.postForm(u"/oauth/token"_s,
                                          {{u"grant_type"_s, u"authorization_code"_s},
                                           {u"code"_s, redirect.code()},
                                           {u"redirect_uri"_s, s_redirect},
                                           {u"code_verifier"_s, pkce.verifier}},
                                          basic(client));
    QCOMPARE(exchanged.status, 200);
    const QString access = exchanged.json()[u"access_token"_s].toString();
    const Result<Jose::Decoded> decoded = Jose::decode(access);
    QVERIFY2(decoded, qPrintable(access));
    QCOMPARE(decoded.value().payload[u"patient"_s].toString(), u"smart-1081332"_s);
    QCOMPARE(decoded.value().payload[u"sub"_s].toString(), u"joseph-ross"_s);
    QCOMPARE(http.get(u"/api/fhir/Patient/smart-1081332"_s, bearer(access)).status, 200);

    // Refreshing gives a new JWT, and the old one keeps working until it expires.
    const Reply refreshed = http.postForm(
        u"/oauth/token"_s,
        {{u"grant_type"_s, u"refresh_token"_s}, {u"refresh_token"_s, exchanged.json()[u"refresh_token"_s].toString()}},
        basic(client));
    QCOMPARE(refreshed.status, 200);
    const QString second = refreshed.json()[u"access_token"_s].toString();
    QVERIFY(second != access);
    QCOMPARE(second.count(u'.'), 2);
    QCOMPARE(http.get(u"/api/fhir/Patient/smart-1081332"_s, bearer(second)).status, 200);

    // A backend service gets a JWT whose subject is the client.
    const Reply backend
        = http.postForm(u"/oauth/token"_s,
                        {{u"grant_type"_s, u"client_credentials"_s}, {u"scope"_s, u"system/*.read"_s}}, basic(client));
    QCOMPARE(backend.status, 200);
    const QString system = backend.json()[u"access_token"_s].toString();
    QCOMPARE(Jose::decode(system).value().payload[u"sub"_s].toString(), client.id);
    const Reply search = http.get(u"/api/fhir/Patient?_summary=count"_s, bearer(system));
    QCOMPARE(search.status, 200);
    QCOMPARE(search.json()[u"resourceType"_s].toString(), u"Bundle"_s);
    QCOMPARE(
        http.get(u"/api/fhir/Patient?_summary=count"_s, bearer(AccessTokenJwt::withBrokenSignature(system))).status,
        401);
    QCOMPARE(introspect(http, client, system)[u"active"_s].toBool(), true);
}

void tst_BrokenTokens::defects_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("defect");
    QTest::addColumn<int>("fhirStatus"); // GET /api/fhir/Patient/<the requested patient>
    QTest::addColumn<QString>("wwwAuthenticate"); // the error in WWW-Authenticate; empty: none
    QTest::addColumn<QString>("diagnostics"); // in the OperationOutcome
    QTest::addColumn<bool>("active"); // RFC 7662 introspection

    for (const QString &format : {u"opaque"_s, u"jwt"_s}) {
        const QByteArray prefix = format.toLatin1() + ' ';
        QTest::newRow(QByteArray(prefix + "none").constData())
            << format << QString() << 200 << QString() << QString() << true;
        QTest::newRow(QByteArray(prefix + "expired").constData())
            << format << u"expired"_s << 401 << u"invalid_token"_s << u"expired"_s << false;
        QTest::newRow(QByteArray(prefix + "revoked").constData())
            << format << u"revoked"_s << 401 << u"invalid_token"_s << u"revoked"_s << false;
        QTest::newRow(QByteArray(prefix + "other_patient").constData())
            << format << u"other_patient"_s << 404 << QString() << u"Patient/smart-1288992"_s << true;
        QTest::newRow(QByteArray(prefix + "missing_scope").constData())
            << format << u"missing_scope"_s << 403 << u"insufficient_scope"_s << u"patient/Patient.r"_s << true;
    }
    QTest::newRow("jwt wrong_aud") << u"jwt"_s << u"wrong_aud"_s << 401 << u"invalid_token"_s << u"aud"_s << false;
    QTest::newRow("jwt wrong_iss") << u"jwt"_s << u"wrong_iss"_s << 401 << u"invalid_token"_s << u"iss"_s << false;
    QTest::newRow("jwt bad_signature") << u"jwt"_s << u"bad_signature"_s << 401 << u"invalid_token"_s << u"signature"_s
                                       << false;
}

void tst_BrokenTokens::defects()
{
    QFETCH(QString, format);
    QFETCH(QString, defect);
    QFETCH(int, fhirStatus);
    QFETCH(QString, wwwAuthenticate);
    QFETCH(QString, diagnostics);
    QFETCH(bool, active);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const RegisteredClient client = registerClient(http, format);
    QVERIFY(!client.id.isEmpty());

    const Reply minted = mint(http, client.id, defect);
    QCOMPARE(minted.status, 200);
    const QJsonObject answer = minted.json();
    const QString token = answer[u"access_token"_s].toString();
    QCOMPARE(answer[u"access_token_format"_s].toString(), format);
    QCOMPARE(token.count(u'.'), format == u"jwt"_s ? 2 : 0);
    // The answer says which defect was applied, and what it does.
    QCOMPARE(answer[u"defect"_s].toString(), defect);
    QCOMPARE(answer[u"defect_description"_s].toString().isEmpty(), defect.isEmpty());
    if (defect == u"other_patient"_s) {
        QCOMPARE(answer[u"requested_patient"_s].toString(), s_daniel);
        QVERIFY(!answer[u"patient"_s].toString().isEmpty());
        QVERIFY(answer[u"patient"_s].toString() != s_daniel);
    } else {
        QCOMPARE(answer[u"patient"_s].toString(), s_daniel);
    }
    if (defect == u"missing_scope"_s)
        QCOMPARE(answer[u"scope"_s].toString(),
                 u"launch/patient openid fhirUser offline_access patient/Observation.read"_s);

    // What the app sees at the FHIR endpoint.
    const Reply read = http.get(u"/api/fhir/Patient/"_s + s_daniel, bearer(token));
    QVERIFY2(read.status == fhirStatus, read.body.constData());
    QVERIFY2(diagnosticsOf(read).contains(diagnostics), read.body.constData());
    const QByteArray challenge = read.header("WWW-Authenticate");
    if (wwwAuthenticate.isEmpty())
        QVERIFY2(challenge.isEmpty(), challenge.constData());
    else
        QVERIFY2(challenge.contains(QByteArray("error=\"" + wwwAuthenticate.toLatin1() + '"')), challenge.constData());
    if (defect == u"missing_scope"_s) // the token still reads what it has scopes for
        QCOMPARE(http.get(u"/api/fhir/Observation?patient="_s + s_daniel, bearer(token)).status, 200);
    if (defect == u"other_patient"_s) // it reads the other patient instead
        QCOMPARE(http.get(u"/api/fhir/Patient/"_s + answer[u"patient"_s].toString(), bearer(token)).status, 200);

    // What introspection tells the app.
    const QJsonObject introspection = introspect(http, client, token);
    QCOMPARE(introspection[u"active"_s].toBool(), active);
    if (!active)
        QCOMPARE(introspection.keys(), QStringList{u"active"_s});
    const QJsonObject debug
        = http.get(u"/oauth/debug/introspect?token="_s + QString::fromLatin1(QUrl::toPercentEncoding(token))).json();
    QCOMPARE(debug[u"active"_s].toBool(), active);
    QCOMPARE(debug[u"defect"_s].toString(), defect);

    // The introspection endpoint refuses it as a bearer credential in the same way.
    const Reply asBearer = http.postForm(u"/oauth/introspect"_s, {{u"token"_s, token}}, bearer(token));
    QCOMPARE(asBearer.status, active ? 200 : 401);
}

void tst_BrokenTokens::jwtDefectsNeedJwtClients_data()
{
    QTest::addColumn<QString>("defect");
    QTest::newRow("wrong_aud") << u"wrong_aud"_s;
    QTest::newRow("wrong_iss") << u"wrong_iss"_s;
    QTest::newRow("bad_signature") << u"bad_signature"_s;
}

void tst_BrokenTokens::jwtDefectsNeedJwtClients()
{
    QFETCH(QString, defect);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = mint(running.http(), u"api-test"_s, defect);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"error"_s].toString(), u"invalid_defect"_s);
    QVERIFY2(reply.json()[u"error_description"_s].toString().contains(u"access_token_format"_s), reply.body);
    QCOMPARE(reply.json()[u"description"_s], reply.json()[u"error_description"_s]);
    QCOMPARE(running.sandbox().tokens().tokens().value().size(), 0); // nothing was minted
}

void tst_BrokenTokens::unknownDefect_data()
{
    QTest::addColumn<QJsonValue>("defect");
    QTest::addColumn<int>("status");
    QTest::newRow("none is no defect") << QJsonValue(u"none"_s) << 200;
    QTest::newRow("null is no defect") << QJsonValue(QJsonValue::Null) << 200;
    QTest::newRow("unknown") << QJsonValue(u"stale"_s) << 400;
    QTest::newRow("empty") << QJsonValue(u""_s) << 400;
    QTest::newRow("number") << QJsonValue(3) << 400;
    QTest::newRow("array") << QJsonValue(QJsonArray{u"expired"_s}) << 400;
}

void tst_BrokenTokens::unknownDefect()
{
    QFETCH(QJsonValue, defect);
    QFETCH(int, status);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = running.http().postJson(u"/oauth/debug/token"_s,
                                                QJsonObject{{u"client_id"_s, u"api-test"_s},
                                                            {u"username"_s, u"daniel-adams"_s},
                                                            {u"patient_id"_s, s_daniel},
                                                            {u"defect"_s, defect}});
    QCOMPARE(reply.status, status);
    if (status == 200) {
        QVERIFY(!reply.json().contains(u"defect"_s));
        return;
    }
    QCOMPARE(reply.json()[u"error"_s].toString(), u"invalid_defect"_s);
    QVERIFY2(reply.json()[u"error_description"_s].toString().contains(u"bad_signature"_s), reply.body);
    QCOMPARE(reply.json()[u"description"_s], reply.json()[u"error_description"_s]);
}

void tst_BrokenTokens::tamperedJwtIsRefused()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const RegisteredClient client = registerClient(http, u"jwt"_s);
    const QString token = mint(http, client.id, QString()).json()[u"access_token"_s].toString();
    QStringList parts = token.split(u'.');
    QCOMPARE(parts.size(), 3);
    // An app that widens its own scope in the payload: the signature no longer matches.
    QJsonObject claims = Jose::decode(token).value().payload;
    claims.insert(u"scope"_s, u"system/*.cruds"_s);
    parts[1] = QString::fromLatin1(QJsonDocument(claims)
                                       .toJson(QJsonDocument::Compact)
                                       .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    const QString tampered = parts.join(u'.');
    const Reply read = http.get(u"/api/fhir/Patient/"_s + s_daniel, bearer(tampered));
    QCOMPARE(read.status, 401);
    QCOMPARE(introspect(http, client, tampered)[u"active"_s].toBool(), false);
    // The genuine one still works.
    QCOMPARE(http.get(u"/api/fhir/Patient/"_s + s_daniel, bearer(token)).status, 200);
}

void tst_BrokenTokens::jwtRevokedAndExpiredLater()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const RegisteredClient client = registerClient(http, u"jwt"_s);
    const QString first = mint(http, client.id, QString()).json()[u"access_token"_s].toString();
    const QString second = mint(http, client.id, QString()).json()[u"access_token"_s].toString();

    // RFC 7009 revocation of a JWT: it is recorded, so it stops working although its signature holds.
    QCOMPARE(http.postForm(u"/oauth/revoke"_s, {{u"token"_s, first}}, basic(client)).status, 200);
    const Reply revoked = http.get(u"/api/fhir/Patient/"_s + s_daniel, bearer(first));
    QCOMPARE(revoked.status, 401);
    QVERIFY2(diagnosticsOf(revoked).contains(u"revoked"_s), revoked.body.constData());
    QCOMPARE(introspect(http, client, first)[u"active"_s].toBool(), false);

    // Its exp is checked against the sandbox clock.
    QCOMPARE(http.get(u"/api/fhir/Patient/"_s + s_daniel, bearer(second)).status, 200);
    running.clock().advanceSeconds(3600);
    const Reply expired = http.get(u"/api/fhir/Patient/"_s + s_daniel, bearer(second));
    QCOMPARE(expired.status, 401);
    QVERIFY2(diagnosticsOf(expired).contains(u"expired"_s), expired.body.constData());
    QCOMPARE(introspect(http, client, second)[u"active"_s].toBool(), false);
}

QTEST_GUILESS_MAIN(tst_BrokenTokens)
#include "tst_brokentokens.moc"
