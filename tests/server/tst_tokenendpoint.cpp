// SPDX-License-Identifier: Apache-2.0
// The machine side of the authorization server, as client libraries see it: discovery and keys,
// the token endpoint's three grants with every refusal, client authentication (public, secret,
// private_key_jwt), RFC 7662 introspection, RFC 7009 revocation and RFC 7592 management.

#include "oauth/jose.h"
#include "oauth/secrets.h"
#include "oauth/tokenservice.h"
#include "oauthflow.h"

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_redirect = u"http://localhost:3000/callback"_s;
const auto s_scope = u"launch/patient openid fhirUser offline_access patient/*.rs"_s;

struct Client
{
    QString id;
    QString secret;
    QString registrationToken;
    QString registrationUri;
};

Client registerClient(RunningSandbox &running, const QJsonObject &extra = {})
{
    QJsonObject metadata{{u"client_name"_s, u"Token Test"_s},
                         {u"redirect_uris"_s, QJsonArray{s_redirect}},
                         {u"token_endpoint_auth_method"_s, u"none"_s},
                         {u"scope"_s, s_scope}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        metadata.insert(it.key(), it.value());
    const QJsonObject json = running.http().postJson(u"/oauth/register"_s, metadata).json();
    return Client{json[u"client_id"_s].toString(), json[u"client_secret"_s].toString(),
                  json[u"registration_access_token"_s].toString(), json[u"registration_client_uri"_s].toString()};
}

// A code for the client after a person approved everything (Joseph Ross, one patient).
QString codeFor(RunningSandbox &running, const QString &clientId, const Pkce &pkce, const QString &scope = s_scope,
                const QList<QPair<QString, QString>> &extra = {})
{
    PortalBrowser browser(running.http());
    return browser
        .authorize(authorizeQuery(running.http().base(), clientId, s_redirect, scope, u"st"_s, pkce, extra),
                   u"joseph-ross"_s, QString())
        .code();
}

Reply exchange(RunningSandbox &running, const QString &clientId, const QString &code, const QString &verifier,
               const QString &redirect = s_redirect)
{
    return running.http().postForm(u"/oauth/token"_s,
                                   {{u"grant_type"_s, u"authorization_code"_s},
                                    {u"code"_s, code},
                                    {u"redirect_uri"_s, redirect},
                                    {u"client_id"_s, clientId},
                                    {u"code_verifier"_s, verifier}});
}

Reply refresh(RunningSandbox &running, const QString &clientId, const QString &refreshToken,
              const QString &scope = QString())
{
    QList<QPair<QString, QString>> fields
        = {{u"grant_type"_s, u"refresh_token"_s}, {u"refresh_token"_s, refreshToken}, {u"client_id"_s, clientId}};
    if (!scope.isNull())
        fields.append({u"scope"_s, scope});
    return running.http().postForm(u"/oauth/token"_s, fields);
}

bool isActive(RunningSandbox &running, const QString &token)
{
    const QByteArray basic = "Basic " + QByteArray("api-test:api-secret").toBase64();
    return running.http()
        .postForm(u"/oauth/introspect"_s, {{u"token"_s, token}}, {{"Authorization", basic}})
        .json()[u"active"_s]
        .toBool();
}

} // namespace

class tst_TokenEndpoint final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void discovery();
    void keysSurviveRestartAndReset();
    void codeExchangeAndIdToken();
    void codeRefusals_data();
    void codeRefusals();
    void codeIsSingleUse();
    void codeExpiresAfterSixtySeconds();
    void tokenEndpointShape_data();
    void tokenEndpointShape();
    void confidentialClients_data();
    void confidentialClients();
    void refreshRotates();
    void refreshNarrowsNeverWidens();
    void stolenRefreshTokenRevokesTheFamily();
    void refreshStopsWhenTheApprovalExpires();
    void backendServices_data();
    void backendServices();
    void backendServicesWithJwksUri();
    void introspection();
    void revocation();
    void clientManagement();
};

void tst_TokenEndpoint::discovery()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString base = running.http().base();
    const Reply smart = running.http().get(u"/api/fhir/.well-known/smart-configuration"_s);
    QCOMPARE(smart.status, 200);
    const QJsonObject config = smart.json();
    QCOMPARE(config[u"issuer"_s].toString(), base);
    QCOMPARE(config[u"authorization_endpoint"_s].toString(), base + u"/oauth/authorize"_s);
    QCOMPARE(config[u"token_endpoint"_s].toString(), base + u"/oauth/token"_s);
    QCOMPARE(config[u"jwks_uri"_s].toString(), base + u"/oauth/jwks"_s);
    QCOMPARE(config[u"registration_endpoint"_s].toString(), base + u"/oauth/register"_s);
    QCOMPARE(config[u"introspection_endpoint"_s].toString(), base + u"/oauth/introspect"_s);
    QCOMPARE(config[u"revocation_endpoint"_s].toString(), base + u"/oauth/revoke"_s);
    QCOMPARE(config[u"management_endpoint"_s].toString(), base + u"/apps"_s);
    QCOMPARE(config[u"code_challenge_methods_supported"_s].toArray(), QJsonArray{u"S256"_s});
    const QJsonArray capabilities = config[u"capabilities"_s].toArray();
    for (const QString &capability :
         {u"launch-ehr"_s, u"launch-standalone"_s, u"client-public"_s, u"client-confidential-symmetric"_s,
          u"client-confidential-asymmetric"_s, u"context-ehr-patient"_s, u"context-standalone-patient"_s,
          u"context-banner"_s, u"context-style"_s, u"permission-offline"_s, u"permission-online"_s,
          u"permission-patient"_s, u"permission-user"_s, u"permission-v1"_s, u"permission-v2"_s,
          u"sso-openid-connect"_s, u"authorize-post"_s})
        QVERIFY2(capabilities.contains(capability), qPrintable(capability));

    const QJsonObject openid = running.http().get(u"/.well-known/openid-configuration"_s).json();
    QCOMPARE(openid[u"issuer"_s].toString(), base);
    QCOMPARE(openid[u"id_token_signing_alg_values_supported"_s].toArray(), QJsonArray{u"RS256"_s});
    const QJsonObject keys = running.http().get(u"/oauth/jwks"_s).json();
    QCOMPARE(keys[u"keys"_s].toArray().size(), 1);
    const QJsonObject key = keys[u"keys"_s][0].toObject();
    QCOMPARE(key[u"kty"_s].toString(), u"RSA"_s);
    QCOMPARE(key[u"alg"_s].toString(), u"RS256"_s);
    QVERIFY(!key[u"kid"_s].toString().isEmpty());
    QVERIFY(!key.contains(u"d"_s)); // never the private part
    const QJsonObject style = running.http().get(u"/smart-style.json"_s).json();
    QVERIFY(style.contains(u"color_background"_s));
}

void tst_TokenEndpoint::keysSurviveRestartAndReset()
{
    TestDatabase database(TestDatabase::Engine::Sqlite);
    SandboxOptions options;
    options.database = database.location();
    QJsonObject before;
    {
        RunningSandbox first(options);
        QVERIFY2(first.isRunning(), qPrintable(first.error()));
        before = first.http().get(u"/oauth/jwks"_s).json();
        QCOMPARE(first.http().send("POST", u"/admin/reset"_s).status, 200);
        QCOMPARE(first.http().get(u"/oauth/jwks"_s).json(), before);
    }
    RunningSandbox second(options);
    QVERIFY2(second.isRunning(), qPrintable(second.error()));
    QCOMPARE(second.http().get(u"/oauth/jwks"_s).json(), before);
}

void tst_TokenEndpoint::codeExchangeAndIdToken()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    const Pkce pkce = Pkce::make();
    const QString code = codeFor(running, client.id, pkce, s_scope, {{u"nonce"_s, u"n-123"_s}});
    QVERIFY(!code.isEmpty());
    const Reply reply = exchange(running, client.id, code, pkce.verifier);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Cache-Control"), "no-store");
    QCOMPARE(reply.header("Pragma"), "no-cache");
    const QJsonObject token = reply.json();
    QCOMPARE(token[u"token_type"_s].toString(), u"Bearer"_s);
    QCOMPARE(token[u"expires_in"_s].toInt(), 3600);
    QCOMPARE(token[u"scope"_s].toString(), s_scope);
    QCOMPARE(token[u"patient"_s].toString(), u"smart-1081332"_s);
    QVERIFY(!token[u"refresh_token"_s].toString().isEmpty());
    QCOMPARE(token[u"smart_style_url"_s].toString(), running.http().base() + u"/smart-style.json"_s);

    const QJsonObject keys = running.http().get(u"/oauth/jwks"_s).json();
    const Result<Jose::Decoded> idToken = Jose::verify(token[u"id_token"_s].toString(), keys, {u"RS256"_s});
    QVERIFY2(idToken, qPrintable(idToken ? QString() : idToken.error().description));
    const QJsonObject claims = idToken.value().payload;
    QCOMPARE(claims[u"iss"_s].toString(), running.http().base());
    QCOMPARE(claims[u"sub"_s].toString(), u"joseph-ross"_s);
    QCOMPARE(claims[u"aud"_s].toString(), client.id);
    QCOMPARE(claims[u"nonce"_s].toString(), u"n-123"_s);
    QCOMPARE(claims[u"fhirUser"_s].toString(), running.http().base() + u"/api/fhir/Patient/smart-1081332"_s);
    QCOMPARE(claims[u"iat"_s].toInteger(), s_epochMs / 1000);
    QCOMPARE(claims[u"exp"_s].toInteger(), s_epochMs / 1000 + 3600);
}

void tst_TokenEndpoint::codeRefusals_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("error");
    QTest::newRow("wrong verifier") << u"verifier"_s << u"invalid_grant"_s;
    QTest::newRow("no verifier") << u"no-verifier"_s << u"invalid_grant"_s;
    QTest::newRow("other redirect") << u"redirect"_s << u"invalid_grant"_s;
    QTest::newRow("no redirect") << u"no-redirect"_s << u"invalid_request"_s;
    QTest::newRow("unknown code") << u"code"_s << u"invalid_grant"_s;
    QTest::newRow("other client") << u"client"_s << u"invalid_grant"_s;
    QTest::newRow("no grant type") << u"no-grant"_s << u"invalid_request"_s;
    QTest::newRow("password grant") << u"password"_s << u"unsupported_grant_type"_s;
}

void tst_TokenEndpoint::codeRefusals()
{
    QFETCH(QString, change);
    QFETCH(QString, error);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    const Client other = registerClient(running);
    const Pkce pkce = Pkce::make();
    const QString code = codeFor(running, client.id, pkce);
    QMap<QString, QString> fields{{u"grant_type"_s, u"authorization_code"_s},
                                  {u"code"_s, code},
                                  {u"redirect_uri"_s, s_redirect},
                                  {u"client_id"_s, client.id},
                                  {u"code_verifier"_s, pkce.verifier}};
    if (change == u"verifier"_s)
        fields[u"code_verifier"_s] = Pkce::make().verifier;
    else if (change == u"no-verifier"_s)
        fields.remove(u"code_verifier"_s);
    else if (change == u"redirect"_s)
        fields[u"redirect_uri"_s] = u"http://localhost:3000/other"_s;
    else if (change == u"no-redirect"_s)
        fields.remove(u"redirect_uri"_s);
    else if (change == u"code"_s)
        fields[u"code"_s] = u"forged-code"_s;
    else if (change == u"client"_s)
        fields[u"client_id"_s] = other.id;
    else if (change == u"no-grant"_s)
        fields.remove(u"grant_type"_s);
    else if (change == u"password"_s)
        fields[u"grant_type"_s] = u"password"_s;
    QList<QPair<QString, QString>> list;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        list.append({it.key(), it.value()});
    const Reply reply = running.http().postForm(u"/oauth/token"_s, list);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"error"_s].toString(), error);
    QVERIFY(!reply.json()[u"error_description"_s].toString().isEmpty());
    QVERIFY(!reply.json().contains(u"access_token"_s));
}

void tst_TokenEndpoint::codeIsSingleUse()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    const Pkce pkce = Pkce::make();
    const QString code = codeFor(running, client.id, pkce);
    const Reply first = exchange(running, client.id, code, pkce.verifier);
    QCOMPARE(first.status, 200);
    const QString accessToken = first.json()[u"access_token"_s].toString();
    QVERIFY(isActive(running, accessToken));
    const QJsonObject refreshed = refresh(running, client.id, first.json()[u"refresh_token"_s].toString()).json();
    QVERIFY(isActive(running, refreshed[u"access_token"_s].toString()));
    const Reply replay = exchange(running, client.id, code, pkce.verifier);
    QCOMPARE(replay.status, 400);
    QCOMPARE(replay.json()[u"error"_s].toString(), u"invalid_grant"_s);
    // A replayed code revokes everything it led to, refreshed tokens included.
    QVERIFY(!isActive(running, accessToken));
    QVERIFY(!isActive(running, refreshed[u"access_token"_s].toString()));
    QVERIFY(!isActive(running, refreshed[u"refresh_token"_s].toString()));
}

void tst_TokenEndpoint::codeExpiresAfterSixtySeconds()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    const Pkce pkce = Pkce::make();
    const QString code = codeFor(running, client.id, pkce);
    running.clock().advanceSeconds(60);
    const Reply late = exchange(running, client.id, code, pkce.verifier);
    QCOMPARE(late.status, 400);
    QCOMPARE(late.json()[u"error"_s].toString(), u"invalid_grant"_s);
    const QString fresh = codeFor(running, client.id, pkce);
    running.clock().advanceSeconds(59);
    QCOMPARE(exchange(running, client.id, fresh, pkce.verifier).status, 200);
}

void tst_TokenEndpoint::tokenEndpointShape_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("GET") << QByteArray("GET") << QByteArray() << QByteArray() << 405 << u"method_not_allowed"_s;
    QTest::newRow("JSON body") << QByteArray("POST") << QByteArray("application/json")
                               << QByteArray("{\"grant_type\":\"client_credentials\"}") << 400 << u"invalid_request"_s;
    QTest::newRow("no body") << QByteArray("POST") << QByteArray("application/x-www-form-urlencoded") << QByteArray()
                             << 400 << u"invalid_client"_s;
    QTest::newRow("repeated parameter") << QByteArray("POST") << QByteArray("application/x-www-form-urlencoded")
                                        << QByteArray("grant_type=a&grant_type=b&client_id=api-test") << 400
                                        << u"invalid_request"_s;
    QTest::newRow("confidential client without secret")
        << QByteArray("POST") << QByteArray("application/x-www-form-urlencoded")
        << QByteArray("grant_type=authorization_code&client_id=api-test&code=x&redirect_uri=y") << 400
        << u"invalid_client"_s;
}

void tst_TokenEndpoint::tokenEndpointShape()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    const Reply reply = running.http().send(method, u"/oauth/token"_s, body, headers);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json()[u"error"_s].toString(), error);
    if (status == 401)
        QVERIFY(!reply.header("WWW-Authenticate").isEmpty());
}

void tst_TokenEndpoint::confidentialClients_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<int>("status");
    QTest::newRow("basic") << u"basic"_s << 200;
    QTest::newRow("basic with matching client_id") << u"basic+id"_s << 200;
    QTest::newRow("post") << u"post"_s << 200;
    QTest::newRow("basic wrong secret") << u"basic-wrong"_s << 401;
    QTest::newRow("post wrong secret") << u"post-wrong"_s << 400;
    QTest::newRow("basic with other client_id") << u"basic+other"_s << 401;
    QTest::newRow("basic malformed") << u"basic-malformed"_s << 401;
    QTest::newRow("both basic and post") << u"both"_s << 400;
}

void tst_TokenEndpoint::confidentialClients()
{
    QFETCH(QString, how);
    QFETCH(int, status);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    // A secret with characters that HTTP Basic must form-encode (RFC 6749 section 2.3.1).
    const Client client = registerClient(running, {{u"token_endpoint_auth_method"_s, u"client_secret_basic"_s}});
    QVERIFY(!client.secret.isEmpty());
    const Pkce pkce = Pkce::make();
    const QString code = codeFor(running, client.id, pkce);
    QList<QPair<QString, QString>> fields = {{u"grant_type"_s, u"authorization_code"_s},
                                             {u"code"_s, code},
                                             {u"redirect_uri"_s, s_redirect},
                                             {u"code_verifier"_s, pkce.verifier}};
    QList<QPair<QByteArray, QByteArray>> headers;
    const auto basic = [&](const QString &id, const QString &secret) {
        const QByteArray pair = QUrl::toPercentEncoding(id) + ':' + QUrl::toPercentEncoding(secret);
        headers.append(qMakePair(QByteArray("Authorization"), QByteArray("Basic " + pair.toBase64())));
    };
    if (how == u"basic"_s)
        basic(client.id, client.secret);
    else if (how == u"basic+id"_s) {
        basic(client.id, client.secret);
        fields.append({u"client_id"_s, client.id});
    } else if (how == u"post"_s)
        fields += {{u"client_id"_s, client.id}, {u"client_secret"_s, client.secret}};
    else if (how == u"basic-wrong"_s)
        basic(client.id, client.secret + u'x');
    else if (how == u"post-wrong"_s)
        fields += {{u"client_id"_s, client.id}, {u"client_secret"_s, u"nope"_s}};
    else if (how == u"basic+other"_s) {
        basic(client.id, client.secret);
        fields.append({u"client_id"_s, u"api-test"_s});
    } else if (how == u"basic-malformed"_s)
        headers.append(qMakePair(QByteArray("Authorization"), QByteArray("Basic !!!not-base64")));
    else if (how == u"both"_s) {
        basic(client.id, client.secret);
        fields.append({u"client_secret"_s, client.secret});
    }
    const Reply reply = running.http().postForm(u"/oauth/token"_s, fields, headers);
    QCOMPARE(reply.status, status);
    if (status == 401) {
        // HTTP Basic was used: 401 with a Basic challenge (RFC 6749 section 5.2).
        QCOMPARE(reply.json()[u"error"_s].toString(), u"invalid_client"_s);
        QVERIFY(reply.header("WWW-Authenticate").startsWith("Basic"));
    } else if (how == u"post-wrong"_s) {
        // Credentials in the body: 400 invalid_client, no challenge.
        QCOMPARE(reply.json()[u"error"_s].toString(), u"invalid_client"_s);
        QVERIFY(reply.header("WWW-Authenticate").isEmpty());
    }
}

void tst_TokenEndpoint::refreshRotates()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    const Pkce pkce = Pkce::make();
    const QJsonObject first = exchange(running, client.id, codeFor(running, client.id, pkce), pkce.verifier).json();
    const Reply second = refresh(running, client.id, first[u"refresh_token"_s].toString());
    QCOMPARE(second.status, 200);
    const QJsonObject rotated = second.json();
    QVERIFY(rotated[u"refresh_token"_s].toString() != first[u"refresh_token"_s].toString());
    QVERIFY(rotated[u"access_token"_s].toString() != first[u"access_token"_s].toString());
    QCOMPARE(rotated[u"patient"_s].toString(), u"smart-1081332"_s);
    QCOMPARE(rotated[u"scope"_s].toString(), s_scope);
    QVERIFY(!isActive(running, first[u"refresh_token"_s].toString())); // spent
    QVERIFY(isActive(running, rotated[u"refresh_token"_s].toString()));
    QCOMPARE(refresh(running, u"api-test"_s, rotated[u"refresh_token"_s].toString()).status, 400); // needs its secret
    // An unknown refresh token is invalid_grant, even when nothing names the client.
    const Reply unknown = running.http().postForm(
        u"/oauth/token"_s, {{u"grant_type"_s, u"refresh_token"_s}, {u"refresh_token"_s, u"forged"_s}});
    QCOMPARE(unknown.status, 400);
    QCOMPARE(unknown.json()[u"error"_s].toString(), u"invalid_grant"_s);
    // SMART App Launch: a public app may refresh with the refresh token alone.
    const Reply bare = running.http().postForm(
        u"/oauth/token"_s,
        {{u"grant_type"_s, u"refresh_token"_s}, {u"refresh_token"_s, rotated[u"refresh_token"_s].toString()}});
    QCOMPARE(bare.status, 200);
    QVERIFY(!bare.json()[u"access_token"_s].toString().isEmpty());
}

void tst_TokenEndpoint::refreshNarrowsNeverWidens()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    const Pkce pkce = Pkce::make();
    const QJsonObject first
        = exchange(running, client.id,
                   codeFor(running, client.id, pkce, u"launch/patient offline_access patient/Observation.rs"_s),
                   pkce.verifier)
              .json();
    const Reply wider
        = refresh(running, client.id, first[u"refresh_token"_s].toString(), u"offline_access patient/*.rs"_s);
    QCOMPARE(wider.status, 400);
    QCOMPARE(wider.json()[u"error"_s].toString(), u"invalid_scope"_s);
    const Reply narrower
        = refresh(running, client.id, first[u"refresh_token"_s].toString(), u"offline_access patient/Observation.r"_s);
    QCOMPARE(narrower.status, 200);
    QCOMPARE(narrower.json()[u"scope"_s].toString(), u"offline_access patient/Observation.r"_s);
}

void tst_TokenEndpoint::stolenRefreshTokenRevokesTheFamily()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    const Pkce pkce = Pkce::make();
    const QJsonObject first = exchange(running, client.id, codeFor(running, client.id, pkce), pkce.verifier).json();
    const QJsonObject rotated = refresh(running, client.id, first[u"refresh_token"_s].toString()).json();
    const Reply stolen = refresh(running, client.id, first[u"refresh_token"_s].toString());
    QCOMPARE(stolen.status, 400);
    QCOMPARE(stolen.json()[u"error"_s].toString(), u"invalid_grant"_s);
    QVERIFY(!isActive(running, rotated[u"refresh_token"_s].toString()));
    QVERIFY(!isActive(running, rotated[u"access_token"_s].toString()));
}

void tst_TokenEndpoint::refreshStopsWhenTheApprovalExpires()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    const Pkce pkce = Pkce::make();
    PortalBrowser browser(running.http());
    AppRedirect step
        = browser.open(authorizeQuery(running.http().base(), client.id, s_redirect, s_scope, u"s"_s, pkce));
    step = browser.signIn(step.page, u"joseph-ross"_s);
    step = browser.consent(step.page, true, {}, u"2026-01-16"_s); // until the end of tomorrow
    const QJsonObject token = exchange(running, client.id, step.code(), pkce.verifier).json();
    running.clock().advanceSeconds(24 * 3600);
    const QJsonObject rotated = refresh(running, client.id, token[u"refresh_token"_s].toString()).json();
    QVERIFY(!rotated[u"access_token"_s].toString().isEmpty());
    running.clock().advanceSeconds(24 * 3600);
    const Reply late = refresh(running, client.id, rotated[u"refresh_token"_s].toString());
    QCOMPARE(late.status, 400);
    QCOMPARE(late.json()[u"error"_s].toString(), u"invalid_grant"_s);
}

void tst_TokenEndpoint::backendServices_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<QString>("change");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("ES384") << u"ES384"_s << QString() << 200 << QString();
    QTest::newRow("RS384") << u"RS384"_s << QString() << 200 << QString();
    QTest::newRow("issuer as aud") << u"ES384"_s << u"issuer-aud"_s << 200 << QString();
    QTest::newRow("replayed jti") << u"ES384"_s << u"replay"_s << 400 << u"invalid_client"_s;
    QTest::newRow("exp too far") << u"ES384"_s << u"exp-far"_s << 400 << u"invalid_client"_s;
    QTest::newRow("expired") << u"ES384"_s << u"expired"_s << 400 << u"invalid_client"_s;
    QTest::newRow("wrong aud") << u"ES384"_s << u"aud"_s << 400 << u"invalid_client"_s;
    QTest::newRow("no jti") << u"ES384"_s << u"no-jti"_s << 400 << u"invalid_client"_s;
    QTest::newRow("other key") << u"ES384"_s << u"other-key"_s << 400 << u"invalid_client"_s;
    QTest::newRow("tampered") << u"ES384"_s << u"tamper"_s << 400 << u"invalid_client"_s;
    QTest::newRow("wrong assertion type") << u"ES384"_s << u"type"_s << 400 << u"invalid_client"_s;
    QTest::newRow("patient scope") << u"ES384"_s << u"patient-scope"_s << 400 << u"invalid_scope"_s;
    QTest::newRow("unregistered scope") << u"ES384"_s << u"wide-scope"_s << 400 << u"invalid_scope"_s;
}

void tst_TokenEndpoint::backendServices()
{
    QFETCH(QString, alg);
    QFETCH(QString, change);
    QFETCH(int, status);
    QFETCH(QString, error);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Result<QJsonObject> key = Jose::generateKey(alg);
    QVERIFY(key);
    const Reply registered = running.http().postJson(
        u"/oauth/register"_s,
        QJsonObject{{u"client_name"_s, u"Backend"_s},
                    {u"grant_types"_s, QJsonArray{u"client_credentials"_s}},
                    {u"token_endpoint_auth_method"_s, u"private_key_jwt"_s},
                    {u"jwks"_s, QJsonObject{{u"keys"_s, QJsonArray{Jose::publicKey(key.value())}}}},
                    {u"scope"_s, u"system/Patient.rs system/Observation.rs"_s}});
    QCOMPARE(registered.status, 201);
    const QString clientId = registered.json()[u"client_id"_s].toString();
    const QString tokenUrl = running.http().base() + u"/oauth/token"_s;
    const qint64 now = s_epochMs / 1000;
    QJsonObject claims{{u"iss"_s, clientId},
                       {u"sub"_s, clientId},
                       {u"aud"_s,
                        change == u"aud"_s              ? running.http().base() + u"/api/fhir"_s
                            : change == u"issuer-aud"_s ? running.http().base()
                                                        : tokenUrl},
                       {u"exp"_s, change == u"exp-far"_s ? now + 600 : (change == u"expired"_s ? now - 1 : now + 240)},
                       {u"jti"_s, Secrets::randomToken(12)}};
    if (change == u"no-jti"_s)
        claims.remove(u"jti"_s);
    QJsonObject signingKey = key.value();
    if (change == u"other-key"_s)
        signingKey = Jose::generateKey(alg).value();
    QString assertion = Jose::sign(claims, signingKey).value();
    if (change == u"tamper"_s)
        assertion.replace(assertion.indexOf(u'.') + 5, 1,
                          assertion.at(assertion.indexOf(u'.') + 5) == u'A' ? u'B' : u'A');
    QString scope = u"system/Observation.rs"_s;
    if (change == u"patient-scope"_s)
        scope = u"patient/Observation.rs"_s;
    else if (change == u"wide-scope"_s)
        scope = u"system/*.cruds"_s;
    const auto ask = [&] {
        return running.http().postForm(
            u"/oauth/token"_s,
            {{u"grant_type"_s, u"client_credentials"_s},
             {u"scope"_s, scope},
             {u"client_assertion_type"_s,
              change == u"type"_s ? u"urn:x"_s : u"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"_s},
             {u"client_assertion"_s, assertion}});
    };
    Reply reply = ask();
    if (change == u"replay"_s) {
        QCOMPARE(reply.status, 200);
        reply = ask();
    }
    QCOMPARE(reply.status, status);
    if (status == 200) {
        QCOMPARE(reply.json()[u"expires_in"_s].toInt(), 300);
        QCOMPARE(reply.json()[u"scope"_s].toString(), u"system/Observation.rs"_s);
        QVERIFY(!reply.json().contains(u"refresh_token"_s));
        QVERIFY(isActive(running, reply.json()[u"access_token"_s].toString()));
    } else {
        QCOMPARE(reply.json()[u"error"_s].toString(), error);
    }
}

// Keys registered by URL are fetched without blocking the server, cached, and fetched again when
// an assertion names a key the cached set lacks (rotation).
void tst_TokenEndpoint::backendServicesWithJwksUri()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QJsonObject first = Jose::generateKey(u"ES384"_s).value();
    const QJsonObject second = Jose::generateKey(u"RS384"_s).value();
    QJsonObject published{{u"keys"_s, QJsonArray{Jose::publicKey(first)}}};
    int fetches = 0;
    QHttpServer keyHost;
    keyHost.route(u"/jwks.json"_s, QHttpServerRequest::Method::Get, [&] {
        ++fetches;
        return QHttpServerResponse(published);
    });
    const quint16 keyPort = keyHost.listen(QHostAddress::LocalHost, 0);
    QVERIFY(keyPort != 0);
    const Reply registered
        = running.http().postJson(u"/oauth/register"_s,
                                  QJsonObject{{u"client_name"_s, u"Backend by URL"_s},
                                              {u"grant_types"_s, QJsonArray{u"client_credentials"_s}},
                                              {u"token_endpoint_auth_method"_s, u"private_key_jwt"_s},
                                              {u"jwks_uri"_s, u"http://127.0.0.1:%1/jwks.json"_s.arg(keyPort)},
                                              {u"scope"_s, u"system/Patient.rs"_s}});
    QCOMPARE(registered.status, 201);
    const QString clientId = registered.json()[u"client_id"_s].toString();
    const auto ask = [&](const QJsonObject &key) {
        const QJsonObject claims{{u"iss"_s, clientId},
                                 {u"sub"_s, clientId},
                                 {u"aud"_s, QString(running.http().base() + u"/oauth/token"_s)},
                                 {u"exp"_s, s_epochMs / 1000 + 120},
                                 {u"jti"_s, Secrets::randomToken(12)}};
        return running.http().postForm(
            u"/oauth/token"_s,
            {{u"grant_type"_s, u"client_credentials"_s},
             {u"scope"_s, u"system/Patient.rs"_s},
             {u"client_assertion_type"_s, u"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"_s},
             {u"client_assertion"_s, Jose::sign(claims, key).value()}});
    };
    QCOMPARE(ask(first).status, 200);
    QCOMPARE(ask(first).status, 200);
    QCOMPARE(fetches, 1); // cached
    // The client rotates to a new key: an unknown kid makes the sandbox fetch again.
    published = QJsonObject{{u"keys"_s, QJsonArray{Jose::publicKey(second)}}};
    QCOMPARE(ask(second).status, 200);
    QCOMPARE(fetches, 2);
    // The key host goes away: the answer says why, and nothing hangs.
    keyHost.servers().first()->close();
    const Reply unreachable = ask(Jose::generateKey(u"ES384"_s).value());
    QCOMPARE(unreachable.status, 400);
    QCOMPARE(unreachable.json()[u"error"_s].toString(), u"invalid_client"_s);
}

void tst_TokenEndpoint::introspection()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    const Pkce pkce = Pkce::make();
    const QJsonObject token = exchange(running, client.id, codeFor(running, client.id, pkce), pkce.verifier).json();
    const QString accessToken = token[u"access_token"_s].toString();

    // As a public client naming itself, and with a bearer token of the caller's own.
    const Reply byClient
        = running.http().postForm(u"/oauth/introspect"_s, {{u"token"_s, accessToken}, {u"client_id"_s, client.id}});
    QCOMPARE(byClient.status, 200);
    const QJsonObject info = byClient.json();
    QCOMPARE(info[u"active"_s].toBool(), true);
    QCOMPARE(info[u"scope"_s].toString(), s_scope);
    QCOMPARE(info[u"client_id"_s].toString(), client.id);
    QCOMPARE(info[u"sub"_s].toString(), u"joseph-ross"_s);
    QCOMPARE(info[u"patient"_s].toString(), u"smart-1081332"_s);
    QCOMPARE(info[u"iss"_s].toString(), running.http().base());
    QCOMPARE(info[u"token_type"_s].toString(), u"Bearer"_s);
    QCOMPARE(info[u"exp"_s].toInteger(), s_epochMs / 1000 + 3600);
    QCOMPARE(info[u"iat"_s].toInteger(), s_epochMs / 1000);
    QCOMPARE(info[u"fhirUser"_s].toString(), running.http().base() + u"/api/fhir/Patient/smart-1081332"_s);
    const Reply byBearer = running.http().postForm(u"/oauth/introspect"_s, {{u"token"_s, accessToken}},
                                                   {{"Authorization", "Bearer " + accessToken.toLatin1()}});
    QCOMPARE(byBearer.json()[u"active"_s].toBool(), true);

    // Another public client cannot scan for this client's tokens, neither by naming itself nor
    // with a bearer token of its own.
    const Client stranger = registerClient(running);
    const Pkce strangerPkce = Pkce::make();
    const QString strangerToken
        = exchange(running, stranger.id, codeFor(running, stranger.id, strangerPkce), strangerPkce.verifier)
              .json()[u"access_token"_s]
              .toString();
    QCOMPARE(running.http()
                 .postForm(u"/oauth/introspect"_s, {{u"token"_s, accessToken}},
                           {{"Authorization", "Bearer " + strangerToken.toLatin1()}})
                 .json(),
             QJsonObject({{u"active"_s, false}}));
    QCOMPARE(running.http()
                 .postForm(u"/oauth/introspect"_s, {{u"token"_s, accessToken}, {u"client_id"_s, stranger.id}})
                 .json(),
             QJsonObject({{u"active"_s, false}}));
    QCOMPARE(running.http()
                 .postForm(u"/oauth/introspect"_s, {{u"token"_s, u"forged"_s}, {u"client_id"_s, client.id}})
                 .json(),
             QJsonObject({{u"active"_s, false}}));
    const Reply anonymous = running.http().postForm(u"/oauth/introspect"_s, {{u"token"_s, accessToken}});
    QCOMPARE(anonymous.status, 401);
    QVERIFY(anonymous.header("WWW-Authenticate").contains("Basic"));
    QCOMPARE(running.http()
                 .postForm(u"/oauth/introspect"_s, {{u"token"_s, accessToken}}, {{"Authorization", "Bearer forged"}})
                 .status,
             401);
    running.clock().advanceSeconds(3600);
    QCOMPARE(running.http()
                 .postForm(u"/oauth/introspect"_s, {{u"token"_s, accessToken}, {u"client_id"_s, client.id}})
                 .json(),
             QJsonObject({{u"active"_s, false}}));
}

void tst_TokenEndpoint::revocation()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    const Client other = registerClient(running);
    const Pkce pkce = Pkce::make();
    const QJsonObject token = exchange(running, client.id, codeFor(running, client.id, pkce), pkce.verifier).json();

    QCOMPARE(
        running.http().postForm(u"/oauth/revoke"_s, {{u"token"_s, u"unknown"_s}, {u"client_id"_s, client.id}}).status,
        200);
    const Reply foreign = running.http().postForm(
        u"/oauth/revoke"_s, {{u"token"_s, token[u"access_token"_s].toString()}, {u"client_id"_s, other.id}});
    QCOMPARE(foreign.status, 400);
    QVERIFY(isActive(running, token[u"access_token"_s].toString()));
    QCOMPARE(running.http().postForm(u"/oauth/revoke"_s, {{u"token"_s, token[u"access_token"_s].toString()}}).status,
             400);

    // Revoking the refresh token ends its access token too.
    const Reply revoked = running.http().postForm(
        u"/oauth/revoke"_s, {{u"token"_s, token[u"refresh_token"_s].toString()}, {u"client_id"_s, client.id}});
    QCOMPARE(revoked.status, 200);
    QVERIFY(!isActive(running, token[u"refresh_token"_s].toString()));
    QVERIFY(!isActive(running, token[u"access_token"_s].toString()));
    QCOMPARE(refresh(running, client.id, token[u"refresh_token"_s].toString()).json()[u"error"_s].toString(),
             u"invalid_grant"_s);
}

void tst_TokenEndpoint::clientManagement()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client client = registerClient(running);
    QCOMPARE(client.registrationUri, running.http().base() + u"/oauth/register/"_s + client.id);
    const QString path = u"/oauth/register/"_s + client.id;
    const QByteArray bearer = "Bearer " + client.registrationToken.toLatin1();

    const Reply read = running.http().get(path, {{"Authorization", bearer}});
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json()[u"client_name"_s].toString(), u"Token Test"_s);
    QCOMPARE(running.http().get(path).status, 401);
    QCOMPARE(running.http().get(path, {{"Authorization", "Bearer wrong"}}).status, 401);
    QCOMPARE(running.http().get(u"/oauth/register/no-such-client"_s, {{"Authorization", bearer}}).status, 401);

    const Reply updated = running.http().send(
        "PUT", path,
        QJsonDocument(QJsonObject{{u"client_id"_s, client.id},
                                  {u"client_name"_s, u"Renamed"_s},
                                  {u"redirect_uris"_s, QJsonArray{s_redirect, u"http://localhost:3000/two"_s}},
                                  {u"token_endpoint_auth_method"_s, u"none"_s}})
            .toJson(),
        {{"Authorization", bearer}, {"Content-Type", "application/json"}});
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.json()[u"client_name"_s].toString(), u"Renamed"_s);
    QCOMPARE(updated.json()[u"redirect_uris"_s].toArray().size(), 2);
    const Reply badUpdate = running.http().send("PUT", path, "{\"redirect_uris\":[\"relative\"]}",
                                                {{"Authorization", bearer}, {"Content-Type", "application/json"}});
    QCOMPARE(badUpdate.status, 400);
    QCOMPARE(badUpdate.json()[u"error"_s].toString(), u"invalid_redirect_uri"_s);

    QCOMPARE(running.http().send("DELETE", path, {}, {{"Authorization", bearer}}).status, 204);
    QCOMPARE(running.http().get(path, {{"Authorization", bearer}}).status, 401);
}

QTEST_GUILESS_MAIN(tst_TokenEndpoint)
#include "tst_tokenendpoint.moc"
