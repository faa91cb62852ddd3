// SPDX-License-Identifier: Apache-2.0
// The live traffic table: rows appear for each exchange, a burst arrives as one insertion, the
// oldest rows leave at the limit, pause holds rows back, and the model is a well-behaved
// QAbstractItemModel throughout.

#include "requestlogmodel.h"
#include "server/requestlog.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

class tst_RequestLogModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rowsFollowTraffic();
    void burstIsOneInsertion();
    void rowLimitDropsOldest();
    void pauseHoldsRows();
    void clearEmptiesTheTable();
};

void tst_RequestLogModel::rowsFollowTraffic()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    RequestLogModel model(running.sandbox().requestLog());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    QCOMPARE(running.http().send("PUT", u"/oauth/register?x=1"_s).status, 405);
    model.flushPending();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(RequestLogModel::ColumnCount));
    QCOMPARE(model.index(0, RequestLogModel::MethodColumn).data().toString(), u"GET"_s);
    QCOMPARE(model.index(0, RequestLogModel::PathColumn).data().toString(), u"/admin/status"_s);
    QCOMPARE(model.index(0, RequestLogModel::StatusColumn).data().toInt(), 200);
    QCOMPARE(model.index(1, RequestLogModel::PathColumn).data().toString(), u"/oauth/register?x=1"_s);
    QCOMPARE(model.index(1, RequestLogModel::StatusColumn).data(RequestLogModel::StatusClassRole).toInt(), 4);
    QVERIFY(model.index(1, RequestLogModel::StatusColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(!model.index(0, RequestLogModel::StatusColumn).data(Qt::ForegroundRole).isValid());
    QCOMPARE(model.headerData(RequestLogModel::StatusColumn, Qt::Horizontal).toString(), u"Status"_s);
    const auto entry = model.index(1, 0).data(RequestLogModel::EntryRole).value<RequestLogEntry>();
    QCOMPARE(entry.method, u"PUT"_s);
}

void tst_RequestLogModel::burstIsOneInsertion()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    RequestLogModel model(running.sandbox().requestLog());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    for (int i = 0; i < 25; ++i)
        QCOMPARE(running.http().get(u"/missing/%1"_s.arg(i)).status, 404);
    QCOMPARE(model.rowCount(), 0); // nothing repaints per request
    QVERIFY(inserted.wait(5000)); // the coalescing timer fires once for the burst
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.rowCount(), 25);
}

void tst_RequestLogModel::rowLimitDropsOldest()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    RequestLogModel model(running.sandbox().requestLog());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRowLimit(3);
    for (int i = 0; i < 2; ++i)
        QCOMPARE(running.http().get(u"/first/%1"_s.arg(i)).status, 404);
    model.flushPending();
    for (int i = 0; i < 5; ++i)
        QCOMPARE(running.http().get(u"/second/%1"_s.arg(i)).status, 404);
    model.flushPending();
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, RequestLogModel::PathColumn).data().toString(), u"/second/2"_s);
    QCOMPARE(model.index(2, RequestLogModel::PathColumn).data().toString(), u"/second/4"_s);
}

void tst_RequestLogModel::pauseHoldsRows()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    RequestLogModel model(running.sandbox().requestLog());
    model.setPaused(true);
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QCOMPARE(model.pendingCount(), 1);
    QVERIFY(!model.isUpdateScheduled()); // paused: held back, no update on its way
    QCOMPARE(model.rowCount(), 0);
    model.setPaused(false);
    QVERIFY(model.isUpdateScheduled());
    QVERIFY(inserted.wait(5000));
    QCOMPARE(model.rowCount(), 1);
}

void tst_RequestLogModel::clearEmptiesTheTable()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    RequestLogModel model(running.sandbox().requestLog());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    model.flushPending();
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(running.sandbox().requestLog().clear());
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(tst_RequestLogModel)
#include "tst_requestlogmodel.moc"
