// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the FHIR endpoints know about FHIR R4: the resource types the sandbox stores, the search
// parameters of each (with the element paths they index), and the references that place a
// resource in a patient's compartment. One table drives indexing, search, _include and the
// CapabilityStatement, so the statement lists exactly what works.

#include <QList>
#include <QString>
#include <QStringList>

namespace Fhir {

enum class ParameterType { Token, Reference, Date, String };

struct SearchParameter
{
    QString name; // e.g. "code", "patient", "date"
    ParameterType type = ParameterType::Token;
    // Element paths from the resource root, dotted, alternatives separated by "|"; a path ending
    // in "[x]" matches every choice type (effective[x] -> effectiveDateTime, effectivePeriod).
    QString paths;
    QString documentation; // one line for the CapabilityStatement
    QStringList targets = {}; // reference parameters: the types they may point at; empty: any
};

struct ResourceDefinition
{
    QString type;
    QList<SearchParameter> parameters; // besides the common ones (_id, _lastUpdated, _security)
    // Reference parameters whose Patient targets put a resource in that patient's compartment.
    QStringList compartmentParameters;
};

// Every type the store accepts, sorted by name.
const QList<ResourceDefinition> &resourceDefinitions();
// The definition of a type, or nullptr when the sandbox does not store it.
const ResourceDefinition *definition(const QString &type);
// Whether a string is a resource type the sandbox stores.
bool isSupportedType(const QString &type);
// A search parameter of a type, the common ones included; nullptr when unknown.
const SearchParameter *searchParameter(const QString &type, const QString &name);
// The parameters every type has: _id, _lastUpdated, _security.
const QList<SearchParameter> &commonParameters();

// A FHIR id: 1 to 64 of [A-Za-z0-9-.].
bool isValidId(const QString &id);

// The security label systems of the SMART Example Server.
inline constexpr QLatin1String s_usersLabelSystem{"http://smarthealthit.org/security/users"};
inline constexpr QLatin1String s_categoriesLabelSystem{"http://smarthealthit.org/security/categories"};

} // namespace Fhir
