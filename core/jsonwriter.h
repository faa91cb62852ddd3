// SPDX-License-Identifier: Apache-2.0
#pragma once

// Writes a compact JSON object straight into bytes, for the fixed-shape answers of the request
// path (introspection, debug tokens): building a QJsonObject and calling QJsonDocument::toJson
// cost 60k to 150k instructions an answer (bench/RESULTS.md). Given its keys in sorted order, as
// a QJsonObject keeps them, it writes the same bytes as QJsonDocument(object).toJson(Compact).
// compact() writes any QJsonObject or QJsonArray as QJsonDocument would, in a fraction of its time
// (Qt 6.4's writer allocates for every key and string it escapes).

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1String>
#include <QString>
#include <QStringList>
#include <QStringView>

class JsonWriter final
{
public:
    JsonWriter();

    // A null QString is written as "", as QJsonValue does.
    JsonWriter &string(QLatin1String key, QStringView value);
    // null when `value` is absent, the string otherwise.
    JsonWriter &stringOrNull(QLatin1String key, QStringView value, bool absent);
    JsonWriter &number(QLatin1String key, qint64 value);
    JsonWriter &boolean(QLatin1String key, bool value);
    JsonWriter &strings(QLatin1String key, const QStringList &values);
    // Any key and any value, written as QJsonDocument writes it.
    JsonWriter &value(QStringView key, const QJsonValue &value);

    // The same bytes as QJsonDocument(json).toJson(QJsonDocument::Compact).
    static QByteArray compact(const QJsonObject &object);
    static QByteArray compact(const QJsonArray &array);
    // A JSON array of strings, as QJsonArray::fromStringList would write.
    static QByteArray compact(const QStringList &strings);

    // The object's text; the writer is spent afterwards.
    QByteArray finish();

private:
    void key(QLatin1String key);
    void quoted(QStringView text);
    void write(const QJsonValue &value);
    void writeMembers(const QJsonObject &object); // without the braces
    void writeArray(const QJsonArray &array);
    void writeStrings(const QStringList &values);
    void squeezeSmall();

    QByteArray m_out;
};
