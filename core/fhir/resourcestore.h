// SPDX-License-Identifier: Apache-2.0
#pragma once

// The FHIR resource store: resources as JSON rows with every version kept (vread, history) and
// the search index beside them, in the portal's own database (SQLite or PostgreSQL). Writes set
// meta.versionId and meta.lastUpdated and re-index in the same transaction; searches take SQL
// conditions built by FhirSearch, so that what a query may see is decided in one statement.

#include "result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QVariantList>

#include <optional>

class Database;

struct StoredResource
{
    QString type;
    QString id;
    int versionId = 0;
    qint64 lastUpdatedMs = 0;
    bool deleted = false; // this version is a deletion: no content
    QJsonObject content; // with meta.versionId and meta.lastUpdated

    QString reference() const { return type + u'/' + id; }
};

// One boolean SQL expression over the resource row (alias r) with its positional values.
struct SqlCondition
{
    QString sql;
    QVariantList values;
};

struct StoreQuery
{
    QString type;
    QList<SqlCondition> conditions; // all must hold
    QString orderBy; // an ORDER BY list over alias r; empty: by id
    QVariantList orderValues; // values for placeholders in orderBy
    int limit = 50;
    int offset = 0;
};

class ResourceStore final
{
    Q_DISABLE_COPY_MOVE(ResourceStore)

public:
    explicit ResourceStore(const Database &database) : m_database(database) { }

    // The current version (which may be a deletion), or nothing when the id was never used.
    Result<std::optional<StoredResource>> read(const QString &type, const QString &id) const;
    Result<std::optional<StoredResource>> version(const QString &type, const QString &id, int versionId) const;
    // Every version, newest first.
    Result<QList<StoredResource>> history(const QString &type, const QString &id) const;

    // Stores `resource` (which names its type and id) as the next version, at `nowMs`.
    Result<StoredResource> put(QJsonObject resource, qint64 nowMs) const;
    // Records a deletion as the next version; nothing when there was no live resource.
    Result<std::optional<StoredResource>> remove(const QString &type, const QString &id, qint64 nowMs) const;
    // Loads resources that do not exist yet (sample data), version 1, in few statements.
    Status insertNew(const QList<QJsonObject> &resources, qint64 nowMs) const;
    // Deletes every resource, version and index row.
    Status clear() const;

    Result<int> count(const StoreQuery &query) const;
    Result<QList<StoredResource>> find(const StoreQuery &query) const;
    // Live resources by reference ("Type/id"), in no particular order; unknown ones are skipped.
    Result<QList<StoredResource>> readMany(const QStringList &references) const;

    // Which of `ids` of `type` have been stored (live or deleted): import puts the others in bulk.
    Result<QSet<QString>> storedIds(const QString &type, const QStringList &ids) const;

    // The values ("Type/id") of a reference search parameter of the given resources.
    Result<QStringList> referenceValues(const QString &type, const QStringList &ids, const QString &parameter) const;
    // Live resources per type in a patient's compartment (the UI's "People and data").
    Result<QHash<QString, int>> countsFor(const QString &patientId) const;
    // The same for every patient at once: patient id -> type -> count.
    Result<QHash<QString, QHash<QString, int>>> compartmentCounts() const;
    Result<int> total() const;

    // Writes the meta block the store keeps: versionId and lastUpdated.
    static void stamp(QJsonObject *resource, int versionId, qint64 lastUpdatedMs);
    // "2026-01-15T10:00:00.000Z"
    static QString instant(qint64 msSinceEpoch);

private:
    Status writeIndex(const QString &type, const QString &id, const QJsonObject &resource) const;
    Status insertRows(const QString &table, const QStringList &columns, const QList<QVariantList> &rows) const;

    const Database &m_database;
};
