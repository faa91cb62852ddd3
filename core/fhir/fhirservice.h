// SPDX-License-Identifier: Apache-2.0
#pragma once

// The FHIR R4 API over the built-in store, socket-free: read, vread, history, search (with
// _include, _revinclude, paging), Patient/$everything, create, update and delete, each under an
// AccessPolicy. The HTTP routes (server/fhirroutes.cpp) turn requests into these calls and the
// answers into responses; errors are domain Errors that become OperationOutcomes there.

#include "fhir/accesspolicy.h"
#include "fhir/resourcestore.h"
#include "result.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QStringList>

class Clock;
class Database;
class PeopleStore;

struct FhirAnswer
{
    int status = 200;
    QJsonObject body; // a resource, a Bundle or an OperationOutcome
    int versionId = 0; // > 0: the answer is one resource version (ETag)
    qint64 lastModifiedMs = 0;
    QString location; // Location of a created or updated resource
    QStringList findings; // notes for the request log (ignored parameters, ...)
};

class FhirService final
{
    Q_DISABLE_COPY_MOVE(FhirService)

public:
    FhirService(const Database &database, const Clock &clock, const PeopleStore &people);

    const ResourceStore &store() const { return m_store; }

    Result<FhirAnswer> read(const Fhir::AccessPolicy &policy, const QString &type, const QString &id) const;
    Result<FhirAnswer> vread(const Fhir::AccessPolicy &policy, const QString &type, const QString &id,
                             const QString &versionId) const;
    Result<FhirAnswer> history(const Fhir::AccessPolicy &policy, const QString &type, const QString &id,
                               const QString &base) const;
    // `base` is the endpoint's base URL, for fullUrl and links.
    Result<FhirAnswer> search(const Fhir::AccessPolicy &policy, const QString &type,
                              const QList<QPair<QString, QString>> &parameters, const QString &base, bool strict) const;
    Result<FhirAnswer> everything(const Fhir::AccessPolicy &policy, const QString &patientId,
                                  const QString &base) const;
    Result<FhirAnswer> create(const Fhir::AccessPolicy &policy, const QString &type, const QByteArray &body,
                              const QString &base) const;
    // `ifMatch`: the If-Match header, empty when none.
    Result<FhirAnswer> update(const Fhir::AccessPolicy &policy, const QString &type, const QString &id,
                              const QByteArray &body, const QByteArray &ifMatch, const QString &base) const;
    Result<FhirAnswer> remove(const Fhir::AccessPolicy &policy, const QString &type, const QString &id) const;

    // Checks a resource the way create and update do (import uses it too): a JSON object of a
    // stored type, with a valid id when it has one.
    static Status checkResource(const QJsonObject &resource, const QString &expectedType = {});
    // Keeps the portal's patient list in step with a Patient resource written through FHIR.
    Status syncPatient(const QJsonObject &patient) const;

private:
    // The live resource if the policy lets the caller see it for `interaction`.
    Result<std::optional<StoredResource>> visible(const Fhir::AccessPolicy &policy, const QString &type,
                                                  const QString &id, Fhir::Interaction interaction) const;
    Result<QList<StoredResource>> visibleMany(const Fhir::AccessPolicy &policy, const QStringList &references) const;
    Result<FhirAnswer> notVisible(const Fhir::AccessPolicy &policy, const QString &type, const QString &id) const;
    Result<FhirAnswer> write(const Fhir::AccessPolicy &policy, QJsonObject resource, bool exists,
                             const QString &base) const;

    ResourceStore m_store;
    const Clock &m_clock;
    const PeopleStore &m_people;
};
