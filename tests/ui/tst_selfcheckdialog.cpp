// SPDX-License-Identifier: Apache-2.0
// The "Run self-check" dialog and the "Discovery profile" dialog offscreen on a real sandbox:
// the table fills with one row per check and says pass; a sandbox without smart-configuration
// fails with the reason in the row; the discovery dialog stores what it shows, and the main
// window's menu items open both.

#include "discoverydialog.h"
#include "mainwindow.h"
#include "selfcheckdialog.h"
#include "testsupport.h"
#include "uihelpers.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

QUrl baseOf(const RunningSandbox &running)
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(running.port()));
}

void untick(QListWidget *list, const QString &name)
{
    const QList<QListWidgetItem *> items = list->findItems(name, Qt::MatchExactly);
    QCOMPARE(items.size(), 1);
    items.first()->setCheckState(Qt::Unchecked);
}

} // namespace

class tst_SelfCheckDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        UiHelpers::installTranslator(u"en"_s); // the English plural forms
    }
    void passingRun();
    void failingRunShowsTheReason();
    void discoveryDialogStoresTheProfile();
    void mainWindowOpensBoth();
};

void tst_SelfCheckDialog::passingRun()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    SelfCheckDialog dialog(baseOf(running));
    QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy finished(&dialog, &SelfCheckDialog::finished);
    dialog.show();
    dialog.run();
    QVERIFY(!dialog.findChild<QPushButton *>(u"runButton"_s)->isEnabled());
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().first().value<SelfCheck::Outcome>(), SelfCheck::Outcome::Passed);
    SelfCheckModel *model = dialog.model();
    QVERIFY(model->rowCount() >= 20);
    QCOMPARE(model->columnCount(), int(SelfCheckModel::ColumnCount));
    for (int row = 0; row < model->rowCount(); ++row)
        QCOMPARE(model->index(row, SelfCheckModel::ResultColumn).data().toString(), u"pass"_s);
    QCOMPARE(model->index(0, SelfCheckModel::CheckColumn).data().toString(), u"discovery: smart-configuration"_s);
    QVERIFY(!model->index(0, SelfCheckModel::RuleColumn).data().toString().isEmpty());
    QCOMPARE(dialog.summary(), u"All %1 checks passed."_s.arg(model->rowCount()));
    QVERIFY(dialog.findChild<QPushButton *>(u"runButton"_s)->isEnabled());

    // Run again: the table starts over (not appended to) and fills again.
    const int rows = model->rowCount();
    dialog.findChild<QPushButton *>(u"runButton"_s)->click();
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.size(), 2);
    QCOMPARE(model->rowCount(), rows);
}

void tst_SelfCheckDialog::failingRunShowsTheReason()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    DiscoveryProfile none;
    none.kind = DiscoveryProfile::Kind::None;
    QVERIFY(running.sandbox().setDiscoveryProfile(none));
    SelfCheckDialog dialog(baseOf(running));
    QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy finished(&dialog, &SelfCheckDialog::finished);
    dialog.run();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().first().value<SelfCheck::Outcome>(), SelfCheck::Outcome::Failed);
    QCOMPARE(dialog.model()->index(0, SelfCheckModel::ResultColumn).data().toString(), u"FAIL"_s);
    QVERIFY(dialog.model()->index(0, SelfCheckModel::DetailColumn).data().toString().contains(u"404"_s));
    QVERIFY2(dialog.summary().contains(u"failed"_s), qPrintable(dialog.summary()));
}

void tst_SelfCheckDialog::discoveryDialogStoresTheProfile()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    DiscoveryDialog dialog(running.sandbox());
    auto *profileCombo = dialog.findChild<QComboBox *>(u"profileCombo"_s);
    QCOMPARE(profileCombo->currentData().toString(), u"v2"_s);
    QVERIFY(!dialog.findChild<QListWidget *>(u"fieldsList"_s)->isEnabled());

    profileCombo->setCurrentIndex(profileCombo->findData(u"v1"_s));
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(running.sandbox().discoveryProfile().value().kind, DiscoveryProfile::Kind::V1);
    QVERIFY(!running.http().get(u"/.well-known/smart-configuration"_s).json().contains(u"issuer"_s));

    DiscoveryDialog custom(running.sandbox());
    QCOMPARE(custom.findChild<QComboBox *>(u"profileCombo"_s)->currentData().toString(), u"v1"_s);
    auto *customCombo = custom.findChild<QComboBox *>(u"profileCombo"_s);
    customCombo->setCurrentIndex(customCombo->findData(u"custom"_s));
    QVERIFY(custom.findChild<QListWidget *>(u"fieldsList"_s)->isEnabled());
    untick(custom.findChild<QListWidget *>(u"fieldsList"_s), u"registration_endpoint"_s);
    untick(custom.findChild<QListWidget *>(u"capabilitiesList"_s), u"launch-ehr"_s);
    custom.accept();
    const DiscoveryProfile stored = running.sandbox().discoveryProfile().value();
    QCOMPARE(stored.kind, DiscoveryProfile::Kind::Custom);
    QCOMPARE(stored.base, DiscoveryProfile::Kind::V2);
    QCOMPARE(stored.omitFields, QStringList{u"registration_endpoint"_s});
    QCOMPARE(stored.omitCapabilities, QStringList{u"launch-ehr"_s});
    const QJsonObject document = running.http().get(u"/.well-known/smart-configuration"_s).json();
    QVERIFY(!document.contains(u"registration_endpoint"_s));
    QVERIFY(document.contains(u"issuer"_s));

    // Back to v2 from the dialog.
    DiscoveryDialog reset(running.sandbox());
    reset.findChild<QPushButton *>(u"resetProfileButton"_s)->click();
    QCOMPARE(reset.profile(), DiscoveryProfile{});
    reset.accept();
    QCOMPARE(running.sandbox().discoveryProfile().value(), DiscoveryProfile{});
}

void tst_SelfCheckDialog::mainWindowOpensBoth()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    auto *selfCheckAction = window.findChild<QAction *>(u"selfCheckAction"_s);
    QVERIFY(selfCheckAction);
    QVERIFY(selfCheckAction->isEnabled());
    SelfCheckDialog *dialog = window.runSelfCheck();
    QSignalSpy finished(dialog, &SelfCheckDialog::finished);
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().first().value<SelfCheck::Outcome>(), SelfCheck::Outcome::Passed);
    dialog->close();

    window.findChild<QAction *>(u"discoveryAction"_s)->trigger();
    QTRY_VERIFY(window.findChild<DiscoveryDialog *>());
    QVERIFY(window.findChild<DiscoveryDialog *>()->isVisible());

    running.sandbox().stop();
    QVERIFY(!selfCheckAction->isEnabled());
}

QTEST_MAIN(tst_SelfCheckDialog)
#include "tst_selfcheckdialog.moc"
