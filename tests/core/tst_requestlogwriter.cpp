// SPDX-License-Identifier: Apache-2.0
// Where and when the request log is written: on a thread of its own for a SQLite file and for
// PostgreSQL, so that a slow or locked database never holds up the thread that answers; in that
// thread, in short batches, for ":memory:". In both cases: entries keep their order and get
// dense ids, flush() returns only once everything is stored, the cap and the NDJSON file work,
// and clearing drops what is still on its way.

#include "coretestdatabase.h"
#include "server/requestlog.h"
#include "server/requestlogwriter.h"
#include "storage/database.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <array>
#include <cstring>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

RequestLogEntry entry(int number)
{
    RequestLogEntry entry;
    entry.startedAtMs = TestSupport::s_epochMs + number;
    entry.remoteAddress = u"127.0.0.1"_s;
    entry.method = u"GET"_s;
    entry.path = u"/r/%1"_s.arg(number);
    entry.status = 200;
    entry.requestHeaders = {{"Host", "localhost"}};
    entry.responseBody = "{\"n\":" + QByteArray::number(number) + "}";
    entry.responseBodySize = entry.responseBody.size();
    return entry;
}

Result<std::unique_ptr<Database>> openAt(const QString &spec)
{
    Result<DatabaseLocation> location = DatabaseLocation::parse(spec);
    if (!location)
        return location.error();
    return Database::open(location.value());
}

// The WAL's frame count and how many of them are copied into the database file, read from the
// WAL index (the "-shm" file, https://sqlite.org/walformat.html) without a checkpoint of our own:
// mxFrame is the u32 at byte 16 of the index header, nBackfill the u32 that follows its two
// 48-byte copies. Both are in the machine's byte order.
struct WalIndex
{
    quint32 frames = 0;
    quint32 copied = 0;
};
std::optional<WalIndex> readWalIndex(const QString &databasePath)
{
    QFile shm(databasePath + u"-shm"_s);
    if (!shm.open(QIODevice::ReadOnly))
        return std::nullopt;
    std::array<char, 100> header{};
    if (shm.read(header.data(), qint64(header.size())) != qint64(header.size()))
        return std::nullopt;
    WalIndex index;
    std::memcpy(&index.frames, header.data() + 16, sizeof index.frames);
    std::memcpy(&index.copied, header.data() + 96, sizeof index.copied);
    return index;
}

// Records `count` more entries with response bodies of `bytes` bytes, numbered on from `number`,
// and writes them: whether that worked.
bool recordBatch(RequestLog &log, int &number, int count, qsizetype bytes)
{
    for (int i = 0; i < count; ++i) {
        RequestLogEntry big = entry(++number);
        big.responseBody = QByteArray(bytes, 'x');
        big.responseBodySize = big.responseBody.size();
        log.record(std::move(big));
    }
    return log.flush().ok();
}

int sum(const QSignalSpy &spy)
{
    int total = 0;
    for (const QList<QVariant> &arguments : spy)
        total += arguments.at(0).toInt();
    return total;
}

} // namespace

// `database` and `log` on a fresh database: the row's engine, or ":memory:" for the "memory" row.
#define OPEN_LOG() \
    QFETCH(QString, engine); \
    std::unique_ptr<TestSupport::TestDatabase> testDatabase; \
    QString spec = u":memory:"_s; \
    if (engine != u"memory"_s) { \
        testDatabase = CoreTest::makeDatabase(engine); \
        if (!testDatabase->isAvailable() && TestSupport::postgresServerUrl().isEmpty()) \
            QSKIP("SANDBOX_TEST_POSTGRES_URL is not set (scripts/postgres.sh start prints one); CI sets it"); \
        QVERIFY2(testDatabase->isAvailable(), qPrintable(testDatabase->error())); \
        spec = testDatabase->location(); \
    } \
    Result<std::unique_ptr<Database>> opened = openAt(spec); \
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().description)); \
    Database &database = *opened.value(); \
    auto log = std::make_unique<RequestLog>(database);

class TestRequestLogWriter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writerThread_data();
    void writerThread();
    void lockedDatabaseDoesNotBlock();
    void orderAndDenseIds_data() { allEngines(); }
    void orderAndDenseIds();
    void flushWaitsForTheWriter_data() { allEngines(); }
    void flushWaitsForTheWriter();
    void fullBatchIsHandedOverAtOnce_data() { allEngines(); }
    void fullBatchIsHandedOverAtOnce();
    void loggedCountWhileWriting_data() { allEngines(); }
    void loggedCountWhileWriting();
    void capAndFile_data() { allEngines(); }
    void capAndFile();
    void clearDropsWhatIsOnItsWay_data() { allEngines(); }
    void clearDropsWhatIsOnItsWay();
    void destroyingWritesEverything();
    void walStartsOverWhenIdle();
    void walIsCopiedWhenIdle();
    void ownFileIsCopiedWhenIdle();
    void forcedRestartWaitsForAQuickDisk_data();
    void forcedRestartWaitsForAQuickDisk();

private:
    static void allEngines()
    {
        CoreTest::addEngineData();
        QTest::addRow("memory") << u"memory"_s;
    }
};

void TestRequestLogWriter::writerThread_data()
{
    allEngines();
}

void TestRequestLogWriter::writerThread()
{
    const int connectionsBefore = int(QSqlDatabase::connectionNames().size());
    {
        OPEN_LOG();
        if (engine == u"memory"_s) {
            // ":memory:" is one connection: a second one would be a different, empty database.
            QVERIFY(database.isInMemory());
            QCOMPARE(log->writerThread(), nullptr);
        } else {
            QVERIFY(log->writerThread());
            QVERIFY(log->writerThread() != QThread::currentThread());
            QVERIFY(log->writerThread()->isRunning());
        }
        log->record(entry(1));
        QVERIFY(log->flush().ok());
        QCOMPARE(log->storedCount().value(), qint64(1));
        // The writer's connection is its own.
        QCOMPARE(int(QSqlDatabase::connectionNames().size()), connectionsBefore + (engine == u"memory"_s ? 1 : 2));
        log.reset();
        // Stopping the writer closes its connection.
        QCOMPARE(int(QSqlDatabase::connectionNames().size()), connectionsBefore + 1);
    }
    QCOMPARE(int(QSqlDatabase::connectionNames().size()), connectionsBefore);
}

void TestRequestLogWriter::lockedDatabaseDoesNotBlock()
{
    // Another process holds the SQLite file's write lock (here: a connection of the test's own).
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Sqlite);
    Result<std::unique_ptr<Database>> opened = openAt(testDatabase.location());
    QVERIFY(opened.ok());
    Database &database = *opened.value();
    RequestLog log(database);
    log.setFlushInterval(0);
    QSignalSpy stored(&log, &RequestLog::requestsStored);

    const QString name = u"tst-requestlogwriter-locker"_s;
    {
        QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        other.setDatabaseName(testDatabase.location());
        QVERIFY(other.open());
        QSqlQuery lock(other);
        QVERIFY2(lock.exec(u"BEGIN IMMEDIATE"_s), qPrintable(lock.lastError().text()));

        for (int i = 1; i <= 3; ++i)
            log.record(entry(i));
        // The batch is handed over on the next turn of the event loop; the writer then waits for
        // the lock (busy_timeout), and this thread goes on answering meanwhile.
        QTRY_COMPARE(log.heldBackCount(), 0);
        QCOMPARE(log.pendingCount(), 3);
        QCOMPARE(stored.count(), 0);

        QVERIFY(lock.exec(u"ROLLBACK"_s));
        QTRY_COMPARE(sum(stored), 3);
        QCOMPARE(log.pendingCount(), 0);
        QCOMPARE(log.storedCount().value(), qint64(3));
        other.close();
    }
    QSqlDatabase::removeDatabase(name);
}

void TestRequestLogWriter::orderAndDenseIds()
{
    OPEN_LOG();
    log->setFlushInterval(0);
    QSignalSpy stored(log.get(), &RequestLog::requestsStored);
    // Several hand-overs, each written as multi-row INSERTs of 64, 32, ... rows.
    constexpr int count = 777;
    for (int i = 1; i <= count; ++i) {
        log->record(entry(i));
        if (i % 100 == 0)
            QCoreApplication::processEvents();
    }
    QVERIFY(log->flush().ok());
    QCOMPARE(sum(stored), count);
    const QList<RequestLogEntry> entries = log->newest(count).value();
    QCOMPARE(entries.size(), count);
    for (int i = 0; i < count; ++i) {
        QCOMPARE(entries.at(i).path, u"/r/%1"_s.arg(i + 1));
        QCOMPARE(entries.at(i).id, entries.at(0).id + i);
        QCOMPARE(entries.at(i).responseBody, entry(i + 1).responseBody);
    }
}

void TestRequestLogWriter::flushWaitsForTheWriter()
{
    OPEN_LOG();
    log->setFlushInterval(0);
    for (int round = 1; round <= 20; ++round) {
        for (int i = 0; i < round * 7; ++i)
            log->record(entry(i));
        QCoreApplication::processEvents(); // hands some over; the writer may be busy with them
        for (int i = 0; i < round; ++i)
            log->record(entry(i));
        // No event loop in between: flush() itself waits until all of it is stored.
        QVERIFY(log->flush().ok());
        QCOMPARE(log->pendingCount(), 0);
        QCOMPARE(log->storedCount().value(), qint64(4 * round * (round + 1)));
    }
}

void TestRequestLogWriter::fullBatchIsHandedOverAtOnce()
{
    OPEN_LOG();
    log->setFlushInterval(60'000); // only a full batch may start a write within this test
    QSignalSpy stored(log.get(), &RequestLog::requestsStored);
    const qsizetype full = log->writerThread() ? RequestLog::s_batchSize : RequestLog::s_inlineBatchSize;
    for (int i = 1; i < full; ++i)
        log->record(entry(i));
    QCoreApplication::processEvents();
    QCOMPARE(stored.count(), 0);
    log->record(entry(int(full)));
    QCOMPARE(log->storedCount().value(), qint64(0)); // never inside record(), which runs in an answer
    QTRY_COMPARE(sum(stored), int(full));
    QCOMPARE(log->pendingCount(), 0);
    QCOMPARE(log->storedCount().value(), qint64(full));

    if (!log->writerThread()) {
        // ":memory:": a backlog goes in short writes, one per turn of the event loop.
        stored.clear();
        for (int i = 1; i <= 3 * int(full) + 7; ++i)
            log->record(entry(i));
        QTRY_COMPARE(sum(stored), 3 * int(full) + 7);
        for (const QList<QVariant> &arguments : std::as_const(stored))
            QVERIFY(arguments.at(0).toInt() <= RequestLog::s_inlineBatchSize);
    }
}

void TestRequestLogWriter::loggedCountWhileWriting()
{
    OPEN_LOG();
    log->setFlushInterval(0);
    for (int i = 1; i <= 500; ++i) {
        log->record(entry(i));
        if (i % 50 == 0) {
            QCoreApplication::processEvents(); // batches go to the writer while we count
            QCOMPARE(log->loggedCount().value(), qint64(i));
        }
    }
}

void TestRequestLogWriter::capAndFile()
{
    OPEN_LOG();
    QTemporaryDir dir;
    const QString fileName = dir.filePath(u"requests.ndjson"_s);
    QVERIFY(log->setLogFile(fileName).ok());
    log->setCap(100);
    log->setFlushInterval(0);
    for (int i = 1; i <= 450; ++i) {
        log->record(entry(i));
        if (i % 60 == 0)
            QCoreApplication::processEvents();
    }
    QVERIFY(log->flush().ok());
    QCOMPARE(log->storedCount().value(), qint64(100));
    const QList<RequestLogEntry> kept = log->newest(1000).value();
    QCOMPARE(kept.first().path, u"/r/351"_s);
    QCOMPARE(kept.last().path, u"/r/450"_s);

    // The file has every entry, in order, each with the id the database gave it.
    QFile file(fileName);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 450);
    qint64 previousId = 0;
    for (int i = 0; i < lines.size(); ++i) {
        const QJsonObject object = QJsonDocument::fromJson(lines.at(i)).object();
        QCOMPARE(object.value(u"path"_s).toString(), u"/r/%1"_s.arg(i + 1));
        const qint64 id = object.value(u"id"_s).toInteger();
        QVERIFY(id > previousId);
        previousId = id;
    }
    QCOMPARE(previousId, kept.last().id);
}

void TestRequestLogWriter::clearDropsWhatIsOnItsWay()
{
    OPEN_LOG();
    QSignalSpy cleared(log.get(), &RequestLog::cleared);
    log->setFlushInterval(0);
    for (int round = 0; round < 10; ++round) {
        for (int i = 1; i <= 300; ++i)
            log->record(entry(i));
        QCoreApplication::processEvents(); // a batch may be on its way or being written
        log->record(entry(0)); // and one still here
        QVERIFY(log->clear().ok());
        QCOMPARE(log->pendingCount(), 0);
        QCOMPARE(log->storedCount().value(), qint64(0));
        QVERIFY(log->flush().ok());
        QCOMPARE(log->storedCount().value(), qint64(0));
    }
    QCOMPARE(cleared.count(), 10);
    log->record(entry(1));
    QVERIFY(log->flush().ok());
    QCOMPARE(log->storedCount().value(), qint64(1));
}

void TestRequestLogWriter::destroyingWritesEverything()
{
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Sqlite);
    Result<std::unique_ptr<Database>> opened = openAt(testDatabase.location());
    QVERIFY(opened.ok());
    {
        RequestLog log(*opened.value());
        log.setFlushInterval(0);
        for (int i = 1; i <= 1000; ++i)
            log.record(entry(i));
        QCoreApplication::processEvents();
    }
    RequestLog reopened(*opened.value());
    QCOMPARE(reopened.storedCount().value(), qint64(1000));
}

void TestRequestLogWriter::walStartsOverWhenIdle()
{
    // While another connection reads, no checkpoint can finish and the WAL only grows (as under
    // steady load). Once the writer has seen it pass s_walRestartFrames and the reader has gone,
    // the writer empties the WAL at its next idle moment.
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Sqlite);
    Result<std::unique_ptr<Database>> opened = openAt(testDatabase.location());
    QVERIFY(opened.ok());
    Database &database = *opened.value();
    auto log = std::make_unique<RequestLog>(database);
    log->setFlushInterval(0);
    const auto walFrames = [&database] {
        const std::optional<QSqlRecord> state = database.one(u"PRAGMA wal_checkpoint(PASSIVE)"_s).value();
        return state ? state->value(1).toLongLong() : -1;
    };
    int number = 0;
    {
        QSqlDatabase reader = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"reader"_s);
        reader.setDatabaseName(DatabaseLocation::parse(testDatabase.location()).value().sqlitePath);
        QVERIFY(reader.open());
        QSqlQuery read(reader);
        QVERIFY(read.exec(u"BEGIN"_s));
        QVERIFY(read.exec(u"SELECT COUNT(*) FROM request_log"_s));
        QVERIFY(read.next());
        while (walFrames() < RequestLogWriter::s_walRestartFrames)
            QVERIFY(recordBatch(*log, number, 200, 8000));
        read.finish();
        QVERIFY(read.exec(u"COMMIT"_s));
        read = QSqlQuery();
        reader.close();
    }
    QSqlDatabase::removeDatabase(u"reader"_s);
    const QString walFile = DatabaseLocation::parse(testDatabase.location()).value().sqlitePath + u"-wal"_s;
    QVERIFY(QFileInfo(walFile).size() >= RequestLogWriter::s_walRestartFrames * 4096);
    QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(walFile).size(), qint64(0), 10'000);
    QCOMPARE(log->storedCount().value(), qint64(number));
}

void TestRequestLogWriter::walIsCopiedWhenIdle()
{
    // Under load the writer runs at most one checkpoint per s_checkpointIntervalMs, so batches
    // written in quick succession leave pages in the WAL that only it has. Once nothing more is
    // logged, the writer copies them all, so that the next write starts the WAL over, without
    // anybody writing or checkpointing meanwhile.
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Sqlite);
    Result<std::unique_ptr<Database>> opened = openAt(testDatabase.location());
    QVERIFY(opened.ok());
    const QString path = DatabaseLocation::parse(testDatabase.location()).value().sqlitePath;
    auto log = std::make_unique<RequestLog>(*opened.value());
    log->setFlushInterval(0);
    int number = 0;
    for (int batch = 0; batch < 5; ++batch)
        QVERIFY(recordBatch(*log, number, 50, 4000));
    const std::optional<WalIndex> written = readWalIndex(path);
    QVERIFY(written);
    QVERIFY2(written->frames > written->copied, "every batch was checkpointed at once: nothing left to test");
    QTRY_VERIFY_WITH_TIMEOUT(readWalIndex(path) && readWalIndex(path)->copied == readWalIndex(path)->frames, 10'000);
    QCOMPARE(readWalIndex(path)->frames, written->frames); // copied, not started over by a write
    QCOMPARE(log->storedCount().value(), qint64(number));
}

void TestRequestLogWriter::ownFileIsCopiedWhenIdle()
{
    // Next to a SQLite file the log has a file of its own, whose WAL only the writer appends to.
    // Its checkpoints run with the portal's (SQLite's own, after each 1000 pages, are off for the
    // writer): pages are left in its WAL between batches, and copied once nothing more is logged.
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Sqlite);
    Result<std::unique_ptr<Database>> portal = openAt(testDatabase.location());
    QVERIFY(portal.ok());
    const std::optional<DatabaseLocation> logLocation = portal.value()->location().requestLogLocation();
    QVERIFY(logLocation);
    Result<std::unique_ptr<Database>> own = Database::open(*logLocation, DatabaseSchema::RequestLog);
    QVERIFY2(own.ok(), qPrintable(own.ok() ? QString() : own.error().description));
    auto log = std::make_unique<RequestLog>(*portal.value(), *own.value());
    log->setFlushInterval(0);
    int number = 0;
    for (int batch = 0; batch < 5; ++batch)
        QVERIFY(recordBatch(*log, number, 300, 4000));
    QCOMPARE(portal.value()->scalar(u"SELECT COUNT(*) FROM request_log"_s).value().toInt(), 0);
    QCOMPARE(own.value()->scalar(u"SELECT COUNT(*) FROM request_log"_s).value().toInt(), number);
    const std::optional<WalIndex> written = readWalIndex(logLocation->sqlitePath);
    QVERIFY(written);
    // 1,500 entries of 4 KB: far more than the 1000 pages after which SQLite would copy them.
    QVERIFY2(written->frames > 1000 && written->frames > written->copied,
             qPrintable(u"%1 frames, %2 copied"_s.arg(written->frames).arg(written->copied)));
    QTRY_VERIFY_WITH_TIMEOUT(readWalIndex(logLocation->sqlitePath)
                                 && readWalIndex(logLocation->sqlitePath)->copied
                                     == readWalIndex(logLocation->sqlitePath)->frames,
                             10'000);
    QCOMPARE(log->storedCount().value(), qint64(number));
}

void TestRequestLogWriter::forcedRestartWaitsForAQuickDisk_data()
{
    // The forced RESTART of a WAL grown under a flood pauses every writer for about as long as
    // the catch-up round before it took (a copy and two syncs). While the disk is slow to sync
    // it waits, up to the hard bound.
    QTest::addColumn<qint64>("frames");
    QTest::addColumn<qint64>("lastRoundMs");
    QTest::addColumn<bool>("restart");
    constexpr qint64 soft = RequestLogWriter::s_walForceFrames;
    constexpr qint64 hard = RequestLogWriter::s_walHardFrames;
    constexpr qint64 quick = RequestLogWriter::s_walRestartPauseMs;
    QTest::newRow("below the bound") << soft - 1 << qint64(0) << false;
    QTest::newRow("at the bound, quick disk") << soft << quick << true;
    QTest::newRow("at the bound, slow disk") << soft << quick + 1 << false;
    QTest::newRow("past the bound, slow disk") << hard - 1 << qint64(190) << false;
    QTest::newRow("at the hard bound, slow disk") << hard << qint64(190) << true;
    QVERIFY(soft < hard);
}

void TestRequestLogWriter::forcedRestartWaitsForAQuickDisk()
{
    QFETCH(qint64, frames);
    QFETCH(qint64, lastRoundMs);
    QFETCH(bool, restart);
    QCOMPARE(RequestLogWriter::restartNow(frames, lastRoundMs), restart);
}

QTEST_GUILESS_MAIN(TestRequestLogWriter)
#include "tst_requestlogwriter.moc"
