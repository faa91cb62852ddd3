// SPDX-License-Identifier: Apache-2.0
#include "jsonwriter.h"

JsonWriter::JsonWriter()
{
    m_out.reserve(512);
    m_out += '{';
}

void JsonWriter::key(QLatin1String key)
{
    if (m_out.size() > 1)
        m_out += ',';
    m_out += '"';
    m_out += QByteArrayView(key.data(), key.size()); // keys are plain ASCII names
    m_out += "\":";
}

void JsonWriter::quoted(QStringView text)
{
    static constexpr char hex[] = "0123456789abcdef";
    m_out += '"';
    qsizetype i = 0;
    while (i < text.size()) {
        const char16_t c = text[i].unicode();
        if (c >= 0x80) {
            // A run of non-ASCII text as UTF-8, as QJsonDocument writes it.
            qsizetype end = i + 1;
            while (end < text.size() && text[end].unicode() >= 0x80)
                ++end;
            m_out += text.sliced(i, end - i).toUtf8();
            i = end;
            continue;
        }
        switch (c) {
        case u'"': m_out += "\\\""; break;
        case u'\\': m_out += "\\\\"; break;
        case u'\b': m_out += "\\b"; break;
        case u'\f': m_out += "\\f"; break;
        case u'\n': m_out += "\\n"; break;
        case u'\r': m_out += "\\r"; break;
        case u'\t': m_out += "\\t"; break;
        default:
            if (c < 0x20) {
                m_out += "\\u00";
                m_out += hex[c >> 4];
                m_out += hex[c & 0xf];
            } else {
                m_out += char(c);
            }
        }
        ++i;
    }
    m_out += '"';
}

JsonWriter &JsonWriter::string(QLatin1String name, QStringView value)
{
    key(name);
    quoted(value);
    return *this;
}

JsonWriter &JsonWriter::stringOrNull(QLatin1String name, QStringView value, bool absent)
{
    key(name);
    if (absent)
        m_out += "null";
    else
        quoted(value);
    return *this;
}

JsonWriter &JsonWriter::number(QLatin1String name, qint64 value)
{
    key(name);
    m_out += QByteArray::number(value);
    return *this;
}

JsonWriter &JsonWriter::boolean(QLatin1String name, bool value)
{
    key(name);
    m_out += value ? "true" : "false";
    return *this;
}

JsonWriter &JsonWriter::strings(QLatin1String name, const QStringList &values)
{
    key(name);
    m_out += '[';
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i > 0)
            m_out += ',';
        quoted(values.at(i));
    }
    m_out += ']';
    return *this;
}

QByteArray JsonWriter::finish()
{
    m_out += '}';
    return std::move(m_out);
}
