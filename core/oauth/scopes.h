// SPDX-License-Identifier: Apache-2.0
#pragma once

// The SMART App Launch scope grammar (v1 "patient/Observation.read" and v2
// "patient/Observation.rs?category=...") with parsing and "is this covered by that" matching.

#include "result.h"

#include <QFlags>
#include <QList>
#include <QString>
#include <QStringList>

struct Scope
{
    enum class Kind {
        Resource, // patient/Observation.read, user/*.cruds, system/Patient.rs?...
        Launch, // launch (EHR launch)
        LaunchContext, // launch/patient, launch/encounter, ...
        OpenId, // openid
        FhirUser, // fhirUser
        Profile, // profile (SMART v1 name of fhirUser)
        OfflineAccess, // offline_access
        OnlineAccess, // online_access
    };
    enum class Permission { Create = 1, Read = 2, Update = 4, Delete = 8, Search = 16 };
    Q_DECLARE_FLAGS(Permissions, Permission)

    Kind kind = Kind::Resource;
    QString text; // as written
    QString context; // resource scopes: "patient", "user" or "system"
    QString resourceType; // resource scopes: a type name or "*"
    Permissions permissions;
    bool v2Syntax = false; // ".cruds" rather than ".read"/".write"/".*"
    QString query; // v2 granular restriction, without the "?"

    // Whether a grant of `this` allows what `requested` asks for.
    bool covers(const Scope &requested) const;
};
Q_DECLARE_OPERATORS_FOR_FLAGS(Scope::Permissions)

namespace Scopes {

// One scope token; an invalid_scope error naming it when it is not SMART grammar.
Result<Scope> parseOne(const QString &text);
// A space-separated scope string. Empty tokens (double spaces) are ignored; duplicates removed.
Result<QList<Scope>> parse(const QString &scopeString);
// The requested scopes that no granted scope covers.
QStringList uncovered(const QList<Scope> &requested, const QList<Scope> &granted);
// Whether a scope string needs a patient chosen: launch/patient or any patient/ scope.
bool needsPatient(const QString &scopeString);
// Scope tokens joined with single spaces.
QString join(const QList<Scope> &scopes);

// The scope in plain words for a person deciding whether to share, e.g. "Read and search your
// observations (vital signs, lab results)".
QString describe(const Scope &scope);

// What a registration without "scope" gets: a full patient-facing app.
QString defaultClientScope();

} // namespace Scopes
