// SPDX-License-Identifier: Apache-2.0
// The Tokens tab's actions on a real sandbox: copy the token and a curl that reads its patient,
// introspect (the RFC 7662 answer, from the service the HTTP route uses, in a dialog), extend by
// an hour, expire now and revoke, which is asked first and leaves nothing to extend.

#include "oauth/grantservice.h"
#include "oauth/tokenservice.h"
#include "testsupport.h"
#include "tokenmodel.h"
#include "tokenspage.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QDialog>
#include <QGuiApplication>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

TokenView mint(RunningSandbox &running, qint64 lifetimeSeconds)
{
    DebugTokenRequest request;
    request.clientId = u"test-suite"_s;
    request.username = u"daniel-adams"_s;
    request.patientId = u"smart-1032702"_s;
    request.accessLifetimeSeconds = lifetimeSeconds;
    return running.sandbox().tokens().mintDebugToken(request).value();
}

QJsonObject dialogJson(QDialog *dialog)
{
    auto *edit = dialog->findChild<QPlainTextEdit *>(u"introspectionDialogEdit"_s);
    return edit ? QJsonDocument::fromJson(edit->toPlainText().toUtf8()).object() : QJsonObject();
}

} // namespace

class tst_TokensPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void filterFindsClientsByNameAndId();
    void copyTokenAndCurl();
    void introspectShowsTheAnswer();
    void extendAddsAnHour();
    void revokedTokenCannotBeExtended();
};

void tst_TokensPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiHelpers::installTranslator(u"en"_s);
}

// The Client column shows the name; the filter finds the rows by that name and by the client_id
// that only the tooltip shows.
void tst_TokensPage::filterFindsClientsByNameAndId()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokensPage page(running.sandbox());
    mint(running, 300);
    DebugTokenRequest other;
    other.clientId = u"api-test"_s;
    other.username = u"joseph-ross"_s;
    other.patientId = u"smart-1081332"_s;
    QVERIFY(running.sandbox().tokens().mintDebugToken(other));
    page.model()->flushPending();
    const auto shownClients = [&](const QString &filter) {
        page.filterEdit()->setText(filter);
        QStringList clients;
        for (int row = 0; row < page.view()->model()->rowCount(); ++row)
            clients.append(page.view()->model()->index(row, TokenModel::ClientColumn).data().toString());
        clients.sort();
        return clients;
    };
    QCOMPARE(shownClients(QString()), (QStringList{u"All of Us Research Program"_s, u"S4S Test Suite"_s}));
    QCOMPARE(shownClients(u"s4s"_s), QStringList{u"S4S Test Suite"_s});
    QCOMPARE(shownClients(u"API-TEST"_s), QStringList{u"All of Us Research Program"_s});
    QCOMPARE(shownClients(u"no such client"_s), QStringList{});
}

void tst_TokensPage::copyTokenAndCurl()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokensPage page(running.sandbox());
    page.setBaseUrl(running.http().base());
    const TokenView token = mint(running, 300);
    page.selectToken(token.token.id);
    page.findChild<QToolButton *>(u"copyTokenButton"_s)->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), token.token.accessToken);
    page.findChild<QToolButton *>(u"copyCurlButton"_s)->click();
    QCOMPARE(QGuiApplication::clipboard()->text(),
             u"curl -H 'Authorization: Bearer %1' %2/api/fhir/Patient/smart-1032702"_s.arg(token.token.accessToken,
                                                                                           running.http().base()));
}

void tst_TokensPage::introspectShowsTheAnswer()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokensPage page(running.sandbox());
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.setBaseUrl(running.http().base());
    auto *introspect = page.findChild<QToolButton *>(u"introspectButton"_s);
    QVERIFY(!introspect->isEnabled());
    QVERIFY(!page.introspectSelected());
    const TokenView token = mint(running, 300);
    page.selectToken(token.token.id);
    QVERIFY(introspect->isEnabled());

    introspect->click();
    auto *dialog = page.findChild<QDialog *>(u"introspectionDialog"_s);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->windowTitle().contains(u"daniel-adams"_s));
    QJsonObject shown = dialogJson(dialog);
    QCOMPARE(shown.value(u"active"_s).toBool(), true);
    QCOMPARE(shown.value(u"client_id"_s).toString(), u"test-suite"_s);
    QCOMPARE(shown.value(u"patient"_s).toString(), u"smart-1032702"_s);
    QCOMPARE(shown.value(u"iss"_s).toString(), running.http().base());
    QCOMPARE(shown.value(u"exp"_s).toInteger(), token.token.expiresAtMs / 1000);
    // What the HTTP endpoint answers for the same token.
    const Reply http
        = running.http().postForm(u"/oauth/introspect"_s, {{u"token"_s, token.token.accessToken}},
                                  {{"Authorization", "Basic " + QByteArray("test-suite:demo-secret-s4s").toBase64()}});
    QCOMPARE(http.status, 200);
    QJsonObject expected = http.json();
    QCOMPARE(shown, expected);
    dialog->close();

    page.findChild<QToolButton *>(u"expireButton"_s)->click();
    QDialog *second = page.introspectSelected();
    QVERIFY(second);
    QCOMPARE(dialogJson(second), (QJsonObject{{u"active"_s, false}}));
}

void tst_TokensPage::extendAddsAnHour()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokensPage page(running.sandbox());
    const TokenView token = mint(running, 300);
    page.selectToken(token.token.id);
    const int row = page.model()->rowOf(token.token.id);
    const QModelIndex expiresIn = page.model()->index(row, TokenModel::ExpiresInColumn);
    QCOMPARE(expiresIn.data().toString(), u"5 min 0 s"_s);
    auto *extend = page.findChild<QToolButton *>(u"extendButton"_s);
    QVERIFY(extend->isEnabled());
    extend->click();
    QCOMPARE(expiresIn.data().toString(), u"1 h 5 min"_s);

    // An expired token gets an hour from now.
    page.findChild<QToolButton *>(u"expireButton"_s)->click();
    QCOMPARE(page.model()->index(row, TokenModel::StateColumn).data().toString(), u"expired"_s);
    extend->click();
    QCOMPARE(expiresIn.data().toString(), u"1 h 0 min"_s);
    QCOMPARE(page.model()->index(row, TokenModel::StateColumn).data().toString(), u"active"_s);
    QVERIFY(running.sandbox().tokens().find(token.token.accessToken)->active(running.clock().nowMs()));
}

void tst_TokensPage::revokedTokenCannotBeExtended()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    TokensPage page(running.sandbox());
    int asked = 0;
    page.setConfirmer([&asked](QWidget *, const QString &, const QString &, const QString &) {
        ++asked;
        return true;
    });
    const TokenView token = mint(running, 300);
    page.selectToken(token.token.id);
    page.view()->setFocus();
    page.revokeSelected();
    QCOMPARE(asked, 1);
    const int row = page.model()->rowOf(token.token.id);
    QCOMPARE(page.model()->index(row, TokenModel::StateColumn).data().toString(), u"revoked"_s);
    QVERIFY(!page.findChild<QToolButton *>(u"extendButton"_s)->isEnabled());
    page.extendSelected(); // does nothing on a revoked token
    Result<FoundToken> found = running.sandbox().tokens().find(token.token.accessToken);
    QCOMPARE(found->view.token.expiresAtMs, token.token.expiresAtMs);
    QVERIFY(!found->active(running.clock().nowMs()));
}

QTEST_MAIN(tst_TokensPage)
#include "tst_tokenspage.moc"
