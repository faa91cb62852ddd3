// SPDX-License-Identifier: Apache-2.0
#include "resourcestore.h"

#include "searchindex.h"
#include "storage/database.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlRecord>

using namespace Qt::StringLiterals;

namespace {

const auto s_columns = u"resource_type, resource_id, version_id, last_updated, deleted, content"_s;

QString toJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

StoredResource resourceFrom(const QSqlRecord &record)
{
    StoredResource resource;
    resource.type = record.value(0).toString();
    resource.id = record.value(1).toString();
    resource.versionId = record.value(2).toInt();
    resource.lastUpdatedMs = record.value(3).toLongLong();
    resource.deleted = record.value(4).toInt() != 0;
    if (!resource.deleted)
        resource.content = QJsonDocument::fromJson(record.value(5).toString().toUtf8()).object();
    return resource;
}

Result<QList<StoredResource>> resourcesFrom(Result<QList<QSqlRecord>> records)
{
    if (!records)
        return records.error();
    QList<StoredResource> resources;
    resources.reserve(records.value().size());
    for (const QSqlRecord &record : records.value())
        resources.append(resourceFrom(record));
    return resources;
}

} // namespace

QString ResourceStore::instant(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC).toString(Qt::ISODateWithMs);
}

void ResourceStore::stamp(QJsonObject *resource, int versionId, qint64 lastUpdatedMs)
{
    QJsonObject meta = resource->value(u"meta"_s).toObject();
    meta.insert(u"versionId"_s, QString::number(versionId));
    meta.insert(u"lastUpdated"_s, instant(lastUpdatedMs));
    resource->insert(u"meta"_s, meta);
}

Result<std::optional<StoredResource>> ResourceStore::read(const QString &type, const QString &id) const
{
    Result<std::optional<QSqlRecord>> record = m_database.one(
        u"SELECT %1 FROM fhir_resources WHERE resource_type = ? AND resource_id = ?"_s.arg(s_columns), {type, id});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<StoredResource>();
    return std::optional<StoredResource>(resourceFrom(*record.value()));
}

Result<std::optional<StoredResource>> ResourceStore::version(const QString &type, const QString &id,
                                                             int versionId) const
{
    Result<std::optional<QSqlRecord>> record
        = m_database.one(u"SELECT %1 FROM fhir_versions WHERE resource_type = ? AND resource_id = ? "
                         "AND version_id = ?"_s.arg(s_columns),
                         {type, id, versionId});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<StoredResource>();
    return std::optional<StoredResource>(resourceFrom(*record.value()));
}

Result<QList<StoredResource>> ResourceStore::history(const QString &type, const QString &id) const
{
    return resourcesFrom(m_database.all(u"SELECT %1 FROM fhir_versions WHERE resource_type = ? AND resource_id = ? "
                                        "ORDER BY version_id DESC"_s.arg(s_columns),
                                        {type, id}));
}

Result<StoredResource> ResourceStore::put(QJsonObject resource, qint64 nowMs) const
{
    const QString type = resource.value(u"resourceType"_s).toString();
    const QString id = resource.value(u"id"_s).toString();
    StoredResource stored;
    const Status written = m_database.transaction([&]() -> Status {
        Result<QVariant> current = m_database.scalar(
            u"SELECT version_id FROM fhir_resources WHERE resource_type = ? AND resource_id = ?"_s, {type, id});
        if (!current)
            return current.error();
        const int versionId = current.value().isValid() ? current.value().toInt() + 1 : 1;
        stamp(&resource, versionId, nowMs);
        const QString json = toJson(resource);
        Result<int> changed = current.value().isValid()
            ? m_database.change(u"UPDATE fhir_resources SET version_id = ?, last_updated = ?, deleted = 0, "
                                "content = ? WHERE resource_type = ? AND resource_id = ?"_s,
                                {versionId, nowMs, json, type, id})
            : m_database.change(u"INSERT INTO fhir_resources (%1) VALUES (?, ?, ?, ?, 0, ?)"_s.arg(s_columns),
                                {type, id, versionId, nowMs, json});
        if (!changed)
            return changed.error();
        if (Result<int> kept
            = m_database.change(u"INSERT INTO fhir_versions (%1) VALUES (?, ?, ?, ?, 0, ?)"_s.arg(s_columns),
                                {type, id, versionId, nowMs, json});
            !kept)
            return kept.error();
        if (Status indexed = writeIndex(type, id, resource); !indexed)
            return indexed;
        stored = StoredResource{type, id, versionId, nowMs, false, resource};
        return Done{};
    });
    if (!written)
        return written.error();
    return stored;
}

Result<std::optional<StoredResource>> ResourceStore::remove(const QString &type, const QString &id, qint64 nowMs) const
{
    std::optional<StoredResource> removed;
    const Status written = m_database.transaction([&]() -> Status {
        Result<std::optional<QSqlRecord>> current
            = m_database.one(u"SELECT version_id FROM fhir_resources WHERE resource_type = ? AND resource_id = ? "
                             "AND deleted = 0"_s,
                             {type, id});
        if (!current)
            return current.error();
        if (!current.value())
            return Done{};
        const int versionId = current.value()->value(0).toInt() + 1;
        if (Result<int> changed = m_database.change(
                u"UPDATE fhir_resources SET version_id = ?, last_updated = ?, deleted = 1, content = '' "
                "WHERE resource_type = ? AND resource_id = ?"_s,
                {versionId, nowMs, type, id});
            !changed)
            return changed.error();
        if (Result<int> kept
            = m_database.change(u"INSERT INTO fhir_versions (%1) VALUES (?, ?, ?, ?, 1, '')"_s.arg(s_columns),
                                {type, id, versionId, nowMs});
            !kept)
            return kept.error();
        if (Result<int> unindexed
            = m_database.change(u"DELETE FROM fhir_index WHERE resource_type = ? AND resource_id = ?"_s, {type, id});
            !unindexed)
            return unindexed.error();
        removed = StoredResource{type, id, versionId, nowMs, true, {}};
        return Done{};
    });
    if (!written)
        return written.error();
    return removed;
}

Status ResourceStore::writeIndex(const QString &type, const QString &id, const QJsonObject &resource) const
{
    if (Result<int> cleared
        = m_database.change(u"DELETE FROM fhir_index WHERE resource_type = ? AND resource_id = ?"_s, {type, id});
        !cleared)
        return cleared.error();
    QList<QVariantList> rows;
    for (const Fhir::IndexEntry &entry : Fhir::indexEntries(resource)) {
        rows.append({type, id, entry.name, entry.system, entry.value, Database::nullable(entry.low, !entry.isDate),
                     Database::nullable(entry.high, !entry.isDate)});
    }
    return insertRows(u"fhir_index"_s,
                      {u"resource_type"_s, u"resource_id"_s, u"name"_s, u"system"_s, u"value"_s, u"low"_s, u"high"_s},
                      rows);
}

Status ResourceStore::insertRows(const QString &table, const QStringList &columns,
                                 const QList<QVariantList> &rows) const
{
    // Multi-row INSERTs in chunks of 64, 32, ... 1 rows: few round trips (PostgreSQL), and a
    // handful of distinct statements for the prepared-statement cache.
    const QString tuple = u'(' + QStringList(columns.size(), u"?"_s).join(u", "_s) + u')';
    qsizetype next = 0;
    while (next < rows.size()) {
        qsizetype chunk = 64;
        while (chunk > rows.size() - next)
            chunk /= 2;
        QVariantList values;
        values.reserve(chunk * columns.size());
        for (qsizetype i = 0; i < chunk; ++i)
            values += rows.at(next + i);
        const QString sql = u"INSERT INTO %1 (%2) VALUES "_s.arg(table, columns.join(u", "_s))
            + QStringList(chunk, tuple).join(u", "_s);
        if (Result<int> inserted = m_database.change(sql, values); !inserted)
            return inserted.error();
        next += chunk;
    }
    return Done{};
}

Status ResourceStore::insertNew(const QList<QJsonObject> &resources, qint64 nowMs) const
{
    return m_database.transaction([&]() -> Status {
        QList<QVariantList> current;
        QList<QVariantList> index;
        for (QJsonObject resource : resources) {
            stamp(&resource, 1, nowMs);
            const QString type = resource.value(u"resourceType"_s).toString();
            const QString id = resource.value(u"id"_s).toString();
            current.append({type, id, 1, nowMs, 0, toJson(resource)});
            for (const Fhir::IndexEntry &entry : Fhir::indexEntries(resource)) {
                index.append({type, id, entry.name, entry.system, entry.value,
                              Database::nullable(entry.low, !entry.isDate),
                              Database::nullable(entry.high, !entry.isDate)});
            }
        }
        const QStringList columns = s_columns.split(u", "_s);
        if (Status status = insertRows(u"fhir_resources"_s, columns, current); !status)
            return status;
        if (Status status = insertRows(u"fhir_versions"_s, columns, current); !status)
            return status;
        return insertRows(
            u"fhir_index"_s,
            {u"resource_type"_s, u"resource_id"_s, u"name"_s, u"system"_s, u"value"_s, u"low"_s, u"high"_s}, index);
    });
}

Status ResourceStore::clear() const
{
    return m_database.runScript(
        {u"DELETE FROM fhir_index"_s, u"DELETE FROM fhir_versions"_s, u"DELETE FROM fhir_resources"_s});
}

namespace {

QString whereClause(const StoreQuery &query, QVariantList *values)
{
    QString where = u"r.resource_type = ? AND r.deleted = 0"_s;
    values->append(query.type);
    for (const SqlCondition &condition : query.conditions) {
        where += u" AND ("_s + condition.sql + u')';
        values->append(condition.values);
    }
    return where;
}

} // namespace

Result<int> ResourceStore::count(const StoreQuery &query) const
{
    QVariantList values;
    const QString where = whereClause(query, &values);
    Result<QList<QSqlRecord>> rows
        = m_database.select(u"SELECT COUNT(*) FROM fhir_resources r WHERE "_s + where, values);
    if (!rows)
        return rows.error();
    return rows.value().isEmpty() ? 0 : rows.value().first().value(0).toInt();
}

Result<QList<StoredResource>> ResourceStore::find(const StoreQuery &query) const
{
    QVariantList values;
    const QString where = whereClause(query, &values);
    values += query.orderValues;
    const QString order = query.orderBy.isEmpty() ? u"r.resource_id"_s : query.orderBy + u", r.resource_id"_s;
    values << query.limit << query.offset;
    return resourcesFrom(m_database.select(u"SELECT r.resource_type, r.resource_id, r.version_id, r.last_updated, "
                                           "r.deleted, r.content FROM fhir_resources r WHERE "_s
                                               + where + u" ORDER BY "_s + order + u" LIMIT ? OFFSET ?"_s,
                                           values));
}

Result<QList<StoredResource>> ResourceStore::readMany(const QStringList &references) const
{
    QList<StoredResource> found;
    // Grouped by type, in chunks, so that each statement stays small.
    QHash<QString, QStringList> idsByType;
    for (const QString &reference : references) {
        const qsizetype slash = reference.indexOf(u'/');
        if (slash > 0)
            idsByType[reference.left(slash)].append(reference.mid(slash + 1));
    }
    for (auto it = idsByType.cbegin(); it != idsByType.cend(); ++it) {
        QStringList ids = it.value();
        ids.removeDuplicates();
        for (qsizetype start = 0; start < ids.size(); start += 200) {
            const QStringList chunk = ids.mid(start, 200);
            QVariantList values{it.key()};
            for (const QString &id : chunk)
                values.append(id);
            Result<QList<StoredResource>> rows = resourcesFrom(m_database.select(
                u"SELECT %1 FROM fhir_resources WHERE resource_type = ? AND deleted = 0 AND resource_id IN (%2)"_s.arg(
                    s_columns, QStringList(chunk.size(), u"?"_s).join(u", "_s)),
                values));
            if (!rows)
                return rows.error();
            found += rows.value();
        }
    }
    return found;
}

Result<QSet<QString>> ResourceStore::storedIds(const QString &type, const QStringList &ids) const
{
    QSet<QString> stored;
    for (qsizetype start = 0; start < ids.size(); start += 200) {
        const QStringList chunk = ids.mid(start, 200);
        QVariantList values{type};
        for (const QString &id : chunk)
            values.append(id);
        Result<QList<QSqlRecord>> rows = m_database.select(
            u"SELECT resource_id FROM fhir_resources WHERE resource_type = ? AND resource_id IN (%1)"_s.arg(
                QStringList(chunk.size(), u"?"_s).join(u", "_s)),
            values);
        if (!rows)
            return rows.error();
        for (const QSqlRecord &record : rows.value())
            stored.insert(record.value(0).toString());
    }
    return stored;
}

Result<QStringList> ResourceStore::referenceValues(const QString &type, const QStringList &ids,
                                                   const QString &parameter) const
{
    QStringList references;
    for (qsizetype start = 0; start < ids.size(); start += 200) {
        const QStringList chunk = ids.mid(start, 200);
        QVariantList values{type, parameter};
        for (const QString &id : chunk)
            values.append(id);
        Result<QList<QSqlRecord>> rows = m_database.select(
            u"SELECT DISTINCT value FROM fhir_index WHERE resource_type = ? AND name = ? AND resource_id IN (%1)"_s.arg(
                QStringList(chunk.size(), u"?"_s).join(u", "_s)),
            values);
        if (!rows)
            return rows.error();
        for (const QSqlRecord &record : rows.value())
            references.append(record.value(0).toString());
    }
    references.removeDuplicates();
    return references;
}

Result<QHash<QString, int>> ResourceStore::countsFor(const QString &patientId) const
{
    Result<QList<QSqlRecord>> rows
        = m_database.all(u"SELECT resource_type, COUNT(*) FROM fhir_index WHERE name = ? AND value = ? "
                         "GROUP BY resource_type"_s,
                         {QString(Fhir::s_compartment), QString(u"Patient/"_s + patientId)});
    if (!rows)
        return rows.error();
    QHash<QString, int> counts;
    for (const QSqlRecord &record : rows.value())
        counts.insert(record.value(0).toString(), record.value(1).toInt());
    return counts;
}

Result<QHash<QString, QHash<QString, int>>> ResourceStore::compartmentCounts() const
{
    Result<QList<QSqlRecord>> rows
        = m_database.all(u"SELECT value, resource_type, COUNT(*) FROM fhir_index WHERE name = ? "
                         "GROUP BY value, resource_type"_s,
                         {QString(Fhir::s_compartment)});
    if (!rows)
        return rows.error();
    QHash<QString, QHash<QString, int>> counts;
    for (const QSqlRecord &record : rows.value()) {
        const QString reference = record.value(0).toString();
        counts[reference.mid(reference.indexOf(u'/') + 1)].insert(record.value(1).toString(), record.value(2).toInt());
    }
    return counts;
}

Result<int> ResourceStore::total() const
{
    Result<QVariant> count = m_database.scalar(u"SELECT COUNT(*) FROM fhir_resources WHERE deleted = 0"_s);
    if (!count)
        return count.error();
    return count.value().toInt();
}
