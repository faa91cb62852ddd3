// SPDX-License-Identifier: Apache-2.0
#pragma once

// FHIR search parameters turned into SQL conditions over the resource store: tokens
// (system|code), references, dates with prefixes (eq ne gt lt ge le), strings (starts-with,
// :contains, :exact), :missing and :not, _id and _lastUpdated; repeated parameters AND, commas OR,
// as FHIR says. Also the result parameters (_count, _sort, _summary, _include, _revinclude) and
// the paging offset of the sandbox's own next/previous links.

#include "fhir/resourcestore.h"
#include "result.h"

#include <QList>
#include <QPair>
#include <QString>

namespace Fhir {

struct Include
{
    QString sourceType; // the type holding the reference
    QString parameter; // its reference search parameter
    QString targetType; // empty: any
    QString text; // as written, for links
};

struct SearchRequest
{
    QString type;
    QList<SqlCondition> conditions;
    QString orderBy;
    QVariantList orderValues;
    int count = 50;
    int offset = 0;
    bool summaryCount = false;
    QList<Include> includes;
    QList<Include> revIncludes;
    // The parameters as understood, in order, for the self link (without paging).
    QList<QPair<QString, QString>> used;
    // Parameters the search ignored (unknown or unsupported), each with why.
    QStringList ignored;
};

inline constexpr int s_defaultCount = 50;
inline constexpr int s_maxCount = 1000;
// The sandbox's own paging parameter in next/previous links.
inline constexpr QLatin1String s_offsetParameter{"_getpagesoffset"};

// Reads the query of a search on `type`. Unknown parameters are ignored and listed, unless
// `strict` (Prefer: handling=strict), when they are an error; malformed values always are.
Result<SearchRequest> parseSearch(const QString &type, const QList<QPair<QString, QString>> &items, bool strict);

// The condition for one parameter (name may carry a :modifier) and its comma-separated value.
Result<SqlCondition> condition(const QString &type, const QString &nameWithModifier, const QString &value);

// Conditions from a query string such as "category=laboratory&code=http://loinc.org|4548-4" (a
// SMART v2 scope's restriction); an error when a parameter is unknown for the type.
Result<QList<SqlCondition>> conditionsFromQuery(const QString &type, const QString &query);

// A condition that holds for resources in the compartment of any of `patientIds`, or (when
// `includeShared`) in no patient's compartment at all.
SqlCondition compartmentCondition(const QString &type, const QStringList &patientIds, bool includeShared);
// A condition that hides resources carrying a category security label not in `allowed`.
SqlCondition securityLabelCondition(const QString &type, const QStringList &allowed);
// Any of the conditions (an empty list: none can hold).
SqlCondition anyOf(const QList<QList<SqlCondition>> &alternatives);

} // namespace Fhir
