// SPDX-License-Identifier: Apache-2.0
// The Faults tab and the Launch errors menu, offscreen: the rule table passes
// QAbstractItemModelTester and follows the rules live; a rule added through the dialog makes the
// server fail, and that exchange is marked in Traffic; the dialog explains a bad rule; one click
// arms a launch error for the selected client.

#include "clientnames.h"
#include "clientspage.h"
#include "faultruledialog.h"
#include "faultrulemodel.h"
#include "faults/faultrules.h"
#include "faultspage.h"
#include "mainwindow.h"
#include "requestlogmodel.h"
#include "testsupport.h"
#include "trafficpage.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using namespace TestSupport;
using Faults::FaultRule;

namespace {

FaultRule parsed(const QJsonObject &json)
{
    return FaultRule::fromJson(json).value();
}

} // namespace

class tst_FaultsPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void modelFollowsTheRules();
    void dialogAddsARuleAndTrafficMarksItsExchange();
    void dialogExplainsABadRule();
    void launchErrorInOneClick();
};

void tst_FaultsPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // window settings go to a test folder
}

void tst_FaultsPage::modelFollowsTheRules()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    FaultRules &faults = running.sandbox().faults();
    FaultRuleModel model(faults);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);

    const FaultRule added
        = faults.add(parsed({{u"endpoint"_s, u"/api/open-fhir/metadata"_s}, {u"status"_s, 503}, {u"count"_s, 2}}))
              .value();
    faults.add(parsed({{u"endpoint"_s, u"/api/fhir/*"_s}, {u"delayMs"_s, 800}, {u"percent"_s, 50}})).value();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, FaultRuleModel::EndpointColumn).data().toString(), u"/api/open-fhir/metadata"_s);
    QCOMPARE(model.index(0, FaultRuleModel::EffectColumn).data().toString(), u"status 503"_s);
    QCOMPARE(model.index(0, FaultRuleModel::BudgetColumn).data().toString(), u"next 2"_s);
    QCOMPARE(model.index(1, FaultRuleModel::BudgetColumn).data().toString(), u"until removed, 50 %"_s);
    QCOMPARE(model.index(1, FaultRuleModel::ClientColumn).data().toString(), u"any"_s);
    // A rule for one client names it as it registered (the page's model does; the id without).
    const FaultRule forClient
        = faults.add(parsed({{u"endpoint"_s, u"/oauth/token"_s}, {u"status"_s, 500}, {u"client_id"_s, u"api-test"_s}}))
              .value();
    QCOMPARE(model.index(2, FaultRuleModel::ClientColumn).data().toString(), u"api-test"_s);
    model.setClientNames(ClientNames::of(running.sandbox()));
    QCOMPARE(model.index(2, FaultRuleModel::ClientColumn).data().toString(), u"All of Us Research Program"_s);
    QCOMPARE(model.index(2, FaultRuleModel::ClientColumn).data(Qt::ToolTipRole).toString(),
             u"All of Us Research Program\nclient_id: api-test"_s);
    QCOMPARE(model.index(1, FaultRuleModel::ClientColumn).data().toString(), u"any"_s);
    QVERIFY(faults.remove(forClient.id).value());

    // A hit updates the row in place.
    QCOMPARE(running.http().get(u"/api/open-fhir/metadata"_s).status, 503);
    QCOMPARE(model.index(0, FaultRuleModel::HitsColumn).data().toInt(), 1);
    QCOMPARE(model.index(0, FaultRuleModel::BudgetColumn).data().toString(), u"next 1"_s);

    QVERIFY(faults.remove(added.id).value());
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(running.sandbox().reset());
    QCOMPARE(model.rowCount(), 0);
}

void tst_FaultsPage::dialogAddsARuleAndTrafficMarksItsExchange()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    window.show();
    FaultsPage *page = window.faultsPage();
    window.tabWidget()->setCurrentWidget(page);

    FaultRuleDialog *dialog = page->openAddDialog();
    QVERIFY(dialog->isVisible());
    auto *endpoint = dialog->findChild<QComboBox *>(u"endpointCombo"_s);
    auto *effect = dialog->findChild<QComboBox *>(u"effectCombo"_s);
    auto *status = dialog->findChild<QSpinBox *>(u"statusSpin"_s);
    auto *budget = dialog->findChild<QComboBox *>(u"budgetCombo"_s);
    auto *count = dialog->findChild<QSpinBox *>(u"countSpin"_s);
    QVERIFY(endpoint && effect && status && budget && count);
    endpoint->setCurrentText(u"/api/open-fhir/metadata"_s);
    effect->setCurrentIndex(1); // Error status
    status->setValue(500);
    budget->setCurrentIndex(1); // The next requests
    count->setValue(1);
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());

    QTableView *rules = page->view();
    QCOMPARE(rules->model()->rowCount(), 1);
    QCOMPARE(rules->model()->index(0, FaultRuleModel::EffectColumn).data().toString(), u"status 500"_s);

    QCOMPARE(running.http().get(u"/api/open-fhir/metadata"_s).status, 500);
    QCOMPARE(running.http().get(u"/api/open-fhir/metadata"_s).status, 200);
    RequestLogModel *traffic = window.trafficPage()->model();
    QTRY_COMPARE(traffic->rowCount(), 2);
    const QModelIndex faulted = traffic->index(0, RequestLogModel::FindingsColumn);
    const QModelIndex normal = traffic->index(1, RequestLogModel::FindingsColumn);
    QCOMPARE(traffic->index(0, RequestLogModel::StatusColumn).data().toInt(), 500);
    QVERIFY(faulted.data(RequestLogModel::FaultedRole).toBool());
    QCOMPARE(faulted.data().toString(), u"⚡"_s);
    QVERIFY(faulted.data(Qt::ToolTipRole).toString().contains(u"Fault injected by rule"_s));
    QVERIFY(!normal.data(RequestLogModel::FaultedRole).toBool());
    QVERIFY(normal.data().toString().isEmpty());
    QCOMPARE(rules->model()->index(0, FaultRuleModel::BudgetColumn).data().toString(), u"used up"_s);
}

void tst_FaultsPage::dialogExplainsABadRule()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    FaultsPage page(running.sandbox());
    page.show();
    FaultRuleDialog *dialog = page.openAddDialog();
    dialog->findChild<QComboBox *>(u"endpointCombo"_s)->setCurrentText(u"oauth/token"_s);
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    auto *error = dialog->findChild<QLabel *>(u"errorLabel"_s);
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(u"endpoint"_s), qPrintable(error->text()));
    QCOMPARE(page.model()->rowCount(), 0);
    dialog->reject();
}

void tst_FaultsPage::launchErrorInOneClick()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    ClientsPage page(running.sandbox());
    page.show();
    QVERIFY(!page.launchErrorsButton()->isEnabled()); // no client selected yet
    page.selectClient(u"api-test"_s);
    QVERIFY(page.launchErrorsButton()->isEnabled());
    QMenu *menu = page.launchErrorsButton()->menu();
    QCOMPARE(menu->actions().size(), 10);
    auto *action = menu->findChild<QAction *>(u"no_refreshAction"_s);
    QVERIFY(action);
    QSignalSpy reported(&page, &ClientsPage::reported);
    action->trigger();
    QCOMPARE(reported.size(), 1);
    const QList<FaultRule> &rules = running.sandbox().faults().cached();
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules.first().clientId, u"api-test"_s);
    QCOMPARE(rules.first().effect, Faults::Effect::LaunchError);
    QCOMPARE(rules.first().launchError, Faults::LaunchError::NoRefresh);
    QCOMPARE(rules.first().remaining, std::optional<int>(1));
}

QTEST_MAIN(tst_FaultsPage)
#include "tst_faultspage.moc"
