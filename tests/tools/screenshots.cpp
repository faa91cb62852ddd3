// SPDX-License-Identifier: Apache-2.0
// sandbox-screenshots: renders every tab of the main window, the Scenarios menu and every dialog
// into PNG files, for docs/screenshots and the README. It runs a real sandbox on a free loopback
// port with the test clock and drives it as apps and a person at a browser would: discovery, a
// registration, launches that complete or fail (a fault rule, a denied consent), minted tokens,
// fault rules, saved scenarios and a few mistakes. The widgets are grabbed (QWidget::grab), so it
// works offscreen. scripts/screenshots.sh runs it.
//
//   QT_QPA_PLATFORM=offscreen sandbox-screenshots FOLDER [--lang CODE]

#include "clientdialog.h"
#include "clientspage.h"
#include "discoverydialog.h"
#include "faultruledialog.h"
#include "faultrulemodel.h"
#include "faultspage.h"
#include "flowmodel.h"
#include "flowspage.h"
#include "launchdialog.h"
#include "mainwindow.h"
#include "mintdialog.h"
#include "oauth/clientregistry.h"
#include "oauth/serverkeys.h"
#include "oauth/tokenservice.h"
#include "oauthflow.h"
#include "peoplepage.h"
#include "requestlogmodel.h"
#include "savescenariodialog.h"
#include "scenariosdialog.h"
#include "selfcheckdialog.h"
#include "settingsdialog.h"
#include "testsupport.h"
#include "timetraveldialog.h"
#include "timetravelwidget.h"
#include "tokenmodel.h"
#include "tokenspage.h"
#include "trafficpage.h"
#include "uihelpers.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_redirect = u"http://localhost:3000/callback"_s;
const auto s_scope = u"launch/patient openid fhirUser offline_access patient/*.rs"_s;

bool fail(const QString &what)
{
    std::fprintf(stderr, "sandbox-screenshots: %s\n", qUtf8Printable(what));
    return false;
}

bool expectStatus(const Reply &reply, int status, const QString &what)
{
    return reply.status == status || fail(u"%1 answered %2, not %3"_s.arg(what).arg(reply.status).arg(status));
}

QByteArray bearer(const QString &accessToken)
{
    return "Bearer " + accessToken.toUtf8();
}

// A person at a browser, a second or two per page, so that the Flows timeline spreads out.
AppRedirect throughPortal(RunningSandbox &running, const QString &query, const QString &user, const QString &patient,
                          bool approve)
{
    PortalBrowser browser(running.http());
    running.http().clearCookies(); // a fresh browser: the sign-in page appears
    AppRedirect step = browser.open(query);
    for (int pages = 0; pages < 4 && step.url.isEmpty(); ++pages) {
        running.clock().advanceMs(1200 + 900 * pages);
        const QByteArray &html = step.page.body;
        if (html.contains("id=\"sign-in\""))
            step = browser.signIn(step.page, user);
        else if (html.contains("data-patient-id"))
            step = browser.pickPatient(step.page, patient);
        else if (html.contains("id=\"authorize\""))
            step = browser.consent(step.page, approve);
        else
            break;
    }
    return step;
}

// One standalone launch of the app, as the Flows tab groups it: discovery, the portal pages, the
// code exchange and, when that worked, two FHIR reads and a refresh. The token endpoint's status,
// or 0 when the portal gave no code.
int launch(RunningSandbox &running, const QString &clientId, const QString &user, const QString &patient,
           bool approve = true)
{
    HttpClient &http = running.http();
    http.get(u"/api/fhir/.well-known/smart-configuration"_s);
    running.clock().advanceMs(400);
    const Pkce pkce = Pkce::make();
    const AppRedirect done = throughPortal(
        running, authorizeQuery(http.base(), clientId, s_redirect, s_scope, u"x7Kq2"_s, pkce), user, patient, approve);
    if (done.code().isEmpty())
        return 0;
    running.clock().advanceMs(300);
    const Reply token = http.postForm(u"/oauth/token"_s,
                                      {{u"grant_type"_s, u"authorization_code"_s},
                                       {u"code"_s, done.code()},
                                       {u"redirect_uri"_s, s_redirect},
                                       {u"client_id"_s, clientId},
                                       {u"code_verifier"_s, pkce.verifier}});
    if (token.status != 200)
        return token.status;
    const QByteArray authorization = bearer(token.json().value(u"access_token"_s).toString());
    running.clock().advanceMs(700);
    http.get(u"/api/fhir/Patient/"_s + patient, {{"Authorization", authorization}});
    running.clock().advanceMs(500);
    http.get(u"/api/fhir/Observation?patient=%1&category=vital-signs"_s.arg(patient),
             {{"Authorization", authorization}});
    running.clock().advanceMs(2500);
    http.postForm(u"/oauth/token"_s,
                  {{u"grant_type"_s, u"refresh_token"_s},
                   {u"refresh_token"_s, token.json().value(u"refresh_token"_s).toString()},
                   {u"client_id"_s, clientId}});
    return token.status;
}

bool addFaultRule(HttpClient &http, const QJsonObject &rule)
{
    return expectStatus(http.postJson(u"/admin/faults"_s, rule), 201, u"adding a fault rule"_s);
}

// Sends the traffic the Traffic and Flows tabs show, mints the tokens the Tokens tab counts down,
// adds the Faults tab's rules and the scenarios. The id of the registered app, or empty.
QString makeTraffic(RunningSandbox &running)
{
    HttpClient &http = running.http();
    if (!expectStatus(http.get(u"/api/fhir/.well-known/smart-configuration"_s), 200, u"discovery"_s))
        return {};
    const Reply registered = http.postJson(u"/oauth/register"_s,
                                           QJsonObject{{u"client_name"_s, u"Growth Chart"_s},
                                                       {u"redirect_uris"_s, QJsonArray{s_redirect}},
                                                       {u"token_endpoint_auth_method"_s, u"none"_s},
                                                       {u"launch_uri"_s, u"http://localhost:3000/launch"_s},
                                                       {u"scope"_s, QString(u"launch "_s + s_scope)}});
    if (!expectStatus(registered, 201, u"registration"_s))
        return {};
    const QString app = registered.json().value(u"client_id"_s).toString();

    // Three launches: one completes, one meets a fault rule at the token endpoint, one is denied.
    running.clock().advanceSeconds(20);
    if (launch(running, app, u"daniel-adams"_s, u"smart-1288992"_s) != 200)
        return fail(u"the first launch did not complete"_s), QString();
    running.clock().advanceSeconds(40);
    if (!addFaultRule(http,
                      {{u"endpoint"_s, u"/oauth/token"_s}, {u"client_id"_s, app}, {u"status"_s, 503}, {u"count"_s, 1}})
        || launch(running, app, u"joseph-ross"_s, u"smart-1081332"_s) != 503)
        return fail(u"the second launch did not meet its fault rule"_s), QString();
    running.clock().advanceSeconds(30);
    if (launch(running, app, u"daniel-adams"_s, u"smart-1032702"_s, false) != 0)
        return fail(u"the third launch was not denied"_s), QString();
    running.clock().advanceSeconds(15);

    const QList<QPair<QString, QString>> people = {{u"daniel-adams"_s, u"smart-1288992"_s},
                                                   {u"daniel-adams"_s, u"smart-1032702"_s},
                                                   {u"joseph-ross"_s, u"smart-1081332"_s}};
    QStringList accessTokens;
    for (const auto &[user, patient] : people) {
        const Reply minted = http.postJson(u"/oauth/debug/token"_s,
                                           QJsonObject{{u"client_id"_s, u"test-suite"_s},
                                                       {u"username"_s, user},
                                                       {u"patient_id"_s, patient},
                                                       {u"access_lifetime"_s, 300 * (accessTokens.size() + 1)}});
        if (!expectStatus(minted, 200, u"minting"_s))
            return {};
        accessTokens.append(minted.json().value(u"access_token"_s).toString());
    }
    http.get(u"/api/fhir/Patient/smart-1288992"_s, {{"Authorization", bearer(accessTokens.at(0))}});
    http.get(u"/api/fhir/Observation?patient=smart-1288992&category=vital-signs"_s,
             {{"Authorization", bearer(accessTokens.at(0))}});
    http.get(u"/no/such/path"_s);
    http.send("PUT", u"/oauth/register"_s);
    Result<FoundToken> last = running.sandbox().tokens().find(accessTokens.at(2));
    if (!last || !running.sandbox().tokens().revoke(last->view.token.id))
        return fail(u"revoking the third token failed"_s), QString();

    // The rules the Faults tab lists; the FHIR one hits once.
    if (!addFaultRule(http, {{u"endpoint"_s, u"/api/fhir/metadata"_s}, {u"delayMs"_s, 800}, {u"percent"_s, 50}})
        || !addFaultRule(
            http, {{u"endpoint"_s, u"/api/fhir/*"_s}, {u"method"_s, u"GET"_s}, {u"malformed"_s, true}, {u"count"_s, 3}})
        || !addFaultRule(http, {{u"endpoint"_s, u"/oauth/register"_s}, {u"drop"_s, true}}))
        return {};
    http.get(u"/api/fhir/Condition?patient=smart-1288992"_s, {{"Authorization", bearer(accessTokens.at(0))}});

    const QJsonObject scenarios[] = {
        {{u"name"_s, u"slow-token"_s},
         {u"client_id"_s, app},
         {u"username"_s, u"daniel-adams"_s},
         {u"patient_id"_s, u"smart-1288992"_s},
         {u"encounter_id"_s, u"smart-1288992-enc-006"_s},
         {u"scope"_s, u"launch patient/*.rs"_s},
         {u"faults"_s, QJsonArray{QJsonObject{{u"endpoint"_s, u"/oauth/token"_s}, {u"delayMs"_s, 3000}}}}},
        {{u"name"_s, u"token-outage"_s},
         {u"client_id"_s, app},
         {u"username"_s, u"joseph-ross"_s},
         {u"patient_id"_s, u"smart-1081332"_s},
         {u"scope"_s, u"launch patient/*.rs offline_access"_s},
         {u"faults"_s,
          QJsonArray{QJsonObject{{u"endpoint"_s, u"/oauth/token"_s}, {u"status"_s, 503}, {u"count"_s, 2}}}}},
        {{u"name"_s, u"pick-a-patient"_s}, {u"client_id"_s, app}, {u"username"_s, u"daniel-adams"_s}},
    };
    for (const QJsonObject &scenario : scenarios) {
        if (!expectStatus(http.postJson(u"/admin/scenarios"_s, scenario), 201, u"saving a scenario"_s))
            return {};
    }

    // Last, for the JWTs screenshot: a bearer JWT the sandbox signed, and an introspection that
    // breaks a rule (a finding).
    const qint64 now = running.sandbox().clock().nowMs() / 1000;
    const QString jwt
        = running.sandbox()
              .keys()
              .sign(QJsonObject{
                  {u"iss"_s, http.base()}, {u"sub"_s, u"daniel-adams"_s}, {u"iat"_s, now}, {u"exp"_s, now + 300}})
              .value();
    http.get(u"/admin/status"_s, {{"Authorization", bearer(jwt)}});
    http.postForm(u"/oauth/introspect"_s, {{u"token"_s, accessTokens.at(0)}});
    return app;
}

class Saver final
{
public:
    explicit Saver(QString folder) : m_folder(std::move(folder)) { }
    bool ok() const { return m_ok; }
    void save(const QPixmap &pixmap, const QString &name)
    {
        const QString file = m_folder + u'/' + name + u".png"_s;
        if (!pixmap.save(file))
            m_ok = fail(u"cannot write %1"_s.arg(file));
        else
            std::printf("%s\n", qUtf8Printable(file));
    }
    void save(QWidget *widget, const QString &name)
    {
        // Layouts settle in rounds: a label's new text resizes its bar, then the window's layout.
        for (int round = 0; round < 4; ++round)
            QCoreApplication::processEvents();
        save(widget->grab(), name);
    }
    // Shows a dialog at `size`, or as much larger as its contents ask, grabs it, closes it.
    void saveDialog(QDialog *dialog, const QString &name, QSize size = {})
    {
        dialog->show();
        if (!QTest::qWaitForWindowExposed(dialog))
            m_ok = fail(u"%1 was not shown"_s.arg(name));
        dialog->resize(size.expandedTo(dialog->size()).expandedTo(dialog->sizeHint()));
        save(dialog, name);
        dialog->close();
    }

private:
    QString m_folder;
    bool m_ok = true;
};

// The window with a menu of its menu bar open, cut to the part around the menu.
QPixmap withMenuOpen(MainWindow &window, QMenu *menu)
{
    QAction *title = menu->menuAction();
    const QRect titleRect = window.menuBar()->actionGeometry(title);
    const QPoint at = window.menuBar()->mapTo(&window, titleRect.bottomLeft());
    menu->popup(window.mapToGlobal(at));
    QCoreApplication::processEvents();
    QPixmap shot = window.grab();
    {
        QPainter painter(&shot);
        painter.drawPixmap(at, menu->grab());
    }
    menu->hide();
    const QRect around(0, 0, qMin(shot.width(), at.x() + menu->width() + 360), at.y() + menu->height() + 24);
    return shot.copy(around);
}

void saveMainWindow(MainWindow &window, const QString &app, Saver &saver)
{
    QTableView *traffic = window.trafficPage()->view();
    traffic->selectRow(1);
    saver.save(&window, u"traffic"_s);
    traffic->selectRow(traffic->model()->rowCount() - 2);
    window.trafficPage()->findChild<QTabWidget *>(u"exchangeTabWidget"_s)->setCurrentIndex(2);
    saver.save(&window, u"traffic-jwt"_s);

    window.tabWidget()->setCurrentWidget(window.flowsPage());
    FlowsPage *flows = window.flowsPage();
    for (int row = 0; row < flows->proxy()->rowCount(); ++row) {
        const int source = flows->proxy()->mapToSource(flows->proxy()->index(row, 0)).row();
        if (flows->model()->flow(source).outcome() == LaunchFlow::Outcome::Completed)
            flows->view()->selectRow(row);
    }
    saver.save(&window, u"flows"_s);
    window.tabWidget()->setCurrentWidget(window.tokensPage());
    saver.save(&window, u"tokens"_s);
    window.tabWidget()->setCurrentWidget(window.clientsPage());
    window.clientsPage()->selectClient(app);
    saver.save(&window, u"clients"_s);
    window.tabWidget()->setCurrentWidget(window.peoplePage());
    window.peoplePage()->selectPatient(u"smart-1288992"_s);
    saver.save(&window, u"people"_s);
    window.tabWidget()->setCurrentWidget(window.faultsPage());
    window.faultsPage()->view()->selectRow(1);
    saver.save(&window, u"faults"_s);

    for (QAction *action : window.menuBar()->actions()) {
        if (action->menu() && action->menu()->objectName() == "scenariosMenu"_L1)
            saver.save(withMenuOpen(window, action->menu()), u"scenarios-menu"_s);
    }
}

bool saveDialogs(RunningSandbox &running, MainWindow &window, const QString &app, Saver &saver)
{
    Sandbox &sandbox = running.sandbox();
    MintDialog mint(sandbox, &window);
    mint.show();
    if (!QTest::qWaitForWindowExposed(&mint) || !mint.selectClient(app) || !mint.selectUser(u"daniel-adams"_s)
        || !mint.mint())
        return fail(u"the Mint dialog did not mint"_s);
    saver.save(&mint, u"mint"_s);
    mint.close();

    ClientDialog registering(sandbox, &window);
    registering.setClientName(u"Bilirubin Risk Chart"_s);
    registering.setRedirectUris({u"https://bilirubin.example.org/callback"_s});
    registering.setAuthMethod(u"private_key_jwt"_s);
    registering.setGrantTypes({u"authorization_code"_s, u"refresh_token"_s});
    registering.setScope(u"launch openid fhirUser patient/Observation.rs patient/Patient.r"_s);
    registering.setLaunchUri(u"https://bilirubin.example.org/launch"_s);
    registering.setJwksUri(u"https://bilirubin.example.org/.well-known/jwks.json"_s);
    registering.findChild<QLineEdit *>(u"contactsEdit"_s)->setText(u"neonatal-it@example.org"_s);
    registering.findChild<QLineEdit *>(u"clientUriEdit"_s)->setText(u"https://bilirubin.example.org/"_s);
    registering.findChild<QLineEdit *>(u"softwareIdEdit"_s)->setText(u"org.example.bilirubin"_s);
    registering.findChild<QLineEdit *>(u"softwareVersionEdit"_s)->setText(u"2.4.0"_s);
    saver.saveDialog(&registering, u"client-register"_s);
    Result<std::optional<Client>> growthChart = sandbox.clients().find(app);
    if (!growthChart || !growthChart->has_value())
        return fail(u"the registered app is gone"_s);
    ClientDialog editing(sandbox, growthChart->value(), &window);
    saver.saveDialog(&editing, u"client-edit"_s);

    LaunchDialog ehrLaunch(sandbox, &window);
    ehrLaunch.setUrlOpener([](const QUrl &) { return true; });
    if (!ehrLaunch.selectClient(app) || !ehrLaunch.selectUser(u"daniel-adams"_s)
        || !ehrLaunch.selectPatient(u"smart-1288992"_s) || !ehrLaunch.selectEncounter(ehrLaunch.encounterIds().value(0))
        || !ehrLaunch.launch())
        return fail(u"the EHR launch dialog did not launch"_s);
    saver.saveDialog(&ehrLaunch, u"launch"_s, {760, 0});

    QSettings settings(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + u"/screenshots.ini"_s,
                       QSettings::IniFormat);
    SettingsDialog settingsDialog(sandbox, settings, &window);
    saver.saveDialog(&settingsDialog, u"settings"_s, {640, 0});

    DiscoveryDialog discovery(sandbox, &window);
    DiscoveryProfile custom;
    custom.kind = DiscoveryProfile::Kind::Custom;
    custom.omitFields = {u"registration_endpoint"_s, u"introspection_endpoint"_s};
    custom.omitCapabilities = {u"context-ehr-encounter"_s, u"permission-v1"_s};
    discovery.setProfile(custom);
    saver.saveDialog(&discovery, u"discovery"_s, {880, 560});

    FaultRuleDialog faultRule(sandbox, &window);
    faultRule.findChild<QComboBox *>(u"methodCombo"_s)->setCurrentIndex(2); // POST
    UiHelpers::selectData(faultRule.findChild<QComboBox *>(u"clientCombo"_s), app);
    faultRule.findChild<QComboBox *>(u"effectCombo"_s)->setCurrentIndex(1); // error status
    faultRule.findChild<QSpinBox *>(u"statusSpin"_s)->setValue(429);
    faultRule.findChild<QComboBox *>(u"budgetCombo"_s)->setCurrentIndex(1); // the next requests
    faultRule.findChild<QSpinBox *>(u"countSpin"_s)->setValue(2);
    saver.saveDialog(&faultRule, u"fault-rule"_s, {520, 0});

    ScenariosDialog scenarios(sandbox, &window);
    scenarios.selectScenario(u"token-outage"_s);
    saver.saveDialog(&scenarios, u"scenarios"_s, {880, 260});
    SaveScenarioDialog saveScenario(sandbox, &window);
    saveScenario.findChild<QLineEdit *>(u"nameEdit"_s)->setText(u"flaky-fhir"_s);
    UiHelpers::selectData(saveScenario.findChild<QComboBox *>(u"clientCombo"_s), app);
    saveScenario.findChild<QLineEdit *>(u"scopeEdit"_s)->setText(u"launch patient/*.rs"_s);
    saveScenario.findChild<QCheckBox *>(u"faultsCheck"_s)->setChecked(true);
    saver.saveDialog(&saveScenario, u"save-scenario"_s, {560, 0});

    TimeTravelDialog timeTravel(&window);
    timeTravel.setDuration(3, TimeTravelDialog::Unit::Days);
    saver.saveDialog(&timeTravel, u"time-travel"_s, {420, 0});

    // The self-check runs against a second, untouched sandbox: the first one's fault rules would
    // fail it on purpose, and its requests would join the Traffic and Flows tabs.
    RunningSandbox checked;
    if (!checked.isRunning())
        return fail(checked.error());
    SelfCheckDialog selfCheck(QUrl(checked.http().base()), &window);
    selfCheck.show();
    selfCheck.run();
    if (!QTest::qWaitFor([&selfCheck] { return !selfCheck.isRunning(); }, 60'000))
        return fail(u"the self-check did not finish"_s);
    saver.saveDialog(&selfCheck, u"self-check"_s, {1250, 740});
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QStringList arguments = QCoreApplication::arguments().mid(1);
    QString language = u"en"_s;
    if (const qsizetype at = arguments.indexOf(u"--lang"_s); at >= 0 && at + 1 < arguments.size()) {
        language = arguments.at(at + 1);
        arguments.remove(at, 2);
    }
    if (arguments.size() != 1) {
        std::fputs("usage: sandbox-screenshots FOLDER [--lang CODE]\n", stderr);
        return 2;
    }
    const QString folder = arguments.first();
    if (!QDir().mkpath(folder)) {
        fail(u"cannot create %1"_s.arg(folder));
        return 1;
    }
    QStandardPaths::setTestModeEnabled(true); // window settings go to a test folder
    UiHelpers::installTranslator(language);

    RunningSandbox running;
    if (!running.isRunning()) {
        fail(running.error());
        return 1;
    }
    MainWindow window(running.sandbox());
    window.resize(1600, 860); // wide enough for every tab's bar of buttons
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;
    const QString appId = makeTraffic(running);
    if (appId.isEmpty())
        return 1;
    window.timeTravelWidget()->travel(320); // the first minted token has expired, the others count down
    window.trafficPage()->model()->flushPending();
    window.tokensPage()->model()->flushPending();
    // The Flows and Faults tabs coalesce their updates too.
    if (!QTest::qWaitFor([&window] {
            return window.flowsPage()->proxy()->rowCount() == 3 && window.faultsPage()->model()->rowCount() == 4;
        })) {
        fail(u"the Flows and Faults tabs did not fill"_s);
        return 1;
    }

    Saver saver(folder);
    saveMainWindow(window, appId, saver);
    if (!saveDialogs(running, window, appId, saver))
        return 1;
    return saver.ok() ? 0 : 1;
}
