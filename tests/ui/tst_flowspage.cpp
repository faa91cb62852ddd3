// SPDX-License-Identifier: Apache-2.0
// The Flows tab on a real sandbox: a launch driven over HTTP appears as one flow with its steps
// on the timeline; a refused code exchange (wrong code_verifier) shows the flow failed at "token"
// with its finding; clicking a step selects that exchange in Traffic.

#include "flowmodel.h"
#include "flowspage.h"
#include "flowtimeline.h"
#include "mainwindow.h"
#include "oauthflow.h"
#include "requestlogmodel.h"
#include "server/requestlog.h"
#include "trafficpage.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QLabel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_redirect = u"http://localhost:3000/callback"_s;
const auto s_scope = u"launch/patient openid fhirUser offline_access patient/*.rs"_s;

QString registerPublicClient(RunningSandbox &running)
{
    return running.http()
        .postJson(u"/oauth/register"_s,
                  QJsonObject{{u"client_name"_s, u"Timeline App"_s},
                              {u"redirect_uris"_s, QJsonArray{s_redirect}},
                              {u"token_endpoint_auth_method"_s, u"none"_s},
                              {u"scope"_s, s_scope}})
        .json()[u"client_id"_s]
        .toString();
}

// Runs a launch for Joseph Ross and exchanges the code with `verifier` (the right one when empty).
int launch(RunningSandbox &running, const QString &clientId, const QString &verifier = {})
{
    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    const AppRedirect done = browser.authorize(
        authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"t"_s, pkce), u"joseph-ross"_s, {});
    const Reply token = running.http().postForm(u"/oauth/token"_s,
                                                {{u"grant_type"_s, u"authorization_code"_s},
                                                 {u"code"_s, done.code()},
                                                 {u"redirect_uri"_s, s_redirect},
                                                 {u"client_id"_s, clientId},
                                                 {u"code_verifier"_s, verifier.isEmpty() ? pkce.verifier : verifier}});
    if (token.status == 200) {
        const QByteArray bearer = "Bearer " + token.json()[u"access_token"_s].toString().toLatin1();
        running.http().get(u"/api/fhir/Patient/"_s + token.json()[u"patient"_s].toString(),
                           {{"Authorization", bearer}});
    }
    return token.status;
}

QString cell(const QAbstractItemModel *model, int row, int column)
{
    return model->index(row, column).data().toString();
}

QStringList stepNames(const FlowTimeline *timeline)
{
    QStringList names;
    if (timeline->flow()) {
        for (const FlowStep &step : timeline->flow()->steps)
            names.append(step.name());
    }
    return names;
}

} // namespace

class tst_FlowsPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void launchAppearsWithItsSteps();
    void wrongVerifierFailsAtToken();
    void clickingAStepSelectsItInTraffic();
};

void tst_FlowsPage::launchAppearsWithItsSteps()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    FlowsPage page(running.sandbox());
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.resize(900, 500);
    page.show();
    const QString clientId = registerPublicClient(running);
    QCOMPARE(page.model()->rowCount(), 0);

    QCOMPARE(launch(running, clientId), 200);
    QTRY_COMPARE(page.proxy()->rowCount(), 1);
    // The client as its developer named it; its id in the tooltip.
    QCOMPARE(cell(page.proxy(), 0, FlowModel::ClientColumn), u"Timeline App"_s);
    QVERIFY(page.proxy()->index(0, FlowModel::ClientColumn).data(Qt::ToolTipRole).toString().contains(clientId));
    QCOMPARE(cell(page.proxy(), 0, FlowModel::UserColumn), u"joseph-ross"_s);
    QVERIFY(!cell(page.proxy(), 0, FlowModel::PatientColumn).isEmpty());
    QCOMPARE(cell(page.proxy(), 0, FlowModel::StepsColumn), u"7"_s);
    QCOMPARE(cell(page.proxy(), 0, FlowModel::StatusColumn), u"completed"_s);

    page.view()->setCurrentIndex(page.proxy()->index(0, 0));
    QCOMPARE(stepNames(page.timeline()),
             QStringList({u"authorize"_s, u"login"_s, u"login"_s, u"consent"_s, u"consent"_s, u"token"_s, u"fhir"_s}));
    // One box per step, left to right, none overlapping, all inside the widget.
    const QList<QRect> rects = page.timeline()->stepRects();
    QCOMPARE(rects.size(), 7);
    for (qsizetype i = 1; i < rects.size(); ++i)
        QVERIFY(rects.at(i).left() > rects.at(i - 1).right());
    QVERIFY(page.timeline()->stepToolTip(5).contains(u"POST /oauth/token → 200"_s));
    QCOMPARE(page.timeline()->stepAt(rects.at(6).center()), 6);
    QCOMPARE(page.timeline()->stepAt(QPoint(rects.constLast().right() + 20, rects.constLast().center().y())), -1);

    // A second launch is a second row; the selected flow keeps its timeline.
    QCOMPARE(launch(running, clientId), 200);
    QTRY_COMPARE(page.proxy()->rowCount(), 2);
    QCOMPARE(page.timeline()->flow()->id, page.model()->flow(0).id);

    // Clearing the log (Traffic's Clear) empties the tab and the timeline.
    QVERIFY(running.sandbox().requestLog().clear());
    QCOMPARE(page.proxy()->rowCount(), 0);
    QVERIFY(!page.timeline()->flow().has_value());
}

void tst_FlowsPage::wrongVerifierFailsAtToken()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    FlowsPage page(running.sandbox());
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.show();
    const QString clientId = registerPublicClient(running);

    QCOMPARE(launch(running, clientId, Pkce::make().verifier), 400);
    QTRY_COMPARE(page.proxy()->rowCount(), 1);
    QCOMPARE(cell(page.proxy(), 0, FlowModel::StatusColumn), u"failed at token"_s);
    page.view()->setCurrentIndex(page.proxy()->index(0, 0));
    QCOMPARE(stepNames(page.timeline()).constLast(), u"token"_s);
    const int last = int(page.timeline()->stepRects().size()) - 1;
    QVERIFY(page.timeline()->stepToolTip(last).contains(u"code_verifier"_s));
    QVERIFY(page.findingsLabel()->text().contains(u"failed at token"_s));
    QVERIFY2(page.findingsLabel()->text().contains(u"Flow of Timeline App (%1)"_s.arg(clientId)),
             qPrintable(page.findingsLabel()->text()));
    QVERIFY(page.findingsLabel()->text().contains(u"token (POST /oauth/token)"_s));
    QVERIFY(page.findingsLabel()->text().contains(u"code_verifier"_s));
}

void tst_FlowsPage::clickingAStepSelectsItInTraffic()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    window.resize(1200, 800);
    window.show();
    FlowsPage *page = window.flowsPage();
    const QString clientId = registerPublicClient(running);
    QCOMPARE(launch(running, clientId), 200);
    QTRY_COMPARE(page->proxy()->rowCount(), 1);
    window.tabWidget()->setCurrentWidget(page);
    page->view()->setCurrentIndex(page->proxy()->index(0, 0));
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    const QList<QRect> rects = page->timeline()->stepRects();
    QCOMPARE(rects.size(), 7);
    QTest::mouseClick(page->timeline(), Qt::LeftButton, {}, rects.at(5).center());
    QCOMPARE(window.tabWidget()->currentWidget(), window.trafficPage());
    const std::optional<RequestLogEntry> selected = window.trafficPage()->currentEntry();
    QVERIFY(selected.has_value());
    QCOMPARE(selected->path, u"/oauth/token"_s);
    QCOMPARE(selected->sequence, page->timeline()->flow()->steps.at(5).entry.sequence);
}

QTEST_MAIN(tst_FlowsPage)
#include "tst_flowspage.moc"
