// SPDX-License-Identifier: Apache-2.0
#pragma once

// Records every exchange. An entry is announced at once (requestLogged, for the UI) and written
// to the database in batches a moment later, in one transaction per batch, so that logging never
// delays an answer. The table is capped: the oldest entries go first. Optionally each entry is
// also appended to an NDJSON file.

#include "requestlogentry.h"
#include "result.h"

#include <QFile>
#include <QObject>
#include <QTimer>

#include <memory>

class Database;
class RequestLogStore;

class RequestLog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestLog)

public:
    static constexpr qint64 s_defaultCap = 100'000;
    // Small, frequent batches: each write blocks the event loop, so it must stay short
    // (bench/RESULTS.md measured 40 ms stalls with batches of 1,000 every 200 ms).
    static constexpr qsizetype s_batchSize = 250;
    static constexpr int s_flushIntervalMs = 50;

    explicit RequestLog(const Database &database, QObject *parent = nullptr);
    ~RequestLog() override;

    void setInstance(const QString &instance) { m_instance = instance; }
    QString instance() const { return m_instance; }
    void setCap(qint64 cap) { m_cap = cap; }
    qint64 cap() const { return m_cap; }
    // Also appends each entry as one JSON line to this file; an empty name turns it off.
    Status setLogFile(const QString &fileName);
    // How long entries wait before they are written (default s_flushIntervalMs).
    void setFlushInterval(int milliseconds) { m_timer.setInterval(milliseconds); }

    // Takes an exchange: stamps it, announces it, and queues it for writing.
    void record(RequestLogEntry entry);
    // Writes everything queued now. Called by the timer, on exit, and by tests.
    Status flush();
    int pendingCount() const { return int(m_pending.size()); }

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
    std::unique_ptr<RequestLogStore> m_store;
    QList<RequestLogEntry> m_pending;
    QTimer m_timer;
    QFile m_file;
    QString m_instance;
    QString m_lastError; // of the last batch that could not be written
    qint64 m_cap = s_defaultCap;
    quint64 m_sequence = 0;
};
