// SPDX-License-Identifier: Apache-2.0
// The documented portal API over real HTTP on an ephemeral loopback port: registration, debug
// tokens, debug introspection and the admin surface, with every error row beside the good ones.

#include "oauth/clientregistry.h"
#include "oauth/tokenservice.h"
#include "server/requestlog.h"
#include "storage/migrations.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const QByteArray s_referenceRegistration
    = "{\"client_name\":\"TESTCLIENT\",\"redirect_uris\":[\"https://tests.demo.syncfor.science/authorized/\"],"
      "\"scope\":\"launch/patient patient/*.read offline_access\"}";

QJsonObject mintBody(const QString &clientId, const QString &user = u"daniel-adams"_s,
                     const QString &patient = u"smart-1288992"_s)
{
    return QJsonObject{{u"client_id"_s, clientId}, {u"username"_s, user}, {u"patient_id"_s, patient}};
}

} // namespace

class tst_PortalApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void referenceCurlSession_data();
    void referenceCurlSession();
    void registration_data();
    void registration();
    void registrationPublicClient();
    void debugToken_data();
    void debugToken();
    void debugTokenDefaultsAndLabels();
    void introspectionFollowsTheClock();
    void introspectionOfRefreshToken();
    void introspectionErrors_data();
    void introspectionErrors();
    void adminResetReturnsToFixtures();
    void adminStatus();
    void adminRequestsListsTraffic();
    void stateSurvivesRestart_data();
    void stateSurvivesRestart();
};

void tst_PortalApi::referenceCurlSession_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("sqlite") << u"sqlite"_s;
    QTest::newRow("postgres") << u"postgres"_s;
}

// The SMART Example Server's documented session, exactly as its README prints it.
void tst_PortalApi::referenceCurlSession()
{
    QFETCH(QString, engine);
    TestDatabase database(engine == u"postgres"_s ? TestDatabase::Engine::Postgres : TestDatabase::Engine::Sqlite);
    if (!database.isAvailable())
        QSKIP(qPrintable(database.error()));
    SandboxOptions options;
    options.database = database.location();
    RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));

    const Reply registered = running.http().postJson(u"/oauth/register"_s, s_referenceRegistration);
    QCOMPARE(registered.status, 201);
    QCOMPARE(registered.header("Content-Type"), "application/json");
    const QJsonObject client = registered.json();
    const QString clientId = client[u"client_id"_s].toString();
    QVERIFY(!clientId.isEmpty());
    QCOMPARE(client[u"client_name"_s].toString(), u"TESTCLIENT"_s);
    QVERIFY(client[u"client_secret"_s].toString().size() >= 32);
    QCOMPARE(client[u"client_secret_expires_at"_s].toInt(-1), 0);
    QCOMPARE(client[u"client_id_issued_at"_s].toInteger(), s_epochMs / 1000);
    QCOMPARE(client[u"redirect_uris"_s].toArray(), QJsonArray{u"https://tests.demo.syncfor.science/authorized/"_s});
    QCOMPARE(client[u"scope"_s].toString(), u"launch/patient patient/*.read offline_access"_s);

    const Reply minted = running.http().postJson(u"/oauth/debug/token"_s, mintBody(clientId));
    QCOMPARE(minted.status, 200);
    const QString accessToken = minted.json()[u"access_token"_s].toString();
    const QString refreshToken = minted.json()[u"refresh_token"_s].toString();
    QCOMPARE(accessToken.size(), 42); // 10 characters that sort by time, then 192 random bits, base64url
    QCOMPARE(refreshToken.size(), 42);
    QVERIFY(accessToken != refreshToken);

    const Reply introspected = running.http().get(u"/oauth/debug/introspect?token="_s + accessToken);
    QCOMPARE(introspected.status, 200);
    const QJsonObject info = introspected.json();
    QCOMPARE(info[u"active"_s].toBool(false), true);
    QCOMPARE(info[u"access_token"_s].toString(), accessToken);
    QCOMPARE(info[u"refresh_token"_s].toString(), refreshToken);
    QCOMPARE(info[u"client_id"_s].toString(), clientId);
    QCOMPARE(info[u"username"_s].toString(), u"daniel-adams"_s);
    QCOMPARE(info[u"patient"_s].toString(), u"smart-1288992"_s);
    QCOMPARE(info[u"token_type"_s].toString(), u"Bearer"_s);
    QCOMPARE(info[u"scope"_s].toString(), u"launch/patient patient/*.read offline_access"_s);
    QCOMPARE(info[u"security_labels"_s].toArray(), QJsonArray::fromStringList(defaultSecurityLabels()));
    // 2026-01-15T10:00:00Z plus one hour, and plus seven days, as HTTP-dates.
    QCOMPARE(info[u"access_expires"_s].toString(), u"Thu, 15 Jan 2026 11:00:00 GMT"_s);
    QCOMPARE(info[u"approval_expires"_s].toString(), u"Thu, 22 Jan 2026 10:00:00 GMT"_s);
}

void tst_PortalApi::registration_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    QTest::newRow("reference body") << s_referenceRegistration << 201 << QString();
    QTest::newRow("native app scheme") << QByteArray("{\"redirect_uris\":[\"com.example.app:/callback\"]}") << 201
                                       << QString();
    QTest::newRow("backend service") << QByteArray(
        "{\"grant_types\":[\"client_credentials\"],\"token_endpoint_auth_method\":\"private_key_jwt\","
        "\"jwks\":{\"keys\":[{\"kty\":\"RSA\",\"n\":\"x\",\"e\":\"AQAB\"}]},\"scope\":\"system/*.rs\"}")
                                     << 201 << QString();
    QTest::newRow("v2 scopes") << QByteArray("{\"redirect_uris\":[\"http://localhost:3000/cb\"],"
                                             "\"scope\":\"openid fhirUser launch/patient patient/Observation.rs\"}")
                               << 201 << QString();
    QTest::newRow("empty body") << QByteArray() << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("malformed JSON") << QByteArray("{\"redirect_uris\": [") << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("JSON array") << QByteArray("[]") << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("JSON string") << QByteArray("\"hello\"") << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("no redirect_uris") << QByteArray("{\"client_name\":\"x\"}") << 400 << u"invalid_redirect_uri"_s;
    QTest::newRow("empty redirect_uris") << QByteArray("{\"redirect_uris\":[]}") << 400 << u"invalid_redirect_uri"_s;
    QTest::newRow("redirect_uris a string")
        << QByteArray("{\"redirect_uris\":\"https://a.example/cb\"}") << 400 << u"invalid_redirect_uri"_s;
    QTest::newRow("redirect uri a number")
        << QByteArray("{\"redirect_uris\":[42]}") << 400 << u"invalid_redirect_uri"_s;
    QTest::newRow("relative redirect") << QByteArray("{\"redirect_uris\":[\"/callback\"]}") << 400
                                       << u"invalid_redirect_uri"_s;
    QTest::newRow("fragment") << QByteArray("{\"redirect_uris\":[\"https://a.example/cb#x\"]}") << 400
                              << u"invalid_redirect_uri"_s;
    QTest::newRow("javascript scheme") << QByteArray("{\"redirect_uris\":[\"javascript:alert(1)\"]}") << 400
                                       << u"invalid_redirect_uri"_s;
    QTest::newRow("http without host") << QByteArray("{\"redirect_uris\":[\"http:///cb\"]}") << 400
                                       << u"invalid_redirect_uri"_s;
    QTest::newRow("userinfo") << QByteArray("{\"redirect_uris\":[\"https://user:pw@a.example/cb\"]}") << 400
                              << u"invalid_redirect_uri"_s;
    QTest::newRow("client_name a number")
        << QByteArray("{\"client_name\":5,\"redirect_uris\":[\"https://a.example/\"]}") << 400
        << u"invalid_client_metadata"_s;
    QTest::newRow("scope an array") << QByteArray("{\"scope\":[\"openid\"],\"redirect_uris\":[\"https://a.example/\"]}")
                                    << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("scope not SMART") << QByteArray(
        "{\"scope\":\"patient/*.reed\",\"redirect_uris\":[\"https://a.example/\"]}")
                                     << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("implicit grant") << QByteArray(
        "{\"grant_types\":[\"implicit\"],\"redirect_uris\":[\"https://a.example/\"]}")
                                    << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("token response type") << QByteArray(
        "{\"response_types\":[\"token\"],\"redirect_uris\":[\"https://a.example/\"]}")
                                         << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("unknown auth method") << QByteArray(
        "{\"token_endpoint_auth_method\":\"magic\",\"redirect_uris\":[\"https://a.example/\"]}")
                                         << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("private_key_jwt without keys")
        << QByteArray("{\"token_endpoint_auth_method\":\"private_key_jwt\",\"redirect_uris\":[\"https://a.example/\"]}")
        << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("jwks not a key set") << QByteArray(
        "{\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":[1],\"redirect_uris\":[\"https://a.example/\"]}")
                                        << 400 << u"invalid_client_metadata"_s;
    QTest::newRow("launch_uri not a URL")
        << QByteArray("{\"launch_uri\":\"not a url\",\"redirect_uris\":[\"https://a.example/\"]}") << 400
        << u"invalid_client_metadata"_s;
    QTest::newRow("contacts wrong type") << QByteArray(
        "{\"contacts\":\"me\",\"redirect_uris\":[\"https://a.example/\"]}")
                                         << 400 << u"invalid_client_metadata"_s;
}

void tst_PortalApi::registration()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const qsizetype clientsBefore = running.sandbox().clients().clients().value().size();

    const Reply reply = running.http().postJson(u"/oauth/register"_s, body);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("Content-Type"), "application/json");
    QCOMPARE(reply.header("Cache-Control"), "no-store");
    const QJsonObject json = reply.json();
    const qsizetype clientsAfter = running.sandbox().clients().clients().value().size();
    if (error.isEmpty()) {
        QVERIFY(!json.contains(u"error"_s));
        QCOMPARE(clientsAfter, clientsBefore + 1);
        const Result<std::optional<Client>> stored = running.sandbox().clients().find(json[u"client_id"_s].toString());
        QVERIFY(stored && stored.value());
        // RFC 7592: the answer also says where and with what token the client can manage itself.
        QCOMPARE(json[u"registration_client_uri"_s].toString(),
                 running.http().base() + u"/oauth/register/"_s + json[u"client_id"_s].toString());
        QCOMPARE(json[u"registration_access_token"_s].toString(), stored.value()->registrationAccessToken);
        QJsonObject withoutManagement = json;
        withoutManagement.remove(u"registration_client_uri"_s);
        withoutManagement.remove(u"registration_access_token"_s);
        QCOMPARE(stored.value()->registrationJson(), withoutManagement);
    } else {
        QCOMPARE(json[u"error"_s].toString(), error);
        QVERIFY(!json[u"error_description"_s].toString().isEmpty());
        QCOMPARE(json[u"description"_s].toString(), json[u"error_description"_s].toString());
        QCOMPARE(clientsAfter, clientsBefore); // nothing half-written
    }
}

void tst_PortalApi::registrationPublicClient()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = running.http().postJson(
        u"/oauth/register"_s,
        QByteArray(
            "{\"redirect_uris\":[\"http://localhost:3000/cb\"],\"token_endpoint_auth_method\":\"none\","
            "\"launch_uri\":\"http://localhost:3000/launch\",\"contacts\":[\"dev@example.org\"],\"x-custom\":7}"));
    QCOMPARE(reply.status, 201);
    const QJsonObject json = reply.json();
    QVERIFY(!json.contains(u"client_secret"_s));
    QVERIFY(!json.contains(u"client_secret_expires_at"_s));
    QCOMPARE(json[u"token_endpoint_auth_method"_s].toString(), u"none"_s);
    QCOMPARE(json[u"client_name"_s].toString(), json[u"client_id"_s].toString()); // default name
    QCOMPARE(json[u"launch_uri"_s].toString(), u"http://localhost:3000/launch"_s);
    QCOMPARE(json[u"contacts"_s].toArray(), QJsonArray{u"dev@example.org"_s});
    QCOMPARE(json[u"x-custom"_s].toInt(), 7); // unknown metadata is kept and echoed
}

void tst_PortalApi::debugToken_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    const auto with = [](QJsonObject object, const QString &key, const QJsonValue &value) {
        if (value.isUndefined())
            object.remove(key);
        else
            object.insert(key, value);
        return object;
    };
    const QJsonObject good = mintBody(u"api-test"_s);
    QTest::newRow("fixture client") << good << 200 << QString();
    QTest::newRow("user_name spelling") << with(with(good, u"username"_s, {}), u"user_name"_s, u"daniel-adams"_s) << 200
                                        << QString();
    QTest::newRow("representative") << with(good, u"patient_id"_s, u"smart-1032702"_s) << 200 << QString();
    QTest::newRow("narrower scope") << with(good, u"scope"_s, u"patient/Observation.read launch/patient"_s) << 200
                                    << QString();
    QTest::newRow("lifetime as string") << with(good, u"access_lifetime"_s, u"60"_s) << 200 << QString();
    QTest::newRow("negative lifetime") << with(good, u"access_lifetime"_s, -60) << 200 << QString();
    QTest::newRow("approval as Unix time") << with(good, u"approval_expires"_s, 1800000000) << 200 << QString();

    QTest::newRow("no client_id") << with(good, u"client_id"_s, {}) << 400 << u"no_client"_s;
    QTest::newRow("unknown client") << with(good, u"client_id"_s, u"nobody"_s) << 400 << u"no_client"_s;
    QTest::newRow("client_id a number") << with(good, u"client_id"_s, 12) << 400 << u"no_client"_s;
    QTest::newRow("no username") << with(good, u"username"_s, {}) << 400 << u"no_user"_s;
    QTest::newRow("unknown user") << with(good, u"username"_s, u"eve"_s) << 400 << u"no_user"_s;
    QTest::newRow("username an object") << with(good, u"username"_s, QJsonObject{}) << 400 << u"no_user"_s;
    QTest::newRow("no patient") << with(good, u"patient_id"_s, {}) << 400 << u"no_patient"_s;
    QTest::newRow("unknown patient") << with(good, u"patient_id"_s, u"smart-0"_s) << 400 << u"no_patient"_s;
    QTest::newRow("someone else's patient")
        << with(good, u"patient_id"_s, u"smart-1081332"_s) << 400 << u"no_patient_for_user"_s;
    QTest::newRow("lifetime a word") << with(good, u"access_lifetime"_s, u"soon"_s) << 400 << u"malformed_lifetime"_s;
    QTest::newRow("lifetime a fraction") << with(good, u"access_lifetime"_s, 1.5) << 400 << u"malformed_lifetime"_s;
    QTest::newRow("lifetime a boolean") << with(good, u"access_lifetime"_s, true) << 400 << u"malformed_lifetime"_s;
    QTest::newRow("lifetime huge") << with(good, u"access_lifetime"_s, 1e18) << 400 << u"malformed_lifetime"_s;
    QTest::newRow("approval a word") << with(good, u"approval_expires"_s, u"never"_s) << 400
                                     << u"malformed_expiration"_s;
    QTest::newRow("approval negative") << with(good, u"approval_expires"_s, -5) << 400 << u"malformed_expiration"_s;
    QTest::newRow("approval an array") << with(good, u"approval_expires"_s, QJsonArray{1}) << 400
                                       << u"malformed_expiration"_s;
    QTest::newRow("scope not registered") << with(good, u"scope"_s, u"patient/*.write"_s) << 400 << u"invalid_scope"_s;
    QTest::newRow("scope not SMART") << with(good, u"scope"_s, u"everything"_s) << 400 << u"invalid_scope"_s;
    QTest::newRow("scope a number") << with(good, u"scope"_s, 3) << 400 << u"invalid_scope"_s;
}

void tst_PortalApi::debugToken()
{
    QFETCH(QJsonObject, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));

    const Reply reply = running.http().postJson(u"/oauth/debug/token"_s, body);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("Content-Type"), "application/json");
    const QJsonObject json = reply.json();
    const qsizetype tokens = running.sandbox().tokens().tokens().value().size();
    if (error.isEmpty()) {
        QCOMPARE(tokens, 1);
        QCOMPARE(json[u"token_type"_s].toString(), u"Bearer"_s);
        const QString accessToken = json[u"access_token"_s].toString();
        const Result<FoundToken> found = running.sandbox().tokens().find(accessToken);
        QVERIFY(found);
        QCOMPARE(found.value().view.approval.patientId, body[u"patient_id"_s].toString());
        const bool expired = body[u"access_lifetime"_s].toInt() < 0;
        QCOMPARE(found.value().active(running.clock().nowMs()), !expired);
    } else {
        QCOMPARE(json[u"error"_s].toString(), error);
        QVERIFY(!json[u"error_description"_s].toString().isEmpty());
        QCOMPARE(json[u"description"_s].toString(), json[u"error_description"_s].toString());
        QCOMPARE(tokens, 0);
    }
}

void tst_PortalApi::debugTokenDefaultsAndLabels()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = running.http().postJson(u"/oauth/debug/token"_s,
                                                mintBody(u"test-suite"_s, u"joseph-ross"_s, u"smart-1081332"_s));
    QCOMPARE(reply.status, 200);
    const QJsonObject json = reply.json();
    QCOMPARE(json[u"expires_in"_s].toInt(), 3600);
    QCOMPARE(json[u"scope"_s].toString(), u"launch/patient patient/*.read offline_access"_s);
    QCOMPARE(json[u"patient"_s].toString(), u"smart-1081332"_s);
    QCOMPARE(json[u"approval_expires"_s].toInteger(), s_epochMs / 1000 + 7 * 24 * 3600);
    const Result<FoundToken> found = running.sandbox().tokens().find(json[u"access_token"_s].toString());
    QVERIFY(found);
    QCOMPARE(found.value().view.approval.securityLabels, defaultSecurityLabels());
}

void tst_PortalApi::introspectionFollowsTheClock()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QJsonObject body = mintBody(u"api-test"_s);
    body.insert(u"access_lifetime"_s, 300);
    const QString token = running.http().postJson(u"/oauth/debug/token"_s, body).json()[u"access_token"_s].toString();
    const QString path = u"/oauth/debug/introspect?token="_s + token;

    QCOMPARE(running.http().get(path).json()[u"active"_s].toBool(false), true);
    running.clock().advanceSeconds(299);
    QCOMPARE(running.http().get(path).json()[u"active"_s].toBool(false), true);
    running.clock().advanceSeconds(1);
    const QJsonObject expired = running.http().get(path).json();
    QCOMPARE(expired[u"active"_s].toBool(true), false);
    QCOMPARE(expired[u"access_expires"_s].toString(), u"Thu, 15 Jan 2026 10:05:00 GMT"_s);
}

void tst_PortalApi::introspectionOfRefreshToken()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QJsonObject body = mintBody(u"api-test"_s);
    body.insert(u"access_lifetime"_s, 60);
    body.insert(u"approval_expires"_s, s_epochMs / 1000 + 3600);
    const QJsonObject minted = running.http().postJson(u"/oauth/debug/token"_s, body).json();
    const QString refreshPath = u"/oauth/debug/introspect?token="_s + minted[u"refresh_token"_s].toString();
    const QString accessPath = u"/oauth/debug/introspect?token="_s + minted[u"access_token"_s].toString();

    running.clock().advanceSeconds(120); // access expired, approval still good
    QCOMPARE(running.http().get(accessPath).json()[u"active"_s].toBool(true), false);
    const QJsonObject refresh = running.http().get(refreshPath).json();
    QCOMPARE(refresh[u"active"_s].toBool(false), true);
    QCOMPARE(refresh[u"access_token"_s].toString(), minted[u"access_token"_s].toString());
    QCOMPARE(refresh[u"approval_expires"_s].toString(), u"Thu, 15 Jan 2026 11:00:00 GMT"_s);

    running.clock().advanceSeconds(3600); // approval expired
    QCOMPARE(running.http().get(refreshPath).json()[u"active"_s].toBool(true), false);

    // Revocation ends both at once.
    const QJsonObject second = running.http().postJson(u"/oauth/debug/token"_s, mintBody(u"api-test"_s)).json();
    const Result<FoundToken> found = running.sandbox().tokens().find(second[u"access_token"_s].toString());
    QVERIFY(found);
    QVERIFY(running.sandbox().tokens().revoke(found.value().view.token.id));
    for (const QString &key : {u"access_token"_s, u"refresh_token"_s}) {
        const QJsonObject after
            = running.http().get(u"/oauth/debug/introspect?token="_s + second[key].toString()).json();
        QCOMPARE(after[u"active"_s].toBool(true), false);
    }
}

void tst_PortalApi::introspectionErrors_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("no token parameter") << u"/oauth/debug/introspect"_s << 400 << u"no_token"_s;
    QTest::newRow("empty token") << u"/oauth/debug/introspect?token="_s << 400 << u"no_token"_s;
    QTest::newRow("unknown token") << u"/oauth/debug/introspect?token=forged"_s << 400 << u"no_token"_s;
    QTest::newRow("SQL in token") << u"/oauth/debug/introspect?token=%27%20OR%201%3D1--"_s << 400 << u"no_token"_s;
}

void tst_PortalApi::introspectionErrors()
{
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QString, error);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QVERIFY(running.http().postJson(u"/oauth/debug/token"_s, mintBody(u"api-test"_s)).status == 200);
    const Reply reply = running.http().get(path);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json()[u"error"_s].toString(), error);
}

void tst_PortalApi::adminResetReturnsToFixtures()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId
        = running.http().postJson(u"/oauth/register"_s, s_referenceRegistration).json()[u"client_id"_s].toString();
    const QString token
        = running.http().postJson(u"/oauth/debug/token"_s, mintBody(clientId)).json()[u"access_token"_s].toString();
    QVERIFY(!token.isEmpty());

    const Reply reset = running.http().send("POST", u"/admin/reset"_s);
    QCOMPARE(reset.status, 200);
    QCOMPARE(reset.json()[u"reset"_s].toBool(), true);
    const QJsonObject counts = reset.json()[u"counts"_s].toObject();
    QCOMPARE(counts[u"clients"_s].toInt(), 2);
    QCOMPARE(counts[u"users"_s].toInt(), 2);
    QCOMPARE(counts[u"patients"_s].toInt(), 3);
    QCOMPARE(counts[u"tokens"_s].toInt(), 0);

    QCOMPARE(running.http().get(u"/oauth/debug/introspect?token="_s + token).json()[u"error"_s].toString(),
             u"no_token"_s);
    QCOMPARE(running.http().postJson(u"/oauth/debug/token"_s, mintBody(clientId)).json()[u"error"_s].toString(),
             u"no_client"_s);
    // The fixtures work again, and the traffic from before the reset is still in the log.
    QCOMPARE(running.http().postJson(u"/oauth/debug/token"_s, mintBody(u"test-suite"_s)).status, 200);
    QVERIFY(running.sandbox().requestLog().flush());
    QVERIFY(running.sandbox().requestLog().storedCount().value() >= 5);
}

void tst_PortalApi::adminStatus()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QCOMPARE(running.http().postJson(u"/oauth/debug/token"_s, mintBody(u"api-test"_s)).status, 200);
    const Reply reply = running.http().get(u"/admin/status"_s);
    QCOMPARE(reply.status, 200);
    const QJsonObject status = reply.json();
    QCOMPARE(status[u"version"_s].toString(), QStringLiteral(SANDBOX_VERSION));
    QVERIFY(status[u"uptime_seconds"_s].isDouble());
    QCOMPARE(status[u"server_time"_s].toString(), u"2026-01-15T10:00:00.000Z"_s);
    QCOMPARE(status[u"database"_s][u"engine"_s].toString(), u"sqlite"_s);
    QCOMPARE(status[u"database"_s][u"schema_version"_s].toInt(), latestSchemaVersion());
    const QJsonObject counts = status[u"counts"_s].toObject();
    QCOMPARE(counts[u"clients"_s].toInt(), 2);
    QCOMPARE(counts[u"tokens"_s].toInt(), 1);
    QCOMPARE(counts[u"active_tokens"_s].toInt(), 1);
    QCOMPARE(counts[u"requests_logged"_s].toInt(), 1); // the mint; this request is logged after it answers
    const QString base = u"http://127.0.0.1:%1"_s.arg(running.port());
    QCOMPARE(status[u"urls"_s][u"register"_s].toString(), base + u"/oauth/register"_s);
}

void tst_PortalApi::adminRequestsListsTraffic()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QCOMPARE(running.http().postJson(u"/oauth/debug/token"_s, mintBody(u"api-test"_s)).status, 200);
    QCOMPARE(running.http().get(u"/nowhere?x=1"_s).status, 404);
    const Reply reply = running.http().get(u"/admin/requests?limit=2"_s);
    QCOMPARE(reply.status, 200);
    const QJsonArray requests = reply.json()[u"requests"_s].toArray();
    QCOMPARE(requests.size(), 2);
    const QJsonObject mint = requests.at(0).toObject();
    QCOMPARE(mint[u"method"_s].toString(), u"POST"_s);
    QCOMPARE(mint[u"path"_s].toString(), u"/oauth/debug/token"_s);
    QCOMPARE(mint[u"status"_s].toInt(), 200);
    QCOMPARE(mint[u"client_id"_s].toString(), u"api-test"_s);
    QVERIFY(!mint[u"token_id"_s].toString().isEmpty());
    QVERIFY(mint[u"request_body"_s].toString().contains(u"daniel-adams"_s));
    QVERIFY(mint[u"response_body"_s].toString().contains(u"access_token"_s));
    const QJsonObject missing = requests.at(1).toObject();
    QCOMPARE(missing[u"path"_s].toString(), u"/nowhere"_s);
    QCOMPARE(missing[u"query"_s].toString(), u"x=1"_s);
    QCOMPARE(missing[u"status"_s].toInt(), 404);

    QCOMPARE(running.http().get(u"/admin/requests?limit=0"_s).status, 400);
    QCOMPARE(running.http().get(u"/admin/requests?limit=ten"_s).status, 400);
}

void tst_PortalApi::stateSurvivesRestart_data()
{
    referenceCurlSession_data();
}

void tst_PortalApi::stateSurvivesRestart()
{
    QFETCH(QString, engine);
    TestDatabase database(engine == u"postgres"_s ? TestDatabase::Engine::Postgres : TestDatabase::Engine::Sqlite);
    if (!database.isAvailable())
        QSKIP(qPrintable(database.error()));
    SandboxOptions options;
    options.database = database.location();
    QString clientId;
    QString token;
    {
        RunningSandbox first(options);
        QVERIFY2(first.isRunning(), qPrintable(first.error()));
        clientId
            = first.http().postJson(u"/oauth/register"_s, s_referenceRegistration).json()[u"client_id"_s].toString();
        token = first.http().postJson(u"/oauth/debug/token"_s, mintBody(clientId)).json()[u"access_token"_s].toString();
        QVERIFY(!token.isEmpty());
    }
    RunningSandbox second(options);
    QVERIFY2(second.isRunning(), qPrintable(second.error()));
    const QJsonObject info = second.http().get(u"/oauth/debug/introspect?token="_s + token).json();
    QCOMPARE(info[u"active"_s].toBool(false), true);
    QCOMPARE(info[u"client_id"_s].toString(), clientId);
    // The first run's traffic was written when it stopped.
    QVERIFY(second.sandbox().requestLog().storedCount().value() >= 2);

    options.reset = true;
    second.sandbox().stop();
    RunningSandbox third(options);
    QVERIFY2(third.isRunning(), qPrintable(third.error()));
    QCOMPARE(third.http().get(u"/oauth/debug/introspect?token="_s + token).status, 400);
}

QTEST_GUILESS_MAIN(tst_PortalApi)
#include "tst_portalapi.moc"
