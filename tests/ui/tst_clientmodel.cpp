// SPDX-License-Identifier: Apache-2.0
// The Clients table: the fixtures at start, a client registered over HTTP appears at once (with a
// notice), updates and deletions show, types are told apart, and reset brings back the fixtures.

#include "clientmodel.h"
#include "oauth/clientregistry.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

class tst_ClientModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheFixtures();
    void clientRegisteredOverHttpAppears();
    void removedAndUpdatedClientsShow();
    void typesAreToldApart_data();
    void typesAreToldApart();
    void resetRestoresTheFixtures();
};

void tst_ClientModel::showsTheFixtures()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    ClientModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(ClientModel::ColumnCount));
    const int row = model.rowOf(u"test-suite"_s);
    QVERIFY(row >= 0);
    QCOMPARE(model.index(row, ClientModel::NameColumn).data().toString(), u"S4S Test Suite"_s);
    QCOMPARE(model.index(row, ClientModel::ClientIdColumn).data().toString(), u"test-suite"_s);
    QCOMPARE(model.index(row, ClientModel::TypeColumn).data().toString(), u"confidential"_s);
    QCOMPARE(model.index(row, ClientModel::ScopeColumn).data().toString(),
             u"launch/patient patient/*.read offline_access"_s);
    QCOMPARE(model.index(row, ClientModel::RedirectUrisColumn).data().toString(),
             u"http://tests.dev.syncfor.science:9003/authorized/"_s);
    QVERIFY(!model.index(row, ClientModel::RegisteredColumn).data().toString().isEmpty());
    QCOMPARE(model.index(row, 0).data(ClientModel::ClientRole).value<Client>().secret, u"demo-secret-s4s"_s);
    QCOMPARE(model.headerData(ClientModel::ClientIdColumn, Qt::Horizontal).toString(), u"Client ID"_s);
}

void tst_ClientModel::clientRegisteredOverHttpAppears()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    ClientModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy arrived(&model, &ClientModel::clientArrived);
    const Reply reply
        = running.http().postJson(u"/oauth/register"_s,
                                  QJsonObject{{u"client_name"_s, u"My App"_s},
                                              {u"redirect_uris"_s, QJsonArray{u"http://localhost:3000/callback"_s}},
                                              {u"token_endpoint_auth_method"_s, u"none"_s}});
    QCOMPARE(reply.status, 201);
    const QString clientId = reply.json().value(u"client_id"_s).toString();
    QCOMPARE(model.rowCount(), 3); // no waiting: the registry's signal arrived with the answer
    const int row = model.rowOf(clientId);
    QVERIFY(row >= 0);
    QCOMPARE(model.index(row, ClientModel::NameColumn).data().toString(), u"My App"_s);
    QCOMPARE(model.index(row, ClientModel::TypeColumn).data().toString(), u"public"_s);
    QCOMPARE(arrived.size(), 1);
    QCOMPARE(arrived.at(0).at(0).value<Client>().id, clientId);
}

void tst_ClientModel::removedAndUpdatedClientsShow()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    ClientModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ClientRegistry &registry = running.sandbox().clients();
    Result<Client> registered
        = registry.registerClient(QJsonObject{{u"client_name"_s, u"Before"_s},
                                              {u"redirect_uris"_s, QJsonArray{u"http://localhost:3000/callback"_s}}},
                                  u"ui"_s);
    QVERIFY(registered);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(registry.update(registered->id,
                            QJsonObject{{u"client_name"_s, u"After"_s},
                                        {u"redirect_uris"_s, QJsonArray{u"http://localhost:3000/callback"_s}}}));
    QCOMPARE(model.index(model.rowOf(registered->id), ClientModel::NameColumn).data().toString(), u"After"_s);
    QVERIFY(registry.remove(u"api-test"_s));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOf(u"api-test"_s), -1);
}

void tst_ClientModel::typesAreToldApart_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QStringList>("grants");
    QTest::addColumn<int>("type");
    QTest::newRow("public") << u"none"_s << QStringList{u"authorization_code"_s} << int(ClientModel::Type::Public);
    QTest::newRow("confidential") << u"client_secret_basic"_s << QStringList{u"authorization_code"_s}
                                  << int(ClientModel::Type::Confidential);
    QTest::newRow("asymmetric") << u"private_key_jwt"_s << QStringList{u"authorization_code"_s}
                                << int(ClientModel::Type::Asymmetric);
    QTest::newRow("backend") << u"private_key_jwt"_s << QStringList{u"client_credentials"_s}
                             << int(ClientModel::Type::Backend);
}

void tst_ClientModel::typesAreToldApart()
{
    QFETCH(QString, method);
    QFETCH(QStringList, grants);
    QFETCH(int, type);
    Client client;
    client.tokenEndpointAuthMethod = method;
    client.grantTypes = grants;
    QCOMPARE(int(ClientModel::typeOf(client)), type);
}

void tst_ClientModel::resetRestoresTheFixtures()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    ClientModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(running.sandbox().clients().remove(u"test-suite"_s));
    QCOMPARE(model.rowCount(), 1);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QVERIFY(running.sandbox().reset());
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(model.rowOf(u"test-suite"_s) >= 0);
}

QTEST_MAIN(tst_ClientModel)
#include "tst_clientmodel.moc"
