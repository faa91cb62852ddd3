// SPDX-License-Identifier: Apache-2.0
#include "requestlogstore.h"

#include "database.h"
#include "jsontext.h"
#include "server/bodytext.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

// Writes a Latin-1 header name or value as a JSON string at `out`; returns the end.
char16_t *writeJsonString(char16_t *out, const QByteArray &latin1)
{
    static constexpr char16_t hex[] = u"0123456789abcdef";
    *out++ = u'"';
    for (const char byte : latin1) {
        const auto c = static_cast<unsigned char>(byte);
        if (c == '"' || c == '\\') {
            *out++ = u'\\';
            *out++ = char16_t(c);
        } else if (c < 0x20) {
            *out++ = u'\\';
            *out++ = u'u';
            *out++ = u'0';
            *out++ = u'0';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 0xf];
        } else {
            *out++ = char16_t(c); // Latin-1 maps to the same code point
        }
    }
    *out++ = u'"';
    return out;
}

// [["name","value"],...] written directly: this runs for every exchange, and building a
// QJsonArray per header cost more than the rest of the row (bench/RESULTS.md). Written through a
// pointer into room for the worst case (every byte escaped): QString::append(QChar) allocated on
// most calls in Qt 6.4, 15k instructions an exchange.
QString headersText(const HeaderList &headers)
{
    qsizetype room = 2;
    for (const auto &[name, value] : headers)
        room += 6 * (name.size() + value.size()) + 8;
    QString text(room, Qt::Uninitialized);
    char16_t *const begin = reinterpret_cast<char16_t *>(text.data());
    char16_t *out = begin;
    *out++ = u'[';
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (i > 0)
            *out++ = u',';
        *out++ = u'[';
        out = writeJsonString(out, headers.at(i).first);
        *out++ = u',';
        out = writeJsonString(out, headers.at(i).second);
        *out++ = u']';
    }
    *out++ = u']';
    text.truncate(out - begin);
    return text;
}

constexpr qsizetype s_columnCount = 19;
// The columns that insertSql() gives values, in its order: every one but the id. newest() reads
// them back in the same order, after the id.
constexpr QLatin1StringView s_insertedColumns{
    "instance, started_at, duration_us, remote_address, method, path, query, status, client_id, token_id, "
    "request_headers, request_body, request_body_encoding, request_body_size, response_headers, response_body, "
    "response_body_encoding, response_body_size, findings"};

// Appends the column values of one entry, in insertSql()'s order.
void appendRowValues(QVariantList &values, const RequestLogEntry &entry)
{
    const BodyText request = BodyText::encode(entry.requestBody);
    const BodyText response = BodyText::encode(entry.responseBody);
    values.append(entry.instance);
    values.append(entry.startedAtMs);
    values.append(entry.durationUs);
    values.append(entry.remoteAddress);
    values.append(entry.method);
    values.append(entry.path);
    values.append(entry.query);
    values.append(entry.status);
    values.append(Database::nullable(entry.clientId));
    values.append(Database::nullable(entry.tokenId));
    values.append(headersText(entry.requestHeaders));
    values.append(request.text);
    values.append(request.encoding);
    values.append(entry.requestBodySize);
    values.append(headersText(entry.responseHeaders));
    values.append(response.text);
    values.append(response.encoding);
    values.append(entry.responseBodySize);
    values.append(entry.findings.isEmpty() ? u"[]"_s : JsonText::fromStringList(entry.findings));
}

// INSERT of `rows` rows (a power of two up to RequestLogStore::s_maxRowsPerStatement), with or
// without RETURNING id.
const QString &insertSql(qsizetype rows, bool returning)
{
    static const QList<QString> statements = [] {
        const QString tuple = u'(' + QStringList(s_columnCount, u"?"_s).join(u", "_s) + u')';
        QList<QString> list;
        for (qsizetype count = 1; count <= RequestLogStore::s_maxRowsPerStatement; count *= 2) {
            const QString sql = u"INSERT INTO request_log ("_s + s_insertedColumns + u") VALUES "_s
                + QStringList(count, tuple).join(u", "_s);
            list.append(sql);
            list.append(sql + u" RETURNING id"_s);
        }
        return list;
    }();
    qsizetype index = 0;
    while ((qsizetype(1) << index) < rows)
        ++index;
    return statements.at(2 * index + (returning ? 1 : 0));
}

HeaderList headersFrom(const QString &text)
{
    HeaderList headers;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &pair : array)
        headers.append({pair[0].toString().toLatin1(), pair[1].toString().toLatin1()});
    return headers;
}

} // namespace

qsizetype RequestLogStore::statementRows(qsizetype remaining)
{
    qsizetype rows = s_maxRowsPerStatement;
    while (rows > remaining && rows > 1)
        rows /= 2;
    return rows;
}

Status RequestLogStore::insert(std::span<RequestLogEntry> entries) const
{
    if (entries.empty())
        return Done{};
    const auto count = qsizetype(entries.size());
    if (statementRows(count) == count)
        return insertStatement(entries); // one statement is atomic by itself
    return m_database.transaction([&]() -> Status {
        for (qsizetype next = 0; next < count;) {
            const qsizetype rows = statementRows(count - next);
            if (Status inserted = insertStatement(entries.subspan(size_t(next), size_t(rows))); !inserted)
                return inserted;
            next += rows;
        }
        return Done{};
    });
}

Status RequestLogStore::insertStatement(std::span<RequestLogEntry> entries) const
{
    const auto rows = qsizetype(entries.size());
    QVariantList values;
    values.reserve(rows * s_columnCount);
    for (const RequestLogEntry &entry : entries)
        appendRowValues(values, entry);
    if (m_database.engine() == DatabaseEngine::Sqlite) {
        // The rows of one statement get consecutive ids (one writer at a time), so the last id
        // gives them all.
        Result<qint64> last = m_database.insertReturningLastId(insertSql(rows, false), values);
        if (!last)
            return last.error();
        for (qsizetype i = 0; i < rows; ++i)
            entries[size_t(i)].id = last.value() - rows + 1 + i;
        return Done{};
    }
    Result<QList<QSqlRecord>> returned = m_database.all(insertSql(rows, true), values);
    if (!returned)
        return returned.error();
    if (returned.value().size() != rows)
        return storageError(
            u"The request log insert returned %1 ids for %2 rows"_s.arg(returned.value().size()).arg(rows));
    // A sequence hands out increasing ids in the order of VALUES.
    QList<qint64> ids;
    ids.reserve(rows);
    for (const QSqlRecord &record : returned.value())
        ids.append(record.value(0).toLongLong());
    std::sort(ids.begin(), ids.end());
    for (qsizetype i = 0; i < rows; ++i)
        entries[size_t(i)].id = ids.at(i);
    return Done{};
}

Status RequestLogStore::trimBelow(qint64 firstKeptId) const
{
    // Read first, without the write turn: the DELETE holds it, and the answering thread's writes
    // wait for it. Under a flood with the disk busy, the DELETE waited for the oldest pages to be
    // read from the disk while it held the turn, 10 to 65 ms at a time (perf sched_switch stacks,
    // bench/RESULTS.md); counted here, they are in memory when it runs. Until the log reaches its
    // cap there is nothing to delete, and no write at all.
    Result<QVariant> doomed = m_database.scalar(u"SELECT COUNT(*) FROM request_log WHERE id < ?"_s, {firstKeptId});
    if (!doomed)
        return doomed.error();
    if (doomed.value().toLongLong() == 0)
        return Done{};
    Result<int> removed = m_database.change(u"DELETE FROM request_log WHERE id < ?"_s, {firstKeptId});
    if (!removed)
        return removed.error();
    return Done{};
}

Result<qint64> RequestLogStore::count() const
{
    Result<QVariant> count = m_database.scalar(u"SELECT COUNT(*) FROM request_log"_s);
    if (!count)
        return count.error();
    return count.value().toLongLong();
}

Result<QList<RequestLogEntry>> RequestLogStore::newest(int limit) const
{
    Result<QList<QSqlRecord>> records = m_database.all(
        u"SELECT id, "_s + s_insertedColumns + u" FROM request_log ORDER BY id DESC LIMIT ?"_s, {limit});
    if (!records)
        return records.error();
    QList<RequestLogEntry> entries;
    entries.reserve(records.value().size());
    for (auto it = records.value().crbegin(); it != records.value().crend(); ++it) {
        const QSqlRecord &record = *it;
        RequestLogEntry entry;
        entry.id = record.value(0).toLongLong();
        entry.instance = record.value(1).toString();
        entry.startedAtMs = record.value(2).toLongLong();
        entry.durationUs = record.value(3).toLongLong();
        entry.remoteAddress = record.value(4).toString();
        entry.method = record.value(5).toString();
        entry.path = record.value(6).toString();
        entry.query = record.value(7).toString();
        entry.status = record.value(8).toInt();
        entry.clientId = record.value(9).toString();
        entry.tokenId = record.value(10).toString();
        entry.requestHeaders = headersFrom(record.value(11).toString());
        entry.requestBody = BodyText{record.value(12).toString(), record.value(13).toString()}.decode();
        entry.requestBodySize = record.value(14).toLongLong();
        entry.responseHeaders = headersFrom(record.value(15).toString());
        entry.responseBody = BodyText{record.value(16).toString(), record.value(17).toString()}.decode();
        entry.responseBodySize = record.value(18).toLongLong();
        entry.findings = JsonText::toStringList(record.value(19).toString());
        entries.append(std::move(entry));
    }
    return entries;
}

Result<qint64> RequestLogStore::moveFrom(const Database &portal) const
{
    Result<QVariant> waiting = portal.scalar(u"SELECT COUNT(*) FROM request_log"_s);
    if (!waiting)
        return waiting.error();
    const qint64 count = waiting.value().toLongLong();
    if (count == 0)
        return 0;
    QString path = portal.location().sqlitePath;
    path.replace(u'\'', u"''"_s);
    if (Status attached = m_database.runScript({u"ATTACH DATABASE '%1' AS portal"_s.arg(path)}); !attached)
        return attached.error();
    // One transaction over both files: each of them commits all or nothing (not both together, in
    // WAL mode; a crash between the two commits would leave the entries in both).
    const Status moved = m_database.transaction([&]() -> Status {
        return m_database.runScript({u"INSERT INTO main.request_log ("_s + s_insertedColumns + u") SELECT "_s
                                         + s_insertedColumns + u" FROM portal.request_log ORDER BY id"_s,
                                     u"DELETE FROM portal.request_log"_s});
    });
    (void)m_database.runScript({u"DETACH DATABASE portal"_s});
    if (!moved)
        return moved.error();
    return count;
}

Status RequestLogStore::clear() const
{
    Result<int> removed = m_database.change(u"DELETE FROM request_log"_s);
    if (!removed)
        return removed.error();
    return Done{};
}
