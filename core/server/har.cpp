// SPDX-License-Identifier: Apache-2.0
#include "har.h"

#include "bodytext.h"
#include "http.h"
#include "replayrequest.h"

#include <QDateTime>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

QJsonObject nameValue(const QString &name, const QString &value)
{
    return QJsonObject{{u"name"_s, name}, {u"value"_s, value}};
}

QJsonArray headersJson(const HeaderList &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(nameValue(QString::fromLatin1(name), QString::fromUtf8(value)));
    return array;
}

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// "a=1; b=2" (a request's Cookie header).
QJsonArray requestCookies(const HeaderList &headers)
{
    QJsonArray cookies;
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare("cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &pair : value.split(';')) {
            const qsizetype equals = pair.indexOf('=');
            if (equals > 0)
                cookies.append(nameValue(QString::fromUtf8(pair.left(equals).trimmed()),
                                         QString::fromUtf8(pair.mid(equals + 1).trimmed())));
        }
    }
    return cookies;
}

// One per Set-Cookie header, with the attributes HAR names.
QJsonArray responseCookies(const HeaderList &headers)
{
    QJsonArray cookies;
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare("set-cookie", Qt::CaseInsensitive) != 0)
            continue;
        const QByteArrayList parts = value.split(';');
        const qsizetype equals = parts.first().indexOf('=');
        if (equals <= 0)
            continue;
        QJsonObject cookie = nameValue(QString::fromUtf8(parts.first().left(equals).trimmed()),
                                       QString::fromUtf8(parts.first().mid(equals + 1).trimmed()));
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray attribute = parts.at(i).trimmed();
            const qsizetype split = attribute.indexOf('=');
            const QByteArray name = (split < 0 ? attribute : attribute.left(split)).trimmed().toLower();
            const QString attributeValue
                = split < 0 ? QString() : QString::fromUtf8(attribute.mid(split + 1).trimmed());
            if (name == "path")
                cookie.insert(u"path"_s, attributeValue);
            else if (name == "domain")
                cookie.insert(u"domain"_s, attributeValue);
            else if (name == "httponly")
                cookie.insert(u"httpOnly"_s, true);
            else if (name == "secure")
                cookie.insert(u"secure"_s, true);
        }
        cookies.append(cookie);
    }
    return cookies;
}

QString cutComment(qsizetype kept, qint64 size)
{
    return u"The request log kept %1 of %2 bytes"_s.arg(kept).arg(size);
}

QJsonObject postData(const RequestLogEntry &entry)
{
    const BodyText body = BodyText::encode(entry.requestBody);
    const QByteArray mimeType = headerValue(entry.requestHeaders, "content-type");
    QJsonObject data{{u"mimeType"_s, QString::fromLatin1(mimeType)}, {u"text"_s, body.text}};
    if (body.encoding == u"base64"_s)
        data.insert(u"_encoding"_s, body.encoding);
    if (mimeType.toLower().contains("application/x-www-form-urlencoded") && !entry.requestBodyTruncated()) {
        QJsonArray params;
        for (const auto &[name, value] : Http::decodeForm(entry.requestBody))
            params.append(nameValue(name, value));
        data.insert(u"params"_s, params);
    } else {
        data.insert(u"params"_s, QJsonArray());
    }
    if (entry.requestBodyTruncated())
        data.insert(u"comment"_s, cutComment(entry.requestBody.size(), entry.requestBodySize));
    return data;
}

QJsonObject content(const RequestLogEntry &entry)
{
    const BodyText body = BodyText::encode(entry.responseBody);
    const QByteArray mimeType = headerValue(entry.responseHeaders, "content-type");
    QJsonObject content{
        {u"size"_s, entry.responseBodySize}, {u"mimeType"_s, QString::fromLatin1(mimeType)}, {u"text"_s, body.text}};
    if (body.encoding == u"base64"_s)
        content.insert(u"encoding"_s, body.encoding);
    if (entry.responseBodyTruncated())
        content.insert(u"comment"_s, cutComment(entry.responseBody.size(), entry.responseBodySize));
    return content;
}

} // namespace

namespace Har {

QJsonObject entry(const RequestLogEntry &entry, const QString &origin)
{
    const ReplayRequest replay = ReplayRequest::fromEntry(entry, origin);
    QJsonArray queryString;
    for (const auto &[name, value] : Http::decodeForm(entry.query.toUtf8()))
        queryString.append(nameValue(name, value));
    QJsonObject request{{u"method"_s, entry.method},
                        {u"url"_s, replay.url},
                        {u"httpVersion"_s, u"HTTP/1.1"_s},
                        {u"cookies"_s, requestCookies(entry.requestHeaders)},
                        {u"headers"_s, headersJson(entry.requestHeaders)},
                        {u"queryString"_s, queryString},
                        {u"headersSize"_s, -1},
                        {u"bodySize"_s, entry.requestBodySize}};
    if (entry.requestBodySize > 0)
        request.insert(u"postData"_s, postData(entry));

    const QJsonObject response{
        {u"status"_s, entry.status},
        {u"statusText"_s, QString::fromLatin1(Http::reasonPhrase(entry.status))},
        {u"httpVersion"_s, u"HTTP/1.1"_s},
        {u"cookies"_s, responseCookies(entry.responseHeaders)},
        {u"headers"_s, headersJson(entry.responseHeaders)},
        {u"content"_s, content(entry)},
        {u"redirectURL"_s, QString::fromUtf8(headerValue(entry.responseHeaders, "location"))},
        {u"headersSize"_s, -1},
        {u"bodySize"_s, entry.responseBodySize},
    };
    // The log measures the whole answer; HAR's send + wait + receive must add up to "time".
    const double time = double(entry.durationUs) / 1000.0;
    QJsonObject json{
        {u"startedDateTime"_s, QDateTime::fromMSecsSinceEpoch(entry.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {u"time"_s, time},
        {u"request"_s, request},
        {u"response"_s, response},
        {u"cache"_s, QJsonObject()},
        {u"timings"_s,
         QJsonObject{{u"blocked"_s, -1},
                     {u"dns"_s, -1},
                     {u"connect"_s, -1},
                     {u"ssl"_s, -1},
                     {u"send"_s, 0},
                     {u"wait"_s, time},
                     {u"receive"_s, 0}}},
    };
    if (!entry.remoteAddress.isEmpty())
        json.insert(u"_remoteAddress"_s, entry.remoteAddress);
    if (!entry.clientId.isEmpty())
        json.insert(u"_clientId"_s, entry.clientId);
    if (!entry.tokenId.isEmpty())
        json.insert(u"_tokenId"_s, entry.tokenId);
    if (!entry.findings.isEmpty())
        json.insert(u"_findings"_s, QJsonArray::fromStringList(entry.findings));
    return json;
}

QJsonObject document(const QList<RequestLogEntry> &entries, const QString &origin)
{
    QJsonArray array;
    for (const RequestLogEntry &logged : entries)
        array.append(entry(logged, origin));
    return QJsonObject{
        {u"log"_s,
         QJsonObject{{u"version"_s, u"1.2"_s},
                     {u"creator"_s,
                      QJsonObject{{u"name"_s, u"SMART Sandbox"_s}, {u"version"_s, QStringLiteral(SANDBOX_VERSION)}}},
                     {u"entries"_s, array}}},
    };
}

} // namespace Har
