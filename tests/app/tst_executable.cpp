// SPDX-License-Identifier: Apache-2.0
// The smart-sandbox executable as a user runs it: it starts and says where it listens, keeps its
// state across a restart, stops cleanly on SIGTERM with its request log written, and answers
// every mistake with one line on stderr and a distinct exit code.

#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

constexpr int s_timeoutMs = 30'000;

// Starts the executable and waits until it prints the line with its URL; 0 when it did not.
quint16 startServer(QProcess &process, const QStringList &arguments)
{
    process.setProgram(QStringLiteral(SANDBOX_EXECUTABLE));
    process.setArguments(arguments);
    process.start();
    if (!process.waitForStarted(s_timeoutMs))
        return 0;
    static const QRegularExpression listening(u"listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
    QByteArray output;
    while (process.state() == QProcess::Running) {
        if (process.canReadLine() || process.waitForReadyRead(s_timeoutMs)) {
            output += process.readAll();
            const QRegularExpressionMatch match = listening.match(QString::fromUtf8(output));
            if (match.hasMatch())
                return quint16(match.captured(1).toUInt());
        } else {
            break;
        }
    }
    return 0;
}

struct Finished
{
    int exitCode = -1;
    QString standardError;
    QString standardOutput;
};

Finished runToEnd(const QStringList &arguments, const QString &lang = {})
{
    QProcess process;
    if (!lang.isEmpty()) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(u"LC_ALL"_s);
        environment.remove(u"LC_MESSAGES"_s);
        environment.remove(u"LANGUAGE"_s);
        environment.insert(u"LANG"_s, lang);
        process.setProcessEnvironment(environment);
    }
    process.start(QStringLiteral(SANDBOX_EXECUTABLE), arguments);
    process.waitForFinished(s_timeoutMs);
    return Finished{process.exitCode(), QString::fromUtf8(process.readAllStandardError()),
                    QString::fromUtf8(process.readAllStandardOutput())};
}

bool stop(QProcess &process)
{
    ::kill(pid_t(process.processId()), SIGTERM);
    return process.waitForFinished(s_timeoutMs) && process.exitStatus() == QProcess::NormalExit
        && process.exitCode() == 0;
}

} // namespace

class tst_Executable final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpAndVersion();
    void helpFollowsTheLanguage_data();
    void helpFollowsTheLanguage();
    void mistakesAreOneLine_data();
    void mistakesAreOneLine();
    void portInUse();
    void stateSurvivesRestartAndLogIsWritten();
    void importPrintsASummaryPerFile();
    void selfCheckPassesOnItsOwnSandbox();
    void selfCheckReportsABrokenTarget();
    void selfCheckReportsAnUnreachableTarget();
    void scenarioPrintsItsLaunchUrl();
    void configExportAndImport();
};

void tst_Executable::helpAndVersion()
{
    const Finished version = runToEnd({u"--version"_s});
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(version.standardOutput.trimmed(), u"smart-sandbox "_s + QStringLiteral(SANDBOX_VERSION));
    const Finished help = runToEnd({u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.standardOutput.contains(u"--headless"_s));
    QVERIFY(help.standardError.isEmpty());
}

void tst_Executable::helpFollowsTheLanguage_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("lang"); // the LANG of the environment: the system locale
    QTest::addColumn<QString>("helpLine");
    const QString english = u"Show this help."_s;
    const QString german = u"Diese Hilfe anzeigen."_s;
    QTest::newRow("--lang de") << QStringList{u"--lang"_s, u"de"_s, u"--help"_s} << u"C.UTF-8"_s << german;
    QTest::newRow("--lang es") << QStringList{u"--lang=es"_s, u"--help"_s} << u"C.UTF-8"_s << u"Mostrar esta ayuda."_s;
    QTest::newRow("system German") << QStringList{u"--help"_s} << u"de_DE.UTF-8"_s << german;
    QTest::newRow("--lang en over system German")
        << QStringList{u"--lang"_s, u"en"_s, u"--help"_s} << u"de_DE.UTF-8"_s << english;
    QTest::newRow("untranslated language: English")
        << QStringList{u"--lang"_s, u"fi"_s, u"--help"_s} << u"C.UTF-8"_s << english;
}

void tst_Executable::helpFollowsTheLanguage()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, lang);
    QFETCH(QString, helpLine);
    const Finished help = runToEnd(arguments, lang);
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.standardOutput.contains(helpLine), qPrintable(help.standardOutput));
    QVERIFY(help.standardOutput.contains(u"--lang <CODE>"_s));
}

void tst_Executable::mistakesAreOneLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown option") << QStringList{u"--headless"_s, u"--frobnicate"_s} << 1
                                    << u"smart-sandbox: error: Unknown option 'frobnicate'."_s;
    QTest::newRow("bad port") << QStringList{u"--headless"_s, u"--port"_s, u"99999"_s} << 1
                              << u"smart-sandbox: error: --port must be a number from 0 to 65535, not '99999'."_s;
    QTest::newRow("unreachable PostgreSQL")
        << QStringList{u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, u"postgresql://nobody@127.0.0.1:1/none"_s} << 2
        << u"smart-sandbox: error: Cannot open the database postgresql://nobody@127.0.0.1:1/none"_s;
    QTest::newRow("SQLite file in a missing root folder")
        << QStringList{u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, u"/proc/no-such-dir/sandbox.sqlite"_s} << 2
        << u"smart-sandbox: error: Cannot create the folder /proc/no-such-dir"_s;
    QTest::newRow("unwritable log file")
        << QStringList{u"--headless"_s,
                       u"--port"_s,
                       u"0"_s,
                       u"--db"_s,
                       u":memory:"_s,
                       u"--log-file"_s,
                       u"/proc/no-such-dir/log.ndjson"_s}
        << 4 << u"smart-sandbox: error: Cannot open the log file /proc/no-such-dir/log.ndjson"_s;
    QTest::newRow("--url without --self-check") << QStringList{u"--headless"_s, u"--url"_s, u"http://127.0.0.1:9000"_s}
                                                << 1 << u"smart-sandbox: error: --url is for --self-check."_s;
    QTest::newRow("--self-check with a bad --url")
        << QStringList{u"--self-check"_s, u"--url"_s, u"ftp://x"_s} << 1
        << u"smart-sandbox: error: --url must be the sandbox's http or https origin"_s;
}

void tst_Executable::mistakesAreOneLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const Finished finished = runToEnd(arguments);
    QCOMPARE(finished.exitCode, exitCode);
    QVERIFY2(finished.standardError.startsWith(message), qPrintable(finished.standardError));
    // One line saying what is wrong (a usage error adds the hint where help is), never a trace.
    const QStringList lines = finished.standardError.trimmed().split(u'\n');
    QVERIFY2(lines.size() <= (exitCode == 1 ? 2 : 1), qPrintable(finished.standardError));
}

void tst_Executable::portInUse()
{
    QTcpServer occupied;
    QVERIFY(occupied.listen(QHostAddress::LocalHost, 0));
    const Finished finished
        = runToEnd({u"--headless"_s, u"--db"_s, u":memory:"_s, u"--port"_s, QString::number(occupied.serverPort())});
    QCOMPARE(finished.exitCode, 3);
    QCOMPARE(finished.standardError.trimmed(),
             u"smart-sandbox: error: Cannot listen on 127.0.0.1 port %1: The bound address is already in use"_s.arg(
                 occupied.serverPort()));
}

void tst_Executable::stateSurvivesRestartAndLogIsWritten()
{
    QTemporaryDir dir;
    const QString database = dir.filePath(u"sandbox.sqlite"_s);
    const QStringList arguments = {u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, database};
    QString token;
    {
        QProcess process;
        const quint16 port = startServer(process, arguments);
        QVERIFY2(port != 0, process.readAllStandardError().constData());
        HttpClient http(port);
        const Reply registered = http.postJson(
            u"/oauth/register"_s,
            QByteArray("{\"client_name\":\"TESTCLIENT\",\"redirect_uris\":[\"https://tests.demo.syncfor.science/"
                       "authorized/\"],\"scope\":\"launch/patient patient/*.read offline_access\"}"));
        QCOMPARE(registered.status, 201);
        const Reply minted = http.postJson(u"/oauth/debug/token"_s,
                                           QJsonObject{{u"client_id"_s, registered.json()[u"client_id"_s]},
                                                       {u"username"_s, u"daniel-adams"_s},
                                                       {u"patient_id"_s, u"smart-1288992"_s}});
        QCOMPARE(minted.status, 200);
        token = minted.json()[u"access_token"_s].toString();
        QVERIFY(stop(process));
    }
    QProcess process;
    const quint16 port = startServer(process, arguments);
    QVERIFY(port != 0);
    HttpClient http(port);
    const QJsonObject info = http.get(u"/oauth/debug/introspect?token="_s + token).json();
    QCOMPARE(info[u"active"_s].toBool(false), true);
    QCOMPARE(info[u"username"_s].toString(), u"daniel-adams"_s);
    // The first run's two requests were written when SIGTERM stopped it.
    const QJsonObject requests = http.get(u"/admin/requests?limit=10"_s).json();
    QVERIFY(requests[u"requests"_s].toArray().size() >= 3);
    QCOMPARE(requests[u"requests"_s][0][u"path"_s].toString(), u"/oauth/register"_s);
    QVERIFY(stop(process));

    // --reset returns to the fixtures.
    QProcess reset;
    const quint16 resetPort = startServer(reset, arguments + QStringList{u"--reset"_s});
    QVERIFY(resetPort != 0);
    QCOMPARE(HttpClient(resetPort).get(u"/oauth/debug/introspect?token="_s + token).status, 400);
    QVERIFY(stop(reset));
}

void tst_Executable::importPrintsASummaryPerFile()
{
    QTemporaryDir dir;
    const QString database = dir.filePath(u"sandbox.sqlite"_s);
    const auto write = [&dir](const QString &name, const QByteArray &content) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            return QString();
        file.write(content);
        return file.fileName();
    };
    const QByteArray patient = "{\"resourceType\":\"Patient\",\"id\":\"imported-1\","
                               "\"name\":[{\"given\":[\"Ada\"],\"family\":\"Import\"}]}";
    const QByteArray observation = "{\"resourceType\":\"Observation\",\"id\":\"imported-obs\",\"status\":"
                                   "\"final\",\"subject\":{\"reference\":\"Patient/imported-1\"}}";
    const QString good = write(u"good.ndjson"_s, patient + '\n' + observation + '\n');
    const QString mixed = write(u"mixed.ndjson"_s, patient + "\n{\"resourceType\":\n" + observation + '\n');
    const QString missing = dir.filePath(u"missing.json"_s);

    Finished finished = runToEnd({u"--import"_s, good, u"--db"_s, database});
    QCOMPARE(finished.exitCode, 0);
    QVERIFY2(finished.standardError.isEmpty(), qPrintable(finished.standardError));
    QStringList lines = finished.standardOutput.trimmed().split(u'\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0], good + u": imported 2 resources (Observation 1, Patient 1); rejected 0"_s);
    QVERIFY2(lines[1].startsWith(u"Imported 2 resources from 1 file in "_s), qPrintable(lines[1]));

    finished = runToEnd({u"--db"_s, database, u"--import"_s, mixed});
    QCOMPARE(finished.exitCode, 5);
    lines = finished.standardOutput.trimmed().split(u'\n');
    QCOMPARE(lines[0], mixed + u": imported 2 resources (Observation 1, Patient 1); rejected 1"_s);
    QCOMPARE(lines[1], u"  line 2: not valid JSON: unterminated object at column 17"_s);
    QVERIFY2(lines[2].startsWith(u"Imported 2 resources from 1 file in "_s), qPrintable(lines[2]));
    QVERIFY2(lines[2].endsWith(u"; rejected 1."_s), qPrintable(lines[2]));

    finished = runToEnd({u"--db"_s, database, u"--import"_s, missing, good});
    QCOMPARE(finished.exitCode, 6);
    lines = finished.standardOutput.trimmed().split(u'\n');
    QCOMPARE(lines[0], missing + u" cannot be opened: No such file or directory"_s);
    QCOMPARE(lines[1], good + u": imported 2 resources (Observation 1, Patient 1); rejected 0"_s);
    QVERIFY2(lines[2].endsWith(u"; 1 file not imported."_s), qPrintable(lines[2]));

    // The server then serves what was imported: the third version of the patient.
    QProcess process;
    const quint16 port = startServer(process, {u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, database});
    QVERIFY(port != 0);
    const Reply read = HttpClient(port).get(u"/api/open-fhir/Patient/imported-1"_s);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json()[u"meta"_s][u"versionId"_s].toString(), u"3"_s);
    QVERIFY(stop(process));
}

void tst_Executable::selfCheckPassesOnItsOwnSandbox()
{
    const Finished finished = runToEnd({u"--self-check"_s});
    QVERIFY2(finished.exitCode == 0, qPrintable(finished.standardOutput + finished.standardError));
    QVERIFY(finished.standardOutput.startsWith(u"Checking http://127.0.0.1:"_s));
    QVERIFY2(finished.standardOutput.contains(u"20 checks, 20 passed, 0 failed"_s),
             qPrintable(finished.standardOutput));
    QVERIFY(!finished.standardOutput.contains(u"FAIL"_s));
}

// A sandbox that serves no smart-configuration: the check must fail, say where, and exit 1.
void tst_Executable::selfCheckReportsABrokenTarget()
{
    QProcess process;
    const quint16 port = startServer(
        process, {u"--headless"_s, u"--db"_s, u":memory:"_s, u"--port"_s, u"0"_s, u"--sample-patients"_s, u"0"_s});
    QVERIFY(port != 0);
    HttpClient http(port);
    QCOMPARE(
        http.send("PUT", u"/admin/discovery"_s, R"({"profile":"none"})", {{"Content-Type", "application/json"}}).status,
        200);
    const Finished finished = runToEnd({u"--self-check"_s, u"--url"_s, u"http://127.0.0.1:%1"_s.arg(port)});
    QCOMPARE(finished.exitCode, 1);
    static const QRegularExpression failedDiscovery(u"discovery: smart-configuration +FAIL .*404"_s);
    QVERIFY2(failedDiscovery.match(finished.standardOutput).hasMatch(), qPrintable(finished.standardOutput));
    QVERIFY(stop(process));
}

void tst_Executable::selfCheckReportsAnUnreachableTarget()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    } // closed again: nobody listens there now
    const Finished finished = runToEnd({u"--self-check"_s, u"--url"_s, u"http://127.0.0.1:%1"_s.arg(port)});
    QCOMPARE(finished.exitCode, 7);
    QVERIFY2(finished.standardOutput.contains(u"cannot reach http://127.0.0.1:%1"_s.arg(port)),
             qPrintable(finished.standardOutput));
}

void tst_Executable::scenarioPrintsItsLaunchUrl()
{
    QTemporaryDir dir;
    const QString database = dir.filePath(u"sandbox.sqlite"_s);
    const QStringList arguments = {u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, database};
    QString clientId;
    {
        // Prepares the database as a user would: a client with a launch URI and a saved scenario.
        QProcess process;
        const quint16 port = startServer(process, arguments);
        QVERIFY2(port != 0, process.readAllStandardError().constData());
        HttpClient http(port);
        const Reply registered = http.postJson(
            u"/oauth/register"_s,
            QByteArray(R"({"client_name":"Launcher","redirect_uris":["http://localhost:3000/cb"],)"
                       R"("token_endpoint_auth_method":"none","launch_uri":"http://localhost:3000/launch",)"
                       R"("scope":"launch patient/*.rs"})"));
        QCOMPARE(registered.status, 201);
        clientId = registered.json()[u"client_id"_s].toString();
        const Reply saved = http.postJson(u"/admin/scenarios"_s,
                                          QJsonObject{{u"name"_s, u"demo"_s},
                                                      {u"client_id"_s, clientId},
                                                      {u"username"_s, u"daniel-adams"_s},
                                                      {u"patient_id"_s, u"smart-1288992"_s}});
        QCOMPARE(saved.status, 201);
        QVERIFY(stop(process));
    }
    QProcess process;
    const quint16 port = startServer(process, arguments + QStringList{u"--scenario"_s, u"demo"_s});
    QVERIFY2(port != 0, process.readAllStandardError().constData());
    static const QRegularExpression launchLine(u"^launch: (\\S+)$"_s, QRegularExpression::MultilineOption);
    QByteArray output;
    QRegularExpressionMatch match;
    while (!(match = launchLine.match(QString::fromUtf8(output))).hasMatch() && process.waitForReadyRead(s_timeoutMs))
        output += process.readAllStandardOutput();
    QVERIFY2(match.hasMatch(), output.constData());
    const QUrl launchUrl(match.captured(1));
    QCOMPARE(launchUrl.toString(QUrl::RemoveQuery), u"http://localhost:3000/launch"_s);
    const QString iss = u"http://127.0.0.1:%1/api/fhir"_s.arg(port);
    QCOMPARE(QUrlQuery(launchUrl).queryItemValue(u"iss"_s, QUrl::FullyDecoded), iss);
    QVERIFY(!QUrlQuery(launchUrl).queryItemValue(u"launch"_s).isEmpty());
    QVERIFY(stop(process));

    const Finished unknown = runToEnd(arguments + QStringList{u"--scenario"_s, u"nothing"_s});
    QCOMPARE(unknown.exitCode, 8);
    QVERIFY2(unknown.standardError.contains(u"nothing"_s), qPrintable(unknown.standardError));
}

void tst_Executable::configExportAndImport()
{
    QTemporaryDir dir;
    const QString database = dir.filePath(u"sandbox.sqlite"_s);
    const QString file = dir.filePath(u"config.json"_s);
    const QStringList arguments = {u"--db"_s, database};
    {
        QProcess process;
        const quint16 port = startServer(process, arguments + QStringList{u"--headless"_s, u"--port"_s, u"0"_s});
        QVERIFY(port != 0);
        HttpClient http(port);
        QCOMPARE(http.postJson(u"/admin/faults"_s, QByteArray(R"({"endpoint":"/oauth/token","status":503})")).status,
                 201);
        QVERIFY(stop(process));
    }
    const Finished exported = runToEnd(arguments + QStringList{u"--export-config"_s, file});
    QCOMPARE(exported.exitCode, 0);
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QJsonObject document = QJsonDocument::fromJson(written.readAll()).object();
    QCOMPARE(document[u"faults"_s].toArray().size(), 1);
    QCOMPARE(document[u"faults"_s][0][u"status"_s].toInt(), 503);

    // A broken file changes nothing and says why.
    const QString broken = dir.filePath(u"broken.json"_s);
    QFile brokenFile(broken);
    QVERIFY(brokenFile.open(QIODevice::WriteOnly));
    brokenFile.write(R"({"format":"smart-sandbox-configuration","version":1,"clients":5})");
    brokenFile.close();
    const Finished rejected = runToEnd(arguments + QStringList{u"--import-config"_s, broken});
    QCOMPARE(rejected.exitCode, 6);
    QVERIFY2(rejected.standardError.contains(u"clients"_s), qPrintable(rejected.standardError));
    const Finished missing = runToEnd(arguments + QStringList{u"--import-config"_s, dir.filePath(u"none.json"_s)});
    QCOMPARE(missing.exitCode, 6);

    // Reset, then import: the fault rule is back.
    QProcess reset;
    const quint16 resetPort
        = startServer(reset, arguments + QStringList{u"--headless"_s, u"--port"_s, u"0"_s, u"--reset"_s});
    QVERIFY(resetPort != 0);
    // An answer means the event loop (and its SIGTERM handler) runs.
    QCOMPARE(HttpClient(resetPort).get(u"/admin/faults"_s).body, QByteArray("[]"));
    QVERIFY(stop(reset));
    const Finished imported = runToEnd(arguments + QStringList{u"--import-config"_s, file});
    QCOMPARE(imported.exitCode, 0);
    QProcess process;
    const quint16 port = startServer(process, arguments + QStringList{u"--headless"_s, u"--port"_s, u"0"_s});
    QVERIFY(port != 0);
    const QJsonArray rules = QJsonDocument::fromJson(HttpClient(port).get(u"/admin/faults"_s).body).array();
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules.first()[u"status"_s].toInt(), 503);
    QVERIFY(stop(process));
}

QTEST_GUILESS_MAIN(tst_Executable)
#include "tst_executable.moc"
