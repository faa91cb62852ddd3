// SPDX-License-Identifier: Apache-2.0
#pragma once

// What one caller of the FHIR API may do: everything (the open endpoint), or what a token's
// scopes allow. SMART scopes in both grammars (v1 patient/Observation.read, v2
// patient/Observation.rs?category=laboratory) decide types, interactions and filters; patient/
// scopes reach the token's patient's compartment, user/ scopes the compartments of the patients
// the user acts for, system/ scopes everything; the approval's security labels hide whole
// categories. The policy is turned into SQL conditions, so reads by id, searches, _include and
// $everything all see the same resources.

#include "fhir/resourcestore.h"
#include "oauth/scopes.h"
#include "result.h"

#include <QJsonObject>
#include <QStringList>

namespace Fhir {

enum class Interaction { Read, Search, Create, Update, Delete };

class AccessPolicy final
{
public:
    // The open endpoint: every resource, every read; writes only when `allowWrites`.
    static AccessPolicy open(bool allowWrites);
    // A token's policy. `userPatients`: the patients the token's user acts for (user/ scopes).
    static AccessPolicy forToken(const QString &scope, const QString &patientId, const QStringList &userPatients,
                                 const QStringList &securityLabels);

    bool isOpen() const { return m_open; }
    const QString &patientId() const { return m_patientId; }

    // The conditions a resource of `type` must meet for `interaction`, or a Forbidden error that
    // names the scope the caller would need.
    Result<QList<SqlCondition>> conditions(const QString &type, Interaction interaction) const;
    // Whether a resource (as it would be stored) may be written with `interaction`.
    Status allowsWrite(const QJsonObject &resource, Interaction interaction) const;
    // Whether a resource from elsewhere (an upstream server's answer) may be shown: the same
    // rules as the SQL conditions, evaluated on the resource itself.
    Status allowsRead(const QJsonObject &resource) const;
    // The search parameters that narrow an upstream search on `type` to what the policy may see
    // (the patient, a v2 restriction), when one grant decides; the answer is filtered anyway.
    QList<QPair<QString, QString>> narrowing(const QString &type) const;
    // Whether the policy lets the caller read anything of `type` at all.
    bool mayRead(const QString &type) const;

private:
    QList<Scope> grantsFor(const QString &type, Interaction interaction) const;
    QStringList compartmentOf(const Scope &scope) const;

    bool m_open = false;
    bool m_openWrites = false;
    QList<Scope> m_scopes;
    QString m_patientId;
    QStringList m_userPatients;
    QStringList m_securityLabels;
};

} // namespace Fhir
