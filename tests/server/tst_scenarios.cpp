// SPDX-License-Identifier: Apache-2.0
// Saved launch scenarios as a CI script sees them over /admin/scenarios: save, list, read,
// launch (launch URL, fault rules replaced on every launch), remove, and clear errors.

#include "fhirtestdata.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const QString s_launchUri = u"http://localhost:3000/launch"_s;

QString registerLaunchClient(HttpClient &http)
{
    const QJsonObject metadata{{u"client_name"_s, u"Scenario App"_s},
                               {u"redirect_uris"_s, QJsonArray{u"http://localhost:3000/callback"_s}},
                               {u"token_endpoint_auth_method"_s, u"none"_s},
                               {u"scope"_s, u"launch openid fhirUser patient/*.rs"_s},
                               {u"launch_uri"_s, s_launchUri}};
    return http.postJson(u"/oauth/register"_s, metadata).json()[u"client_id"_s].toString();
}

QJsonObject scenarioFor(const QString &clientId)
{
    return QJsonObject{
        {u"name"_s, u"slow-token"_s},
        {u"client_id"_s, clientId},
        {u"username"_s, u"daniel-adams"_s},
        {u"patient_id"_s, s_daniel},
        {u"encounter_id"_s, u"enc-1"_s},
        {u"scope"_s, u"launch patient/*.rs"_s},
        {u"faults"_s,
         QJsonArray{QJsonObject{
             {u"endpoint"_s, u"/oauth/token"_s}, {u"status"_s, 503}, {u"count"_s, 1}, {u"percent"_s, 100}}}}};
}

QJsonArray faultRules(HttpClient &http)
{
    return QJsonDocument::fromJson(http.get(u"/admin/faults"_s).body).array();
}

} // namespace

class tst_Scenarios final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badScenarios_data();
    void badScenarios();
    void saveListLaunchRemove();
    void launchReplacesItsOwnFaults();
    void launchWithUnknownClientChangesNothing();
    void unknownNames();
    void resetRemovesScenarios();
};

void tst_Scenarios::badScenarios_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("not JSON") << QByteArray("{name") << u"JSON"_s;
    QTest::newRow("no client") << QByteArray(R"({"name":"a","username":"daniel-adams","patient_id":"p"})")
                               << u"client_id"_s;
    QTest::newRow("bad name") << QByteArray(R"({"name":"a/b","client_id":"c","username":"u","patient_id":"p"})")
                              << u"name"_s;
    QTest::newRow("unknown field") << QByteArray(
        R"({"name":"a","client_id":"c","username":"u","patient_id":"p","colour":1})")
                                   << u"colour"_s;
    QTest::newRow("faults not array") << QByteArray(
        R"({"name":"a","client_id":"c","username":"u","patient_id":"p","faults":{}})")
                                      << u"faults"_s;
    QTest::newRow("bad fault") << QByteArray(
        R"({"name":"a","client_id":"c","username":"u","patient_id":"p","faults":[{"endpoint":"/"}]})")
                               << u"faults[0]"_s;
    QTest::newRow("scope number") << QByteArray(
        R"({"name":"a","client_id":"c","username":"u","patient_id":"p","scope":5})")
                                  << u"scope"_s;
}

void tst_Scenarios::badScenarios()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = running.http().postJson(u"/admin/scenarios"_s, body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"error"_s].toString(), u"invalid_request"_s);
    const QString description = reply.json()[u"error_description"_s].toString();
    QVERIFY2(description.contains(mentions), qPrintable(description));
    QCOMPARE(running.http().get(u"/admin/scenarios"_s).body, QByteArray("[]"));
}

void tst_Scenarios::saveListLaunchRemove()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const QString clientId = registerLaunchClient(http);
    QVERIFY(!clientId.isEmpty());

    const Reply saved = http.postJson(u"/admin/scenarios"_s, scenarioFor(clientId));
    QCOMPARE(saved.status, 201);
    QCOMPARE(saved.header("location"), QByteArray("/admin/scenarios/slow-token"));
    const QJsonArray listed = QJsonDocument::fromJson(http.get(u"/admin/scenarios"_s).body).array();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.first().toObject(), scenarioFor(clientId));
    QCOMPARE(http.get(u"/admin/scenarios/slow-token"_s).json(), scenarioFor(clientId));
    // Saving under the same name replaces.
    QJsonObject changed = scenarioFor(clientId);
    changed.insert(u"encounter_id"_s, u"enc-2"_s);
    QCOMPARE(http.postJson(u"/admin/scenarios"_s, changed).status, 200);
    QCOMPARE(http.get(u"/admin/scenarios/slow-token"_s).json()[u"encounter_id"_s].toString(), u"enc-2"_s);

    QVERIFY(faultRules(http).isEmpty());
    const Reply launched = http.postJson(u"/admin/scenarios/slow-token/launch"_s, QByteArray());
    QCOMPARE(launched.status, 200);
    const QString iss = http.base() + u"/api/fhir"_s;
    QCOMPARE(launched.json()[u"iss"_s].toString(), iss);
    const QString launchId = launched.json()[u"launch"_s].toString();
    QVERIFY(!launchId.isEmpty());
    QCOMPARE(launched.json()[u"scope"_s].toString(), u"launch patient/*.rs"_s);
    const QUrl launchUrl(launched.json()[u"launch_url"_s].toString());
    QCOMPARE(launchUrl.toString(QUrl::RemoveQuery), s_launchUri);
    QCOMPARE(QUrlQuery(launchUrl).queryItemValue(u"iss"_s, QUrl::FullyDecoded), iss);
    QCOMPARE(QUrlQuery(launchUrl).queryItemValue(u"launch"_s), launchId);
    const QJsonArray rules = faultRules(http);
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules.first()[u"endpoint"_s].toString(), u"/oauth/token"_s);
    QCOMPARE(rules.first()[u"status"_s].toInt(), 503);

    QCOMPARE(http.send("DELETE", u"/admin/scenarios/slow-token"_s).status, 204);
    QCOMPARE(http.get(u"/admin/scenarios"_s).body, QByteArray("[]"));
}

void tst_Scenarios::launchReplacesItsOwnFaults()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const QString clientId = registerLaunchClient(http);
    const qint64 otherRule = http.postJson(u"/admin/faults"_s, QByteArray(R"({"endpoint":"/api/fhir","delayMs":5})"))
                                 .json()[u"id"_s]
                                 .toInteger();
    QCOMPARE(http.postJson(u"/admin/scenarios"_s, scenarioFor(clientId)).status, 201);
    const Reply first = http.postJson(u"/admin/scenarios/slow-token/launch"_s, QByteArray());
    QCOMPARE(first.status, 200);
    const Reply second = http.postJson(u"/admin/scenarios/slow-token/launch"_s, QByteArray());
    QCOMPARE(second.status, 200);
    QVERIFY(first.json()[u"launch"_s] != second.json()[u"launch"_s]);
    const QJsonArray rules = faultRules(http);
    QCOMPARE(rules.size(), 2); // the rule it did not make, and its own once
    QCOMPARE(rules.at(0)[u"id"_s].toInteger(), otherRule);
    QCOMPARE(rules.at(1)[u"id"_s].toInteger(), second.json()[u"fault_rule_ids"_s].toArray().first().toInteger());
    QVERIFY(rules.at(1)[u"id"_s] != first.json()[u"fault_rule_ids"_s].toArray().first());
}

void tst_Scenarios::launchWithUnknownClientChangesNothing()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    QCOMPARE(http.postJson(u"/admin/scenarios"_s, scenarioFor(u"no-such-client"_s)).status, 201);
    const Reply launched = http.postJson(u"/admin/scenarios/slow-token/launch"_s, QByteArray());
    QCOMPARE(launched.status, 400);
    QVERIFY2(launched.json()[u"error_description"_s].toString().contains(u"no-such-client"_s), launched.body);
    QVERIFY(faultRules(http).isEmpty());
}

void tst_Scenarios::unknownNames()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    for (const Reply &reply :
         {http.get(u"/admin/scenarios/nothing"_s), http.send("DELETE", u"/admin/scenarios/nothing"_s),
          http.postJson(u"/admin/scenarios/nothing/launch"_s, QByteArray())}) {
        QCOMPARE(reply.status, 404);
        QCOMPARE(reply.json()[u"error"_s].toString(), u"not_found"_s);
        QVERIFY2(reply.json()[u"error_description"_s].toString().contains(u"nothing"_s), reply.body);
    }
    QCOMPARE(http.send("PUT", u"/admin/scenarios/nothing"_s).status, 405);
}

void tst_Scenarios::resetRemovesScenarios()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    QCOMPARE(http.postJson(u"/admin/scenarios"_s, scenarioFor(u"api-test"_s)).status, 201);
    QCOMPARE(http.postJson(u"/admin/reset"_s, QByteArray()).status, 200);
    QCOMPARE(http.get(u"/admin/scenarios"_s).body, QByteArray("[]"));
}

QTEST_GUILESS_MAIN(tst_Scenarios)
#include "tst_scenarios.moc"
