// SPDX-License-Identifier: Apache-2.0
// Writes the FHIR sample records as NDJSON (one resource per line), for the validator in
// tests/fhir-validation and for people who want to look at them:
//
//   sampledata_dump [--seed N] [--extra-patients N] [--reference-date YYYY-MM-DD] [--output FILE]
//
// Without --output the records go to standard output.

#include "fhir/sampledata.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Writes the FHIR sample records as NDJSON."_s);
    parser.addHelpOption();
    const SampleData::Options defaults;
    const QCommandLineOption seed(u"seed"_s, u"Random seed (default %1)."_s.arg(defaults.seed), u"N"_s);
    const QCommandLineOption extra(u"extra-patients"_s,
                                   u"Patients beyond the fixture patients (default %1)."_s.arg(defaults.extraPatients),
                                   u"N"_s);
    const QCommandLineOption reference(
        u"reference-date"_s, u"The day histories end (default %1)."_s.arg(defaults.referenceDate.toString(Qt::ISODate)),
        u"YYYY-MM-DD"_s);
    const QCommandLineOption output(u"output"_s, u"The file to write (default: standard output)."_s, u"FILE"_s);
    parser.addOptions({seed, extra, reference, output});
    parser.process(application);

    SampleData::Options options;
    bool ok = true;
    if (parser.isSet(seed))
        options.seed = parser.value(seed).toUInt(&ok);
    if (ok && parser.isSet(extra))
        options.extraPatients = parser.value(extra).toInt(&ok);
    if (ok && parser.isSet(reference)) {
        options.referenceDate = QDate::fromString(parser.value(reference), Qt::ISODate);
        ok = options.referenceDate.isValid();
    }
    if (!ok || options.extraPatients < 0) {
        std::fputs("sampledata_dump: invalid option value; see --help\n", stderr);
        return 2;
    }

    QByteArray lines;
    for (const QJsonObject &resource : SampleData::generate(options))
        lines += QJsonDocument(resource).toJson(QJsonDocument::Compact) + '\n';

    if (!parser.isSet(output)) {
        QFile standardOutput;
        if (!standardOutput.open(stdout, QIODevice::WriteOnly) || standardOutput.write(lines) != lines.size())
            return 1;
        return 0;
    }
    QSaveFile file(parser.value(output));
    if (!file.open(QIODevice::WriteOnly) || file.write(lines) != lines.size() || !file.commit()) {
        std::fprintf(stderr, "sampledata_dump: cannot write %s: %s\n", qPrintable(parser.value(output)),
                     qPrintable(file.errorString()));
        return 1;
    }
    return 0;
}
