// SPDX-License-Identifier: Apache-2.0
// Database used from several threads, as the request log's writer uses it: each thread has its
// own connection, closed when the thread is done with it; on a SQLite file, transactions of
// different threads take turns instead of failing with "database is locked" (a transaction that
// read first could not write after another connection's commit); WAL checkpoints can be left to
// one thread.

#include "coretestdatabase.h"
#include "storage/database.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace Qt::StringLiterals;

namespace {

// A transaction that reads, then writes what it read: the shape that fails under SQLite's
// deferred transactions when another connection commits in between.
Status readThenWrite(const Database &database, const QString &key)
{
    return database.transaction([&]() -> Status {
        Result<QVariant> count = database.scalar(u"SELECT COUNT(*) FROM settings"_s);
        if (!count)
            return count.error();
        Result<int> inserted
            = database.change(u"INSERT INTO settings (key, value) VALUES (?, ?)"_s, {key, count.value().toString()});
        if (!inserted)
            return inserted.error();
        Result<int> updated = database.change(u"UPDATE settings SET value = value || '.' WHERE key = ?"_s, {key});
        if (!updated)
            return updated.error();
        return Done{};
    });
}

} // namespace

class TestDatabaseThreads final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void concurrentTransactions_data() { CoreTest::addEngineData(); }
    void concurrentTransactions();
    void threadConnectionIsClosed_data() { CoreTest::addEngineData(); }
    void threadConnectionIsClosed();
    void checkpointsOnOneThread();
    void restartGivesWayToReaders();
};

void TestDatabaseThreads::concurrentTransactions()
{
    CORE_TEST_DATABASE(testDatabase);
    Result<std::unique_ptr<Database>> opened = CoreTest::openDatabase(testDatabase->location());
    QVERIFY(opened.ok());
    const Database &database = *opened.value();

    constexpr int rounds = 150;
    std::atomic<int> workerFailures{0};
    QString workerError;
    QThread *worker = QThread::create([&] {
        for (int i = 0; i < rounds; ++i) {
            const Status status = readThenWrite(database, u"worker-%1"_s.arg(i));
            if (!status && workerFailures.fetch_add(1) == 0)
                workerError = status.error().description;
            // Writes outside a transaction take turns too.
            if (!database.change(u"UPDATE settings SET value = 'w' WHERE key = ?"_s, {u"worker-%1"_s.arg(i)}))
                workerFailures.fetch_add(1);
        }
        database.closeConnection();
    });
    worker->start();
    int failures = 0;
    QString error;
    for (int i = 0; i < rounds; ++i) {
        const Status status = readThenWrite(database, u"main-%1"_s.arg(i));
        if (!status && failures++ == 0)
            error = status.error().description;
    }
    QVERIFY(worker->wait(120'000));
    delete worker;
    QVERIFY2(failures == 0, qPrintable(error));
    QVERIFY2(workerFailures == 0, qPrintable(workerError));
    QCOMPARE(database.scalar(u"SELECT COUNT(*) FROM settings WHERE key LIKE 'main-%' OR key LIKE 'worker-%'"_s)
                 .value()
                 .toInt(),
             2 * rounds);
}

void TestDatabaseThreads::threadConnectionIsClosed()
{
    CORE_TEST_DATABASE(testDatabase);
    Result<std::unique_ptr<Database>> opened = CoreTest::openDatabase(testDatabase->location());
    QVERIFY(opened.ok());
    const Database &database = *opened.value();
    const qsizetype before = QSqlDatabase::connectionNames().size();

    // Several threads one after the other (thread ids may be reused): each gets a working
    // connection of its own and gives it back.
    for (int i = 0; i < 3; ++i) {
        bool inserted = false;
        qsizetype during = 0;
        QThread *thread = QThread::create([&] {
            inserted
                = database.change(u"INSERT INTO settings (key, value) VALUES (?, 'x')"_s, {u"thread-%1"_s.arg(i)}).ok();
            during = QSqlDatabase::connectionNames().size();
            database.closeConnection();
        });
        thread->start();
        QVERIFY(thread->wait(60'000));
        delete thread;
        QVERIFY(inserted);
        QCOMPARE(during, before + 1);
        QCOMPARE(QSqlDatabase::connectionNames().size(), before);
    }
    QCOMPARE(database.scalar(u"SELECT COUNT(*) FROM settings WHERE key LIKE 'thread-%'"_s).value().toInt(), 3);
}

void TestDatabaseThreads::checkpointsOnOneThread()
{
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Sqlite);
    Result<std::unique_ptr<Database>> opened = CoreTest::openDatabase(testDatabase.location());
    QVERIFY(opened.ok());
    const Database &database = *opened.value();
    QCOMPARE(database.scalar(u"PRAGMA wal_autocheckpoint"_s).value().toInt(), 1000);
    QVERIFY(database.setAutoCheckpoint(false).ok());
    QCOMPARE(database.scalar(u"PRAGMA wal_autocheckpoint"_s).value().toInt(), 0);
    for (int i = 0; i < 50; ++i)
        QVERIFY(database.change(u"INSERT INTO settings (key, value) VALUES (?, ?)"_s, {i, QString(2000, u'x')}).ok());
    QVERIFY(database.checkpoint().ok());
    // Everything in the WAL has been copied into the database file.
    const std::optional<QSqlRecord> state = database.one(u"PRAGMA wal_checkpoint(PASSIVE)"_s).value();
    QVERIFY(state);
    QCOMPARE(state->value(1).toInt(), state->value(2).toInt());
    QVERIFY(database.setAutoCheckpoint(true).ok());
    QCOMPARE(database.scalar(u"PRAGMA wal_autocheckpoint"_s).value().toInt(), 1000);

    // Elsewhere these are no-ops.
    Result<std::unique_ptr<Database>> memory = CoreTest::openDatabase(u":memory:"_s);
    QVERIFY(memory.ok());
    QVERIFY(memory.value()->setAutoCheckpoint(false).ok());
    QVERIFY(memory.value()->checkpoint().ok());
}

void TestDatabaseThreads::restartGivesWayToReaders()
{
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Sqlite);
    Result<std::unique_ptr<Database>> opened = CoreTest::openDatabase(testDatabase.location());
    QVERIFY(opened.ok());
    const Database &database = *opened.value();
    QVERIFY(database.setAutoCheckpoint(false).ok());
    for (int i = 0; i < 50; ++i)
        QVERIFY(database.change(u"INSERT INTO settings (key, value) VALUES (?, ?)"_s, {i, QString(2000, u'x')}).ok());

    {
        // Another connection in the middle of a read: TRUNCATE cannot finish and says so at once,
        // rather than sleeping in SQLite's busy handler while this process's writers wait.
        QSqlDatabase reader = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"reader"_s);
        reader.setDatabaseName(DatabaseLocation::parse(testDatabase.location()).value().sqlitePath);
        QVERIFY(reader.open());
        QSqlQuery read(reader);
        QVERIFY(read.exec(u"BEGIN"_s));
        QVERIFY(read.exec(u"SELECT COUNT(*) FROM settings"_s));
        QVERIFY(read.next());
        Result<Database::WalState> blocked = database.checkpoint(true);
        QVERIFY(blocked.ok());
        QVERIFY(blocked.value().busy);
        QVERIFY(blocked.value().frames > 0);
        // The connection waits for other connections' locks as before.
        QCOMPARE(database.scalar(u"PRAGMA busy_timeout"_s).value().toInt(), 5000);
        read.finish();
        QVERIFY(read.exec(u"COMMIT"_s));
        read = QSqlQuery();
        reader.close();
    }
    QSqlDatabase::removeDatabase(u"reader"_s);

    const qint64 framesBefore = database.checkpoint().value().frames;
    Result<Database::WalState> restarted = database.checkpoint(true);
    QVERIFY(restarted.ok());
    QVERIFY(!restarted.value().busy);
    QCOMPARE(restarted.value().frames, 0); // the WAL file is empty
    // The next write starts the WAL from its beginning instead of appending to it.
    QVERIFY(database.change(u"INSERT INTO settings (key, value) VALUES ('after', 'x')"_s).ok());
    Result<Database::WalState> after = database.checkpoint();
    QVERIFY(after.ok());
    QVERIFY2(after.value().frames < framesBefore,
             qPrintable(u"%1 frames after the restart, %2 before"_s.arg(after.value().frames).arg(framesBefore)));
}

QTEST_GUILESS_MAIN(TestDatabaseThreads)
#include "tst_databasethreads.moc"
