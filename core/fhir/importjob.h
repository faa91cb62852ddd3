// SPDX-License-Identifier: Apache-2.0
#pragma once

// One import of FHIR files into the store, done a chunk at a time so that whoever runs it (a
// worker thread, or the event loop when the database is ":memory:") can report progress and stop
// between chunks. A chunk is one transaction. Bundle fullUrls and conditional references
// ("Practitioner?identifier=...") become "Type/id" as a FHIR server's transaction makes them.
// A chunk the database refuses is retried resource by resource, so a bad resource costs only itself.

#include "fhir/importsource.h"
#include "fhir/importsummary.h"
#include "result.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class Clock;
class Database;
class FhirService;
class PeopleStore;

class ImportJob final
{
    Q_DISABLE_COPY_MOVE(ImportJob)

public:
    struct Options
    {
        int chunkSize = 500; // resources per transaction
        qint64 maxDocumentBytes = 128 * 1024 * 1024; // the largest Bundle or JSON file read whole
    };

    // Every resource written gets `nowMs` as its lastUpdated. Folders in `paths` stand for the
    // FHIR files in them (FhirImport::expandPaths).
    ImportJob(const Database &database, const Clock &clock, const QStringList &paths, qint64 nowMs, Options options);
    ~ImportJob();

    // Opens the next file or imports the next chunk of the current one; false when all is done.
    bool step();
    // Ends the job early (cancelled) or after the last step: the summary, with the duration.
    ImportSummary finish(bool cancelled);

    qint64 bytesDone() const;
    qint64 bytesTotal() const { return m_bytesTotal; }
    int resourcesDone() const { return m_resourcesDone; }

private:
    enum class Note { NotInBundle, NoSingleMatch };
    struct NoteCount
    {
        int count = 0;
        QStringList examples;
    };
    // What one chunk did; merged into the file's result when its transaction committed.
    struct ChunkOutcome
    {
        QMap<QString, int> imported;
        int deleted = 0;
        int unchanged = 0;
        QList<QPair<qint64, QString>> rejected; // position, reason
        QMap<Note, NoteCount> notes; // how often, with some of the references
    };

    void openNextFile();
    void finishFile();
    void importChunk(const QList<FhirImport::Item> &items);
    Status writeItems(const QList<FhirImport::Item> &items, ChunkOutcome *outcome);
    Status writeItem(const FhirImport::Item &item, ChunkOutcome *outcome);
    Status flushBatch();
    Status rewriteReferences(QJsonObject *resource, ChunkOutcome *outcome);
    Result<std::optional<QString>> resolve(const QString &type, const QString &query) const;
    void merge(const ChunkOutcome &outcome);
    void reject(qint64 position, const QString &reason);

    const Database &m_database;
    std::unique_ptr<PeopleStore> m_people;
    std::unique_ptr<FhirService> m_fhir;
    QStringList m_files;
    qint64 m_nowMs;
    Options m_options;
    QElapsedTimer m_elapsed;

    qsizetype m_nextFile = 0;
    std::unique_ptr<FhirImport::Source> m_source;
    ImportFileResult m_current;
    QMap<Note, NoteCount> m_notes;
    QHash<QString, QString> m_fullUrls; // the current Bundle's fullUrl -> "Type/id"
    QHash<QString, QString> m_conditionals; // "Type?query" -> "Type/id", as found
    QSet<QString> m_stored; // "Type/id" already in the store, in the chunk being written
    QList<QJsonObject> m_batch; // new resources waiting for one multi-row insert
    int m_failuresInARow = 0;
    ImportSummary m_summary;
    qint64 m_bytesBefore = 0; // the sizes of the files done
    qint64 m_bytesTotal = 0;
    int m_resourcesDone = 0;
    bool m_done = false;
};
