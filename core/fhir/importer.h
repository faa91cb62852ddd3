// SPDX-License-Identifier: Apache-2.0
#pragma once

// Imports FHIR R4 files (transaction, batch, collection and searchset Bundles, NDJSON as Synthea and
// Bulk Data export write it, single resources) into the resource store, keeping resource ids.
// start() runs the import on a worker thread with its own database connection, so that the HTTP
// server and the window go on answering; progress and the summary arrive as signals on the
// importer's thread. importFiles() does the same on the calling thread and returns the summary.
// A ":memory:" SQLite database is one connection and cannot be shared with a worker: there
// start() imports a chunk per turn of the calling thread's event loop instead.

#include "fhir/importsummary.h"

#include <QObject>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

class Clock;
class Database;
class ImportJob;
class QThread;

class FhirImporter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FhirImporter)

public:
    FhirImporter(const Database &database, const Clock &clock, QObject *parent = nullptr);
    // Cancels a running import and waits for the current chunk to end.
    ~FhirImporter() override;

    // Resources written per transaction (default 500).
    void setChunkSize(int resources);
    // The largest JSON document (Bundle) read whole (default 128 MiB); NDJSON has no limit.
    void setMaxDocumentBytes(qint64 bytes);
    // Called on the importing thread before each step (opening a file or writing a chunk); tests
    // use it to see which thread imports and to hold an import while they look.
    void setStepHook(std::function<void()> hook);

    // Imports on the calling thread and returns when done; progressed and finished are emitted too.
    // Not while an import of start() runs: they share the cancel flag.
    ImportSummary importFiles(const QStringList &paths);
    // Starts importing and returns at once; false when an import is already running.
    bool start(const QStringList &paths);
    // Stops after the current chunk; what was written stays. Safe from any thread.
    void cancel();
    bool isRunning() const { return m_running; }
    // Whether start() uses a worker thread (false for a ":memory:" database).
    bool usesWorkerThread() const;

Q_SIGNALS:
    // At most about ten times a second, and once at the end.
    void progressed(qint64 bytesDone, qint64 bytesTotal, int resourcesImported);
    void finished(const ImportSummary &summary);

private:
    std::unique_ptr<ImportJob> makeJob(const QStringList &paths) const;
    void stepOnThisThread();
    void complete(const ImportSummary &summary, qint64 bytesDone, qint64 bytesTotal, int resources);

    const Database &m_database;
    const Clock &m_clock;
    int m_chunkSize = 500;
    qint64 m_maxDocumentBytes = 128 * 1024 * 1024;
    std::function<void()> m_stepHook;
    std::unique_ptr<QThread> m_thread;
    std::unique_ptr<ImportJob> m_job; // the job stepped on this thread (":memory:")
    qint64 m_lastProgressMs = 0;
    std::atomic<bool> m_cancelled{false};
    bool m_running = false;
};
