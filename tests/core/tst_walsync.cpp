// SPDX-License-Identifier: Apache-2.0
// What a PASSIVE WAL checkpoint copies into the database file reaches the disk at once, even when
// another connection commits while it copies. SQLite then leaves the database file unsynced (it
// syncs only after copying a WAL that did not grow meanwhile), and the RESTART that finally
// completes syncs everything piled up while the writers wait for it: 235 ms after 20 seconds of
// minting tokens (bench/RESULTS.md). The database file is watched through a VFS that passes
// everything to SQLite's own and counts the writes not yet synced.

#include "coretestdatabase.h"
#include "storage/database.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <functional>

using namespace Qt::StringLiterals;

namespace {

// The spy: a VFS named "walsync-spy" over the default one. Its files are the default VFS's,
// placed right after a SpyFile header.
struct SpyFile
{
    sqlite3_file base;
    sqlite3_file *real;
    bool mainDatabase;
    bool wal;
};

sqlite3_vfs *g_real = nullptr;
int g_unsyncedDatabaseWrites = 0; // main database files: writes since their last sync
int g_databaseWrites = 0;
std::function<void()> g_beforeDatabaseWrite; // runs once, before the next main database write
int g_unsyncedWalWrites = 0; // WAL files, whichever connection wrote them: writes since a sync of any

sqlite3_file *real(sqlite3_file *file)
{
    return reinterpret_cast<SpyFile *>(file)->real;
}

int spyClose(sqlite3_file *file)
{
    return real(file)->pMethods->xClose(real(file));
}
int spyRead(sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset)
{
    return real(file)->pMethods->xRead(real(file), buffer, amount, offset);
}
int spyWrite(sqlite3_file *file, const void *buffer, int amount, sqlite3_int64 offset)
{
    if (reinterpret_cast<SpyFile *>(file)->mainDatabase) {
        if (g_beforeDatabaseWrite)
            std::exchange(g_beforeDatabaseWrite, nullptr)();
        ++g_unsyncedDatabaseWrites;
        ++g_databaseWrites;
    }
    if (reinterpret_cast<SpyFile *>(file)->wal)
        ++g_unsyncedWalWrites; // one WAL per database here: a sync through any connection covers all
    return real(file)->pMethods->xWrite(real(file), buffer, amount, offset);
}
int spyTruncate(sqlite3_file *file, sqlite3_int64 size)
{
    return real(file)->pMethods->xTruncate(real(file), size);
}
int spySync(sqlite3_file *file, int flags)
{
    const int synced = real(file)->pMethods->xSync(real(file), flags);
    if (synced == SQLITE_OK && reinterpret_cast<SpyFile *>(file)->mainDatabase)
        g_unsyncedDatabaseWrites = 0;
    if (synced == SQLITE_OK && reinterpret_cast<SpyFile *>(file)->wal)
        g_unsyncedWalWrites = 0;
    return synced;
}
int spyFileSize(sqlite3_file *file, sqlite3_int64 *size)
{
    return real(file)->pMethods->xFileSize(real(file), size);
}
int spyLock(sqlite3_file *file, int lock)
{
    return real(file)->pMethods->xLock(real(file), lock);
}
int spyUnlock(sqlite3_file *file, int lock)
{
    return real(file)->pMethods->xUnlock(real(file), lock);
}
int spyCheckReservedLock(sqlite3_file *file, int *reserved)
{
    return real(file)->pMethods->xCheckReservedLock(real(file), reserved);
}
int spyFileControl(sqlite3_file *file, int operation, void *argument)
{
    return real(file)->pMethods->xFileControl(real(file), operation, argument);
}
int spySectorSize(sqlite3_file *file)
{
    return real(file)->pMethods->xSectorSize(real(file));
}
int spyDeviceCharacteristics(sqlite3_file *file)
{
    return real(file)->pMethods->xDeviceCharacteristics(real(file));
}
int spyShmMap(sqlite3_file *file, int region, int size, int extend, void volatile **memory)
{
    return real(file)->pMethods->xShmMap(real(file), region, size, extend, memory);
}
int spyShmLock(sqlite3_file *file, int offset, int count, int flags)
{
    return real(file)->pMethods->xShmLock(real(file), offset, count, flags);
}
void spyShmBarrier(sqlite3_file *file)
{
    real(file)->pMethods->xShmBarrier(real(file));
}
int spyShmUnmap(sqlite3_file *file, int deleteFlag)
{
    return real(file)->pMethods->xShmUnmap(real(file), deleteFlag);
}
int spyFetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **page)
{
    return real(file)->pMethods->xFetch(real(file), offset, amount, page);
}
int spyUnfetch(sqlite3_file *file, sqlite3_int64 offset, void *page)
{
    return real(file)->pMethods->xUnfetch(real(file), offset, page);
}

const sqlite3_io_methods s_spyMethods = {
    3,
    spyClose,
    spyRead,
    spyWrite,
    spyTruncate,
    spySync,
    spyFileSize,
    spyLock,
    spyUnlock,
    spyCheckReservedLock,
    spyFileControl,
    spySectorSize,
    spyDeviceCharacteristics,
    spyShmMap,
    spyShmLock,
    spyShmBarrier,
    spyShmUnmap,
    spyFetch,
    spyUnfetch,
};

int spyOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *file, int flags, int *outFlags)
{
    auto *spy = reinterpret_cast<SpyFile *>(file);
    spy->real = reinterpret_cast<sqlite3_file *>(spy + 1);
    spy->mainDatabase = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    spy->wal = (flags & SQLITE_OPEN_WAL) != 0;
    spy->base.pMethods = nullptr;
    const int opened = g_real->xOpen(g_real, name, spy->real, flags, outFlags);
    if (spy->real->pMethods)
        spy->base.pMethods = &s_spyMethods; // SQLite closes a file with methods, even after a failed open
    return opened;
}

sqlite3_vfs s_spyVfs = {};

void registerSpy()
{
    g_real = sqlite3_vfs_find(nullptr);
    s_spyVfs = *g_real;
    s_spyVfs.szOsFile = int(sizeof(SpyFile)) + g_real->szOsFile;
    s_spyVfs.zName = "walsync-spy";
    s_spyVfs.pNext = nullptr;
    s_spyVfs.xOpen = spyOpen;
    // The default from now on, so that QSQLITE's connections use it too.
    sqlite3_vfs_register(&s_spyVfs, 1);
}

} // namespace

class TestWalSync final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { registerSpy(); }
    void cleanupTestCase() { sqlite3_vfs_unregister(&s_spyVfs); }
    void passiveCheckpointSyncsWhatItCopied();
    void checkpointWithoutRaceStaysSynced();
    void syncWalWritesWhatOthersAppended();
};

void TestWalSync::passiveCheckpointSyncsWhatItCopied()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    const QString path = directory.filePath(u"walsync.sqlite"_s);
    OPEN_DATABASE(database, path);
    QVERIFY(database.setAutoCheckpoint(false).ok());
    for (int i = 0; i < 50; ++i)
        QVERIFY(
            database.change(u"INSERT INTO settings (key, value) VALUES (?, ?)"_s, {u"key-%1"_s.arg(i), u"v"_s}).ok());

    // Another connection commits while the checkpoint copies its first page.
    sqlite3 *other = nullptr;
    QCOMPARE(sqlite3_open_v2(path.toUtf8().constData(), &other, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    const auto closeOther = qScopeGuard([other] { sqlite3_close(other); });
    bool committed = false;
    g_beforeDatabaseWrite = [&] {
        committed = sqlite3_exec(other, "INSERT INTO settings (key, value) VALUES ('during', 'the copy')", nullptr,
                                 nullptr, nullptr)
            == SQLITE_OK;
    };
    g_databaseWrites = 0;

    Result<Database::WalState> state = database.checkpoint();
    QVERIFY2(state.ok(), qPrintable(state.ok() ? QString() : state.error().description));
    QVERIFY2(committed, "the other connection's commit did not happen during the checkpoint");
    QVERIFY(g_databaseWrites > 0); // the checkpoint copied pages
    QCOMPARE(g_unsyncedDatabaseWrites, 0); // and they are on the disk

    // What the other connection committed meanwhile is still there, and copied by the next one.
    QCOMPARE(database.scalar(u"SELECT value FROM settings WHERE key = 'during'"_s).value().toString(), u"the copy"_s);
    QVERIFY(database.checkpoint().ok());
    QCOMPARE(g_unsyncedDatabaseWrites, 0);
}

void TestWalSync::checkpointWithoutRaceStaysSynced()
{
    // The usual case: nothing commits during the checkpoint, SQLite syncs by itself, and a
    // checkpoint with nothing left to copy writes nothing.
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    OPEN_DATABASE(database, directory.filePath(u"quiet.sqlite"_s));
    QVERIFY(database.setAutoCheckpoint(false).ok());
    QVERIFY(database.change(u"INSERT INTO settings (key, value) VALUES ('a', 'b')"_s).ok());
    g_databaseWrites = 0;
    Result<Database::WalState> state = database.checkpoint();
    QVERIFY(state.ok());
    QCOMPARE(state.value().checkpointed, state.value().frames);
    QVERIFY(g_databaseWrites > 0);
    QCOMPARE(g_unsyncedDatabaseWrites, 0);
    g_databaseWrites = 0;
    QVERIFY(database.checkpoint().ok());
    QCOMPARE(g_databaseWrites, 0);
}

void TestWalSync::syncWalWritesWhatOthersAppended()
{
    // The request log's writer syncs the WAL after each batch, so that a checkpoint's own sync
    // of it is small: an answering thread appending to the WAL waits for the page at its end
    // while that page is being written back.
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    const QString path = directory.filePath(u"appended.sqlite"_s);
    OPEN_DATABASE(database, path);
    QVERIFY(database.setAutoCheckpoint(false).ok());
    QVERIFY(database.change(u"INSERT INTO settings (key, value) VALUES ('mine', 'x')"_s).ok());
    sqlite3 *other = nullptr;
    QCOMPARE(sqlite3_open_v2(path.toUtf8().constData(), &other, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    const auto closeOther = qScopeGuard([other] { sqlite3_close(other); });
    // As the sandbox's own connections: commits do not sync the WAL.
    QCOMPARE(
        sqlite3_exec(other, "PRAGMA wal_autocheckpoint = 0; PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr),
        SQLITE_OK);
    QCOMPARE(sqlite3_exec(other, "INSERT INTO settings (key, value) VALUES ('theirs', 'y')", nullptr, nullptr, nullptr),
             SQLITE_OK);
    QVERIFY(g_unsyncedWalWrites > 0); // commits in WAL mode with synchronous=NORMAL do not sync

    QVERIFY(database.syncWal().ok());
    QCOMPARE(g_unsyncedWalWrites, 0);
    // Nothing was copied into the database file meanwhile: a sync, not a checkpoint.
    QCOMPARE(database.scalar(u"SELECT COUNT(*) FROM settings WHERE key IN ('mine', 'theirs')"_s).value().toInt(), 2);
}

QTEST_GUILESS_MAIN(TestWalSync)
#include "tst_walsync.moc"
