// SPDX-License-Identifier: Apache-2.0
#include "jsontext.h"

#include "jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace JsonText {

QString fromStringList(const QStringList &list)
{
    // A QJsonArray and QJsonDocument::toJson cost ~25k instructions a list, and every client,
    // approval and request log row writes some (bench/RESULTS.md). The text is the same.
    return QString::fromUtf8(JsonWriter::compact(list));
}

QStringList toStringList(const QString &text)
{
    QStringList list;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    list.reserve(array.size());
    for (const QJsonValue &value : array)
        list.append(value.toString());
    return list;
}

QString fromObject(const QJsonObject &object)
{
    return QString::fromUtf8(JsonWriter::compact(object)); // the same text as QJsonDocument's, faster
}

QJsonObject toObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

} // namespace JsonText
