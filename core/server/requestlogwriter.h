// SPDX-License-Identifier: Apache-2.0
#pragma once

// Writes the request log's batches to the database, off the thread that answers requests: on a
// thread of its own with its own database connection (a SQLite file, PostgreSQL). A ":memory:"
// SQLite database is one connection that no other thread can open, so there the writer works in
// the calling thread instead (docs/decisions/0020-request-log-writer-thread.md). After each batch
// it trims the table to the cap and appends the entries, with their ids, to the NDJSON file. On a
// SQLite file it also runs the WAL checkpoints, which the creating thread's connection leaves to it.

#include "requestlogentry.h"
#include "result.h"

#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QMutex>
#include <QWaitCondition>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class Database;
class QThread;
class RequestLogStore;

class RequestLogWriter final
{
    Q_DISABLE_COPY_MOVE(RequestLogWriter)

public:
    // The writer runs a PASSIVE WAL checkpoint after a batch, at most one per
    // s_checkpointIntervalMs (one per batch, some 25 a second under a flood, kept the disk
    // saturated with fsyncs and copied hot pages again and again; one every 250 ms still left
    // the answering thread waiting behind their cache flushes several times a minute). Between
    // checkpoints, each batch writes the WAL's whole pages back without a sync
    // (Database::writeBackWal()). A PASSIVE waits for nobody.
    // Under steady writes from the answering thread it never finishes (new pages arrive while it
    // copies), so the WAL file keeps growing. When no request has been logged for s_walIdleMs,
    // one more PASSIVE copies the rest, and the next write starts the WAL over. Giving the file's
    // space back takes a TRUNCATE, which this process's writes wait for, for about half a
    // millisecond per MB freed on a discard-mounted ext4: it runs once the WAL has held
    // s_walRestartFrames pages and nothing has been logged for s_walTruncateIdleMs. When the WAL
    // reaches s_walForceFrames under a flood of writes, the writer catches up with up to
    // s_walCatchUpRounds more PASSIVEs, until at most s_walTailFrames pages are left to copy, then
    // runs a RESTART, busy or not, which reuses the file from its beginning
    // (docs/decisions/0025-wal-restart-when-idle.md). The RESTART pauses every writer for about
    // as long as the last catch-up round took: two syncs of the disk. When that round took more
    // than s_walRestartPauseMs (the disk is slow to sync: 90 to 190 ms each while another
    // process wrote to it), the RESTART waits for the next checkpoint, unless the WAL has reached
    // s_walHardFrames.
    static constexpr qint64 s_walRestartFrames = 4'096; // 16 MB of 4 KB pages
    static constexpr qint64 s_walForceFrames = 524'288; // 2 GB
    static constexpr qint64 s_walHardFrames = 2'097'152; // 8 GB
    static constexpr qint64 s_walRestartPauseMs = 20;
    static constexpr qint64 s_walTailFrames = 256;
    static constexpr int s_walCatchUpRounds = 6;
    static constexpr int s_checkpointIntervalMs = 1000;
    static constexpr int s_walIdleMs = 100;
    static constexpr int s_walTruncateIdleMs = 2'000;
    // After each batch and each idle checkpoint the writer keeps the WAL's pages around where
    // the next frame goes in memory and mapped (Database::keepWalWindow()): s_walAheadBytes from
    // there, for the frames to come (a WAL that starts over is written over its old pages, and a
    // frame written into a page not in memory reads it first, in the answering thread), and
    // s_walBehindBytes before it, where the pages of the last commits are read back from. About
    // a second of the fastest flood's frames (160 MB/s) between them; that much more resident
    // memory, all of it page cache.
    static constexpr qint64 s_walAheadBytes = 64 << 20;
    static constexpr qint64 s_walBehindBytes = 64 << 20;

    // `written` is called after each batch, from the writer's thread. The entries go to `log`, and
    // the WAL checkpoints are those of `portal`, the database that requests write to; on a SQLite
    // file the log has a file of its own (DatabaseLocation::requestLogLocation()), whose
    // checkpoints run along with the portal's.
    RequestLogWriter(const Database &portal, const Database &log, std::function<void()> written);
    // The log in the portal's database.
    RequestLogWriter(const Database &database, std::function<void()> written)
        : RequestLogWriter(database, database, std::move(written))
    { }
    // Writes what was handed over, then stops the thread.
    ~RequestLogWriter();

    // The writer's thread, or nullptr when it writes in the calling thread (":memory:").
    QThread *thread() const { return m_thread; }
    void setCap(qint64 cap) { m_cap.store(cap); }
    Status setLogFile(const QString &fileName);

    // Hands a batch over: queued for the writer's thread, or written now.
    void submit(QList<RequestLogEntry> batch);
    // Waits until every batch handed over so far is written; the first failure among the batches
    // written since the last call.
    Status waitUntilWritten();
    // Waits until every batch handed over so far is written.
    void waitUntilIdle() const;
    // Entries handed over and not written yet.
    qsizetype unwritten() const;
    // Whether a WAL of `frames` pages starts over now, busy or not, after a catch-up round that
    // took `lastRoundMs` (see s_walRestartPauseMs).
    static bool restartNow(qint64 frames, qint64 lastRoundMs);
    // Drops the batches not started yet, and waits for the one being written.
    void discardQueued();
    // The sizes of the batches stored since the last call, oldest first.
    QList<int> takeStored();

private:
    void run();
    void write(QList<RequestLogEntry> &batch);
    // The checkpoints after a batch; whether a TRUNCATE is due once the server is idle.
    bool checkpoint();
    void restartWal();

    bool hasOwnLog() const { return &m_log != &m_database; }

    const Database &m_database; // the portal's
    const Database &m_log;
    std::unique_ptr<RequestLogStore> m_store;
    std::function<void()> m_written;
    QThread *m_thread = nullptr;
    std::atomic<qint64> m_cap;

    mutable QMutex m_mutex; // guards everything below but the file
    QWaitCondition m_wake; // work was handed over, or the writer must stop
    mutable QWaitCondition m_idle; // a batch was written
    QList<RequestLogEntry> m_queue;
    // Batches written, for the next submit() to free in the thread that allocated their strings.
    // Freed here, each free took the lock of that thread's malloc arena, which the answering
    // thread needs for its own allocations: both threads waited on it thousands of times a
    // minute (perf sched_switch stacks, bench/RESULTS.md).
    QList<RequestLogEntry> m_spent;
    qsizetype m_unwritten = 0; // queued plus being written
    bool m_writing = false;
    bool m_stopping = false;
    bool m_restartDue = false; // writer thread only
    QElapsedTimer m_lastCheckpoint; // writer thread only
    bool m_checkpointOwed = false; // the WAL may hold uncopied pages; writer thread only
    QString m_lastError; // of the last statement that could not be written; writer thread only
    std::optional<Error> m_failure;
    QList<int> m_stored;

    QMutex m_fileMutex;
    QFile m_file;
};
