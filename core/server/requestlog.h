// SPDX-License-Identifier: Apache-2.0
#pragma once

// Records every exchange. An entry is announced at once (requestLogged, for the UI), collected
// for a moment and handed to a RequestLogWriter, which writes it on a thread of its own, so that
// logging never delays an answer (docs/decisions/0020-request-log-writer-thread.md). The table is
// capped: the oldest entries go first. Optionally each entry is also appended to an NDJSON file.

#include "requestlogentry.h"
#include "result.h"

#include <QObject>
#include <QTimer>

#include <memory>

class Database;
class QThread;
class RequestLogStore;
class RequestLogWriter;

class RequestLog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestLog)

public:
    static constexpr qint64 s_defaultCap = 100'000;
    // Entries wait at most s_flushIntervalMs, or until s_batchSize wait, before they are handed
    // to the writer: fewer, larger transactions.
    static constexpr qsizetype s_batchSize = 250;
    static constexpr int s_flushIntervalMs = 50;
    // A ":memory:" database is written in the event loop's thread: at most this many rows at a
    // time, so that no write blocks the answers for more than about a millisecond.
    static constexpr qsizetype s_inlineBatchSize = 50;

    // The log in the portal's database.
    explicit RequestLog(const Database &database, QObject *parent = nullptr)
        : RequestLog(database, database, parent) { }
    // The log in `log`, the file of its own next to a SQLite file of the portal (see
    // RequestLogWriter).
    RequestLog(const Database &portal, const Database &log, QObject *parent = nullptr);
    ~RequestLog() override;

    void setInstance(const QString &instance) { m_instance = instance; }
    QString instance() const { return m_instance; }
    void setCap(qint64 cap);
    qint64 cap() const { return m_cap; }
    // Also appends each entry as one JSON line to this file, after it is stored (with its id);
    // an empty name turns it off.
    Status setLogFile(const QString &fileName);
    // How long entries wait before they are handed to the writer (default s_flushIntervalMs).
    void setFlushInterval(int milliseconds) { m_interval = milliseconds; }
    // The thread that writes the entries; nullptr when it is this one (a ":memory:" database).
    QThread *writerThread() const;

    // Takes an exchange: stamps it, announces it, and queues it for writing.
    void record(RequestLogEntry entry);
    // Writes everything recorded so far and returns once it is stored (or failed): the first
    // failure of the batches written since the last flush. Called on exit, by /admin/requests and
    // by tests. It waits for the writer without running an event loop.
    Status flush();
    // Entries recorded and not stored yet.
    int pendingCount() const;
    // Of those, the entries not handed to the writer yet.
    int heldBackCount() const { return int(m_pending.size()); }
    // Stored entries plus those not stored yet, counted once each: it waits for the batch that is
    // being written, if any.
    Result<qint64> loggedCount() const;

    // The newest stored entries (after a flush), oldest first.
    Result<QList<RequestLogEntry>> newest(int limit) const;
    Result<qint64> storedCount() const;
    Status clear();

    // Cuts a body to the log's cap without splitting a UTF-8 character.
    static QByteArray capBody(const QByteArray &body);

Q_SIGNALS:
    void requestLogged(const RequestLogEntry &entry);
    void requestsStored(int count);
    void cleared();

private:
    // Hands the waiting entries to the writer (at most s_inlineBatchSize without a thread).
    void handOver();
    // Announces the batches the writer stored (requestsStored), in this thread.
    void announceStored();

    std::unique_ptr<RequestLogStore> m_store;
    std::unique_ptr<RequestLogWriter> m_writer;
    QList<RequestLogEntry> m_pending;
    QTimer m_timer;
    int m_interval = s_flushIntervalMs;
    QString m_instance;
    qint64 m_cap = s_defaultCap;
    quint64 m_sequence = 0;
};
