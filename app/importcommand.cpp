// SPDX-License-Identifier: Apache-2.0
#include "importcommand.h"

#include "commandline.h"
#include "fhir/importer.h"
#include "sandbox.h"
#include "signalwatcher.h"

#include <QEventLoop>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

// Rejections printed per file; the rest are counted.
constexpr int s_rejectionsShown = 5;

void printLine(FILE *stream, const QString &text)
{
    std::fputs(qUtf8Printable(text + u'\n'), stream);
    std::fflush(stream);
}

QString plural(int count, const QString &one, const QString &many)
{
    return QString::number(count) + u' ' + (count == 1 ? one : many);
}

// "Observation 120, Encounter 14, Patient 1": most first.
QString byType(const QMap<QString, int> &imported)
{
    QList<std::pair<QString, int>> types;
    for (auto it = imported.cbegin(); it != imported.cend(); ++it)
        types.append({it.key(), it.value()});
    std::stable_sort(types.begin(), types.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    QStringList parts;
    for (const auto &[type, count] : std::as_const(types))
        parts.append(type + u' ' + QString::number(count));
    return parts.join(u", "_s);
}

void printFile(const ImportFileResult &file)
{
    const bool touched = file.importedCount() > 0 || file.rejectedCount > 0 || file.deleted > 0 || file.unchanged > 0;
    if (!file.error.isEmpty() && !touched) {
        printLine(stdout, file.file + u' ' + file.error);
        return;
    }
    QString line = file.file + u": imported "_s + plural(file.importedCount(), u"resource"_s, u"resources"_s);
    if (file.importedCount() > 0)
        line += u" ("_s + byType(file.imported) + u')';
    if (file.deleted > 0)
        line += u", deleted "_s + QString::number(file.deleted);
    if (file.unchanged > 0)
        line += u", "_s + QString::number(file.unchanged) + u" already there"_s;
    line += u"; rejected "_s + QString::number(file.rejectedCount);
    printLine(stdout, line);
    for (qsizetype i = 0; i < std::min<qsizetype>(file.rejected.size(), s_rejectionsShown); ++i) {
        const ImportRejection &rejection = file.rejected.at(i);
        printLine(stdout,
                  u"  "_s + (rejection.where.isEmpty() ? QString() : rejection.where + u": "_s) + rejection.reason);
    }
    if (file.rejectedCount > s_rejectionsShown)
        printLine(stdout, u"  ... and %1 more"_s.arg(file.rejectedCount - s_rejectionsShown));
    for (const QString &note : file.notes)
        printLine(stdout, u"  note: "_s + note);
    if (!file.error.isEmpty())
        printLine(stdout, u"  "_s + file.file + u' ' + file.error);
}

} // namespace

int runImport(Sandbox &sandbox, const QStringList &paths)
{
    const std::unique_ptr<FhirImporter> importer(sandbox.importFiles(paths));
    int interruptedBy = 0;
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::stopRequested, importer.get(), [&](int signalNumber) {
        interruptedBy = signalNumber;
        importer->cancel();
    });
    if (::isatty(STDERR_FILENO)) {
        QObject::connect(importer.get(), &FhirImporter::progressed, importer.get(),
                         [](qint64 done, qint64 total, int resources) {
                             const int percent = total > 0 ? int(done * 100 / total) : 100;
                             std::fprintf(stderr, "\rImporting: %3d%% (%d resources)", percent, resources);
                             std::fflush(stderr);
                         });
    }
    ImportSummary summary;
    QEventLoop loop;
    QObject::connect(importer.get(), &FhirImporter::finished, &loop, [&](const ImportSummary &finished) {
        summary = finished;
        loop.quit();
    });
    if (importer->isRunning())
        loop.exec();
    if (::isatty(STDERR_FILENO))
        std::fputs("\r\033[K", stderr);

    for (const ImportFileResult &file : std::as_const(summary.files))
        printFile(file);
    QString total = u"Imported %1 from %2 in %3 s"_s.arg(plural(summary.imported(), u"resource"_s, u"resources"_s),
                                                         plural(int(summary.files.size()), u"file"_s, u"files"_s),
                                                         QString::number(summary.durationMs / 1000.0, 'f', 2));
    if (summary.rejected() > 0)
        total += u"; rejected "_s + QString::number(summary.rejected());
    if (summary.failedFiles() > 0)
        total += u"; "_s + plural(summary.failedFiles(), u"file"_s, u"files"_s) + u" not imported"_s;
    if (summary.cancelled)
        total += u"; interrupted"_s;
    printLine(stdout, total + u'.');

    if (!summary.databaseError.isEmpty()) {
        printLine(stderr, u"smart-sandbox: error: The database failed during the import: "_s + summary.databaseError);
        return ExitDatabase;
    }
    if (summary.cancelled)
        return 128 + (interruptedBy > 0 ? interruptedBy : 2);
    if (summary.failedFiles() > 0)
        return ExitImportFailed;
    return summary.rejected() > 0 ? ExitImportRejected : ExitOk;
}
