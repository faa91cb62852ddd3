// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one way to the database: opens SQLite or PostgreSQL from a location string, runs the
// numbered migrations, hands out one connection per thread and runs statements with cached
// prepared queries. Repositories build on it; nothing else touches QtSql.
//
// Threads: each thread gets its own connection. On a SQLite file, writes from this process's
// threads take turns on one mutex (a transaction holds it from BEGIN IMMEDIATE to COMMIT), so
// that they never wait in SQLite's busy handler, which sleeps in whole milliseconds.

#include "migrations.h"
#include "result.h"
#include "sqlitestatements.h"

#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QString>
#include <QVariant>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

class QSqlError;

enum class DatabaseEngine { Sqlite, Postgres };

// What a cache of rows compares to know that none of them changed since it read them.
struct DataStamp
{
    quint64 generation = 0; // Database::writeGeneration()
    qint64 version = 0; // SQLite's PRAGMA data_version on the calling thread's connection

    friend bool operator==(const DataStamp &, const DataStamp &) = default;
};

struct DatabaseLocation
{
    DatabaseEngine engine = DatabaseEngine::Sqlite;
    QString sqlitePath; // a file path or ":memory:"
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString name;
    QString connectOptions; // QPSQL options from the URL query, e.g. "sslmode=disable"

    // PATH, ":memory:" or "postgresql://user:password@host:port/dbname?option=value".
    static Result<DatabaseLocation> parse(const QString &spec);
    // For messages: the path, or the URL without the password.
    QString displayName() const;
    // Where the request log of a SQLite file goes: a file of its own next to it, "PATH-requestlog",
    // so that the log's writes never wait for the portal's nor the portal's for the log's
    // (docs/decisions/0074-request-log-in-a-file-of-its-own.md). Nothing for ":memory:" and
    // PostgreSQL, which keep the log in the portal's tables.
    std::optional<DatabaseLocation> requestLogLocation() const;
};

class Database final
{
    Q_DISABLE_COPY_MOVE(Database)

public:
    ~Database();

    // Connects, applies pragmas and the migrations of `schema`. Errors are one readable sentence.
    static Result<std::unique_ptr<Database>> open(const DatabaseLocation &location,
                                                  DatabaseSchema schema = DatabaseSchema::Portal);

    DatabaseEngine engine() const { return m_location.engine; }
    DatabaseSchema schema() const { return m_schema; }
    const DatabaseLocation &location() const { return m_location; }
    int schemaVersion() const { return m_schemaVersion; }
    // A SQLite file that could be read but not written was opened read-only: every change is
    // refused with ErrorKind::Unavailable (503 temporarily_unavailable).
    bool isReadOnly() const { return m_readOnly; }

    // The connection of the calling thread, opened on first use.
    QSqlDatabase connection() const;
    // Closes the calling thread's connection and forgets it with its cached statements. A worker
    // thread calls this before it ends: a connection belongs to the thread that opened it, and a
    // later thread may be given the same id.
    void closeConnection() const;
    // ":memory:": a single connection holds the whole database, so other threads cannot share it.
    bool isInMemory() const;

    // Bumped by every statement that may change or remove existing rows (anything but SELECT and
    // a plain INSERT) in any thread, by every script and by every rollback.
    quint64 writeGeneration() const { return m_writeGeneration.load(std::memory_order_acquire); }
    // The stamp a row cache keeps with the rows it read, taken before reading them: when a later
    // stamp differs, a row may have changed. On SQLite it also changes when another connection
    // (another thread, another process) commits. Nothing on PostgreSQL: other sandboxes share
    // the tables there and no cheap check sees their writes, so nothing may be cached.
    std::optional<DataStamp> dataStamp() const;

    // SQLite WAL checkpoints, for the calling thread's connection (no-ops on other databases):
    // whether its commits run SQLite's automatic checkpoint, and a PASSIVE checkpoint now. A
    // checkpoint that this process's writes wait for (`blockWrites`, a TRUNCATE) copies the whole
    // WAL and empties the file, unless a reader is in it ("busy"); without it, steady writes from
    // another thread keep appending and the file grows without end.
    struct WalState
    {
        bool busy = false; // a reader or writer kept the checkpoint from finishing
        qint64 frames = 0; // pages in the WAL
        qint64 checkpointed = 0; // of those, copied into the database
    };
    Status setAutoCheckpoint(bool enabled) const;
    // `truncate`: also shrink the WAL file to nothing (TRUNCATE); otherwise it is reused from its
    // beginning (RESTART), which spares the file system's work of freeing and regrowing it.
    Result<WalState> checkpoint(bool blockWrites = false, bool truncate = true) const;
    // Writes the whole pages that every connection appended to the WAL so far back to the disk,
    // and waits for them, without any lock: a checkpoint syncs the WAL first, and the fewer pages
    // it has to write, the shorter its sync. The page at the WAL's end, where the next frame
    // goes, is left alone, and so is the disk's cache flush: an appending writer waited behind
    // both (an fdatasync here cost the answering thread stalls of 20 to 56 ms). Not a sync: it
    // promises no durability. A no-op but on a SQLite file.
    Status writeBackWal() const;
    // Keeps the pages of the WAL around where the next frame goes in memory: the next `ahead`
    // bytes and the last `behind` bytes, mapped into this process and read from the disk when
    // they are not in memory (SqliteStatements::keepWalWindow()), for the calling thread's
    // connection. A frame written into a page of the file that is not in memory reads that page
    // first: the answering thread's commits waited for such reads, queued behind a checkpoint's
    // cache flush, after the WAL started over inside its old file and this VM's kernel had
    // evicted some of its pages. A no-op but on a SQLite file.
    Status keepWalWindow(qint64 ahead, qint64 behind) const;

    // A failed statement's error from the engine's native error code: Unavailable for a read-only
    // or full database or a lost server (the caller answers 503 and the server keeps running),
    // Storage otherwise.
    static Error failureFor(DatabaseEngine engine, const QString &nativeCode, const QString &message);

    // Runs a statement that returns at most one row and one column; an empty QVariant when none.
    Result<QVariant> scalar(const QString &sql, const QVariantList &values = {}) const;
    // Runs a query and returns its first row, or nothing when there is none.
    Result<std::optional<QSqlRecord>> one(const QString &sql, const QVariantList &values = {}) const;
    // Runs a query and returns all its rows.
    Result<QList<QSqlRecord>> all(const QString &sql, const QVariantList &values = {}) const;
    // Runs a query built at run time (a search): prepared for this call only, never cached, so
    // that endless variations cannot fill the statement cache.
    Result<QList<QSqlRecord>> select(const QString &sql, const QVariantList &values = {}) const;
    // Runs a statement and returns how many rows it changed.
    Result<int> change(const QString &sql, const QVariantList &values = {}) const;
    // Runs an INSERT and returns the row id SQLite gave the last row it inserted. SQLite only.
    Result<qint64> insertReturningLastId(const QString &sql, const QVariantList &values = {}) const;
    // Runs several statements that take no values.
    Status runScript(const QStringList &statements) const;

    // How a job of a group (see enableGroups()) is taken back when it fails.
    enum class JobUndo {
        // In its own savepoint: its statements go, the group's other jobs stay.
        Savepoint,
        // Without a savepoint, which would copy each page the job touches before its first
        // change (12% of a debug token's instructions). A job that fails before any of its
        // statements changed a row leaves nothing behind (SQLite takes back a failed statement);
        // one that fails after loses the whole group. For work whose later statements can fail
        // only when the storage does: rows with fresh keys under a parent that it has just
        // written or that its first statement checked.
        LoseGroup,
    };

    // Runs work inside one transaction: committed when it returns ok, rolled back otherwise.
    // Nested calls join the outer transaction. In a group, work is one job, taken back as `undo`
    // says; out of a group, `undo` changes nothing.
    Status transaction(const std::function<Status()> &work, JobUndo undo = JobUndo::Savepoint) const;

    // Group commit (docs/decisions/0071), on a SQLite file only: the writes that requests make
    // in one pass of the event loop share one transaction, and so one commit. With one commit per
    // request, every request wrote each page it touched into the WAL again: a debug token's eight
    // index and table pages came to 44 KB of WAL per token.
    //
    // The thread that calls enableGroups() (the one that answers requests) groups its writes
    // while a GroupScope lives. Its first write opens a group: BEGIN IMMEDIATE, holding the write
    // turn, and `opened` is called, which arranges for endGroup() soon (a queued call). Each
    // top-level write or transaction() in scope is a job in its own savepoint, so a failed one
    // takes back only its own statements. A write out of scope, a script or a checkpoint commits
    // the open group first. `ended` is called once for each group, with Done when it committed and
    // the error when it did not (the jobs it held are lost, and caches are emptied): the caller
    // keeps answers back until then, so that no answer promises a row that is not stored.
    struct GroupHooks
    {
        std::function<void()> opened;
        std::function<void(quint64 group, const Status &outcome)> ended;
    };
    // False (and nothing changes) where the database is not a SQLite file.
    bool enableGroups(GroupHooks hooks);
    // Commits the open group and stops grouping.
    void disableGroups();
    class GroupScope
    {
        Q_DISABLE_COPY_MOVE(GroupScope)

    public:
        explicit GroupScope(const Database &database);
        ~GroupScope();

    private:
        const Database &m_database;
        bool m_counted = false;
    };
    // Commits the open group, if there is one (on the grouping thread).
    Status endGroup() const;
    // The open group's number (they count from 1), or 0.
    quint64 openGroup() const { return m_openGroup; }
    // Jobs that were done in groups, and groups that were lost, since the start: a request that
    // compares them before and after it ran knows whether it wrote, and whether that was lost.
    quint64 groupJobs() const { return m_groupJobs; }
    quint64 groupsLost() const { return m_groupsLost; }

    // NULL for a null QString or a flagged number, the value otherwise. Every other null QString
    // binds as an empty string, so that NULL is always a decision.
    static QVariant nullable(const QString &text);
    static QVariant nullable(qint64 value, bool isNull);

private:
    // What a statement may do to existing rows.
    enum class StatementKind { Read, Insert, Change };
    struct CachedStatement
    {
        std::shared_ptr<QSqlQuery> query;
        StatementKind kind = StatementKind::Change;
    };
    // An executed cached query and, for a write outside a transaction, the write turn it holds
    // until the caller has read it.
    struct Running
    {
        QSqlQuery *query = nullptr;
        std::unique_lock<QMutex> writeTurn;
    };

    // Every SQLite connection waits this long for another one's lock.
    static constexpr QLatin1StringView s_busyTimeoutPragma{"PRAGMA busy_timeout = 5000"};

    Database(DatabaseLocation location, DatabaseSchema schema);
    Status connectMainThread();
    Status migrate();
    Status configureConnection(QSqlDatabase &database) const;
    void openConnection(QSqlDatabase &database) const;
    CachedStatement cachedQuery(const QSqlDatabase &database, const QString &sql, bool *fresh) const;
    Result<Running> run(const QString &sql, const QVariantList &values) const;
    // A write statement on SQLite, through SqliteStatements: bound, then run in its write turn.
    Result<SqliteStatements::Outcome> write(const QString &sql, const QVariantList &values) const;
    // The same, never as a job of a group (the group's own statements, and transaction()'s).
    Result<SqliteStatements::Outcome> writeUngrouped(const QString &sql, const QVariantList &values) const;
    Status writeStatement(const QString &sql) const;
    SqliteStatements *sqliteStatements(const QSqlDatabase &database) const;
    // The grouping thread's connection and its statements, kept so that its requests skip the
    // lookups under m_mutex (3% of that thread under a flood). Forgotten before the connection
    // closes or another thread groups.
    void keepGroupConnection(const QSqlDatabase &database) const;
    void forgetGroupConnection() const;
    Result<WalState> walCheckpoint(const QString &pragma) const;
    int transactionDepth() const;
    void setTransactionDepth(int depth) const;
    // Group commit (see enableGroups()): whether the calling thread groups its writes now, the
    // open group's begin, one job in its savepoint, and the end of a group that failed.
    bool isGroupThread() const;
    bool groupsWrites() const;
    Status beginGroup() const;
    Status groupJob(const std::function<Status()> &work, JobUndo undo) const;
    void loseGroup(const Error &error) const;
    void finishGroup(const Status &outcome) const;
    void bumpGeneration() const { m_writeGeneration.fetch_add(1, std::memory_order_acq_rel); }
    static StatementKind kindOf(const QString &sql);
    // A failed statement as an Error: Unavailable for a read-only or full database or a lost
    // server (the caller answers 503 and the server keeps running), Storage otherwise.
    Error failure(const QSqlError &error, const QString &prefix = {}) const;
    Error notOpen() const;

    DatabaseLocation m_location;
    DatabaseSchema m_schema;
    QString m_connectionPrefix;
    int m_schemaVersion = 0;
    bool m_serializeWrites = false; // a SQLite file: see the header comment
    bool m_readOnly = false;
    mutable QMutex m_mutex;
    mutable QMutex m_writeMutex;
    mutable std::atomic<quint64> m_writeGeneration{1};
    mutable int m_connectionCounter = 0;
    mutable QHash<Qt::HANDLE, QString> m_connectionNames;
    mutable QHash<Qt::HANDLE, int> m_transactionDepth;
    mutable QHash<QString, QHash<QString, CachedStatement>> m_queries; // connection name -> sql -> query
    mutable QHash<QString, std::shared_ptr<SqliteStatements>> m_sqliteStatements; // by connection name
    // Group commit; only the grouping thread uses these, past m_groupThread.
    std::atomic<Qt::HANDLE> m_groupThread{nullptr};
    GroupHooks m_groupHooks;
    mutable int m_groupScopes = 0;
    mutable quint64 m_openGroup = 0;
    mutable bool m_jobActive = false;
    mutable quint64 m_lastGroup = 0;
    mutable quint64 m_groupJobs = 0;
    mutable quint64 m_groupsLost = 0;
    mutable std::unique_lock<QMutex> m_groupTurn;
    mutable QSqlDatabase m_groupConnection;
    mutable SqliteStatements *m_groupStatements = nullptr;
    // PRAGMA data_version as read in the open group: no other connection commits while a group
    // holds the write lock, so it cannot change before the group ends.
    mutable quint64 m_stampGroup = 0;
    mutable qint64 m_stampVersion = 0;
};
