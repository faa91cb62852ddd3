// SPDX-License-Identifier: Apache-2.0
// The Register and Edit client dialogs on a running sandbox: a client registered or edited in the
// dialog is the one GET /oauth/register/{id} answers with; the dialog refuses as it is typed what
// POST /oauth/register refuses, with the same words; Delete asks first; copy and the
// registration JSON viewer show the client's own values.

#include "clientdialog.h"
#include "clientmodel.h"
#include "clientspage.h"
#include "jsonhighlighter.h"
#include "oauth/clientregistry.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialog>
#include <QGuiApplication>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

QList<QPair<QByteArray, QByteArray>> bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toLatin1()}};
}

// What GET /oauth/register/{id} answers for a client, with its own registration access token.
Reply readRegistration(RunningSandbox &running, const QString &clientId)
{
    Result<std::optional<Client>> found = running.sandbox().clients().find(clientId);
    if (!found || !found.value())
        return {};
    return running.http().get(u"/oauth/register/"_s + clientId, bearer(found.value()->registrationAccessToken));
}

} // namespace

class tst_ClientDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void registerThroughTheDialog();
    void refusesAsTypedWithTheEndpointsWords_data();
    void refusesAsTypedWithTheEndpointsWords();
    void editThroughTheDialog();
    void deleteAsksFirst();
    void copyAndShowRegistration();
};

void tst_ClientDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void tst_ClientDialog::registerThroughTheDialog()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    ClientsPage page(running.sandbox());
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int fixtures = page.model()->rowCount();
    page.findChild<QToolButton *>(u"registerButton"_s)->click();
    QPointer<ClientDialog> dialog = page.findChild<ClientDialog *>(u"clientDialog"_s);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->isEditing());
    auto *redirects = dialog->findChild<QListView *>(u"redirectUrisView"_s);
    QAbstractItemModelTester redirectTester(redirects->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    // A new public app needs a redirect URI: the dialog says so before anything is sent.
    auto *save = dialog->findChild<QPushButton *>(u"saveButton"_s);
    QVERIFY(!save->isEnabled());
    QVERIFY(dialog->findChild<QLabel *>(u"errorLabel"_s)->text().contains(u"redirect_uris"_s));

    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"nameEdit"_s), u"Growth chart"_s);
    // A URI is checked while it is still being typed.
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"redirectUriEdit"_s), u"localhost:3000/callback#x"_s);
    QVERIFY(!save->isEnabled());
    QVERIFY2(dialog->findChild<QLabel *>(u"errorLabel"_s)->text().contains(u"fragment"_s),
             qPrintable(dialog->findChild<QLabel *>(u"errorLabel"_s)->text()));
    dialog->findChild<QLineEdit *>(u"redirectUriEdit"_s)->clear();
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"redirectUriEdit"_s), u"http://localhost:3000/callback"_s);
    QTest::keyClick(dialog->findChild<QLineEdit *>(u"redirectUriEdit"_s), Qt::Key_Return);
    QCOMPARE(redirects->model()->rowCount(), 1);
    QVERIFY(dialog->isVisible()); // Enter added the URI; it did not press Register
    QCOMPARE(page.model()->rowCount(), fixtures);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"launchUriEdit"_s), u"http://localhost:3000/launch"_s);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"contactsEdit"_s), u"dev@example.org, ops@example.org"_s);
    dialog->setScope(u"launch openid fhirUser"_s);
    QVERIFY2(save->isEnabled(), qPrintable(dialog->validationError()));
    save->click();
    QVERIFY(!dialog || !dialog->isVisible()); // accepted, closed and on its way out

    QCOMPARE(page.model()->rowCount(), fixtures + 1);
    const std::optional<Client> selected = page.selectedClient();
    QVERIFY(selected);
    QCOMPARE(selected->name, u"Growth chart"_s);
    QCOMPARE(selected->origin, u"ui"_s);
    QVERIFY(selected->isPublic());

    const Reply reply = readRegistration(running, selected->id);
    QCOMPARE(reply.status, 200);
    const QJsonObject json = reply.json();
    QCOMPARE(json[u"client_name"_s].toString(), u"Growth chart"_s);
    QCOMPARE(json[u"redirect_uris"_s].toArray(), QJsonArray{u"http://localhost:3000/callback"_s});
    QCOMPARE(json[u"token_endpoint_auth_method"_s].toString(), u"none"_s);
    QCOMPARE(json[u"launch_uri"_s].toString(), u"http://localhost:3000/launch"_s);
    QCOMPARE(json[u"scope"_s].toString(), u"launch openid fhirUser"_s);
    QCOMPARE(json[u"contacts"_s].toArray(), (QJsonArray{u"dev@example.org"_s, u"ops@example.org"_s}));
    QCOMPARE(json[u"response_types"_s].toArray(), QJsonArray{u"code"_s});
    QVERIFY(!json.contains(u"client_secret"_s));
}

void tst_ClientDialog::refusesAsTypedWithTheEndpointsWords_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QStringList>("redirects");
    QTest::addColumn<QStringList>("grants");
    QTest::addColumn<QString>("jwks");
    QTest::addColumn<QString>("launchUri");
    QTest::addColumn<QString>("error"); // a part of the message; empty: accepted

    const QStringList code = {u"authorization_code"_s};
    const QStringList redirect = {u"https://app.example.org/cb"_s};
    const QString keys = uR"({"keys": [{"kty": "EC", "crv": "P-384", "x": "a", "y": "b"}]})"_s;
    QTest::newRow("code flow without redirect")
        << u"none"_s << QStringList() << code << QString() << QString() << u"redirect_uris is required"_s;
    QTest::newRow("relative redirect") << u"none"_s << QStringList{u"/callback"_s} << code << QString() << QString()
                                       << u"is not absolute"_s;
    QTest::newRow("redirect with fragment")
        << u"none"_s << QStringList{u"https://a.example/cb#x"_s} << code << QString() << QString() << u"fragment"_s;
    QTest::newRow("javascript redirect") << u"none"_s << QStringList{u"javascript:alert(1)"_s} << code << QString()
                                         << QString() << u"javascript"_s;
    QTest::newRow("launch URL not a URL")
        << u"none"_s << redirect << code << QString() << u"not a url"_s << u"launch_uri"_s;
    QTest::newRow("private_key_jwt without keys")
        << u"private_key_jwt"_s << redirect << code << QString() << QString() << u"jwks or jwks_uri"_s;
    QTest::newRow("jwks not JSON") << u"private_key_jwt"_s << redirect << code << u"{keys"_s << QString()
                                   << u"JSON Web Key Set"_s;
    QTest::newRow("public backend service") << u"none"_s << QStringList() << QStringList{u"client_credentials"_s}
                                            << QString() << QString() << u"client_credentials"_s;
    QTest::newRow("no grant at all") << u"none"_s << redirect << QStringList() << QString() << QString()
                                     << u"grant_types is empty"_s;
    QTest::newRow("asymmetric app") << u"private_key_jwt"_s << redirect << code << keys << QString() << QString();
    QTest::newRow("backend service") << u"private_key_jwt"_s << QStringList() << QStringList{u"client_credentials"_s}
                                     << keys << QString() << QString();
}

void tst_ClientDialog::refusesAsTypedWithTheEndpointsWords()
{
    QFETCH(QString, method);
    QFETCH(QStringList, redirects);
    QFETCH(QStringList, grants);
    QFETCH(QString, jwks);
    QFETCH(QString, launchUri);
    QFETCH(QString, error);

    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    ClientDialog dialog(running.sandbox());
    dialog.setAuthMethod(method);
    dialog.setGrantTypes(grants);
    dialog.setRedirectUris(redirects);
    dialog.setJwks(jwks);
    dialog.setLaunchUri(launchUri);
    if (grants.contains(u"client_credentials"_s))
        dialog.setScope(u"system/*.rs"_s);

    auto *save = dialog.findChild<QPushButton *>(u"saveButton"_s);
    auto *errorLabel = dialog.findChild<QLabel *>(u"errorLabel"_s);
    // The endpoint, given what the dialog would register, answers the same.
    const Reply reply = running.http().postJson(u"/oauth/register"_s, dialog.metadata());
    if (error.isEmpty()) {
        QVERIFY2(save->isEnabled(), qPrintable(errorLabel->text()));
        QVERIFY(errorLabel->isHidden());
        QCOMPARE(reply.status, 201);
        QVERIFY(dialog.save());
        QVERIFY(dialog.savedClient());
        QCOMPARE(dialog.savedClient()->tokenEndpointAuthMethod, method);
        return;
    }
    QVERIFY(!save->isEnabled());
    QVERIFY(!errorLabel->isHidden());
    QVERIFY2(errorLabel->text().contains(error), qPrintable(errorLabel->text()));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"error_description"_s].toString(), errorLabel->text());
}

void tst_ClientDialog::editThroughTheDialog()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply registered
        = running.http().postJson(u"/oauth/register"_s,
                                  QJsonObject{{u"client_name"_s, u"Old name"_s},
                                              {u"redirect_uris"_s, QJsonArray{u"https://app.example.org/cb"_s}},
                                              {u"token_endpoint_auth_method"_s, u"client_secret_basic"_s},
                                              {u"software_id"_s, u"growth-chart"_s},
                                              {u"x-custom"_s, 7}});
    QCOMPARE(registered.status, 201);
    const QString clientId = registered.json()[u"client_id"_s].toString();
    const QString secret = registered.json()[u"client_secret"_s].toString();

    ClientsPage page(running.sandbox());
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int clients = page.model()->rowCount();
    page.selectClient(clientId);
    page.findChild<QToolButton *>(u"editButton"_s)->click();
    QPointer<ClientDialog> dialog = page.findChild<ClientDialog *>(u"clientDialog"_s);
    QVERIFY(dialog);
    QVERIFY(dialog->isEditing());
    auto *nameEdit = dialog->findChild<QLineEdit *>(u"nameEdit"_s);
    QCOMPARE(nameEdit->text(), u"Old name"_s);
    QCOMPARE(dialog->redirectUris(), QStringList{u"https://app.example.org/cb"_s});
    QCOMPARE(dialog->findChild<QComboBox *>(u"authMethodCombo"_s)->currentData().toString(), u"client_secret_basic"_s);
    QCOMPARE(dialog->findChild<QLineEdit *>(u"softwareIdEdit"_s)->text(), u"growth-chart"_s);

    nameEdit->clear();
    QTest::keyClicks(nameEdit, u"New name"_s);
    dialog->addRedirectUri(u"https://app.example.org/cb2"_s);
    dialog->findChild<QPushButton *>(u"saveButton"_s)->click();
    QVERIFY(!dialog || !dialog->isVisible()); // accepted, closed and on its way out

    QCOMPARE(page.model()->rowCount(), clients);
    QCOMPARE(page.model()->index(page.model()->rowOf(clientId), ClientModel::NameColumn).data().toString(),
             u"New name"_s);
    const Reply reply = readRegistration(running, clientId);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json()[u"client_name"_s].toString(), u"New name"_s);
    QCOMPARE(reply.json()[u"redirect_uris"_s].toArray(),
             (QJsonArray{u"https://app.example.org/cb"_s, u"https://app.example.org/cb2"_s}));
    // What the dialog does not show is kept, and so are the credentials.
    QCOMPARE(reply.json()[u"x-custom"_s].toInt(), 7);
    QCOMPARE(reply.json()[u"client_secret"_s].toString(), secret);

    // A refused edit leaves the client as it was.
    ClientDialog refused(running.sandbox(), *page.selectedClient());
    refused.setRedirectUris({u"not a uri"_s});
    QVERIFY(!refused.save());
    QCOMPARE(readRegistration(running, clientId).json()[u"redirect_uris"_s].toArray().size(), 2);
}

void tst_ClientDialog::deleteAsksFirst()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    Result<Client> client = running.sandbox().clients().registerClient(
        QJsonObject{{u"client_name"_s, u"Doomed"_s}, {u"redirect_uris"_s, QJsonArray{u"https://a.example/cb"_s}}},
        u"ui"_s);
    QVERIFY(client);
    ClientsPage page(running.sandbox());
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QStringList questions;
    bool answer = false;
    page.setConfirmer([&](QWidget *, const QString &, const QString &text, const QString &) {
        questions.append(text);
        return answer;
    });
    page.show();
    QVERIFY(QTest::qWaitForWindowActive(&page));
    page.selectClient(client.value().id);
    page.view()->setFocus();
    QTest::keyClick(page.view(), Qt::Key_Delete);
    QCOMPARE(questions.size(), 1);
    QVERIFY(questions.first().contains(u"Doomed"_s));
    QVERIFY(page.model()->rowOf(client.value().id) >= 0);
    QCOMPARE(readRegistration(running, client.value().id).status, 200);

    answer = true;
    QTest::keyClick(page.view(), Qt::Key_Delete);
    QCOMPARE(questions.size(), 2);
    QCOMPARE(page.model()->rowOf(client.value().id), -1);
    QVERIFY(!running.sandbox().clients().find(client.value().id).value().has_value());
    QCOMPARE(running.http()
                 .get(u"/oauth/register/"_s + client.value().id, bearer(client.value().registrationAccessToken))
                 .status,
             401);
}

void tst_ClientDialog::copyAndShowRegistration()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    Result<Client> client = running.sandbox().clients().registerClient(
        QJsonObject{{u"client_name"_s, u"Confidential"_s},
                    {u"redirect_uris"_s, QJsonArray{u"https://a.example/cb"_s}},
                    {u"launch_uri"_s, u"https://a.example/launch"_s},
                    {u"token_endpoint_auth_method"_s, u"client_secret_post"_s}},
        u"ui"_s);
    QVERIFY(client);
    ClientsPage page(running.sandbox());
    page.selectClient(client.value().id);
    QGuiApplication::clipboard()->clear();
    page.findChild<QToolButton *>(u"copyIdButton"_s)->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), client.value().id);
    page.findChild<QToolButton *>(u"copySecretButton"_s)->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), client.value().secret);
    QVERIFY(!client.value().secret.isEmpty());

    page.findChild<QToolButton *>(u"registrationButton"_s)->click();
    auto *dialog = page.findChild<QDialog *>(u"registrationDialog"_s);
    QVERIFY(dialog);
    auto *text = dialog->findChild<QPlainTextEdit *>(u"registrationDialogEdit"_s);
    QVERIFY(text->isReadOnly());
    QVERIFY(text->document()->findChild<JsonHighlighter *>());
    const QJsonObject shown = QJsonDocument::fromJson(text->toPlainText().toUtf8()).object();
    QCOMPARE(shown[u"client_id"_s].toString(), client.value().id);
    QCOMPARE(shown[u"launch_uri"_s].toString(), u"https://a.example/launch"_s);
    QCOMPARE(shown[u"client_secret"_s].toString(), client.value().secret);
}

QTEST_MAIN(tst_ClientDialog)
#include "tst_clientdialog.moc"
