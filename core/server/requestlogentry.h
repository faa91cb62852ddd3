// SPDX-License-Identifier: Apache-2.0
#pragma once

// One exchange between a client app and the sandbox, as the request log keeps it and the UI shows it.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct RequestLogEntry
{
    static constexpr qsizetype s_bodyCap = 64 * 1024;

    qint64 id = 0; // the database row id; 0 until the entry is written
    quint64 sequence = 0; // order of this instance's exchanges since it started
    QString instance; // which sandbox answered (team mode runs several on one database)
    qint64 startedAtMs = 0;
    qint64 durationUs = 0;
    QString remoteAddress;
    QString method;
    QString path;
    QString query; // as sent, without "?"
    int status = 0;
    QString clientId; // the client app the exchange belongs to, when known
    QString tokenId; // the token it used or received, when known
    QStringList findings; // rules the request broke, in plain words
    HeaderList requestHeaders;
    QByteArray requestBody; // at most s_bodyCap bytes
    qint64 requestBodySize = 0;
    HeaderList responseHeaders;
    QByteArray responseBody; // at most s_bodyCap bytes
    qint64 responseBodySize = 0;

    bool requestBodyTruncated() const { return requestBody.size() < requestBodySize; }
    bool responseBodyTruncated() const { return responseBody.size() < responseBodySize; }

    // The entry as one JSON object (the NDJSON log file and the admin API use this shape). Bodies
    // that are not UTF-8 text are base64 with "…_encoding": "base64".
    QJsonObject toJson() const;
};

Q_DECLARE_METATYPE(RequestLogEntry)
