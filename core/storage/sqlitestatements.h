// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs write statements on one SQLite connection through SQLite's own API, for Database. QtSql's
// QSQLITE driver costs about 2,000 instructions per bound value (it names each placeholder with
// QString::arg and looks the name up in a hash) and rebuilds a QSqlRecord on every exec, which
// made an INSERT cost more than the rest of an answer (bench/RESULTS.md). Reads, which need
// QSqlRecords, stay on QtSql. Prepared statements are kept per SQL text; an object belongs to its
// connection's thread, and is destroyed before that connection is closed.

#include "result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QVariant>

#include <memory>
#include <sys/types.h>
#include <utility>

class QSqlDatabase;
struct sqlite3;
struct sqlite3_stmt;

class SqliteStatements final
{
    Q_DISABLE_COPY_MOVE(SqliteStatements)

public:
    // The statements of an open QSQLITE connection; nullptr for any other connection.
    static std::unique_ptr<SqliteStatements> attach(const QSqlDatabase &database);
    // Settings of the SQLite library itself, made once, before its first connection opens (after
    // that SQLite refuses them, and they stay as they are): no memory statistics. With them,
    // every allocation inside SQLite takes one lock global to the process, and the answering
    // thread and the request log's writer waited for each other on it thousands of times a
    // minute (perf sched_switch stacks, bench/RESULTS.md).
    static void configureLibrary();
    ~SqliteStatements();

    struct Outcome
    {
        int changes = 0; // rows inserted, updated or deleted
        qint64 lastInsertId = 0;
    };

    // Prepares `sql` (once) and binds `values` as Database documents it: a null QString binds as
    // an empty string, an invalid QVariant as NULL.
    Result<sqlite3_stmt *> prepare(const QString &sql, const QVariantList &values);
    // A number the caller keeps with a prepared statement, -1 until it sets one (Database: the
    // statement's kind, which scanning the SQL text for it cost 2% of a token's minting).
    int tag(sqlite3_stmt *statement) const { return m_tags.value(statement, -1); }
    void setTag(sqlite3_stmt *statement, int tag) { m_tags.insert(statement, tag); }
    // Runs a prepared and bound statement to its end, and resets it.
    Result<Outcome> step(sqlite3_stmt *statement);
    // Whether a transaction is open: after some errors (a full disk, an I/O error) SQLite rolls
    // the whole transaction back by itself.
    bool inTransaction() const;
    // Rows that statements on this connection have inserted, changed or deleted since it opened;
    // a statement that failed and was taken back adds none.
    qint64 totalChanges() const;
    // PRAGMA data_version: it changes when another connection has committed since the last call.
    Result<qint64> dataVersion();
    // Writes the main database file's changed pages to the disk through the VFS's own xSync (an
    // fdatasync), as SQLite does at the end of a checkpoint that copied the whole WAL. A PASSIVE
    // checkpoint that copies only part of it leaves what it copied unsynced, for the kernel to
    // write back within half a minute, or for the next complete checkpoint to sync, all at once.
    // Only for a connection that no other thread is using meanwhile.
    Status syncDatabaseFile();
    // Starts writing the WAL's whole pages to disk and waits for them, up to where its valid
    // frames end (from the -shm index; the file's end when that cannot be read), leaving out the
    // partly written page there (where the next frame goes) and the disk's cache flush: no
    // durability, only a write-back kept small. Done when there is no WAL file.
    Status writeBackWalPages();
    // Keeps the WAL's pages around where the next frame goes in memory: maps the `ahead` bytes
    // from there (from the WAL's beginning when every frame is copied, for the WAL then starts
    // over) and the `behind` bytes before it into this process, reading from the disk what is
    // not in memory, and unmaps what left that window since the last call. A frame written into
    // a page that is not in memory reads it first, inside the writer's write(); mapped, the
    // pages are out of reach of a proactive reclaim of unmapped page cache (this VM's DAMON
    // scheme), which readahead alone is not. Nothing touches the mapping: madvise() fills its
    // page tables. Without a mapping, or on a kernel without MADV_POPULATE_READ (before 5.14),
    // it reads ahead instead. Done when there is no WAL file, or when its index is being written.
    Status keepWalWindow(qint64 ahead, qint64 behind);

private:
    explicit SqliteStatements(sqlite3 *handle) : m_handle(handle) { }
    QString lastError() const;
    void releaseWalWindow();
    // Drops the text kept for `statement` once its bindings are cleared.
    void releaseText(sqlite3_stmt *statement);

    sqlite3 *m_handle;
    QHash<QString, sqlite3_stmt *> m_statements;
    QHash<sqlite3_stmt *, int> m_tags;
    sqlite3_stmt *m_dataVersion = nullptr;
    // The UTF-8 text bound to statements not stepped yet, kept until step() clears their
    // bindings: bound without a copy, SQLite allocates nothing for them.
    QList<std::pair<sqlite3_stmt *, QByteArray>> m_boundText;
    struct WalWindow
    {
        void *base = nullptr; // a read-only shared mapping of the WAL file from its beginning
        size_t length = 0;
        dev_t device = 0; // which file it maps
        ino_t inode = 0;
        qint64 from = 0; // the mapped (populated) window, in bytes
        qint64 to = 0;
    };
    WalWindow m_walWindow;
};
