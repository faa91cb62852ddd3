// SPDX-License-Identifier: Apache-2.0
#include "fhirsearch.h"

#include "fhirtypes.h"
#include "searchindex.h"

#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace Fhir {

namespace {

constexpr qint64 s_farPast = -62135596800000;
constexpr qint64 s_farFuture = 253402300799999;

Error badParameter(const QString &description)
{
    return badRequest(u"invalid_search_parameter"_s, description);
}

// Splits on an unescaped separator; "\," and "\|" stand for the character itself.
QStringList splitEscaped(const QString &text, QChar separator)
{
    QStringList parts;
    QString current;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'\\' && i + 1 < text.size()) {
            const QChar next = text.at(i + 1);
            if (next == u',' || next == u'|' || next == u'$' || next == u'\\') {
                current += next;
                ++i;
                continue;
            }
        }
        if (c == separator) {
            parts.append(current);
            current.clear();
        } else {
            current += c;
        }
    }
    parts.append(current);
    return parts;
}

// The subquery of the resources with index rows of parameter `name` that satisfy `test`.
SqlCondition indexed(const QString &type, const QString &name, const QString &test, const QVariantList &values,
                     bool negate = false)
{
    QString sql = u"r.resource_id %1 (SELECT i.resource_id FROM fhir_index i WHERE i.resource_type = ? "
                  "AND i.name = ?"_s.arg(negate ? u"NOT IN"_s : u"IN"_s);
    if (!test.isEmpty())
        sql += u" AND ("_s + test + u')';
    sql += u')';
    return SqlCondition{sql, QVariantList{type, name} + values};
}

struct DateTest
{
    QString sql;
    QVariantList values;
};

// One date comparison on the columns `low`/`high` against a prefixed value, as FHIR defines
// the prefixes for ranges.
Result<DateTest> dateTest(const QString &lowColumn, const QString &highColumn, const QString &text)
{
    QString prefix = u"eq"_s;
    QString date = text;
    if (text.size() > 2 && text.at(0).isLetter() && text.at(1).isLetter()) {
        prefix = text.left(2);
        date = text.mid(2);
    }
    const std::optional<DateRange> range = dateRange(date);
    if (!range)
        return badParameter(
            u"'%1' is not a FHIR date: use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz, optionally "
            "after eq, ne, gt, lt, ge or le"_s.arg(text));
    if (prefix == u"eq")
        return DateTest{u"%1 >= ? AND %2 <= ?"_s.arg(lowColumn, highColumn), {range->low, range->high}};
    if (prefix == u"ne")
        return DateTest{u"NOT (%1 >= ? AND %2 <= ?)"_s.arg(lowColumn, highColumn), {range->low, range->high}};
    if (prefix == u"gt" || prefix == u"sa")
        return DateTest{u"%1 > ?"_s.arg(highColumn), {range->high}};
    if (prefix == u"lt" || prefix == u"eb")
        return DateTest{u"%1 < ?"_s.arg(lowColumn), {range->low}};
    if (prefix == u"ge")
        return DateTest{u"%1 >= ?"_s.arg(highColumn), {range->low}};
    if (prefix == u"le")
        return DateTest{u"%1 <= ?"_s.arg(lowColumn), {range->high}};
    return badParameter(u"'%1' is not a date prefix: use eq, ne, gt, lt, ge or le"_s.arg(prefix));
}

Result<SqlCondition> idCondition(const QStringList &values, const QString &modifier)
{
    if (!modifier.isEmpty())
        return badParameter(u"_id takes no modifier"_s);
    return SqlCondition{u"r.resource_id IN (%1)"_s.arg(QStringList(values.size(), u"?"_s).join(u", "_s)),
                        QVariantList(values.cbegin(), values.cend())};
}

Result<SqlCondition> lastUpdatedCondition(const QStringList &values, const QString &modifier)
{
    if (!modifier.isEmpty())
        return badParameter(u"_lastUpdated takes no modifier"_s);
    QStringList tests;
    QVariantList bound;
    for (const QString &value : values) {
        Result<DateTest> test = dateTest(u"r.last_updated"_s, u"r.last_updated"_s, value);
        if (!test)
            return test.error();
        tests.append(u'(' + test->sql + u')');
        bound += test->values;
    }
    return SqlCondition{tests.join(u" OR "_s), bound};
}

Result<QPair<QString, QVariantList>> alternative(const SearchParameter &parameter, const QString &modifier,
                                                 const QString &value)
{
    switch (parameter.type) {
    case ParameterType::Token: {
        const QStringList parts = splitEscaped(value, u'|');
        if (parts.size() > 2)
            return badParameter(u"'%1' is not a token: use code or system|code"_s.arg(value));
        if (parts.size() == 1)
            return qMakePair(u"i.value = ?"_s, QVariantList{parts.first()});
        if (parts.at(1).isEmpty())
            return qMakePair(u"i.system = ?"_s, QVariantList{parts.first()});
        return qMakePair(u"i.system = ? AND i.value = ?"_s, QVariantList{parts.first(), parts.at(1)});
    }
    case ParameterType::String: {
        const QString folded = value.simplified().toLower();
        QString escaped = folded;
        escaped.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
        if (modifier == u"exact")
            return qMakePair(u"i.value = ?"_s, QVariantList{folded});
        if (modifier == u"contains")
            return qMakePair(u"i.value LIKE ? ESCAPE '\\'"_s, QVariantList{QString(u'%' + escaped + u'%')});
        return qMakePair(u"i.value LIKE ? ESCAPE '\\'"_s, QVariantList{QString(escaped + u'%')});
    }
    case ParameterType::Reference: {
        QString reference = value;
        if (!modifier.isEmpty() && isSupportedType(modifier)) // patient:Patient=123
            reference = modifier + u'/' + value;
        if (reference.contains(u'/')) {
            const QString normalized = normalizeReference(reference);
            if (normalized.isEmpty())
                return badParameter(u"'%1' is not a reference: use Type/id or id"_s.arg(value));
            return qMakePair(u"i.value = ?"_s, QVariantList{normalized});
        }
        if (!isValidId(reference))
            return badParameter(u"'%1' is not a FHIR id"_s.arg(value));
        if (parameter.targets.size() == 1)
            return qMakePair(u"i.value = ?"_s, QVariantList{QString(parameter.targets.first() + u'/' + reference)});
        return qMakePair(u"i.value LIKE ? ESCAPE '\\'"_s, QVariantList{QString(u"%/"_s + reference)});
    }
    case ParameterType::Date: {
        Result<DateTest> test = dateTest(u"i.low"_s, u"i.high"_s, value);
        if (!test)
            return test.error();
        return qMakePair(test->sql, test->values);
    }
    }
    return badParameter(u"Unsupported parameter"_s);
}

bool modifierAllowed(const SearchParameter &parameter, const QString &modifier)
{
    if (modifier.isEmpty() || modifier == u"missing")
        return true;
    switch (parameter.type) {
    case ParameterType::Token: return modifier == u"not";
    case ParameterType::String: return modifier == u"exact" || modifier == u"contains";
    case ParameterType::Reference: return isSupportedType(modifier);
    case ParameterType::Date: return false;
    }
    return false;
}

Result<Include> parseInclude(const QString &name, const QString &value, const QString &type, bool reverse)
{
    const QStringList parts = value.split(u':');
    if (parts.size() < 2 || parts.size() > 3)
        return badParameter(u"%1=%2: use SourceType:parameter or SourceType:parameter:TargetType"_s.arg(name, value));
    const SearchParameter *parameter = searchParameter(parts.at(0), parts.at(1));
    if (!parameter || parameter->type != ParameterType::Reference)
        return badParameter(u"%1=%2: %3 has no reference parameter %4"_s.arg(name, value, parts.at(0), parts.at(1)));
    if (!reverse && parts.at(0) != type)
        return badParameter(u"_include=%1 names %2, but this search is on %3"_s.arg(value, parts.at(0), type));
    if (parts.size() == 3 && !isSupportedType(parts.at(2)))
        return badParameter(u"%1=%2: %3 is not a resource type the sandbox stores"_s.arg(name, value, parts.at(2)));
    return Include{parts.at(0), parts.at(1), parts.size() == 3 ? parts.at(2) : QString(), value};
}

Result<QPair<QString, QVariantList>> sortKey(const QString &type, const QString &key)
{
    const bool descending = key.startsWith(u'-');
    const QString name = descending ? key.mid(1) : key;
    const QString direction = descending ? u" DESC"_s : u" ASC"_s;
    if (name == u"_id")
        return qMakePair(QString(u"r.resource_id"_s + direction), QVariantList{});
    if (name == u"_lastUpdated")
        return qMakePair(QString(u"r.last_updated"_s + direction), QVariantList{});
    const SearchParameter *parameter = searchParameter(type, name);
    if (parameter && parameter->type == ParameterType::Date) {
        // Earliest start ascending, latest end descending; missing values sort last either way.
        const QString sql = descending
            ? u"COALESCE((SELECT MAX(s.high) FROM fhir_index s WHERE s.resource_type = r.resource_type "
              "AND s.resource_id = r.resource_id AND s.name = ?), ?) DESC"_s
            : u"COALESCE((SELECT MIN(s.low) FROM fhir_index s WHERE s.resource_type = r.resource_type "
              "AND s.resource_id = r.resource_id AND s.name = ?), ?) ASC"_s;
        return qMakePair(sql, QVariantList{name, descending ? s_farPast : s_farFuture});
    }
    if (parameter && (parameter->type == ParameterType::String || parameter->type == ParameterType::Token)) {
        const QString sql = u"COALESCE((SELECT MIN(s.value) FROM fhir_index s WHERE s.resource_type = r.resource_type "
                            "AND s.resource_id = r.resource_id AND s.name = ?), '')"_s
            + direction;
        return qMakePair(sql, QVariantList{name});
    }
    return badParameter(u"_sort=%1: %2 cannot sort %3; use _id, _lastUpdated or a date, string or token "
                        "parameter of the type"_s.arg(key, name, type));
}

Result<int> wholeNumber(const QString &name, const QString &value, int minimum, int maximum)
{
    bool ok = false;
    const int number = value.toInt(&ok);
    if (!ok || number < minimum || number > maximum)
        return badParameter(
            u"%1 must be a whole number from %2 to %3, not '%4'"_s.arg(name).arg(minimum).arg(maximum).arg(value));
    return number;
}

} // namespace

Result<SqlCondition> condition(const QString &type, const QString &nameWithModifier, const QString &value)
{
    const qsizetype colon = nameWithModifier.indexOf(u':');
    const QString name = colon < 0 ? nameWithModifier : nameWithModifier.left(colon);
    const QString modifier = colon < 0 ? QString() : nameWithModifier.mid(colon + 1);
    const SearchParameter *parameter = searchParameter(type, name);
    if (!parameter)
        return Error{ErrorKind::NotFound, u"unknown_parameter"_s,
                     u"%1 is not a search parameter of %2 in the sandbox (its CapabilityStatement lists them)"_s.arg(
                         name, type)};
    if (value.isEmpty())
        return badParameter(u"%1 has no value"_s.arg(nameWithModifier));
    const QStringList values = splitEscaped(value, u',');
    if (name == u"_id")
        return idCondition(values, modifier);
    if (name == u"_lastUpdated")
        return lastUpdatedCondition(values, modifier);
    if (!modifierAllowed(*parameter, modifier))
        return badParameter(u"%1 does not support the modifier :%2"_s.arg(name, modifier));
    if (modifier == u"missing") {
        if (value != u"true" && value != u"false")
            return badParameter(u"%1:missing takes true or false"_s.arg(name));
        return indexed(type, name, QString(), {}, value == u"true");
    }
    QStringList tests;
    QVariantList bound;
    for (const QString &one : values) {
        if (one.isEmpty())
            return badParameter(u"%1=%2 has an empty value between commas"_s.arg(nameWithModifier, value));
        Result<QPair<QString, QVariantList>> test = alternative(*parameter, modifier, one);
        if (!test)
            return test.error();
        tests.append(u'(' + test->first + u')');
        bound += test->second;
    }
    return indexed(type, name, tests.join(u" OR "_s), bound, modifier == u"not");
}

Result<SearchRequest> parseSearch(const QString &type, const QList<QPair<QString, QString>> &items, bool strict)
{
    SearchRequest request;
    request.type = type;
    QStringList orderParts;
    for (const auto &[name, value] : items) {
        if (name == u"_count") {
            Result<int> count = wholeNumber(name, value, 0, s_maxCount);
            if (!count)
                return count.error();
            request.count = count.value();
        } else if (name == s_offsetParameter) {
            Result<int> offset = wholeNumber(name, value, 0, 100'000'000);
            if (!offset)
                return offset.error();
            request.offset = offset.value();
            continue; // paging is added to links separately
        } else if (name == u"_sort") {
            for (const QString &key : value.split(u',', Qt::SkipEmptyParts)) {
                Result<QPair<QString, QVariantList>> sort = sortKey(type, key);
                if (!sort)
                    return sort.error();
                orderParts.append(sort->first);
                request.orderValues += sort->second;
            }
        } else if (name == u"_summary") {
            if (value == u"count")
                request.summaryCount = true;
            else if (value != u"false")
                return badParameter(u"_summary=%1 is not supported: use count or false"_s.arg(value));
        } else if (name == u"_include" || name == u"_revinclude") {
            Result<Include> include = parseInclude(name, value, type, name == u"_revinclude");
            if (!include)
                return include.error();
            (name == u"_include" ? request.includes : request.revIncludes).append(include.value());
        } else if (name == u"_format" || name == u"_pretty") {
            continue; // answered by the HTTP layer
        } else {
            Result<SqlCondition> parsed = condition(type, name, value);
            if (!parsed) {
                if (parsed.error().kind == ErrorKind::NotFound && !strict) {
                    request.ignored.append(parsed.error().description);
                    continue;
                }
                return badParameter(parsed.error().description);
            }
            request.conditions.append(parsed.value());
        }
        request.used.append({name, value});
    }
    request.orderBy = orderParts.join(u", "_s);
    return request;
}

Result<QList<SqlCondition>> conditionsFromQuery(const QString &type, const QString &query)
{
    QList<SqlCondition> conditions;
    const QUrlQuery parsed(query);
    for (const auto &[name, value] : parsed.queryItems(QUrl::FullyDecoded)) {
        Result<SqlCondition> one = condition(type, name, value);
        if (!one)
            return badParameter(one.error().description);
        conditions.append(one.value());
    }
    return conditions;
}

SqlCondition compartmentCondition(const QString &type, const QStringList &patientIds, bool includeShared)
{
    QStringList references;
    for (const QString &id : patientIds)
        references.append(u"Patient/"_s + id);
    QString sql;
    QVariantList values;
    if (!references.isEmpty()) {
        const SqlCondition in = indexed(type, QString(s_compartment),
                                        u"i.value IN (%1)"_s.arg(QStringList(references.size(), u"?"_s).join(u", "_s)),
                                        QVariantList(references.cbegin(), references.cend()));
        sql = in.sql;
        values = in.values;
    }
    if (includeShared) {
        const SqlCondition shared = indexed(type, QString(s_compartment), QString(), {}, true);
        sql = sql.isEmpty() ? shared.sql : u'(' + sql + u") OR ("_s + shared.sql + u')';
        values += shared.values;
    }
    if (sql.isEmpty())
        return SqlCondition{u"1 = 0"_s, {}};
    return SqlCondition{sql, values};
}

SqlCondition securityLabelCondition(const QString &type, const QStringList &allowed)
{
    QString test = u"i.system = ?"_s;
    QVariantList values{QString(s_categoriesLabelSystem)};
    if (!allowed.isEmpty()) {
        test += u" AND i.value NOT IN (%1)"_s.arg(QStringList(allowed.size(), u"?"_s).join(u", "_s));
        for (const QString &label : allowed)
            values.append(label);
    }
    return indexed(type, u"_security"_s, test, values, true);
}

SqlCondition anyOf(const QList<QList<SqlCondition>> &alternatives)
{
    QStringList parts;
    QVariantList values;
    for (const QList<SqlCondition> &all : alternatives) {
        if (all.isEmpty())
            return SqlCondition{u"1 = 1"_s, {}};
        QStringList conjunction;
        for (const SqlCondition &one : all) {
            conjunction.append(u'(' + one.sql + u')');
            values += one.values;
        }
        parts.append(u'(' + conjunction.join(u" AND "_s) + u')');
    }
    if (parts.isEmpty())
        return SqlCondition{u"1 = 0"_s, {}};
    return SqlCondition{parts.join(u" OR "_s), values};
}

} // namespace Fhir
