// SPDX-License-Identifier: Apache-2.0
#include "importjob.h"

#include "fhir/fhirsearch.h"
#include "fhir/fhirservice.h"
#include "fhir/fhirtypes.h"
#include "storage/database.h"
#include "storage/peoplestore.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QLoggingCategory>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;
using FhirImport::Action;
using FhirImport::Item;

Q_LOGGING_CATEGORY(lcImport, "sandbox.import", QtInfoMsg)

namespace {

// After this many writes in a row that the database refused, it is the database that fails.
constexpr int s_maxFailuresInARow = 10;
constexpr int s_examplesPerNote = 3;

// "Practitioner?identifier=..." as its type and query; nothing for any other reference.
std::optional<std::pair<QString, QString>> conditionalReference(const QString &reference)
{
    const qsizetype question = reference.indexOf(u'?');
    if (question < 2 || question == reference.size() - 1 || !reference.front().isUpper())
        return std::nullopt;
    const QStringView type = QStringView(reference).first(question);
    if (!std::all_of(type.cbegin(), type.cend(), [](QChar c) { return c.isLetter(); }))
        return std::nullopt;
    return std::pair(type.toString(), reference.mid(question + 1));
}

// Calls `visit` on every "reference" string of a resource, at any depth.
template<typename Visit>
void forEachReference(const QJsonValue &value, const Visit &visit)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (it.key() == u"reference" && it.value().isString())
                visit(it.value().toString());
            else if (it.value().isObject() || it.value().isArray())
                forEachReference(it.value(), visit);
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue &element : array)
            forEachReference(element, visit);
    }
}

// A copy of `value` with the references in `replacements` replaced.
QJsonValue replaceReferences(const QJsonValue &value, const QHash<QString, QString> &replacements)
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == u"reference" && it.value().isString()) {
                const auto found = replacements.constFind(it.value().toString());
                if (found != replacements.cend())
                    it.value() = found.value();
            } else if (it.value().isObject() || it.value().isArray()) {
                it.value() = replaceReferences(it.value(), replacements);
            }
        }
        return object;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (auto it = array.begin(); it != array.end(); ++it)
            *it = replaceReferences(*it, replacements);
        return array;
    }
    return value;
}

} // namespace

ImportJob::ImportJob(const Database &database, const Clock &clock, const QStringList &paths, qint64 nowMs,
                     Options options)
    : m_database(database),
      m_people(std::make_unique<PeopleStore>(database)),
      m_fhir(std::make_unique<FhirService>(database, clock, *m_people)),
      m_files(FhirImport::expandPaths(paths)),
      m_nowMs(nowMs),
      m_options(options)
{
    m_elapsed.start();
    for (const QString &file : std::as_const(m_files))
        m_bytesTotal += QFileInfo(file).size();
}

ImportJob::~ImportJob() = default;

qint64 ImportJob::bytesDone() const
{
    return m_bytesBefore + (m_source ? m_source->bytesDone() : 0);
}

bool ImportJob::step()
{
    if (m_done)
        return false;
    if (!m_source) {
        if (m_nextFile >= m_files.size()) {
            m_done = true;
            return false;
        }
        openNextFile();
        return true;
    }
    QList<Item> items;
    items.reserve(m_options.chunkSize);
    bool atEnd = false;
    while (items.size() < m_options.chunkSize) {
        std::optional<Item> item = m_source->next();
        if (!item) {
            atEnd = true;
            break;
        }
        items.append(std::move(*item));
    }
    importChunk(items);
    if (atEnd || m_done)
        finishFile();
    return !m_done;
}

ImportSummary ImportJob::finish(bool cancelled)
{
    if (m_source)
        finishFile();
    m_done = true;
    m_summary.cancelled = cancelled;
    m_summary.durationMs = m_elapsed.elapsed();
    return m_summary;
}

void ImportJob::openNextFile()
{
    const QString path = m_files.at(m_nextFile++);
    m_current = ImportFileResult{};
    m_current.file = path;
    m_notes.clear();
    m_conditionals.clear();
    Result<std::unique_ptr<FhirImport::Source>> opened
        = FhirImport::openSource(path, m_options.maxDocumentBytes,
                                 [this](const QString &type, const QString &query) { return resolve(type, query); });
    if (!opened) {
        m_current.error = opened.error().description;
        m_summary.files.append(m_current);
        m_bytesBefore += QFileInfo(path).size();
        return;
    }
    m_source = std::move(opened).value();
    m_current.format = m_source->format();
    m_fullUrls = m_source->references();
}

void ImportJob::finishFile()
{
    if (const QString problem = m_source->readError(); !problem.isEmpty())
        m_current.error = u"could not be read to the end: %1"_s.arg(problem);
    for (auto it = m_notes.cbegin(); it != m_notes.cend(); ++it) {
        const bool one = it.value().count == 1;
        const QString what = it.key() == Note::NotInBundle
            ? (one ? u"reference points at no entry of the Bundle and was kept as written"_s
                   : u"references point at no entry of the Bundle and were kept as written"_s)
            : (one ? u"conditional reference matched no single resource and was kept as written"_s
                   : u"conditional references matched no single resource and were kept as written"_s);
        m_current.notes.append(
            u"%1 %2 (%3)"_s.arg(QString::number(it.value().count), what, it.value().examples.join(u", "_s)));
    }
    if (m_current.error.isEmpty() && m_current.importedCount() == 0 && m_current.rejectedCount == 0
        && m_current.deleted == 0 && m_current.unchanged == 0)
        m_current.notes.append(u"The file holds no resources."_s);
    m_summary.files.append(m_current);
    m_bytesBefore += QFileInfo(m_current.file).size();
    m_source.reset();
    m_fullUrls.clear();
}

void ImportJob::importChunk(const QList<Item> &items)
{
    ChunkOutcome outcome;
    const Status written = writeItems(items, &outcome);
    if (written) {
        merge(outcome);
        m_failuresInARow = 0;
        return;
    }
    // One of them may be what the database refuses (PostgreSQL takes no \u0000 in text): write
    // them one by one, so that only that one is lost.
    m_conditionals.clear();
    for (const Item &item : items) {
        ChunkOutcome one;
        const Status alone = items.size() == 1 ? written : writeItems({item}, &one);
        if (alone) {
            merge(one);
            if (item.action != Action::Keep && item.error.isEmpty())
                m_failuresInARow = 0;
            continue;
        }
        qCWarning(lcImport).noquote() << "the database refused" << m_current.file << m_source->where(item.position)
                                      << alone.error().description;
        reject(item.position, u"the database refused it: "_s + alone.error().description);
        if (++m_failuresInARow >= s_maxFailuresInARow) {
            m_summary.databaseError = alone.error().description;
            m_done = true;
            return;
        }
    }
}

Status ImportJob::writeItems(const QList<Item> &items, ChunkOutcome *outcome)
{
    return m_database.transaction([&]() -> Status {
        QHash<QString, QStringList> idsByType;
        for (const Item &item : items) {
            if (item.action == Action::Write && item.error.isEmpty())
                idsByType[item.resource.value(u"resourceType"_s).toString()].append(
                    item.resource.value(u"id"_s).toString());
        }
        m_stored.clear();
        m_batch.clear();
        for (auto it = idsByType.cbegin(); it != idsByType.cend(); ++it) {
            if (!Fhir::isSupportedType(it.key()))
                continue;
            Result<QSet<QString>> stored = m_fhir->store().storedIds(it.key(), it.value());
            if (!stored)
                return stored.error();
            for (const QString &id : stored.value())
                m_stored.insert(it.key() + u'/' + id);
        }
        for (const Item &item : items) {
            if (Status status = writeItem(item, outcome); !status)
                return status;
        }
        return flushBatch();
    });
}

Status ImportJob::writeItem(const Item &item, ChunkOutcome *outcome)
{
    if (!item.error.isEmpty()) {
        outcome->rejected.append({item.position, item.error});
        return Done{};
    }
    if (item.action == Action::Keep) {
        ++outcome->unchanged;
        return Done{};
    }
    if (item.action == Action::Delete) {
        if (!Fhir::isSupportedType(item.type) || !Fhir::isValidId(item.id)) {
            outcome->rejected.append({item.position, u"there is no %1/%2 to delete"_s.arg(item.type, item.id)});
            return Done{};
        }
        if (Status flushed = flushBatch(); !flushed)
            return flushed;
        Result<std::optional<StoredResource>> removed = m_fhir->store().remove(item.type, item.id, m_nowMs);
        if (!removed)
            return removed.error();
        if (removed.value())
            ++outcome->deleted;
        return Done{};
    }
    QJsonObject resource = item.resource;
    if (Status checked = FhirService::checkResource(resource); !checked) {
        outcome->rejected.append({item.position, checked.error().description});
        return Done{};
    }
    if (Status rewritten = rewriteReferences(&resource, outcome); !rewritten)
        return rewritten;
    const QString type = resource.value(u"resourceType"_s).toString();
    const QString reference = type + u'/' + resource.value(u"id"_s).toString();
    if (!m_stored.contains(reference)) {
        m_stored.insert(reference);
        m_batch.append(resource);
    } else {
        if (Status flushed = flushBatch(); !flushed)
            return flushed;
        if (Result<StoredResource> put = m_fhir->store().put(resource, m_nowMs); !put)
            return put.error();
    }
    if (type == u"Patient") {
        if (Status synced = m_fhir->syncPatient(resource); !synced)
            return synced;
    }
    ++outcome->imported[type];
    return Done{};
}

Status ImportJob::flushBatch()
{
    if (m_batch.isEmpty())
        return Done{};
    const Status inserted = m_fhir->store().insertNew(m_batch, m_nowMs);
    m_batch.clear();
    return inserted;
}

Status ImportJob::rewriteReferences(QJsonObject *resource, ChunkOutcome *outcome)
{
    QHash<QString, QString> replacements;
    QSet<QString> seen;
    Status status = Done{};
    const auto note = [outcome](Note kind, const QString &reference) {
        NoteCount &count = outcome->notes[kind];
        ++count.count;
        if (count.examples.size() < s_examplesPerNote && !count.examples.contains(reference))
            count.examples.append(reference);
    };
    forEachReference(*resource, [&](const QString &reference) {
        if (!status || seen.contains(reference))
            return;
        seen.insert(reference);
        if (const auto mapped = m_fullUrls.constFind(reference); mapped != m_fullUrls.cend()) {
            replacements.insert(reference, mapped.value());
            return;
        }
        if (reference.startsWith(u"urn:uuid:"_s) || reference.startsWith(u"urn:oid:"_s)) {
            note(Note::NotInBundle, reference);
            return;
        }
        const std::optional<std::pair<QString, QString>> conditional = conditionalReference(reference);
        if (!conditional)
            return;
        if (const auto known = m_conditionals.constFind(reference); known != m_conditionals.cend()) {
            replacements.insert(reference, known.value());
            return;
        }
        // What this chunk wrote so far must be searchable.
        if (status = flushBatch(); !status)
            return;
        Result<std::optional<QString>> found = resolve(conditional->first, conditional->second);
        if (!found && (found.error().kind == ErrorKind::Storage || found.error().kind == ErrorKind::Unavailable)) {
            status = found.error();
        } else if (!found || !found.value()) {
            note(Note::NoSingleMatch, reference);
        } else {
            const QString target = conditional->first + u'/' + *found.value();
            m_conditionals.insert(reference, target);
            replacements.insert(reference, target);
        }
    });
    if (!status)
        return status;
    if (!replacements.isEmpty())
        *resource = replaceReferences(*resource, replacements).toObject();
    return Done{};
}

Result<std::optional<QString>> ImportJob::resolve(const QString &type, const QString &query) const
{
    if (!Fhir::isSupportedType(type))
        return badRequest(u"not_supported"_s, u"%1 is not a resource type the sandbox stores"_s.arg(type));
    Result<QList<SqlCondition>> conditions = Fhir::conditionsFromQuery(type, query);
    if (!conditions)
        return conditions.error();
    Result<QList<StoredResource>> found = m_fhir->store().find(StoreQuery{type, conditions.value(), {}, {}, 2, 0});
    if (!found)
        return found.error();
    if (found.value().size() > 1)
        return badRequest(u"multiple_matches"_s, u"more than one %1 matches"_s.arg(type));
    if (found.value().isEmpty())
        return std::optional<QString>();
    return std::optional<QString>(found.value().first().id);
}

void ImportJob::merge(const ChunkOutcome &outcome)
{
    for (auto it = outcome.imported.cbegin(); it != outcome.imported.cend(); ++it) {
        m_current.imported[it.key()] += it.value();
        m_resourcesDone += it.value();
    }
    m_current.deleted += outcome.deleted;
    m_current.unchanged += outcome.unchanged;
    for (const auto &[position, reason] : outcome.rejected)
        reject(position, reason);
    for (auto it = outcome.notes.cbegin(); it != outcome.notes.cend(); ++it) {
        NoteCount &count = m_notes[it.key()];
        count.count += it.value().count;
        for (const QString &example : it.value().examples) {
            if (count.examples.size() < s_examplesPerNote && !count.examples.contains(example))
                count.examples.append(example);
        }
    }
}

void ImportJob::reject(qint64 position, const QString &reason)
{
    ++m_current.rejectedCount;
    if (m_current.rejected.size() < ImportFileResult::s_maxRejectionsKept)
        m_current.rejected.append(ImportRejection{m_current.file, m_source->where(position), reason});
}
