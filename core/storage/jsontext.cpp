// SPDX-License-Identifier: Apache-2.0
#include "jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace JsonText {

QString fromStringList(const QStringList &list)
{
    // By hand: a QJsonArray and QJsonDocument::toJson cost ~25k instructions a list, and every
    // client, approval and request log row writes some (bench/RESULTS.md). The text is the same.
    static constexpr char16_t hex[] = u"0123456789abcdef";
    QString text;
    text.reserve(2 + list.size() * 16);
    text += u'[';
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (i > 0)
            text += u',';
        text += u'"';
        for (const QChar c : list.at(i)) {
            switch (c.unicode()) {
            case u'"': text += u"\\\""; break;
            case u'\\': text += u"\\\\"; break;
            case u'\b': text += u"\\b"; break;
            case u'\f': text += u"\\f"; break;
            case u'\n': text += u"\\n"; break;
            case u'\r': text += u"\\r"; break;
            case u'\t': text += u"\\t"; break;
            default:
                if (c.unicode() < 0x20) {
                    text += u"\\u00";
                    text += QChar(hex[c.unicode() >> 4]);
                    text += QChar(hex[c.unicode() & 0xf]);
                } else {
                    text += c;
                }
            }
        }
        text += u'"';
    }
    text += u']';
    return text;
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
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject toObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

} // namespace JsonText
