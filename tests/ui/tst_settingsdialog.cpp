// SPDX-License-Identifier: Apache-2.0
// The Settings dialog on a running sandbox with its own settings file: a new port is where the
// server answers next while tokens minted before still introspect active; an admin key takes
// effect at once; a new database waits for the next start and says so; bad values change
// nothing. And the saved settings fill in what the command line leaves out, never more.

#include "mainwindow.h"
#include "oauth/clientregistry.h"
#include "oauth/tokenservice.h"
#include "sandbox.h"
#include "server/portalserver.h"
#include "serversettings.h"
#include "settingsdialog.h"
#include "testsupport.h"

#include <QAction>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

// A port nobody listens on right now.
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QString mintToken(Sandbox &sandbox)
{
    Result<Client> client
        = sandbox.clients().registerClient(QJsonObject{{u"redirect_uris"_s, QJsonArray{u"https://a.example/cb"_s}},
                                                       {u"token_endpoint_auth_method"_s, u"none"_s}},
                                           u"ui"_s);
    if (!client)
        return {};
    DebugTokenRequest request;
    request.clientId = client.value().id;
    request.username = u"daniel-adams"_s;
    request.patientId = u"smart-1032702"_s;
    Result<TokenView> token = sandbox.tokens().mintDebugToken(request);
    return token ? token.value().token.accessToken : QString();
}

} // namespace

class tst_SettingsDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void newPortKeepsTheState();
    void adminKeyAppliesAtOnce();
    void badValuesChangeNothing_data();
    void badValuesChangeNothing();
    void commandLineWinsOverSavedSettings();
    void mainWindowOpensTheDialog();

private:
    QTemporaryDir m_dir;
};

void tst_SettingsDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void tst_SettingsDialog::newPortKeepsTheState()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString token = mintToken(running.sandbox());
    QVERIFY(!token.isEmpty());
    QVERIFY(running.http().get(u"/admin/status"_s).status == 200);
    const int loggedBefore = running.http().get(u"/admin/status"_s).json()[u"counts"_s][u"requests_logged"_s].toInt();
    QVERIFY(loggedBefore >= 1);

    QSettings settings(m_dir.filePath(u"port.ini"_s), QSettings::IniFormat);
    SettingsDialog dialog(running.sandbox(), settings);
    const quint16 oldPort = running.port();
    const quint16 newPort = freePort();
    QVERIFY(newPort != 0 && newPort != oldPort);
    dialog.findChild<QSpinBox *>(u"portSpin"_s)->setValue(newPort);
    auto *database = dialog.findChild<QLineEdit *>(u"databaseEdit"_s);
    const QString databaseBefore = running.sandbox().options().database;
    QCOMPARE(database->text(), databaseBefore);
    database->setText(m_dir.filePath(u"next.sqlite"_s));
    dialog.findChild<QPushButton *>(u"applyButton"_s)->click();
    QVERIFY2(dialog.findChild<QLabel *>(u"errorLabel"_s)->isHidden(),
             qPrintable(dialog.findChild<QLabel *>(u"errorLabel"_s)->text()));

    QCOMPARE(running.sandbox().server().port(), newPort);
    HttpClient moved(newPort);
    const Reply status = moved.get(u"/admin/status"_s);
    QCOMPARE(status.status, 200);
    // Clients, tokens and the request log are all still there.
    QVERIFY(status.json()[u"counts"_s][u"requests_logged"_s].toInt() > loggedBefore);
    const Reply introspection = moved.get(u"/oauth/debug/introspect?token="_s + token);
    QCOMPARE(introspection.status, 200);
    QCOMPARE(introspection.json()[u"active"_s].toBool(), true);
    QVERIFY(!running.http().get(u"/admin/status"_s).networkError.isEmpty()); // nobody on the old port

    // The database waits for the next start, and the dialog says so.
    QCOMPARE(running.sandbox().options().database, databaseBefore);
    QVERIFY2(dialog.notice().contains(u"next start"_s), qPrintable(dialog.notice()));
    QVERIFY(dialog.notice().contains(u":%1"_s.arg(newPort)));

    settings.sync();
    QCOMPARE(settings.value(u"server/port"_s).toInt(), int(newPort));
    QCOMPARE(settings.value(u"server/database"_s).toString(), m_dir.filePath(u"next.sqlite"_s));
}

void tst_SettingsDialog::adminKeyAppliesAtOnce()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QSettings settings(m_dir.filePath(u"admin.ini"_s), QSettings::IniFormat);
    SettingsDialog dialog(running.sandbox(), settings);
    dialog.findChild<QLineEdit *>(u"adminKeyEdit"_s)->setText(u"sandbox-admin-key"_s);
    dialog.findChild<QSpinBox *>(u"logCapSpin"_s)->setValue(500);
    QVERIFY(dialog.apply());
    HttpClient http(running.sandbox().server().port());
    QCOMPARE(http.get(u"/admin/status"_s).status, 401);
    QCOMPARE(http.get(u"/admin/status"_s, {{"X-Admin-Key", "sandbox-admin-key"}}).status, 200);
    QCOMPARE(running.sandbox().options().logCap, qint64(500));
    QCOMPARE(settings.value(u"server/adminKey"_s).toString(), u"sandbox-admin-key"_s);
}

void tst_SettingsDialog::badValuesChangeNothing_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("error");
    QTest::newRow("bind address") << u"bindEdit"_s << u"not an address"_s << u"bind address"_s;
    QTest::newRow("base URL") << u"baseUrlEdit"_s << u"ftp://example.org"_s << u"base URL"_s;
    QTest::newRow("upstream") << u"upstreamEdit"_s << u"hapi"_s << u"upstream"_s;
    QTest::newRow("short admin key") << u"adminKeyEdit"_s << u"short"_s << u"8 characters"_s;
    QTest::newRow("empty database") << u"databaseEdit"_s << QString() << u"database"_s;
}

void tst_SettingsDialog::badValuesChangeNothing()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, error);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QSettings settings(m_dir.filePath(u"bad.ini"_s), QSettings::IniFormat);
    settings.clear();
    SettingsDialog dialog(running.sandbox(), settings);
    dialog.findChild<QSpinBox *>(u"portSpin"_s)->setValue(freePort());
    dialog.findChild<QLineEdit *>(field)->setText(value);
    QVERIFY(!dialog.apply());
    auto *label = dialog.findChild<QLabel *>(u"errorLabel"_s);
    QVERIFY(!label->isHidden());
    QVERIFY2(label->text().contains(error, Qt::CaseInsensitive), qPrintable(label->text()));
    QCOMPARE(running.sandbox().server().port(), running.port());
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    QVERIFY(!ServerSettings::hasSaved(settings));
}

void tst_SettingsDialog::commandLineWinsOverSavedSettings()
{
    QSettings settings(m_dir.filePath(u"start.ini"_s), QSettings::IniFormat);
    SandboxOptions saved;
    saved.port = 9321;
    saved.bindAddress = QHostAddress(u"::1"_s);
    saved.baseUrl = u"https://sandbox.example.org"_s;
    saved.database = u":memory:"_s;
    saved.adminKey = u"saved-admin-key"_s;
    saved.logCap = 77;
    ServerSettings::save(settings, saved);
    QVERIFY(ServerSettings::hasSaved(settings));

    SandboxOptions fromCommandLine;
    fromCommandLine.port = 9555;
    fromCommandLine.database = u"/tmp/given.sqlite"_s;
    SandboxOptions options = fromCommandLine;
    ServerSettings::load(settings, options, {u"port"_s, u"db"_s});
    QCOMPARE(options.port, quint16(9555));
    QCOMPARE(options.database, u"/tmp/given.sqlite"_s);
    QCOMPARE(options.bindAddress, QHostAddress(u"::1"_s));
    QCOMPARE(options.baseUrl, u"https://sandbox.example.org"_s);
    QCOMPARE(options.adminKey, u"saved-admin-key"_s);
    QCOMPARE(options.logCap, qint64(77));

    // Nothing given: everything saved applies; an invalid saved value is skipped.
    settings.setValue(u"server/baseUrl"_s, u"not a url"_s);
    SandboxOptions plain;
    ServerSettings::load(settings, plain, {});
    QCOMPARE(plain.port, quint16(9321));
    QCOMPARE(plain.database, u":memory:"_s);
    QVERIFY(plain.baseUrl.isEmpty());
}

void tst_SettingsDialog::mainWindowOpensTheDialog()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    window.findChild<QAction *>(u"settingsAction"_s)->trigger();
    auto *dialog = window.findChild<SettingsDialog *>(u"settingsDialog"_s);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    // The sandbox was started on port 0: the dialog offers the port it got.
    QCOMPARE(dialog->findChild<QSpinBox *>(u"portSpin"_s)->value(), int(running.port()));
    // A second trigger shows the same dialog.
    window.findChild<QAction *>(u"settingsAction"_s)->trigger();
    QCOMPARE(window.findChildren<SettingsDialog *>().size(), 1);
    dialog->close();
}

QTEST_MAIN(tst_SettingsDialog)
#include "tst_settingsdialog.moc"
