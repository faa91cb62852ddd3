// SPDX-License-Identifier: Apache-2.0
#include "jsonwriter.h"

#include <QLocale>
#include <QVariant>
#include <QtAlgorithms>

#include <cmath>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace {

// Printable ASCII other than '"' and '\\', which JSON strings hold as they are.
constexpr bool plain(char16_t c)
{
    return c >= 0x20 && c < 0x80 && c != u'"' && c != u'\\';
}

// The number of plain units that `units` starts with, eight at a time where the CPU can compare
// them so: one at a time, the scan and the copy below took 8% of a registration's instructions
// (its answer and the stored registration are some 5,000 characters of JSON).
qsizetype plainRun(const char16_t *units, qsizetype size)
{
    qsizetype n = 0;
#if defined(__SSE2__)
    const __m128i belowSpace = _mm_set1_epi16(0x1f);
    const __m128i nonAscii = _mm_set1_epi16(0x80);
    const __m128i quote = _mm_set1_epi16(u'"');
    const __m128i backslash = _mm_set1_epi16(u'\\');
    for (; n + 8 <= size; n += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(units + n));
        // Signed compares: a unit from 0x8000 up is negative, so below 0x80 but not above 0x1f.
        const __m128i printable = _mm_and_si128(_mm_cmpgt_epi16(v, belowSpace), _mm_cmplt_epi16(v, nonAscii));
        const __m128i special = _mm_or_si128(_mm_cmpeq_epi16(v, quote), _mm_cmpeq_epi16(v, backslash));
        const int mask = _mm_movemask_epi8(_mm_andnot_si128(special, printable)); // two bits a unit
        if (mask != 0xffff)
            return n + qCountTrailingZeroBits(quint32(~mask)) / 2;
    }
#endif
    while (n < size && plain(units[n]))
        ++n;
    return n;
}

// Copies `size` units below 0x80 to `out` as bytes.
void narrow(char *out, const char16_t *units, qsizetype size)
{
    qsizetype n = 0;
#if defined(__SSE2__)
    for (; n + 8 <= size; n += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(units + n));
        _mm_storel_epi64(reinterpret_cast<__m128i *>(out + n), _mm_packus_epi16(v, v));
    }
#endif
    for (; n < size; ++n)
        out[n] = char(units[n]);
}

} // namespace

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
    // Plain units are copied as they are, a run at a time: appending them one by one cost 60
    // instructions each (QByteArray::append(char) checks its capacity on every call), a quarter
    // of GET /oauth/debug/introspect's own work.
    const char16_t *units = text.utf16();
    qsizetype i = 0;
    while (i < text.size()) {
        if (const qsizetype run = plainRun(units + i, text.size() - i); run > 0) {
            const qsizetype at = m_out.size();
            m_out.resize(at + run);
            narrow(m_out.data() + at, units + i, run);
            i += run;
            continue;
        }
        const char16_t c = units[i];
        if (c >= 0x80) {
            // A run of non-ASCII text as UTF-8, as QJsonDocument writes it; it escapes a lone
            // surrogate (\ud800), which UTF-8 cannot hold.
            const auto lone = [text](qsizetype at) {
                const QChar unit = text[at];
                if (unit.isHighSurrogate())
                    return at + 1 >= text.size() || !text[at + 1].isLowSurrogate();
                return unit.isLowSurrogate(); // a low one that no high one took
            };
            if (lone(i)) {
                m_out += "\\u";
                for (int shift = 12; shift >= 0; shift -= 4)
                    m_out += hex[(c >> shift) & 0xf];
                ++i;
                continue;
            }
            qsizetype end = i + (text[i].isHighSurrogate() ? 2 : 1);
            while (end < text.size() && text[end].unicode() >= 0x80 && !lone(end))
                end += text[end].isHighSurrogate() ? 2 : 1;
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
            m_out += "\\u00"; // a control character: plain() took every other ASCII one
            m_out += hex[c >> 4];
            m_out += hex[c & 0xf];
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
    writeStrings(values);
    return *this;
}

void JsonWriter::writeStrings(const QStringList &values)
{
    m_out += '[';
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i > 0)
            m_out += ',';
        quoted(values.at(i));
    }
    m_out += ']';
}

JsonWriter &JsonWriter::value(QStringView name, const QJsonValue &value)
{
    if (m_out.size() > 1)
        m_out += ',';
    quoted(name);
    m_out += ':';
    write(value);
    return *this;
}

void JsonWriter::write(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: m_out += "null"; break;
    case QJsonValue::Bool: m_out += value.toBool() ? "true" : "false"; break;
    case QJsonValue::Double: {
        // QJsonValue keeps integers apart from doubles, and QJsonDocument writes them apart: an
        // integer in full, a double in its shortest form ("1e+15"), or null when not finite.
        const QVariant number = value.toVariant();
        if (number.metaType().id() == QMetaType::LongLong) {
            m_out += QByteArray::number(number.toLongLong());
        } else {
            const double d = number.toDouble();
            if (std::isfinite(d))
                m_out += QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
            else
                m_out += "null";
        }
        break;
    }
    case QJsonValue::String: quoted(value.toString()); break;
    case QJsonValue::Array: writeArray(value.toArray()); break;
    case QJsonValue::Object:
        m_out += '{';
        writeMembers(value.toObject());
        m_out += '}';
        break;
    }
}

void JsonWriter::writeMembers(const QJsonObject &object)
{
    bool first = true;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!first)
            m_out += ',';
        first = false;
        quoted(it.key());
        m_out += ':';
        write(it.value());
    }
}

void JsonWriter::writeArray(const QJsonArray &array)
{
    m_out += '[';
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (i > 0)
            m_out += ',';
        write(array.at(i));
    }
    m_out += ']';
}

QByteArray JsonWriter::compact(const QJsonObject &object)
{
    JsonWriter writer; // starts with '{'
    writer.writeMembers(object);
    return writer.finish();
}

QByteArray JsonWriter::compact(const QJsonArray &array)
{
    JsonWriter writer;
    writer.m_out.clear();
    writer.writeArray(array);
    writer.squeezeSmall();
    return std::move(writer.m_out);
}

QByteArray JsonWriter::compact(const QStringList &strings)
{
    JsonWriter writer;
    writer.m_out.clear();
    writer.writeStrings(strings);
    writer.squeezeSmall();
    return std::move(writer.m_out);
}

QByteArray JsonWriter::finish()
{
    m_out += '}';
    squeezeSmall();
    return std::move(m_out);
}

void JsonWriter::squeezeSmall()
{
    // An answer's body is kept until the request log has written it: a 60-byte error must not
    // hold the 512 bytes reserved for it. (glibc shrinks a block in place.)
    if (m_out.capacity() > 2 * m_out.size())
        m_out.squeeze();
}
