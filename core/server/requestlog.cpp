// SPDX-License-Identifier: Apache-2.0
#include "requestlog.h"

#include "storage/requestlogstore.h"

#include <QJsonDocument>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcRequestLog, "sandbox.requestlog", QtInfoMsg)

RequestLog::RequestLog(const Database &database, QObject *parent)
    : QObject(parent), m_store(std::make_unique<RequestLogStore>(database))
{
    qRegisterMetaType<RequestLogEntry>();
    m_timer.setSingleShot(true);
    m_timer.setInterval(s_flushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { (void)flush(); });
}

RequestLog::~RequestLog()
{
    (void)flush();
}

Status RequestLog::setLogFile(const QString &fileName)
{
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
    if (m_pending.size() >= s_batchSize)
        (void)flush();
    else if (!m_timer.isActive())
        m_timer.start();
}

Status RequestLog::flush()
{
    m_timer.stop();
    if (m_pending.isEmpty())
        return Done{};
    QList<RequestLogEntry> batch;
    batch.swap(m_pending);
    const Status stored = m_store->insert(batch);
    // The file gets every entry even when the database refused them; with their ids when not.
    if (m_file.isOpen()) {
        for (const RequestLogEntry &entry : std::as_const(batch))
            m_file.write(QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact) + '\n');
        m_file.flush();
    }
    if (!stored) {
        // A read-only or full database fails every batch the same way: say it once, not per batch.
        if (stored.error().description != m_lastError)
            qCWarning(lcRequestLog).noquote()
                << "dropped" << batch.size() << "request log entries:" << stored.error().description;
        m_lastError = stored.error().description;
        return stored;
    }
    m_lastError.clear();
    // Ids are dense for one database (one sequence), so the cap is an id range.
    if (Status trimmed = m_store->trimBelow(batch.last().id - m_cap + 1); !trimmed)
        return trimmed;
    Q_EMIT requestsStored(int(batch.size()));
    return Done{};
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
    m_pending.clear();
    Status status = m_store->clear();
    if (status)
        Q_EMIT cleared();
    return status;
}
