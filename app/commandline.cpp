// SPDX-License-Identifier: Apache-2.0
#include "commandline.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

CommandLine failure(const QString &message)
{
    CommandLine result;
    result.outcome = CommandLine::Outcome::Error;
    result.text = message;
    return result;
}

} // namespace

CommandLine CommandLine::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("CommandLine",
                                    "SMART Sandbox: a local SMART on FHIR authorization server and FHIR R4 "
                                    "endpoints for testing client apps."));
    const QCommandLineOption help({u"h"_s, u"help"_s}, QCoreApplication::translate("CommandLine", "Show this help."));
    const QCommandLineOption version({u"v"_s, u"version"_s},
                                     QCoreApplication::translate("CommandLine", "Show the version."));
    const QCommandLineOption headless(u"headless"_s,
                                      QCoreApplication::translate("CommandLine", "Run the server without windows."));
    const QCommandLineOption port(u"port"_s,
                                  QCoreApplication::translate("CommandLine",
                                                              "Port to listen on (default 9000; 0 "
                                                              "picks a free one)."),
                                  u"N"_s, u"9000"_s);
    const QCommandLineOption bind(u"bind"_s,
                                  QCoreApplication::translate("CommandLine",
                                                              "Address to listen on (default "
                                                              "127.0.0.1)."),
                                  u"ADDR"_s, u"127.0.0.1"_s);
    const QCommandLineOption database(
        u"db"_s,
        QCoreApplication::translate("CommandLine",
                                    "Database: a SQLite file, :memory:, or "
                                    "postgresql://user:password@host:port/dbname (default: "
                                    "sandbox.sqlite in the data folder)."),
        u"PATH|URL"_s);
    const QCommandLineOption baseUrl(
        u"base-url"_s,
        QCoreApplication::translate("CommandLine",
                                    "Public origin written into every URL the server gives out "
                                    "(default: the request's Host)."),
        u"URL"_s);
    const QCommandLineOption reset(u"reset"_s,
                                   QCoreApplication::translate("CommandLine",
                                                               "Return to the built-in fixtures at "
                                                               "start."));
    const QCommandLineOption adminKey(
        u"admin-key"_s,
        QCoreApplication::translate("CommandLine",
                                    "Require this key (X-Admin-Key or Authorization: Bearer) on "
                                    "the admin endpoints, and allow them off loopback."),
        u"KEY"_s);
    const QCommandLineOption logFile(u"log-file"_s,
                                     QCoreApplication::translate("CommandLine",
                                                                 "Also append every exchange to FILE "
                                                                 "as one JSON line."),
                                     u"FILE"_s);
    const QCommandLineOption logCap(u"log-cap"_s,
                                    QCoreApplication::translate("CommandLine",
                                                                "Keep at most N exchanges in the "
                                                                "request log (default 100000)."),
                                    u"N"_s, u"100000"_s);
    const QCommandLineOption upstream(
        u"upstream"_s,
        QCoreApplication::translate("CommandLine",
                                    "Serve /api/fhir and /api/open-fhir from this FHIR server (its base "
                                    "URL), with the sandbox's access control, instead of the built-in data."),
        u"URL"_s);
    const QCommandLineOption openFhirWrites(
        u"open-fhir-writes"_s,
        QCoreApplication::translate("CommandLine", "Let /api/open-fhir create, update and delete resources."));
    const QCommandLineOption samplePatients(
        u"sample-patients"_s,
        QCoreApplication::translate("CommandLine",
                                    "How many generated patients the sample data holds besides the three "
                                    "fixture patients (default 25; applied at a reset)."),
        u"N"_s, u"25"_s);
    const QCommandLineOption idleTimeout(
        u"idle-timeout"_s,
        QCoreApplication::translate("CommandLine",
                                    "Close a connection that has not completed a request within N "
                                    "seconds (default 30; 0: never)."),
        u"N"_s, u"30"_s);
    const QCommandLineOption import(
        u"import"_s,
        QCoreApplication::translate("CommandLine",
                                    "Import FHIR data into the database and exit, without "
                                    "starting the server: Bundles, NDJSON files, single "
                                    "resources, or folders of them. More files may follow."),
        u"FILE"_s);
    const QCommandLineOption selfCheck(
        u"self-check"_s,
        QCoreApplication::translate("CommandLine",
                                    "Run the conformance checks of the authorization server and FHIR "
                                    "endpoints against a sandbox of its own (on a free loopback port, with a "
                                    "temporary database) or against --url, print the results and exit."));
    const QCommandLineOption url(
        u"url"_s,
        QCoreApplication::translate("CommandLine",
                                    "With --self-check: the running sandbox to check (its origin, such as "
                                    "http://127.0.0.1:9000, or its FHIR base)."),
        u"URL"_s);
    const QCommandLineOption language(
        u"lang"_s,
        QCoreApplication::translate("CommandLine",
                                    "Language of the windows, pages and help, such as de or es (default: the "
                                    "system's; English where there is no translation)."),
        u"CODE"_s);
    const QCommandLineOption instance(
        u"instance"_s,
        QCoreApplication::translate("CommandLine",
                                    "Name of this instance in the request log and /admin/status (default: host "
                                    "name and port). Team mode runs several instances on one PostgreSQL database."),
        u"NAME"_s);
    const QCommandLineOption tls(
        u"tls"_s,
        QCoreApplication::translate("CommandLine",
                                    "Serve HTTPS. Without --tls-cert, a self-signed certificate for localhost "
                                    "and 127.0.0.1 is made on the first run and kept in the data folder."));
    const QCommandLineOption tlsCert(
        u"tls-cert"_s, QCoreApplication::translate("CommandLine", "HTTPS certificate (PEM; implies --tls)."),
        u"FILE"_s);
    const QCommandLineOption tlsKey(
        u"tls-key"_s, QCoreApplication::translate("CommandLine", "Private key of --tls-cert (PEM, unencrypted)."),
        u"FILE"_s);
    const QCommandLineOption scenario(
        u"scenario"_s,
        QCoreApplication::translate("CommandLine",
                                    "Launch this saved scenario once the server listens: print its launch URL "
                                    "(headless) or open it in the browser."),
        u"NAME"_s);
    const QCommandLineOption exportConfig(
        u"export-config"_s,
        QCoreApplication::translate("CommandLine",
                                    "Write the sandbox configuration (clients, people, fault rules, discovery "
                                    "profile, scenarios) to a JSON file and exit."),
        u"FILE"_s);
    const QCommandLineOption importConfig(
        u"import-config"_s,
        QCoreApplication::translate("CommandLine",
                                    "Replace the sandbox configuration with a JSON file written by "
                                    "--export-config and exit; nothing changes when the file is invalid."),
        u"FILE"_s);
    parser.addOptions({help,     version,   headless, port,     bind,         database,       baseUrl,
                       reset,    adminKey,  logFile,  logCap,   upstream,     openFhirWrites, samplePatients,
                       import,   selfCheck, url,      scenario, exportConfig, importConfig,   language,
                       instance, tls,       tlsCert,  tlsKey,   idleTimeout});

    if (!parser.parse(arguments))
        return failure(parser.errorText());
    // Files after --import's own are more files to import (as a shell glob gives them).
    if (!parser.positionalArguments().isEmpty() && !parser.isSet(import))
        return failure(u"Unexpected argument '%1'."_s.arg(parser.positionalArguments().first()));

    CommandLine result;
    // Read first: main() installs the translator for it before --help is shown.
    result.language = parser.value(language);
    static const QRegularExpression languageCode(u"^[a-z]{2,3}([_-][A-Za-z]{2,4})?$"_s);
    if (parser.isSet(language) && !languageCode.match(result.language).hasMatch())
        return failure(u"--lang must be a language code such as de, es or pt_BR, not '%1'."_s.arg(result.language));
    if (parser.isSet(help)) {
        result.outcome = Outcome::ShowHelp;
        // Qt names the program by the path it was started as (or a placeholder before the
        // application object exists), in its own words for "Usage:"; the help says smart-sandbox.
        result.text = parser.helpText();
        const QString shownName = QCoreApplication::instance() && !QCoreApplication::arguments().isEmpty()
            ? QCoreApplication::arguments().constFirst()
            : u"<executable_name>"_s;
        const qsizetype at = result.text.left(result.text.indexOf(u'\n')).indexOf(shownName);
        if (at >= 0)
            result.text.replace(at, shownName.size(), u"smart-sandbox"_s);
        return result;
    }
    if (parser.isSet(version)) {
        result.outcome = Outcome::ShowVersion;
        result.text = u"smart-sandbox %1"_s.arg(QStringLiteral(SANDBOX_VERSION));
        return result;
    }

    bool ok = false;
    const uint portNumber = parser.value(port).toUInt(&ok);
    if (!ok || portNumber > 65535)
        return failure(u"--port must be a number from 0 to 65535, not '%1'."_s.arg(parser.value(port)));
    result.options.port = quint16(portNumber);

    const QString address = parser.value(bind);
    if (address == u"localhost"_s) {
        result.options.bindAddress = QHostAddress::LocalHost;
    } else if (!result.options.bindAddress.setAddress(address)) {
        return failure(u"--bind must be an IP address such as 127.0.0.1 or ::1, not '%1'."_s.arg(address));
    }

    if (parser.isSet(database)) {
        result.options.database = parser.value(database);
        if (result.options.database.isEmpty())
            return failure(u"--db needs a file name, :memory: or a postgresql:// URL."_s);
    }
    if (parser.isSet(baseUrl)) {
        Result<QString> normalized = Sandbox::normalizeBaseUrl(parser.value(baseUrl));
        if (!normalized)
            return failure(normalized.error().description + u'.');
        result.options.baseUrl = normalized.value();
    }
    const qint64 cap = parser.value(logCap).toLongLong(&ok);
    if (!ok || cap < 1)
        return failure(u"--log-cap must be a positive number, not '%1'."_s.arg(parser.value(logCap)));
    result.options.logCap = cap;
    result.options.adminKey = parser.value(adminKey);
    if (parser.isSet(adminKey) && result.options.adminKey.size() < 8)
        return failure(u"--admin-key must be at least 8 characters long."_s);
    if (parser.isSet(upstream)) {
        Result<QString> normalized = Sandbox::normalizeBaseUrl(parser.value(upstream));
        if (!normalized)
            return failure(u"--upstream must be the base URL of a FHIR server, such as "
                           "https://hapi.fhir.org/baseR4, not '%1'."_s.arg(parser.value(upstream)));
        result.options.upstream = normalized.value();
    }
    result.options.openFhirWrites = parser.isSet(openFhirWrites);
    const int patients = parser.value(samplePatients).toInt(&ok);
    if (!ok || patients < 0 || patients > 10'000)
        return failure(
            u"--sample-patients must be a number from 0 to 10000, not '%1'."_s.arg(parser.value(samplePatients)));
    result.options.samplePatients = patients;
    if (parser.isSet(instance)) {
        result.options.instanceName = parser.value(instance).trimmed();
        if (result.options.instanceName.isEmpty() || result.options.instanceName.size() > 100)
            return failure(u"--instance needs a name of 1 to 100 characters."_s);
    }
    if (parser.isSet(tlsCert) != parser.isSet(tlsKey))
        return failure(u"--tls-cert and --tls-key go together: give both, or neither for a self-signed "
                       "certificate."_s);
    result.options.tls = parser.isSet(tls) || parser.isSet(tlsCert);
    result.options.tlsCertificateFile = parser.value(tlsCert);
    result.options.tlsKeyFile = parser.value(tlsKey);
    if (parser.isSet(tlsCert) && (result.options.tlsCertificateFile.isEmpty() || result.options.tlsKeyFile.isEmpty()))
        return failure(u"--tls-cert and --tls-key need file names."_s);

    const int idleSeconds = parser.value(idleTimeout).toInt(&ok);
    if (!ok || idleSeconds < 0 || idleSeconds > 86400)
        return failure(
            u"--idle-timeout must be a number of seconds from 0 to 86400, not '%1'."_s.arg(parser.value(idleTimeout)));
    result.options.idleTimeoutSeconds = idleSeconds;
    result.options.logFile = parser.value(logFile);
    result.options.reset = parser.isSet(reset);
    result.headless = parser.isSet(headless);
    for (const QCommandLineOption &option : {port, bind, database, baseUrl, adminKey, logCap, upstream}) {
        if (parser.isSet(option))
            result.givenOptions.append(option.names().constLast());
    }
    result.importFiles = parser.values(import) + parser.positionalArguments();
    if (result.importFiles.contains(QString()))
        return failure(u"--import needs a file or folder name."_s);
    result.selfCheck = parser.isSet(selfCheck);
    if (parser.isSet(url)) {
        if (!result.selfCheck)
            return failure(u"--url is for --self-check."_s);
        Result<QString> normalized = Sandbox::normalizeBaseUrl(parser.value(url));
        if (!normalized)
            return failure(u"--url must be the sandbox's http or https origin, such as http://127.0.0.1:9000, "
                           "not '%1'."_s.arg(parser.value(url)));
        result.selfCheckUrl = normalized.value();
    }
    if (result.selfCheck && !result.importFiles.isEmpty())
        return failure(u"--self-check and --import cannot be combined."_s);
    result.scenario = parser.value(scenario);
    result.exportConfig = parser.value(exportConfig);
    result.importConfig = parser.value(importConfig);
    for (const QCommandLineOption &option : {scenario, exportConfig, importConfig}) {
        if (parser.isSet(option) && parser.value(option).isEmpty())
            return failure(u"--%1 needs a value."_s.arg(option.names().constLast()));
    }
    const int oneShot = int(result.selfCheck) + int(!result.importFiles.isEmpty()) + int(parser.isSet(exportConfig))
        + int(parser.isSet(importConfig)) + int(parser.isSet(scenario));
    if (oneShot > 1)
        return failure(u"Use only one of --self-check, --import, --export-config, --import-config and --scenario."_s);
    return result;
}
