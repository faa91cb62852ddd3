// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reads a FHIR file for import, one resource at a time: NDJSON line by line (never the whole
// file in memory), a Bundle (a JSON document, parsed whole up to a size limit) entry by entry with
// its fullUrls mapped to "Type/id", or a single resource. Each item says what to write and where
// it came from; what is wrong with an item travels with it, so one bad line never stops the rest.

#include "result.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace FhirImport {

enum class Action {
    Write, // store `resource` as a new resource or the next version of it
    Delete, // remove type/id
    Keep, // a conditional create that found its resource already stored
};

struct Item
{
    qint64 position = -1; // NDJSON: line from 1; Bundle: entry index from 0; -1: the whole file
    Action action = Action::Write;
    QJsonObject resource; // Write: with its id
    QString type; // Delete and Keep: the resource meant
    QString id;
    QString error; // not empty: the item is rejected for this reason
};

// Looks up a conditional query ("identifier=sys|123" on a type) in the store: the id of the one
// match, nothing when none matches, an error when several do or the query is not understood.
using ConditionalResolver = std::function<Result<std::optional<QString>>(const QString &type, const QString &query)>;

class Source
{
public:
    Source() = default;
    virtual ~Source() = default;
    Q_DISABLE_COPY_MOVE(Source)

    // "ndjson", "resource", "bundle (transaction)", "empty", ...
    virtual QString format() const = 0;
    // The next item, or nothing at the end of the file (or when reading failed: readError()).
    virtual std::optional<Item> next() = 0;
    // How far through the file, in bytes.
    virtual qint64 bytesDone() const = 0;
    // Where an item came from, for a reader: "line 7", "entry[3]"; empty for a single resource.
    virtual QString where(qint64 position) const;
    // References to rewrite in this file's resources: a Bundle's fullUrls -> "Type/id".
    virtual QHash<QString, QString> references() const { return {}; }
    // Not empty when reading stopped before the end of the file.
    virtual QString readError() const { return {}; }
};

// Opens a file: NDJSON when it is named .ndjson or .jsonl or holds one JSON object per line,
// otherwise a JSON document (a Bundle or one resource) of at most `maxDocumentBytes`. `resolve`
// answers the conditional creates and updates of a transaction or batch.
Result<std::unique_ptr<Source>> openSource(const QString &path, qint64 maxDocumentBytes,
                                           const ConditionalResolver &resolve);

// The files to import from what a user named: a folder stands for its .json, .ndjson and .jsonl
// files, sorted, with Synthea's shared bundles (hospitalInformation*, practitionerInformation*)
// first so that the patient bundles' conditional references find them.
QStringList expandPaths(const QStringList &paths);

} // namespace FhirImport
