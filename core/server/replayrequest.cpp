// SPDX-License-Identifier: Apache-2.0
#include "replayrequest.h"

#include <QStringDecoder>
#include <QUrl>

#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

bool hasHeader(const HeaderList &headers, QByteArrayView name)
{
    return std::any_of(headers.cbegin(), headers.cend(), [name](const QPair<QByteArray, QByteArray> &header) {
        return QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0;
    });
}

// The body as text a shell word can hold, or nullopt when it is not UTF-8 or holds NUL bytes.
std::optional<QString> bodyAsText(const QByteArray &body)
{
    if (body.contains('\0'))
        return std::nullopt;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(body);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

// Every byte that is not printable ASCII (and the backslash) as a printf %b octal escape.
QString printfEscaped(const QByteArray &body)
{
    QString text;
    text.reserve(body.size() * 2);
    for (const char c : body) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\')
            text += QLatin1Char(c);
        else
            text += u"\\0"_s + QString::number(byte, 8).rightJustified(3, u'0');
    }
    return text;
}

} // namespace

bool ReplayRequest::isReplayedHeader(QByteArrayView name)
{
    static const QByteArrayList perConnection = {"host",
                                                 "content-length",
                                                 "connection",
                                                 "keep-alive",
                                                 "transfer-encoding",
                                                 "te",
                                                 "trailer",
                                                 "upgrade",
                                                 "expect",
                                                 "proxy-connection",
                                                 "proxy-authorization",
                                                 "user-agent",
                                                 "accept-encoding",
                                                 "http2-settings"};
    for (const QByteArray &skipped : perConnection) {
        if (name.compare(skipped, Qt::CaseInsensitive) == 0)
            return false;
    }
    return !name.startsWith(':');
}

ReplayRequest ReplayRequest::fromEntry(const RequestLogEntry &entry, const QString &origin)
{
    ReplayRequest request;
    request.method = entry.method.toLatin1();
    QString base = origin;
    while (base.endsWith(u'/'))
        base.chop(1);
    // The logged path is decoded; the query is as it was sent.
    const QByteArray path = QUrl::toPercentEncoding(entry.path, "/!$&'()*+,;=:@");
    request.url = base + QString::fromLatin1(path) + (entry.query.isEmpty() ? QString() : u'?' + entry.query);
    for (const auto &[name, value] : entry.requestHeaders) {
        if (isReplayedHeader(name))
            request.headers.append({name, value});
    }
    request.body = entry.requestBody;
    request.originalBodySize = qMax<qint64>(entry.requestBodySize, entry.requestBody.size());
    return request;
}

QString ReplayRequest::shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(u'\'', u"'\\''"_s);
    return u'\'' + quoted + u'\'';
}

QString ReplayRequest::curlCommand() const
{
    QStringList words;
    const std::optional<QString> text = body.isEmpty() ? std::optional<QString>(QString()) : bodyAsText(body);
    QString prefix;
    if (!text)
        prefix = u"printf '%b' "_s + shellQuote(printfEscaped(body)) + u" | "_s;
    words << u"curl"_s;
    const bool plainMethod
        = !method.isEmpty() && std::all_of(method.cbegin(), method.cend(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (method == "HEAD")
        words << u"--head"_s;
    else if (!(method == "GET" && body.isEmpty()) && !(method == "POST" && !body.isEmpty()))
        words << u"-X"_s << (plainMethod ? QString::fromLatin1(method) : shellQuote(QString::fromLatin1(method)));
    // curl would read [ ] { } in a URL as its own globbing patterns.
    if (url.contains(u'[') || url.contains(u']') || url.contains(u'{') || url.contains(u'}'))
        words << u"--globoff"_s;
    words << shellQuote(url);
    for (const auto &[name, value] : headers) {
        // "Name:" would make curl drop the header; "Name;" sends it empty.
        const QString header = value.isEmpty()
            ? QString(QString::fromLatin1(name) + u';')
            : QString(QString::fromLatin1(name) + u": "_s + QString::fromUtf8(value));
        words << u"-H"_s << shellQuote(header);
    }
    if (!body.isEmpty()) {
        // Without a Content-Type of its own, curl would claim a form; an empty one sends none.
        if (!hasHeader(headers, "content-type"))
            words << u"-H"_s << shellQuote(u"Content-Type:"_s);
        words << u"--data-binary"_s << (text ? shellQuote(*text) : u"@-"_s);
    }
    QString command = prefix + words.join(u' ');
    if (bodyTruncated())
        command += u" # the log kept %1 of the body's %2 bytes"_s.arg(body.size()).arg(originalBodySize);
    return command;
}
