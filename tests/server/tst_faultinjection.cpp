// SPDX-License-Identifier: Apache-2.0
// Fault injection as a client app and a CI script see it: rules over /admin/faults, answers in
// the format each endpoint's spec names, budgets, client matching, malformed bodies, dropped
// connections, delays that hold up nobody else, and the mark on every exchange a rule touched.

#include "fhirtestdata.h"
#include "server/requestlog.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

QString mint(HttpClient &http, const QString &clientId)
{
    return http
        .postJson(
            u"/oauth/debug/token"_s,
            QJsonObject{{u"client_id"_s, clientId}, {u"username"_s, u"daniel-adams"_s}, {u"patient_id"_s, s_daniel}})
        .json()[u"access_token"_s]
        .toString();
}

QList<QPair<QByteArray, QByteArray>> bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toLatin1()}};
}

qint64 addRule(HttpClient &http, const QJsonObject &rule)
{
    const Reply reply = http.postJson(u"/admin/faults"_s, rule);
    if (reply.status != 201)
        qWarning() << "adding a rule failed:" << reply.body;
    return reply.json()[u"id"_s].toInteger();
}

} // namespace

class tst_FaultInjection final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badRules_data();
    void badRules();
    void addListAndRemove();
    void statusFaultsSpeakTheEndpointsFormat_data();
    void statusFaultsSpeakTheEndpointsFormat();
    void countBudgetRunsOut();
    void percentDecides();
    void matchesOnlyTheNamedClient();
    void prefixAndMethod();
    void refusalsBeforeTheRuleStayHonest();
    void malformedKeepsStatusAndType();
    void dropClosesTheConnection();
    void delayHoldsUpNobodyElse();
    void faultedExchangesAreMarked();
    void resetClearsRules();
};

void tst_FaultInjection::badRules_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("not JSON") << QByteArray("{endpoint") << u"JSON"_s;
    QTest::newRow("array") << QByteArray(R"([1])") << u"object"_s;
    QTest::newRow("unknown field") << QByteArray(R"({"endpoint":"/oauth/token","status":503,"colour":"red"})")
                                   << u"colour"_s;
    QTest::newRow("no effect") << QByteArray(R"({"endpoint":"/oauth/token"})") << u"one effect"_s;
    QTest::newRow("two effects") << QByteArray(R"({"endpoint":"/oauth/token","status":503,"drop":true})")
                                 << u"status, drop"_s;
    QTest::newRow("status as text") << QByteArray(R"({"endpoint":"/oauth/token","status":"503"})") << u"status"_s;
    QTest::newRow("status 200") << QByteArray(R"({"endpoint":"/oauth/token","status":200})") << u"400 to 599"_s;
    QTest::newRow("fractional delay") << QByteArray(R"({"endpoint":"/","delayMs":1.5})") << u"delayMs"_s;
    QTest::newRow("percent 101") << QByteArray(R"({"endpoint":"/","delayMs":5,"percent":101})") << u"percent"_s;
    QTest::newRow("count 0") << QByteArray(R"({"endpoint":"/","delayMs":5,"count":0})") << u"count"_s;
    QTest::newRow("drop false") << QByteArray(R"({"endpoint":"/","drop":false})") << u"drop"_s;
    QTest::newRow("relative endpoint") << QByteArray(R"({"endpoint":"oauth/token","status":503})") << u"endpoint"_s;
    QTest::newRow("star inside") << QByteArray(R"({"endpoint":"/api/*/Patient","status":503})") << u"*"_s;
    QTest::newRow("bad method") << QByteArray(R"({"endpoint":"/","method":"BREW","status":503})") << u"method"_s;
    QTest::newRow("unknown launch error")
        << QByteArray(R"({"client_id":"api-test","launch_error":"oops"})") << u"access_denied"_s;
    QTest::newRow("launch error without client") << QByteArray(R"({"launch_error":"access_denied"})") << u"client_id"_s;
    QTest::newRow("launch error for unknown client")
        << QByteArray(R"({"client_id":"nobody","launch_error":"access_denied"})") << u"nobody"_s;
}

void tst_FaultInjection::badRules()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = running.http().postJson(u"/admin/faults"_s, body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"error"_s].toString(), u"invalid_request"_s);
    const QString description = reply.json()[u"error_description"_s].toString();
    QVERIFY2(description.contains(mentions), qPrintable(description));
    QCOMPARE(running.http().get(u"/admin/faults"_s).body, QByteArray("[]"));
}

void tst_FaultInjection::addListAndRemove()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const Reply added = http.postJson(u"/admin/faults"_s,
                                      QByteArray(R"({"endpoint": "/oauth/token", "client_id": "api-test", "status": 503,
                                                 "count": 1})"));
    QCOMPARE(added.status, 201);
    const QJsonObject rule = added.json();
    const qint64 id = rule[u"id"_s].toInteger();
    QVERIFY(id > 0);
    QCOMPARE(added.header("Location"), "/admin/faults/" + QByteArray::number(id));
    QCOMPARE(rule[u"endpoint"_s].toString(), u"/oauth/token"_s);
    QCOMPARE(rule[u"client_id"_s].toString(), u"api-test"_s);
    QCOMPARE(rule[u"status"_s].toInt(), 503);
    QCOMPARE(rule[u"remaining"_s].toInt(), 1);
    QCOMPARE(rule[u"hits"_s].toInt(), 0);
    const qint64 second
        = addRule(http, QJsonObject{{u"endpoint"_s, u"/api/fhir/metadata"_s}, {u"delayMs"_s, 800}, {u"percent"_s, 50}});

    Reply listed = http.get(u"/admin/faults"_s);
    QCOMPARE(listed.status, 200);
    QJsonArray rules = QJsonDocument::fromJson(listed.body).array();
    QCOMPARE(rules.size(), 2);
    QCOMPARE(rules.at(0)[u"id"_s].toInteger(), id);
    QCOMPARE(rules.at(1)[u"delayMs"_s].toInt(), 800);
    QCOMPARE(rules.at(1)[u"percent"_s].toInt(), 50);
    QVERIFY(rules.at(1)[u"remaining"_s].isNull());
    QCOMPARE(http.get(u"/admin/faults/%1"_s.arg(second)).json()[u"delayMs"_s].toInt(), 800);

    QCOMPARE(http.send("DELETE", u"/admin/faults/%1"_s.arg(id)).status, 204);
    const Reply again = http.send("DELETE", u"/admin/faults/%1"_s.arg(id));
    QCOMPARE(again.status, 404);
    QCOMPARE(again.json()[u"error"_s].toString(), u"not_found"_s);
    QCOMPARE(http.send("DELETE", u"/admin/faults/abc"_s).status, 404);
    QCOMPARE(QJsonDocument::fromJson(http.get(u"/admin/faults"_s).body).array().size(), 1);

    addRule(http, QJsonObject{{u"endpoint"_s, u"/"_s}, {u"drop"_s, true}});
    QCOMPARE(http.send("DELETE", u"/admin/faults"_s).status, 204);
    QCOMPARE(http.get(u"/admin/faults"_s).body, QByteArray("[]"));
}

void tst_FaultInjection::statusFaultsSpeakTheEndpointsFormat_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QString>("code"); // OAuth "error", or the OperationOutcome issue code
    QTest::addColumn<QByteArray>("retryAfter");

    QTest::newRow("token 503") << QByteArray("POST") << u"/oauth/token"_s << 503 << QByteArray("application/json")
                               << u"temporarily_unavailable"_s << QByteArray("1");
    QTest::newRow("token 500") << QByteArray("POST") << u"/oauth/token"_s << 500 << QByteArray("application/json")
                               << u"server_error"_s << QByteArray();
    QTest::newRow("register 429") << QByteArray("POST") << u"/oauth/register"_s << 429 << QByteArray("application/json")
                                  << u"temporarily_unavailable"_s << QByteArray("1");
    QTest::newRow("FHIR 500") << QByteArray("GET") << u"/api/fhir/metadata"_s << 500
                              << QByteArray("application/fhir+json") << u"exception"_s << QByteArray();
    QTest::newRow("open FHIR 503") << QByteArray("GET") << u"/api/open-fhir/Patient"_s << 503
                                   << QByteArray("application/fhir+json") << u"transient"_s << QByteArray("1");
    QTest::newRow("open FHIR 429") << QByteArray("GET") << u"/api/open-fhir/Patient"_s << 429
                                   << QByteArray("application/fhir+json") << u"throttled"_s << QByteArray("1");
    QTest::newRow("authorize page 500") << QByteArray("GET") << u"/oauth/authorize"_s << 500 << QByteArray("text/html")
                                        << QString() << QByteArray();
}

void tst_FaultInjection::statusFaultsSpeakTheEndpointsFormat()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QString, code);
    QFETCH(QByteArray, retryAfter);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    addRule(running.http(), QJsonObject{{u"endpoint"_s, path}, {u"status"_s, status}});

    const Reply reply = running.http().send(method, path, {}, {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(reply.status, status);
    QVERIFY2(reply.header("Content-Type").startsWith(contentType), reply.header("Content-Type").constData());
    QCOMPARE(reply.header("Retry-After"), retryAfter);
    const QJsonObject json = reply.json();
    if (contentType == "application/json") {
        QCOMPARE(json[u"error"_s].toString(), code);
        QVERIFY(json[u"error_description"_s].toString().contains(u"rule"_s));
    } else if (contentType == "application/fhir+json") {
        QCOMPARE(json[u"resourceType"_s].toString(), u"OperationOutcome"_s);
        QCOMPARE(json[u"issue"_s][0][u"code"_s].toString(), code);
    } else {
        QVERIFY(reply.body.contains("<html"));
    }
}

void tst_FaultInjection::countBudgetRunsOut()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    addRule(http, QJsonObject{{u"endpoint"_s, u"/api/open-fhir/metadata"_s}, {u"status"_s, 503}, {u"count"_s, 2}});
    QCOMPARE(http.get(u"/api/open-fhir/metadata"_s).status, 503);
    QCOMPARE(http.get(u"/api/open-fhir/metadata"_s).status, 503);
    QCOMPARE(http.get(u"/api/open-fhir/metadata"_s).status, 200);
    const QJsonObject rule = QJsonDocument::fromJson(http.get(u"/admin/faults"_s).body).array().at(0).toObject();
    QCOMPARE(rule[u"remaining"_s].toInt(), 0);
    QCOMPARE(rule[u"hits"_s].toInt(), 2);
}

void tst_FaultInjection::percentDecides()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const qint64 never = addRule(
        http, QJsonObject{{u"endpoint"_s, u"/api/open-fhir/metadata"_s}, {u"status"_s, 500}, {u"percent"_s, 0}});
    for (int i = 0; i < 5; ++i)
        QCOMPARE(http.get(u"/api/open-fhir/metadata"_s).status, 200);
    QCOMPARE(http.get(u"/admin/faults/%1"_s.arg(never)).json()[u"hits"_s].toInt(), 0);
    addRule(http, QJsonObject{{u"endpoint"_s, u"/api/open-fhir/metadata"_s}, {u"status"_s, 502}, {u"percent"_s, 100}});
    for (int i = 0; i < 5; ++i)
        QCOMPARE(http.get(u"/api/open-fhir/metadata"_s).status, 502);
}

void tst_FaultInjection::matchesOnlyTheNamedClient()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    // The client named in the form, by HTTP Basic, or by the bearer token it presents.
    addRule(http, QJsonObject{{u"endpoint"_s, u"/oauth/token"_s}, {u"client_id"_s, u"api-test"_s}, {u"status"_s, 503}});
    addRule(http, QJsonObject{{u"endpoint"_s, u"/api/fhir/*"_s}, {u"client_id"_s, u"api-test"_s}, {u"status"_s, 500}});
    const QList<QPair<QString, QString>> grant{{u"grant_type"_s, u"client_credentials"_s}};
    QCOMPARE(http.postForm(u"/oauth/token"_s, grant, {{"Authorization", "Basic " + "api-test:x"_ba.toBase64()}}).status,
             503);
    QCOMPARE(http.postForm(u"/oauth/token"_s, {{u"grant_type"_s, u"refresh_token"_s}, {u"client_id"_s, u"api-test"_s}})
                 .status,
             503);
    // private_key_jwt: the issuer of the client assertion (checked by the handler, not here).
    const QByteArray assertion
        = R"({"alg":"RS384"})"_ba.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals) + '.'
        + R"({"iss":"api-test","sub":"api-test"})"_ba.toBase64(QByteArray::Base64UrlEncoding
                                                               | QByteArray::OmitTrailingEquals)
        + ".c2ln";
    QCOMPARE(http.postForm(u"/oauth/token"_s,
                           {{u"grant_type"_s, u"client_credentials"_s},
                            {u"client_assertion_type"_s, u"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"_s},
                            {u"client_assertion"_s, QString::fromLatin1(assertion)}})
                 .status,
             503);
    const Reply other = http.postForm(
        u"/oauth/token"_s,
        {{u"grant_type"_s, u"refresh_token"_s}, {u"client_id"_s, u"test-suite"_s}, {u"refresh_token"_s, u"unknown"_s}});
    QCOMPARE(other.status, 400);

    const QString apiTest = mint(http, u"api-test"_s);
    const QString suite = mint(http, u"test-suite"_s);
    QVERIFY(!apiTest.isEmpty() && !suite.isEmpty());
    QCOMPARE(http.get(u"/api/fhir/Patient/"_s + s_daniel, bearer(apiTest)).status, 500);
    QCOMPARE(http.get(u"/api/fhir/Patient/"_s + s_daniel, bearer(suite)).status, 200);
}

void tst_FaultInjection::prefixAndMethod()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    addRule(http, QJsonObject{{u"endpoint"_s, u"/api/open-fhir/*"_s}, {u"method"_s, u"post"_s}, {u"status"_s, 503}});
    QCOMPARE(http.get(u"/api/open-fhir/Patient"_s).status, 200);
    QCOMPARE(http.postJson(u"/api/open-fhir/Patient"_s, QJsonObject{{u"resourceType"_s, u"Patient"_s}}).status, 503);
    QCOMPARE(http.get(u"/api/fhir/metadata"_s).status, 200);
}

void tst_FaultInjection::refusalsBeforeTheRuleStayHonest()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    addRule(http, QJsonObject{{u"endpoint"_s, u"/*"_s}, {u"status"_s, 503}});
    QCOMPARE(http.get(u"/no/such/thing"_s).status, 404);
    QCOMPARE(http.get(u"/oauth/register"_s).status, 405);
    QCOMPARE(http.get(u"/"_s).status, 503);
    // The admin surface is never faulted, so such a rule can always be removed.
    QCOMPARE(http.get(u"/admin/status"_s).status, 200);
    QCOMPARE(http.send("DELETE", u"/admin/faults"_s).status, 204);
    QCOMPARE(http.get(u"/"_s).status, 200);
}

void tst_FaultInjection::malformedKeepsStatusAndType()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const Reply normal = http.get(u"/.well-known/smart-configuration"_s);
    QVERIFY(!QJsonDocument::fromJson(normal.body).isNull());
    addRule(
        http,
        QJsonObject{{u"endpoint"_s, u"/.well-known/smart-configuration"_s}, {u"malformed"_s, true}, {u"count"_s, 1}});
    const Reply broken = http.get(u"/.well-known/smart-configuration"_s);
    QCOMPARE(broken.status, 200);
    QCOMPARE(broken.header("Content-Type"), normal.header("Content-Type"));
    QVERIFY(!broken.body.isEmpty());
    QJsonParseError error{};
    QJsonDocument::fromJson(broken.body, &error);
    QVERIFY(error.error != QJsonParseError::NoError);
    QVERIFY(normal.body.startsWith(broken.body));
}

void tst_FaultInjection::dropClosesTheConnection()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    addRule(running.http(), QJsonObject{{u"endpoint"_s, u"/api/open-fhir/metadata"_s}, {u"drop"_s, true}});

    QTcpSocket socket;
    QSignalSpy closed(&socket, &QTcpSocket::disconnected);
    socket.connectToHost(QHostAddress::LocalHost, running.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /api/open-fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 10000);
    QCOMPARE(socket.readAll(), QByteArray()); // not a byte of an answer

    // Other endpoints and new connections are answered as usual.
    QCOMPARE(running.http().get(u"/api/open-fhir/Patient"_s).status, 200);
}

void tst_FaultInjection::delayHoldsUpNobodyElse()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    constexpr int delayMs = 3000; // far longer than answering the other request takes, even under load
    addRule(running.http(), QJsonObject{{u"endpoint"_s, u"/api/open-fhir/metadata"_s}, {u"delayMs"_s, delayMs}});

    QNetworkAccessManager network;
    QElapsedTimer timer;
    timer.start();
    QNetworkReply *slow = network.get(QNetworkRequest(QUrl(running.http().base() + u"/api/open-fhir/metadata"_s)));
    QSignalSpy slowDone(slow, &QNetworkReply::finished);
    QNetworkReply *quick = network.get(QNetworkRequest(QUrl(running.http().base() + u"/api/open-fhir/Patient"_s)));
    QSignalSpy quickDone(quick, &QNetworkReply::finished);

    QTRY_COMPARE_WITH_TIMEOUT(quickDone.size(), 1, 10000);
    QCOMPARE(quick->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(slowDone.size(), 0); // still waiting while the other was answered
    QTRY_COMPARE_WITH_TIMEOUT(slowDone.size(), 1, 10000);
    QVERIFY(timer.elapsed() >= delayMs);
    QCOMPARE(slow->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(QJsonDocument::fromJson(slow->readAll()).object()[u"resourceType"_s].toString(), u"CapabilityStatement"_s);
    delete slow;
    delete quick;
}

void tst_FaultInjection::faultedExchangesAreMarked()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    const qint64 id = addRule(
        http, QJsonObject{{u"endpoint"_s, u"/api/open-fhir/metadata"_s}, {u"status"_s, 503}, {u"count"_s, 1}});
    QSignalSpy logged(&running.sandbox().requestLog(), &RequestLog::requestLogged);
    QCOMPARE(http.get(u"/api/open-fhir/metadata"_s).status, 503);
    QCOMPARE(http.get(u"/api/open-fhir/metadata"_s).status, 200);
    QTRY_COMPARE(logged.size(), 2);
    const auto faulted = logged.at(0).at(0).value<RequestLogEntry>();
    const auto normal = logged.at(1).at(0).value<RequestLogEntry>();
    QCOMPARE(faulted.findings.value(0), u"Fault injected by rule %1: status 503"_s.arg(id));
    QVERIFY(std::none_of(normal.findings.begin(), normal.findings.end(),
                         [](const QString &finding) { return finding.startsWith(u"Fault injected"_s); }));
}

void tst_FaultInjection::resetClearsRules()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    HttpClient &http = running.http();
    addRule(http, QJsonObject{{u"endpoint"_s, u"/api/open-fhir/metadata"_s}, {u"status"_s, 503}});
    QCOMPARE(http.postJson(u"/admin/reset"_s, QByteArray()).status, 200);
    QCOMPARE(http.get(u"/admin/faults"_s).body, QByteArray("[]"));
    QCOMPARE(http.get(u"/api/open-fhir/metadata"_s).status, 200);
}

QTEST_GUILESS_MAIN(tst_FaultInjection)
#include "tst_faultinjection.moc"
