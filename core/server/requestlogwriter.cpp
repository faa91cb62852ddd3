// SPDX-License-Identifier: Apache-2.0
#include "requestlogwriter.h"

#include "storage/database.h"
#include "storage/requestlogstore.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QThread>

#include <span>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcRequestLog)

RequestLogWriter::RequestLogWriter(const Database &portal, const Database &log, std::function<void()> written)
    : m_database(portal),
      m_log(log),
      m_store(std::make_unique<RequestLogStore>(log)),
      m_written(std::move(written)),
      m_cap(100'000)
{
    if (portal.isInMemory())
        return;
    // The answering thread's commits leave WAL checkpoints (and their fsyncs) to the writer.
    (void)m_database.setAutoCheckpoint(false);
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(u"request-log"_s);
    m_thread->start();
}

RequestLogWriter::~RequestLogWriter()
{
    if (!m_thread)
        return;
    // The writer may be waiting for the write turn that this thread's open group holds.
    (void)m_database.endGroup();
    {
        QMutexLocker locker(&m_mutex);
        m_stopping = true;
        m_wake.wakeAll();
    }
    m_thread->wait();
    delete m_thread;
    (void)m_database.setAutoCheckpoint(true);
}

Status RequestLogWriter::setLogFile(const QString &fileName)
{
    QMutexLocker locker(&m_fileMutex);
    if (m_file.isOpen())
        m_file.close();
    if (fileName.isEmpty())
        return Done{};
    m_file.setFileName(fileName);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text))
        return Error{ErrorKind::Unavailable, u"log_file"_s,
                     u"Cannot open the log file %1: %2"_s.arg(fileName, m_file.errorString())};
    return Done{};
}

void RequestLogWriter::submit(QList<RequestLogEntry> batch)
{
    if (batch.isEmpty())
        return;
    if (!m_thread) {
        write(batch);
        return;
    }
    QList<RequestLogEntry> spent; // freed after the lock is let go
    QMutexLocker locker(&m_mutex);
    m_unwritten += batch.size();
    if (m_queue.isEmpty())
        m_queue.swap(batch);
    else
        m_queue.append(std::move(batch));
    m_wake.wakeOne();
    spent.swap(m_spent);
}

Status RequestLogWriter::waitUntilWritten()
{
    (void)m_database.endGroup(); // the writer may be waiting for the turn the group holds
    QMutexLocker locker(&m_mutex);
    while (m_unwritten > 0)
        m_idle.wait(&m_mutex);
    std::optional<Error> failure;
    failure.swap(m_failure);
    if (failure)
        return *failure;
    return Done{};
}

void RequestLogWriter::waitUntilIdle() const
{
    (void)m_database.endGroup(); // the writer may be waiting for the turn the group holds
    QMutexLocker locker(&m_mutex);
    while (m_unwritten > 0)
        m_idle.wait(&m_mutex);
}

qsizetype RequestLogWriter::unwritten() const
{
    QMutexLocker locker(&m_mutex);
    return m_unwritten;
}

void RequestLogWriter::discardQueued()
{
    (void)m_database.endGroup(); // the writer may be waiting for the turn the group holds
    QMutexLocker locker(&m_mutex);
    m_unwritten -= m_queue.size();
    m_queue.clear();
    while (m_writing)
        m_idle.wait(&m_mutex);
}

QList<int> RequestLogWriter::takeStored()
{
    QMutexLocker locker(&m_mutex);
    QList<int> stored;
    stored.swap(m_stored);
    return stored;
}

void RequestLogWriter::run()
{
    // Checkpoints are this thread's job (see write()), never a commit's in the answering thread.
    // Those of the log's own file too: they run with the portal's, not after every 1000 pages.
    (void)m_database.setAutoCheckpoint(false);
    if (hasOwnLog())
        (void)m_log.setAutoCheckpoint(false);
    QMutexLocker locker(&m_mutex);
    for (;;) {
        while (m_queue.isEmpty() && !m_stopping) {
            // Nothing logged for s_walIdleMs: the checkpoint owed copies the rest of the WAL, so
            // that the next write starts it over. Nothing for s_walTruncateIdleMs more: the WAL
            // file, grown under load, is emptied (its blocks freed), which makes a write that
            // comes meanwhile wait.
            const int idleMs = m_checkpointOwed ? s_walIdleMs : m_restartDue ? s_walTruncateIdleMs : -1;
            if (idleMs < 0) {
                m_wake.wait(&m_mutex);
                continue;
            }
            if (!m_wake.wait(&m_mutex, QDeadlineTimer(idleMs))) {
                locker.unlock();
                if (m_checkpointOwed) {
                    m_checkpointOwed = false;
                    m_restartDue = checkpoint();
                    m_lastCheckpoint.start();
                    // Everything copied: the next commit starts the WAL over at its beginning.
                    (void)m_database.keepWalWindow(s_walAheadBytes, s_walBehindBytes);
                } else {
                    restartWal();
                }
                locker.relock();
            }
        }
        if (m_queue.isEmpty())
            break; // stopping, and everything handed over is written
        QList<RequestLogEntry> batch;
        batch.swap(m_queue);
        m_writing = true;
        locker.unlock();
        write(batch);
        locker.relock();
        m_writing = false;
        m_unwritten -= batch.size();
        // Handed back to be freed by the thread that allocated the entries (see m_spent).
        if (m_spent.isEmpty())
            m_spent.swap(batch);
        else
            m_spent.append(std::move(batch));
        m_idle.wakeAll();
    }
    locker.unlock();
    if (hasOwnLog())
        m_log.closeConnection();
    m_database.closeConnection();
}

namespace {
// Pages in the WAL that are not in the database file yet.
qint64 unCheckpointed(const Database::WalState &wal)
{
    return wal.frames - wal.checkpointed;
}
} // namespace

bool RequestLogWriter::restartNow(qint64 frames, qint64 lastRoundMs)
{
    return frames >= s_walHardFrames || (frames >= s_walForceFrames && lastRoundMs <= s_walRestartPauseMs);
}

bool RequestLogWriter::checkpoint()
{
    // Only this thread writes the log's own file, so a PASSIVE there copies everything, and the
    // next batch starts its WAL over.
    if (hasOwnLog())
        (void)m_log.checkpoint();
    QElapsedTimer round;
    round.start();
    Result<Database::WalState> wal = m_database.checkpoint();
    if (!wal)
        return false;
    if (wal.value().frames >= s_walForceFrames) {
        // The RESTART holds the write turn while it copies what the last PASSIVE left and syncs
        // it. Catching up first without the turn leaves it a few pages: each PASSIVE copies (and
        // syncs) what was committed during the one before, and that shrinks from round to round.
        // (Under steady commits a PASSIVE reports every frame it saw as copied, so the frames
        // that arrived are told by how far the WAL grew.)
        qint64 lastRoundMs = round.elapsed();
        for (int rounds = 1; rounds < s_walCatchUpRounds; ++rounds) {
            const qint64 framesBefore = wal.value().frames;
            round.start();
            wal = m_database.checkpoint();
            if (!wal)
                return true;
            lastRoundMs = round.elapsed();
            if (wal.value().frames - framesBefore <= s_walTailFrames && unCheckpointed(wal.value()) <= s_walTailFrames)
                break;
        }
        // The RESTART's pause is about one more round: a copy of what arrived meanwhile, and the
        // same syncs. While the disk is slow to sync, it waits for the next checkpoint.
        if (!restartNow(wal.value().frames, lastRoundMs))
            return true;
        // Busy or not: RESTART reuses the file, where a TRUNCATE's freeing of it stalled the
        // writers for about 0.45 ms per MB. The next idle moment empties it.
        (void)m_database.checkpoint(true, false);
        return true;
    }
    return m_restartDue || wal.value().frames >= s_walRestartFrames;
}

void RequestLogWriter::restartWal()
{
    if (hasOwnLog())
        (void)m_log.checkpoint(true); // the file's space back, as below
    // Copied first without the write turn, so that the TRUNCATE only has the file to empty.
    (void)m_database.checkpoint();
    const Result<Database::WalState> restarted = m_database.checkpoint(true);
    // Busy: a reader was in the WAL; the next idle moment tries again.
    m_restartDue = !restarted || restarted.value().busy;
}

void RequestLogWriter::write(QList<RequestLogEntry> &batch)
{
    std::optional<Error> failure;
    qsizetype stored = 0;
    qint64 lastId = 0;
    for (qsizetype first = 0; first < batch.size();) {
        // One statement at a time: each holds SQLite's write lock only while it runs.
        const qsizetype rows = RequestLogStore::statementRows(batch.size() - first);
        const std::span<RequestLogEntry> slice(batch.data() + first, size_t(rows));
        first += rows;
        const Status inserted = m_store->insert(slice);
        if (!inserted) {
            // A read-only or full database fails every batch the same way: say it once, not per batch.
            if (inserted.error().description != m_lastError)
                qCWarning(lcRequestLog).noquote()
                    << "dropped" << slice.size() << "request log entries:" << inserted.error().description;
            m_lastError = inserted.error().description;
            if (!failure)
                failure = inserted.error();
            continue;
        }
        m_lastError.clear();
        stored += qsizetype(slice.size());
        lastId = std::max(lastId, slice.back().id);
    }
    {
        // The file gets every entry even when the database refused them; with their ids when not.
        QMutexLocker locker(&m_fileMutex);
        if (m_file.isOpen()) {
            for (const RequestLogEntry &entry : std::as_const(batch))
                m_file.write(QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact) + '\n');
            m_file.flush();
        }
    }
    if (stored > 0) {
        // Ids are dense for one database (one sequence), so the cap is an id range.
        if (Status trimmed = m_store->trimBelow(lastId - m_cap.load() + 1); !trimmed && !failure)
            failure = trimmed.error();
    }
    // A PASSIVE checkpoint fsyncs the WAL and the database file. Under a flood of requests one
    // per batch (some 25 a second) kept the disk saturated; at most one per s_checkpointIntervalMs
    // copies each page rewritten meanwhile once, not once per batch, and flushes the disk's cache
    // twice (10 to 20 ms each on a virtual disk, while anything else that needs the disk waits).
    // Only a SQLite file has a WAL; PostgreSQL's writer has nothing to checkpoint.
    if (m_thread && m_database.engine() == DatabaseEngine::Sqlite) {
        if (!m_lastCheckpoint.isValid() || m_lastCheckpoint.hasExpired(s_checkpointIntervalMs)) {
            m_restartDue = checkpoint();
            m_lastCheckpoint.start();
        } else {
            // A checkpoint syncs the WAL first: a second of a flood's frames, tens of MB in one
            // fdatasync. The answering thread's appends to the WAL waited behind such syncs, 33
            // to 40 ms (off-CPU in ext4_block_write_begin, traced with perf). Written back after
            // every batch, the checkpoint's sync has little left to write. Not synced: an
            // fdatasync per batch also flushed the disk's cache each time, and the appends
            // waited behind those flushes instead, 20 to 56 ms a few times a minute.
            (void)m_database.writeBackWal();
        }
        (void)m_database.keepWalWindow(s_walAheadBytes, s_walBehindBytes);
        // Under load a PASSIVE never copies everything; the one at the next idle moment does.
        m_checkpointOwed = true;
    }
    {
        QMutexLocker locker(&m_mutex);
        if (failure && !m_failure)
            m_failure = failure;
        if (stored > 0)
            m_stored.append(int(stored));
    }
    if (m_written)
        m_written();
}
