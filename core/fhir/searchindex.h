// SPDX-License-Identifier: Apache-2.0
#pragma once

// Turns a FHIR resource into the rows of the search index: one row per value of each search
// parameter (tokens as system + code, references as "Type/id", dates as millisecond ranges,
// strings lower-cased), plus "_compartment" rows naming the patients whose compartment holds the
// resource. The store writes these rows; search and access control read them.

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace Fhir {

struct IndexEntry
{
    QString name; // the search parameter, or "_compartment"
    QString system; // tokens: the code system ("" when none)
    QString value; // tokens: the code; references: "Type/id"; strings: lower-cased text
    qint64 low = 0; // dates: first millisecond of the range
    qint64 high = 0; // dates: last millisecond of the range
    bool isDate = false;

    friend bool operator==(const IndexEntry &, const IndexEntry &) = default;
};

struct DateRange
{
    qint64 low = 0;
    qint64 high = 0;
};

// The name of the index rows that place a resource in a patient's compartment.
inline constexpr QLatin1String s_compartment{"_compartment"};

// The index rows of a resource (not its _id or _lastUpdated, which are columns).
QList<IndexEntry> indexEntries(const QJsonObject &resource);

// A FHIR date, dateTime or instant ("2020", "2020-03", "2020-03-04", "2020-03-04T10:30:00+02:00")
// as the range of milliseconds it covers; without a zone, UTC. Nothing when malformed.
std::optional<DateRange> dateRange(const QString &text);

// "Patient/123" from "Patient/123", "http://host/fhir/Patient/123" or ".../Patient/123/_history/2";
// an empty string when the reference names no type and id (a contained "#x" or "urn:uuid:").
QString normalizeReference(const QString &reference);

} // namespace Fhir
