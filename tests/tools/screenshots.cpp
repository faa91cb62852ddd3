// SPDX-License-Identifier: Apache-2.0
// sandbox-screenshots: renders every tab of the main window and the Mint dialog into PNG files,
// for docs/screenshots and the README. It runs a real sandbox on a free loopback port with the
// test clock, sends it some traffic (discovery, a registration, minted tokens, a few mistakes),
// and grabs the widgets (QWidget::grab), so it works offscreen. scripts/screenshots.sh runs it.
//
//   QT_QPA_PLATFORM=offscreen sandbox-screenshots FOLDER [--lang CODE]

#include "clientspage.h"
#include "mainwindow.h"
#include "mintdialog.h"
#include "oauth/serverkeys.h"
#include "oauth/tokenservice.h"
#include "peoplepage.h"
#include "requestlogmodel.h"
#include "testsupport.h"
#include "timetravelwidget.h"
#include "tokenmodel.h"
#include "tokenspage.h"
#include "trafficpage.h"
#include "uihelpers.h"

#include <QApplication>
#include <QDir>
#include <QJsonArray>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

bool fail(const QString &what)
{
    std::fprintf(stderr, "sandbox-screenshots: %s\n", qUtf8Printable(what));
    return false;
}

bool expectStatus(const Reply &reply, int status, const QString &what)
{
    return reply.status == status || fail(u"%1 answered %2, not %3"_s.arg(what).arg(reply.status).arg(status));
}

// Sends the traffic the Traffic tab shows and mints the tokens the Tokens tab counts down.
bool makeTraffic(RunningSandbox &running)
{
    HttpClient &http = running.http();
    if (!expectStatus(http.get(u"/api/fhir/.well-known/smart-configuration"_s), 200, u"discovery"_s))
        return false;
    if (!expectStatus(http.postJson(u"/oauth/register"_s,
                                    QJsonObject{{u"client_name"_s, u"Growth Chart"_s},
                                                {u"redirect_uris"_s, QJsonArray{u"http://localhost:3000/callback"_s}},
                                                {u"token_endpoint_auth_method"_s, u"none"_s}}),
                      201, u"registration"_s))
        return false;
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
            return false;
        accessTokens.append(minted.json().value(u"access_token"_s).toString());
    }
    const QByteArray bearer = "Bearer " + accessTokens.at(0).toUtf8();
    http.get(u"/api/fhir/Patient/smart-1288992"_s, {{"Authorization", bearer}});
    http.get(u"/api/fhir/Observation?patient=smart-1288992&category=vital-signs"_s, {{"Authorization", bearer}});
    http.get(u"/no/such/path"_s);
    http.send("PUT", u"/oauth/register"_s);
    Result<FoundToken> last = running.sandbox().tokens().find(accessTokens.at(2));
    if (!last || !running.sandbox().tokens().revoke(last->view.token.id))
        return fail(u"revoking the third token failed"_s);
    // A bearer JWT the sandbox signed, and an introspection that breaks a rule (a finding).
    const qint64 now = s_epochMs / 1000;
    const QString jwt
        = running.sandbox()
              .keys()
              .sign(QJsonObject{
                  {u"iss"_s, http.base()}, {u"sub"_s, u"daniel-adams"_s}, {u"iat"_s, now}, {u"exp"_s, now + 300}})
              .value();
    http.get(u"/admin/status"_s, {{"Authorization", "Bearer " + jwt.toLatin1()}});
    http.postForm(u"/oauth/introspect"_s, {{u"token"_s, accessTokens.at(0)}});
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
    window.resize(1400, 860);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window) || !makeTraffic(running))
        return 1;
    window.timeTravelWidget()->travel(320); // the first token has expired, the others count down
    window.trafficPage()->model()->flushPending();
    window.tokensPage()->model()->flushPending();

    bool saved = true;
    const auto save = [&](QWidget *widget, const QString &name) {
        QCoreApplication::processEvents();
        const QString file = folder + u'/' + name + u".png"_s;
        if (!widget->grab().save(file))
            saved = fail(u"cannot write %1"_s.arg(file));
        else
            std::printf("%s\n", qUtf8Printable(file));
    };
    QTableView *traffic = window.trafficPage()->view();
    traffic->selectRow(1);
    save(&window, u"traffic"_s);
    traffic->selectRow(traffic->model()->rowCount() - 2);
    window.trafficPage()->findChild<QTabWidget *>(u"exchangeTabWidget"_s)->setCurrentIndex(2);
    save(&window, u"traffic-jwt"_s);
    window.tabWidget()->setCurrentWidget(window.tokensPage());
    save(&window, u"tokens"_s);
    window.tabWidget()->setCurrentWidget(window.clientsPage());
    save(&window, u"clients"_s);
    window.tabWidget()->setCurrentWidget(window.peoplePage());
    window.peoplePage()->selectPatient(u"smart-1288992"_s);
    save(&window, u"people"_s);
    MintDialog dialog(running.sandbox(), &window);
    dialog.show();
    if (!QTest::qWaitForWindowExposed(&dialog) || !dialog.selectUser(u"daniel-adams"_s) || !dialog.mint()) {
        fail(u"the Mint dialog did not mint"_s);
        return 1;
    }
    save(&dialog, u"mint"_s);
    return saved ? 0 : 1;
}
