// SPDX-License-Identifier: Apache-2.0
#include "accesspolicy.h"

#include "fhirsearch.h"
#include "fhirtypes.h"
#include "searchindex.h"

#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace Fhir {

namespace {

Scope::Permissions permissionFor(Interaction interaction)
{
    switch (interaction) {
    case Interaction::Read: return Scope::Permission::Read;
    case Interaction::Search: return Scope::Permission::Search;
    case Interaction::Create: return Scope::Permission::Create;
    case Interaction::Update: return Scope::Permission::Update;
    case Interaction::Delete: return Scope::Permission::Delete;
    }
    return {};
}

QString verb(Interaction interaction)
{
    switch (interaction) {
    case Interaction::Read: return u"read"_s;
    case Interaction::Search: return u"search"_s;
    case Interaction::Create: return u"create"_s;
    case Interaction::Update: return u"update"_s;
    case Interaction::Delete: return u"delete"_s;
    }
    return {};
}

QString letter(Interaction interaction)
{
    return verb(interaction).left(1);
}

Error forbidden(const QString &description)
{
    return Error{ErrorKind::Forbidden, u"forbidden"_s, description};
}

Error notFound(const QString &type)
{
    return Error{ErrorKind::NotFound, u"not_found"_s, u"There is no such %1 that this token may read"_s.arg(type)};
}

// Whether a resource's index rows satisfy a v2 scope's restriction (tokens only).
bool matchesRestriction(const QList<IndexEntry> &entries, const QString &query)
{
    for (const auto &[name, value] : QUrlQuery(query).queryItems(QUrl::FullyDecoded)) {
        bool any = false;
        for (const QString &alternative : value.split(u',')) {
            const qsizetype bar = alternative.indexOf(u'|');
            const QString system = bar < 0 ? QString() : alternative.left(bar);
            const QString code = bar < 0 ? alternative : alternative.mid(bar + 1);
            for (const IndexEntry &entry : entries) {
                if (entry.name == name && entry.value == code && (bar < 0 || entry.system == system))
                    any = true;
            }
        }
        if (!any)
            return false;
    }
    return true;
}

} // namespace

AccessPolicy AccessPolicy::open(bool allowWrites)
{
    AccessPolicy policy;
    policy.m_open = true;
    policy.m_openWrites = allowWrites;
    return policy;
}

AccessPolicy AccessPolicy::forToken(const QString &scope, const QString &patientId, const QStringList &userPatients,
                                    const QStringList &securityLabels)
{
    AccessPolicy policy;
    // A token only holds scopes the server issued; anything unreadable grants nothing.
    for (const QString &text : scope.split(u' ', Qt::SkipEmptyParts)) {
        Result<Scope> parsed = Scopes::parseOne(text);
        if (parsed && parsed->kind == Scope::Kind::Resource)
            policy.m_scopes.append(parsed.value());
    }
    policy.m_patientId = patientId;
    policy.m_userPatients = userPatients;
    policy.m_securityLabels = securityLabels;
    return policy;
}

QList<Scope> AccessPolicy::grantsFor(const QString &type, Interaction interaction) const
{
    QList<Scope> grants;
    const Scope::Permissions needed = permissionFor(interaction);
    for (const Scope &scope : m_scopes) {
        if (scope.resourceType != u"*" && scope.resourceType != type)
            continue;
        if (!(scope.permissions & needed))
            continue;
        if (scope.context == u"patient" && m_patientId.isEmpty())
            continue; // a patient/ scope without a patient in context reaches nothing
        grants.append(scope);
    }
    return grants;
}

QStringList AccessPolicy::compartmentOf(const Scope &scope) const
{
    if (scope.context == u"patient")
        return {m_patientId};
    return m_userPatients;
}

bool AccessPolicy::mayRead(const QString &type) const
{
    return m_open || !grantsFor(type, Interaction::Read).isEmpty();
}

Result<QList<SqlCondition>> AccessPolicy::conditions(const QString &type, Interaction interaction) const
{
    if (m_open) {
        if (interaction == Interaction::Read || interaction == Interaction::Search || m_openWrites)
            return QList<SqlCondition>();
        return forbidden(u"The open FHIR endpoint is read-only; start the sandbox with --open-fhir-writes, or "
                         "use /api/fhir with a token"_s);
    }
    const QList<Scope> grants = grantsFor(type, interaction);
    if (grants.isEmpty()) {
        const bool patientScopesWithoutPatient
            = m_patientId.isEmpty() && std::any_of(m_scopes.cbegin(), m_scopes.cend(), [&](const Scope &scope) {
                  return scope.context == u"patient" && (scope.resourceType == u"*" || scope.resourceType == type);
              });
        if (patientScopesWithoutPatient)
            return forbidden(u"The token has patient/ scopes for %1 but no patient in context"_s.arg(type));
        return forbidden(
            u"The token's scopes do not allow %1 on %2: it needs patient/%2.%3 (SMART v2), or "
            "patient/%2.%4 (v1), or a user/ or system/ equivalent"_s.arg(
                verb(interaction), type, letter(interaction),
                interaction == Interaction::Read || interaction == Interaction::Search ? u"read"_s : u"write"_s));
    }
    QList<QList<SqlCondition>> alternatives;
    for (const Scope &scope : grants) {
        QList<SqlCondition> all;
        if (scope.context != u"system")
            all.append(compartmentCondition(type, compartmentOf(scope), true));
        if (!scope.query.isEmpty()) {
            Result<QList<SqlCondition>> restriction = conditionsFromQuery(type, scope.query);
            if (!restriction)
                continue; // a restriction the sandbox cannot evaluate grants nothing
            all += restriction.value();
        }
        alternatives.append(all);
    }
    return QList<SqlCondition>{anyOf(alternatives), securityLabelCondition(type, m_securityLabels)};
}

Status AccessPolicy::allowsWrite(const QJsonObject &resource, Interaction interaction) const
{
    const QString type = resource.value(u"resourceType"_s).toString();
    if (m_open) {
        if (m_openWrites)
            return Done{};
        return forbidden(u"The open FHIR endpoint is read-only; start the sandbox with --open-fhir-writes, or "
                         "use /api/fhir with a token"_s);
    }
    const QList<Scope> grants = grantsFor(type, interaction);
    if (grants.isEmpty()) {
        Result<QList<SqlCondition>> refused = conditions(type, interaction);
        return refused ? forbidden(u"Not allowed"_s) : refused.error();
    }
    const QList<IndexEntry> entries = indexEntries(resource);
    for (const Scope &scope : grants) {
        if (scope.context != u"system") {
            const QStringList patients = compartmentOf(scope);
            const bool inCompartment = std::any_of(entries.cbegin(), entries.cend(), [&](const IndexEntry &entry) {
                return entry.name == s_compartment && patients.contains(entry.value.mid(8)); // "Patient/"
            });
            if (!inCompartment)
                continue;
        }
        if (!scope.query.isEmpty() && !matchesRestriction(entries, scope.query))
            continue;
        return Done{};
    }
    return forbidden(u"The token may %1 %2 only in its patient's record and within its scopes' restrictions"_s.arg(
        verb(interaction), type));
}

Status AccessPolicy::allowsRead(const QJsonObject &resource) const
{
    if (m_open)
        return Done{};
    const QString type = resource.value(u"resourceType"_s).toString();
    const QList<Scope> grants = grantsFor(type, Interaction::Read);
    if (grants.isEmpty()) {
        Result<QList<SqlCondition>> refused = conditions(type, Interaction::Read);
        return refused ? forbidden(u"Not allowed"_s) : refused.error();
    }
    const QList<IndexEntry> entries = indexEntries(resource);
    for (const IndexEntry &entry : entries) {
        if (entry.name == u"_security" && entry.system == s_categoriesLabelSystem
            && !m_securityLabels.contains(entry.value))
            return notFound(type);
    }
    const bool shared = std::none_of(entries.cbegin(), entries.cend(),
                                     [](const IndexEntry &entry) { return entry.name == s_compartment; });
    for (const Scope &scope : grants) {
        if (scope.context != u"system" && !shared) {
            const QStringList patients = compartmentOf(scope);
            const bool inCompartment = std::any_of(entries.cbegin(), entries.cend(), [&](const IndexEntry &entry) {
                return entry.name == s_compartment && patients.contains(entry.value.mid(8)); // "Patient/"
            });
            if (!inCompartment)
                continue;
        }
        if (!scope.query.isEmpty() && !matchesRestriction(entries, scope.query))
            continue;
        return Done{};
    }
    return notFound(type);
}

QList<QPair<QString, QString>> AccessPolicy::narrowing(const QString &type) const
{
    if (m_open)
        return {};
    const QList<Scope> grants = grantsFor(type, Interaction::Search);
    if (grants.size() != 1)
        return {};
    const Scope &scope = grants.first();
    QList<QPair<QString, QString>> parameters;
    if (scope.context == u"patient") {
        if (type == u"Patient")
            parameters.append({u"_id"_s, m_patientId});
        else if (searchParameter(type, u"patient"_s))
            parameters.append({u"patient"_s, m_patientId});
    }
    if (!scope.query.isEmpty())
        parameters += QUrlQuery(scope.query).queryItems(QUrl::FullyDecoded);
    return parameters;
}

} // namespace Fhir
