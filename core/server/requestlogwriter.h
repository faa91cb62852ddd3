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
    // After each batch the writer runs a PASSIVE WAL checkpoint, which waits for nobody. Under
    // steady writes from the answering thread such a checkpoint never finishes (new pages arrive
    // while it copies), so the WAL file keeps growing. Emptying it takes a TRUNCATE checkpoint
    // that this process's writes wait for, and its fsyncs can take tens of milliseconds on a busy
    // disk. So once the WAL holds s_walRestartFrames pages, the writer runs that TRUNCATE when no
    // request has been logged for s_walIdleMs (the server is idle). When the WAL reaches
    // s_walForceFrames under a flood of writes, it runs a RESTART at once, busy or not, which
    // reuses the file from its beginning (docs/decisions/0025-wal-restart-when-idle.md).
    static constexpr qint64 s_walRestartFrames = 4'096; // 16 MB of 4 KB pages
    static constexpr qint64 s_walForceFrames = 131'072; // 512 MB
    static constexpr int s_walIdleMs = 100;

    // `written` is called after each batch, from the writer's thread.
    RequestLogWriter(const Database &database, std::function<void()> written);
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

    const Database &m_database;
    std::unique_ptr<RequestLogStore> m_store;
    std::function<void()> m_written;
    QThread *m_thread = nullptr;
    std::atomic<qint64> m_cap;

    mutable QMutex m_mutex; // guards everything below but the file
    QWaitCondition m_wake; // work was handed over, or the writer must stop
    mutable QWaitCondition m_idle; // a batch was written
    QList<RequestLogEntry> m_queue;
    qsizetype m_unwritten = 0; // queued plus being written
    bool m_writing = false;
    bool m_stopping = false;
    bool m_restartDue = false; // writer thread only
    QString m_lastError; // of the last statement that could not be written; writer thread only
    std::optional<Error> m_failure;
    QList<int> m_stored;

    QMutex m_fileMutex;
    QFile m_file;
};
