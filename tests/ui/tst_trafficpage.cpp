// SPDX-License-Identifier: Apache-2.0
// The Traffic tab on a real sandbox: findings marked in the table and listed in the detail pane,
// JWTs decoded with their signatures checked, "copy as curl" commands that /usr/bin/curl runs to
// the same status and body, replay, HAR export of all or selected rows, and Clear.

#include "columnfilterproxy.h"
#include "exchangeview.h"
#include "oauth/clientregistry.h"
#include "oauth/jose.h"
#include "oauth/serverkeys.h"
#include "oauth/tokenservice.h"
#include "requestlogmodel.h"
#include "server/requestlog.h"
#include "server/requestreplayer.h"
#include "testsupport.h"
#include "trafficpage.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QClipboard>
#include <QDateTime>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

struct CurlRun
{
    int status = 0;
    QByteArray body;
    QString error;
};

// Runs a copied command as a POSIX shell would, with options that report status and body.
CurlRun runCurl(const QString &command, const QString &folder)
{
    const QString bodyFile = folder + u"/curl-body"_s;
    QFile::remove(bodyFile);
    QProcess shell;
    shell.setProgram(u"/bin/sh"_s);
    shell.setArguments(
        {u"-c"_s, command + u" --silent --show-error --output "_s + bodyFile + u" --write-out '%{http_code}'"_s});
    QSignalSpy finished(&shell, &QProcess::finished);
    shell.start();
    CurlRun run;
    // The server answers on this thread's event loop: wait with the loop running.
    if (!finished.wait(30'000)) {
        run.error = u"curl did not finish"_s;
        shell.kill();
        shell.waitForFinished();
        return run;
    }
    run.status = shell.readAllStandardOutput().trimmed().toInt();
    run.error = QString::fromLocal8Bit(shell.readAllStandardError());
    QFile file(bodyFile);
    if (file.open(QIODevice::ReadOnly))
        run.body = file.readAll();
    return run;
}

UiHelpers::Confirmer answer(bool yes, int *asked)
{
    return [yes, asked](QWidget *, const QString &, const QString &, const QString &) {
        ++*asked;
        return yes;
    };
}

} // namespace

class tst_TrafficPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void findingsAreMarked();
    void filterMatchesTheShownColumns_data();
    void filterMatchesTheShownColumns();
    void clientColumnNamesTheClient();
    void copyAsCurlRunsWithCurl_data();
    void copyAsCurlRunsWithCurl();
    void copyShortcuts();
    void jwtsAreDecodedAndChecked();
    void jwtTimesFollowTheClockWhileShown();
    void timeColumnUsesTheSandboxClock();
    void replaySendsAgain();
    void exportsHar();
    void clearEmptiesViewAndLog();
};

void tst_TrafficPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiHelpers::installTranslator(u"en"_s);
    QVERIFY2(QFile::exists(u"/usr/bin/curl"_s), "scripts/install-deps.sh installs curl");
}

void tst_TrafficPage::findingsAreMarked()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    // Introspection without any credentials: refused, with a finding that says why.
    QCOMPARE(running.http().postForm(u"/oauth/introspect"_s, {{u"token"_s, u"x"_s}}).status, 401);
    page.model()->flushPending();
    QCOMPARE(page.model()->rowCount(), 2);

    const QModelIndex clean = page.model()->index(0, RequestLogModel::FindingsColumn);
    const QModelIndex marked = page.model()->index(1, RequestLogModel::FindingsColumn);
    QVERIFY(clean.data().toString().isEmpty());
    QVERIFY(!clean.data(Qt::ToolTipRole).isValid());
    QCOMPARE(marked.data().toString(), u"⚠"_s);
    const QString toolTip = marked.data(Qt::ToolTipRole).toString();
    QVERIFY2(toolTip.startsWith(u"1 finding:\n• Introspection needs"_s), qPrintable(toolTip));
    QVERIFY(marked.data(Qt::ForegroundRole).isValid());
    QVERIFY(!page.model()
                 ->headerData(RequestLogModel::FindingsColumn, Qt::Horizontal, Qt::ToolTipRole)
                 .toString()
                 .isEmpty());

    auto *findings = page.findChild<QLabel *>(u"findingsLabel"_s);
    page.view()->selectRow(0);
    QVERIFY(findings->isHidden());
    page.view()->selectRow(1);
    QVERIFY(!findings->isHidden());
    QCOMPARE(findings->text(), toolTip);
}

void tst_TrafficPage::filterMatchesTheShownColumns_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("shownPaths");
    const QString status = u"/admin/status"_s;
    const QString patient = u"/api/fhir/Patient/smart-1288992"_s;
    const QString missing = u"/no/such/path"_s;
    QTest::newRow("nothing: all") << QString() << QStringList{status, patient, missing};
    QTest::newRow("method") << u"GET"_s << QStringList{status, patient, missing};
    QTest::newRow("path, any case") << u"PATIENT/SMART"_s << QStringList{patient};
    QTest::newRow("query") << u"_summary=true"_s << QStringList{patient};
    QTest::newRow("status") << u"404"_s << QStringList{missing};
    QTest::newRow("client id") << u"test-suite"_s << QStringList{patient};
    QTest::newRow("client name") << u"s4s TEST"_s << QStringList{patient};
    QTest::newRow("across columns: nothing") << u"GET /admin"_s << QStringList{};
    QTest::newRow("no match") << u"zzz"_s << QStringList{};
}

void tst_TrafficPage::filterMatchesTheShownColumns()
{
    QFETCH(QString, text);
    QFETCH(QStringList, shownPaths);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    QAbstractItemModelTester tester(page.view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    DebugTokenRequest request;
    request.clientId = u"test-suite"_s;
    request.username = u"daniel-adams"_s;
    request.patientId = u"smart-1288992"_s;
    Result<TokenView> minted = running.sandbox().tokens().mintDebugToken(request);
    QVERIFY(minted);
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    QCOMPARE(running.http()
                 .get(u"/api/fhir/Patient/smart-1288992?_summary=true"_s,
                      {{"Authorization", "Bearer " + minted->token.accessToken.toUtf8()}})
                 .status,
             200);
    QCOMPARE(running.http().get(u"/no/such/path"_s).status, 404);
    page.model()->flushPending();
    page.view()->selectRow(1);

    page.filterEdit()->setText(text); // as typed
    QStringList paths;
    for (int row = 0; row < page.view()->model()->rowCount(); ++row)
        paths.append(
            page.view()->model()->index(row, RequestLogModel::PathColumn).data().toString().section(u'?', 0, 0));
    QCOMPARE(paths, shownPaths);
    // The selected row stays selected while the filter shows it.
    const bool patientShown = shownPaths.contains(u"/api/fhir/Patient/smart-1288992"_s);
    QCOMPARE(page.currentEntry().has_value() && page.currentEntry()->path == u"/api/fhir/Patient/smart-1288992"_s,
             patientShown);
}

// The Client column shows the name the client registered with, and follows a rename and a
// removal (then only the id is left to show); the filter finds the rows by the name shown.
void tst_TrafficPage::clientColumnNamesTheClient()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    QAbstractItemModelTester tester(page.view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const TestSupport::Reply registered
        = running.http().postJson(u"/oauth/register"_s,
                                  QJsonObject{{u"client_name"_s, u"Heart Rate Diary"_s},
                                              {u"redirect_uris"_s, QJsonArray{u"http://localhost:9001/cb"_s}}});
    QCOMPARE(registered.status, 201);
    const QString clientId = registered.json().value(u"client_id"_s).toString();
    DebugTokenRequest request;
    request.clientId = clientId;
    request.username = u"daniel-adams"_s;
    request.patientId = u"smart-1288992"_s;
    Result<TokenView> minted = running.sandbox().tokens().mintDebugToken(request);
    QVERIFY(minted);
    QCOMPARE(running.http()
                 .get(u"/api/fhir/Patient/smart-1288992"_s,
                      {{"Authorization", "Bearer " + minted->token.accessToken.toUtf8()}})
                 .status,
             200);
    page.model()->flushPending();
    const auto clientCells = [&] {
        QStringList cells;
        for (int row = 0; row < page.view()->model()->rowCount(); ++row) {
            const QModelIndex index = page.view()->model()->index(row, RequestLogModel::ClientColumn);
            if (!index.data().toString().isEmpty())
                cells.append(index.data().toString() + u" | "_s + index.data(Qt::ToolTipRole).toString());
        }
        return cells;
    };
    // Two rows name it: its registration and its FHIR read.
    QCOMPARE(clientCells(), QStringList(2, u"Heart Rate Diary | Heart Rate Diary\nclient_id: %1"_s.arg(clientId)));
    // The selected exchange's summary line names it too.
    page.view()->selectRow(page.view()->model()->rowCount() - 1);
    const auto *summary = page.findChild<QLabel *>(u"summaryLabel"_s);
    QVERIFY(summary);
    QVERIFY2(summary->text().endsWith(u"client Heart Rate Diary (%1)"_s.arg(clientId)), qPrintable(summary->text()));

    const Result<Client> renamed = running.sandbox().clients().update(
        clientId,
        QJsonObject{{u"client_name"_s, u"Pulse Journal"_s},
                    {u"redirect_uris"_s, QJsonArray{u"http://localhost:9001/cb"_s}}});
    QVERIFY(renamed);
    QCOMPARE(clientCells(), QStringList(2, u"Pulse Journal | Pulse Journal\nclient_id: %1"_s.arg(clientId)));
    page.filterEdit()->setText(u"pulse"_s);
    QCOMPARE(page.view()->model()->rowCount(), 2);
    page.filterEdit()->setText(u"heart rate"_s);
    QCOMPARE(page.view()->model()->rowCount(), 0);
    page.filterEdit()->clear();

    QVERIFY(running.sandbox().clients().remove(clientId));
    QCOMPARE(clientCells(), QStringList(2, u"%1 | client_id: %1"_s.arg(clientId)));
}

void tst_TrafficPage::copyAsCurlRunsWithCurl_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("authorization");
    QTest::newRow("get discovery") << QByteArray("GET") << u"/api/fhir/.well-known/smart-configuration"_s
                                   << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("form with basic auth and quotes")
        << QByteArray("POST") << u"/oauth/introspect"_s << QByteArray("token=it%27s+%22not%22+a+token")
        << QByteArray("application/x-www-form-urlencoded")
        << QByteArray("Basic " + QByteArray("test-suite:demo-secret-s4s").toBase64());
    QTest::newRow("bad json with quotes")
        << QByteArray("POST") << u"/oauth/register"_s << QByteArray("{\"client_name\": \"O'Brien's $HOME `app`\",")
        << QByteArray("application/json") << QByteArray();
    QTest::newRow("query with quote") << QByteArray("GET") << u"/oauth/debug/introspect?token=O%27Brien"_s
                                      << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("wrong method") << QByteArray("PUT") << u"/oauth/register"_s << QByteArray() << QByteArray()
                                  << QByteArray();
}

void tst_TrafficPage::copyAsCurlRunsWithCurl()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, authorization);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    page.setBaseUrl(running.http().base());
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    if (!authorization.isEmpty())
        headers.append({"Authorization", authorization});
    const Reply original = running.http().send(method, path, body, headers);
    QVERIFY(original.status != 0);
    page.model()->flushPending();
    QCOMPARE(page.model()->rowCount(), 1);
    page.view()->selectRow(0);

    QGuiApplication::clipboard()->clear();
    auto *copy = page.findChild<QAction *>(u"copyCurlAction"_s);
    QVERIFY(copy->isEnabled());
    copy->trigger();
    const QString command = QGuiApplication::clipboard()->text();
    QVERIFY2(command.startsWith(u"curl "_s), qPrintable(command));
    QVERIFY2(!command.contains(u"Host:"_s) && !command.contains(u"Content-Length"_s), qPrintable(command));

    QTemporaryDir folder;
    const CurlRun run = runCurl(command, folder.path());
    QVERIFY2(run.error.isEmpty(), qPrintable(run.error + u"\n"_s + command));
    QCOMPARE(run.status, original.status);
    QCOMPARE(run.body, original.body);
    // The server saw the same request again.
    page.model()->flushPending();
    QCOMPARE(page.model()->rowCount(), 2);
    const RequestLogEntry first = page.model()->entry(0);
    const RequestLogEntry second = page.model()->entry(1);
    QCOMPARE(second.method, first.method);
    QCOMPARE(second.path, first.path);
    QCOMPARE(second.query, first.query);
    QCOMPARE(second.requestBody, first.requestBody);
}

void tst_TrafficPage::copyShortcuts()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    page.setBaseUrl(running.http().base());
    page.show();
    QVERIFY(QTest::qWaitForWindowActive(&page));
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    page.model()->flushPending();
    page.view()->selectRow(0);
    const QString expected = u"curl '%1/admin/status'"_s.arg(running.http().base());

    page.view()->setFocus();
    QGuiApplication::clipboard()->clear();
    QTest::keyClick(page.view(), Qt::Key_C, Qt::ControlModifier); // Ctrl+C in the table
    QCOMPARE(QGuiApplication::clipboard()->text().left(expected.size()), expected);

    auto *response = page.findChild<QPlainTextEdit *>(u"responseEdit"_s);
    response->setFocus();
    QGuiApplication::clipboard()->clear();
    QTest::keyClick(response, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier); // anywhere on the page
    QCOMPARE(QGuiApplication::clipboard()->text().left(expected.size()), expected);
}

void tst_TrafficPage::jwtsAreDecodedAndChecked()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    auto *jwtEdit = page.findChild<QPlainTextEdit *>(u"jwtEdit"_s);
    QVERIFY(jwtEdit);

    // A bearer token the sandbox signed, with times.
    const qint64 now = s_epochMs / 1000;
    const QString signedByServer
        = running.sandbox()
              .keys()
              .sign(QJsonObject{{u"sub"_s, u"daniel-adams"_s}, {u"iat"_s, now}, {u"exp"_s, now + 3600}})
              .value();
    QCOMPARE(running.http().get(u"/admin/status"_s, {{"Authorization", "Bearer " + signedByServer.toLatin1()}}).status,
             200);

    // A backend client's assertion, checked against the key set it registered.
    const QJsonObject key = Jose::generateKey(u"ES384"_s).value();
    const Reply registered
        = running.http().postJson(u"/oauth/register"_s,
                                  QJsonObject{{u"client_name"_s, u"Backend"_s},
                                              {u"grant_types"_s, QJsonArray{u"client_credentials"_s}},
                                              {u"token_endpoint_auth_method"_s, u"private_key_jwt"_s},
                                              {u"jwks"_s, QJsonObject{{u"keys"_s, QJsonArray{Jose::publicKey(key)}}}},
                                              {u"scope"_s, u"system/Patient.rs"_s}});
    QCOMPARE(registered.status, 201);
    const QString clientId = registered.json().value(u"client_id"_s).toString();
    const QString assertion = Jose::sign(QJsonObject{{u"iss"_s, clientId},
                                                     {u"sub"_s, clientId},
                                                     {u"aud"_s, QString(running.http().base() + u"/oauth/token"_s)},
                                                     {u"exp"_s, now + 240},
                                                     {u"jti"_s, u"jti-1"_s}},
                                         key)
                                  .value();
    const Reply token = running.http().postForm(
        u"/oauth/token"_s,
        {{u"grant_type"_s, u"client_credentials"_s},
         {u"scope"_s, u"system/Patient.rs"_s},
         {u"client_assertion_type"_s, u"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"_s},
         {u"client_assertion"_s, assertion}});
    QCOMPARE(token.status, 200);
    // A JWT signed by nobody the sandbox knows.
    const QString stranger
        = Jose::sign(QJsonObject{{u"iss"_s, u"https://elsewhere.example"_s}}, Jose::generateKey(u"RS256"_s).value())
              .value();
    QCOMPARE(running.http().get(u"/missing?id_token_hint="_s + stranger).status, 404);
    page.model()->flushPending();
    QCOMPARE(page.model()->rowCount(), 4);

    page.view()->selectRow(0);
    QString text = jwtEdit->toPlainText();
    QVERIFY2(text.startsWith(u"Bearer token in the Authorization header\n✔ Signature valid: signed with this "
                             "sandbox's key (kid %1)"_s.arg(running.sandbox().keys().keyId())),
             qPrintable(text));
    QVERIFY2(text.contains(u"\"sub\": \"daniel-adams\""_s), qPrintable(text)); // pretty-printed payload
    QVERIFY2(text.contains(u"\"alg\": \"RS256\""_s), qPrintable(text));
    QVERIFY2(text.contains(u"15 January 2026 10:00:00"_s), qPrintable(text)); // iat as a date, UTC
    QVERIFY2(text.contains(u"15 January 2026 11:00:00"_s), qPrintable(text)); // exp
    QVERIFY2(text.contains(u"(in 1 h 0 min)"_s), qPrintable(text));
    auto *tabs = page.findChild<QTabWidget *>(u"exchangeTabWidget"_s);
    QCOMPARE(tabs->tabText(2), u"JWTs (1)"_s);

    page.view()->selectRow(2);
    text = jwtEdit->toPlainText();
    QVERIFY2(text.startsWith(u"Form field client_assertion of the request\n✔ Signature valid: checked with the keys "
                             "client %1 registered"_s.arg(clientId)),
             qPrintable(text));
    QCOMPARE(tabs->tabText(2), u"JWTs (1)"_s); // the opaque access token in the response is no JWT

    page.view()->selectRow(3);
    QVERIFY2(jwtEdit->toPlainText().startsWith(u"Query parameter id_token_hint\nSignature not checked: key unknown"_s),
             qPrintable(jwtEdit->toPlainText()));

    page.view()->selectRow(1);
    QCOMPARE(jwtEdit->toPlainText(), u"No JSON Web Token in this exchange."_s);
    QCOMPARE(tabs->tabText(2), u"JWTs (0)"_s);
}

void tst_TrafficPage::jwtTimesFollowTheClockWhileShown()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    auto *jwtEdit = page.findChild<QPlainTextEdit *>(u"jwtEdit"_s);
    auto *tabs = page.findChild<QTabWidget *>(u"exchangeTabWidget"_s);
    const qint64 now = s_epochMs / 1000;
    const QString token = running.sandbox().keys().sign(QJsonObject{{u"iat"_s, now}, {u"exp"_s, now + 3600}}).value();
    QCOMPARE(running.http().get(u"/admin/status"_s, {{"Authorization", "Bearer " + token.toLatin1()}}).status, 200);
    page.model()->flushPending();
    page.view()->selectRow(0);
    tabs->setCurrentWidget(jwtEdit);
    QVERIFY2(jwtEdit->toPlainText().contains(u"(in 1 h 0 min)"_s), qPrintable(jwtEdit->toPlainText()));

    // The clock moves on while the pane is shown: the pane follows without a new selection.
    running.clock().advanceSeconds(56 * 60);
    QTRY_VERIFY2(jwtEdit->toPlainText().contains(u"(in 4 min 0 s)"_s), qPrintable(jwtEdit->toPlainText()));
    // Time travel too, at once.
    running.clock().setOffsetMs(10 * 60 * 1000);
    QVERIFY2(jwtEdit->toPlainText().contains(u"ago)"_s), qPrintable(jwtEdit->toPlainText()));
}

void tst_TrafficPage::timeColumnUsesTheSandboxClock()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    running.clock().setOffsetMs(2 * 3600 * 1000); // time travel: two hours ahead
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    page.model()->flushPending();
    QCOMPARE(page.model()->rowCount(), 2);
    // The manual clock says 10:00, and 12:00 after the travel, as token times would (less the
    // moment the request took); TZ=UTC.
    const QList<qint64> expected = {s_epochMs, s_epochMs + 2 * 3600 * 1000};
    for (int row = 0; row < 2; ++row) {
        const QModelIndex index = page.model()->index(row, RequestLogModel::TimeColumn);
        const qint64 startedAtMs = index.data(RequestLogModel::EntryRole).value<RequestLogEntry>().startedAtMs;
        QVERIFY2(startedAtMs <= expected.at(row) && startedAtMs > expected.at(row) - 5000,
                 qPrintable(QString::number(startedAtMs - expected.at(row))));
        QCOMPARE(index.data().toString(),
                 QDateTime::fromMSecsSinceEpoch(startedAtMs, Qt::UTC).toString(u"HH:mm:ss.zzz"_s));
        QVERIFY(index.data(Qt::ToolTipRole).toString().contains(u"2026"_s));
    }
    QVERIFY(page.model()->index(1, RequestLogModel::TimeColumn).data().toString().startsWith(u"1"_s));
}

void tst_TrafficPage::replaySendsAgain()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    QCOMPARE(running.http()
                 .postJson(u"/oauth/debug/token"_s,
                           QJsonObject{{u"client_id"_s, u"test-suite"_s},
                                       {u"username"_s, u"daniel-adams"_s},
                                       {u"patient_id"_s, u"smart-1032702"_s}})
                 .status,
             200);
    page.model()->flushPending();
    auto *replay = page.findChild<QAction *>(u"replayAction"_s);
    QVERIFY(!replay->isEnabled()); // nothing selected
    page.view()->selectRow(0);
    QVERIFY(replay->isEnabled());

    QSignalSpy messages(&page, &TrafficPage::reported);
    QSignalSpy replayed(page.replayer(), &RequestReplayer::replayed);
    replay->trigger();
    QVERIFY(replayed.wait(10'000));
    QCOMPARE(replayed.at(0).at(1).toInt(), 200);
    QCOMPARE(messages.last().at(0).toString(), u"Replayed: the server answered 200"_s);
    page.model()->flushPending();
    QCOMPARE(page.model()->rowCount(), 2);
    QCOMPARE(page.model()->entry(1).path, u"/oauth/debug/token"_s);
    QCOMPARE(page.model()->entry(1).requestBody, page.model()->entry(0).requestBody);

    running.sandbox().stop();
    replay->trigger();
    QVERIFY2(messages.last().at(0).toString().contains(u"stopped"_s), qPrintable(messages.last().at(0).toString()));
}

void tst_TrafficPage::exportsHar()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    page.setBaseUrl(running.http().base());
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    QCOMPARE(running.http().get(u"/missing?x=1"_s).status, 404);
    QCOMPARE(running.http().postForm(u"/oauth/introspect"_s, {{u"token"_s, u"x"_s}}).status, 401);
    page.model()->flushPending();

    QTemporaryDir folder;
    QStringList asked;
    page.setSaveFileChooser([&](QWidget *, const QString &, const QString &suggested, const QString &) {
        asked.append(suggested);
        return folder.filePath(u"export-%1.har"_s.arg(asked.size()));
    });
    const auto read = [](const QString &fileName) {
        QFile file(fileName);
        if (!file.open(QIODevice::ReadOnly))
            return QJsonObject();
        return QJsonDocument::fromJson(file.readAll()).object().value(u"log"_s).toObject();
    };

    QSignalSpy messages(&page, &TrafficPage::reported);
    page.findChild<QAction *>(u"exportHarAction"_s)->trigger();
    QCOMPARE(asked.size(), 1);
    QVERIFY2(messages.last().at(0).toString().startsWith(u"Exported 3 requests to "_s),
             qPrintable(messages.last().at(0).toString()));
    QVERIFY2(asked.at(0).endsWith(u".har"_s), qPrintable(asked.at(0)));
    QJsonObject log = read(folder.filePath(u"export-1.har"_s));
    QCOMPARE(log.value(u"version"_s).toString(), u"1.2"_s);
    QJsonArray entries = log.value(u"entries"_s).toArray();
    QCOMPARE(entries.size(), 3);
    for (int row = 0; row < 3; ++row) {
        const RequestLogEntry source = page.model()->entry(row);
        const QJsonObject entry = entries.at(row).toObject();
        const QJsonObject request = entry.value(u"request"_s).toObject();
        QCOMPARE(request.value(u"method"_s).toString(), source.method);
        QVERIFY(request.value(u"url"_s).toString().startsWith(running.http().base() + source.path));
        QCOMPARE(entry.value(u"response"_s).toObject().value(u"status"_s).toInt(), source.status);
        QCOMPARE(entry.value(u"response"_s).toObject().value(u"content"_s).toObject().value(u"text"_s).toString(),
                 QString::fromUtf8(source.responseBody));
    }
    QCOMPARE(entries.at(2).toObject().value(u"_findings"_s).toArray().size(), 1);

    // The filter narrows "all"; a selection exports just the selected rows.
    page.filterEdit()->setText(u"missing"_s);
    QVERIFY(page.exportHar(false));
    QCOMPARE(read(folder.filePath(u"export-2.har"_s)).value(u"entries"_s).toArray().size(), 1);
    QVERIFY(messages.last().at(0).toString().startsWith(u"Exported 1 request to "_s));
    page.filterEdit()->clear();
    page.view()->selectionModel()->select(page.view()->model()->index(0, 0),
                                          QItemSelectionModel::Select | QItemSelectionModel::Rows);
    page.view()->selectionModel()->select(page.view()->model()->index(2, 0),
                                          QItemSelectionModel::Select | QItemSelectionModel::Rows);
    page.findChild<QAction *>(u"exportSelectedHarAction"_s)->trigger();
    entries = read(folder.filePath(u"export-3.har"_s)).value(u"entries"_s).toArray();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).toObject().value(u"request"_s).toObject().value(u"url"_s).toString(),
             running.http().base() + u"/admin/status"_s);
    QCOMPARE(entries.at(1).toObject().value(u"request"_s).toObject().value(u"url"_s).toString(),
             running.http().base() + u"/oauth/introspect"_s);
    // The next export starts in the folder of the last one.
    page.findChild<QAction *>(u"exportHarAction"_s)->trigger();
    QVERIFY2(asked.last().startsWith(folder.path()), qPrintable(asked.last()));

    // Cancelled: nothing written.
    page.setSaveFileChooser([](QWidget *, const QString &, const QString &, const QString &) { return QString(); });
    QVERIFY(!page.exportHar(false));
}

void tst_TrafficPage::clearEmptiesViewAndLog()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TrafficPage page(running.sandbox());
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    page.model()->flushPending();
    QVERIFY(running.sandbox().requestLog().flush());
    int asked = 0;
    page.setConfirmer(answer(false, &asked));
    page.findChild<QAction *>(u"clearAction"_s)->trigger();
    QCOMPARE(asked, 1);
    QCOMPARE(page.model()->rowCount(), 1);

    page.setConfirmer(answer(true, &asked));
    page.view()->selectRow(0);
    QVERIFY(page.clearLog());
    QCOMPARE(asked, 2);
    QCOMPARE(page.model()->rowCount(), 0);
    QCOMPARE(running.sandbox().requestLog().storedCount().value(), 0);
    QVERIFY(page.findChild<QPlainTextEdit *>(u"requestEdit"_s)->toPlainText().isEmpty());
    QVERIFY(!page.findChild<QAction *>(u"clearAction"_s)->isEnabled());
}

QTEST_MAIN(tst_TrafficPage)
#include "tst_trafficpage.moc"
