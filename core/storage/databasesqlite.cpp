// SPDX-License-Identifier: Apache-2.0
// Database's parts that only SQLite has: writes through SQLite's own API (SqliteStatements), the
// data stamp that row caches compare, and WAL checkpoints.
#include "database.h"

#include <QLoggingCategory>
#include <QMutexLocker>
#include <QThread>

using namespace Qt::StringLiterals;

bool Database::isInMemory() const
{
    return m_location.engine == DatabaseEngine::Sqlite && m_location.sqlitePath == u":memory:"_s;
}

std::optional<DataStamp> Database::dataStamp() const
{
    if (m_location.engine != DatabaseEngine::Sqlite)
        return std::nullopt;
    DataStamp stamp;
    stamp.generation = writeGeneration();
    if (!isInMemory()) {
        // Only another connection can change a file behind this one's back; ":memory:" has none.
        // Read through SQLite's own API: through QtSql it cost 8,800 instructions, on every
        // request that reads a cached row.
        const bool inGroup = isGroupThread() && m_openGroup != 0;
        if (inGroup && m_stampGroup == m_openGroup) {
            // Read once per group: PRAGMA data_version begins a read of the WAL index each time.
            stamp.version = m_stampVersion;
            return stamp;
        }
        const QSqlDatabase database = connection();
        SqliteStatements *statements = database.isOpen() ? sqliteStatements(database) : nullptr;
        if (!statements)
            return std::nullopt;
        Result<qint64> version = statements->dataVersion();
        if (!version)
            return std::nullopt;
        stamp.version = version.value();
        if (inGroup) {
            m_stampGroup = m_openGroup;
            m_stampVersion = stamp.version;
        }
    }
    return stamp;
}

Status Database::setAutoCheckpoint(bool enabled) const
{
    if (!m_serializeWrites)
        return Done{};
    // 1000 pages is SQLite's default. The setting is this connection's own, so it runs as a read:
    // through runScript() it would take the write turn and change the data stamp, emptying every
    // row cache whenever the request log's thread starts.
    Result<std::optional<QSqlRecord>> set
        = one(enabled ? u"PRAGMA wal_autocheckpoint = 1000"_s : u"PRAGMA wal_autocheckpoint = 0"_s);
    if (!set)
        return set.error();
    return Done{};
}

Result<Database::WalState> Database::checkpoint(bool blockWrites, bool truncate) const
{
    if (!m_serializeWrites)
        return WalState{};
    if (isGroupThread() && m_openGroup && !m_jobActive)
        (void)endGroup(); // no checkpoint runs inside a transaction
    if (!blockWrites) {
        // Copies what it can and waits for nobody.
        Result<WalState> state = walCheckpoint(u"PRAGMA wal_checkpoint(PASSIVE)"_s);
        // SQLite syncs the database file only when nothing was committed while it copied, which
        // under steady writes from another thread never happens, even when the PRAGMA reports
        // every frame copied (it counts the frames there were when it began). The copied pages
        // piled up unsynced, and the RESTART that finally completed synced them all while this
        // process's writers waited for it: 235 ms after 20 seconds of minting tokens
        // (bench/RESULTS.md). Synced here, they are written while no lock is held, and the
        // RESTART only has the last few to sync. After a checkpoint that SQLite synced itself,
        // nothing is left to write and the sync costs next to nothing.
        if (state && state.value().checkpointed > 0) {
            if (SqliteStatements *statements = sqliteStatements(connection())) {
                if (Status synced = statements->syncDatabaseFile(); !synced)
                    return synced.error();
            }
        }
        return state;
    }
    // TRUNCATE also waits for readers to leave the WAL, then empties the WAL file, so that the next
    // write starts it from its beginning. It must not wait here: this process's writers wait for
    // the turn held meanwhile, and SQLite's busy handler sleeps in steps of up to 100 ms. Without a
    // busy timeout a reader makes it return at once ("busy"), and the caller tries again later.
    std::unique_lock<QMutex> writeTurn;
    if (transactionDepth() == 0)
        writeTurn = std::unique_lock<QMutex>(m_writeMutex);
    // (PRAGMAs run as reads: runScript() would take the turn again.)
    if (Result<std::optional<QSqlRecord>> noWait = one(u"PRAGMA busy_timeout = 0"_s); !noWait)
        return noWait.error();
    Result<WalState> state
        = walCheckpoint(truncate ? u"PRAGMA wal_checkpoint(TRUNCATE)"_s : u"PRAGMA wal_checkpoint(RESTART)"_s);
    if (Result<std::optional<QSqlRecord>> restored = one(QString(s_busyTimeoutPragma)); !restored)
        return restored.error();
    return state;
}

Status Database::writeBackWal() const
{
    if (!m_serializeWrites)
        return Done{};
    SqliteStatements *statements = sqliteStatements(connection());
    if (!statements)
        return Done{};
    return statements->writeBackWalPages();
}

Status Database::keepWalWindow(qint64 ahead, qint64 behind) const
{
    if (!m_serializeWrites)
        return Done{};
    SqliteStatements *statements = sqliteStatements(connection());
    if (!statements)
        return Done{};
    return statements->keepWalWindow(ahead, behind);
}

Result<Database::WalState> Database::walCheckpoint(const QString &pragma) const
{
    Result<std::optional<QSqlRecord>> state = one(pragma);
    if (!state)
        return state.error();
    if (!state.value())
        return WalState{};
    // The row is (busy, frames in the WAL, frames copied into the database).
    return WalState{state.value()->value(0).toInt() != 0, state.value()->value(1).toLongLong(),
                    state.value()->value(2).toLongLong()};
}

SqliteStatements *Database::sqliteStatements(const QSqlDatabase &database) const
{
    const bool groupConnection
        = isGroupThread() && m_groupConnection.isOpen() && database.driver() == m_groupConnection.driver();
    if (groupConnection && m_groupStatements)
        return m_groupStatements;
    QMutexLocker locker(&m_mutex);
    std::shared_ptr<SqliteStatements> &statements = m_sqliteStatements[database.connectionName()];
    if (!statements)
        statements = SqliteStatements::attach(database);
    if (groupConnection)
        m_groupStatements = statements.get();
    return statements.get();
}

Result<SqliteStatements::Outcome> Database::write(const QString &sql, const QVariantList &values) const
{
    if (isGroupThread() && !m_jobActive) {
        if (groupsWrites()) {
            std::optional<Result<SqliteStatements::Outcome>> outcome;
            // One statement needs no savepoint: if it fails, SQLite has taken it back.
            const Status done = groupJob(
                [&]() -> Status {
                    outcome = writeUngrouped(sql, values);
                    return outcome->ok() ? Status(Done{}) : Status(outcome->error());
                },
                JobUndo::LoseGroup);
            if (!done)
                return done.error();
            return std::move(*outcome);
        }
        if (m_openGroup)
            (void)endGroup(); // out of scope: what the group holds is committed first
    }
    return writeUngrouped(sql, values);
}

Result<SqliteStatements::Outcome> Database::writeUngrouped(const QString &sql, const QVariantList &values) const
{
    const QSqlDatabase database = connection();
    if (!database.isOpen())
        return notOpen();
    SqliteStatements *statements = sqliteStatements(database);
    if (!statements)
        return storageError(u"The database %1 has no SQLite handle"_s.arg(m_location.displayName()));
    Result<sqlite3_stmt *> prepared = statements->prepare(sql, values); // bound before the turn
    if (!prepared)
        return prepared.error();
    std::unique_lock<QMutex> writeTurn;
    if (m_serializeWrites && transactionDepth() == 0)
        writeTurn = std::unique_lock<QMutex>(m_writeMutex);
    Result<SqliteStatements::Outcome> outcome = statements->step(prepared.value());
    if (outcome && outcome.value().changes != 0) {
        int kind = statements->tag(prepared.value());
        if (kind < 0) {
            kind = int(kindOf(sql));
            statements->setTag(prepared.value(), kind);
        }
        if (StatementKind(kind) == StatementKind::Change)
            bumpGeneration();
    }
    return outcome;
}

Result<qint64> Database::insertReturningLastId(const QString &sql, const QVariantList &values) const
{
    Q_ASSERT(m_location.engine == DatabaseEngine::Sqlite);
    Result<SqliteStatements::Outcome> outcome = write(sql, values);
    if (!outcome)
        return outcome.error();
    return outcome.value().lastInsertId;
}
