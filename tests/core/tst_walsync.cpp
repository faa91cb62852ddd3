// SPDX-License-Identifier: Apache-2.0
// What a PASSIVE WAL checkpoint copies into the database file reaches the disk at once, even when
// another connection commits while it copies. SQLite then leaves the database file unsynced (it
// syncs only after copying a WAL that did not grow meanwhile), and the RESTART that finally
// completes syncs everything piled up while the writers wait for it: 235 ms after 20 seconds of
// minting tokens (bench/RESULTS.md). The database file is watched through a VFS that passes
// everything to SQLite's own and counts the writes not yet synced. And the WAL's write-back
// between checkpoints leaves the page at its end alone.

#include "coretestdatabase.h"
#include "storage/database.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <functional>
#include <optional>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

// The spy: a VFS named "walsync-spy" over the default one. Its files are the default VFS's,
// placed right after a SpyFile header.
struct SpyFile
{
    sqlite3_file base;
    sqlite3_file *real;
    bool mainDatabase;
};

sqlite3_vfs *g_real = nullptr;
// cachestat(2), Linux 6.5: glibc 2.36 has no wrapper for it. The same number on every architecture.
constexpr long s_cachestat = 451;
int g_unsyncedDatabaseWrites = 0; // main database files: writes since their last sync
int g_databaseWrites = 0;
std::function<void()> g_beforeDatabaseWrite; // runs once, before the next main database write

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

// File systems that keep a file's pages in the page cache until they are written back, and whose
// clean pages POSIX_FADV_DONTNEED drops (tmpfs has no disk, and keeps them).
bool pagesGoToADisk(const QString &directory)
{
    struct statfs fileSystem = {};
    if (::statfs(QFile::encodeName(directory).constData(), &fileSystem) != 0)
        return false;
    return fileSystem.f_type == EXT4_SUPER_MAGIC || fileSystem.f_type == XFS_SUPER_MAGIC
        || fileSystem.f_type == BTRFS_SUPER_MAGIC;
}

// A second connection to a database file, set up as the sandbox's own (no automatic checkpoint,
// commits that do not sync the WAL), that appends settings of about 3 KB: a frame or two each.
class Appender
{
    Q_DISABLE_COPY_MOVE(Appender)

public:
    explicit Appender(const QString &path) : m_walPath(path + u"-wal"_s)
    {
        if (sqlite3_open_v2(path.toUtf8().constData(), &m_connection, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK
            || sqlite3_exec(m_connection, "PRAGMA wal_autocheckpoint = 0; PRAGMA synchronous = NORMAL", nullptr,
                            nullptr, nullptr)
                != SQLITE_OK) {
            sqlite3_close(m_connection);
            m_connection = nullptr;
        }
    }
    ~Appender() { sqlite3_close(m_connection); }

    bool isOpen() const { return m_connection; }
    const QString &walPath() const { return m_walPath; }
    qint64 walSize() const { return QFileInfo(m_walPath).size(); }
    // Settings appended so far.
    int appended() const { return m_appended; }
    bool append()
    {
        const QByteArray sql = "INSERT INTO settings (key, value) VALUES ('k" + QByteArray::number(m_appended++)
            + "', '" + QByteArray(3000, 'v') + "')";
        return sqlite3_exec(m_connection, sql.constData(), nullptr, nullptr, nullptr) == SQLITE_OK;
    }

private:
    const QString m_walPath;
    sqlite3 *m_connection = nullptr;
    int m_appended = 0;
};

struct CacheStat
{
    quint64 cache, dirty, writeback, evicted, recentlyEvicted; // pages
};

// What of [offset, offset + length) of the file is in the page cache; nullopt where cachestat(2)
// is refused (ENOSYS before Linux 6.5; EPERM where a seccomp filter does not know it).
std::optional<CacheStat> cacheStat(int fd, qint64 offset, qint64 length)
{
    struct
    {
        quint64 offset, length;
    } range = {quint64(offset), quint64(length)};
    CacheStat stat = {};
    if (::syscall(s_cachestat, fd, &range, &stat, 0) != 0)
        return std::nullopt;
    return stat;
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
    void writeBackLeavesTheWalsLastPage();
    void writeBackWithoutAWal();
    void walWindowSurvivesEviction();
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

void TestWalSync::writeBackLeavesTheWalsLastPage()
{
    // The request log's writer writes the WAL's whole pages back after each batch, so that a
    // checkpoint's sync of it is small, and leaves the page where its valid frames end alone: the
    // answering thread's next frame goes there, and its append waited behind a sync's write-back
    // and the disk's cache flush (bench/RESULTS.md). What is dirty is read with cachestat(2).
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    if (!pagesGoToADisk(directory.path()))
        QSKIP("the temporary directory is not on ext4, XFS or Btrfs");
    const QString path = directory.filePath(u"appended.sqlite"_s);
    OPEN_DATABASE(database, path);
    QVERIFY(database.setAutoCheckpoint(false).ok());
    Appender appender(path);
    QVERIFY(appender.isOpen());
    const qint64 pageSize = ::sysconf(_SC_PAGESIZE);
    // Frames are a page and 24 bytes: appended until the WAL ends inside a page.
    while (appender.appended() < 8 || appender.walSize() % pageSize == 0)
        QVERIFY(appender.append());
    const qint64 size = appender.walSize();
    const qint64 wholePages = size / pageSize * pageSize;
    QVERIFY(wholePages >= 2 * pageSize);

    const int fd = ::open(QFile::encodeName(appender.walPath()).constData(), O_RDONLY | O_CLOEXEC);
    QVERIFY(fd >= 0);
    const auto closeFd = qScopeGuard([fd] { ::close(fd); });
    const auto dirtyPages = [fd](qint64 offset, qint64 length) -> std::optional<quint64> {
        const std::optional<CacheStat> stat = cacheStat(fd, offset, length);
        return stat ? std::optional<quint64>(stat->dirty) : std::nullopt;
    };
    const std::optional<quint64> before = dirtyPages(0, wholePages);
    if (!before)
        QSKIP(qPrintable(u"cachestat(2) is not available here: %1"_s.arg(QString::fromLocal8Bit(strerror(errno)))));
    if (*before == 0)
        QSKIP("the kernel wrote the WAL back before the test could");

    QVERIFY(database.writeBackWal().ok());
    QCOMPARE(dirtyPages(0, wholePages).value_or(99), 0u); // every whole page is on its way to the disk
    QCOMPARE(dirtyPages(wholePages, pageSize).value_or(99), 1u); // the last one, where frames go, is not
    // A write-back, not a checkpoint: the WAL keeps its frames, and every row reads back.
    QCOMPARE(appender.walSize(), size);
    QCOMPARE(database.scalar(u"SELECT COUNT(*) FROM settings WHERE key LIKE 'k%'"_s).value().toInt(),
             appender.appended());

    // After a checkpoint that copied everything, the WAL starts over from its beginning and keeps
    // its size: the file's end says nothing about where frames go, the index does.
    QVERIFY(database.checkpoint(true, false).ok()); // a RESTART, which syncs what it copied
    QCOMPARE(dirtyPages(0, size).value_or(99), 0u);
    QVERIFY(appender.append());
    QCOMPARE(appender.walSize(), size); // written over its first frames
    const std::optional<quint64> restarted = dirtyPages(0, size);
    QVERIFY(restarted && *restarted >= 1);
    QVERIFY(database.writeBackWal().ok());
    QCOMPARE(dirtyPages(0, size).value_or(99), 1u); // the page where the new frames end
    QCOMPARE(database.scalar(u"SELECT COUNT(*) FROM settings WHERE key LIKE 'k%'"_s).value().toInt(),
             appender.appended());
}

void TestWalSync::writeBackWithoutAWal()
{
    // A database held in memory has no WAL (Database::writeBackWal() returns before looking), and
    // a TRUNCATE leaves the WAL file empty: nothing to write back, and no error.
    OPEN_DATABASE(memory, u":memory:"_s);
    QVERIFY(memory.writeBackWal().ok());
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    const QString path = directory.filePath(u"truncated.sqlite"_s);
    OPEN_DATABASE(database, path);
    QVERIFY(database.change(u"INSERT INTO settings (key, value) VALUES ('a', 'b')"_s).ok());
    QVERIFY(database.checkpoint(true, true).ok());
    QCOMPARE(QFileInfo(path + u"-wal"_s).size(), 0);
    QVERIFY(database.writeBackWal().ok());
    QCOMPARE(database.scalar(u"SELECT value FROM settings WHERE key = 'a'"_s).value().toString(), u"b"_s);
}

void TestWalSync::walWindowSurvivesEviction()
{
    // A frame written into a page of the WAL file that is not in memory reads the page first. The
    // answering thread's commits waited for such reads after the WAL started over inside its old
    // file and the host's kernel had evicted some of its pages (a DAMON scheme that pages out
    // clean page cache that no process maps). So the request log's writer keeps the pages around
    // where the next frames go mapped: at the valid frames' end, or at the beginning once
    // everything is copied. The eviction is played here by POSIX_FADV_DONTNEED after a sync,
    // which, like that scheme, drops only clean pages that nothing maps; what is in memory is read
    // with cachestat(2).
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    if (!pagesGoToADisk(directory.path()))
        QSKIP("the temporary directory is not on ext4, XFS or Btrfs");
    const QString path = directory.filePath(u"window.sqlite"_s);
    OPEN_DATABASE(database, path);
    QVERIFY(database.setAutoCheckpoint(false).ok());
    Appender appender(path);
    QVERIFY(appender.isOpen());
    const qint64 pageSize = ::sysconf(_SC_PAGESIZE);
    constexpr qint64 window = 1 << 20;
    while (appender.walSize() < 6 * window)
        QVERIFY(appender.append());
    const qint64 size = appender.walSize();

    const int fd = ::open(QFile::encodeName(appender.walPath()).constData(), O_RDONLY | O_CLOEXEC);
    QVERIFY(fd >= 0);
    const auto closeFd = qScopeGuard([fd] { ::close(fd); });
    const auto cachedPages = [fd](qint64 offset, qint64 length) -> std::optional<quint64> {
        const std::optional<CacheStat> stat = cacheStat(fd, offset, length);
        return stat ? std::optional<quint64>(stat->cache) : std::nullopt;
    };
    if (!cachedPages(0, size))
        QSKIP(qPrintable(u"cachestat(2) is not available here: %1"_s.arg(QString::fromLocal8Bit(strerror(errno)))));
    const auto evict = [fd] { return ::fdatasync(fd) == 0 && ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0; };
    QVERIFY(evict());
    QCOMPARE(cachedPages(0, size).value_or(99), 0u); // nothing maps the WAL yet

    // The WAL holds uncopied frames: they go on at its end, which is the file's end here, so
    // only the page partly written there is in the window.
    QVERIFY(database.keepWalWindow(window, 0).ok());
    QVERIFY(evict());
    const qint64 lastPage = size / pageSize * pageSize;
    QCOMPARE(cachedPages(0, lastPage).value_or(99), 0u);
    QCOMPARE(cachedPages(lastPage, pageSize).value_or(99), size > lastPage ? 1u : 0u);

    // Everything copied: the next commit starts the WAL over, so its first pages are kept.
    const Result<Database::WalState> copied = database.checkpoint();
    QVERIFY(copied.ok() && copied.value().frames > 0 && copied.value().checkpointed == copied.value().frames);
    QVERIFY(database.keepWalWindow(window, 0).ok());
    QVERIFY(evict());
    QCOMPARE(cachedPages(0, window).value_or(0), quint64(window / pageSize));
    // A window, not the file: the page kept before has left it, and goes like the rest.
    QCOMPARE(cachedPages(window, size - window).value_or(99), 0u);

    // The WAL started over inside its old file: the window moves to where its new frames end.
    for (int row = 0; row < 4; ++row)
        QVERIFY(appender.append());
    QCOMPARE(appender.walSize(), size);
    QVERIFY(database.keepWalWindow(window, 0).ok());
    QVERIFY(evict());
    // Four frames at least, so their end is past the WAL's first pages.
    qint64 firstCached = 0;
    while (firstCached < size && cachedPages(firstCached, pageSize) == 0u)
        firstCached += pageSize;
    QVERIFY2(firstCached >= 4 * pageSize && firstCached < window, qPrintable(QString::number(firstCached)));
    QCOMPARE(cachedPages(firstCached, window).value_or(0), quint64(window / pageSize));
    QCOMPARE(cachedPages(firstCached + window, size - firstCached - window).value_or(99), 0u);

    // With the pages behind: the last frames written are kept too, read back from the disk.
    QVERIFY(database.keepWalWindow(window, firstCached).ok());
    QVERIFY(evict());
    QCOMPARE(cachedPages(0, firstCached + window).value_or(0), quint64((firstCached + window) / pageSize));

    // Mapped and read, nothing more: every row reads back, and the file keeps its size.
    QCOMPARE(appender.walSize(), size);
    QCOMPARE(database.scalar(u"SELECT COUNT(*) FROM settings WHERE key LIKE 'k%'"_s).value().toInt(),
             appender.appended());
    // Emptied by a TRUNCATE: nothing to keep, and no error.
    QVERIFY(database.checkpoint(true, true).ok());
    QCOMPARE(appender.walSize(), 0);
    QVERIFY(database.keepWalWindow(window, window).ok());

    // No WAL: nothing to keep, and no error.
    OPEN_DATABASE(memory, u":memory:"_s);
    QVERIFY(memory.keepWalWindow(window, window).ok());
}

QTEST_GUILESS_MAIN(TestWalSync)
#include "tst_walsync.moc"
