// SPDX-License-Identifier: Apache-2.0
// The command line as a user types it: every option, its default, and a clear message for
// every mistake.

#include "commandline.h"

#include <QTest>

using namespace Qt::StringLiterals;

class tst_CommandLine final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void everyOption();
    void helpAndVersion();
    void importFiles();
    void scenarioAndConfigFiles();
    void mistakes_data();
    void mistakes();
};

namespace {

CommandLine parse(QStringList arguments)
{
    arguments.prepend(u"smart-sandbox"_s);
    return CommandLine::parse(arguments);
}

} // namespace

void tst_CommandLine::defaults()
{
    const CommandLine line = parse({});
    QCOMPARE(line.outcome, CommandLine::Outcome::Run);
    QCOMPARE(line.headless, false);
    QCOMPARE(line.options.port, quint16(9000));
    QCOMPARE(line.options.bindAddress, QHostAddress(QHostAddress::LocalHost));
    QVERIFY(line.options.database.isEmpty()); // the Sandbox picks its data-folder default
    QVERIFY(line.options.baseUrl.isEmpty());
    QVERIFY(line.options.adminKey.isEmpty());
    QCOMPARE(line.options.logCap, qint64(100'000));
    QCOMPARE(line.options.reset, false);
    QVERIFY(line.options.upstream.isEmpty());
    QCOMPARE(line.options.openFhirWrites, false);
    QCOMPARE(line.options.samplePatients, 25);
    QVERIFY(line.givenOptions.isEmpty()); // saved settings may fill in every option
    QVERIFY(line.language.isEmpty()); // the system locale decides
    QVERIFY(line.options.instanceName.isEmpty()); // host name and port
    QCOMPARE(line.options.tls, false);
}

void tst_CommandLine::everyOption()
{
    const CommandLine line
        = parse({u"--headless"_s, u"--port"_s, u"9100"_s, u"--bind"_s, u"::1"_s, u"--db"_s,
                 u"postgresql://sandbox:pw@db.local:5433/team"_s, u"--base-url"_s, u"https://sandbox.example.org/"_s,
                 u"--reset"_s, u"--admin-key"_s, u"0123456789abcdef"_s, u"--log-file"_s, u"/tmp/traffic.ndjson"_s,
                 u"--log-cap"_s, u"500"_s});
    QCOMPARE(line.outcome, CommandLine::Outcome::Run);
    QCOMPARE(line.headless, true);
    QCOMPARE(line.options.port, quint16(9100));
    QCOMPARE(line.options.bindAddress, QHostAddress(u"::1"_s));
    QCOMPARE(line.options.database, u"postgresql://sandbox:pw@db.local:5433/team"_s);
    QCOMPARE(line.options.baseUrl, u"https://sandbox.example.org"_s); // trailing slash removed
    QCOMPARE(line.options.reset, true);
    QCOMPARE(line.options.adminKey, u"0123456789abcdef"_s);
    QCOMPARE(line.options.logFile, u"/tmp/traffic.ndjson"_s);
    QCOMPARE(line.options.logCap, qint64(500));
    // These win over the window's saved settings.
    QCOMPARE(line.givenOptions,
             (QStringList{u"port"_s, u"bind"_s, u"db"_s, u"base-url"_s, u"admin-key"_s, u"log-cap"_s}));

    const CommandLine fhir = parse({u"--upstream"_s, u"https://hapi.example/baseR4/"_s, u"--open-fhir-writes"_s,
                                    u"--sample-patients"_s, u"100"_s});
    QCOMPARE(fhir.outcome, CommandLine::Outcome::Run);
    QCOMPARE(fhir.options.upstream, u"https://hapi.example/baseR4"_s);
    QCOMPARE(fhir.options.openFhirWrites, true);
    QCOMPARE(fhir.options.samplePatients, 100);

    const CommandLine team = parse({u"--instance"_s, u"team-a"_s, u"--tls"_s});
    QCOMPARE(team.outcome, CommandLine::Outcome::Run);
    QCOMPARE(team.options.instanceName, u"team-a"_s);
    QCOMPARE(team.options.tls, true);
    QVERIFY(team.options.tlsCertificateFile.isEmpty()); // a self-signed one in the data folder
    const CommandLine own = parse({u"--tls-cert"_s, u"/etc/ssl/s.pem"_s, u"--tls-key"_s, u"/etc/ssl/s.key"_s});
    QCOMPARE(own.options.tls, true); // implied
    QCOMPARE(own.options.tlsCertificateFile, u"/etc/ssl/s.pem"_s);
    QCOMPARE(own.options.tlsKeyFile, u"/etc/ssl/s.key"_s);
    QCOMPARE(parse({}).options.idleTimeoutSeconds, 30);
    QCOMPARE(parse({u"--idle-timeout"_s, u"5"_s}).options.idleTimeoutSeconds, 5);
    QCOMPARE(parse({u"--idle-timeout=0"_s}).options.idleTimeoutSeconds, 0);

    QCOMPARE(parse({u"--port=0"_s}).options.port, quint16(0));
    QCOMPARE(parse({u"--bind"_s, u"localhost"_s}).options.bindAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(parse({u"--db"_s, u":memory:"_s}).options.database, u":memory:"_s);
    QCOMPARE(parse({u"--lang"_s, u"de"_s}).language, u"de"_s);
    QCOMPARE(parse({u"--lang=pt_BR"_s}).language, u"pt_BR"_s);
}

void tst_CommandLine::helpAndVersion()
{
    const CommandLine help = parse({u"--help"_s});
    QCOMPARE(help.outcome, CommandLine::Outcome::ShowHelp);
    QVERIFY2(help.text.startsWith(u"Usage: smart-sandbox [options]"_s), qPrintable(help.text.section(u'\n', 0, 0)));
    for (const QString &option : {u"--headless"_s,
                                  u"--port"_s,
                                  u"--bind"_s,
                                  u"--db"_s,
                                  u"--base-url"_s,
                                  u"--reset"_s,
                                  u"--admin-key"_s,
                                  u"--log-file"_s,
                                  u"--version"_s,
                                  u"--upstream"_s,
                                  u"--open-fhir-writes"_s,
                                  u"--sample-patients"_s,
                                  u"--idle-timeout"_s,
                                  u"--import"_s,
                                  u"--lang"_s,
                                  u"--self-check"_s,
                                  u"--instance"_s,
                                  u"--tls"_s,
                                  u"--scenario"_s,
                                  u"--export-config"_s,
                                  u"--import-config"_s})
        QVERIFY2(help.text.contains(option), qPrintable(option));
    const CommandLine version = parse({u"--version"_s});
    QCOMPARE(version.outcome, CommandLine::Outcome::ShowVersion);
    QCOMPARE(version.text, u"smart-sandbox "_s + QStringLiteral(SANDBOX_VERSION));
}

void tst_CommandLine::importFiles()
{
    QVERIFY(parse({}).importFiles.isEmpty());
    // --import once or more; files after it are more files to import, as a shell glob gives them.
    const CommandLine line
        = parse({u"--db"_s, u"/tmp/s.sqlite"_s, u"--import"_s, u"a.json"_s, u"b.ndjson"_s, u"--import=synthea/fhir"_s});
    QCOMPARE(line.outcome, CommandLine::Outcome::Run);
    QCOMPARE(line.importFiles, (QStringList{u"a.json"_s, u"synthea/fhir"_s, u"b.ndjson"_s}));
    QCOMPARE(line.options.database, u"/tmp/s.sqlite"_s);
}

void tst_CommandLine::scenarioAndConfigFiles()
{
    const CommandLine scenario = parse({u"--headless"_s, u"--scenario"_s, u"slow-token"_s});
    QCOMPARE(scenario.outcome, CommandLine::Outcome::Run);
    QCOMPARE(scenario.scenario, u"slow-token"_s);
    QVERIFY(scenario.exportConfig.isEmpty());
    QCOMPARE(parse({u"--export-config"_s, u"out.json"_s}).exportConfig, u"out.json"_s);
    QCOMPARE(parse({u"--import-config=in.json"_s}).importConfig, u"in.json"_s);
}

void tst_CommandLine::mistakes_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown option") << QStringList{u"--bogus"_s} << u"Unknown option 'bogus'."_s;
    QTest::newRow("port missing value") << QStringList{u"--port"_s} << u"Missing value after '--port'."_s;
    QTest::newRow("port a word") << QStringList{u"--port"_s, u"http"_s} << u"--port must be a number"_s;
    QTest::newRow("port too large") << QStringList{u"--port"_s, u"70000"_s} << u"--port must be a number"_s;
    QTest::newRow("port negative") << QStringList{u"--port"_s, u"-1"_s} << u"--port must be a number"_s;
    QTest::newRow("bind a name") << QStringList{u"--bind"_s, u"example.org"_s} << u"--bind must be an IP address"_s;
    QTest::newRow("empty db") << QStringList{u"--db="_s} << u"--db needs"_s;
    QTest::newRow("base url relative") << QStringList{u"--base-url"_s, u"/smart"_s} << u"--base-url must be"_s;
    QTest::newRow("base url ftp") << QStringList{u"--base-url"_s, u"ftp://x.example"_s} << u"--base-url must be"_s;
    QTest::newRow("short admin key") << QStringList{u"--admin-key"_s, u"abc"_s} << u"--admin-key must be at least"_s;
    QTest::newRow("log cap zero") << QStringList{u"--log-cap"_s, u"0"_s} << u"--log-cap must be"_s;
    QTest::newRow("upstream relative") << QStringList{u"--upstream"_s, u"fhir"_s} << u"--upstream must be"_s;
    QTest::newRow("upstream with query") << QStringList{u"--upstream"_s, u"http://x.example/fhir?a=b"_s}
                                         << u"--upstream must be"_s;
    QTest::newRow("sample patients negative")
        << QStringList{u"--sample-patients"_s, u"-3"_s} << u"--sample-patients must be"_s;
    QTest::newRow("sample patients a word")
        << QStringList{u"--sample-patients"_s, u"many"_s} << u"--sample-patients must be"_s;
    QTest::newRow("empty instance") << QStringList{u"--instance="_s} << u"--instance needs a name"_s;
    QTest::newRow("tls key without cert")
        << QStringList{u"--tls-key"_s, u"k.pem"_s} << u"--tls-cert and --tls-key go together"_s;
    QTest::newRow("tls cert without key")
        << QStringList{u"--tls-cert"_s, u"c.pem"_s} << u"--tls-cert and --tls-key go together"_s;
    QTest::newRow("idle timeout negative")
        << QStringList{u"--idle-timeout"_s, u"-1"_s} << u"--idle-timeout must be a number of seconds"_s;
    QTest::newRow("idle timeout a word") << QStringList{u"--idle-timeout"_s, u"soon"_s}
                                         << u"--idle-timeout must be a number of seconds"_s;
    QTest::newRow("positional") << QStringList{u"serve"_s} << u"Unexpected argument 'serve'."_s;
    QTest::newRow("import nothing") << QStringList{u"--import="_s} << u"--import needs a file or folder name."_s;
    QTest::newRow("lang a path") << QStringList{u"--lang"_s, u"../de"_s} << u"--lang must be a language code"_s;
    QTest::newRow("lang empty") << QStringList{u"--lang="_s} << u"--lang must be a language code"_s;
    QTest::newRow("scenario empty") << QStringList{u"--scenario="_s} << u"--scenario needs a value."_s;
    QTest::newRow("export and import config")
        << QStringList{u"--export-config"_s, u"a.json"_s, u"--import-config"_s, u"b.json"_s} << u"Use only one of"_s;
    QTest::newRow("scenario and import") << QStringList{u"--scenario"_s, u"demo"_s, u"--import"_s, u"a.json"_s}
                                         << u"Use only one of"_s;
    QTest::newRow("import missing value") << QStringList{u"--import"_s} << u"Missing value after '--import'."_s;
}

void tst_CommandLine::mistakes()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const CommandLine line = parse(arguments);
    QCOMPARE(line.outcome, CommandLine::Outcome::Error);
    QVERIFY2(line.text.startsWith(message), qPrintable(line.text));
    QVERIFY(!line.text.contains(u'\n')); // one line
}

QTEST_GUILESS_MAIN(tst_CommandLine)
#include "tst_commandline.moc"
