// SPDX-License-Identifier: Apache-2.0
#include "importsource.h"

#include "fhir/fhirtypes.h"
#include "fhir/searchindex.h"
#include "oauth/secrets.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace FhirImport {

QString Source::where(qint64 position) const
{
    return position < 0 ? QString() : u"line %1"_s.arg(position);
}

namespace {

// "unterminated object at line 3, column 7" for a parse error at a byte offset of `text`.
QString parseProblem(const QJsonParseError &error, const QByteArray &text)
{
    const qsizetype offset = std::clamp<qsizetype>(error.offset, 0, text.size());
    const QByteArrayView before(text.constData(), offset);
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return u"not valid JSON: %1 at line %2, column %3"_s.arg(error.errorString()).arg(line).arg(column);
}

// The id a Bundle entry's fullUrl implies for a resource of `type`: the uuid of "urn:uuid:...",
// the id of ".../Type/id"; empty when none.
QString idFromFullUrl(const QString &fullUrl, const QString &type)
{
    if (fullUrl.startsWith(u"urn:uuid:"_s)) {
        const QString uuid = fullUrl.mid(9).toLower();
        return Fhir::isValidId(uuid) ? uuid : QString();
    }
    const QString reference = Fhir::normalizeReference(fullUrl);
    if (reference.section(u'/', 0, 0) != type)
        return {};
    return reference.section(u'/', 1, 1);
}

class NdjsonSource final : public Source
{
public:
    explicit NdjsonSource(std::unique_ptr<QFile> file) : m_file(std::move(file)) { }

    QString format() const override { return u"ndjson"_s; }
    qint64 bytesDone() const override { return m_file->pos(); }
    QString readError() const override { return m_readError; }

    std::optional<Item> next() override
    {
        while (!m_file->atEnd()) {
            const QByteArray line = m_file->readLine().trimmed();
            ++m_line;
            if (m_file->error() != QFileDevice::NoError) {
                m_readError = m_file->errorString();
                return std::nullopt;
            }
            if (line.isEmpty())
                continue;
            Item item;
            item.position = m_line;
            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
            if (parseError.error != QJsonParseError::NoError) {
                item.error
                    = u"not valid JSON: %1 at column %2"_s.arg(parseError.errorString()).arg(parseError.offset + 1);
            } else if (!document.isObject()) {
                item.error = u"not a FHIR resource (a JSON object)"_s;
            } else {
                item.resource = document.object();
                if (item.resource.value(u"resourceType"_s).toString() == u"Bundle")
                    item.error = u"a Bundle on one line of NDJSON is not unpacked; import it as a file of its own"_s;
                else if (!item.resource.contains(u"id"_s))
                    item.resource.insert(u"id"_s, Secrets::randomUuid());
            }
            return item;
        }
        return std::nullopt;
    }

private:
    std::unique_ptr<QFile> m_file;
    qint64 m_line = 0;
    QString m_readError;
};

class ResourceSource final : public Source
{
public:
    ResourceSource(QJsonObject resource, qint64 size) : m_resource(std::move(resource)), m_size(size) { }

    QString format() const override { return m_resource.isEmpty() ? u"empty"_s : u"resource"_s; }
    qint64 bytesDone() const override { return m_done ? m_size : 0; }

    std::optional<Item> next() override
    {
        if (m_done || m_resource.isEmpty())
            return std::nullopt;
        m_done = true;
        Item item;
        item.resource = m_resource;
        if (!item.resource.contains(u"id"_s))
            item.resource.insert(u"id"_s, Secrets::randomUuid());
        return item;
    }

private:
    QJsonObject m_resource;
    qint64 m_size = 0;
    bool m_done = false;
};

class BundleSource final : public Source
{
public:
    BundleSource(const QJsonObject &bundle, qint64 size, const ConditionalResolver &resolve)
        : m_type(bundle.value(u"type"_s).toString()), m_entries(bundle.value(u"entry"_s).toArray()), m_size(size)
    {
        m_planned.reserve(m_entries.size());
        for (qsizetype index = 0; index < m_entries.size(); ++index) {
            const QJsonObject entry = m_entries.at(index).toObject();
            std::optional<Item> item = plan(entry, resolve);
            if (item) {
                item->position = index;
                const QString fullUrl = entry.value(u"fullUrl"_s).toString();
                if (item->error.isEmpty() && !fullUrl.isEmpty() && item->action != Action::Delete)
                    m_references.insert(fullUrl, item->type + u'/' + item->id);
            }
            m_planned.append(item); // the resource is taken from m_entries when it is its turn
        }
    }

    QString format() const override { return u"bundle (%1)"_s.arg(m_type); }
    QString where(qint64 position) const override { return u"entry[%1]"_s.arg(position); }
    QHash<QString, QString> references() const override { return m_references; }
    qint64 bytesDone() const override { return m_entries.isEmpty() ? m_size : m_size * m_next / m_entries.size(); }

    std::optional<Item> next() override
    {
        while (m_next < m_planned.size()) {
            std::optional<Item> item = m_planned.at(m_next);
            const QJsonObject entry = m_entries.at(m_next).toObject();
            m_entries[m_next] = QJsonValue(); // what was handed out is not kept twice
            ++m_next;
            if (!item)
                continue;
            if (item->action == Action::Write && item->error.isEmpty()) {
                item->resource = entry.value(u"resource"_s).toObject();
                item->resource.insert(u"id"_s, item->id);
            }
            return item;
        }
        return std::nullopt;
    }

private:
    // What an entry asks for, with the id it gets; nothing for a searchset's OperationOutcome.
    std::optional<Item> plan(const QJsonObject &entry, const ConditionalResolver &resolve) const
    {
        Item item;
        const QJsonObject resource = entry.value(u"resource"_s).toObject();
        const QJsonObject request = entry.value(u"request"_s).toObject();
        const QString method = request.value(u"method"_s).toString().toUpper();
        const QString url = request.value(u"url"_s).toString().section(u'?', 0, 0);
        const QString query = request.value(u"url"_s).toString().section(u'?', 1);
        const QString resourceType = resource.value(u"resourceType"_s).toString();
        if (m_type == u"searchset"
            && (entry.value(u"search"_s).toObject().value(u"mode"_s).toString() == u"outcome"
                || resourceType == u"OperationOutcome"))
            return std::nullopt;
        if (method == u"DELETE") {
            item.action = Action::Delete;
            const QString reference = Fhir::normalizeReference(url);
            if (!query.isEmpty())
                item.error = u"a conditional delete (%1) is not imported"_s.arg(request.value(u"url"_s).toString());
            else if (reference.isEmpty())
                item.error = u"request.url '%1' does not name a Type/id to delete"_s.arg(url);
            item.type = reference.section(u'/', 0, 0);
            item.id = reference.section(u'/', 1, 1);
            return item;
        }
        if (!method.isEmpty() && method != u"PUT" && method != u"POST") {
            item.error = u"request.method %1 is not imported (only PUT, POST and DELETE)"_s.arg(method);
            return item;
        }
        if (!entry.value(u"resource"_s).isObject() || resourceType.isEmpty()) {
            item.error = u"the entry has no resource with a resourceType"_s;
            return item;
        }
        item.type = resourceType;
        const QString urlReference = Fhir::normalizeReference(url);
        const QString urlType = urlReference.isEmpty() ? url.section(u'/', -1, -1) : urlReference.section(u'/', 0, 0);
        if (!url.isEmpty() && urlType != resourceType) {
            item.error = u"request.url names %1, but the resource is a %2"_s.arg(urlType, resourceType);
            return item;
        }
        const QString ownId = resource.value(u"id"_s).toString();
        if (method == u"PUT" && query.isEmpty()) {
            if (urlReference.isEmpty()) {
                item.error = u"request.url '%1' does not name a %2 to update"_s.arg(url, resourceType);
                return item;
            }
            item.id = urlReference.section(u'/', 1, 1);
            if (resource.contains(u"id"_s) && ownId != item.id)
                item.error = u"the resource's id '%1' differs from request.url's '%2'"_s.arg(ownId, item.id);
            return item;
        }
        // A conditional update (PUT Type?query) or create (POST with ifNoneExist).
        const QString condition = method == u"PUT" ? query : request.value(u"ifNoneExist"_s).toString();
        if (!condition.isEmpty()) {
            Result<std::optional<QString>> found = resolve(resourceType, condition);
            if (!found) {
                item.error = u"%1 %2?%3: %4"_s.arg(method == u"PUT" ? u"conditional update"_s : u"ifNoneExist"_s,
                                                   resourceType, condition, found.error().description);
                return item;
            }
            if (found.value()) {
                item.id = *found.value();
                if (method == u"POST")
                    item.action = Action::Keep;
                return item;
            }
        }
        item.id = !ownId.isEmpty() && resource.value(u"id"_s).isString()
            ? ownId
            : idFromFullUrl(entry.value(u"fullUrl"_s).toString(), resourceType);
        if (resource.contains(u"id"_s) && !resource.value(u"id"_s).isString())
            item.error = u"The resource id must be 1 to 64 of A-Z, a-z, 0-9, '-' and '.'"_s;
        if (item.id.isEmpty())
            item.id = Secrets::randomUuid();
        return item;
    }

    QString m_type;
    QJsonArray m_entries;
    qint64 m_size = 0;
    qsizetype m_next = 0;
    QList<std::optional<Item>> m_planned;
    QHash<QString, QString> m_references;
};

// Whether the file holds NDJSON: its first line is a whole JSON object and more follows it.
bool looksLikeNdjson(QFile &file)
{
    QByteArray first = file.readLine(64 * 1024 * 1024).trimmed();
    if (first.startsWith("\xEF\xBB\xBF")) // a UTF-8 byte order mark, which QJsonDocument skips
        first.remove(0, 3);
    bool ndjson = false;
    if (first.startsWith('{') && QJsonDocument::fromJson(first).isObject()) {
        while (!file.atEnd() && !ndjson)
            ndjson = !file.read(4096).trimmed().isEmpty();
    }
    file.seek(0);
    return ndjson;
}

} // namespace

Result<std::unique_ptr<Source>> openSource(const QString &path, qint64 maxDocumentBytes,
                                           const ConditionalResolver &resolve)
{
    const QFileInfo info(path);
    if (info.isDir())
        return badRequest(u"unreadable"_s, u"is a folder with no .json, .ndjson or .jsonl files"_s);
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::ReadOnly))
        return badRequest(u"unreadable"_s, u"cannot be opened: %1"_s.arg(file->errorString()));
    const QString suffix = info.suffix().toLower();
    if (suffix == u"ndjson"_s || suffix == u"jsonl"_s || looksLikeNdjson(*file))
        return std::unique_ptr<Source>(new NdjsonSource(std::move(file)));

    const qint64 size = file->size();
    if (size > maxDocumentBytes)
        return badRequest(u"too_large"_s,
                          u"is %1 MiB; a JSON document is read whole and may be at most %2 MiB: split it, or "
                          "use NDJSON (one resource per line), which has no limit"_s.arg(size / (1024 * 1024))
                              .arg(maxDocumentBytes / (1024 * 1024)));
    const QByteArray text = file->readAll();
    if (file->error() != QFileDevice::NoError)
        return badRequest(u"unreadable"_s, u"cannot be read: %1"_s.arg(file->errorString()));
    if (text.trimmed().isEmpty())
        return std::unique_ptr<Source>(new ResourceSource({}, size));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return badRequest(u"not_json"_s, u"is "_s + parseProblem(parseError, text));
    if (!document.isObject())
        return badRequest(u"not_fhir"_s, u"is not a FHIR resource or Bundle (a JSON object)"_s);
    const QJsonObject object = document.object();
    if (object.value(u"resourceType"_s).toString() != u"Bundle")
        return std::unique_ptr<Source>(new ResourceSource(object, size));
    static const QStringList types{u"transaction"_s, u"batch"_s, u"collection"_s, u"searchset"_s};
    const QString type = object.value(u"type"_s).toString();
    if (!types.contains(type))
        return badRequest(u"not_supported"_s,
                          u"is a Bundle of type '%1'; import reads transaction, batch, collection and searchset "
                          "Bundles"_s.arg(type));
    return std::unique_ptr<Source>(new BundleSource(object, size, resolve));
}

QStringList expandPaths(const QStringList &paths)
{
    QStringList files;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (!info.isDir()) {
            files.append(path);
            continue;
        }
        QStringList found = QDir(path).entryList({u"*.json"_s, u"*.ndjson"_s, u"*.jsonl"_s}, QDir::Files, QDir::Name);
        if (found.isEmpty()) {
            files.append(path); // reported as a folder with nothing to import
            continue;
        }
        const auto shared = [](const QString &name) {
            return name.startsWith(u"hospitalInformation"_s) || name.startsWith(u"practitionerInformation"_s);
        };
        std::stable_partition(found.begin(), found.end(), shared);
        for (const QString &name : std::as_const(found))
            files.append(QDir(path).filePath(name));
    }
    return files;
}

} // namespace FhirImport
