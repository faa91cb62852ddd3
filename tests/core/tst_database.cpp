// SPDX-License-Identifier: Apache-2.0
// The storage layer on SQLite and PostgreSQL: where a --db string points, migrations on first
// open and never again, data that outlives a restart, transactions, NULL handling, and the
// messages a user sees when a database cannot be used.

#include "coretestdatabase.h"
#include "storage/database.h"
#include "storage/migrations.h"

#include <QDir>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

// The value of a setting, or a null QString when it is not there.
QString setting(const Database &database, const QString &key)
{
    Result<QVariant> value = database.scalar(u"SELECT value FROM settings WHERE key = ?"_s, {key});
    if (!value)
        return u"<error: %1>"_s.arg(value.error().description);
    return value.value().isNull() ? QString() : value.value().toString();
}

Status insertSetting(const Database &database, const QString &key, const QString &value)
{
    Result<int> changed = database.change(u"INSERT INTO settings (key, value) VALUES (?, ?)"_s, {key, value});
    if (!changed)
        return changed.error();
    return Done{};
}

const QStringList s_tables = {u"schema_migrations"_s,
                              u"settings"_s,
                              u"clients"_s,
                              u"users"_s,
                              u"patients"_s,
                              u"user_patients"_s,
                              u"approvals"_s,
                              u"authorization_codes"_s,
                              u"tokens"_s,
                              u"request_log"_s};

} // namespace

class TestDatabase final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void parseLocation_data();
    void parseLocation();
    void parseLocationRefuses_data();
    void parseLocationRefuses();

    void openMigrates_data() { CoreTest::addEngineData(); }
    void openMigrates();
    void reopenKeepsDataAndSchema_data() { CoreTest::addEngineData(); }
    void reopenKeepsDataAndSchema();
    void codeIndexIsPartialAndUsed_data() { CoreTest::addEngineData(); }
    void codeIndexIsPartialAndUsed();
    void newerSchemaRefused_data() { CoreTest::addEngineData(); }
    void newerSchemaRefused();
    void transactionCommitsAndRollsBack_data() { CoreTest::addEngineData(); }
    void transactionCommitsAndRollsBack();
    void failedStatementRollsBack_data() { CoreTest::addEngineData(); }
    void failedStatementRollsBack();
    void nestedTransactionJoinsOuter_data() { CoreTest::addEngineData(); }
    void nestedTransactionJoinsOuter();
    void nullBinding_data() { CoreTest::addEngineData(); }
    void nullBinding();
    void textRoundTrips_data() { CoreTest::addEngineData(); }
    void textRoundTrips();
    void queryHelpers_data() { CoreTest::addEngineData(); }
    void queryHelpers();
    void badStatementIsAnError_data() { CoreTest::addEngineData(); }
    void badStatementIsAnError();

    void openFailures_data();
    void openFailures();
    void postgresConnectionLost();

private:
    QTemporaryDir m_dir;
};

void TestDatabase::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile file(m_dir.filePath(u"a-file"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a folder");
    QVERIFY(QDir(m_dir.path()).mkdir(u"a-folder"_s));
}

void TestDatabase::parseLocation_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("sqlitePath");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("options");
    QTest::addColumn<QString>("displayName"); // null: not checked

    QTest::newRow("absolute file") << u"/var/lib/sandbox/sandbox.sqlite"_s << false
                                   << u"/var/lib/sandbox/sandbox.sqlite"_s << QString() << 5432 << QString()
                                   << QString() << QString() << QString() << u"/var/lib/sandbox/sandbox.sqlite"_s;
    QTest::newRow("relative file") << u"data/portal.db"_s << false << u"data/portal.db"_s << QString() << 5432
                                   << QString() << QString() << QString() << QString() << u"data/portal.db"_s;
    QTest::newRow("memory") << u":memory:"_s << false << u":memory:"_s << QString() << 5432 << QString() << QString()
                            << QString() << QString() << u":memory:"_s;
    QTest::newRow("full URL") << u"postgresql://alice:s3cret@db.example.org:6543/portal?sslmode=disable"_s << true
                              << QString() << u"db.example.org"_s << 6543 << u"alice"_s << u"s3cret"_s << u"portal"_s
                              << u"sslmode=disable"_s << u"postgresql://alice@db.example.org:6543/portal"_s;
    QTest::newRow("several options")
        << u"postgresql://alice@db.example.org/portal?sslmode=require&application_name=sandbox"_s << true << QString()
        << u"db.example.org"_s << 5432 << u"alice"_s << QString() << u"portal"_s
        << u"sslmode=require;application_name=sandbox"_s << u"postgresql://alice@db.example.org:5432/portal"_s;
    QTest::newRow("postgres scheme, default port")
        << u"postgres://db.example.org/portal"_s << true << QString() << u"db.example.org"_s << 5432 << QString()
        << QString() << u"portal"_s << QString() << u"postgresql://db.example.org:5432/portal"_s;
    QTest::newRow("no database: the user's")
        << u"postgresql://bob@localhost"_s << true << QString() << u"localhost"_s << 5432 << u"bob"_s << QString()
        << u"bob"_s << QString() << u"postgresql://bob@localhost:5432/bob"_s;
    QTest::newRow("no database, no user")
        << u"postgresql://localhost:55432"_s << true << QString() << u"localhost"_s << 55432 << QString() << QString()
        << u"postgres"_s << QString() << u"postgresql://localhost:55432/postgres"_s;
    QTest::newRow("percent-encoded credentials")
        << u"postgresql://al%40ice:p%40ss%3Aw%2Frd@127.0.0.1:5433/my%20db"_s << true << QString() << u"127.0.0.1"_s
        << 5433 << u"al@ice"_s << u"p@ss:w/rd"_s << u"my db"_s << QString() << QString();
    QTest::newRow("IPv6 host") << u"postgresql://u@[::1]:5432/db"_s << true << QString() << u"::1"_s << 5432 << u"u"_s
                               << QString() << u"db"_s << QString() << QString();
}

void TestDatabase::parseLocation()
{
    QFETCH(QString, spec);
    QFETCH(bool, postgres);
    QFETCH(QString, sqlitePath);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, name);
    QFETCH(QString, options);
    QFETCH(QString, displayName);

    const Result<DatabaseLocation> location = DatabaseLocation::parse(spec);
    QVERIFY2(location.ok(), qPrintable(location.ok() ? QString() : location.error().description));
    QCOMPARE(location->engine == DatabaseEngine::Postgres, postgres);
    QCOMPARE(location->sqlitePath, sqlitePath);
    if (postgres) {
        QCOMPARE(location->host, host);
        QCOMPARE(location->port, port);
        QCOMPARE(location->user, user);
        QCOMPARE(location->password, password);
        QCOMPARE(location->name, name);
        QCOMPARE(location->connectOptions, options);
    }
    if (!displayName.isNull())
        QCOMPARE(location->displayName(), displayName);
    if (!password.isEmpty())
        QVERIFY(!location->displayName().contains(password));
}

void TestDatabase::parseLocationRefuses_data()
{
    QTest::addColumn<QString>("spec");

    QTest::newRow("empty") << QString(u""_s);
    QTest::newRow("scheme only") << u"postgresql://"_s;
    QTest::newRow("no host") << u"postgresql:///portal"_s;
    QTest::newRow("port not a number") << u"postgresql://db.example.org:port/portal"_s;
    QTest::newRow("port out of range") << u"postgresql://db.example.org:99999/portal"_s;
    QTest::newRow("space in host") << u"postgres://db example.org/portal"_s;
}

void TestDatabase::parseLocationRefuses()
{
    QFETCH(QString, spec);

    const Result<DatabaseLocation> location = DatabaseLocation::parse(spec);
    QVERIFY(!location.ok());
    QCOMPARE(location.error().code, u"invalid_database"_s);
    QVERIFY(!location.error().description.isEmpty());
    QVERIFY(!location.error().description.contains(u'\n'));
}

void TestDatabase::openMigrates()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_DATABASE(database, testDatabase->location());

    QCOMPARE(database.engine(), engine == u"postgres"_s ? DatabaseEngine::Postgres : DatabaseEngine::Sqlite);
    QCOMPARE(database.schemaVersion(), latestSchemaVersion());
    for (const QString &table : s_tables) {
        const Result<QVariant> rows = database.scalar(u"SELECT COUNT(*) FROM %1"_s.arg(table));
        QVERIFY2(rows.ok(), qPrintable(table));
        if (table == u"schema_migrations"_s)
            QCOMPARE(rows.value().toInt(), latestSchemaVersion()); // one row per migration
        else
            QCOMPARE(rows.value().toInt(), 0);
    }
    QCOMPARE(database.scalar(u"SELECT MAX(version) FROM schema_migrations"_s).value().toInt(), latestSchemaVersion());
}

void TestDatabase::reopenKeepsDataAndSchema()
{
    CORE_TEST_DATABASE(testDatabase);
    qint64 appliedAt = 0;
    {
        OPEN_DATABASE(database, testDatabase->location());
        QVERIFY(insertSetting(database, u"kept"_s, u"across restarts"_s).ok());
        appliedAt
            = database.scalar(u"SELECT applied_at FROM schema_migrations WHERE version = 1"_s).value().toLongLong();
        QVERIFY(appliedAt > 0);
    }
    OPEN_DATABASE(reopened, testDatabase->location());
    QCOMPARE(reopened.schemaVersion(), latestSchemaVersion());
    QCOMPARE(setting(reopened, u"kept"_s), u"across restarts"_s);
    // Each migration ran once: one row each, with its original time.
    QCOMPARE(reopened.scalar(u"SELECT COUNT(*) FROM schema_migrations"_s).value().toInt(), latestSchemaVersion());
    QCOMPARE(reopened.scalar(u"SELECT applied_at FROM schema_migrations WHERE version = 1"_s).value().toLongLong(),
             appliedAt);
}

// Most tokens have no authorization code; the index on tokens.code leaves them out (migration 7)
// and lookups by code still go through it on both engines.
void TestDatabase::codeIndexIsPartialAndUsed()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_DATABASE(database, testDatabase->location());

    const bool postgres = database.engine() == DatabaseEngine::Postgres;
    const Result<QVariant> definition = postgres
        ? database.scalar(u"SELECT indexdef FROM pg_indexes WHERE indexname = 'tokens_code'"_s)
        : database.scalar(u"SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'tokens_code'"_s);
    QVERIFY(definition.ok());
    QVERIFY2(
        definition.value().toString().contains(postgres ? u"WHERE (code IS NOT NULL)"_s : u"WHERE code IS NOT NULL"_s),
        qPrintable(definition.value().toString()));

    // An empty table makes a sequential scan cheapest on PostgreSQL; forbid it to see whether the
    // index can serve the lookup at all. QPSQL prepares what it runs and PostgreSQL cannot prepare
    // EXPLAIN, so a session-local function runs it there.
    const QString update = u"UPDATE tokens SET revoked_at = 1 WHERE code = 'c' AND revoked_at IS NULL"_s;
    if (postgres) {
        QVERIFY(database
                    .runScript({u"SET enable_seqscan = off"_s,
                                u"CREATE FUNCTION pg_temp.plan_of(statement text) RETURNS SETOF text "
                                "LANGUAGE plpgsql AS $$ DECLARE line text; BEGIN FOR line IN EXECUTE "
                                "'EXPLAIN ' || statement LOOP RETURN NEXT line; END LOOP; END $$"_s})
                    .ok());
    }
    const Result<QList<QSqlRecord>> plan = postgres ? database.all(u"SELECT pg_temp.plan_of(?)"_s, {update})
                                                    : database.all(u"EXPLAIN QUERY PLAN "_s + update);
    QVERIFY(plan.ok());
    QStringList lines;
    for (const QSqlRecord &row : plan.value())
        lines.append(row.value(row.count() - 1).toString());
    QVERIFY2(lines.join(u'\n').contains(u"tokens_code"_s), qPrintable(lines.join(u'\n')));
    if (postgres)
        QVERIFY(database.runScript({u"SET enable_seqscan = on"_s}).ok());
}

void TestDatabase::newerSchemaRefused()
{
    CORE_TEST_DATABASE(testDatabase);
    QString displayName;
    {
        OPEN_DATABASE(database, testDatabase->location());
        displayName = database.location().displayName();
        QVERIFY(database
                    .change(u"INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"_s,
                            {latestSchemaVersion() + 1, 0})
                    .ok());
        QVERIFY(insertSetting(database, u"written by"_s, u"a newer program"_s).ok());
    }
    const Result<std::unique_ptr<Database>> reopened = CoreTest::openDatabase(testDatabase->location());
    QVERIFY(!reopened.ok());
    const QString description = reopened.error().description;
    QCOMPARE(reopened.error().kind, ErrorKind::Storage);
    QVERIFY2(description.contains(u"schema version %1"_s.arg(latestSchemaVersion() + 1)), qPrintable(description));
    QVERIFY2(description.contains(u"newer"_s), qPrintable(description));
    QVERIFY2(description.contains(displayName), qPrintable(description));
    QVERIFY(!description.contains(u'\n'));
}

void TestDatabase::transactionCommitsAndRollsBack()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_DATABASE(database, testDatabase->location());

    const Status failed = database.transaction([&]() -> Status {
        if (Status inserted = insertSetting(database, u"doomed"_s, u"1"_s); !inserted)
            return inserted;
        // Inside the transaction the row is visible...
        if (setting(database, u"doomed"_s) != u"1"_s)
            return storageError(u"the row is not visible inside its transaction"_s);
        return storageError(u"the work failed"_s);
    });
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().description, u"the work failed"_s); // the work's own error comes back
    // ...and gone after the rollback.
    QVERIFY(setting(database, u"doomed"_s).isNull());

    const Status committed = database.transaction([&]() -> Status {
        if (Status inserted = insertSetting(database, u"kept"_s, u"1"_s); !inserted)
            return inserted;
        return insertSetting(database, u"also kept"_s, u"2"_s);
    });
    QVERIFY2(committed.ok(), qPrintable(committed.ok() ? QString() : committed.error().description));
    QCOMPARE(setting(database, u"kept"_s), u"1"_s);
    QCOMPARE(setting(database, u"also kept"_s), u"2"_s);
    QCOMPARE(database.scalar(u"SELECT COUNT(*) FROM settings"_s).value().toInt(), 2);
}

void TestDatabase::failedStatementRollsBack()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_DATABASE(database, testDatabase->location());
    QVERIFY(insertSetting(database, u"existing"_s, u"0"_s).ok());

    const Status failed = database.transaction([&]() -> Status {
        if (Status inserted = insertSetting(database, u"first"_s, u"1"_s); !inserted)
            return inserted;
        return insertSetting(database, u"existing"_s, u"duplicate key"_s); // fails: primary key
    });
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().kind, ErrorKind::Storage);
    QVERIFY(setting(database, u"first"_s).isNull());
    QCOMPARE(setting(database, u"existing"_s), u"0"_s);

    // The connection is usable again afterwards.
    QVERIFY(database.transaction([&] { return insertSetting(database, u"after"_s, u"2"_s); }).ok());
    QCOMPARE(setting(database, u"after"_s), u"2"_s);
}

void TestDatabase::nestedTransactionJoinsOuter()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_DATABASE(database, testDatabase->location());

    // The inner transaction succeeds, the outer fails: the inner work is rolled back with it.
    Status innerStatus = storageError(u"not run"_s);
    const Status outerFailed = database.transaction([&]() -> Status {
        if (Status inserted = insertSetting(database, u"outer"_s, u"1"_s); !inserted)
            return inserted;
        innerStatus = database.transaction([&] { return insertSetting(database, u"inner"_s, u"1"_s); });
        return storageError(u"outer failed after the inner commit"_s);
    });
    QVERIFY(innerStatus.ok());
    QVERIFY(!outerFailed.ok());
    QVERIFY(setting(database, u"outer"_s).isNull());
    QVERIFY(setting(database, u"inner"_s).isNull());

    // The inner transaction fails and the outer passes its error on: nothing is kept.
    const Status innerFailed = database.transaction([&]() -> Status {
        if (Status inserted = insertSetting(database, u"outer"_s, u"2"_s); !inserted)
            return inserted;
        return database.transaction([&]() -> Status {
            if (Status inserted = insertSetting(database, u"inner"_s, u"2"_s); !inserted)
                return inserted;
            return storageError(u"inner failed"_s);
        });
    });
    QVERIFY(!innerFailed.ok());
    QCOMPARE(innerFailed.error().description, u"inner failed"_s);
    QVERIFY(setting(database, u"outer"_s).isNull());
    QVERIFY(setting(database, u"inner"_s).isNull());

    // Both succeed: both are kept.
    const Status both = database.transaction([&]() -> Status {
        if (Status inserted = insertSetting(database, u"outer"_s, u"3"_s); !inserted)
            return inserted;
        return database.transaction([&] { return insertSetting(database, u"inner"_s, u"3"_s); });
    });
    QVERIFY(both.ok());
    QCOMPARE(setting(database, u"outer"_s), u"3"_s);
    QCOMPARE(setting(database, u"inner"_s), u"3"_s);
}

void TestDatabase::nullBinding()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_DATABASE(database, testDatabase->location());
    QVERIFY(database
                .runScript({u"CREATE TABLE binding_probe (label TEXT PRIMARY KEY, text_value TEXT, "
                            "number_value BIGINT)"_s})
                .ok());

    const auto insert = [&](const QString &label, const QVariant &text, const QVariant &number) {
        return database
            .change(u"INSERT INTO binding_probe (label, text_value, number_value) VALUES (?, ?, ?)"_s,
                    {label, text, number})
            .ok();
    };
    QVERIFY(insert(u"null QString"_s, QString(), qint64(0)));
    QVERIFY(insert(u"empty QString"_s, QString(u""_s), qint64(1)));
    QVERIFY(insert(u"nullable(null QString)"_s, Database::nullable(QString()), Database::nullable(7, true)));
    QVERIFY(insert(u"nullable(text)"_s, Database::nullable(u"text"_s), Database::nullable(7, false)));
    QVERIFY(insert(u"nullable(empty QString)"_s, Database::nullable(QString(u""_s)), Database::nullable(0, false)));

    const auto probe = [&](const QString &label) {
        const Result<std::optional<QSqlRecord>> row = database.one(
            u"SELECT CASE WHEN text_value IS NULL THEN 1 ELSE 0 END, text_value, "
            "CASE WHEN number_value IS NULL THEN 1 ELSE 0 END, number_value FROM binding_probe WHERE label = ?"_s,
            {label});
        if (!row || !row.value())
            qFatal("no probe row %s", qPrintable(label));
        return *row.value();
    };

    // A plain null QString is an empty string in the database: NULL is always a decision.
    QSqlRecord row = probe(u"null QString"_s);
    QCOMPARE(row.value(0).toInt(), 0);
    QCOMPARE(row.value(1).toString(), QString(u""_s));
    QCOMPARE(row.value(2).toInt(), 0);
    QCOMPARE(row.value(3).toLongLong(), 0);

    row = probe(u"empty QString"_s);
    QCOMPARE(row.value(0).toInt(), 0);
    QCOMPARE(row.value(3).toLongLong(), 1);

    row = probe(u"nullable(null QString)"_s);
    QCOMPARE(row.value(0).toInt(), 1);
    QCOMPARE(row.value(2).toInt(), 1);

    row = probe(u"nullable(text)"_s);
    QCOMPARE(row.value(0).toInt(), 0);
    QCOMPARE(row.value(1).toString(), u"text"_s);
    QCOMPARE(row.value(2).toInt(), 0);
    QCOMPARE(row.value(3).toLongLong(), 7);

    row = probe(u"nullable(empty QString)"_s);
    QCOMPARE(row.value(0).toInt(), 0);
    QCOMPARE(row.value(2).toInt(), 0);
    QCOMPARE(row.value(3).toLongLong(), 0);

    QCOMPARE(database.scalar(u"SELECT COUNT(*) FROM binding_probe WHERE text_value IS NULL"_s).value().toInt(), 1);
    QCOMPARE(database.scalar(u"SELECT COUNT(*) FROM binding_probe WHERE text_value = ?"_s, {QString()}).value().toInt(),
             3); // a null QString as a parameter also means ''
}

// Text is bound as UTF-8 on SQLite: what a client sends in any script comes back as it was, and
// the engine sees characters, not bytes (length() counts code points).
void TestDatabase::textRoundTrips()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_DATABASE(database, testDatabase->location());
    QVERIFY(database.runScript({u"CREATE TABLE text_probe (label TEXT PRIMARY KEY, value TEXT)"_s}).ok());

    const QStringList samples
        = {u"plain ASCII"_s, u"Ärztin Müller, São Paulo"_s, u"病院の患者"_s,
           u"emoji \U0001F9D1\u200D\u2695\uFE0F and a \u00A0 space"_s, u"quote ' and \" and \\ backslash"_s};
    for (qsizetype i = 0; i < samples.size(); ++i) {
        const QString label = u"sample %1"_s.arg(i);
        QVERIFY(database.change(u"INSERT INTO text_probe (label, value) VALUES (?, ?)"_s, {label, samples.at(i)}).ok());
        const Result<std::optional<QSqlRecord>> row
            = database.one(u"SELECT value, length(value) FROM text_probe WHERE label = ?"_s, {label});
        QVERIFY(row.ok() && row.value());
        QCOMPARE(row.value()->value(0).toString(), samples.at(i));
        QCOMPARE(row.value()->value(1).toLongLong(), qint64(samples.at(i).toUcs4().size()));
        // Found by its value, too: the bound text compares equal to the stored one.
        QCOMPARE(database.scalar(u"SELECT label FROM text_probe WHERE value = ?"_s, {samples.at(i)}).value().toString(),
                 label);
    }
}

void TestDatabase::queryHelpers()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_DATABASE(database, testDatabase->location());
    for (int i = 1; i <= 3; ++i)
        QVERIFY(insertSetting(database, u"key%1"_s.arg(i), QString::number(i * 10)).ok());

    const Result<QList<QSqlRecord>> all = database.all(u"SELECT key, value FROM settings ORDER BY key"_s);
    QVERIFY(all.ok());
    QCOMPARE(all.value().size(), 3);
    QCOMPARE(all.value().at(2).value(1).toString(), u"30"_s);

    const Result<std::optional<QSqlRecord>> none
        = database.one(u"SELECT key FROM settings WHERE key = ?"_s, {u"missing"_s});
    QVERIFY(none.ok());
    QVERIFY(!none.value().has_value());

    const Result<QVariant> missing = database.scalar(u"SELECT value FROM settings WHERE key = ?"_s, {u"missing"_s});
    QVERIFY(missing.ok());
    QVERIFY(!missing.value().isValid());

    const Result<int> changed = database.change(u"UPDATE settings SET value = ? WHERE key <> ?"_s, {u"x"_s, u"key1"_s});
    QVERIFY(changed.ok());
    QCOMPARE(changed.value(), 2);
    const Result<int> unchanged = database.change(u"DELETE FROM settings WHERE key = ?"_s, {u"missing"_s});
    QVERIFY(unchanged.ok());
    QCOMPARE(unchanged.value(), 0);

    // The same statement prepared once runs again with new values.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(setting(database, u"key1"_s), u"10"_s);
}

void TestDatabase::badStatementIsAnError()
{
    CORE_TEST_DATABASE(testDatabase);
    OPEN_DATABASE(database, testDatabase->location());

    const Result<QVariant> bad = database.scalar(u"SELECT missing_column FROM no_such_table"_s);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().kind, ErrorKind::Storage);
    QVERIFY(bad.error().description.contains(u"no_such_table"_s));
    QVERIFY(!bad.error().description.contains(u'\n'));
    // The connection still works.
    QVERIFY(insertSetting(database, u"after"_s, u"ok"_s).ok());
    QCOMPARE(setting(database, u"after"_s), u"ok"_s);
}

void TestDatabase::openFailures_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("mention"); // what the message names, so the user knows which database

    QTest::newRow("PostgreSQL port 1") << u"postgresql://sandbox:topsecret@127.0.0.1:1/portal"_s
                                       << u"postgresql://sandbox@127.0.0.1:1/portal"_s;
    const QString server = TestSupport::postgresServerUrl();
    if (!server.isEmpty()) {
        QUrl url(server);
        url.setPath(u"/sandbox_no_such_database"_s);
        QTest::newRow("PostgreSQL database missing") << url.toString() << u"/sandbox_no_such_database"_s;
    }
    const QString file = m_dir.filePath(u"a-file"_s);
    QTest::newRow("SQLite under a file") << file + u"/sub/sandbox.sqlite"_s << file;
    const QString folder = m_dir.filePath(u"a-folder"_s);
    QTest::newRow("SQLite path is a folder") << folder << folder;
    QTest::newRow("SQLite in /proc") << u"/proc/sandbox-test.sqlite"_s << u"/proc"_s;
}

void TestDatabase::openFailures()
{
    QFETCH(QString, spec);
    QFETCH(QString, mention);

    const Result<std::unique_ptr<Database>> database = CoreTest::openDatabase(spec);
    QVERIFY(!database.ok());
    const QString description = database.error().description;
    QCOMPARE(database.error().kind, ErrorKind::Storage);
    QVERIFY2(description.contains(mention), qPrintable(description));
    QVERIFY2(!description.contains(u'\n'), qPrintable(description));
    QVERIFY2(!description.contains(u"topsecret"_s), qPrintable(description));
    QVERIFY2(!description.trimmed().endsWith(u':'), qPrintable(description)); // says why, not just where
}

void TestDatabase::postgresConnectionLost()
{
    // A team sandbox runs for days; PostgreSQL may restart or drop idle connections meanwhile.
    if (TestSupport::postgresServerUrl().isEmpty())
        QSKIP("SANDBOX_TEST_POSTGRES_URL is not set (scripts/postgres.sh start prints one); CI sets it");
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Postgres);
    QVERIFY2(testDatabase.isAvailable(), qPrintable(testDatabase.error()));
    OPEN_DATABASE(database, testDatabase.location());
    QVERIFY(insertSetting(database, u"before"_s, u"1"_s).ok());

    // End the sandbox's server connection from outside, as a server restart would.
    const QUrl server(TestSupport::postgresServerUrl());
    const QString admin = u"tst_database-admin"_s;
    int terminated = 0;
    {
        QSqlDatabase connection = QSqlDatabase::addDatabase(u"QPSQL"_s, admin);
        connection.setHostName(server.host());
        connection.setPort(server.port(5432));
        connection.setUserName(server.userName());
        connection.setPassword(server.password());
        connection.setDatabaseName(server.path().mid(1).isEmpty() ? u"postgres"_s : server.path().mid(1));
        QVERIFY2(connection.open(), qPrintable(connection.lastError().text()));
        QSqlQuery query(connection);
        QVERIFY(query.exec(u"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%1'"_s.arg(
            database.location().name)));
        while (query.next())
            terminated += query.value(0).toBool() ? 1 : 0;
        connection.close();
    }
    QSqlDatabase::removeDatabase(admin);
    QCOMPARE(terminated, 1);

    // The statement that meets the dead connection may fail; the database must not stay broken.
    (void)database.scalar(u"SELECT value FROM settings WHERE key = ?"_s, {u"before"_s});
    const Result<QVariant> after = database.scalar(u"SELECT value FROM settings WHERE key = ?"_s, {u"before"_s});
    // The closed connection is opened again on the next statement.
    QVERIFY2(after.ok(), qPrintable(after.ok() ? QString() : after.error().description));
    QCOMPARE(after.value().toString(), u"1"_s);
    QVERIFY(insertSetting(database, u"after"_s, u"2"_s).ok());
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
