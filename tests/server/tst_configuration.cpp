// SPDX-License-Identifier: Apache-2.0
// The configuration document as a CI script sees it over /admin/config: export, reset, import,
// and the same clients, people, fault rules, discovery profile and scenarios come back; a bad
// document is refused with a clear error and changes nothing.

#include "testsupport.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

Reply putConfig(HttpClient &http, const QByteArray &body)
{
    return http.send("PUT", u"/admin/config"_s, body, {{"Content-Type", "application/json"}});
}

QByteArray exported(HttpClient &http)
{
    return http.get(u"/admin/config"_s).body;
}

// A configuration that differs from the fixtures in every part.
void customize(HttpClient &http, QString *clientId)
{
    const Reply registered
        = http.postJson(u"/oauth/register"_s,
                        QByteArray(R"({"client_name":"Exported App","redirect_uris":["http://localhost:3000/cb"],)"
                                   R"("launch_uri":"http://localhost:3000/launch","scope":"launch patient/*.rs"})"));
    QCOMPARE(registered.status, 201);
    *clientId = registered.json()[u"client_id"_s].toString();
    QCOMPARE(
        http.postJson(u"/admin/faults"_s, QByteArray(R"({"endpoint":"/oauth/token","status":503,"count":2})")).status,
        201);
    QCOMPARE(http.send("PUT", u"/admin/discovery"_s, QByteArray(R"({"profile":"v1"})"),
                       {{"Content-Type", "application/json"}})
                 .status,
             200);
    QCOMPARE(http.postJson(u"/admin/scenarios"_s,
                           QJsonObject{{u"name"_s, u"demo"_s},
                                       {u"client_id"_s, *clientId},
                                       {u"username"_s, u"daniel-adams"_s},
                                       {u"patient_id"_s, u"smart-1288992"_s}})
                 .status,
             201);
}

} // namespace

class tst_Configuration final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exportResetImport();
    void badDocumentsChangeNothing_data();
    void badDocumentsChangeNothing();
};

void tst_Configuration::exportResetImport()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    QString clientId;
    customize(http, &clientId);
    const Reply before = http.get(u"/admin/config"_s);
    QCOMPARE(before.status, 200);
    const QJsonObject document = before.json();
    QCOMPARE(document[u"format"_s].toString(), u"smart-sandbox-configuration"_s);
    QCOMPARE(document[u"version"_s].toInt(), 1);

    QCOMPARE(http.postJson(u"/admin/reset"_s, QByteArray()).status, 200);
    QCOMPARE(http.get(u"/admin/scenarios"_s).body, QByteArray("[]"));
    QVERIFY(exported(http) != before.body);

    QCOMPARE(putConfig(http, before.body).status, 204);
    QCOMPARE(exported(http), before.body);
    // What a client sees: its registration works again, and so do the rules and the scenario.
    const QJsonArray rules = QJsonDocument::fromJson(http.get(u"/admin/faults"_s).body).array();
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules.first()[u"remaining"_s].toInt(), 2);
    QCOMPARE(http.get(u"/admin/discovery"_s).json()[u"profile"_s].toString(), u"v1"_s);
    const Reply launched = http.postJson(u"/admin/scenarios/demo/launch"_s, QByteArray());
    QCOMPARE(launched.status, 200);
    QCOMPARE(launched.json()[u"client_id"_s].toString(), clientId);
    QVERIFY(launched.json()[u"launch_url"_s].toString().startsWith(u"http://localhost:3000/launch?"_s));
    const Reply token = http.postJson(u"/oauth/debug/token"_s,
                                      QJsonObject{{u"client_id"_s, clientId},
                                                  {u"username"_s, u"daniel-adams"_s},
                                                  {u"patient_id"_s, u"smart-1288992"_s}});
    QCOMPARE(token.status, 200);
}

void tst_Configuration::badDocumentsChangeNothing_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");

    const QByteArray rest
        = R"("users":[],"patients":[],"relationships":[],"faults":[],"discovery":{"profile":"v2"},"scenarios":[]})";
    const QByteArray head = R"({"format":"smart-sandbox-configuration","version":1,)";
    QTest::newRow("not JSON") << QByteArray("{format") << u"JSON"_s;
    QTest::newRow("other format") << QByteArray(R"({"format":"x","version":1})") << u"format"_s;
    QTest::newRow("newer version") << QByteArray(R"({"format":"smart-sandbox-configuration","version":2})")
                                   << u"version"_s;
    QTest::newRow("clients not array") << head + R"("clients":5,)" + rest << u"clients"_s;
    QTest::newRow("client without id") << head + R"("clients":[{"metadata":{"redirect_uris":["http://a/cb"]}}],)" + rest
                                       << u"client_id"_s;
    QTest::newRow("bad client metadata") << head
            + R"("clients":[{"client_id":"a","metadata":{"redirect_uris":"nope"}}],)"
            + rest << u"clients[0]"_s;
    QTest::newRow("duplicate client") << head
            + R"("clients":[{"client_id":"a","metadata":{"redirect_uris":["http://a/cb"]}},)"
              R"({"client_id":"a","metadata":{"redirect_uris":["http://a/cb"]}}],)"
            + rest << u"twice"_s;
    QTest::newRow("link to nobody") << head
            + R"("clients":[],"users":[],"patients":[],"relationships":[{"username":"x","patient_id":"y",)"
              R"("relationship":"self"}],"faults":[],"discovery":{"profile":"v2"},"scenarios":[]})"
                                    << u"relationships[0]"_s;
    QTest::newRow("bad fault") << head
            + R"("clients":[],"users":[],"patients":[],"relationships":[],"faults":[{"endpoint":"/"}],)"
              R"("discovery":{"profile":"v2"},"scenarios":[]})"
                               << u"faults[0]"_s;
    QTest::newRow("bad discovery") << head
            + R"("clients":[],"users":[],"patients":[],"relationships":[],"faults":[],)"
              R"("discovery":{"profile":"v9"},"scenarios":[]})"
                                   << u"discovery"_s;
    QTest::newRow("bad scenario") << head
            + R"("clients":[],"users":[],"patients":[],"relationships":[],"faults":[],)"
              R"("discovery":{"profile":"v2"},"scenarios":[{"name":"x"}]})"
                                  << u"scenarios[0]"_s;
}

void tst_Configuration::badDocumentsChangeNothing()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    QString clientId;
    customize(http, &clientId);
    const QByteArray before = exported(http);
    const Reply reply = putConfig(http, body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"error"_s].toString(), u"invalid_request"_s);
    const QString description = reply.json()[u"error_description"_s].toString();
    QVERIFY2(description.contains(mentions), qPrintable(description));
    QCOMPARE(exported(http), before);
}

QTEST_GUILESS_MAIN(tst_Configuration)
#include "tst_configuration.moc"
