// SPDX-License-Identifier: Apache-2.0
#include "http.h"

#include "jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Percent-decoding that keeps a malformed escape ("%zz", a lone "%") as it is, as browsers do.
QString decodeComponent(QByteArrayView data)
{
    QByteArray bytes;
    bytes.reserve(data.size());
    for (qsizetype i = 0; i < data.size(); ++i) {
        const char c = data[i];
        if (c == '+') {
            bytes.append(' ');
        } else if (c == '%' && i + 2 < data.size() && hexValue(data[i + 1]) >= 0 && hexValue(data[i + 2]) >= 0) {
            bytes.append(static_cast<char>(hexValue(data[i + 1]) * 16 + hexValue(data[i + 2])));
            i += 2;
        } else {
            bytes.append(c);
        }
    }
    return QString::fromUtf8(bytes);
}

bool equalsIgnoringCase(QByteArrayView left, QByteArrayView right)
{
    return left.compare(right, Qt::CaseInsensitive) == 0;
}

} // namespace

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (equalsIgnoringCase(key, name))
            return value.isNull() ? QByteArray("") : value;
    }
    return {};
}

QueryItems HttpRequest::queryItems() const
{
    return Http::decodeForm(rawQuery);
}

QString HttpRequest::queryValue(const QString &name) const
{
    const QueryItems items = queryItems();
    for (const auto &[key, value] : items) {
        if (key == name)
            return value.isNull() ? u""_s : value;
    }
    return {};
}

QByteArray HttpRequest::bearerToken() const
{
    const QByteArray authorization = header("authorization").trimmed();
    if (authorization.size() > 7 && authorization.first(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        return authorization.sliced(7).trimmed();
    return {};
}

QString HttpRequest::cookie(const QString &name) const
{
    for (const auto &[key, value] : headers) {
        if (!equalsIgnoringCase(key, "cookie"))
            continue;
        for (const QByteArray &part : value.split(';')) {
            const QByteArray trimmed = part.trimmed();
            const qsizetype equals = trimmed.indexOf('=');
            if (equals > 0 && QString::fromLatin1(trimmed.first(equals)) == name)
                return QString::fromLatin1(trimmed.sliced(equals + 1));
        }
    }
    return {};
}

void HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &header : headers) {
        if (equalsIgnoringCase(header.first, name)) {
            header.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (equalsIgnoringCase(key, name))
            return value;
    }
    return {};
}

HttpResponse HttpResponse::json(const QJsonObject &object, int status)
{
    return HttpResponse{status, "application/json", JsonWriter::compact(object), {}, {}, {}, {}, false};
}

HttpResponse HttpResponse::json(const QJsonArray &array, int status)
{
    return HttpResponse{status, "application/json", JsonWriter::compact(array), {}, {}, {}, {}, false};
}

HttpResponse HttpResponse::jsonText(QByteArray body, int status)
{
    return HttpResponse{status, "application/json", std::move(body), {}, {}, {}, {}};
}

HttpResponse HttpResponse::empty(int status)
{
    return HttpResponse{status, {}, {}, {}, {}, {}, {}, false};
}

HttpResponse HttpResponse::html(const QByteArray &page, int status)
{
    return HttpResponse{status, "text/html; charset=utf-8", page, {}, {}, {}, {}, false};
}

HttpResponse HttpResponse::redirect(const QString &location, int status)
{
    HttpResponse response{status, {}, {}, {}, {}, {}, {}, false};
    response.setHeader("Location", location.toUtf8());
    return response;
}

HttpResponse HttpResponse::error(int status, const QString &code, const QString &description)
{
    return json(QJsonObject{{u"error"_s, code}, {u"error_description"_s, description}}, status);
}

namespace Http {

int statusFor(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::BadRequest: return 400;
    case ErrorKind::Unauthorized: return 401;
    case ErrorKind::Forbidden: return 403;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::TooLarge: return 413;
    case ErrorKind::Storage: return 500;
    case ErrorKind::Unavailable: return 503;
    }
    return 500;
}

HttpResponse errorResponse(const Error &error)
{
    return HttpResponse::error(statusFor(error.kind), error.code, error.description);
}

QueryItems decodeForm(QByteArrayView data)
{
    QueryItems items;
    qsizetype start = 0;
    while (start <= data.size()) {
        qsizetype end = data.indexOf('&', start);
        if (end < 0)
            end = data.size();
        const QByteArrayView pair = data.sliced(start, end - start);
        if (!pair.isEmpty()) {
            const qsizetype equals = pair.indexOf('=');
            if (equals < 0)
                items.append({decodeComponent(pair), u""_s});
            else
                items.append({decodeComponent(pair.first(equals)), decodeComponent(pair.sliced(equals + 1))});
        }
        start = end + 1;
    }
    return items;
}

QString decodeFormComponent(QByteArrayView data)
{
    return decodeComponent(data);
}

QString httpDate(qint64 msSinceEpoch)
{
    // By hand: QLocale::toString cost ~11k instructions a call, and introspection needs two.
    // Days to a civil date: Howard Hinnant's days_from_civil, inverted.
    constexpr qint64 msPerDay = 86'400'000;
    qint64 days = msSinceEpoch / msPerDay;
    qint64 msOfDay = msSinceEpoch % msPerDay;
    if (msOfDay < 0) {
        msOfDay += msPerDay;
        --days;
    }
    const qint64 secondOfDay = msOfDay / 1000;
    const int weekday = int(((days % 7) + 11) % 7); // 1970-01-01 was a Thursday (4); 0 is Sunday
    const qint64 shifted = days + 719'468;
    const qint64 era = (shifted >= 0 ? shifted : shifted - 146'096) / 146'097;
    const qint64 dayOfEra = shifted - era * 146'097;
    const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36'524 - dayOfEra / 146'096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 monthIndex = (5 * dayOfYear + 2) / 153; // March is 0
    const int day = int(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    const int month = int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    const qint64 year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

    static constexpr char16_t dayNames[] = u"SunMonTueWedThuFriSat";
    static constexpr char16_t monthNames[] = u"JanFebMarAprMayJunJulAugSepOctNovDec";
    const auto twoDigits = [](QString &text, qint64 value) {
        text += QChar(char16_t(u'0' + value / 10));
        text += QChar(char16_t(u'0' + value % 10));
    };
    QString text;
    text.reserve(29);
    text += QStringView(dayNames + 3 * weekday, 3);
    text += u", "_s;
    twoDigits(text, day);
    text += u' ';
    text += QStringView(monthNames + 3 * (month - 1), 3);
    text += u' ';
    if (year >= 0 && year <= 9999) {
        twoDigits(text, year / 100);
        twoDigits(text, year % 100);
    } else {
        text += QString::number(year);
    }
    text += u' ';
    twoDigits(text, secondOfDay / 3600);
    text += u':';
    twoDigits(text, secondOfDay / 60 % 60);
    text += u':';
    twoDigits(text, secondOfDay % 60);
    text += u" GMT"_s;
    return text;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return {};
    }
}

Result<QJsonObject> parseJsonObject(const QByteArray &body, const QString &errorCode)
{
    if (body.trimmed().isEmpty())
        return badRequest(errorCode, u"The request body is empty; a JSON object is required"_s);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return badRequest(errorCode,
                          u"The request body is not valid JSON: %1 at offset %2"_s.arg(parseError.errorString())
                              .arg(parseError.offset));
    if (!document.isObject())
        return badRequest(errorCode, u"The request body must be a JSON object"_s);
    return document.object();
}

} // namespace Http
