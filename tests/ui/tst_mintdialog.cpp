// SPDX-License-Identifier: Apache-2.0
// The Mint token dialog's Defect list as a person uses it: the JWT-only defects are offered only
// for clients with JWT access tokens; a token minted expired on purpose shows up on the Tokens page
// as expired, with its defect; the Clients table shows each client's token format.

#include "clientmodel.h"
#include "mintdialog.h"
#include "oauth/clientregistry.h"
#include "oauth/tokenservice.h"
#include "server/portalserver.h"
#include "testsupport.h"
#include "tokenmodel.h"
#include "tokenspage.h"
#include "uihelpers.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

// The row of the Tokens page's table that shows `tokenId`, through the page's proxy model.
int viewRow(const TokensPage &page, const QString &tokenId)
{
    const QAbstractItemModel *model = page.view()->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(TokenModel::TokenIdRole).toString() == tokenId)
            return row;
    }
    return -1;
}

QString cell(const TokensPage &page, int row, int column)
{
    return page.view()->model()->index(row, column).data().toString();
}

Client registerJwtClient(Sandbox &sandbox)
{
    const QJsonObject metadata{{u"client_name"_s, u"JWT app"_s},
                               {u"redirect_uris"_s, QJsonArray{u"http://localhost:3000/callback"_s}},
                               {u"scope"_s, u"launch/patient openid fhirUser patient/*.read"_s},
                               {u"access_token_format"_s, u"jwt"_s}};
    Result<Client> client = sandbox.clients().registerClient(metadata, u"ui"_s);
    if (!client)
        qFatal("cannot register: %s", qPrintable(client.error().description));
    return client.value();
}

} // namespace

class tst_MintDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void jwtDefectsOnlyForJwtClients();
    void expiredOnPurposeShowsAsExpired();
    void badSignatureForJwtClient();
    void clientsTableShowsTheFormat();
};

void tst_MintDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiHelpers::installTranslator(u"en"_s);
}

void tst_MintDialog::jwtDefectsOnlyForJwtClients()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client jwtClient = registerJwtClient(running.sandbox());
    MintDialog dialog(running.sandbox());
    auto *combo = dialog.findChild<QComboBox *>(u"defectCombo"_s);
    QVERIFY(combo);
    QCOMPARE(combo->count(), 1 + int(TokenDefects::all().size()));
    QCOMPARE(combo->itemText(0), u"None"_s);
    auto *items = qobject_cast<QStandardItemModel *>(combo->model());
    QVERIFY(items);
    const int badSignature = combo->findData(int(TokenDefect::BadSignature));
    const int expired = combo->findData(int(TokenDefect::Expired));

    QVERIFY(dialog.selectClient(u"api-test"_s)); // opaque tokens
    QVERIFY(!items->item(badSignature)->isEnabled());
    QVERIFY(combo->itemData(badSignature, Qt::ToolTipRole).toString().contains(u"JWT"_s));
    QVERIFY(items->item(expired)->isEnabled());
    QVERIFY(!dialog.selectDefect(TokenDefect::WrongAudience));
    QVERIFY(dialog.selectDefect(TokenDefect::Expired));

    QVERIFY(dialog.selectClient(jwtClient.id));
    QVERIFY(items->item(badSignature)->isEnabled());
    QCOMPARE(combo->currentData().toInt(), int(TokenDefect::Expired)); // still offered: kept
    QVERIFY(dialog.selectDefect(TokenDefect::BadSignature));
    // Back to an opaque client: a JWT-only choice falls back to None rather than failing at Mint.
    QVERIFY(dialog.selectClient(u"api-test"_s));
    QCOMPARE(combo->currentData().toInt(), int(TokenDefect::None));
}

void tst_MintDialog::expiredOnPurposeShowsAsExpired()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokensPage page(running.sandbox());
    QAbstractItemModelTester tester(page.view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    MintDialog dialog(running.sandbox());
    QVERIFY(dialog.selectClient(u"api-test"_s));
    QVERIFY(dialog.selectUser(u"daniel-adams"_s));
    QVERIFY(dialog.selectPatient(u"smart-1288992"_s));
    auto *combo = dialog.findChild<QComboBox *>(u"defectCombo"_s);
    combo->setCurrentIndex(combo->findData(int(TokenDefect::Expired)));
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"mintButton"_s), Qt::LeftButton);

    QVERIFY(dialog.mintedToken());
    const TokenView minted = *dialog.mintedToken();
    QCOMPARE(minted.token.defect, TokenDefect::Expired);
    QVERIFY(!dialog.findChild<QLineEdit *>(u"accessTokenEdit"_s)->text().isEmpty());
    QVERIFY(dialog.findChild<QLabel *>(u"defectLabel"_s)->text().contains(u"Expired"_s));

    QTRY_VERIFY(viewRow(page, minted.token.id) >= 0);
    const int row = viewRow(page, minted.token.id);
    QCOMPARE(cell(page, row, TokenModel::StateColumn), u"expired"_s);
    QCOMPARE(cell(page, row, TokenModel::ExpiresInColumn), u"expired"_s);
    QCOMPARE(cell(page, row, TokenModel::DefectColumn), u"Expired"_s);
    QVERIFY(
        page.view()->model()->index(row, TokenModel::DefectColumn).data(Qt::ToolTipRole).toString().contains(u"401"_s));
    // What the table says is what the service says: the token is not active.
    QVERIFY(!running.sandbox().tokens().find(minted.token.accessToken).value().active(running.clock().nowMs()));
}

void tst_MintDialog::badSignatureForJwtClient()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Client jwtClient = registerJwtClient(running.sandbox());
    TokensPage page(running.sandbox());
    QAbstractItemModelTester tester(page.view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    MintDialog dialog(running.sandbox());
    QVERIFY(dialog.selectClient(jwtClient.id));
    QVERIFY(dialog.selectUser(u"daniel-adams"_s));
    QVERIFY(dialog.selectDefect(TokenDefect::BadSignature));
    QVERIFY(dialog.mint());
    const TokenView minted = *dialog.mintedToken();
    QCOMPARE(minted.token.format, AccessTokenFormat::Jwt);
    QCOMPARE(minted.token.accessToken.count(u'.'), 2);
    QVERIFY(dialog.curlCommand().contains(minted.token.accessToken));
    QTRY_VERIFY(viewRow(page, minted.token.id) >= 0);
    QCOMPARE(cell(page, viewRow(page, minted.token.id), TokenModel::DefectColumn), u"Bad signature"_s);
    // The service that FHIR and introspection use refuses it.
    const Result<FoundToken> checked
        = running.sandbox().tokens().findVerified(minted.token.accessToken, running.sandbox().server().urls());
    QVERIFY(checked);
    QVERIFY(!checked.value().active(running.clock().nowMs()));
    QVERIFY(checked.value().rejection.contains(u"signature"_s));
}

void tst_MintDialog::clientsTableShowsTheFormat()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    ClientModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const Client jwtClient = registerJwtClient(running.sandbox());
    QTRY_VERIFY(model.rowOf(jwtClient.id) >= 0);
    QCOMPARE(model.index(model.rowOf(jwtClient.id), ClientModel::TokenFormatColumn).data().toString(), u"JWT"_s);
    QCOMPARE(model.index(model.rowOf(u"api-test"_s), ClientModel::TokenFormatColumn).data().toString(), u"opaque"_s);
    QCOMPARE(model.headerData(ClientModel::TokenFormatColumn, Qt::Horizontal).toString(), u"Access tokens"_s);
}

QTEST_MAIN(tst_MintDialog)
#include "tst_mintdialog.moc"
