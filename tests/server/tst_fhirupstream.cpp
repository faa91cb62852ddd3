// SPDX-License-Identifier: Apache-2.0
// Upstream mode: a second SMART Sandbox, started by the test, is the upstream FHIR server. The
// sandbox under test forwards to it with its own enforcement, rewrites URLs so paging works
// through it, answers 502 when the upstream is down, and never blocks while waiting.

#include "fhir/fhirservice.h"
#include "fhir/resourcestore.h"
#include "fhirtestdata.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

QStringList entryIds(const QJsonObject &bundle)
{
    QStringList ids;
    for (const QJsonValue &entry : bundle[u"entry"_s].toArray())
        ids.append(entry[u"resource"_s][u"resourceType"_s].toString() + u'/'
                   + entry[u"resource"_s][u"id"_s].toString());
    ids.sort();
    return ids;
}

QList<QPair<QByteArray, QByteArray>> bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toLatin1()}};
}

// The upstream server with the known record set, and the sandbox under test in front of it.
struct Pair
{
    std::unique_ptr<RunningSandbox> upstream;
    std::unique_ptr<RunningSandbox> proxy;
    QString clientId;

    QString mint(const QString &scope) const
    {
        const Reply reply = proxy->http().postJson(u"/oauth/debug/token"_s,
                                                   QJsonObject{{u"client_id"_s, clientId},
                                                               {u"username"_s, u"daniel-adams"_s},
                                                               {u"patient_id"_s, s_daniel},
                                                               {u"scope"_s, scope}});
        return reply.json()[u"access_token"_s].toString();
    }
};

Pair startPair()
{
    Pair pair;
    SandboxOptions upstreamOptions;
    upstreamOptions.openFhirWrites = true;
    pair.upstream = std::make_unique<RunningSandbox>(upstreamOptions);
    const ResourceStore &store = pair.upstream->sandbox().fhir().store();
    if (!store.clear() || !store.insertNew(fhirTestData(), pair.upstream->clock().nowMs()))
        qFatal("Could not load the test data");
    SandboxOptions options;
    options.upstream = pair.upstream->http().base() + u"/api/open-fhir"_s;
    pair.proxy = std::make_unique<RunningSandbox>(options);
    // The proxy's own store is empty: whatever it answers came from upstream.
    if (!pair.proxy->sandbox().fhir().store().clear())
        qFatal("Could not clear the proxy's store");
    pair.clientId = pair.proxy->http()
                        .postJson(u"/oauth/register"_s,
                                  QJsonObject{{u"client_name"_s, u"upstream-test"_s},
                                              {u"redirect_uris"_s, QJsonArray{u"https://app.example/cb"_s}},
                                              {u"scope"_s, u"launch/patient patient/*.cruds user/*.cruds"_s}})
                        .json()[u"client_id"_s]
                        .toString();
    return pair;
}

} // namespace

class tst_FhirUpstream final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void metadataGetsOurSecurityBlock();
    void openSearchAndPagingThroughTheSandbox();
    void enforcementOnUpstreamAnswers();
    void writesAreCheckedThenForwarded();
    void upstreamDownIs502();
    void waitingForUpstreamBlocksNothing();
};

void tst_FhirUpstream::metadataGetsOurSecurityBlock()
{
    Pair pair = startPair();
    QVERIFY2(pair.proxy->isRunning(), qPrintable(pair.proxy->error()));
    const Reply reply = pair.proxy->http().get(u"/api/fhir/metadata"_s);
    QCOMPARE(reply.status, 200);
    const QJsonObject security = reply.json()[u"rest"_s][0][u"security"_s].toObject();
    QCOMPARE(security[u"service"_s][0][u"coding"_s][0][u"code"_s].toString(), u"SMART-on-FHIR"_s);
    const QJsonArray uris = security[u"extension"_s][0][u"extension"_s].toArray();
    QCOMPARE(uris.first()[u"valueUri"_s].toString(), pair.proxy->http().base() + u"/oauth/authorize"_s);
    // The rest is the upstream server's statement: its implementation URL, rewritten to ours.
    QCOMPARE(reply.json()[u"implementation"_s][u"url"_s].toString(), pair.proxy->http().base() + u"/api/fhir"_s);
}

void tst_FhirUpstream::openSearchAndPagingThroughTheSandbox()
{
    Pair pair = startPair();
    QVERIFY2(pair.proxy->isRunning(), qPrintable(pair.proxy->error()));
    HttpClient &http = pair.proxy->http();
    QStringList seen;
    QString next = u"/api/open-fhir/Observation?_count=2&_sort=_id"_s;
    int pages = 0;
    while (!next.isEmpty() && pages < 5) {
        const Reply page = http.get(next);
        QCOMPARE(page.status, 200);
        ++pages;
        for (const QJsonValue &entry : page.json()[u"entry"_s].toArray()) {
            seen.append(entry[u"resource"_s][u"id"_s].toString());
            QVERIFY(entry[u"fullUrl"_s].toString().startsWith(http.base() + u"/api/open-fhir/Observation/"_s));
        }
        next.clear();
        for (const QJsonValue &link : page.json()[u"link"_s].toArray()) {
            const QString url = link[u"url"_s].toString();
            QVERIFY2(url.startsWith(http.base() + u"/api/open-fhir"_s), qPrintable(url));
            if (link[u"relation"_s].toString() == u"next")
                next = url.mid(http.base().size());
        }
    }
    QCOMPARE(pages, 3);
    QCOMPARE(seen, (QStringList{u"o1"_s, u"o2"_s, u"o3"_s, u"o4"_s, u"o5"_s}));
    const Reply read = http.get(u"/api/open-fhir/Patient/smart-1288992"_s);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.header("ETag"), "W/\"1\"");
    QCOMPARE(http.get(u"/api/open-fhir/Patient/nobody"_s).status, 404);
}

void tst_FhirUpstream::enforcementOnUpstreamAnswers()
{
    Pair pair = startPair();
    QVERIFY2(pair.proxy->isRunning(), qPrintable(pair.proxy->error()));
    HttpClient &http = pair.proxy->http();
    const QString token = pair.mint(u"patient/*.read"_s);
    QCOMPARE(http.get(u"/api/fhir/Observation"_s).status, 401);
    QCOMPARE(entryIds(http.get(u"/api/fhir/Observation"_s, bearer(token)).json()),
             (QStringList{u"Observation/o1"_s, u"Observation/o2"_s, u"Observation/o4"_s}));
    // Asking for another patient by parameter still finds nothing of theirs.
    QCOMPARE(entryIds(http.get(u"/api/fhir/Observation?patient=smart-1032702"_s, bearer(token)).json()), QStringList());
    QCOMPARE(http.get(u"/api/fhir/Observation/o3"_s, bearer(token)).status, 404);
    QCOMPARE(http.get(u"/api/fhir/Observation/o3/_history/1"_s, bearer(token)).status, 404);
    QCOMPARE(http.get(u"/api/fhir/Practitioner/pr1"_s, bearer(token)).status, 200);
    const QStringList everything
        = entryIds(http.get(u"/api/fhir/Patient/smart-1288992/$everything"_s, bearer(token)).json());
    QVERIFY(everything.contains(u"Observation/o1"_s));
    QVERIFY(!everything.contains(u"Observation/o3"_s));
    QVERIFY(!everything.contains(u"Patient/smart-1032702"_s));

    const QString labs = pair.mint(u"patient/Observation.rs?category=laboratory"_s);
    QCOMPARE(entryIds(http.get(u"/api/fhir/Observation"_s, bearer(labs)).json()), QStringList{u"Observation/o2"_s});
    const Reply refused = http.get(u"/api/fhir/Condition"_s, bearer(labs));
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.json()[u"resourceType"_s].toString(), u"OperationOutcome"_s);
}

void tst_FhirUpstream::writesAreCheckedThenForwarded()
{
    Pair pair = startPair();
    QVERIFY2(pair.proxy->isRunning(), qPrintable(pair.proxy->error()));
    HttpClient &http = pair.proxy->http();
    const QString writer = pair.mint(u"patient/Observation.cruds"_s);
    const QByteArray forDaniel = QJsonDocument(testObservation(u"n1"_s, s_daniel, u"laboratory"_s, u"2339-0"_s,
                                                               u"2025-01-01"_s, u"final"_s, u"laboratory"_s))
                                     .toJson();
    const QByteArray forAmy = QJsonDocument(testObservation(u"n2"_s, s_amy, u"laboratory"_s, u"2339-0"_s,
                                                            u"2025-01-01"_s, u"final"_s, u"laboratory"_s))
                                  .toJson();
    const Reply created = http.postJson(u"/api/fhir/Observation"_s, forDaniel, bearer(writer));
    QCOMPARE(created.status, 201);
    QVERIFY2(created.header("Location").startsWith((http.base() + u"/api/fhir/Observation/"_s).toUtf8()),
             created.header("Location").constData());
    QCOMPARE(pair.upstream->http().get(u"/api/open-fhir/Observation?code=2339-0"_s).json()[u"total"_s].toInt(), 1);
    QCOMPARE(http.postJson(u"/api/fhir/Observation"_s, forAmy, bearer(writer)).status, 403);
    QCOMPARE(pair.upstream->http().get(u"/api/open-fhir/Observation?code=2339-0"_s).json()[u"total"_s].toInt(), 1);
}

void tst_FhirUpstream::upstreamDownIs502()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    SandboxOptions options;
    options.upstream = u"http://127.0.0.1:%1/fhir"_s.arg(port);
    RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = running.http().get(u"/api/open-fhir/Patient/smart-1288992"_s);
    QCOMPARE(reply.status, 502);
    QCOMPARE(reply.json()[u"resourceType"_s].toString(), u"OperationOutcome"_s);
    QVERIFY(reply.json()[u"issue"_s][0][u"diagnostics"_s].toString().contains(options.upstream));
}

void tst_FhirUpstream::waitingForUpstreamBlocksNothing()
{
    // An upstream that accepts the connection and answers only when the test says so.
    QTcpServer slow;
    QVERIFY(slow.listen(QHostAddress::LocalHost, 0));
    QPointer<QTcpSocket> pending;
    connect(&slow, &QTcpServer::newConnection, &slow, [&] { pending = slow.nextPendingConnection(); });
    SandboxOptions options;
    options.upstream = u"http://127.0.0.1:%1/fhir"_s.arg(slow.serverPort());
    RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));

    QNetworkAccessManager network;
    QNetworkReply *waiting
        = network.get(QNetworkRequest(QUrl(running.http().base() + u"/api/open-fhir/Patient/smart-1288992"_s)));
    QSignalSpy finished(waiting, &QNetworkReply::finished);
    QTRY_VERIFY(pending); // the request has reached the upstream, which does not answer
    // Meanwhile the sandbox answers everything else.
    QCOMPARE(running.http().get(u"/.well-known/smart-configuration"_s).status, 200);
    QCOMPARE(running.http().get(u"/api/fhir/Patient"_s).status, 401); // refused before anything is sent
    QCOMPARE(finished.count(), 0);

    const QByteArray body = "{\"resourceType\":\"Patient\",\"id\":\"smart-1288992\"}";
    pending->write("HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: "
                   + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(waiting->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(QJsonDocument::fromJson(waiting->readAll()).object()[u"id"_s].toString(), s_daniel);
    delete waiting;
}

QTEST_GUILESS_MAIN(tst_FhirUpstream)
#include "tst_fhirupstream.moc"
