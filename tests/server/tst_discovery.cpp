// SPDX-License-Identifier: Apache-2.0
// Discovery profiles from a client's point of view: set over PUT /admin/discovery, then both
// discovery documents (the smart-configuration at both addresses, and the CapabilityStatement's
// oauth-uris) as an app fetches them; bad input; kept across restarts; reset returns to v2.

#include "testsupport.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

QStringList stringsOf(const QJsonValue &value)
{
    QStringList strings;
    for (const QJsonValue &item : value.toArray())
        strings.append(item.toString());
    return strings;
}

QStringList oauthUriNames(const QJsonObject &statement)
{
    QStringList names;
    const QJsonArray extensions = statement[u"rest"_s][0][u"security"_s][u"extension"_s].toArray();
    for (const QJsonValue &extension : extensions) {
        if (extension[u"url"_s].toString().endsWith(u"/oauth-uris"_s)) {
            for (const QJsonValue &uri : extension[u"extension"_s].toArray())
                names.append(uri[u"url"_s].toString());
        }
    }
    return names;
}

Reply putProfile(HttpClient &http, const QByteArray &body)
{
    return http.send("PUT", u"/admin/discovery"_s, body, {{"Content-Type", "application/json"}});
}

} // namespace

class tst_Discovery final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void profiles_data();
    void profiles();
    void openidConfigurationStaysWhole();
    void badInput_data();
    void badInput();
    void keptAcrossRestartAndReset();
    void getAnswerCanBeSentBack();
};

void tst_Discovery::profiles_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QStringList>("present"); // fields and capabilities the app finds
    QTest::addColumn<QStringList>("absent");
    QTest::addColumn<QStringList>("oauthUris");

    const QStringList allUris{u"authorize"_s, u"token"_s, u"register"_s, u"manage"_s, u"introspect"_s, u"revoke"_s};
    QTest::newRow("v2") << QByteArray(R"({"profile":"v2"})") << 200
                        << QStringList{u"issuer"_s,
                                       u"jwks_uri"_s,
                                       u"grant_types_supported"_s,
                                       u"code_challenge_methods_supported"_s,
                                       u"capability:permission-v2"_s,
                                       u"capability:client-confidential-asymmetric"_s,
                                       u"capability:launch-ehr"_s,
                                       u"scope:patient/*.rs"_s,
                                       u"auth:private_key_jwt"_s}
                        << QStringList{} << allUris;
    QTest::newRow("v1") << QByteArray(R"({"profile":"v1"})") << 200
                        << QStringList{u"authorization_endpoint"_s,        u"token_endpoint"_s,
                                       u"registration_endpoint"_s,         u"management_endpoint"_s,
                                       u"capability:launch-ehr"_s,         u"capability:launch-standalone"_s,
                                       u"capability:permission-patient"_s, u"scope:patient/*.read"_s,
                                       u"auth:client_secret_basic"_s}
                        << QStringList{u"issuer"_s,
                                       u"jwks_uri"_s,
                                       u"grant_types_supported"_s,
                                       u"code_challenge_methods_supported"_s,
                                       u"token_endpoint_auth_signing_alg_values_supported"_s,
                                       u"capability:permission-v2"_s,
                                       u"capability:permission-v1"_s,
                                       u"capability:authorize-post"_s,
                                       u"capability:client-confidential-asymmetric"_s,
                                       u"scope:patient/*.rs"_s,
                                       u"scope:system/*.read"_s,
                                       u"auth:private_key_jwt"_s}
                        << allUris;
    QTest::newRow("none") << QByteArray(R"({"profile":"none"})") << 404 << QStringList{} << QStringList{} << allUris;
    QTest::newRow("custom v2") << QByteArray(
        R"({"profile":"custom","omit_fields":["code_challenge_methods_supported","registration_endpoint",)"
        R"("revocation_endpoint"],"omit_capabilities":["launch-ehr","permission-v2"]})")
                               << 200
                               << QStringList{u"issuer"_s, u"grant_types_supported"_s,
                                              u"capability:launch-standalone"_s, u"capability:permission-v1"_s}
                               << QStringList{u"code_challenge_methods_supported"_s, u"registration_endpoint"_s,
                                              u"revocation_endpoint"_s, u"capability:launch-ehr"_s,
                                              u"capability:permission-v2"_s}
                               << QStringList{u"authorize"_s, u"token"_s, u"manage"_s, u"introspect"_s};
    QTest::newRow("custom v1 without token_endpoint")
        << QByteArray(R"({"profile":"custom","base":"v1","omit_fields":["token_endpoint"]})") << 200
        << QStringList{u"authorization_endpoint"_s, u"capability:launch-ehr"_s}
        << QStringList{u"token_endpoint"_s, u"issuer"_s, u"capability:permission-v2"_s}
        << allUris; // the CapabilityStatement keeps the token URI: the fallback
}

void tst_Discovery::profiles()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QStringList, present);
    QFETCH(QStringList, absent);
    QFETCH(QStringList, oauthUris);

    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply stored = putProfile(running.http(), body);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.json()[u"profile"_s], QJsonDocument::fromJson(body).object()[u"profile"_s]);
    QCOMPARE(running.http().get(u"/admin/discovery"_s).json()[u"profile"_s], stored.json()[u"profile"_s]);

    for (const QString &path :
         {u"/.well-known/smart-configuration"_s, u"/api/fhir/.well-known/smart-configuration"_s}) {
        const Reply document = running.http().get(path);
        QCOMPARE(document.status, status);
        QCOMPARE(document.header("Content-Type"), "application/json");
        if (status == 404) {
            QCOMPARE(document.json()[u"error"_s].toString(), u"not_found"_s);
            continue;
        }
        const QJsonObject json = document.json();
        auto has = [&](const QString &name) {
            if (name.startsWith(u"capability:"_s))
                return stringsOf(json[u"capabilities"_s]).contains(name.mid(11));
            if (name.startsWith(u"scope:"_s))
                return stringsOf(json[u"scopes_supported"_s]).contains(name.mid(6));
            if (name.startsWith(u"auth:"_s))
                return stringsOf(json[u"token_endpoint_auth_methods_supported"_s]).contains(name.mid(5));
            return json.contains(name);
        };
        for (const QString &name : std::as_const(present))
            QVERIFY2(has(name), qPrintable(path + u" lacks "_s + name));
        for (const QString &name : std::as_const(absent))
            QVERIFY2(!has(name), qPrintable(path + u" has "_s + name));
    }
    const Reply metadata = running.http().get(u"/api/fhir/metadata"_s);
    QCOMPARE(metadata.status, 200);
    QCOMPARE(oauthUriNames(metadata.json()), oauthUris);
}

// OpenID Connect discovery is its own specification; the SMART profile does not touch it.
void tst_Discovery::openidConfigurationStaysWhole()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QCOMPARE(putProfile(running.http(), R"({"profile":"none"})").status, 200);
    const Reply openid = running.http().get(u"/.well-known/openid-configuration"_s);
    QCOMPARE(openid.status, 200);
    QVERIFY(openid.json().contains(u"issuer"_s));
    QVERIFY(openid.json().contains(u"jwks_uri"_s));
}

void tst_Discovery::badInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not JSON") << QByteArray("profile=v1") << u""_s;
    QTest::newRow("array") << QByteArray("[]") << u""_s;
    QTest::newRow("no profile") << QByteArray("{}") << u"profile"_s;
    QTest::newRow("unknown profile") << QByteArray(R"({"profile":"v3"})") << u"profile"_s;
    QTest::newRow("profile not a string") << QByteArray(R"({"profile":2})") << u"profile"_s;
    QTest::newRow("unknown key") << QByteArray(R"({"profile":"v1","colour":"red"})") << u"colour"_s;
    QTest::newRow("omit without custom") << QByteArray(R"({"profile":"v2","omit_fields":["issuer"]})")
                                         << u"omit_fields"_s;
    QTest::newRow("unknown field") << QByteArray(R"({"profile":"custom","omit_fields":["nonsense"]})") << u"nonsense"_s;
    QTest::newRow("v2 field on a v1 base")
        << QByteArray(R"({"profile":"custom","base":"v1","omit_fields":["issuer"]})") << u"issuer"_s;
    QTest::newRow("unknown capability") << QByteArray(R"({"profile":"custom","omit_capabilities":["launch-moon"]})")
                                        << u"launch-moon"_s;
    QTest::newRow("names not an array") << QByteArray(R"({"profile":"custom","omit_capabilities":"launch-ehr"})")
                                        << u"omit_capabilities"_s;
    QTest::newRow("bad base") << QByteArray(R"({"profile":"custom","base":"v3"})") << u"base"_s;
}

void tst_Discovery::badInput()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QCOMPARE(putProfile(running.http(), R"({"profile":"v1"})").status, 200);
    const Reply refused = putProfile(running.http(), body);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.json()[u"error"_s].toString(), u"invalid_request"_s);
    QVERIFY2(refused.json()[u"error_description"_s].toString().contains(mentions),
             qPrintable(refused.json()[u"error_description"_s].toString()));
    // Nothing changed.
    QCOMPARE(running.http().get(u"/admin/discovery"_s).json()[u"profile"_s].toString(), u"v1"_s);
    QVERIFY(!running.http().get(u"/.well-known/smart-configuration"_s).json().contains(u"issuer"_s));
}

void tst_Discovery::keptAcrossRestartAndReset()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SandboxOptions options;
    options.database = dir.filePath(u"sandbox.sqlite"_s);
    {
        RunningSandbox running(options);
        QVERIFY2(running.isRunning(), qPrintable(running.error()));
        QCOMPARE(running.http().get(u"/admin/discovery"_s).json()[u"profile"_s].toString(), u"v2"_s);
        QCOMPARE(putProfile(running.http(), R"({"profile":"none"})").status, 200);
    }
    RunningSandbox restarted(options);
    QVERIFY2(restarted.isRunning(), qPrintable(restarted.error()));
    QCOMPARE(restarted.http().get(u"/admin/discovery"_s).json()[u"profile"_s].toString(), u"none"_s);
    QCOMPARE(restarted.http().get(u"/.well-known/smart-configuration"_s).status, 404);

    QCOMPARE(restarted.http().send("POST", u"/admin/reset"_s).status, 200);
    QCOMPARE(restarted.http().get(u"/admin/discovery"_s).json()[u"profile"_s].toString(), u"v2"_s);
    const Reply document = restarted.http().get(u"/.well-known/smart-configuration"_s);
    QCOMPARE(document.status, 200);
    QVERIFY(stringsOf(document.json()[u"capabilities"_s]).contains(u"permission-v2"_s));
}

void tst_Discovery::getAnswerCanBeSentBack()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QByteArray custom = R"({"profile":"custom","base":"v1","omit_capabilities":["launch-ehr"]})";
    const QJsonObject answer = putProfile(running.http(), custom).json();
    QCOMPARE(answer[u"omit_capabilities"_s].toArray(), QJsonArray{u"launch-ehr"_s});
    QVERIFY(answer[u"fields"_s].toArray().contains(u"issuer"_s));
    QCOMPARE(putProfile(running.http(), R"({"profile":"v2"})").status, 200);
    const Reply again = putProfile(running.http(), QJsonDocument(answer).toJson());
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json(), answer);
}

QTEST_GUILESS_MAIN(tst_Discovery)
#include "tst_discovery.moc"
