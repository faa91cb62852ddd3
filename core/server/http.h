// SPDX-License-Identifier: Apache-2.0
#pragma once

// Plain values for one HTTP exchange, independent of QtHttpServer, and the helpers that every
// route uses to read requests and build answers: JSON, form decoding, HTTP dates, and the one
// mapping from a domain Error to a status and an RFC 6749-style body.

#include "requestlogentry.h"
#include "result.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QString>
#include <QStringList>

using QueryItems = QList<QPair<QString, QString>>;

struct HttpRequest
{
    QByteArray method; // upper case, e.g. "GET"; "UNKNOWN" for methods QtHttpServer does not know
    QString path; // percent-decoded
    QByteArray rawQuery; // as sent, without "?"
    HeaderList headers;
    QByteArray body;
    QHostAddress remoteAddress;
    QHash<QString, QString> pathParameters; // {name} segments of the matched route
    qint64 receivedAtMs = 0;
    QElapsedTimer timer;

    // The first header with that name (case-insensitive), or a null QByteArray.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const { return !header(name).isNull(); }
    // Query parameters decoded as application/x-www-form-urlencoded ("+" is a space).
    QueryItems queryItems() const;
    // The first value of a query parameter, or a null QString.
    QString queryValue(const QString &name) const;
    // The token of an "Authorization: Bearer ..." header, or an empty QByteArray.
    QByteArray bearerToken() const;
    // The value of a cookie, or a null QString.
    QString cookie(const QString &name) const;
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HeaderList headers;
    // What the request log should attribute the exchange to, when the handler knows.
    QString clientId;
    QString tokenId;
    // Rules the request broke or bent, each one plain sentence naming the rule and the fix.
    QStringList findings;
    // Close the connection without writing an answer (fault injection); status is then 0.
    bool dropConnection = false;

    void setHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(QByteArrayView name) const;

    static HttpResponse json(const QJsonObject &object, int status = 200);
    static HttpResponse json(const QJsonArray &array, int status = 200);
    // JSON already written (JsonWriter).
    static HttpResponse jsonText(QByteArray body, int status = 200);
    static HttpResponse empty(int status);
    // {"error": code, "error_description": description}
    static HttpResponse error(int status, const QString &code, const QString &description);
    static HttpResponse html(const QByteArray &page, int status = 200);
    // 303 See Other (after a form) or 302 Found (to an app's redirect URI).
    static HttpResponse redirect(const QString &location, int status = 303);
};

namespace Http {

// The status a domain error answers with.
int statusFor(ErrorKind kind);
// The RFC 6749 error body for a domain error, with its status.
HttpResponse errorResponse(const Error &error);

// Decodes application/x-www-form-urlencoded data: "+" is a space, then percent-decoding.
QueryItems decodeForm(QByteArrayView data);
// Decodes one form-urlencoded name or value.
QString decodeFormComponent(QByteArrayView data);
// "Thu, 31 May 2018 22:48:43 GMT"
QString httpDate(qint64 msSinceEpoch);
// The reason phrase of a status code, for logs and the UI.
QByteArray reasonPhrase(int status);

// A JSON object from a request body; an error whose description says what is wrong otherwise.
Result<QJsonObject> parseJsonObject(const QByteArray &body, const QString &errorCode);

} // namespace Http
