// SPDX-License-Identifier: Apache-2.0
#include "fhirservice.h"

#include "clock.h"
#include "fhir/fhirjson.h"
#include "fhir/fhirsearch.h"
#include "fhir/fhirtypes.h"
#include "fhir/searchindex.h"
#include "oauth/people.h"
#include "oauth/secrets.h"
#include "storage/peoplestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QUrl>

using namespace Qt::StringLiterals;
using Fhir::AccessPolicy;
using Fhir::Interaction;

namespace {

constexpr int s_everythingLimit = 10'000;

Error notFound(const QString &description)
{
    return Error{ErrorKind::NotFound, u"not_found"_s, description};
}

Error unknownType(const QString &type)
{
    return notFound(u"%1 is not a resource type the sandbox serves (its CapabilityStatement lists them)"_s.arg(type));
}

FhirAnswer resourceAnswer(const StoredResource &resource, int status = 200)
{
    FhirAnswer answer;
    answer.status = status;
    answer.body = resource.content;
    answer.versionId = resource.versionId;
    answer.lastModifiedMs = resource.lastUpdatedMs;
    return answer;
}

QString encodeQuery(const QList<QPair<QString, QString>> &items)
{
    QStringList parts;
    for (const auto &[name, value] : items) {
        parts.append(QString::fromUtf8(QUrl::toPercentEncoding(name, "_:-.")) + u'='
                     + QString::fromUtf8(QUrl::toPercentEncoding(value, "|,:/-._")));
    }
    return parts.join(u'&');
}

QString pageLink(const QString &base, const Fhir::SearchRequest &request, int offset)
{
    QList<QPair<QString, QString>> items = request.used;
    bool hasCount = false;
    for (const auto &item : std::as_const(items))
        hasCount = hasCount || item.first == u"_count";
    if (!hasCount)
        items.append({u"_count"_s, QString::number(request.count)});
    if (offset > 0)
        items.append({QString(Fhir::s_offsetParameter), QString::number(offset)});
    return base + u'/' + request.type + u'?' + encodeQuery(items);
}

} // namespace

FhirService::FhirService(const Database &database, const Clock &clock, const PeopleStore &people)
    : m_store(database), m_clock(clock), m_people(people)
{ }

Status FhirService::checkResource(const QJsonObject &resource, const QString &expectedType)
{
    const QJsonValue typeValue = resource.value(u"resourceType"_s);
    if (!typeValue.isString())
        return badRequest(u"invalid"_s, u"The resource has no resourceType"_s);
    const QString type = typeValue.toString();
    if (!expectedType.isEmpty() && type != expectedType)
        return badRequest(u"invalid"_s, u"The body is a %1, but the URL names %2"_s.arg(type, expectedType));
    if (!Fhir::isSupportedType(type))
        return badRequest(
            u"not_supported"_s,
            u"%1 is not a resource type the sandbox stores (its CapabilityStatement lists them)"_s.arg(type));
    const QJsonValue id = resource.value(u"id"_s);
    if (!id.isUndefined() && (!id.isString() || !Fhir::isValidId(id.toString())))
        return badRequest(u"invalid"_s, u"The resource id must be 1 to 64 of A-Z, a-z, 0-9, '-' and '.'"_s);
    const QJsonValue meta = resource.value(u"meta"_s);
    if (!meta.isUndefined() && !meta.isObject())
        return badRequest(u"invalid"_s, u"meta must be an object"_s);
    return Done{};
}

Status FhirService::syncPatient(const QJsonObject &patient) const
{
    if (patient.value(u"resourceType"_s).toString() != u"Patient")
        return Done{};
    QString display;
    const QJsonObject name = patient.value(u"name"_s).toArray().first().toObject();
    if (name.value(u"text"_s).isString()) {
        display = name.value(u"text"_s).toString();
    } else {
        QStringList parts;
        for (const QJsonValue &given : name.value(u"given"_s).toArray())
            parts.append(given.toString());
        parts.append(name.value(u"family"_s).toString());
        display = parts.join(u' ').simplified();
    }
    const QString id = patient.value(u"id"_s).toString();
    if (display.isEmpty())
        display = id;
    return m_people.savePatient(
        Patient{id, display, patient.value(u"birthDate"_s).toString(), patient.value(u"gender"_s).toString()});
}

Result<std::optional<StoredResource>> FhirService::visible(const AccessPolicy &policy, const QString &type,
                                                           const QString &id, Interaction interaction) const
{
    Result<QList<SqlCondition>> conditions = policy.conditions(type, interaction);
    if (!conditions)
        return conditions.error();
    StoreQuery query{type, conditions.value(), {}, {}, 1, 0};
    query.conditions.append(SqlCondition{u"r.resource_id = ?"_s, {id}});
    Result<QList<StoredResource>> found = m_store.find(query);
    if (!found)
        return found.error();
    if (found.value().isEmpty())
        return std::optional<StoredResource>();
    return std::optional<StoredResource>(found.value().first());
}

Result<QList<StoredResource>> FhirService::visibleMany(const AccessPolicy &policy, const QStringList &references) const
{
    QHash<QString, QStringList> idsByType;
    for (const QString &reference : references)
        idsByType[reference.section(u'/', 0, 0)].append(reference.section(u'/', 1));
    QList<StoredResource> resources;
    for (auto it = idsByType.cbegin(); it != idsByType.cend(); ++it) {
        if (!policy.mayRead(it.key()))
            continue;
        Result<QList<SqlCondition>> conditions = policy.conditions(it.key(), Interaction::Read);
        if (!conditions)
            continue;
        QStringList ids = it.value();
        ids.removeDuplicates();
        for (qsizetype start = 0; start < ids.size(); start += 200) {
            const QStringList chunk = ids.mid(start, 200);
            StoreQuery query{it.key(), conditions.value(), {}, {}, static_cast<int>(chunk.size()), 0};
            query.conditions.append(
                SqlCondition{u"r.resource_id IN (%1)"_s.arg(QStringList(chunk.size(), u"?"_s).join(u", "_s)),
                             QVariantList(chunk.cbegin(), chunk.cend())});
            Result<QList<StoredResource>> found = m_store.find(query);
            if (!found)
                return found.error();
            resources += found.value();
        }
    }
    return resources;
}

Result<FhirAnswer> FhirService::notVisible(const AccessPolicy &policy, const QString &type, const QString &id) const
{
    // A deleted resource is 410 Gone on the open endpoint; behind a token, whatever the caller
    // may not see is simply not there.
    if (policy.isOpen()) {
        Result<std::optional<StoredResource>> current = m_store.read(type, id);
        if (!current)
            return current.error();
        if (current.value() && current.value()->deleted) {
            FhirAnswer gone;
            gone.status = 410;
            gone.body = Fhir::operationOutcome(u"error"_s, u"deleted"_s, u"%1/%2 was deleted"_s.arg(type, id));
            gone.versionId = current.value()->versionId;
            gone.lastModifiedMs = current.value()->lastUpdatedMs;
            return gone;
        }
    }
    return notFound(
        u"There is no %1/%2%3"_s.arg(type, id, policy.isOpen() ? QString() : u" that this token may read"_s));
}

Result<FhirAnswer> FhirService::read(const AccessPolicy &policy, const QString &type, const QString &id) const
{
    if (!Fhir::isSupportedType(type))
        return unknownType(type);
    if (!Fhir::isValidId(id))
        return notFound(u"'%1' is not a FHIR id, so there is no %2 with it"_s.arg(id, type));
    Result<std::optional<StoredResource>> found = visible(policy, type, id, Interaction::Read);
    if (!found)
        return found.error();
    if (!found.value())
        return notVisible(policy, type, id);
    return resourceAnswer(*found.value());
}

Result<FhirAnswer> FhirService::vread(const AccessPolicy &policy, const QString &type, const QString &id,
                                      const QString &versionId) const
{
    Result<FhirAnswer> current = read(policy, type, id);
    if (!current)
        return current;
    bool ok = false;
    const int number = versionId.toInt(&ok);
    if (!ok || number < 1)
        return notFound(u"'%1' is not a version of %2/%3"_s.arg(versionId, type, id));
    Result<std::optional<StoredResource>> version = m_store.version(type, id, number);
    if (!version)
        return version.error();
    if (!version.value())
        return notFound(u"%1/%2 has no version %3"_s.arg(type, id, versionId));
    if (version.value()->deleted) {
        FhirAnswer gone;
        gone.status = 410;
        gone.body = Fhir::operationOutcome(u"error"_s, u"deleted"_s,
                                           u"Version %1 of %2/%3 is its deletion"_s.arg(versionId, type, id));
        return gone;
    }
    return resourceAnswer(*version.value());
}

Result<FhirAnswer> FhirService::history(const AccessPolicy &policy, const QString &type, const QString &id,
                                        const QString &base) const
{
    Result<FhirAnswer> current = read(policy, type, id);
    if (!current)
        return current;
    Result<QList<StoredResource>> versions = m_store.history(type, id);
    if (!versions)
        return versions.error();
    QJsonArray entries;
    for (const StoredResource &version : versions.value())
        entries.append(Fhir::historyEntry(base, version, version.versionId == 1));
    FhirAnswer answer;
    answer.body = Fhir::bundle(u"history"_s, entries, {{u"self"_s, base + u'/' + type + u'/' + id + u"/_history"_s}},
                               static_cast<int>(versions.value().size()));
    return answer;
}

Result<FhirAnswer> FhirService::search(const AccessPolicy &policy, const QString &type,
                                       const QList<QPair<QString, QString>> &parameters, const QString &base,
                                       bool strict) const
{
    if (!Fhir::isSupportedType(type))
        return unknownType(type);
    Result<Fhir::SearchRequest> parsed = Fhir::parseSearch(type, parameters, strict);
    if (!parsed)
        return parsed.error();
    const Fhir::SearchRequest &request = parsed.value();
    Result<QList<SqlCondition>> policyConditions = policy.conditions(type, Interaction::Search);
    if (!policyConditions)
        return policyConditions.error();
    StoreQuery query{type,
                     request.conditions + policyConditions.value(),
                     request.orderBy,
                     request.orderValues,
                     request.count,
                     request.offset};
    Result<int> total = m_store.count(query);
    if (!total)
        return total.error();
    FhirAnswer answer;
    answer.findings = request.ignored;
    QList<Fhir::BundleLink> links{{u"self"_s, pageLink(base, request, request.offset)}};
    if (request.summaryCount) {
        answer.body = Fhir::bundle(u"searchset"_s, {}, links, total.value());
        return answer;
    }
    Result<QList<StoredResource>> matches = m_store.find(query);
    if (!matches)
        return matches.error();
    if (request.count > 0 && request.offset + request.count < total.value())
        links.append({u"next"_s, pageLink(base, request, request.offset + request.count)});
    if (request.offset > 0)
        links.append({u"previous"_s, pageLink(base, request, std::max(0, request.offset - request.count))});

    QJsonArray entries;
    QStringList ids;
    QSet<QString> seen;
    for (const StoredResource &match : matches.value()) {
        entries.append(Fhir::searchEntry(base, match.content, u"match"_s));
        ids.append(match.id);
        seen.insert(match.reference());
    }
    QStringList included;
    for (const Fhir::Include &include : request.includes) {
        Result<QStringList> references = m_store.referenceValues(type, ids, include.parameter);
        if (!references)
            return references.error();
        for (const QString &reference : references.value()) {
            if (include.targetType.isEmpty() || reference.startsWith(include.targetType + u'/'))
                included.append(reference);
        }
    }
    QList<StoredResource> extra;
    if (!included.isEmpty()) {
        Result<QList<StoredResource>> found = visibleMany(policy, included);
        if (!found)
            return found.error();
        extra += found.value();
    }
    for (const Fhir::Include &include : request.revIncludes) {
        if (ids.isEmpty() || !policy.mayRead(include.sourceType))
            continue;
        QStringList targets;
        for (const QString &id : std::as_const(ids))
            targets.append(type + u'/' + id);
        Result<SqlCondition> pointing = Fhir::condition(include.sourceType, include.parameter, targets.join(u','));
        Result<QList<SqlCondition>> conditions = policy.conditions(include.sourceType, Interaction::Read);
        if (!pointing || !conditions)
            continue;
        Result<QList<StoredResource>> found = m_store.find(
            StoreQuery{include.sourceType, conditions.value() << pointing.value(), {}, {}, Fhir::s_maxCount, 0});
        if (!found)
            return found.error();
        extra += found.value();
    }
    for (const StoredResource &resource : std::as_const(extra)) {
        if (seen.contains(resource.reference()))
            continue;
        seen.insert(resource.reference());
        entries.append(Fhir::searchEntry(base, resource.content, u"include"_s));
    }
    if (!request.ignored.isEmpty()) {
        QJsonObject outcome
            = Fhir::operationOutcome(u"warning"_s, u"not-supported"_s, u"Ignored: "_s + request.ignored.join(u"; "_s));
        entries.append(QJsonObject{{u"resource"_s, outcome}, {u"search"_s, QJsonObject{{u"mode"_s, u"outcome"_s}}}});
    }
    answer.body = Fhir::bundle(u"searchset"_s, entries, links, total.value());
    return answer;
}

Result<FhirAnswer> FhirService::everything(const AccessPolicy &policy, const QString &patientId,
                                           const QString &base) const
{
    Result<FhirAnswer> patient = read(policy, u"Patient"_s, patientId);
    if (!patient)
        return patient;
    if (patient.value().status != 200)
        return patient;
    QJsonArray entries{Fhir::searchEntry(base, patient.value().body, u"match"_s)};
    QSet<QString> seen{u"Patient/"_s + patientId};
    QStringList shared;
    for (const Fhir::ResourceDefinition &definition : Fhir::resourceDefinitions()) {
        if (definition.compartmentParameters.isEmpty() || !policy.mayRead(definition.type))
            continue;
        Result<QList<SqlCondition>> conditions = policy.conditions(definition.type, Interaction::Read);
        if (!conditions)
            continue;
        StoreQuery query{definition.type, conditions.value(), {}, {}, s_everythingLimit, 0};
        query.conditions.append(Fhir::compartmentCondition(definition.type, {patientId}, false));
        Result<QList<StoredResource>> found = m_store.find(query);
        if (!found)
            return found.error();
        QStringList ids;
        for (const StoredResource &resource : found.value()) {
            entries.append(Fhir::searchEntry(base, resource.content, u"match"_s));
            seen.insert(resource.reference());
            ids.append(resource.id);
        }
        if (ids.isEmpty())
            continue;
        // The shared resources they point at: medications, practitioners, organizations.
        for (const Fhir::SearchParameter &parameter : definition.parameters) {
            if (parameter.type != Fhir::ParameterType::Reference)
                continue;
            Result<QStringList> references = m_store.referenceValues(definition.type, ids, parameter.name);
            if (!references)
                return references.error();
            for (const QString &reference : references.value()) {
                const Fhir::ResourceDefinition *target = Fhir::definition(reference.section(u'/', 0, 0));
                if (target && target->compartmentParameters.isEmpty() && target->type != u"Patient")
                    shared.append(reference);
            }
        }
    }
    // The patient's own references (general practitioner, managing organization).
    Result<QStringList> own = m_store.referenceValues(u"Patient"_s, {patientId}, u"general-practitioner"_s);
    Result<QStringList> organization = m_store.referenceValues(u"Patient"_s, {patientId}, u"organization"_s);
    if (own && organization)
        shared += own.value() + organization.value();
    shared.removeDuplicates();
    Result<QList<StoredResource>> found = visibleMany(policy, shared);
    if (!found)
        return found.error();
    for (const StoredResource &resource : found.value()) {
        if (!seen.contains(resource.reference()))
            entries.append(Fhir::searchEntry(base, resource.content, u"match"_s));
    }
    FhirAnswer answer;
    answer.body
        = Fhir::bundle(u"searchset"_s, entries, {{u"self"_s, base + u"/Patient/"_s + patientId + u"/$everything"_s}},
                       static_cast<int>(entries.size()));
    return answer;
}

namespace {

Result<QJsonObject> parseBody(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return badRequest(u"invalid"_s,
                          u"The body is not valid JSON: %1 at offset %2"_s.arg(error.errorString()).arg(error.offset));
    if (!document.isObject())
        return badRequest(u"invalid"_s, u"The body must be a JSON object (a FHIR resource)"_s);
    return document.object();
}

} // namespace

Result<FhirAnswer> FhirService::write(const AccessPolicy &policy, QJsonObject resource, bool exists,
                                      const QString &base) const
{
    if (Status allowed = policy.allowsWrite(resource, exists ? Interaction::Update : Interaction::Create); !allowed)
        return allowed.error();
    Result<StoredResource> stored = m_store.put(std::move(resource), m_clock.nowMs());
    if (!stored)
        return stored.error();
    if (Status synced = syncPatient(stored.value().content); !synced)
        return synced.error();
    FhirAnswer answer = resourceAnswer(stored.value(), exists ? 200 : 201);
    answer.location
        = base + u'/' + stored.value().reference() + u"/_history/"_s + QString::number(stored.value().versionId);
    return answer;
}

Result<FhirAnswer> FhirService::create(const AccessPolicy &policy, const QString &type, const QByteArray &body,
                                       const QString &base) const
{
    if (!Fhir::isSupportedType(type))
        return unknownType(type);
    Result<QJsonObject> resource = parseBody(body);
    if (!resource)
        return resource.error();
    QJsonObject object = resource.value();
    object.remove(u"id"_s); // the server chooses the id of a created resource
    if (Status checked = checkResource(object, type); !checked)
        return checked.error();
    object.insert(u"id"_s, Secrets::randomUuid());
    return write(policy, object, false, base);
}

Result<FhirAnswer> FhirService::update(const AccessPolicy &policy, const QString &type, const QString &id,
                                       const QByteArray &body, const QByteArray &ifMatch, const QString &base) const
{
    if (!Fhir::isSupportedType(type))
        return unknownType(type);
    if (!Fhir::isValidId(id))
        return badRequest(u"invalid"_s, u"'%1' is not a FHIR id"_s.arg(id));
    Result<QJsonObject> resource = parseBody(body);
    if (!resource)
        return resource.error();
    if (Status checked = checkResource(resource.value(), type); !checked)
        return checked.error();
    if (resource.value().value(u"id"_s).toString() != id)
        return badRequest(u"invalid"_s, u"The resource's id must be %1, the id in the URL"_s.arg(id));
    Result<std::optional<StoredResource>> current = m_store.read(type, id);
    if (!current)
        return current.error();
    const bool exists = current.value() && !current.value()->deleted;
    if (exists) {
        Result<std::optional<StoredResource>> mine = visible(policy, type, id, Interaction::Update);
        if (!mine)
            return mine.error();
        if (!mine.value())
            return notFound(u"There is no %1/%2 that this token may update"_s.arg(type, id));
    }
    if (!ifMatch.isEmpty()) {
        const int currentVersion = current.value() ? current.value()->versionId : 0;
        if (ifMatch != Fhir::etag(currentVersion) && ifMatch != "\"" + QByteArray::number(currentVersion) + '"')
            return Error{ErrorKind::Conflict, u"precondition_failed"_s,
                         u"If-Match %1 does not match the current version %2"_s.arg(
                             QString::fromLatin1(ifMatch), QString::fromLatin1(Fhir::etag(currentVersion)))};
    }
    return write(policy, resource.value(), exists, base);
}

Result<FhirAnswer> FhirService::remove(const AccessPolicy &policy, const QString &type, const QString &id) const
{
    if (!Fhir::isSupportedType(type))
        return unknownType(type);
    Result<std::optional<StoredResource>> mine = visible(policy, type, id, Interaction::Delete);
    if (!mine)
        return mine.error();
    if (!mine.value())
        return notVisible(policy, type, id);
    if (Status allowed = policy.allowsWrite(mine.value()->content, Interaction::Delete); !allowed)
        return allowed.error();
    Result<std::optional<StoredResource>> removed = m_store.remove(type, id, m_clock.nowMs());
    if (!removed)
        return removed.error();
    FhirAnswer answer;
    answer.status = 204;
    return answer;
}
