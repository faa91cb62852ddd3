// SPDX-License-Identifier: Apache-2.0
// The FHIR R4 endpoints over real HTTP: search (a table of queries and the ids they must find),
// paging, _include/_revinclude, read/vread/history with ETags, writes, the CapabilityStatement,
// and every enforcement rule of /api/fhir (scopes v1 and v2, patient compartment, security labels,
// no leaks through _include or $everything), with OperationOutcome errors beside the good rows.

#include "fhir/fhirservice.h"
#include "fhir/resourcestore.h"
#include "fhirtestdata.h"
#include "oauth/tokenservice.h"
#include "storage/peoplestore.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

std::unique_ptr<RunningSandbox> startWithTestData(SandboxOptions options = {})
{
    auto running = std::make_unique<RunningSandbox>(options);
    if (!running->isRunning())
        return running;
    const ResourceStore &store = running->sandbox().fhir().store();
    if (!store.clear() || !store.insertNew(fhirTestData(), running->clock().nowMs()))
        qFatal("Could not load the test data");
    return running;
}

QStringList entryIds(const QJsonObject &bundle, const QString &mode = u"match"_s)
{
    QStringList ids;
    for (const QJsonValue &entry : bundle[u"entry"_s].toArray()) {
        if (entry[u"search"_s][u"mode"_s].toString() == mode)
            ids.append(entry[u"resource"_s][u"id"_s].toString());
    }
    ids.sort();
    return ids;
}

QString issueCode(const Reply &reply)
{
    const QJsonObject json = reply.json();
    if (json[u"resourceType"_s].toString() != u"OperationOutcome")
        return u"(not an OperationOutcome)"_s;
    return json[u"issue"_s][0][u"code"_s].toString();
}

// Registers a client that may ask for anything, with the given security labels (all when empty).
QString registerClient(HttpClient &http, const QStringList &securityLabels = {})
{
    QJsonObject body{{u"client_name"_s, u"fhir-test"_s},
                     {u"redirect_uris"_s, QJsonArray{u"https://app.example/callback"_s}},
                     {u"scope"_s,
                      u"launch/patient openid fhirUser patient/*.cruds user/*.cruds system/*.cruds "
                      "patient/*.* user/*.*"_s}};
    if (!securityLabels.isEmpty())
        body.insert(u"security_labels"_s, QJsonArray::fromStringList(securityLabels));
    return http.postJson(u"/oauth/register"_s, body).json()[u"client_id"_s].toString();
}

QString mint(HttpClient &http, const QString &clientId, const QString &scope, const QString &patientId = s_daniel,
             const QString &user = u"daniel-adams"_s)
{
    const Reply reply = http.postJson(
        u"/oauth/debug/token"_s,
        QJsonObject{
            {u"client_id"_s, clientId}, {u"username"_s, user}, {u"patient_id"_s, patientId}, {u"scope"_s, scope}});
    if (reply.status != 200)
        qWarning() << "mint failed:" << reply.body;
    return reply.json()[u"access_token"_s].toString();
}

QList<QPair<QByteArray, QByteArray>> bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toLatin1()}};
}

} // namespace

class tst_FhirApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void search_data();
    void search();
    void searchOnPostgres();
    void badSearches_data();
    void badSearches();
    void lenientAndStrictHandling();
    void pagingLinksWork();
    void includeAndRevInclude();
    void readVreadHistoryAndEtags();
    void writesOnOpenEndpoint();
    void capabilityStatementListsWhatWorks();
    void capabilityStatementFollowsHostAndClock();
    void everythingForPatient();
    void badInput_data();
    void badInput();
    void tokenErrors_data();
    void tokenErrors();
    void enforcement_data();
    void enforcement();
    void noLeaksThroughIncludeOrEverything();
    void securityLabelsNarrow();
    void writesNeedWriteScopes();
};

namespace {

struct SearchRow
{
    const char *name;
    QString query;
    QStringList ids;
};

// Collects "<< query << ids" the way QTest::newRow does.
struct RowBuilder
{
    SearchRow *row;
    RowBuilder &operator<<(const QString &query)
    {
        row->query = query;
        return *this;
    }
    RowBuilder &operator<<(const QStringList &ids)
    {
        row->ids = ids;
        return *this;
    }
};

// The search table: a query and the ids it must find, on SQLite and on PostgreSQL alike.
QList<SearchRow> searchRows()
{
    QList<SearchRow> rows;
    auto row = [&rows](const char *name) {
        rows.append({name, {}, {}});
        return RowBuilder{&rows.last()};
    };
    const QStringList none;
    row("all observations") << u"Observation"_s << QStringList{u"o1"_s, u"o2"_s, u"o3"_s, u"o4"_s, u"o5"_s};
    row("patient id") << u"Observation?patient=smart-1288992"_s << QStringList{u"o1"_s, u"o2"_s, u"o4"_s};
    row("subject reference") << u"Observation?subject=Patient/smart-1032702"_s << QStringList{u"o3"_s};
    row("subject absolute URL") << u"Observation?subject=http://elsewhere/fhir/Patient/smart-1032702"_s
                                << QStringList{u"o3"_s};
    row("code system|code") << u"Observation?code=http://loinc.org|4548-4"_s << QStringList{u"o2"_s, u"o3"_s};
    row("code wrong system") << u"Observation?code=http://snomed.info/sct|4548-4"_s << none;
    row("code without system, comma OR") << u"Observation?code=4548-4,72166-2"_s
                                         << QStringList{u"o2"_s, u"o3"_s, u"o4"_s};
    row("category AND patient") << u"Observation?category=laboratory&patient=smart-1288992"_s << QStringList{u"o2"_s};
    row("status") << u"Observation?status=amended"_s << QStringList{u"o3"_s};
    row("status:not") << u"Observation?status:not=final"_s << QStringList{u"o3"_s};
    row("date year") << u"Observation?date=2020"_s << QStringList{u"o1"_s};
    row("date ge") << u"Observation?date=ge2021-06-15"_s << QStringList{u"o2"_s, u"o3"_s};
    row("date gt day") << u"Observation?date=gt2021-06-15"_s << QStringList{u"o3"_s};
    row("date lt") << u"Observation?date=lt2020-01-01"_s << QStringList{u"o4"_s, u"o5"_s};
    row("date le") << u"Observation?date=le2020-01-01"_s << QStringList{u"o1"_s, u"o4"_s, u"o5"_s};
    row("date eq with zone") << u"Observation?date=eq2022-03-01T06:00:00Z"_s << QStringList{u"o3"_s};
    row("date range AND") << u"Observation?date=ge2019-01-01&date=le2020-12-31"_s << QStringList{u"o1"_s, u"o4"_s};
    row("date month") << u"Observation?date=2019-05"_s << QStringList{u"o4"_s};
    row("_id list") << u"Observation?_id=o1,o3,nope"_s << QStringList{u"o1"_s, u"o3"_s};
    row("_lastUpdated") << u"Patient?_lastUpdated=ge2026-01-15"_s << QStringList{s_amy, s_joseph, s_daniel};
    row("_lastUpdated before") << u"Patient?_lastUpdated=lt2026-01-01"_s << none;
    row("_security") << u"Observation?_security=http://smarthealthit.org/security/categories|laboratory"_s
                     << QStringList{u"o2"_s, u"o3"_s};
    row("name prefix, any case") << u"Patient?name=ADA"_s << QStringList{s_daniel};
    row("given name") << u"Patient?given=amy"_s << QStringList{s_amy};
    row("name:contains") << u"Patient?name:contains=os"_s << QStringList{s_joseph};
    row("name:exact") << u"Patient?family:exact=ross"_s << QStringList{s_joseph};
    row("gender") << u"Patient?gender=male"_s << QStringList{s_joseph, s_daniel};
    row("birthdate lt") << u"Patient?birthdate=lt1930"_s << QStringList{s_daniel};
    row("beneficiary") << u"Coverage?beneficiary=smart-1288992"_s << QStringList{u"cov1"_s};
    row("coverage patient") << u"Coverage?patient=Patient/smart-1288992"_s << QStringList{u"cov1"_s};
    row("medication reference") << u"MedicationRequest?medication=med1"_s << QStringList{u"mr1"_s};
    row("condition onset") << u"Condition?onset-date=le2010-12-31"_s << QStringList{u"c1"_s};
    row("encounter period contains") << u"Encounter?date=2020-01-01"_s << QStringList{u"e1"_s};
    row(":missing=true") << u"Observation?encounter:missing=true"_s
                         << QStringList{u"o1"_s, u"o2"_s, u"o3"_s, u"o4"_s, u"o5"_s};
    row(":missing=false") << u"Observation?encounter:missing=false"_s << none;
    row("unknown id") << u"Observation?_id=zzz"_s << none;
    return rows;
}

} // namespace

void tst_FhirApi::search_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("ids");
    for (const SearchRow &row : searchRows())
        QTest::newRow(row.name) << row.query << row.ids;
}

void tst_FhirApi::search()
{
    QFETCH(QString, query);
    QFETCH(QStringList, ids);
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    const Reply reply = running->http().get(u"/api/open-fhir/"_s + query);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), "application/fhir+json; charset=utf-8");
    const QJsonObject bundle = reply.json();
    QCOMPARE(bundle[u"resourceType"_s].toString(), u"Bundle"_s);
    QCOMPARE(bundle[u"type"_s].toString(), u"searchset"_s);
    QStringList expected = ids;
    expected.sort();
    QCOMPARE(entryIds(bundle), expected);
    QCOMPARE(bundle[u"total"_s].toInt(), ids.size());
    for (const QJsonValue &entry : bundle[u"entry"_s].toArray()) {
        const QString fullUrl = entry[u"fullUrl"_s].toString();
        QVERIFY2(fullUrl.startsWith(running->http().base() + u"/api/open-fhir/"_s), qPrintable(fullUrl));
    }
}

void tst_FhirApi::searchOnPostgres()
{
    TestDatabase database(TestDatabase::Engine::Postgres);
    if (!database.isAvailable())
        QSKIP(qPrintable(database.error()));
    SandboxOptions options;
    options.database = database.location();
    auto running = startWithTestData(options);
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    for (const SearchRow &row : searchRows()) {
        const Reply reply = running->http().get(u"/api/open-fhir/"_s + row.query);
        QVERIFY2(reply.status == 200, row.name);
        QStringList expected = row.ids;
        expected.sort();
        QVERIFY2(entryIds(reply.json()) == expected,
                 qPrintable(u"%1: %2"_s.arg(QString::fromLatin1(row.name), entryIds(reply.json()).join(u','))));
        QCOMPARE(reply.json()[u"total"_s].toInt(), row.ids.size());
    }
    // Sorting, paging and enforcement run the same SQL shapes as above.
    const Reply sorted = running->http().get(u"/api/open-fhir/Observation?_sort=-date&_count=2"_s);
    QCOMPARE(sorted.json()[u"entry"_s][0][u"resource"_s][u"id"_s].toString(), u"o3"_s);
    QCOMPARE(sorted.json()[u"entry"_s][1][u"resource"_s][u"id"_s].toString(), u"o2"_s);
    const QString token
        = mint(running->http(), registerClient(running->http(), {u"patient"_s, u"laboratory"_s}), u"patient/*.read"_s);
    QCOMPARE(entryIds(running->http().get(u"/api/fhir/Observation"_s, bearer(token)).json()), QStringList{u"o2"_s});
    QCOMPARE(running->http().get(u"/api/fhir/Observation/o3"_s, bearer(token)).status, 404);
}

void tst_FhirApi::badSearches_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("issue");
    QTest::newRow("not a date") << u"Observation?date=yesterday"_s << 400 << u"invalid"_s;
    QTest::newRow("bad date prefix") << u"Observation?date=xx2020"_s << 400 << u"invalid"_s;
    QTest::newRow("impossible date") << u"Observation?date=2020-02-30"_s << 400 << u"invalid"_s;
    QTest::newRow("_count not a number") << u"Observation?_count=lots"_s << 400 << u"invalid"_s;
    QTest::newRow("_count too big") << u"Observation?_count=100000"_s << 400 << u"invalid"_s;
    QTest::newRow("_sort unknown") << u"Observation?_sort=bogus"_s << 400 << u"invalid"_s;
    QTest::newRow("_summary text") << u"Observation?_summary=text"_s << 400 << u"invalid"_s;
    QTest::newRow("token with two bars") << u"Observation?code=a|b|c"_s << 400 << u"invalid"_s;
    QTest::newRow("empty value") << u"Observation?status="_s << 400 << u"invalid"_s;
    QTest::newRow("bad modifier") << u"Observation?status:contains=fin"_s << 400 << u"invalid"_s;
    QTest::newRow("include other type") << u"Observation?_include=Patient:organization"_s << 400 << u"invalid"_s;
    QTest::newRow("include unknown parameter") << u"Observation?_include=Observation:nope"_s << 400 << u"invalid"_s;
    QTest::newRow("unknown type") << u"Spaceship"_s << 404 << u"not-found"_s;
    QTest::newRow("unknown id") << u"Observation/nope"_s << 404 << u"not-found"_s;
    QTest::newRow("invalid id") << u"Observation/a$b"_s << 404 << u"not-found"_s;
    QTest::newRow("unknown version") << u"Observation/o1/_history/7"_s << 404 << u"not-found"_s;
    QTest::newRow("unknown interaction") << u"Observation/o1/_nothing"_s << 404 << u"not-found"_s;
    QTest::newRow("xml format") << u"Observation?_format=xml"_s << 406 << u"not-supported"_s;
}

void tst_FhirApi::badSearches()
{
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(QString, issue);
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    for (const QString &base : {u"/api/open-fhir/"_s, u"/api/fhir/"_s}) {
        const QString token = mint(running->http(), u"api-test"_s, u"patient/*.read"_s);
        const Reply reply = running->http().get(base + query, bearer(token));
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.header("Content-Type"), "application/fhir+json; charset=utf-8");
        QCOMPARE(issueCode(reply), issue);
        QVERIFY(!reply.json()[u"issue"_s][0][u"diagnostics"_s].toString().isEmpty());
    }
}

void tst_FhirApi::lenientAndStrictHandling()
{
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    const Reply lenient = running->http().get(u"/api/open-fhir/Observation?status=amended&colour=blue"_s);
    QCOMPARE(lenient.status, 200);
    QCOMPARE(entryIds(lenient.json()), QStringList{u"o3"_s});
    const QStringList outcome = entryIds(lenient.json(), u"outcome"_s);
    QCOMPARE(outcome.size(), 1);
    QVERIFY(!lenient.json()[u"link"_s][0][u"url"_s].toString().contains(u"colour"_s));

    const Reply strict = running->http().get(u"/api/open-fhir/Observation?status=amended&colour=blue"_s,
                                             {{"Prefer", "handling=strict"}});
    QCOMPARE(strict.status, 400);
    QCOMPARE(issueCode(strict), u"invalid"_s);
    QVERIFY(strict.json()[u"issue"_s][0][u"diagnostics"_s].toString().contains(u"colour"_s));
}

void tst_FhirApi::pagingLinksWork()
{
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    HttpClient &http = running->http();
    const QString token = mint(http, registerClient(http), u"user/*.read"_s);
    // Daniel acts for himself and Amy: o1, o2, o3, o4 in id order, two a page.
    QStringList seen;
    QString next = u"/api/fhir/Observation?_count=2&_sort=_id"_s;
    int pages = 0;
    while (!next.isEmpty()) {
        const Reply page = http.get(next, bearer(token));
        QCOMPARE(page.status, 200);
        QCOMPARE(page.json()[u"total"_s].toInt(), 4);
        for (const QJsonValue &entry : page.json()[u"entry"_s].toArray())
            seen.append(entry[u"resource"_s][u"id"_s].toString());
        next.clear();
        for (const QJsonValue &link : page.json()[u"link"_s].toArray()) {
            const QString url = link[u"url"_s].toString();
            QVERIFY2(url.startsWith(http.base() + u"/api/fhir/Observation?"_s), qPrintable(url));
            if (link[u"relation"_s].toString() == u"next")
                next = url.mid(http.base().size());
            if (link[u"relation"_s].toString() == u"previous")
                QVERIFY(pages > 0);
        }
        QVERIFY(++pages <= 3);
    }
    QCOMPARE(pages, 2);
    QCOMPARE(seen, (QStringList{u"o1"_s, u"o2"_s, u"o3"_s, u"o4"_s}));

    const Reply counted = http.get(u"/api/open-fhir/Observation?_summary=count"_s);
    QCOMPARE(counted.status, 200);
    QCOMPARE(counted.json()[u"total"_s].toInt(), 5);
    QVERIFY(!counted.json().contains(u"entry"_s));

    const Reply sorted = http.get(u"/api/open-fhir/Observation?_sort=-date"_s);
    QStringList order;
    for (const QJsonValue &entry : sorted.json()[u"entry"_s].toArray())
        order.append(entry[u"resource"_s][u"id"_s].toString());
    QCOMPARE(order, (QStringList{u"o3"_s, u"o2"_s, u"o1"_s, u"o4"_s, u"o5"_s}));
}

void tst_FhirApi::includeAndRevInclude()
{
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    HttpClient &http = running->http();
    const Reply included = http.get(
        u"/api/open-fhir/MedicationRequest?_include=MedicationRequest:medication&_include=MedicationRequest:requester"_s);
    QCOMPARE(included.status, 200);
    QCOMPARE(entryIds(included.json()), QStringList{u"mr1"_s});
    QCOMPARE(entryIds(included.json(), u"include"_s), (QStringList{u"med1"_s, u"pr1"_s}));
    QCOMPARE(included.json()[u"total"_s].toInt(), 1); // total counts matches only

    const Reply reverse = http.get(u"/api/open-fhir/Patient?_id=smart-1288992&_revinclude=Observation:patient"_s);
    QCOMPARE(reverse.status, 200);
    QCOMPARE(entryIds(reverse.json()), QStringList{s_daniel});
    QCOMPARE(entryIds(reverse.json(), u"include"_s), (QStringList{u"o1"_s, u"o2"_s, u"o4"_s}));
}

void tst_FhirApi::readVreadHistoryAndEtags()
{
    SandboxOptions options;
    options.openFhirWrites = true;
    auto running = startWithTestData(options);
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    HttpClient &http = running->http();
    const Reply read = http.get(u"/api/open-fhir/Patient/smart-1288992"_s);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.header("ETag"), "W/\"1\"");
    QCOMPARE(read.header("Last-Modified"), "Thu, 15 Jan 2026 10:00:00 GMT");
    QCOMPARE(read.json()[u"meta"_s][u"versionId"_s].toString(), u"1"_s);
    QCOMPARE(read.json()[u"meta"_s][u"lastUpdated"_s].toString(), u"2026-01-15T10:00:00.000Z"_s);

    QCOMPARE(http.get(u"/api/open-fhir/Patient/smart-1288992"_s, {{"If-None-Match", "W/\"1\""}}).status, 304);
    QCOMPARE(
        http.get(u"/api/open-fhir/Patient/smart-1288992"_s, {{"If-Modified-Since", "Thu, 15 Jan 2026 10:00:00 GMT"}})
            .status,
        304);
    QCOMPARE(http.get(u"/api/open-fhir/Patient/smart-1288992"_s, {{"If-None-Match", "W/\"9\""}}).status, 200);

    running->clock().advanceSeconds(60);
    QJsonObject changed = read.json();
    changed.insert(u"gender"_s, u"unknown"_s);
    const QByteArray body = QJsonDocument(changed).toJson();
    // A stale If-Match loses; the current one wins.
    const Reply stale = http.send("PUT", u"/api/open-fhir/Patient/smart-1288992"_s, body,
                                  {{"Content-Type", "application/fhir+json"}, {"If-Match", "W/\"7\""}});
    QCOMPARE(stale.status, 412);
    const Reply updated = http.send("PUT", u"/api/open-fhir/Patient/smart-1288992"_s, body,
                                    {{"Content-Type", "application/fhir+json"}, {"If-Match", "W/\"1\""}});
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.header("ETag"), "W/\"2\"");
    QCOMPARE(http.get(u"/api/open-fhir/Patient/smart-1288992"_s).json()[u"gender"_s].toString(), u"unknown"_s);
    QCOMPARE(http.get(u"/api/open-fhir/Patient?gender=unknown"_s).json()[u"total"_s].toInt(), 1);
    QCOMPARE(http.get(u"/api/open-fhir/Patient/smart-1288992/_history/1"_s).json()[u"gender"_s].toString(), u"male"_s);
    const Reply history = http.get(u"/api/open-fhir/Patient/smart-1288992/_history"_s);
    QCOMPARE(history.status, 200);
    QCOMPARE(history.json()[u"type"_s].toString(), u"history"_s);
    QCOMPARE(history.json()[u"total"_s].toInt(), 2);
    QCOMPARE(history.json()[u"entry"_s][0][u"resource"_s][u"meta"_s][u"versionId"_s].toString(), u"2"_s);

    const Reply removed = http.send("DELETE", u"/api/open-fhir/Observation/o1"_s);
    QCOMPARE(removed.status, 204);
    QCOMPARE(http.get(u"/api/open-fhir/Observation/o1"_s).status, 410);
    QCOMPARE(http.get(u"/api/open-fhir/Observation?_id=o1"_s).json()[u"total"_s].toInt(), 0);
    QCOMPARE(http.get(u"/api/open-fhir/Observation/o1/_history/1"_s).status, 200); // older versions stay
    QCOMPARE(http.get(u"/api/open-fhir/Observation/o1/_history/2"_s).status, 410);
    QCOMPARE(http.send("DELETE", u"/api/open-fhir/Observation/never"_s).status, 404);
}

void tst_FhirApi::writesOnOpenEndpoint()
{
    auto readOnly = startWithTestData();
    QVERIFY2(readOnly->isRunning(), qPrintable(readOnly->error()));
    const QByteArray observationBody = QJsonDocument(testObservation(u"x"_s, s_daniel, u"laboratory"_s, u"2339-0"_s,
                                                                     u"2025-01-01"_s, u"final"_s, u"laboratory"_s))
                                           .toJson();
    const Reply refused = readOnly->http().postJson(u"/api/open-fhir/Observation"_s, observationBody);
    QCOMPARE(refused.status, 403);
    QCOMPARE(issueCode(refused), u"forbidden"_s);
    QVERIFY(refused.json()[u"issue"_s][0][u"diagnostics"_s].toString().contains(u"--open-fhir-writes"_s));

    SandboxOptions options;
    options.openFhirWrites = true;
    auto writable = startWithTestData(options);
    const Reply created = writable->http().postJson(u"/api/open-fhir/Observation"_s, observationBody);
    QCOMPARE(created.status, 201);
    const QString id = created.json()[u"id"_s].toString();
    QVERIFY(id != u"x"_s);
    QCOMPARE(created.header("Location"),
             QString(writable->http().base() + u"/api/open-fhir/Observation/"_s + id + u"/_history/1"_s).toUtf8());
    QCOMPARE(writable->http().get(u"/api/open-fhir/Observation?code=2339-0"_s).json()[u"total"_s].toInt(), 1);

    // A Patient written through FHIR joins the portal's patient list, so tokens can name it.
    const QByteArray patientBody
        = QJsonDocument(testPatient(u"new-patient"_s, u"Newman"_s, u"Nora"_s, u"female"_s, u"2001-01-01"_s)).toJson();
    QCOMPARE(writable->http()
                 .send("PUT", u"/api/open-fhir/Patient/new-patient"_s, patientBody,
                       {{"Content-Type", "application/fhir+json"}})
                 .status,
             201);
    const auto found = writable->sandbox().people().findPatient(u"new-patient"_s);
    QVERIFY(found && found.value());
    QCOMPARE(found.value()->displayName, u"Nora Newman"_s);
}

void tst_FhirApi::capabilityStatementListsWhatWorks()
{
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    HttpClient &http = running->http();
    for (const QString &base : {u"/api/fhir"_s, u"/api/open-fhir"_s}) {
        const Reply reply = http.get(base + u"/metadata"_s); // no token needed
        QCOMPARE(reply.status, 200);
        const QJsonObject statement = reply.json();
        QCOMPARE(statement[u"resourceType"_s].toString(), u"CapabilityStatement"_s);
        QCOMPARE(statement[u"fhirVersion"_s].toString(), u"4.0.1"_s);
        const QJsonObject security = statement[u"rest"_s][0][u"security"_s].toObject();
        QCOMPARE(security[u"service"_s][0][u"coding"_s][0][u"code"_s].toString(), u"SMART-on-FHIR"_s);
        const QJsonObject oauth = security[u"extension"_s][0].toObject();
        QCOMPARE(oauth[u"url"_s].toString(),
                 u"http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"_s);
        QStringList names;
        for (const QJsonValue &uri : oauth[u"extension"_s].toArray()) {
            names.append(uri[u"url"_s].toString());
            QVERIFY(uri[u"valueUri"_s].toString().startsWith(http.base()));
        }
        QCOMPARE(names,
                 (QStringList{u"authorize"_s, u"token"_s, u"register"_s, u"manage"_s, u"introspect"_s, u"revoke"_s}));
        // Every listed search parameter works: a search on it answers 200, not 400.
        const QJsonArray resources = statement[u"rest"_s][0][u"resource"_s].toArray();
        QVERIFY(resources.size() >= 15);
        for (const QJsonValue &resource : resources) {
            const QString type = resource[u"type"_s].toString();
            for (const QJsonValue &param : resource[u"searchParam"_s].toArray()) {
                const QString name = param[u"name"_s].toString();
                const QString value = name == u"_id" ? u"x"_s : name == u"_lastUpdated" ? u"ge2020"_s : u"true"_s;
                const QString query
                    = name.startsWith(u'_') ? QString(name + u'=' + value) : QString(name + u":missing=true"_s);
                const Reply search
                    = http.get(u"/api/open-fhir/"_s + type + u'?' + query, {{"Prefer", "handling=strict"}});
                QVERIFY2(search.status == 200,
                         qPrintable(type + u'?' + query + u" -> "_s + QString::number(search.status)));
            }
        }
    }
}

void tst_FhirApi::capabilityStatementFollowsHostAndClock()
{
    // The statement is made once per set of options and reused: its date must still follow the
    // sandbox's clock, and its URLs the Host the client used.
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    HttpClient &http = running->http();
    const auto authorizeUri = [](const QJsonObject &statement) {
        for (const QJsonValue &uri :
             statement[u"rest"_s][0][u"security"_s][u"extension"_s][0][u"extension"_s].toArray())
            if (uri[u"url"_s].toString() == u"authorize")
                return uri[u"valueUri"_s].toString();
        return QString();
    };
    const QJsonObject first = http.get(u"/api/fhir/metadata"_s).json();
    QCOMPARE(first[u"date"_s].toString(), ResourceStore::instant(running->clock().nowMs()));
    running->clock().advanceSeconds(90);
    const QJsonObject later = http.get(u"/api/fhir/metadata"_s).json();
    QCOMPARE(later[u"date"_s].toString(), ResourceStore::instant(running->clock().nowMs()));
    QVERIFY(later[u"date"_s] != first[u"date"_s]);
    QCOMPARE(later[u"rest"_s], first[u"rest"_s]);

    const Reply other = http.get(u"/api/fhir/metadata"_s, {{"Host", "sandbox.example:8443"}});
    QCOMPARE(other.status, 200);
    QCOMPARE(authorizeUri(other.json()), u"http://sandbox.example:8443/oauth/authorize"_s);
    QCOMPARE(authorizeUri(http.get(u"/api/fhir/metadata"_s).json()), http.base() + u"/oauth/authorize"_s);
    // The open endpoint's statement is its own, not the secured one's from the cache.
    const QJsonObject open = http.get(u"/api/open-fhir/metadata"_s).json();
    QVERIFY(open[u"implementation"_s][u"description"_s].toString().contains(u"open"_s));
    QCOMPARE(open[u"implementation"_s][u"url"_s].toString(), http.base() + u"/api/open-fhir"_s);
}

void tst_FhirApi::everythingForPatient()
{
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    const Reply reply = running->http().get(u"/api/open-fhir/Patient/smart-1288992/$everything"_s);
    QCOMPARE(reply.status, 200);
    QStringList references;
    for (const QJsonValue &entry : reply.json()[u"entry"_s].toArray())
        references.append(entry[u"resource"_s][u"resourceType"_s].toString() + u'/'
                          + entry[u"resource"_s][u"id"_s].toString());
    references.sort();
    QCOMPARE(references,
             (QStringList{u"Condition/c1"_s, u"Coverage/cov1"_s, u"Encounter/e1"_s, u"Medication/med1"_s,
                          u"MedicationRequest/mr1"_s, u"Observation/o1"_s, u"Observation/o2"_s, u"Observation/o4"_s,
                          u"Organization/org1"_s, u"Patient/smart-1288992"_s, u"Practitioner/pr1"_s}));
    QCOMPARE(running->http().get(u"/api/open-fhir/Patient/nobody/$everything"_s).status, 404);
}

void tst_FhirApi::badInput_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("issue");
    QTest::newRow("malformed JSON") << QByteArray("POST") << u"Observation"_s << QByteArray("{\"resourceType\":") << 400
                                    << u"invalid"_s;
    QTest::newRow("array body") << QByteArray("POST") << u"Observation"_s << QByteArray("[]") << 400 << u"invalid"_s;
    QTest::newRow("wrong type") << QByteArray("POST") << u"Observation"_s
                                << QByteArray("{\"resourceType\":\"Patient\"}") << 400 << u"invalid"_s;
    QTest::newRow("resourceType not a string")
        << QByteArray("POST") << u"Observation"_s << QByteArray("{\"resourceType\":7}") << 400 << u"invalid"_s;
    QTest::newRow("id mismatch") << QByteArray("PUT") << u"Observation/o1"_s
                                 << QByteArray("{\"resourceType\":\"Observation\",\"id\":\"o2\"}") << 400
                                 << u"invalid"_s;
    QTest::newRow("id not a string") << QByteArray("PUT") << u"Observation/o1"_s
                                     << QByteArray("{\"resourceType\":\"Observation\",\"id\":5}") << 400
                                     << u"invalid"_s;
    QTest::newRow("meta not an object") << QByteArray("PUT") << u"Observation/o1"_s
                                        << QByteArray("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"meta\":1}")
                                        << 400 << u"invalid"_s;
    QTest::newRow("unsupported type") << QByteArray("POST") << u"Spaceship"_s
                                      << QByteArray("{\"resourceType\":\"Spaceship\"}") << 404 << u"not-found"_s;
    QTest::newRow("PATCH") << QByteArray("PATCH") << u"Observation/o1"_s << QByteArray("{}") << 405
                           << u"not-supported"_s;
    QTest::newRow("POST on an id") << QByteArray("POST") << u"Observation/o1"_s << QByteArray("{}") << 405
                                   << u"not-supported"_s;
    QTest::newRow("too large") << QByteArray("POST") << u"Observation"_s << QByteArray(2 * 1024 * 1024, ' ') << 413
                               << u"too-costly"_s;
}

void tst_FhirApi::badInput()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, issue);
    SandboxOptions options;
    options.openFhirWrites = true;
    auto running = startWithTestData(options);
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    const Reply reply
        = running->http().send(method, u"/api/open-fhir/"_s + path, body, {{"Content-Type", "application/fhir+json"}});
    QCOMPARE(reply.status, status);
    QCOMPARE(issueCode(reply), issue);
    // Nothing was lost: the record set is whole.
    QCOMPARE(running->http().get(u"/api/open-fhir/Observation?_summary=count"_s).json()[u"total"_s].toInt(), 5);
}

void tst_FhirApi::tokenErrors_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("why");
    QTest::newRow("none") << QString() << u"No access token"_s;
    QTest::newRow("forged") << u"not-a-token-we-issued"_s << u"not one this sandbox issued"_s;
    QTest::newRow("expired") << u"expired"_s << u"expired"_s;
    QTest::newRow("revoked") << u"revoked"_s << u"revoked"_s;
    QTest::newRow("refresh token as access token") << u"refresh"_s << u"not one this sandbox issued"_s;
}

void tst_FhirApi::tokenErrors()
{
    QFETCH(QString, token);
    QFETCH(QString, why);
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    HttpClient &http = running->http();
    if (token == u"expired" || token == u"revoked" || token == u"refresh") {
        const Reply minted = http.postJson(u"/oauth/debug/token"_s,
                                           QJsonObject{{u"client_id"_s, u"api-test"_s},
                                                       {u"username"_s, u"daniel-adams"_s},
                                                       {u"patient_id"_s, s_daniel}});
        const QString access = minted.json()[u"access_token"_s].toString();
        if (token == u"expired") {
            running->clock().advanceSeconds(3601);
        } else if (token == u"revoked") {
            const Result<FoundToken> found = running->sandbox().tokens().find(access);
            QVERIFY(found);
            QVERIFY(running->sandbox().tokens().revoke(found.value().view.token.id));
        }
        token = token == u"refresh" ? minted.json()[u"refresh_token"_s].toString() : access;
    }
    const Reply reply = http.get(
        u"/api/fhir/Observation"_s,
        token.isEmpty() ? QList<QPair<QByteArray, QByteArray>>{{"Origin", "https://app.example"}}
                        : QList<QPair<QByteArray, QByteArray>>{{"Authorization", "Bearer " + token.toLatin1()},
                                                               {"Origin", "https://app.example"}});
    QCOMPARE(reply.status, 401);
    QVERIFY2(reply.header("WWW-Authenticate").startsWith("Bearer "), reply.header("WWW-Authenticate"));
    QVERIFY(reply.header("WWW-Authenticate").contains("error=\"invalid_token\""));
    QCOMPARE(reply.header("Access-Control-Allow-Origin"), "https://app.example");
    QCOMPARE(issueCode(reply), u"login"_s);
    QVERIFY2(reply.json()[u"issue"_s][0][u"diagnostics"_s].toString().contains(why), reply.body.constData());
}

void tst_FhirApi::enforcement_data()
{
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QString>("patient");
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<QStringList>("ids"); // for searches
    const QStringList none;
    const QString daniel = s_daniel;
    QTest::newRow("v1 patient/*.read sees its patient")
        << u"patient/*.read"_s << daniel << u"Observation"_s << 200 << QStringList{u"o1"_s, u"o2"_s, u"o4"_s};
    QTest::newRow("v1 read of another patient's record")
        << u"patient/*.read"_s << daniel << u"Observation/o3"_s << 404 << none;
    QTest::newRow("v1 read of another patient")
        << u"patient/*.read"_s << daniel << u"Patient/smart-1032702"_s << 404 << none;
    QTest::newRow("v1 read of own patient")
        << u"patient/*.read"_s << daniel << u"Patient/smart-1288992"_s << 200 << none;
    QTest::newRow("shared resource readable") << u"patient/*.read"_s << daniel << u"Practitioner/pr1"_s << 200 << none;
    QTest::newRow("v1 search other patient by parameter")
        << u"patient/*.read"_s << daniel << u"Observation?patient=smart-1032702"_s << 200 << none;
    QTest::newRow("v1 Patient search") << u"patient/*.read"_s << daniel << u"Patient"_s << 200 << QStringList{s_daniel};
    QTest::newRow("v1 type scope") << u"patient/Observation.read"_s << daniel << u"Observation"_s << 200
                                   << QStringList{u"o1"_s, u"o2"_s, u"o4"_s};
    QTest::newRow("v1 type scope, other type")
        << u"patient/Observation.read"_s << daniel << u"Condition"_s << 403 << none;
    QTest::newRow("v2 granular category")
        << u"patient/Observation.rs?category=laboratory"_s << daniel << u"Observation"_s << 200 << QStringList{u"o2"_s};
    QTest::newRow("v2 granular read outside the filter")
        << u"patient/Observation.rs?category=laboratory"_s << daniel << u"Observation/o1"_s << 404 << none;
    QTest::newRow("v2 two granular scopes OR") << u"patient/Observation.rs?category=laboratory "
                                                  "patient/Observation.rs?category=social-history"_s
                                               << daniel << u"Observation"_s << 200 << QStringList{u"o2"_s, u"o4"_s};
    QTest::newRow("v2 granular with system") << u"patient/Observation.rs?code=http://loinc.org|8867-4"_s << daniel
                                             << u"Observation"_s << 200 << QStringList{u"o1"_s};
    QTest::newRow("v2 read without search") << u"patient/Observation.r"_s << daniel << u"Observation"_s << 403 << none;
    QTest::newRow("v2 read without search, read works")
        << u"patient/Observation.r"_s << daniel << u"Observation/o1"_s << 200 << none;
    QTest::newRow("v2 search without read")
        << u"patient/Observation.s"_s << daniel << u"Observation/o1"_s << 403 << none;
    QTest::newRow("user scope: the user's patients")
        << u"user/*.read"_s << daniel << u"Observation"_s << 200 << QStringList{u"o1"_s, u"o2"_s, u"o3"_s, u"o4"_s};
    QTest::newRow("user scope: not other patients") << u"user/*.read"_s << daniel << u"Observation/o5"_s << 404 << none;
    QTest::newRow("no resource scope") << u"openid fhirUser"_s << daniel << u"Observation"_s << 403 << none;
    QTest::newRow("user scope, type and search only") << u"user/Observation.rs"_s << daniel << u"Observation"_s << 200
                                                      << QStringList{u"o1"_s, u"o2"_s, u"o3"_s, u"o4"_s};
    QTest::newRow("everything of own patient")
        << u"patient/*.read"_s << daniel << u"Patient/smart-1288992/$everything"_s << 200 << none;
    QTest::newRow("everything of another patient")
        << u"patient/*.read"_s << daniel << u"Patient/smart-1032702/$everything"_s << 404 << none;
    QTest::newRow("history of another patient's record")
        << u"patient/*.read"_s << daniel << u"Observation/o3/_history"_s << 404 << none;
    QTest::newRow("vread of another patient's record")
        << u"patient/*.read"_s << daniel << u"Observation/o3/_history/1"_s << 404 << none;
}

void tst_FhirApi::enforcement()
{
    QFETCH(QString, scope);
    QFETCH(QString, patient);
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(QStringList, ids);
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    HttpClient &http = running->http();
    const QString clientId = registerClient(http);
    QVERIFY(!clientId.isEmpty());
    const Reply minted = http.postJson(u"/oauth/debug/token"_s,
                                       QJsonObject{{u"client_id"_s, clientId},
                                                   {u"username"_s, u"daniel-adams"_s},
                                                   {u"patient_id"_s, patient},
                                                   {u"scope"_s, scope}});
    QCOMPARE(minted.status, 200);
    const QString token = minted.json()[u"access_token"_s].toString();
    const Reply reply = http.get(u"/api/fhir/"_s + query, bearer(token));
    QVERIFY2(reply.status == status, reply.body.constData());
    if (status != 200)
        QCOMPARE(issueCode(reply), status == 403 ? u"forbidden"_s : u"not-found"_s);
    else if (!query.contains(u'/'))
        QCOMPARE(entryIds(reply.json()), ids);
}

void tst_FhirApi::noLeaksThroughIncludeOrEverything()
{
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    HttpClient &http = running->http();
    const QString clientId = registerClient(http);
    // MedicationRequests only: the Medication and Practitioner they point at stay hidden.
    const QString token = mint(http, clientId, u"patient/MedicationRequest.rs"_s);
    const Reply included = http.get(
        u"/api/fhir/MedicationRequest?_include=MedicationRequest:medication&_include=MedicationRequest:requester"_s,
        bearer(token));
    QCOMPARE(included.status, 200);
    QCOMPARE(entryIds(included.json()), QStringList{u"mr1"_s});
    QCOMPARE(entryIds(included.json(), u"include"_s), QStringList());

    // Amy's lab result never comes back through a reverse include from Daniel's token.
    const QString labs = mint(http, clientId, u"patient/Patient.rs patient/Observation.rs?category=laboratory"_s);
    const Reply reverse = http.get(u"/api/fhir/Patient?_revinclude=Observation:patient"_s, bearer(labs));
    QCOMPARE(entryIds(reverse.json()), QStringList{s_daniel});
    QCOMPARE(entryIds(reverse.json(), u"include"_s), QStringList{u"o2"_s});

    // $everything holds only what the scopes allow.
    const Reply everything = http.get(u"/api/fhir/Patient/smart-1288992/$everything"_s, bearer(labs));
    QCOMPARE(everything.status, 200);
    QStringList references;
    for (const QJsonValue &entry : everything.json()[u"entry"_s].toArray())
        references.append(entry[u"resource"_s][u"resourceType"_s].toString() + u'/'
                          + entry[u"resource"_s][u"id"_s].toString());
    references.sort();
    QCOMPARE(references, (QStringList{u"Observation/o2"_s, u"Patient/smart-1288992"_s}));
}

void tst_FhirApi::securityLabelsNarrow()
{
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    HttpClient &http = running->http();
    // A client whose approvals withhold laboratory results and smoking status.
    const QString clientId = registerClient(http, {u"patient"_s, u"vital-signs"_s, u"medications"_s});
    const QString token = mint(http, clientId, u"patient/*.read"_s);
    QCOMPARE(entryIds(http.get(u"/api/fhir/Observation"_s, bearer(token)).json()), QStringList{u"o1"_s});
    QCOMPARE(http.get(u"/api/fhir/Observation/o2"_s, bearer(token)).status, 404);
    QCOMPARE(http.get(u"/api/fhir/Condition/c1"_s, bearer(token)).status, 404);
    QCOMPARE(http.get(u"/api/fhir/MedicationRequest/mr1"_s, bearer(token)).status, 200);
    // Unlabelled shared resources stay readable.
    QCOMPARE(http.get(u"/api/fhir/Medication/med1"_s, bearer(token)).status, 200);
}

void tst_FhirApi::writesNeedWriteScopes()
{
    auto running = startWithTestData();
    QVERIFY2(running->isRunning(), qPrintable(running->error()));
    HttpClient &http = running->http();
    const QString clientId = registerClient(http);
    const QByteArray forDaniel = QJsonDocument(testObservation(u"x"_s, s_daniel, u"laboratory"_s, u"2339-0"_s,
                                                               u"2025-01-01"_s, u"final"_s, u"laboratory"_s))
                                     .toJson();
    const QByteArray forAmy = QJsonDocument(testObservation(u"y"_s, s_amy, u"laboratory"_s, u"2339-0"_s,
                                                            u"2025-01-01"_s, u"final"_s, u"laboratory"_s))
                                  .toJson();

    const QString reader = mint(http, clientId, u"patient/*.read"_s);
    const Reply refused = http.postJson(u"/api/fhir/Observation"_s, forDaniel, bearer(reader));
    QCOMPARE(refused.status, 403);
    QCOMPARE(issueCode(refused), u"forbidden"_s);

    const QString writer = mint(http, clientId, u"patient/Observation.cruds"_s);
    const Reply created = http.postJson(u"/api/fhir/Observation"_s, forDaniel, bearer(writer));
    QCOMPARE(created.status, 201);
    const QString id = created.json()[u"id"_s].toString();
    const Reply outside = http.postJson(u"/api/fhir/Observation"_s, forAmy, bearer(writer));
    QCOMPARE(outside.status, 403);
    // Updating or deleting another patient's record looks like it is not there.
    QJsonObject amysRecord = QJsonDocument::fromJson(forAmy).object();
    amysRecord.insert(u"id"_s, u"o3"_s);
    QCOMPARE(http.send("PUT", u"/api/fhir/Observation/o3"_s, QJsonDocument(amysRecord).toJson(), bearer(writer)).status,
             404);
    QCOMPARE(http.send("DELETE", u"/api/fhir/Observation/o3"_s, {}, bearer(writer)).status, 404);
    // Moving own record into another patient's compartment is refused.
    QJsonObject moved = QJsonDocument::fromJson(forAmy).object();
    moved.insert(u"id"_s, id);
    QCOMPARE(http.send("PUT", u"/api/fhir/Observation/"_s + id, QJsonDocument(moved).toJson(), bearer(writer)).status,
             403);
    QCOMPARE(http.send("DELETE", u"/api/fhir/Observation/"_s + id, {}, bearer(writer)).status, 204);
    QCOMPARE(http.get(u"/api/open-fhir/Observation/o3"_s).status, 200); // untouched
}

QTEST_GUILESS_MAIN(tst_FhirApi)
#include "tst_fhirapi.moc"
