// SPDX-License-Identifier: Apache-2.0
// The EHR launch dialog on a running sandbox: it offers only clients with a launch URL, only the
// chosen user's patients and that patient's encounters; Launch opens (a captured) browser at the
// launch URL with iss and launch, and an authorization request carrying that launch gets the
// chosen patient and encounter in its token response.

#include "fhir/fhirservice.h"
#include "launchdialog.h"
#include "mainwindow.h"
#include "oauth/clientregistry.h"
#include "oauthflow.h"
#include "storage/peoplestore.h"
#include "testsupport.h"

#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_redirect = u"http://localhost:3000/callback"_s;
const auto s_launchUri = u"http://localhost:3000/launch"_s;
const auto s_scope = u"launch openid fhirUser patient/*.rs"_s;

QString registerClient(RunningSandbox &running, const QString &name, const QString &launchUri)
{
    QJsonObject metadata{{u"client_name"_s, name},
                         {u"redirect_uris"_s, QJsonArray{s_redirect}},
                         {u"token_endpoint_auth_method"_s, u"none"_s},
                         {u"scope"_s, s_scope}};
    if (!launchUri.isEmpty())
        metadata.insert(u"launch_uri"_s, launchUri);
    Result<Client> client = running.sandbox().clients().registerClient(metadata, u"ui"_s);
    return client ? client.value().id : QString();
}

} // namespace

class tst_LaunchDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void withoutLaunchClientsSaysWhatToDo();
    void launchOpensTheAppWithContext();
    void mainWindowOpensTheDialog();
};

void tst_LaunchDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void tst_LaunchDialog::withoutLaunchClientsSaysWhatToDo()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QVERIFY(!registerClient(running, u"No launch"_s, QString()).isEmpty());
    LaunchDialog dialog(running.sandbox());
    int opened = 0;
    dialog.setUrlOpener([&opened](const QUrl &) { return ++opened > 0; });
    QCOMPARE(dialog.clientCount(), 0);
    QVERIFY(!dialog.findChild<QLabel *>(u"emptyLabel"_s)->isHidden());
    QVERIFY(dialog.findChild<QLabel *>(u"emptyLabel"_s)->text().contains(u"Launch URL"_s));
    QVERIFY(!dialog.findChild<QPushButton *>(u"launchButton"_s)->isEnabled());
    QVERIFY(!dialog.launch());
    QCOMPARE(opened, 0);

    // A client registered over HTTP with a launch URL is offered at once.
    const Reply registered = running.http().postJson(u"/oauth/register"_s,
                                                     QJsonObject{{u"redirect_uris"_s, QJsonArray{s_redirect}},
                                                                 {u"token_endpoint_auth_method"_s, u"none"_s},
                                                                 {u"launch_uri"_s, s_launchUri}});
    QCOMPARE(registered.status, 201);
    QCOMPARE(dialog.clientCount(), 1);
    QVERIFY(dialog.findChild<QLabel *>(u"emptyLabel"_s)->isHidden());
    QVERIFY(dialog.findChild<QPushButton *>(u"launchButton"_s)->isEnabled());
    QCOMPARE(dialog.findChild<QLineEdit *>(u"launchUriEdit"_s)->text(), s_launchUri);
}

void tst_LaunchDialog::launchOpensTheAppWithContext()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QVERIFY(!registerClient(running, u"No launch"_s, QString()).isEmpty());
    const QString clientId = registerClient(running, u"Chart app"_s, s_launchUri);
    QVERIFY(!clientId.isEmpty());

    LaunchDialog dialog(running.sandbox());
    QList<QUrl> opened;
    dialog.setUrlOpener([&opened](const QUrl &url) {
        opened.append(url);
        return true;
    });
    QCOMPARE(dialog.clientCount(), 1);
    QVERIFY(dialog.selectClient(clientId));
    QCOMPARE(dialog.findChild<QLineEdit *>(u"launchUriEdit"_s)->text(), s_launchUri);

    // Only the chosen user's patients are offered (after "None").
    QVERIFY(dialog.selectUser(u"daniel-adams"_s));
    Result<QList<UserPatient>> own = running.sandbox().people().patientsOf(u"daniel-adams"_s);
    QVERIFY(own && !own.value().isEmpty());
    auto *patients = dialog.findChild<QComboBox *>(u"patientCombo"_s);
    QCOMPARE(patients->count(), own.value().size() + 1);
    for (int index = 0; index < own.value().size(); ++index)
        QCOMPARE(patients->itemData(index + 1).toString(), own.value().at(index).patient.id);
    Result<QList<Patient>> everyone = running.sandbox().people().patients();
    QVERIFY(everyone && everyone.value().size() > own.value().size());
    QVERIFY(dialog.selectPatient(u"smart-1032702"_s));

    // The encounters are the patient's own, from the built-in FHIR data.
    const QStringList encounters = dialog.encounterIds();
    QVERIFY(!encounters.isEmpty());
    const QString encounterId = encounters.first();
    Result<std::optional<StoredResource>> encounter
        = running.sandbox().fhir().store().read(u"Encounter"_s, encounterId);
    QVERIFY(encounter && encounter.value());
    QCOMPARE(encounter.value()->content[u"subject"_s].toObject()[u"reference"_s].toString(),
             u"Patient/smart-1032702"_s);
    QVERIFY(dialog.selectEncounter(encounterId));

    dialog.findChild<QPushButton *>(u"launchButton"_s)->click();
    QCOMPARE(opened.size(), 1);
    const QUrl url = opened.first();
    QCOMPARE(url, dialog.launchedUrl());
    QCOMPARE(url.toString(QUrl::RemoveQuery), s_launchUri);
    const QString iss = running.http().base() + u"/api/fhir"_s;
    QCOMPARE(QUrlQuery(url).queryItemValue(u"iss"_s, QUrl::FullyDecoded), iss);
    const QString launchId = QUrlQuery(url).queryItemValue(u"launch"_s, QUrl::FullyDecoded);
    QVERIFY(!launchId.isEmpty());
    QCOMPARE(dialog.findChild<QLineEdit *>(u"resultEdit"_s)->text(), url.toString());

    // The app, given that launch, gets the chosen context.
    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    AppRedirect step = browser.open(
        authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"s"_s, pkce, {{u"launch"_s, launchId}}));
    step = browser.signIn(step.page, u"daniel-adams"_s);
    step = browser.consent(step.page, true);
    QVERIFY2(!step.code().isEmpty(), step.page.body.constData());
    const Reply token = running.http().postForm(u"/oauth/token"_s,
                                                {{u"grant_type"_s, u"authorization_code"_s},
                                                 {u"code"_s, step.code()},
                                                 {u"redirect_uri"_s, s_redirect},
                                                 {u"client_id"_s, clientId},
                                                 {u"code_verifier"_s, pkce.verifier}});
    QCOMPARE(token.status, 200);
    QCOMPARE(token.json()[u"patient"_s].toString(), u"smart-1032702"_s);
    QCOMPARE(token.json()[u"encounter"_s].toString(), encounterId);

    // With the server stopped there is nothing for the app to reach: no launch, and a reason.
    running.sandbox().stop();
    QVERIFY(!dialog.launch());
    QCOMPARE(opened.size(), 1);
    QVERIFY(dialog.findChild<QLabel *>(u"errorLabel"_s)->text().contains(u"stopped"_s));
}

void tst_LaunchDialog::mainWindowOpensTheDialog()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerClient(running, u"Chart app"_s, s_launchUri);
    MainWindow window(running.sandbox());
    auto *action = window.findChild<QAction *>(u"launchAction"_s);
    QVERIFY(action);
    action->trigger();
    auto *dialog = window.findChild<LaunchDialog *>(u"launchDialog"_s);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->clientCount(), 1);
    dialog->close();
}

QTEST_MAIN(tst_LaunchDialog)
#include "tst_launchdialog.moc"
