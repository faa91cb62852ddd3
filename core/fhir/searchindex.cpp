// SPDX-License-Identifier: Apache-2.0
#include "searchindex.h"

#include "fhirtypes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace Fhir {

namespace {

constexpr qint64 s_farPast = -62135596800000; // 0001-01-01
constexpr qint64 s_farFuture = 253402300799999; // 9999-12-31T23:59:59.999

// Every value an element path reaches, arrays flattened at each step.
void collect(const QJsonValue &value, const QStringList &steps, qsizetype index, QList<QJsonValue> *out)
{
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            collect(item, steps, index, out);
        return;
    }
    if (index == steps.size()) {
        if (!value.isUndefined() && !value.isNull())
            out->append(value);
        return;
    }
    if (!value.isObject())
        return;
    const QJsonObject object = value.toObject();
    const QString &step = steps.at(index);
    if (step.endsWith(u"[x]")) {
        const QStringView prefix = QStringView(step).chopped(3);
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QString &key = it.key();
            if (key.size() > prefix.size() && key.startsWith(prefix) && key.at(prefix.size()).isUpper())
                collect(it.value(), steps, index + 1, out);
        }
        return;
    }
    collect(object.value(step), steps, index + 1, out);
}

QList<QJsonValue> evaluate(const QJsonObject &resource, const QString &paths)
{
    QList<QJsonValue> values;
    for (const QString &path : paths.split(u'|', Qt::SkipEmptyParts))
        collect(resource, path.split(u'.'), 0, &values);
    return values;
}

void addTokens(const QString &name, const QJsonValue &value, QList<IndexEntry> *out)
{
    if (value.isString()) {
        out->append({name, QString(u""_s), value.toString()});
        return;
    }
    if (value.isBool()) {
        out->append({name, u""_s, value.toBool() ? u"true"_s : u"false"_s});
        return;
    }
    const QJsonObject object = value.toObject();
    if (object.contains(u"coding"_s)) { // CodeableConcept
        for (const QJsonValue &coding : object.value(u"coding"_s).toArray())
            addTokens(name, coding, out);
        return;
    }
    if (object.contains(u"code"_s)) // Coding
        out->append({name, object.value(u"system"_s).toString(), object.value(u"code"_s).toString()});
    else if (object.contains(u"value"_s)) // Identifier
        out->append({name, object.value(u"system"_s).toString(), object.value(u"value"_s).toString()});
}

void addStrings(const QString &name, const QJsonValue &value, QList<IndexEntry> *out)
{
    auto add = [&](const QString &text) {
        const QString folded = text.simplified().toLower();
        if (!folded.isEmpty())
            out->append({name, u""_s, folded});
    };
    if (value.isString()) {
        add(value.toString());
        return;
    }
    const QJsonObject object = value.toObject();
    // HumanName or Address: every part a person might search by.
    for (const QString &part : {u"text"_s, u"family"_s, u"city"_s, u"state"_s, u"postalCode"_s}) {
        if (object.value(part).isString())
            add(object.value(part).toString());
    }
    for (const QString &part : {u"given"_s, u"prefix"_s, u"suffix"_s, u"line"_s}) {
        for (const QJsonValue &item : object.value(part).toArray())
            add(item.toString());
    }
}

void addReferences(const SearchParameter &parameter, const QJsonValue &value, QList<IndexEntry> *out)
{
    const QString reference = normalizeReference(value.toObject().value(u"reference"_s).toString());
    if (reference.isEmpty())
        return;
    if (!parameter.targets.isEmpty() && !parameter.targets.contains(reference.section(u'/', 0, 0)))
        return;
    out->append({parameter.name, u""_s, reference});
}

void addDates(const QString &name, const QJsonValue &value, QList<IndexEntry> *out)
{
    if (value.isString()) {
        if (const std::optional<DateRange> range = dateRange(value.toString()))
            out->append({name, u""_s, u""_s, range->low, range->high, true});
        return;
    }
    const QJsonObject object = value.toObject();
    if (!object.contains(u"start"_s) && !object.contains(u"end"_s))
        return;
    const std::optional<DateRange> start = dateRange(object.value(u"start"_s).toString());
    const std::optional<DateRange> end = dateRange(object.value(u"end"_s).toString());
    out->append({name, u""_s, u""_s, start ? start->low : s_farPast, end ? end->high : s_farFuture, true});
}

} // namespace

QList<IndexEntry> indexEntries(const QJsonObject &resource)
{
    QList<IndexEntry> entries;
    const QString type = resource.value(u"resourceType"_s).toString();
    const ResourceDefinition *found = definition(type);
    if (!found)
        return entries;
    const QJsonArray security = resource.value(u"meta"_s).toObject().value(u"security"_s).toArray();
    for (const QJsonValue &label : security)
        addTokens(u"_security"_s, label, &entries);
    for (const SearchParameter &parameter : found->parameters) {
        for (const QJsonValue &value : evaluate(resource, parameter.paths)) {
            switch (parameter.type) {
            case ParameterType::Token: addTokens(parameter.name, value, &entries); break;
            case ParameterType::String: addStrings(parameter.name, value, &entries); break;
            case ParameterType::Reference: addReferences(parameter, value, &entries); break;
            case ParameterType::Date: addDates(parameter.name, value, &entries); break;
            }
        }
    }
    QStringList compartments;
    if (type == u"Patient")
        compartments.append(u"Patient/"_s + resource.value(u"id"_s).toString());
    for (const QString &name : found->compartmentParameters) {
        const SearchParameter *parameter = searchParameter(type, name);
        if (!parameter)
            continue;
        for (const QJsonValue &value : evaluate(resource, parameter->paths)) {
            const QString reference = normalizeReference(value.toObject().value(u"reference"_s).toString());
            if (reference.startsWith(u"Patient/") && !compartments.contains(reference))
                compartments.append(reference);
        }
    }
    for (const QString &compartment : std::as_const(compartments))
        entries.append({QString(s_compartment), u""_s, compartment});
    // The same value twice (two codings alike) would only slow the index down.
    QList<IndexEntry> unique;
    unique.reserve(entries.size());
    for (const IndexEntry &entry : std::as_const(entries)) {
        if (!unique.contains(entry))
            unique.append(entry);
    }
    return unique;
}

std::optional<DateRange> dateRange(const QString &text)
{
    static const QRegularExpression pattern(
        u"^(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?$"_s);
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const int year = match.capturedView(1).toInt();
    const bool hasMonth = match.hasCaptured(2);
    const bool hasDay = match.hasCaptured(3);
    const bool hasTime = match.hasCaptured(4);
    const int month = hasMonth ? match.capturedView(2).toInt() : 1;
    const int day = hasDay ? match.capturedView(3).toInt() : 1;
    const QDate date(year, month, day);
    if (!date.isValid())
        return std::nullopt;
    const QTime start(0, 0);
    if (!hasTime) {
        QDate last = date;
        if (!hasMonth)
            last = QDate(year, 12, 31);
        else if (!hasDay)
            last = QDate(year, month, date.daysInMonth());
        const qint64 low = QDateTime(date, start, Qt::UTC).toMSecsSinceEpoch();
        const qint64 high = QDateTime(last.addDays(1), start, Qt::UTC).toMSecsSinceEpoch() - 1;
        return DateRange{low, high};
    }
    const bool hasSeconds = match.hasCaptured(6);
    const QTime time(match.capturedView(4).toInt(), match.capturedView(5).toInt(),
                     hasSeconds ? match.capturedView(6).toInt() : 0,
                     match.hasCaptured(7) ? match.captured(7).left(3).leftJustified(3, u'0').toInt() : 0);
    if (!time.isValid())
        return std::nullopt;
    int offsetSeconds = 0;
    const QStringView zone = match.capturedView(8);
    if (zone.size() == 6) {
        offsetSeconds = (zone.mid(1, 2).toInt() * 60 + zone.mid(4, 2).toInt()) * 60;
        if (zone.startsWith(u'-'))
            offsetSeconds = -offsetSeconds;
    }
    const qint64 low = QDateTime(date, time, Qt::UTC).toMSecsSinceEpoch() - static_cast<qint64>(offsetSeconds) * 1000;
    qint64 high = low;
    if (!hasSeconds)
        high = low + 60'000 - 1;
    else if (!match.hasCaptured(7))
        high = low + 1000 - 1;
    return DateRange{low, high};
}

QString normalizeReference(const QString &reference)
{
    if (reference.isEmpty() || reference.startsWith(u'#') || reference.startsWith(u"urn:"))
        return QString();
    QStringList segments = reference.split(u'/', Qt::SkipEmptyParts);
    if (segments.size() >= 4 && segments.at(segments.size() - 2) == u"_history")
        segments.resize(segments.size() - 2);
    if (segments.size() < 2)
        return QString();
    const QString &type = segments.at(segments.size() - 2);
    const QString &id = segments.last();
    if (!isSupportedType(type) || !isValidId(id))
        return QString();
    return type + u'/' + id;
}

} // namespace Fhir
