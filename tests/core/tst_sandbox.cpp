// SPDX-License-Identifier: Apache-2.0
// The Sandbox facade on both engines, used directly as the app and the UI use it: the fixtures a
// fresh portal starts with, state that survives a restart, reset, the status summary and the
// --base-url check.

#include "clock.h"
#include "coretestdatabase.h"
#include "fhir/fhirservice.h"
#include "fhir/resourcestore.h"
#include "oauth/clientregistry.h"
#include "oauth/secrets.h"
#include "oauth/tokenservice.h"
#include "sandbox.h"
#include "server/requestlog.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/peoplestore.h"
#include "storage/requestlogstore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 s_dayMs = 24 * 3600 * 1000LL;

struct OpenedSandbox
{
    std::unique_ptr<Sandbox> sandbox;
    ManualClock *clock = nullptr; // owned by the sandbox
    QString error;
};

OpenedSandbox openSandbox(const QString &location, qint64 nowMs = TestSupport::s_epochMs, bool reset = false)
{
    OpenedSandbox opened;
    SandboxOptions options;
    options.database = location;
    options.reset = reset;
    options.samplePatients = 2; // besides the three fixture patients
    opened.clock = new ManualClock(nowMs);
    opened.sandbox = std::make_unique<Sandbox>(options, opened.clock);
    if (Status status = opened.sandbox->open(); !status)
        opened.error = status.error().code + u": "_s + status.error().description;
    return opened;
}

Result<Client> registerApp(Sandbox &sandbox, const QString &name)
{
    return sandbox.clients().registerClient(
        QJsonObject{{u"client_name"_s, name}, {u"redirect_uris"_s, QJsonArray{u"https://app.example.org/callback"_s}}},
        u"ui"_s);
}

Result<TokenView> mintFor(Sandbox &sandbox, const QString &clientId, qint64 lifetimeSeconds = 3600)
{
    DebugTokenRequest request;
    request.clientId = clientId;
    request.username = u"daniel-adams"_s;
    request.patientId = u"smart-1288992"_s;
    request.accessLifetimeSeconds = lifetimeSeconds;
    return sandbox.tokens().mintDebugToken(request);
}

RequestLogEntry logEntry(const QString &path)
{
    RequestLogEntry entry;
    entry.startedAtMs = TestSupport::s_epochMs;
    entry.remoteAddress = u"127.0.0.1"_s;
    entry.method = u"GET"_s;
    entry.path = path;
    entry.status = 200;
    return entry;
}

QStringList clientIds(const Sandbox &sandbox)
{
    QStringList ids;
    const Result<QList<Client>> clients = sandbox.clients().clients();
    if (!clients)
        return {u"<error: %1>"_s.arg(clients.error().description)};
    for (const Client &client : clients.value())
        ids.append(client.id);
    ids.sort();
    return ids;
}

QString describe(const Error &error)
{
    return error.code + u": "_s + error.description;
}

} // namespace

#define OPEN_SANDBOX(name, ...) \
    OpenedSandbox name = openSandbox(__VA_ARGS__); \
    QVERIFY2(name.error.isEmpty(), qPrintable(name.error));

class TestSandbox final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixturesOnFirstOpen_data() { CoreTest::addEngineData(); }
    void fixturesOnFirstOpen();
    void stateSurvivesRestart_data() { CoreTest::addEngineData(); }
    void stateSurvivesRestart();
    void resetReturnsToFixtures_data() { CoreTest::addEngineData(); }
    void resetReturnsToFixtures();
    void resetIsOneTransaction_data() { CoreTest::addEngineData(); }
    void resetIsOneTransaction();
    void resetOptionResetsAtOpen_data() { CoreTest::addEngineData(); }
    void resetOptionResetsAtOpen();
    void statusJson_data() { CoreTest::addEngineData(); }
    void statusJson();
    void requestLogHasAFileOfItsOwn();
    void requestLogMovesToItsOwnFile();
    void requestLogStaysWhereNoFileCanBeMade();
    void requestLogMoveThatFailsLosesNothing();
    void openReportsBadLocation();
    void openReportsUnwritableLogFile();
    void normalizeBaseUrl_data();
    void normalizeBaseUrl();
};

void TestSandbox::fixturesOnFirstOpen()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_SANDBOX(opened, testDatabase->location());
    Sandbox &sandbox = *opened.sandbox;

    const Result<QList<Patient>> patients = sandbox.people().patients();
    QVERIFY(patients.ok());
    // The three fixture patients, then the two generated ones the options ask for.
    QCOMPARE(patients.value().size(), 5);
    QCOMPARE(patients.value().at(3).id, u"smart-sample-001"_s);
    QCOMPARE(patients.value().at(4).id, u"smart-sample-002"_s);
    // Their FHIR records are loaded too: Daniel Adams, as the fixture describes him.
    const Result<std::optional<StoredResource>> record = sandbox.fhir().store().read(u"Patient"_s, u"smart-1288992"_s);
    QVERIFY(record.ok() && record.value());
    QCOMPARE(record.value()->content[u"birthDate"_s].toString(), u"1925-12-23"_s);
    QVERIFY(sandbox.fhir().store().countsFor(u"smart-sample-002"_s).value().value(u"Observation"_s) > 0);
    const QList<QStringList> expectedPatients = {
        {u"smart-1032702"_s, u"Amy Shaw"_s, u"1987-02-20"_s, u"female"_s},
        {u"smart-1081332"_s, u"Joseph Ross"_s, u"1932-04-15"_s, u"male"_s},
        {u"smart-1288992"_s, u"Daniel Adams"_s, u"1925-12-23"_s, u"male"_s},
    };
    for (qsizetype i = 0; i < expectedPatients.size(); ++i) {
        const Patient &patient = patients.value().at(i);
        QCOMPARE((QStringList{patient.id, patient.displayName, patient.birthDate, patient.gender}),
                 expectedPatients.at(i));
    }

    const Result<QList<User>> users = sandbox.people().users();
    QVERIFY(users.ok());
    QCOMPARE(users.value().size(), 2);
    QCOMPARE(users.value().at(0).username, u"daniel-adams"_s);
    QCOMPARE(users.value().at(0).displayName, u"Daniel Adams"_s);
    QCOMPARE(users.value().at(1).username, u"joseph-ross"_s);
    QCOMPARE(users.value().at(1).displayName, u"Joseph Ross"_s);
    for (const User &user : users.value()) {
        // Stored hashed, and the documented demo password signs in.
        QVERIFY(user.passwordHash.startsWith(u"pbkdf2-sha256$"_s));
        QVERIFY(Secrets::verifyPassword(u"demo-password"_s, user.passwordHash));
        QVERIFY(!Secrets::verifyPassword(u"wrong-password"_s, user.passwordHash));
    }

    const Result<QList<UserPatient>> daniel = sandbox.people().patientsOf(u"daniel-adams"_s);
    QVERIFY(daniel.ok());
    QCOMPARE(daniel.value().size(), 2);
    QCOMPARE(daniel.value().at(0).patient.id, u"smart-1288992"_s);
    QCOMPARE(daniel.value().at(0).relationship, u"self"_s);
    QCOMPARE(daniel.value().at(1).patient.id, u"smart-1032702"_s);
    QCOMPARE(daniel.value().at(1).relationship, u"delegate"_s);
    QCOMPARE(daniel.value().at(1).patient.displayName, u"Amy Shaw"_s);
    const Result<QList<UserPatient>> joseph = sandbox.people().patientsOf(u"joseph-ross"_s);
    QVERIFY(joseph.ok());
    QCOMPARE(joseph.value().size(), 1);
    QCOMPARE(joseph.value().at(0).patient.id, u"smart-1081332"_s);
    QCOMPARE(joseph.value().at(0).relationship, u"self"_s);

    struct ExpectedClient
    {
        QString id, secret, name;
        QStringList redirectUris;
    };
    const QList<ExpectedClient> expectedClients = {
        {u"test-suite"_s,
         u"demo-secret-s4s"_s,
         u"S4S Test Suite"_s,
         {u"http://tests.dev.syncfor.science:9003/authorized/"_s}},
        {u"api-test"_s,
         u"api-secret"_s,
         u"All of Us Research Program"_s,
         {u"http://dev.syncfor.science:9001/authorized"_s, u"http://localhost:9001/authorized"_s}},
    };
    QCOMPARE(clientIds(sandbox), (QStringList{u"api-test"_s, u"test-suite"_s}));
    for (const ExpectedClient &expected : expectedClients) {
        const Result<std::optional<Client>> found = sandbox.clients().find(expected.id);
        QVERIFY(found.ok());
        QVERIFY2(found.value().has_value(), qPrintable(expected.id));
        const Client &client = *found.value();
        QCOMPARE(client.secret, expected.secret);
        QCOMPARE(client.name, expected.name);
        QCOMPARE(client.redirectUris, expected.redirectUris);
        QCOMPARE(client.scope, u"launch/patient patient/*.read offline_access"_s);
        QCOMPARE(client.securityLabels, defaultSecurityLabels());
        QCOMPARE(client.tokenEndpointAuthMethod, u"client_secret_basic"_s);
        QCOMPARE(client.grantTypes, (QStringList{u"authorization_code"_s, u"refresh_token"_s}));
        QCOMPARE(client.origin, u"fixture"_s);
        QCOMPARE(client.issuedAtMs, TestSupport::s_epochMs);
        QVERIFY(!client.isPublic());
    }

    const Result<QList<TokenView>> tokens = sandbox.tokens().tokens();
    QVERIFY(tokens.ok());
    QVERIFY(tokens.value().isEmpty());
}

void TestSandbox::stateSurvivesRestart()
{
    CORE_TEST_DATABASE(testDatabase);
    Client registered;
    TokenView minted;
    {
        OPEN_SANDBOX(first, testDatabase->location());
        const Result<Client> client = registerApp(*first.sandbox, u"Persisted App"_s);
        QVERIFY2(client.ok(), qPrintable(client.ok() ? QString() : describe(client.error())));
        registered = client.value();
        const Result<TokenView> token = mintFor(*first.sandbox, registered.id);
        QVERIFY2(token.ok(), qPrintable(token.ok() ? QString() : describe(token.error())));
        minted = token.value();
        // Recorded but not yet written: closing the sandbox writes it.
        first.sandbox->requestLog().record(logEntry(u"/before-restart"_s));
        QCOMPARE(first.sandbox->requestLog().pendingCount(), 1);
    }

    OPEN_SANDBOX(second, testDatabase->location(), TestSupport::s_epochMs + s_dayMs);
    Sandbox &sandbox = *second.sandbox;

    // Reopening does not reload the fixtures: the registered client is still there, and the
    // fixture clients keep the time they were first loaded.
    QStringList expectedIds{u"api-test"_s, registered.id, u"test-suite"_s};
    expectedIds.sort();
    QCOMPARE(clientIds(sandbox), expectedIds);
    const Result<std::optional<Client>> client = sandbox.clients().find(registered.id);
    QVERIFY(client.ok() && client.value().has_value());
    QCOMPARE(client.value()->secret, registered.secret);
    QCOMPARE(client.value()->name, u"Persisted App"_s);
    QCOMPARE(client.value()->redirectUris, registered.redirectUris);
    QCOMPARE(client.value()->registrationJson(), registered.registrationJson());
    QCOMPARE(sandbox.clients().find(u"test-suite"_s).value()->issuedAtMs, TestSupport::s_epochMs);

    const Result<FoundToken> byAccess = sandbox.tokens().find(minted.token.accessToken);
    QVERIFY2(byAccess.ok(), qPrintable(byAccess.ok() ? QString() : describe(byAccess.error())));
    QCOMPARE(byAccess->match, TokenMatch::Access);
    QCOMPARE(byAccess->view.token.id, minted.token.id);
    QCOMPARE(byAccess->view.token.scope, minted.token.scope);
    QCOMPARE(byAccess->view.token.expiresAtMs, minted.token.expiresAtMs);
    QCOMPARE(byAccess->view.approval.patientId, u"smart-1288992"_s);
    // A day later the access token has expired; the refresh token (7-day approval) has not.
    QVERIFY(!byAccess->active(second.clock->nowMs()));
    const Result<FoundToken> byRefresh = sandbox.tokens().find(minted.token.refreshToken);
    QVERIFY(byRefresh.ok());
    QCOMPARE(byRefresh->match, TokenMatch::Refresh);
    QVERIFY(byRefresh->active(second.clock->nowMs()));

    const Result<QList<RequestLogEntry>> logged = sandbox.requestLog().newest(10);
    QVERIFY(logged.ok());
    QCOMPARE(logged.value().size(), 1);
    QCOMPARE(logged.value().at(0).path, u"/before-restart"_s);
}

void TestSandbox::resetReturnsToFixtures()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_SANDBOX(opened, testDatabase->location());
    Sandbox &sandbox = *opened.sandbox;

    const Result<Client> client = registerApp(sandbox, u"Short-lived App"_s);
    QVERIFY(client.ok());
    const Result<TokenView> token = mintFor(sandbox, u"test-suite"_s);
    QVERIFY(token.ok());
    QVERIFY(sandbox.clients().remove(u"api-test"_s).value());
    sandbox.requestLog().record(logEntry(u"/kept"_s));
    QVERIFY(sandbox.requestLog().flush().ok());

    QSignalSpy resetDone(&sandbox, &Sandbox::resetDone);
    opened.clock->advanceMs(s_dayMs);
    const Status status = sandbox.reset();
    QVERIFY2(status.ok(), qPrintable(status.ok() ? QString() : describe(status.error())));
    QCOMPARE(resetDone.count(), 1);

    QCOMPARE(clientIds(sandbox), (QStringList{u"api-test"_s, u"test-suite"_s}));
    QVERIFY(!sandbox.clients().find(client->id).value().has_value());
    const Result<FoundToken> gone = sandbox.tokens().find(token->token.accessToken);
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().code, u"no_token"_s);
    QVERIFY(sandbox.tokens().tokens().value().isEmpty());
    QCOMPARE(sandbox.people().patients().value().size(), 5);
    QCOMPARE(sandbox.people().patientsOf(u"daniel-adams"_s).value().size(), 2);
    // The fixtures are loaded afresh, at the time of the reset.
    QCOMPARE(sandbox.clients().find(u"api-test"_s).value()->issuedAtMs, TestSupport::s_epochMs + s_dayMs);
    QCOMPARE(sandbox.clients().find(u"test-suite"_s).value()->secret, u"demo-secret-s4s"_s);

    // The request log is kept.
    QCOMPARE(sandbox.requestLog().storedCount().value(), 1);
    QCOMPARE(sandbox.requestLog().newest(1).value().at(0).path, u"/kept"_s);

    // The fixtures still work for minting after a reset.
    QVERIFY(mintFor(sandbox, u"api-test"_s).ok());
}

void TestSandbox::resetIsOneTransaction()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_SANDBOX(opened, testDatabase->location());
    Sandbox &sandbox = *opened.sandbox;
    const Result<Client> client = registerApp(sandbox, u"Survivor"_s);
    QVERIFY(client.ok());
    const Result<TokenView> token = mintFor(sandbox, client->id);
    QVERIFY(token.ok());

    // Make the very last insert of a reset fail, after every delete has run.
    const Database &database = sandbox.database();
    const QStringList install = engine == u"postgres"_s
        ? QStringList{u"CREATE FUNCTION refuse_api_test() RETURNS trigger AS $$ BEGIN "
                      "IF NEW.client_id = 'api-test' THEN RAISE EXCEPTION 'injected failure'; END IF; "
                      "RETURN NEW; END $$ LANGUAGE plpgsql"_s,
                      u"CREATE TRIGGER refuse_api_test BEFORE INSERT ON clients FOR EACH ROW "
                      "EXECUTE FUNCTION refuse_api_test()"_s}
        : QStringList{u"CREATE TRIGGER refuse_api_test BEFORE INSERT ON clients WHEN NEW.client_id = 'api-test' "
                      "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"_s};
    const Status installed = database.runScript(install);
    QVERIFY2(installed.ok(), qPrintable(installed.ok() ? QString() : installed.error().description));

    QSignalSpy resetDone(&sandbox, &Sandbox::resetDone);
    const Status failed = sandbox.reset();
    QVERIFY(!failed.ok());
    QVERIFY2(failed.error().description.contains(u"injected failure"_s), qPrintable(failed.error().description));
    QCOMPARE(resetDone.count(), 0);

    // Nothing of the half-done reset is visible: the old state is intact.
    QStringList before{u"api-test"_s, client->id, u"test-suite"_s};
    before.sort();
    QCOMPARE(clientIds(sandbox), before);
    QVERIFY(sandbox.tokens().find(token->token.accessToken).ok());
    QCOMPARE(sandbox.people().patients().value().size(), 5);
    QCOMPARE(sandbox.people().users().value().size(), 2);
    QCOMPARE(sandbox.people().patientsOf(u"daniel-adams"_s).value().size(), 2);

    const Status removed = database.runScript(
        {u"DROP TRIGGER refuse_api_test%1"_s.arg(engine == u"postgres"_s ? u" ON clients"_s : QString())});
    QVERIFY(removed.ok());
    QVERIFY(sandbox.reset().ok());
    QCOMPARE(clientIds(sandbox), (QStringList{u"api-test"_s, u"test-suite"_s}));
    QCOMPARE(resetDone.count(), 1);
}

void TestSandbox::resetOptionResetsAtOpen()
{
    CORE_TEST_DATABASE(testDatabase);
    QString registeredId;
    {
        OPEN_SANDBOX(first, testDatabase->location());
        const Result<Client> client = registerApp(*first.sandbox, u"Forgotten App"_s);
        QVERIFY(client.ok());
        registeredId = client->id;
        QVERIFY(mintFor(*first.sandbox, registeredId).ok());
        first.sandbox->requestLog().record(logEntry(u"/logged"_s));
    }
    {
        OPEN_SANDBOX(reset, testDatabase->location(), TestSupport::s_epochMs, true);
        QCOMPARE(clientIds(*reset.sandbox), (QStringList{u"api-test"_s, u"test-suite"_s}));
        QVERIFY(reset.sandbox->tokens().tokens().value().isEmpty());
        QCOMPARE(reset.sandbox->people().patients().value().size(), 5);
        QCOMPARE(reset.sandbox->requestLog().storedCount().value(), 1);
        QVERIFY(registerApp(*reset.sandbox, u"Kept App"_s).ok());
    }
    // Without the option, the next start keeps what is there.
    OPEN_SANDBOX(plain, testDatabase->location());
    QCOMPARE(clientIds(*plain.sandbox).size(), 3);
    QVERIFY(!clientIds(*plain.sandbox).contains(registeredId));
}

void TestSandbox::statusJson()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_SANDBOX(opened, testDatabase->location());
    Sandbox &sandbox = *opened.sandbox;
    const QString base = u"http://127.0.0.1:9000"_s;

    Result<QJsonObject> status = sandbox.statusJson(base);
    QVERIFY(status.ok());
    QCOMPARE(status->value(u"name"_s).toString(), u"SMART Sandbox"_s);
    QCOMPARE(status->value(u"version"_s).toString(), QStringLiteral(SANDBOX_VERSION));
    QCOMPARE(status->value(u"server_time"_s).toString(), u"2026-01-15T10:00:00.000Z"_s);
    QCOMPARE(status->value(u"clock_offset_seconds"_s).toInteger(), 0);
    const QJsonObject database = status->value(u"database"_s).toObject();
    QCOMPARE(database.value(u"engine"_s).toString(), engine == u"postgres"_s ? u"postgresql"_s : u"sqlite"_s);
    QCOMPARE(database.value(u"location"_s).toString(), sandbox.database().location().displayName());
    QCOMPARE(database.value(u"schema_version"_s).toInt(), latestSchemaVersion());
    QCOMPARE(database.value(u"request_log_location"_s).toString(),
             engine == u"postgres"_s ? sandbox.database().location().displayName()
                                     : sandbox.database().location().displayName() + u"-requestlog"_s);
    const QJsonObject urls = status->value(u"urls"_s).toObject();
    QCOMPARE(urls.value(u"base"_s).toString(), base);
    QCOMPARE(urls.value(u"register"_s).toString(), base + u"/oauth/register"_s);
    QCOMPARE(urls.value(u"debug_token"_s).toString(), base + u"/oauth/debug/token"_s);
    QCOMPARE(urls.value(u"debug_introspect"_s).toString(), base + u"/oauth/debug/introspect"_s);

    const auto counts = [&] {
        Result<QJsonObject> current = sandbox.statusJson(base);
        if (!current)
            qFatal("statusJson failed: %s", qPrintable(current.error().description));
        const QJsonObject object = current->value(u"counts"_s).toObject();
        QList<qint64> values;
        for (const QString &key : {u"clients"_s, u"users"_s, u"patients"_s, u"approvals"_s, u"tokens"_s,
                                   u"active_tokens"_s, u"requests_logged"_s})
            values.append(object.value(key).toInteger(-1));
        return values;
    };
    //                               clients users patients approvals tokens active logged
    QCOMPARE(counts(), (QList<qint64>{2, 2, 5, 0, 0, 0, 0}));
    const qint64 resources = sandbox.statusJson(base)->value(u"counts"_s)[u"fhir_resources"_s].toInteger();
    QCOMPARE(resources, qint64(sandbox.fhir().store().total().value()));
    QVERIFY(resources > 400);

    QVERIFY(registerApp(sandbox, u"Counted App"_s).ok());
    QVERIFY(mintFor(sandbox, u"test-suite"_s).ok());
    QVERIFY(mintFor(sandbox, u"api-test"_s, -60).ok()); // expired at once
    sandbox.requestLog().record(logEntry(u"/pending"_s));
    QCOMPARE(counts(), (QList<qint64>{3, 2, 5, 2, 2, 1, 1})); // a pending log entry counts
    QVERIFY(sandbox.requestLog().flush().ok());
    QCOMPARE(counts(), (QList<qint64>{3, 2, 5, 2, 2, 1, 1})); // and is not counted twice once written

    opened.clock->advanceSeconds(3600);
    QCOMPARE(counts(), (QList<qint64>{3, 2, 5, 2, 2, 0, 1}));

    opened.clock->setOffsetMs(2 * 3600 * 1000);
    status = sandbox.statusJson(base);
    QCOMPARE(status->value(u"clock_offset_seconds"_s).toInteger(), 7200);
    QCOMPARE(status->value(u"server_time"_s).toString(), u"2026-01-15T13:00:00.000Z"_s);
}

namespace {

qint64 rowCount(const Database &database)
{
    const Result<QVariant> count = database.scalar(u"SELECT COUNT(*) FROM request_log"_s);
    return count ? count.value().toLongLong() : -1;
}

QStringList loggedPaths(const Sandbox &sandbox)
{
    QStringList paths;
    const Result<QList<RequestLogEntry>> entries = sandbox.requestLog().newest(100);
    if (!entries)
        return {u"<error: %1>"_s.arg(entries.error().description)};
    for (const RequestLogEntry &entry : entries.value())
        paths.append(entry.path);
    return paths;
}

} // namespace

void TestSandbox::requestLogHasAFileOfItsOwn()
{
    // Next to a SQLite file, in "<file>-requestlog": the log's writes never wait for the portal's.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"portal.sqlite"_s);
    {
        OPEN_SANDBOX(opened, path);
        Sandbox &sandbox = *opened.sandbox;
        QCOMPARE(sandbox.requestLogDatabase().location().sqlitePath, path + u"-requestlog"_s);
        QCOMPARE(sandbox.requestLogDatabase().schema(), DatabaseSchema::RequestLog);
        QCOMPARE(sandbox.requestLogDatabase().schemaVersion(), latestSchemaVersion(DatabaseSchema::RequestLog));
        sandbox.requestLog().record(logEntry(u"/first"_s));
        sandbox.requestLog().record(logEntry(u"/second"_s));
        QVERIFY(sandbox.requestLog().flush().ok());
        QCOMPARE(rowCount(sandbox.requestLogDatabase()), 2);
        QCOMPARE(rowCount(sandbox.database()), 0); // the portal's table stays empty
        // The log's file holds nothing of the portal's.
        const Result<QVariant> tables = sandbox.requestLogDatabase().scalar(
            u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"_s);
        QCOMPARE(tables.value().toInt(), 2); // request_log, schema_migrations
    }
    QVERIFY(QFile::exists(path + u"-requestlog"_s));
    OPEN_SANDBOX(reopened, path);
    QCOMPARE(loggedPaths(*reopened.sandbox), (QStringList{u"/first"_s, u"/second"_s}));
}

void TestSandbox::requestLogMovesToItsOwnFile()
{
    // A file from before the log had its own keeps the log in its request_log table.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"older.sqlite"_s);
    {
        Result<std::unique_ptr<Database>> older = Database::open(DatabaseLocation::parse(path).value());
        QVERIFY2(older.ok(), qPrintable(older.ok() ? QString() : older.error().description));
        QList<RequestLogEntry> entries{logEntry(u"/one"_s), logEntry(u"/two"_s), logEntry(u"/three"_s)};
        entries[1].findings = {u"A finding that moves with its entry"_s};
        QVERIFY(RequestLogStore(*older.value()).insert(entries).ok());
    }
    {
        OPEN_SANDBOX(opened, path);
        Sandbox &sandbox = *opened.sandbox;
        QCOMPARE(loggedPaths(sandbox), (QStringList{u"/one"_s, u"/two"_s, u"/three"_s}));
        QCOMPARE(sandbox.requestLog().newest(2).value().at(0).findings,
                 QStringList{u"A finding that moves with its entry"_s});
        QCOMPARE(rowCount(sandbox.database()), 0);
        sandbox.requestLog().record(logEntry(u"/four"_s));
        QVERIFY(sandbox.requestLog().flush().ok());
    }
    // Moved once: a second start finds nothing left to move, and nothing twice.
    OPEN_SANDBOX(reopened, path);
    QCOMPARE(loggedPaths(*reopened.sandbox), (QStringList{u"/one"_s, u"/two"_s, u"/three"_s, u"/four"_s}));
    const QList<RequestLogEntry> newest = reopened.sandbox->requestLog().newest(4).value();
    for (qsizetype i = 1; i < newest.size(); ++i)
        QCOMPARE(newest.at(i).id, newest.at(i - 1).id + 1);
}

void TestSandbox::requestLogStaysWhereNoFileCanBeMade()
{
    // Where "<file>-requestlog" cannot be a database (here a folder of that name is in the way),
    // the sandbox still starts, with the log in the portal's file.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"blocked.sqlite"_s);
    QVERIFY(QDir().mkpath(path + u"-requestlog"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"the request log stays in .*blocked\\.sqlite$"_s));
    OPEN_SANDBOX(opened, path);
    Sandbox &sandbox = *opened.sandbox;
    QCOMPARE(&sandbox.requestLogDatabase(), &sandbox.database());
    sandbox.requestLog().record(logEntry(u"/kept"_s));
    QVERIFY(sandbox.requestLog().flush().ok());
    QCOMPARE(rowCount(sandbox.database()), 1);
    QCOMPARE(sandbox.statusJson(u"http://127.0.0.1"_s)->value(u"database"_s)[u"request_log_location"_s].toString(),
             path);
}

void TestSandbox::requestLogMoveThatFailsLosesNothing()
{
    // The move is one transaction: when the portal's file refuses the DELETE (here a trigger), the
    // copies are taken back too, the sandbox starts, and the next start moves them.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"stuck.sqlite"_s);
    const DatabaseLocation location = DatabaseLocation::parse(path).value();
    {
        Result<std::unique_ptr<Database>> older = Database::open(location);
        QVERIFY(older.ok());
        QList<RequestLogEntry> entries{logEntry(u"/one"_s), logEntry(u"/two"_s)};
        QVERIFY(RequestLogStore(*older.value()).insert(entries).ok());
        QVERIFY(older.value()
                    ->runScript({u"CREATE TRIGGER keep_log BEFORE DELETE ON request_log "
                                 "BEGIN SELECT RAISE(ABORT, 'the log stays'); END"_s})
                    .ok());
    }
    {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"statement failed: .*the log stays"_s));
        QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(u"could not move the request log to .*stuck\\.sqlite-requestlog .*the log stays"_s));
        OPEN_SANDBOX(opened, path);
        Sandbox &sandbox = *opened.sandbox;
        QCOMPARE(rowCount(sandbox.database()), 2);
        QCOMPARE(rowCount(sandbox.requestLogDatabase()), 0);
        QVERIFY(sandbox.database().runScript({u"DROP TRIGGER keep_log"_s}).ok());
    }
    OPEN_SANDBOX(reopened, path);
    QCOMPARE(loggedPaths(*reopened.sandbox), (QStringList{u"/one"_s, u"/two"_s}));
    QCOMPARE(rowCount(reopened.sandbox->database()), 0);
}

void TestSandbox::openReportsBadLocation()
{
    OpenedSandbox opened = openSandbox(u"postgresql:///no-host"_s);
    QCOMPARE(opened.error.section(u':', 0, 0), u"invalid_database"_s);
    opened = openSandbox(u"postgresql://sandbox@127.0.0.1:1/portal"_s);
    QVERIFY2(opened.error.contains(u"postgresql://sandbox@127.0.0.1:1/portal"_s), qPrintable(opened.error));
}

void TestSandbox::openReportsUnwritableLogFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SandboxOptions options;
    options.database = u":memory:"_s;
    options.logFile = dir.filePath(u"missing-folder/requests.ndjson"_s);
    Sandbox sandbox(options, new ManualClock(TestSupport::s_epochMs));
    const Status opened = sandbox.open();
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, u"log_file"_s);
    QVERIFY2(opened.error().description.contains(options.logFile), qPrintable(opened.error().description));

    // A writable one is used.
    options.logFile = dir.filePath(u"requests.ndjson"_s);
    Sandbox working(options, new ManualClock(TestSupport::s_epochMs));
    QVERIFY(working.open().ok());
    working.requestLog().record(logEntry(u"/logged"_s));
    QVERIFY(working.requestLog().flush().ok());
    QFile file(options.logFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("\"/logged\""));
}

void TestSandbox::normalizeBaseUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("normalized"); // null: refused

    QTest::newRow("http origin") << u"http://localhost:9000"_s << u"http://localhost:9000"_s;
    QTest::newRow("https origin") << u"https://sandbox.example.org"_s << u"https://sandbox.example.org"_s;
    QTest::newRow("trailing slash removed") << u"https://sandbox.example.org/"_s << u"https://sandbox.example.org"_s;
    QTest::newRow("several trailing slashes") << u"https://sandbox.example.org//"_s << u"https://sandbox.example.org"_s;
    QTest::newRow("with path") << u"https://sandbox.example.org/smart"_s << u"https://sandbox.example.org/smart"_s;
    QTest::newRow("with path and slash") << u"http://127.0.0.1:9000/a/b/"_s << u"http://127.0.0.1:9000/a/b"_s;
    QTest::newRow("upper-case scheme and host") << u"HTTPS://Sandbox.Example.ORG"_s << u"https://sandbox.example.org"_s;
    QTest::newRow("IPv6") << u"http://[::1]:9000/"_s << u"http://[::1]:9000"_s;

    QTest::newRow("ftp") << u"ftp://sandbox.example.org"_s << QString();
    QTest::newRow("javascript") << u"javascript:alert(1)"_s << QString();
    QTest::newRow("relative path") << u"/smart"_s << QString();
    QTest::newRow("host without scheme") << u"sandbox.example.org"_s << QString();
    QTest::newRow("host and port without scheme") << u"sandbox.example.org:9000"_s << QString();
    QTest::newRow("no host") << u"https:///smart"_s << QString();
    QTest::newRow("scheme only") << u"http://"_s << QString();
    QTest::newRow("empty") << QString(u""_s) << QString();
    QTest::newRow("query") << u"https://sandbox.example.org/?tenant=1"_s << QString();
    QTest::newRow("empty query") << u"https://sandbox.example.org/?"_s << QString();
    QTest::newRow("fragment") << u"https://sandbox.example.org/#top"_s << QString();
    QTest::newRow("user info") << u"https://admin:secret@sandbox.example.org"_s << QString();
    QTest::newRow("user name only") << u"https://admin@sandbox.example.org"_s << QString();
    QTest::newRow("bad port") << u"https://sandbox.example.org:99999"_s << QString();
}

void TestSandbox::normalizeBaseUrl()
{
    QFETCH(QString, url);
    QFETCH(QString, normalized);

    const Result<QString> result = Sandbox::normalizeBaseUrl(url);
    if (normalized.isNull()) {
        QVERIFY2(!result.ok(), qPrintable(result.ok() ? result.value() : QString()));
        QCOMPARE(result.error().code, u"invalid_base_url"_s);
        QVERIFY(result.error().description.contains(url));
        return;
    }
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().description));
    QCOMPARE(result.value(), normalized);
}

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
