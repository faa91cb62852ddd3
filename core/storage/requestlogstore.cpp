// SPDX-License-Identifier: Apache-2.0
#include "requestlogstore.h"

#include "database.h"
#include "jsontext.h"
#include "server/bodytext.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

// Appends a Latin-1 header name or value as a JSON string.
void appendJsonString(QString &out, const QByteArray &latin1)
{
    out += u'"';
    for (const char byte : latin1) {
        const auto c = static_cast<unsigned char>(byte);
        if (c == '"' || c == '\\') {
            out += u'\\';
            out += QLatin1Char(char(c));
        } else if (c < 0x20) {
            out += u"\\u00"_s;
            out += QChar(u"0123456789abcdef"[c >> 4]);
            out += QChar(u"0123456789abcdef"[c & 0xf]);
        } else {
            out += QLatin1Char(char(c)); // Latin-1 maps to the same code point
        }
    }
    out += u'"';
}

// [["name","value"],...] written directly: this runs for every exchange, and building a
// QJsonArray per header cost more than the rest of the row (bench/RESULTS.md).
QString headersText(const HeaderList &headers)
{
    QString text;
    text.reserve(32 * (headers.size() + 1));
    text += u'[';
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (i > 0)
            text += u',';
        text += u'[';
        appendJsonString(text, headers.at(i).first);
        text += u',';
        appendJsonString(text, headers.at(i).second);
        text += u']';
    }
    text += u']';
    return text;
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

Status RequestLogStore::insert(QList<RequestLogEntry> &entries) const
{
    if (entries.isEmpty())
        return Done{};
    return m_database.transaction([&]() -> Status {
        for (RequestLogEntry &entry : entries) {
            const BodyText request = BodyText::encode(entry.requestBody);
            const BodyText response = BodyText::encode(entry.responseBody);
            Result<QVariant> id = m_database.scalar(
                u"INSERT INTO request_log (instance, started_at, duration_us, remote_address, method, path, query, "
                "status, client_id, token_id, request_headers, request_body, request_body_encoding, "
                "request_body_size, response_headers, response_body, response_body_encoding, response_body_size, "
                "findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"_s,
                {entry.instance, entry.startedAtMs, entry.durationUs, entry.remoteAddress, entry.method, entry.path,
                 entry.query, entry.status, Database::nullable(entry.clientId), Database::nullable(entry.tokenId),
                 headersText(entry.requestHeaders), request.text, request.encoding, entry.requestBodySize,
                 headersText(entry.responseHeaders), response.text, response.encoding, entry.responseBodySize,
                 JsonText::fromStringList(entry.findings)});
            if (!id)
                return id.error();
            entry.id = id.value().toLongLong();
        }
        return Done{};
    });
}

Status RequestLogStore::trimBelow(qint64 firstKeptId) const
{
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
        u"SELECT id, instance, started_at, duration_us, remote_address, method, path, query, status, client_id, "
        "token_id, request_headers, request_body, request_body_encoding, request_body_size, response_headers, "
        "response_body, response_body_encoding, response_body_size, findings FROM request_log ORDER BY id DESC LIMIT ?"_s,
        {limit});
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

Status RequestLogStore::clear() const
{
    Result<int> removed = m_database.change(u"DELETE FROM request_log"_s);
    if (!removed)
        return removed.error();
    return Done{};
}
