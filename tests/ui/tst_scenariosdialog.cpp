// SPDX-License-Identifier: Apache-2.0
// The Scenarios dialog and menu on a running sandbox: saved scenarios are listed, one click on
// Launch (or the menu item) applies the scenario's fault rules and opens (a captured) browser at
// the app's launch URL with iss and launch; Save current… keeps the current fault rules; Remove
// asks first.

#include "faults/faultrules.h"
#include "oauth/clientregistry.h"
#include "savescenariodialog.h"
#include "scenariomodel.h"
#include "scenarios/scenariostore.h"
#include "scenariosdialog.h"
#include "scenariosmenu.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_launchUri = u"http://localhost:3000/launch"_s;

QString registerClient(RunningSandbox &running, const QString &launchUri)
{
    QJsonObject metadata{{u"client_name"_s, u"Scenario App"_s},
                         {u"redirect_uris"_s, QJsonArray{u"http://localhost:3000/callback"_s}},
                         {u"token_endpoint_auth_method"_s, u"none"_s},
                         {u"scope"_s, u"launch patient/*.rs"_s}};
    if (!launchUri.isEmpty())
        metadata.insert(u"launch_uri"_s, launchUri);
    Result<Client> client = running.sandbox().clients().registerClient(metadata, u"ui"_s);
    return client ? client.value().id : QString();
}

Scenario scenario(const QString &name, const QString &clientId)
{
    Scenario value;
    value.name = name;
    value.clientId = clientId;
    value.username = u"daniel-adams"_s;
    value.patientId = u"smart-1288992"_s;
    value.faults = QJsonArray{QJsonObject{{u"endpoint"_s, u"/oauth/token"_s}, {u"status"_s, 503}}};
    return value;
}

} // namespace

class tst_ScenariosDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void oneClickLaunchOpensTheApp();
    void launchWithoutLaunchUrlSaysWhy();
    void menuLaunchesWithOneClick();
    void saveCurrentKeepsTheFaultRules();
    void removeAsksFirst();
};

void tst_ScenariosDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void tst_ScenariosDialog::oneClickLaunchOpensTheApp()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerClient(running, s_launchUri);
    QVERIFY(running.sandbox().scenarios().save(scenario(u"slow-token"_s, clientId)).ok());
    ScenariosDialog dialog(running.sandbox());
    QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<QUrl> opened;
    dialog.setUrlOpener([&opened](const QUrl &url) {
        opened.append(url);
        return true;
    });
    dialog.show();
    auto *view = dialog.findChild<QTableView *>(u"scenariosView"_s);
    QCOMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->index(0, ScenarioModel::NameColumn).data().toString(), u"slow-token"_s);
    QVERIFY(dialog.findChild<QLabel *>(u"emptyLabel"_s)->isHidden());
    auto *launchButton = dialog.findChild<QPushButton *>(u"launchButton"_s);
    QVERIFY(!launchButton->isEnabled());
    QVERIFY(dialog.selectScenario(u"slow-token"_s));
    QVERIFY(launchButton->isEnabled());

    QSignalSpy launched(&dialog, &ScenariosDialog::launched);
    QTest::mouseClick(launchButton, Qt::LeftButton);
    QCOMPARE(launched.size(), 1);
    QCOMPARE(opened.size(), 1);
    const QUrl url = opened.first();
    QCOMPARE(url.toString(QUrl::RemoveQuery), s_launchUri);
    QCOMPARE(QUrlQuery(url).queryItemValue(u"iss"_s, QUrl::FullyDecoded), running.http().base() + u"/api/fhir"_s);
    QVERIFY(!QUrlQuery(url).queryItemValue(u"launch"_s).isEmpty());
    // The scenario's fault rule is in force, as an app would find at the token endpoint.
    const Reply token = running.http().postForm(u"/oauth/token"_s, {{u"grant_type"_s, u"client_credentials"_s}});
    QCOMPARE(token.status, 503);
    QVERIFY(dialog.errorText().isEmpty());
}

void tst_ScenariosDialog::launchWithoutLaunchUrlSaysWhy()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerClient(running, QString());
    QVERIFY(running.sandbox().scenarios().save(scenario(u"no-url"_s, clientId)).ok());
    ScenariosDialog dialog(running.sandbox());
    int opened = 0;
    dialog.setUrlOpener([&opened](const QUrl &) { return ++opened > 0; });
    QVERIFY(dialog.selectScenario(u"no-url"_s));
    QVERIFY(!dialog.launchSelected());
    QCOMPARE(opened, 0);
    QVERIFY2(dialog.errorText().contains(u"launch URL"_s), qPrintable(dialog.errorText()));
}

void tst_ScenariosDialog::menuLaunchesWithOneClick()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerClient(running, s_launchUri);
    ScenariosMenu menu(running.sandbox());
    QList<QUrl> opened;
    menu.setUrlOpener([&opened](const QUrl &url) {
        opened.append(url);
        return true;
    });
    QVERIFY(!menu.findChild<QAction *>(u"launchScenarioAction:demo"_s));
    // Saved over HTTP: the menu shows it at once.
    QJsonObject json = scenario(u"demo"_s, clientId).toJson();
    QCOMPARE(running.http().postJson(u"/admin/scenarios"_s, json).status, 201);
    QAction *action = menu.findChild<QAction *>(u"launchScenarioAction:demo"_s);
    QVERIFY(action);
    action->trigger();
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.first().toString(QUrl::RemoveQuery), s_launchUri);
}

void tst_ScenariosDialog::saveCurrentKeepsTheFaultRules()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerClient(running, s_launchUri);
    QVERIFY(running.http().postJson(u"/admin/faults"_s, QByteArray(R"({"endpoint":"/api/fhir","delayMs":200})")).status
            == 201);
    running.sandbox().faults().reload();
    SaveScenarioDialog dialog(running.sandbox());
    auto *name = dialog.findChild<QLineEdit *>(u"nameEdit"_s);
    auto *client = dialog.findChild<QComboBox *>(u"clientCombo"_s);
    QVERIFY(dialog.findChild<QCheckBox *>(u"faultsCheck"_s)->isChecked());
    client->setCurrentIndex(client->findData(clientId));
    QVERIFY(client->currentIndex() >= 0);
    name->setText(u"bad name!"_s);
    QVERIFY(!dialog.save());
    QVERIFY(!dialog.findChild<QLabel *>(u"errorLabel"_s)->isHidden());
    name->setText(u"slow-fhir"_s);
    dialog.findChild<QLineEdit *>(u"scopeEdit"_s)->setText(u"launch patient/*.rs"_s);
    QVERIFY(dialog.save());
    const QJsonObject saved = running.http().get(u"/admin/scenarios/slow-fhir"_s).json();
    QCOMPARE(saved[u"client_id"_s].toString(), clientId);
    QCOMPARE(saved[u"scope"_s].toString(), u"launch patient/*.rs"_s);
    QCOMPARE(saved[u"faults"_s].toArray().size(), 1);
    QCOMPARE(saved[u"faults"_s][0][u"delayMs"_s].toInt(), 200);
}

void tst_ScenariosDialog::removeAsksFirst()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QVERIFY(running.sandbox().scenarios().save(scenario(u"gone"_s, u"api-test"_s)).ok());
    ScenariosDialog dialog(running.sandbox());
    QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    bool answer = false;
    int asked = 0;
    dialog.setConfirmer([&](QWidget *, const QString &, const QString &, const QString &) {
        ++asked;
        return answer;
    });
    auto *remove = dialog.findChild<QPushButton *>(u"removeButton"_s);
    QVERIFY(dialog.selectScenario(u"gone"_s));
    QTest::mouseClick(remove, Qt::LeftButton);
    QCOMPARE(asked, 1);
    QCOMPARE(dialog.model()->rowCount(), 1);
    answer = true;
    QTest::mouseClick(remove, Qt::LeftButton);
    QCOMPARE(asked, 2);
    QCOMPARE(dialog.model()->rowCount(), 0);
    QVERIFY(!dialog.findChild<QLabel *>(u"emptyLabel"_s)->isHidden());
}

QTEST_MAIN(tst_ScenariosDialog)
#include "tst_scenariosdialog.moc"
