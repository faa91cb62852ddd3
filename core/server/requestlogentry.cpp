// SPDX-License-Identifier: Apache-2.0
#include "requestlogentry.h"

#include "bodytext.h"

#include <QDateTime>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

QJsonArray headersJson(const HeaderList &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    return array;
}

} // namespace

QJsonObject RequestLogEntry::toJson() const
{
    const BodyText request = BodyText::encode(requestBody);
    const BodyText response = BodyText::encode(responseBody);
    QJsonObject json{
        {u"instance"_s, instance},
        {u"started_at"_s, QDateTime::fromMSecsSinceEpoch(startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {u"duration_us"_s, durationUs},
        {u"remote_address"_s, remoteAddress},
        {u"method"_s, method},
        {u"path"_s, path},
        {u"query"_s, query},
        {u"status"_s, status},
        {u"request_headers"_s, headersJson(requestHeaders)},
        {u"request_body"_s, request.text},
        {u"request_body_encoding"_s, request.encoding},
        {u"request_body_size"_s, requestBodySize},
        {u"response_headers"_s, headersJson(responseHeaders)},
        {u"response_body"_s, response.text},
        {u"response_body_encoding"_s, response.encoding},
        {u"response_body_size"_s, responseBodySize},
    };
    if (id != 0)
        json.insert(u"id"_s, id);
    if (!clientId.isEmpty())
        json.insert(u"client_id"_s, clientId);
    if (!tokenId.isEmpty())
        json.insert(u"token_id"_s, tokenId);
    if (!findings.isEmpty())
        json.insert(u"findings"_s, QJsonArray::fromStringList(findings));
    return json;
}
