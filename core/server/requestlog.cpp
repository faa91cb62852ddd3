// SPDX-License-Identifier: Apache-2.0
#include "requestlog.h"

#include "requestlogwriter.h"
#include "storage/database.h"
#include "storage/requestlogstore.h"

#include <QLoggingCategory>
#include <QThread>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcRequestLog, "sandbox.requestlog", QtInfoMsg)

RequestLog::RequestLog(const Database &portal, const Database &log, QObject *parent)
    : QObject(parent), m_store(std::make_unique<RequestLogStore>(log))
{
    qRegisterMetaType<RequestLogEntry>();
    m_writer = std::make_unique<RequestLogWriter>(portal, log, [this] {
        // From the writer's thread: announce in this object's thread, once per backlog.
        QMetaObject::invokeMethod(this, &RequestLog::announceStored, Qt::QueuedConnection);
    });
    m_writer->setCap(m_cap);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RequestLog::handOver);
}

RequestLog::~RequestLog()
{
    (void)flush();
    m_writer.reset(); // stops the thread before this object goes
}

Status RequestLog::setLogFile(const QString &fileName)
{
    return m_writer->setLogFile(fileName);
}

void RequestLog::setCap(qint64 cap)
{
    m_cap = cap;
    m_writer->setCap(cap);
}

QThread *RequestLog::writerThread() const
{
    return m_writer->thread();
}

QByteArray RequestLog::capBody(const QByteArray &body)
{
    if (body.size() <= RequestLogEntry::s_bodyCap)
        return body;
    qsizetype cut = RequestLogEntry::s_bodyCap;
    // Step back over UTF-8 continuation bytes (10xxxxxx) so that text stays text.
    for (int steps = 0; steps < 4 && cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xc0) == 0x80; ++steps)
        --cut;
    return body.left(cut);
}

void RequestLog::record(RequestLogEntry entry)
{
    entry.sequence = ++m_sequence;
    if (entry.instance.isEmpty())
        entry.instance = m_instance;
    entry.requestBody = capBody(entry.requestBody);
    entry.responseBody = capBody(entry.responseBody);
    Q_EMIT requestLogged(entry);
    m_pending.append(std::move(entry));
    const qsizetype full = m_writer->thread() ? s_batchSize : s_inlineBatchSize;
    if (m_pending.size() >= full)
        m_timer.start(0); // without waiting for the interval, but never inside the answer
    else if (!m_timer.isActive())
        m_timer.start(m_interval);
}

void RequestLog::handOver()
{
    if (m_writer->thread()) {
        m_writer->submit(std::exchange(m_pending, {}));
        return;
    }
    // In this thread: a short write now, and the rest in the next round of the event loop.
    QList<RequestLogEntry> batch = m_pending.mid(0, s_inlineBatchSize);
    m_pending.remove(0, batch.size());
    m_writer->submit(std::move(batch));
    if (!m_pending.isEmpty())
        m_timer.start(0);
}

Status RequestLog::flush()
{
    m_timer.stop();
    m_writer->submit(std::exchange(m_pending, {}));
    Status status = m_writer->waitUntilWritten();
    announceStored();
    return status;
}

int RequestLog::pendingCount() const
{
    return int(m_pending.size() + m_writer->unwritten());
}

Result<qint64> RequestLog::loggedCount() const
{
    m_writer->waitUntilIdle();
    Result<qint64> stored = m_store->count();
    if (!stored)
        return stored;
    return stored.value() + m_pending.size();
}

void RequestLog::announceStored()
{
    for (const int count : m_writer->takeStored())
        Q_EMIT requestsStored(count);
}

Result<QList<RequestLogEntry>> RequestLog::newest(int limit) const
{
    return m_store->newest(limit);
}

Result<qint64> RequestLog::storedCount() const
{
    return m_store->count();
}

Status RequestLog::clear()
{
    m_timer.stop();
    m_pending.clear();
    m_writer->discardQueued();
    (void)m_writer->takeStored();
    Status status = m_store->clear();
    if (status)
        Q_EMIT cleared();
    return status;
}
