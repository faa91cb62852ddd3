// SPDX-License-Identifier: Apache-2.0
// FaultRules without sockets: what a rule accepts, which requests it covers, and its budget as
// two sandboxes on one database (and a restart) see it.

#include "clock.h"
#include "coretestdatabase.h"
#include "faults/faultrules.h"
#include "storage/database.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using Faults::Effect;
using Faults::FaultRule;

namespace {

std::unique_ptr<Database> openDatabase(const QString &spec)
{
    Result<DatabaseLocation> location = DatabaseLocation::parse(spec);
    if (!location)
        return nullptr;
    Result<std::unique_ptr<Database>> database = Database::open(location.value());
    return database ? std::move(database).value() : nullptr;
}

FaultRule rule(const QJsonObject &json)
{
    Result<FaultRule> parsed = FaultRule::fromJson(json);
    if (!parsed)
        qWarning() << parsed.error().description;
    return parsed ? parsed.value() : FaultRule{};
}

} // namespace

class tst_FaultRules final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesEachEffect();
    void launchErrorsChooseTheirEndpoint();
    void matchesPath_data();
    void matchesPath();
    void sharedBudget_data();
    void sharedBudget();
};

void tst_FaultRules::parsesEachEffect()
{
    const FaultRule delay = rule({{u"endpoint"_s, u"/api/fhir/metadata"_s}, {u"delayMs"_s, 800}, {u"percent"_s, 50}});
    QCOMPARE(delay.effect, Effect::Delay);
    QCOMPARE(delay.delayMs, 800);
    QCOMPARE(delay.percent, 50);
    QVERIFY(!delay.remaining);
    QCOMPARE(delay.budgetText(), u"until removed, 50 %"_s);
    const FaultRule status = rule({{u"endpoint"_s, u"/oauth/token"_s}, {u"status"_s, 503}, {u"count"_s, 2}});
    QCOMPARE(status.effect, Effect::Status);
    QCOMPARE(status.remaining, std::optional<int>(2));
    QCOMPARE(status.budgetText(), u"next 2"_s);
    QCOMPARE(rule({{u"endpoint"_s, u"/"_s}, {u"malformed"_s, true}}).effect, Effect::Malformed);
    QCOMPARE(rule({{u"endpoint"_s, u"/"_s}, {u"drop"_s, true}}).effect, Effect::Drop);
    const QJsonObject json = status.toJson();
    QCOMPARE(json[u"status"_s].toInt(), 503);
    QCOMPARE(json[u"remaining"_s].toInt(), 2);
    QVERIFY(json[u"client_id"_s].isNull());
}

void tst_FaultRules::launchErrorsChooseTheirEndpoint()
{
    QCOMPARE(Faults::launchErrors().size(), 10);
    for (const Faults::LaunchErrorInfo &info : Faults::launchErrors()) {
        const FaultRule launch = rule({{u"client_id"_s, u"app"_s}, {u"launch_error"_s, info.name}});
        QCOMPARE(launch.effect, Effect::LaunchError);
        QCOMPARE(launch.launchError, info.error);
        QCOMPARE(launch.endpoint, info.endpoint);
        QCOMPARE(launch.remaining, std::optional<int>(1)); // one shot unless told otherwise
    }
    const Result<FaultRule> withEndpoint = FaultRule::fromJson(
        {{u"client_id"_s, u"app"_s}, {u"launch_error"_s, u"no_refresh"_s}, {u"endpoint"_s, u"/oauth/token"_s}});
    QVERIFY(!withEndpoint);
    QCOMPARE(withEndpoint.error().code, u"invalid_request"_s);
}

void tst_FaultRules::matchesPath_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("requestMethod");
    QTest::addColumn<bool>("matches");

    QTest::newRow("exact") << u"/oauth/token"_s << QString() << u"/oauth/token"_s << QByteArray("POST") << true;
    QTest::newRow("exact, longer path") << u"/oauth/token"_s << QString() << u"/oauth/token2"_s << QByteArray("POST")
                                        << false;
    QTest::newRow("prefix") << u"/api/fhir/*"_s << QString() << u"/api/fhir/Patient/1"_s << QByteArray("GET") << true;
    QTest::newRow("prefix, other tree") << u"/api/fhir/*"_s << QString() << u"/api/open-fhir/Patient"_s
                                        << QByteArray("GET") << false;
    QTest::newRow("method") << u"/api/fhir/*"_s << u"PUT"_s << u"/api/fhir/Patient/1"_s << QByteArray("PUT") << true;
    QTest::newRow("other method") << u"/api/fhir/*"_s << u"PUT"_s << u"/api/fhir/Patient/1"_s << QByteArray("GET")
                                  << false;
}

void tst_FaultRules::matchesPath()
{
    QFETCH(QString, endpoint);
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, requestMethod);
    QFETCH(bool, matches);
    FaultRule subject;
    subject.endpoint = endpoint;
    subject.method = method;
    QCOMPARE(subject.matchesPath(path, requestMethod), matches);
}

void tst_FaultRules::sharedBudget_data()
{
    CoreTest::addEngineData();
}

void tst_FaultRules::sharedBudget()
{
    CORE_TEST_DATABASE(testDatabase);
    ManualClock clock(TestSupport::s_epochMs);
    auto first = openDatabase(testDatabase->location());
    auto second = openDatabase(testDatabase->location());
    QVERIFY(first && second);
    FaultRules one(*first, clock);
    FaultRules two(*second, clock);
    QSignalSpy changed(&one, &FaultRules::changed);

    const Result<FaultRule> added
        = one.add(rule({{u"endpoint"_s, u"/oauth/token"_s}, {u"status"_s, 503}, {u"count"_s, 1}}));
    QVERIFY(added);
    QVERIFY(added.value().id > 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(one.candidates(u"/oauth/token"_s, "POST").size(), 1);
    QCOMPARE(one.candidates(u"/oauth/authorize"_s, "GET").size(), 0);

    two.reload();
    const QList<FaultRule> seen = two.candidates(u"/oauth/token"_s, "POST");
    QCOMPARE(seen.size(), 1);
    // One request left: whichever instance spends it first gets it, the other does not.
    QVERIFY(one.spend(added.value()));
    QVERIFY(!two.spend(seen.first()));
    QVERIFY(two.candidates(u"/oauth/token"_s, "POST").isEmpty());
    QCOMPARE(two.list().value().first().hits, 1);

    // A restart keeps the rules.
    auto reopened = openDatabase(testDatabase->location());
    FaultRules restarted(*reopened, clock);
    QCOMPARE(restarted.cached().size(), 1);
    QCOMPARE(restarted.cached().first().status, 503);
    QCOMPARE(restarted.cached().first().remaining, std::optional<int>(0));

    QVERIFY(restarted.remove(added.value().id).value());
    QVERIFY(!restarted.remove(added.value().id).value());
    QVERIFY(one.list().value().isEmpty());
}

QTEST_GUILESS_MAIN(tst_FaultRules)
#include "tst_faultrules.moc"
