// SPDX-License-Identifier: Apache-2.0
#include "sqlitestatements.h"

#include "database.h"

#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlDriver>

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

std::unique_ptr<SqliteStatements> SqliteStatements::attach(const QSqlDatabase &database)
{
    if (!database.isOpen() || !database.driver())
        return nullptr;
    // The documented way to reach QSQLITE's handle: a QVariant holding a sqlite3 pointer.
    const QVariant handle = database.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.metaType().name(), "sqlite3*") != 0)
        return nullptr;
    sqlite3 *connection = *static_cast<sqlite3 *const *>(handle.constData());
    if (!connection)
        return nullptr;
    return std::unique_ptr<SqliteStatements>(new SqliteStatements(connection));
}

void SqliteStatements::configureLibrary()
{
    static std::once_flag once;
    std::call_once(once, [] {
        if (const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); configured != SQLITE_OK)
            qCDebug(lcStorage) << "SQLite was initialised already; its memory statistics stay on:"
                               << sqlite3_errstr(configured);
    });
}

SqliteStatements::~SqliteStatements()
{
    for (sqlite3_stmt *statement : std::as_const(m_statements))
        sqlite3_finalize(statement);
    sqlite3_finalize(m_dataVersion);
    releaseWalWindow();
}

QString SqliteStatements::lastError() const
{
    return QString::fromUtf8(sqlite3_errmsg(m_handle)).simplified();
}

Result<sqlite3_stmt *> SqliteStatements::prepare(const QString &sql, const QVariantList &values)
{
    sqlite3_stmt *statement = m_statements.value(sql);
    if (!statement) {
        const int prepared = sqlite3_prepare16_v3(m_handle, sql.utf16(), int(sql.size() * sizeof(char16_t)),
                                                  SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
        if (prepared != SQLITE_OK || !statement) {
            const QString message = lastError();
            sqlite3_finalize(statement);
            qCWarning(lcStorage).noquote() << "prepare failed:" << message << "in" << sql;
            return storageError(message);
        }
        m_statements.insert(sql, statement);
    }
    if (values.size() != sqlite3_bind_parameter_count(statement))
        return storageError(u"%1 values for %2 placeholders in %3"_s.arg(values.size())
                                .arg(sqlite3_bind_parameter_count(statement))
                                .arg(sql.simplified()));
    for (int i = 0; i < values.size(); ++i) {
        const QVariant &value = values.at(i);
        const int column = i + 1;
        int bound = SQLITE_OK;
        switch (value.metaType().id()) {
        case QMetaType::UnknownType: bound = sqlite3_bind_null(statement, column); break;
        case QMetaType::QString: {
            // As UTF-8, the database's encoding: bound as UTF-16, SQLite translated every value
            // itself, a seventh of the request log writer's time; Qt's encoder is much faster.
            // A null QString binds as '' (constData() is never null).
            const QByteArray &text
                = m_boundText.emplace_back(statement, static_cast<const QString *>(value.constData())->toUtf8()).second;
            bound = sqlite3_bind_text(statement, column, text.constData(), int(text.size()), SQLITE_STATIC);
            break;
        }
        case QMetaType::Bool:
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::LongLong:
        case QMetaType::ULongLong: bound = sqlite3_bind_int64(statement, column, value.toLongLong()); break;
        case QMetaType::Double: bound = sqlite3_bind_double(statement, column, value.toDouble()); break;
        case QMetaType::QByteArray: {
            const QByteArray &bytes = *static_cast<const QByteArray *>(value.constData());
            bound = value.isNull()
                ? sqlite3_bind_null(statement, column)
                : sqlite3_bind_blob(statement, column, bytes.constData(), int(bytes.size()), SQLITE_STATIC);
            break;
        }
        default: {
            // As QSQLITE does: anything else as its text.
            if (value.isNull()) {
                bound = sqlite3_bind_null(statement, column);
                break;
            }
            const QByteArray &text = m_boundText.emplace_back(statement, value.toString().toUtf8()).second;
            bound = sqlite3_bind_text(statement, column, text.constData(), int(text.size()), SQLITE_STATIC);
        }
        }
        if (bound != SQLITE_OK) {
            const QString message = lastError();
            sqlite3_reset(statement);
            sqlite3_clear_bindings(statement);
            releaseText(statement);
            return storageError(message);
        }
    }
    return statement;
}

Result<SqliteStatements::Outcome> SqliteStatements::step(sqlite3_stmt *statement)
{
    const qint64 changedBefore = sqlite3_total_changes64(m_handle);
    int status = SQLITE_ROW;
    while (status == SQLITE_ROW)
        status = sqlite3_step(statement);
    Outcome outcome;
    const bool ok = status == SQLITE_DONE;
    QString message;
    int code = SQLITE_OK;
    if (ok) {
        // sqlite3_changes() keeps the count of the last INSERT, UPDATE or DELETE, also after a
        // BEGIN or COMMIT: it counts only when this statement changed rows.
        outcome.changes = sqlite3_total_changes64(m_handle) == changedBefore ? 0 : sqlite3_changes(m_handle);
        outcome.lastInsertId = sqlite3_last_insert_rowid(m_handle);
    } else {
        message = lastError();
        code = sqlite3_extended_errcode(m_handle);
    }
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement); // the static texts belong to the caller's values
    releaseText(statement);
    if (!ok) {
        qCWarning(lcStorage).noquote() << "query failed:" << message << "in"
                                       << QString::fromUtf8(sqlite3_sql(statement)).simplified();
        return Database::failureFor(DatabaseEngine::Sqlite, QString::number(code), message);
    }
    return outcome;
}

void SqliteStatements::releaseText(sqlite3_stmt *statement)
{
    m_boundText.removeIf([statement](const std::pair<sqlite3_stmt *, QByteArray> &text) {
        return text.first == statement;
    }); // keeps the list's capacity for the next statement
}

bool SqliteStatements::inTransaction() const
{
    return sqlite3_get_autocommit(m_handle) == 0;
}

qint64 SqliteStatements::totalChanges() const
{
    return sqlite3_total_changes64(m_handle);
}

Result<qint64> SqliteStatements::dataVersion()
{
    if (!m_dataVersion
        && sqlite3_prepare_v3(m_handle, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT, &m_dataVersion, nullptr)
            != SQLITE_OK) {
        const QString message = lastError();
        sqlite3_finalize(m_dataVersion);
        m_dataVersion = nullptr;
        return storageError(message);
    }
    const int status = sqlite3_step(m_dataVersion);
    const qint64 version = status == SQLITE_ROW ? sqlite3_column_int64(m_dataVersion, 0) : 0;
    const QString message = status == SQLITE_ROW ? QString() : lastError();
    sqlite3_reset(m_dataVersion);
    if (status != SQLITE_ROW)
        return storageError(message);
    return version;
}

Status SqliteStatements::syncDatabaseFile()
{
    sqlite3_file *file = nullptr;
    if (sqlite3_file_control(m_handle, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file
        || !file->pMethods)
        return storageError(u"the database file is not open"_s);
    if (const int synced = file->pMethods->xSync(file, SQLITE_SYNC_NORMAL); synced != SQLITE_OK)
        return storageError(QString::fromUtf8(sqlite3_errstr(synced)));
    return Done{};
}

namespace {

struct WalIndex
{
    qint64 end = 0; // where the valid frames end, in bytes
    bool copied = false; // every valid frame is in the database file: the next write starts over
};

// The WAL's state from the wal-index header in the -shm file (SQLite's WAL format: two copies of a
// 48-byte header in native byte order; szPage, a u16 at byte 14, is 1 for 65,536; mxFrame, the
// last valid frame, a u32 at byte 16; then the checkpoint information, whose first u32,
// nBackfill, counts the frames copied). After a checkpoint that copied everything the WAL starts
// over from its beginning without shrinking, so the file's size says nothing about where the next
// frame goes. nullopt when the header cannot be read or is being written (its two copies differ).
std::optional<WalIndex> walIndex(const char *database)
{
    const QByteArray shm = QByteArray(database) + "-shm";
    const int fd = ::open(shm.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    unsigned char header[100];
    const ssize_t read = ::pread(fd, header, sizeof header, 0);
    ::close(fd);
    if (read != ssize_t(sizeof header) || std::memcmp(header, header + 48, 48) != 0)
        return std::nullopt;
    quint32 version = 0;
    quint16 pageSize = 0;
    quint32 frames = 0;
    quint32 copied = 0;
    std::memcpy(&version, header, sizeof version);
    std::memcpy(&pageSize, header + 14, sizeof pageSize);
    std::memcpy(&frames, header + 16, sizeof frames);
    std::memcpy(&copied, header + 96, sizeof copied);
    if (version != 3'007'000 || header[12] != 1) // WALINDEX_MAX_VERSION, isInit
        return std::nullopt;
    const qint64 page = pageSize == 1 ? 65'536 : pageSize;
    // The WAL header, then frames of a page and 24 bytes.
    return WalIndex{32 + qint64(frames) * (page + 24), frames > 0 && copied == frames};
}

// The WAL file of a connection's main database, opened read-only on a descriptor of its own; -1
// when there is none (errno ENOENT, or 0 for ":memory:" and temporary databases). `database` gets
// the main database's name.
int openWal(sqlite3 *handle, const char **database)
{
    errno = 0;
    // sqlite3_filename_wal() takes only a name that sqlite3_db_filename() gave, and that one is
    // empty (or null) for ":memory:" and temporary databases, which have no WAL.
    *database = sqlite3_db_filename(handle, "main");
    if (!*database || !**database)
        return -1;
    const char *wal = sqlite3_filename_wal(*database);
    if (!wal || !*wal)
        return -1;
    return ::open(wal, O_RDONLY | O_CLOEXEC);
}

} // namespace

Status SqliteStatements::writeBackWalPages()
{
    const char *database = nullptr;
    // A descriptor of our own: write-back is the file's, whoever opened it.
    const int fd = openWal(m_handle, &database);
    if (fd < 0)
        return errno == ENOENT || errno == 0 ? Status(Done{})
                                             : Status(storageError(QString::fromLocal8Bit(strerror(errno))));
    struct stat status = {};
    int result = ::fstat(fd, &status);
    // Up to the last valid frame when the index tells it, else the file's end.
    const std::optional<WalIndex> index = walIndex(database);
    const qint64 end = result == 0 ? std::min<qint64>(status.st_size, index ? index->end : status.st_size) : 0;
    const off_t pageSize = ::sysconf(_SC_PAGESIZE);
    const off_t wholePages = end / pageSize * pageSize;
    if (result == 0 && wholePages > 0)
        result = ::sync_file_range(fd, 0, wholePages,
                                   SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    const int error = errno;
    ::close(fd);
    if (result != 0)
        return storageError(QString::fromLocal8Bit(strerror(error)));
    return Done{};
}

Status SqliteStatements::keepWalWindow(qint64 ahead, qint64 behind)
{
    const char *database = nullptr;
    const int fd = openWal(m_handle, &database);
    if (fd < 0) {
        releaseWalWindow();
        return errno == ENOENT || errno == 0 ? Status(Done{})
                                             : Status(storageError(QString::fromLocal8Bit(strerror(errno))));
    }
    struct stat status = {};
    if (::fstat(fd, &status) != 0) {
        const int error = errno;
        ::close(fd);
        return storageError(QString::fromLocal8Bit(strerror(error)));
    }
    // While the index is being written, the next batch's call moves the window instead.
    const std::optional<WalIndex> index = walIndex(database);
    if (!index) {
        ::close(fd);
        return Done{};
    }
    const qint64 page = ::sysconf(_SC_PAGESIZE);
    const auto pageUp = [page](qint64 offset) { return (offset + page - 1) / page * page; };
    const qint64 size = status.st_size;
    const qint64 start = index->copied ? 0 : std::min(index->end, size) / page * page;
    // Beyond the file's end a frame needs no read, and a mapping may not be touched.
    const qint64 from = std::max<qint64>(0, start - behind) / page * page;
    const qint64 to = std::min(pageUp(size), pageUp(start + ahead));

    WalWindow &window = m_walWindow;
    if (window.base && (window.device != status.st_dev || window.inode != status.st_ino || qint64(window.length) < to))
        releaseWalWindow(); // another file, or grown past the mapping
    if (!window.base && to > from) {
        // Mapped in steps of 256 MB, so that a growing WAL is mapped again rarely. Reserving
        // address space beyond the file's end is allowed; only touching it is not, and nothing
        // here touches the mapping: the kernel fills its page tables.
        constexpr qint64 step = qint64(256) << 20;
        const qint64 length = (std::max(to, size) + step - 1) / step * step;
        void *base = ::mmap(nullptr, size_t(length), PROT_READ, MAP_SHARED, fd, 0);
        if (base != MAP_FAILED) {
            window = WalWindow{base, size_t(length), status.st_dev, status.st_ino, 0, 0};
        }
    }
    int result = 0;
    if (window.base) {
        char *base = static_cast<char *>(window.base);
        // In steps of 1 MB: madvise() holds the process's mmap lock while it works, and a thread
        // that waits to take it for writing (a malloc() that maps or unmaps) makes every other
        // thread's page fault wait too; populating 128 MB at once took 4 to 7 ms (strace).
        const auto advise = [base](qint64 begin, qint64 end, int advice) {
            constexpr qint64 step = qint64(1) << 20;
            for (qint64 at = begin; at < end; at += step) {
                if (::madvise(base + at, size_t(std::min(step, end - at)), advice) != 0)
                    return errno;
            }
            return 0;
        };
        // What left the window is unmapped (the pages stay in the page cache), what entered it is
        // mapped, reading from the disk what is not in memory.
        if (window.to <= from || window.from >= to) {
            (void)advise(window.from, window.to, MADV_DONTNEED);
            result = advise(from, to, MADV_POPULATE_READ);
        } else {
            (void)advise(window.from, from, MADV_DONTNEED);
            (void)advise(to, window.to, MADV_DONTNEED);
            result = advise(from, window.from, MADV_POPULATE_READ);
            if (result == 0)
                result = advise(window.to, to, MADV_POPULATE_READ);
        }
        // EFAULT: the file shrank meanwhile (another connection's TRUNCATE); the next call sees it.
        if (result == EFAULT)
            result = 0;
        if (result == 0) {
            window.from = from;
            window.to = to;
        } else {
            // Part of the window may be mapped and part not: unmapped whole, mapped whole next time.
            (void)advise(0, qint64(window.length), MADV_DONTNEED);
            window.from = window.to = 0;
        }
    }
    if (!window.base || result == EINVAL) {
        // No mapping (or a kernel before 5.14, without MADV_POPULATE_READ): reading ahead is the
        // next best thing, though evicted pages are not kept out.
        window.from = window.to = 0;
        result = to > start ? ::posix_fadvise(fd, start, to - start, POSIX_FADV_WILLNEED) : 0;
    }
    ::close(fd);
    if (result != 0)
        return storageError(QString::fromLocal8Bit(strerror(result)));
    return Done{};
}

void SqliteStatements::releaseWalWindow()
{
    if (m_walWindow.base)
        ::munmap(m_walWindow.base, m_walWindow.length);
    m_walWindow = WalWindow{};
}
