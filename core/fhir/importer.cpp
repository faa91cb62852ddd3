// SPDX-License-Identifier: Apache-2.0
#include "importer.h"

#include "clock.h"
#include "fhir/importjob.h"
#include "storage/database.h"

#include <QElapsedTimer>
#include <QThread>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 s_progressIntervalMs = 100;

} // namespace

FhirImporter::FhirImporter(const Database &database, const Clock &clock, QObject *parent)
    : QObject(parent), m_database(database), m_clock(clock)
{ }

FhirImporter::~FhirImporter()
{
    m_cancelled = true;
    (void)m_database.endGroup(); // the import may be waiting for the write turn a group holds
    if (m_thread)
        m_thread->wait();
}

void FhirImporter::setChunkSize(int resources)
{
    m_chunkSize = std::max(1, resources);
}

void FhirImporter::setMaxDocumentBytes(qint64 bytes)
{
    m_maxDocumentBytes = bytes;
}

void FhirImporter::setStepHook(std::function<void()> hook)
{
    m_stepHook = std::move(hook);
}

bool FhirImporter::usesWorkerThread() const
{
    const DatabaseLocation &location = m_database.location();
    return location.engine != DatabaseEngine::Sqlite || location.sqlitePath != u":memory:"_s;
}

std::unique_ptr<ImportJob> FhirImporter::makeJob(const QStringList &paths) const
{
    ImportJob::Options options;
    options.chunkSize = m_chunkSize;
    options.maxDocumentBytes = m_maxDocumentBytes;
    return std::make_unique<ImportJob>(m_database, m_clock, paths, m_clock.nowMs(), options);
}

ImportSummary FhirImporter::importFiles(const QStringList &paths)
{
    m_cancelled = false;
    const std::unique_ptr<ImportJob> job = makeJob(paths);
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    while (!m_cancelled) {
        if (m_stepHook)
            m_stepHook();
        if (!job->step())
            break;
        if (sinceProgress.elapsed() >= s_progressIntervalMs) {
            Q_EMIT progressed(job->bytesDone(), job->bytesTotal(), job->resourcesDone());
            sinceProgress.restart();
        }
    }
    const ImportSummary summary = job->finish(m_cancelled);
    Q_EMIT progressed(job->bytesDone(), job->bytesTotal(), job->resourcesDone());
    Q_EMIT finished(summary);
    return summary;
}

bool FhirImporter::start(const QStringList &paths)
{
    if (m_running)
        return false;
    m_running = true;
    m_cancelled = false;
    if (!usesWorkerThread()) {
        m_job = makeJob(paths);
        m_lastProgressMs = 0;
        QTimer::singleShot(0, this, &FhirImporter::stepOnThisThread);
        return true;
    }
    (void)m_database.endGroup();
    if (m_thread)
        m_thread->wait(); // the previous import's thread, which has ended or is about to
    std::shared_ptr<ImportJob> job = makeJob(paths);
    m_thread.reset(QThread::create([this, job] {
        QElapsedTimer sinceProgress;
        sinceProgress.start();
        while (!m_cancelled) {
            if (m_stepHook)
                m_stepHook();
            if (!job->step())
                break;
            if (sinceProgress.elapsed() >= s_progressIntervalMs) {
                QMetaObject::invokeMethod(
                    this,
                    [this, done = job->bytesDone(), total = job->bytesTotal(), count = job->resourcesDone()] {
                        Q_EMIT progressed(done, total, count);
                    },
                    Qt::QueuedConnection);
                sinceProgress.restart();
            }
        }
        ImportSummary summary = job->finish(m_cancelled);
        summary.onWorkerThread = true;
        // The connection belongs to this thread, which ends now.
        m_database.closeConnection();
        QMetaObject::invokeMethod(
            this,
            [this, summary, done = job->bytesDone(), total = job->bytesTotal(), count = job->resourcesDone()] {
                complete(summary, done, total, count);
            },
            Qt::QueuedConnection);
    }));
    m_thread->setObjectName(u"FhirImporter"_s);
    m_thread->start(QThread::LowPriority);
    return true;
}

void FhirImporter::stepOnThisThread()
{
    if (!m_job)
        return;
    if (!m_cancelled) {
        if (m_stepHook)
            m_stepHook();
        if (m_job->step()) {
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            if (now - m_lastProgressMs >= s_progressIntervalMs) {
                m_lastProgressMs = now;
                Q_EMIT progressed(m_job->bytesDone(), m_job->bytesTotal(), m_job->resourcesDone());
            }
            QTimer::singleShot(0, this, &FhirImporter::stepOnThisThread);
            return;
        }
    }
    const std::unique_ptr<ImportJob> job = std::move(m_job);
    complete(job->finish(m_cancelled), job->bytesDone(), job->bytesTotal(), job->resourcesDone());
}

void FhirImporter::cancel()
{
    m_cancelled = true;
}

void FhirImporter::complete(const ImportSummary &summary, qint64 bytesDone, qint64 bytesTotal, int resources)
{
    m_running = false;
    Q_EMIT progressed(bytesDone, bytesTotal, resources);
    Q_EMIT finished(summary);
}
