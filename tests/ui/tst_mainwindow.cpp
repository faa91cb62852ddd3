// SPDX-License-Identifier: Apache-2.0
// The main window offscreen on a real sandbox: the server bar's URLs and copy buttons, Reset (the
// confirmation answered by the test) emptying and refilling the views, the Mint dialog producing a
// token the TokenService knows, Traffic's table, filter and detail pane, token actions, Ctrl+F,
// time travel from the server bar (countdowns and introspection follow), and stopping and
// starting the listener.

#include "clientdialog.h"
#include "clientmodel.h"
#include "clientspage.h"
#include "columnfilterproxy.h"
#include "launchdialog.h"
#include "mainwindow.h"
#include "mintdialog.h"
#include "oauth/clientregistry.h"
#include "oauth/serverkeys.h"
#include "oauth/tokenservice.h"
#include "requestlogmodel.h"
#include "server/portalserver.h"
#include "settingsdialog.h"
#include "testsupport.h"
#include "timetraveldialog.h"
#include "timetravelwidget.h"
#include "tokenmodel.h"
#include "tokenspage.h"
#include "trafficpage.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QGuiApplication>
#include <QIcon>
#include <QImage>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

struct RecordingConfirmer
{
    bool answer = true;
    QStringList questions;

    UiHelpers::Confirmer confirmer()
    {
        return [this](QWidget *, const QString &, const QString &text, const QString &) {
            questions.append(text);
            return answer;
        };
    }
};

} // namespace

class tst_MainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void copyButtonsCopyTheUrls();
    void resetEmptiesAndRefillsTheViews();
    void declinedResetChangesNothing();
    void mintDialogMintsAKnownToken();
    void mintDialogValidatesScopeAsTyped();
    void trafficShowsExchangesAndDetail();
    void tokenActionsRevokeAndExpire();
    void findFocusesTheCurrentFilter();
    void timeTravelMovesEveryClock();
    void stopAndStartTheListener();
    void windowHasTheAppIcon();
    void exportAndImportTheConfiguration();
};

void tst_MainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // window settings go to a test folder
    UiHelpers::installTranslator(u"en"_s); // the English plural forms
}

void tst_MainWindow::copyButtonsCopyTheUrls()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    const QString base = u"http://127.0.0.1:%1"_s.arg(running.port());
    QCOMPARE(window.baseUrl(), base);
    const QList<QPair<QString, QString>> expected = {
        {u"copyFhirBaseButton"_s, base + u"/api/fhir"_s},
        {u"copySmartConfigurationButton"_s, base + u"/api/fhir/.well-known/smart-configuration"_s},
        {u"copyRegisterButton"_s, base + u"/oauth/register"_s},
    };
    for (const auto &[name, url] : expected) {
        auto *button = window.findChild<QToolButton *>(name);
        QVERIFY2(button, qPrintable(name));
        QGuiApplication::clipboard()->clear();
        button->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), url);
    }
    QCOMPARE(window.findChild<QLineEdit *>(u"fhirBaseEdit"_s)->text(), base + u"/api/fhir"_s);
    QCOMPARE(window.findChild<QLabel *>(u"stateLabel"_s)->text(), u"● Running"_s);
    // The smart-configuration URL it copies is the one the server answers.
    QCOMPARE(running.http().get(u"/api/fhir/.well-known/smart-configuration"_s).status, 200);
}

void tst_MainWindow::resetEmptiesAndRefillsTheViews()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    RecordingConfirmer confirm;
    window.setConfirmer(confirm.confirmer());

    const Reply registered
        = running.http().postJson(u"/oauth/register"_s,
                                  QJsonObject{{u"client_name"_s, u"Over HTTP"_s},
                                              {u"redirect_uris"_s, QJsonArray{u"http://localhost:3000/cb"_s}}});
    QCOMPARE(registered.status, 201);
    DebugTokenRequest request;
    request.clientId = u"test-suite"_s;
    request.username = u"joseph-ross"_s;
    request.patientId = u"smart-1081332"_s;
    QVERIFY(running.sandbox().tokens().mintDebugToken(request));
    window.tokensPage()->model()->flushPending();
    QTableView *clientsView = window.clientsPage()->view();
    QCOMPARE(clientsView->model()->rowCount(), 3);
    QCOMPARE(window.tokensPage()->view()->model()->rowCount(), 1);

    QSignalSpy clientsReset(clientsView->model(), &QAbstractItemModel::modelReset);
    QVERIFY(window.resetSandbox());
    QCOMPARE(confirm.questions.size(), 1);
    QVERIFY2(confirm.questions.at(0).contains(u"1 client registered"_s), qPrintable(confirm.questions.at(0)));
    QVERIFY(confirm.questions.at(0).contains(u"1 token, with the approval it"_s));
    QVERIFY(confirm.questions.at(0).contains(u"request log is kept"_s));
    QCOMPARE(clientsReset.size(), 1); // emptied and refilled in one step
    QCOMPARE(clientsView->model()->rowCount(), 2);
    QVERIFY(window.clientsPage()->model()->rowOf(registered.json().value(u"client_id"_s).toString()) < 0);
    QCOMPARE(window.tokensPage()->view()->model()->rowCount(), 0);
}

void tst_MainWindow::declinedResetChangesNothing()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    RecordingConfirmer confirm;
    confirm.answer = false;
    window.setConfirmer(confirm.confirmer());
    QVERIFY(running.sandbox().clients().remove(u"api-test"_s));
    QSignalSpy resetDone(&running.sandbox(), &Sandbox::resetDone);
    QVERIFY(!window.resetSandbox());
    QCOMPARE(confirm.questions.size(), 1);
    QCOMPARE(resetDone.size(), 0);
    QCOMPARE(window.clientsPage()->model()->rowCount(), 1);
}

void tst_MainWindow::mintDialogMintsAKnownToken()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    MintDialog dialog(running.sandbox(), &window);
    QVERIFY(dialog.selectClient(u"api-test"_s));
    QCOMPARE(dialog.findChild<QLineEdit *>(u"scopeEdit"_s)->text(), u"launch/patient patient/*.read offline_access"_s);
    QVERIFY(dialog.selectUser(u"daniel-adams"_s));
    auto *patients = dialog.findChild<QComboBox *>(u"patientCombo"_s);
    QCOMPARE(patients->count(), 2); // only the patients Daniel may act for
    QVERIFY(!dialog.selectPatient(u"smart-1081332"_s)); // Joseph's record is not among them
    QVERIFY(dialog.selectPatient(u"smart-1032702"_s));
    dialog.setScope(u"patient/*.read"_s);
    dialog.setAccessLifetime(90); // not in the list: custom

    QSignalSpy minted(&dialog, &MintDialog::tokenMinted);
    dialog.findChild<QPushButton *>(u"mintButton"_s)->click();
    QCOMPARE(minted.size(), 1);
    QVERIFY(dialog.mintedToken());
    const QString accessToken = dialog.findChild<QLineEdit *>(u"accessTokenEdit"_s)->text();
    QCOMPARE(accessToken, dialog.mintedToken()->token.accessToken);
    Result<FoundToken> found = running.sandbox().tokens().find(accessToken);
    QVERIFY(found);
    QCOMPARE(found->view.token.clientId, u"api-test"_s);
    QCOMPARE(found->view.approval.patientId, u"smart-1032702"_s);
    QCOMPARE(found->view.token.scope, u"patient/*.read"_s);
    QCOMPARE(found->view.token.expiresAtMs - found->view.token.issuedAtMs, 90'000);
    QCOMPARE(dialog.findChild<QLineEdit *>(u"refreshTokenEdit"_s)->text(), found->view.token.refreshToken);
    QCOMPARE(dialog.findChild<QLineEdit *>(u"curlEdit"_s)->text(),
             u"curl -H 'Authorization: Bearer %1' http://127.0.0.1:%2/api/fhir/Patient/smart-1032702"_s.arg(accessToken)
                 .arg(running.port()));
    dialog.findChild<QToolButton *>(u"copyAccessTokenButton"_s)->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), accessToken);

    window.tokensPage()->model()->flushPending();
    QCOMPARE(window.tokensPage()->model()->rowCount(), 1);
    QCOMPARE(window.tokensPage()->model()->index(0, TokenModel::ExpiresInColumn).data().toString(), u"1 min 30 s"_s);
    running.clock().advanceSeconds(30);
    QCOMPARE(window.tokensPage()->model()->index(0, TokenModel::ExpiresInColumn).data().toString(), u"1 min 0 s"_s);
}

void tst_MainWindow::mintDialogValidatesScopeAsTyped()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MintDialog dialog(running.sandbox());
    auto *mintButton = dialog.findChild<QPushButton *>(u"mintButton"_s);
    dialog.setScope(u"patient/Observation.bogus"_s);
    QVERIFY(!dialog.scopeError().isEmpty());
    QVERIFY(!mintButton->isEnabled());
    QVERIFY(!dialog.mint());
    dialog.setScope(u"patient/Observation.read"_s);
    QVERIFY(dialog.scopeError().isEmpty());
    QVERIFY(mintButton->isEnabled());
    // Grammar is fine but the client is not registered for it: the service says so.
    QVERIFY(dialog.selectClient(u"test-suite"_s));
    dialog.setScope(u"user/*.write"_s);
    QVERIFY(dialog.scopeError().isEmpty());
    QVERIFY(!dialog.mint());
    QVERIFY(!dialog.findChild<QLabel *>(u"errorLabel"_s)->text().isEmpty());
}

void tst_MainWindow::trafficShowsExchangesAndDetail()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    TrafficPage *traffic = window.trafficPage();
    QVERIFY(window.findChild<QLabel *>(u"trafficEmptyLabel"_s)->text().contains(window.fhirBaseUrl()));
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    QCOMPARE(running.http().get(u"/missing"_s).status, 404);
    traffic->model()->flushPending();
    QCOMPARE(traffic->view()->model()->rowCount(), 2);

    traffic->filterEdit()->setText(u"404"_s);
    QCOMPARE(traffic->view()->model()->rowCount(), 1);
    traffic->filterEdit()->setText(u"STATUS"_s); // case-insensitive, on the path
    QCOMPARE(traffic->view()->model()->rowCount(), 1);
    traffic->view()->selectRow(0);
    const QString response = traffic->findChild<QPlainTextEdit *>(u"responseEdit"_s)->toPlainText();
    QVERIFY2(response.startsWith(u"200\n"_s), qPrintable(response));
    QVERIFY2(response.contains(u"{\n    \""_s), qPrintable(response)); // pretty-printed JSON
    QVERIFY(traffic->findChild<QPlainTextEdit *>(u"requestEdit"_s)->toPlainText().startsWith(u"GET /admin/status"_s));

    auto *pause = traffic->findChild<QToolButton *>(u"pauseButton"_s);
    pause->setChecked(true);
    QCOMPARE(running.http().get(u"/held"_s).status, 404);
    QCOMPARE(traffic->model()->pendingCount(), 1);
    QVERIFY(!traffic->model()->isUpdateScheduled());
    pause->setChecked(false);
    QVERIFY(traffic->model()->isUpdateScheduled());
}

void tst_MainWindow::tokenActionsRevokeAndExpire()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    RecordingConfirmer confirm;
    window.setConfirmer(confirm.confirmer());
    DebugTokenRequest request;
    request.clientId = u"test-suite"_s;
    request.username = u"joseph-ross"_s;
    request.patientId = u"smart-1081332"_s;
    Result<TokenView> minted = running.sandbox().tokens().mintDebugToken(request);
    QVERIFY(minted);
    TokensPage *tokens = window.tokensPage();
    tokens->selectToken(minted->token.id);
    QVERIFY(tokens->selectedToken());

    tokens->findChild<QToolButton *>(u"copyTokenButton"_s)->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), minted->token.accessToken);
    tokens->findChild<QToolButton *>(u"expireButton"_s)->click();
    QCOMPARE(tokens->model()->index(0, TokenModel::StateColumn).data().toString(), u"expired"_s);
    tokens->findChild<QToolButton *>(u"revokeButton"_s)->click();
    QCOMPARE(confirm.questions.size(), 1);
    QCOMPARE(tokens->model()->index(0, TokenModel::StateColumn).data().toString(), u"revoked"_s);
    Result<FoundToken> found = running.sandbox().tokens().find(minted->token.accessToken);
    QVERIFY(found);
    QVERIFY(found->view.token.revokedAtMs != 0);
    QVERIFY(!tokens->findChild<QToolButton *>(u"revokeButton"_s)->isEnabled());
}

void tst_MainWindow::findFocusesTheCurrentFilter()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    auto *find = window.findChild<QAction *>(u"findAction"_s);
    QCOMPARE(find->shortcut(), QKeySequence(QKeySequence::Find));
    window.tabWidget()->setCurrentWidget(window.clientsPage());
    find->trigger();
    QVERIFY(window.clientsPage()->filterEdit()->hasFocus());
    window.tabWidget()->setCurrentWidget(window.trafficPage());
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(window.trafficPage()->filterEdit()->hasFocus());
}

void tst_MainWindow::timeTravelMovesEveryClock()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    const Reply minted = running.http().postJson(u"/oauth/debug/token"_s,
                                                 QJsonObject{{u"client_id"_s, u"test-suite"_s},
                                                             {u"username"_s, u"joseph-ross"_s},
                                                             {u"patient_id"_s, u"smart-1081332"_s},
                                                             {u"access_lifetime"_s, 3600}});
    QCOMPARE(minted.status, 200);
    const QString accessToken = minted.json().value(u"access_token"_s).toString();
    const auto introspect = [&] {
        return running.http()
            .postForm(u"/oauth/introspect"_s, {{u"token"_s, accessToken}},
                      {{"Authorization", "Basic " + QByteArray("test-suite:demo-secret-s4s").toBase64()}})
            .json();
    };
    TokenModel *tokens = window.tokensPage()->model();
    tokens->flushPending();
    const QModelIndex expiresIn = tokens->index(0, TokenModel::ExpiresInColumn);
    const QModelIndex state = tokens->index(0, TokenModel::StateColumn);
    QCOMPARE(expiresIn.data().toString(), u"1 h 0 min"_s);
    auto *clock = window.findChild<QLabel *>(u"clockLabel"_s);
    QVERIFY2(clock->text().endsWith(u"10:00:00 UTC"_s), qPrintable(clock->text()));
    auto *back = window.findChild<QAction *>(u"backToNowAction"_s);
    QVERIFY(!back->isEnabled());

    QSignalSpy changed(tokens, &QAbstractItemModel::dataChanged);
    window.findChild<QAction *>(u"travelMinuteAction"_s)->trigger();
    QCOMPARE(running.sandbox().clock().offsetMs(), 60'000);
    QVERIFY(changed.size() >= 1); // the countdowns repaint at once
    QCOMPARE(expiresIn.data().toString(), u"59 min 0 s"_s);
    QVERIFY2(clock->text().endsWith(u"10:01:00 UTC (travelled +1 min 0 s)"_s), qPrintable(clock->text()));
    QVERIFY(back->isEnabled());
    QCOMPARE(introspect().value(u"active"_s).toBool(), true);

    window.findChild<QAction *>(u"travelHourAction"_s)->trigger();
    QCOMPARE(expiresIn.data().toString(), u"expired"_s);
    QCOMPARE(state.data().toString(), u"expired"_s);
    QCOMPARE(introspect(), (QJsonObject{{u"active"_s, false}}));
    QCOMPARE(running.http().get(u"/oauth/debug/introspect?token="_s + accessToken).json().value(u"active"_s).toBool(),
             false);

    // Custom: two hours back, so the token lives again until its real expiry.
    window.findChild<QAction *>(u"travelCustomAction"_s)->trigger();
    auto *dialog = window.findChild<TimeTravelDialog *>(u"timeTravelDialog"_s);
    QVERIFY(dialog);
    dialog->setDuration(-2, TimeTravelDialog::Unit::Hours);
    QCOMPARE(dialog->seconds(), -7200);
    dialog->accept();
    QCOMPARE(running.sandbox().clock().offsetMs(), (60 + 3600 - 7200) * 1000LL);
    QCOMPARE(expiresIn.data().toString(), u"1 h 59 min"_s);
    QCOMPARE(introspect().value(u"active"_s).toBool(), true);
    QVERIFY2(clock->text().contains(u"(travelled −59 min 0 s)"_s), qPrintable(clock->text()));

    window.findChild<QAction *>(u"travelDayAction"_s)->trigger();
    QCOMPARE(state.data().toString(), u"expired"_s);
    back->trigger();
    QCOMPARE(running.sandbox().clock().offsetMs(), 0);
    QCOMPARE(expiresIn.data().toString(), u"1 h 0 min"_s);
    QVERIFY2(clock->text().endsWith(u"10:00:00 UTC"_s), qPrintable(clock->text()));
    QVERIFY(!back->isEnabled());

    // The custom dialog remembers its last choice.
    window.findChild<QAction *>(u"travelCustomAction"_s)->trigger();
    dialog = window.findChild<TimeTravelDialog *>(u"timeTravelDialog"_s);
    QVERIFY(dialog);
    QCOMPARE(dialog->seconds(), -7200);
    dialog->reject();
}

void tst_MainWindow::stopAndStartTheListener()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    auto *state = window.findChild<QLabel *>(u"stateLabel"_s);
    window.toggleListening();
    QCOMPARE(state->text(), u"● Stopped"_s);
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 0); // nobody listens
    QVERIFY(window.fhirBaseUrl().startsWith(u"http://127.0.0.1:%1"_s.arg(running.port()))); // the last URLs stay
    window.toggleListening();
    QCOMPARE(state->text(), u"● Running"_s);
    QVERIFY(running.sandbox().server().isListening());
    QCOMPARE(window.baseUrl(), running.sandbox().server().baseUrl());
}

void tst_MainWindow::windowHasTheAppIcon()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    const QIcon icon = window.windowIcon();
    QVERIFY(!icon.isNull());
    // Sharp at every size a panel or task switcher asks for, from the PNGs rendered from our SVG.
    for (const int size : {16, 22, 24, 32, 48, 64, 128, 256})
        QVERIFY2(icon.availableSizes().contains(QSize(size, size)), qPrintable(QString::number(size)));
    const QImage small = icon.pixmap(QSize(16, 16)).toImage();
    QCOMPARE(small.size(), QSize(16, 16));
    QVERIFY(small.pixelColor(8, 2).alpha() > 0); // drawn, not an empty placeholder
}

void tst_MainWindow::exportAndImportTheConfiguration()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QTemporaryDir dir;
    const QString file = dir.filePath(u"team.json"_s);
    MainWindow window(running.sandbox());
    int asked = 0;
    bool answer = false;
    window.setConfirmer([&](QWidget *, const QString &, const QString &, const QString &) {
        ++asked;
        return answer;
    });
    window.setFileChoosers([&](QWidget *, const QString &, const QString &, const QString &) { return file; },
                           [&](QWidget *, const QString &, const QString &) { return file; });
    QCOMPARE(
        running.http().postJson(u"/admin/faults"_s, QByteArray(R"({"endpoint":"/oauth/token","status":503})")).status,
        201);
    window.findChild<QAction *>(u"exportConfigurationAction"_s)->trigger();
    QVERIFY(QFile::exists(file));
    QVERIFY(running.sandbox().reset().ok());
    QCOMPARE(running.http().get(u"/admin/faults"_s).body, QByteArray("[]"));

    // Declined: nothing changes.
    window.findChild<QAction *>(u"importConfigurationAction"_s)->trigger();
    QCOMPARE(asked, 1);
    QCOMPARE(running.http().get(u"/admin/faults"_s).body, QByteArray("[]"));
    answer = true;
    window.findChild<QAction *>(u"importConfigurationAction"_s)->trigger();
    QCOMPARE(asked, 2);
    const QJsonArray rules = QJsonDocument::fromJson(running.http().get(u"/admin/faults"_s).body).array();
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules.first()[u"status"_s].toInt(), 503);
    QCOMPARE(window.findChild<QTableView *>(u"faultsView"_s)->model()->rowCount(), 1);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
