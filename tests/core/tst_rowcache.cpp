// SPDX-License-Identifier: Apache-2.0
// What makes a cached row trustworthy: the database's DataStamp. Every statement that may change
// or remove rows, every rollback and every commit on another connection (another thread, another
// process) changes it; reads and plain INSERTs do not, so the request path keeps its caches.
// PostgreSQL gives no stamp, and RowCache then holds nothing.

#include "coretestdatabase.h"
#include "storage/database.h"
#include "storage/rowcache.h"

#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

class TestRowCache final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generation_data();
    void generation();
    void rollbackChangesTheStamp();
    void otherConnectionChangesTheStamp();
    void walUpkeepKeepsTheStamp();
    void noStampOnPostgres();
    void cacheFollowsTheStamp();
};

void TestRowCache::generation_data()
{
    QTest::addColumn<QString>("location");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<bool>("changes");

    const QString file = u"file"_s;
    for (const QString &location : {u":memory:"_s, file}) {
        const QByteArray prefix = location.toUtf8();
        const auto row = [&](const char *name, const QString &sql, bool changes) {
            QTest::addRow("%s: %s", prefix.constData(), name) << location << sql << changes;
        };
        row("select", u"SELECT value FROM settings WHERE key = 'a'"_s, false);
        row("plain insert", u"INSERT INTO settings (key, value) VALUES ('new', 'x')"_s, false);
        row("update", u"UPDATE settings SET value = 'y' WHERE key = 'a'"_s, true);
        row("update of no row", u"UPDATE settings SET value = 'y' WHERE key = 'missing'"_s, false);
        row("delete", u"DELETE FROM settings WHERE key = 'a'"_s, true);
        row("upsert",
            u"INSERT INTO settings (key, value) VALUES ('a', 'z') ON CONFLICT (key) DO UPDATE SET value = 'z'"_s, true);
    }
}

void TestRowCache::generation()
{
    QFETCH(QString, location);
    QFETCH(QString, sql);
    QFETCH(bool, changes);

    std::unique_ptr<TestSupport::TestDatabase> testDatabase;
    if (location == u"file"_s) {
        testDatabase = std::make_unique<TestSupport::TestDatabase>(TestSupport::TestDatabase::Engine::Sqlite);
        location = testDatabase->location();
    }
    OPEN_DATABASE(database, location);
    QVERIFY(database.change(u"INSERT INTO settings (key, value) VALUES ('a', 'x')"_s).ok());

    const std::optional<DataStamp> before = database.dataStamp();
    QVERIFY(before);
    QVERIFY(database.change(sql).ok());
    const std::optional<DataStamp> after = database.dataStamp();
    QVERIFY(after);
    QCOMPARE(*after != *before, changes);
    QCOMPARE(database.writeGeneration() != before->generation, changes);

    // A script may do anything.
    QVERIFY(database.runScript({u"SELECT 1"_s}).ok());
    QVERIFY(*database.dataStamp() != *after);
}

void TestRowCache::rollbackChangesTheStamp()
{
    OPEN_DATABASE(database, u":memory:"_s);
    const std::optional<DataStamp> before = database.dataStamp();
    const Status failed = database.transaction([&]() -> Status {
        if (Result<int> inserted = database.change(u"INSERT INTO settings (key, value) VALUES ('a', 'x')"_s); !inserted)
            return inserted.error();
        return badRequest(u"test"_s, u"taken back"_s);
    });
    QVERIFY(!failed.ok());
    // A cache may have read the inserted row inside the transaction.
    QVERIFY(*database.dataStamp() != *before);

    const std::optional<DataStamp> committed = database.dataStamp();
    QVERIFY(database
                .transaction([&]() -> Status {
                    if (Result<int> inserted
                        = database.change(u"INSERT INTO settings (key, value) VALUES ('b', 'x')"_s);
                        !inserted)
                        return inserted.error();
                    return Done{};
                })
                .ok());
    QCOMPARE(*database.dataStamp(), *committed); // a committed plain INSERT changes nothing cached
}

void TestRowCache::otherConnectionChangesTheStamp()
{
    // Another process (here: another Database on the same file) writes; this one must see it.
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Sqlite);
    OPEN_DATABASE(database, testDatabase.location());
    OPEN_DATABASE(other, testDatabase.location());
    QVERIFY(database.change(u"INSERT INTO settings (key, value) VALUES ('a', 'x')"_s).ok());

    const std::optional<DataStamp> before = database.dataStamp();
    QVERIFY(before);
    QCOMPARE(*database.dataStamp(), *before);
    QVERIFY(other.change(u"INSERT INTO settings (key, value) VALUES ('b', 'y')"_s).ok());
    const std::optional<DataStamp> after = database.dataStamp();
    QVERIFY(after);
    QVERIFY(*after != *before);
    QCOMPARE(after->generation, before->generation); // not this Database's own write
}

void TestRowCache::walUpkeepKeepsTheStamp()
{
    // The request log's thread turns off automatic checkpoints on its connection when it starts, and
    // copies the WAL into the file later: neither changes a row, so neither may empty the caches.
    // (It once took the write turn for the first and changed the stamp, at whatever moment the
    // thread happened to start.)
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Sqlite);
    OPEN_DATABASE(database, testDatabase.location());
    for (int i = 0; i < 20; ++i)
        QVERIFY(database.change(u"INSERT INTO settings (key, value) VALUES (?, 'x')"_s, {i}).ok());
    const std::optional<DataStamp> before = database.dataStamp();
    QVERIFY(before);
    QVERIFY(database.setAutoCheckpoint(false).ok());
    QCOMPARE(*database.dataStamp(), *before);

    bool upkept = false;
    std::unique_ptr<QThread> thread(QThread::create([&] {
        upkept = database.setAutoCheckpoint(false).ok() && database.checkpoint().ok()
            && database.setAutoCheckpoint(true).ok();
        database.closeConnection();
    }));
    thread->start();
    QVERIFY(thread->wait());
    QVERIFY(upkept);
    QCOMPARE(*database.dataStamp(), *before);
    QVERIFY(database.setAutoCheckpoint(true).ok());
    QCOMPARE(*database.dataStamp(), *before);
}

void TestRowCache::noStampOnPostgres()
{
    const std::unique_ptr<TestSupport::TestDatabase> testDatabase = CoreTest::makeDatabase(u"postgres"_s);
    if (!testDatabase->isAvailable())
        QSKIP("SANDBOX_TEST_POSTGRES_URL is not set (scripts/postgres.sh start prints one); CI sets it");
    OPEN_DATABASE(database, testDatabase->location());
    QVERIFY(!database.dataStamp());

    RowCache<int> cache;
    QVERIFY(!cache.find(u"a"_s, database.dataStamp()));
    cache.insert(u"a"_s, 1, database.dataStamp());
    QCOMPARE(cache.size(), 0);
    QVERIFY(!cache.find(u"a"_s, database.dataStamp()));
}

void TestRowCache::cacheFollowsTheStamp()
{
    OPEN_DATABASE(database, u":memory:"_s);
    QVERIFY(database.change(u"INSERT INTO settings (key, value) VALUES ('a', 'x')"_s).ok());
    RowCache<QString> cache;

    std::optional<DataStamp> stamp = database.dataStamp();
    QVERIFY(!cache.find(u"a"_s, stamp));
    cache.insert(u"a"_s, u"x"_s, stamp);
    QCOMPARE(*cache.find(u"a"_s, database.dataStamp()), u"x"_s);

    // A change empties the cache; a value read under the old stamp is not kept.
    QVERIFY(database.change(u"UPDATE settings SET value = 'y' WHERE key = 'a'"_s).ok());
    QVERIFY(!cache.find(u"a"_s, database.dataStamp()));
    QCOMPARE(cache.size(), 0);
    cache.insert(u"a"_s, u"x"_s, stamp);
    QCOMPARE(cache.size(), 0);

    // Full: starts again empty.
    stamp = database.dataStamp();
    QVERIFY(!cache.find(u"k"_s, stamp));
    for (int i = 0; i < RowCache<QString>::s_maxEntries; ++i)
        cache.insert(QString::number(i), u"v"_s, stamp);
    QCOMPARE(cache.size(), RowCache<QString>::s_maxEntries);
    cache.insert(u"one more"_s, u"v"_s, stamp);
    QCOMPARE(cache.size(), 1);
}

QTEST_GUILESS_MAIN(TestRowCache)
#include "tst_rowcache.moc"
