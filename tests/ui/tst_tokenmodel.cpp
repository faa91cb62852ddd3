// SPDX-License-Identifier: Apache-2.0
// The Tokens table: a minted token appears, its countdown falls as the test clock moves (computed,
// never decremented), the one-second tick repaints only the time-dependent columns, and revoke,
// expire and reset show at once. QAbstractItemModelTester watches throughout.

#include "oauth/tokenservice.h"
#include "testsupport.h"
#include "tokenmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

DebugTokenRequest request(qint64 lifetimeSeconds = 300)
{
    DebugTokenRequest request;
    request.clientId = u"test-suite"_s;
    request.username = u"daniel-adams"_s;
    request.patientId = u"smart-1032702"_s;
    request.accessLifetimeSeconds = lifetimeSeconds;
    return request;
}

} // namespace

class tst_TokenModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mintedTokenAppears();
    void countdownFallsWithTheClock();
    void tickRepaintsTimeColumnsOnly();
    void revokeAndExpireShowAtOnce();
    void tokenIssuedOverHttpAppears();
    void resetEmptiesTheTable();
    void formatsDurations_data();
    void formatsDurations();
};

void tst_TokenModel::mintedTokenAppears()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokenModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(TokenModel::ColumnCount));

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    Result<TokenView> minted = running.sandbox().tokens().mintDebugToken(request());
    QVERIFY(minted);
    QVERIFY(inserted.wait(5000)); // coalesced: the row arrives with the next update
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, TokenModel::ClientColumn).data().toString(), u"S4S Test Suite"_s);
    QCOMPARE(model.index(0, TokenModel::ClientColumn).data(Qt::ToolTipRole).toString(),
             u"S4S Test Suite\nclient_id: test-suite"_s);
    QCOMPARE(model.index(0, TokenModel::UserColumn).data().toString(), u"daniel-adams"_s);
    QCOMPARE(model.index(0, TokenModel::PatientColumn).data().toString(), u"smart-1032702"_s);
    QCOMPARE(model.index(0, TokenModel::ScopeColumn).data().toString(), minted->token.scope);
    QCOMPARE(model.index(0, TokenModel::StateColumn).data().toString(), u"active"_s);
    QVERIFY(model.index(0, TokenModel::StateColumn).data(Qt::ForegroundRole).isValid());
    QCOMPARE(model.index(0, 0).data(TokenModel::TokenIdRole).toString(), minted->token.id);
    QCOMPARE(model.index(0, 0).data(TokenModel::AccessTokenRole).toString(), minted->token.accessToken);
    QCOMPARE(model.headerData(TokenModel::ExpiresInColumn, Qt::Horizontal).toString(), u"Expires in"_s);
}

void tst_TokenModel::countdownFallsWithTheClock()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokenModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(running.sandbox().tokens().mintDebugToken(request(300)));
    model.flushPending();
    const QModelIndex expiresIn = model.index(0, TokenModel::ExpiresInColumn);
    QCOMPARE(expiresIn.data().toString(), u"5 min 0 s"_s);
    QCOMPARE(model.index(0, TokenModel::ApprovalExpiresInColumn).data().toString(), u"7 d 0 h"_s);

    running.clock().advanceSeconds(61);
    QCOMPARE(expiresIn.data().toString(), u"3 min 59 s"_s);
    running.clock().advanceSeconds(238);
    QCOMPARE(expiresIn.data().toString(), u"1 s"_s);
    QCOMPARE(model.index(0, TokenModel::StateColumn).data().toString(), u"active"_s);
    running.clock().advanceSeconds(1);
    QCOMPARE(expiresIn.data().toString(), u"expired"_s);
    QCOMPARE(model.index(0, TokenModel::StateColumn).data().toString(), u"expired"_s);
    QCOMPARE(model.index(0, 0).data(TokenModel::StateRole).toInt(), int(TokenModel::State::Expired));
    // The refresh token outlives the access token: its countdown still runs.
    QCOMPARE(model.index(0, TokenModel::ApprovalExpiresInColumn).data().toString(), u"6 d 23 h"_s);
}

void tst_TokenModel::tickRepaintsTimeColumnsOnly()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokenModel model(running.sandbox());
    QVERIFY(running.sandbox().tokens().mintDebugToken(request()));
    QVERIFY(running.sandbox().tokens().mintDebugToken(request()));
    model.flushPending();
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.tick();
    QCOMPARE(changed.size(), 1);
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft, model.index(0, TokenModel::ExpiresInColumn));
    QCOMPARE(bottomRight, model.index(1, TokenModel::StateColumn));
    QVERIFY(changed.wait(3000)); // the shared one-second timer does the same on its own
}

void tst_TokenModel::revokeAndExpireShowAtOnce()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokenModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Result<TokenView> first = running.sandbox().tokens().mintDebugToken(request());
    Result<TokenView> second = running.sandbox().tokens().mintDebugToken(request());
    QVERIFY(first && second);
    model.flushPending();
    QCOMPARE(model.rowCount(), 2);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(running.sandbox().tokens().expireNow(first->token.id));
    QCOMPARE(changed.size(), 1);
    const int firstRow = model.rowOf(first->token.id);
    QCOMPARE(model.index(firstRow, TokenModel::StateColumn).data().toString(), u"expired"_s);
    QCOMPARE(model.index(firstRow, TokenModel::ExpiresInColumn).data().toString(), u"expired"_s);

    QVERIFY(running.sandbox().tokens().revoke(second->token.id));
    const int secondRow = model.rowOf(second->token.id);
    QCOMPARE(model.index(secondRow, TokenModel::StateColumn).data().toString(), u"revoked"_s);
    QCOMPARE(model.index(secondRow, TokenModel::ExpiresInColumn).data().toString(), u"—"_s);
    QCOMPARE(model.rowCount(), 2);
}

void tst_TokenModel::tokenIssuedOverHttpAppears()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokenModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const Reply reply = running.http().postJson(u"/oauth/debug/token"_s,
                                                QJsonObject{{u"client_id"_s, u"api-test"_s},
                                                            {u"username"_s, u"joseph-ross"_s},
                                                            {u"patient_id"_s, u"smart-1081332"_s}});
    QCOMPARE(reply.status, 200);
    model.flushPending();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 0).data(TokenModel::AccessTokenRole).toString(),
             reply.json().value(u"access_token"_s).toString());
    QCOMPARE(model.index(0, TokenModel::UserColumn).data().toString(), u"joseph-ross"_s);
}

void tst_TokenModel::resetEmptiesTheTable()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QVERIFY(running.sandbox().tokens().mintDebugToken(request()));
    TokenModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 1); // read at construction
    QVERIFY(running.sandbox().tokens().mintDebugToken(request())); // pending when the reset comes
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QVERIFY(running.sandbox().reset());
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 0);
    model.flushPending();
    QCOMPARE(model.rowCount(), 0);
}

void tst_TokenModel::formatsDurations_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << qint64(0) << u"0 s"_s;
    QTest::newRow("seconds") << qint64(59) << u"59 s"_s;
    QTest::newRow("minute") << qint64(60) << u"1 min 0 s"_s;
    QTest::newRow("hour") << qint64(3600) << u"1 h 0 min"_s;
    QTest::newRow("hours") << qint64(7 * 3600 + 125) << u"7 h 2 min"_s;
    QTest::newRow("days") << qint64(3 * 86400 + 5 * 3600 + 7) << u"3 d 5 h"_s;
    QTest::newRow("negative") << qint64(-5) << u"0 s"_s;
}

void tst_TokenModel::formatsDurations()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(TokenModel::formatDuration(seconds), text);
}

QTEST_MAIN(tst_TokenModel)
#include "tst_tokenmodel.moc"
