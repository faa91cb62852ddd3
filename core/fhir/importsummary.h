// SPDX-License-Identifier: Apache-2.0
#pragma once

// What an import of FHIR files did, file by file: resources imported per type, the ones rejected
// with where and why, notes, and the files that could not be read at all. The command line prints
// it; the window shows it.

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

struct ImportRejection
{
    QString file;
    QString where; // "line 7" (NDJSON), "entry[3]" (Bundle), or empty for a single resource
    QString reason;
};

struct ImportFileResult
{
    // At most this many rejections are kept per file (rejectedCount counts them all).
    static constexpr int s_maxRejectionsKept = 1000;

    QString file;
    QString format; // "ndjson", "resource", "bundle (transaction)", ...
    QMap<QString, int> imported; // resource type -> resources written (created or new version)
    int deleted = 0; // DELETE entries of a transaction or batch that removed a resource
    int unchanged = 0; // conditional creates (ifNoneExist) that found the resource already there
    int rejectedCount = 0;
    QList<ImportRejection> rejected; // the first s_maxRejectionsKept
    QStringList notes; // what was imported with a caveat, e.g. references that matched nothing
    // Not empty: what kept the file from being imported, said of the file, to follow its name:
    // "cannot be opened: No such file or directory", "is not valid JSON: ...".
    QString error;

    int importedCount() const
    {
        int total = 0;
        for (const int count : imported)
            total += count;
        return total;
    }
};

struct ImportSummary
{
    QList<ImportFileResult> files;
    qint64 durationMs = 0;
    bool cancelled = false; // cancel() stopped it: what was written before stays
    bool onWorkerThread = false; // false: it ran on the caller's thread (":memory:", importFiles())
    QString databaseError; // not empty: the database failed and the import stopped

    int imported() const
    {
        int total = 0;
        for (const ImportFileResult &file : files)
            total += file.importedCount();
        return total;
    }
    int rejected() const
    {
        int total = 0;
        for (const ImportFileResult &file : files)
            total += file.rejectedCount;
        return total;
    }
    int failedFiles() const
    {
        int total = 0;
        for (const ImportFileResult &file : files)
            total += file.error.isEmpty() ? 0 : 1;
        return total;
    }
    // Everything in every file was imported.
    bool isComplete() const { return !cancelled && databaseError.isEmpty() && rejected() == 0 && failedFiles() == 0; }
};
