// SPDX-License-Identifier: Apache-2.0
// The authorization endpoint and the pages a person clicks through, as a browser sees them:
// errors that must stay on a page, errors that go back to the app, sign-in, the patient picker,
// consent (ticking less grants less), EHR launch, the list of authorized apps and sign-out.

#include "oauth/clientregistry.h"
#include "oauth/tokenservice.h"
#include "oauthflow.h"
#include "server/requestlog.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_redirect = u"http://localhost:3000/callback"_s;
const auto s_scope = u"launch/patient openid fhirUser offline_access patient/*.rs"_s;

QString registerPublicClient(RunningSandbox &running, const QString &scope = s_scope,
                             const QString &launchUri = QString())
{
    QJsonObject metadata{{u"client_name"_s, u"Test App"_s},
                         {u"redirect_uris"_s, QJsonArray{s_redirect}},
                         {u"token_endpoint_auth_method"_s, u"none"_s},
                         {u"scope"_s, scope}};
    if (!launchUri.isEmpty())
        metadata.insert(u"launch_uri"_s, launchUri);
    return running.http().postJson(u"/oauth/register"_s, metadata).json()[u"client_id"_s].toString();
}

} // namespace

class tst_Authorize final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void errorsShownOnAPage_data();
    void errorsShownOnAPage();
    void errorsSentToTheApp_data();
    void errorsSentToTheApp();
    void standaloneLaunchWithPicker();
    void singlePatientSkipsPicker();
    void stateReturnsByteForByte();
    void untickingGrantsLess();
    void doNotApprove();
    void wrongPasswordStaysOnLogin();
    void formsNeedTheirCsrfToken();
    void authorizeByPost();
    void ehrLaunchBindsContext();
    void ehrLaunchWithoutPatientShowsPicker();
    void confidentialClientWithoutPkceGetsAFinding();
    void appsPageListsAndRevokes();
    void pagesCannotBeFramed();
    void clientNamesAreEscaped();
};

void tst_Authorize::errorsShownOnAPage_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QString>("redirectUri");
    QTest::newRow("unknown client") << u"no-such-client"_s << s_redirect;
    QTest::newRow("no client_id") << QString() << s_redirect;
    QTest::newRow("unregistered redirect") << u"{client}"_s << u"http://localhost:3000/other"_s;
    QTest::newRow("redirect prefix") << u"{client}"_s << u"http://localhost:3000/callback/x"_s;
    QTest::newRow("redirect other port") << u"{client}"_s << u"http://localhost:3001/callback"_s;
    QTest::newRow("redirect userinfo") << u"{client}"_s << u"http://evil@localhost:3000/callback"_s;
    QTest::newRow("redirect encoded") << u"{client}"_s << u"http://localhost:3000/%63allback"_s;
}

// An unknown client or an untrusted redirect URI must never be redirected to (RFC 6749 4.1.2.1).
void tst_Authorize::errorsShownOnAPage()
{
    QFETCH(QString, clientId);
    QFETCH(QString, redirectUri);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    if (clientId == u"{client}"_s)
        clientId = registerPublicClient(running);
    const Pkce pkce = Pkce::make();
    const Reply reply
        = running.http().get(authorizeQuery(running.http().base(), clientId, redirectUri, s_scope, u"s1"_s, pkce));
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    QVERIFY(reply.body.contains("<h1>"));
}

void tst_Authorize::errorsSentToTheApp_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("error");
    QTest::newRow("response_type token") << u"response_type"_s << u"token"_s << u"unsupported_response_type"_s;
    QTest::newRow("no state") << u"state"_s << QString() << u"invalid_request"_s;
    QTest::newRow("no aud") << u"aud"_s << QString() << u"invalid_request"_s;
    QTest::newRow("wrong aud") << u"aud"_s << u"https://other.example/fhir"_s << u"invalid_request"_s;
    QTest::newRow("open FHIR aud") << u"aud"_s << u"{base}/api/open-fhir"_s << u"invalid_request"_s;
    QTest::newRow("plain PKCE") << u"code_challenge_method"_s << u"plain"_s << u"invalid_request"_s;
    QTest::newRow("no PKCE from public client") << u"code_challenge"_s << QString() << u"invalid_request"_s;
    QTest::newRow("short challenge") << u"code_challenge"_s << u"abc"_s << u"invalid_request"_s;
    QTest::newRow("bad scope grammar") << u"scope"_s << u"patient/*.reed"_s << u"invalid_scope"_s;
    QTest::newRow("no registered scope") << u"scope"_s << u"user/*.cruds"_s << u"invalid_scope"_s;
    QTest::newRow("empty scope") << u"scope"_s << u" "_s << u"invalid_scope"_s;
    QTest::newRow("unknown launch") << u"launch"_s << u"nope"_s << u"invalid_request"_s;
}

void tst_Authorize::errorsSentToTheApp()
{
    QFETCH(QString, change);
    QFETCH(QString, value);
    QFETCH(QString, error);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    const QString base = running.http().base();
    QMap<QString, QString> parameters{{u"response_type"_s, u"code"_s},
                                      {u"client_id"_s, clientId},
                                      {u"redirect_uri"_s, s_redirect},
                                      {u"scope"_s, s_scope},
                                      {u"state"_s, u"st"_s},
                                      {u"aud"_s, base + u"/api/fhir"_s},
                                      {u"code_challenge"_s, Pkce::make().challenge},
                                      {u"code_challenge_method"_s, u"S256"_s}};
    if (value.isNull())
        parameters.remove(change);
    else
        parameters.insert(change, QString(value).replace(u"{base}"_s, base));
    QUrlQuery query;
    for (auto it = parameters.cbegin(); it != parameters.cend(); ++it)
        query.addQueryItem(it.key(), QString::fromLatin1(QUrl::toPercentEncoding(it.value())));
    const Reply reply = running.http().get(u"/oauth/authorize?"_s + query.toString(QUrl::FullyEncoded));
    QCOMPARE(reply.status, 302);
    const QUrl location(QString::fromUtf8(reply.header("Location")));
    QCOMPARE(location.toString(QUrl::RemoveQuery), s_redirect);
    const QUrlQuery answer(location);
    QCOMPARE(answer.queryItemValue(u"error"_s), error);
    QVERIFY(!answer.queryItemValue(u"error_description"_s).isEmpty());
    QCOMPARE(answer.queryItemValue(u"state"_s), change == u"state"_s ? QString() : u"st"_s);
    QVERIFY(!answer.hasQueryItem(u"code"_s));
}

void tst_Authorize::standaloneLaunchWithPicker()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    AppRedirect step = browser.open(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"s"_s, pkce));
    QVERIFY(step.url.isEmpty());
    // The login page keeps the reference portal's element hooks and is pre-filled.
    const QByteArray login = step.page.body;
    QVERIFY(login.contains("id=\"username\""));
    QVERIFY(login.contains("id=\"password\""));
    QVERIFY(login.contains("id=\"sign-in\""));
    QCOMPARE(PortalBrowser::field(login, u"username"_s), u"daniel-adams"_s);
    QCOMPARE(PortalBrowser::field(login, u"password"_s), u"demo-password"_s);

    step = browser.signIn(step.page, u"daniel-adams"_s);
    const QByteArray picker = step.page.body;
    QVERIFY(picker.contains("Who are you representing?"));
    QVERIFY(picker.contains("data-patient-id=\"smart-1288992\""));
    QVERIFY(picker.contains("data-patient-id=\"smart-1032702\""));
    QVERIFY(picker.contains("Daniel Adams (Yourself)"));
    QVERIFY(picker.contains("id=\"cancel\""));

    step = browser.pickPatient(step.page, u"smart-1032702"_s);
    const QByteArray consent = step.page.body;
    QVERIFY(consent.contains("id=\"authorize\""));
    QVERIFY(consent.contains("id=\"cancel\""));
    QVERIFY(consent.contains("Amy Shaw"));
    QVERIFY(consent.contains("name=\"expires\""));
    QCOMPARE(PortalBrowser::field(consent, u"expires"_s), u"2026-04-15"_s); // 90 days after the test clock's today

    step = browser.consent(step.page, true);
    QVERIFY(step.url.startsWith(s_redirect + u'?'));
    QCOMPARE(step.state(), u"s"_s);
    QVERIFY(step.code().size() >= 43);

    const Reply token = running.http().postForm(u"/oauth/token"_s,
                                                {{u"grant_type"_s, u"authorization_code"_s},
                                                 {u"code"_s, step.code()},
                                                 {u"redirect_uri"_s, s_redirect},
                                                 {u"client_id"_s, clientId},
                                                 {u"code_verifier"_s, pkce.verifier}});
    QCOMPARE(token.status, 200);
    QCOMPARE(token.json()[u"patient"_s].toString(), u"smart-1032702"_s);
    QCOMPARE(token.json()[u"need_patient_banner"_s].toBool(false), true);
    QCOMPARE(token.json()[u"scope"_s].toString(), s_scope);

    // The launch context holds on refresh: still a standalone launch, still Amy.
    const Reply refreshed = running.http().postForm(u"/oauth/token"_s,
                                                    {{u"grant_type"_s, u"refresh_token"_s},
                                                     {u"refresh_token"_s, token.json()[u"refresh_token"_s].toString()},
                                                     {u"client_id"_s, clientId}});
    QCOMPARE(refreshed.status, 200);
    QCOMPARE(refreshed.json()[u"patient"_s].toString(), u"smart-1032702"_s);
    QCOMPARE(refreshed.json()[u"need_patient_banner"_s].toBool(false), true);
}

void tst_Authorize::singlePatientSkipsPicker()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    PortalBrowser browser(running.http());
    AppRedirect step
        = browser.open(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"s"_s, Pkce::make()));
    step = browser.signIn(step.page, u"joseph-ross"_s);
    QVERIFY(!step.page.body.contains("data-patient-id"));
    QVERIFY(step.page.body.contains("id=\"authorize\""));
    QVERIFY(step.page.body.contains("your own record"));
}

void tst_Authorize::stateReturnsByteForByte()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    PortalBrowser browser(running.http());
    const QString state = u"a b+c&d=e/f?g%h~\u00e9\u4e2d"_s;
    const AppRedirect done
        = browser.authorize(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, state, Pkce::make()),
                            u"daniel-adams"_s, u"smart-1288992"_s);
    QVERIFY(!done.url.isEmpty());
    QCOMPARE(done.state(), state);
}

void tst_Authorize::untickingGrantsLess()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    AppRedirect step = browser.open(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"s"_s, pkce));
    step = browser.signIn(step.page, u"joseph-ross"_s);
    step = browser.consent(step.page, true, {u"launch/patient"_s, u"patient/*.rs"_s});
    const Reply token = running.http().postForm(u"/oauth/token"_s,
                                                {{u"grant_type"_s, u"authorization_code"_s},
                                                 {u"code"_s, step.code()},
                                                 {u"redirect_uri"_s, s_redirect},
                                                 {u"client_id"_s, clientId},
                                                 {u"code_verifier"_s, pkce.verifier}});
    QCOMPARE(token.status, 200);
    QCOMPARE(token.json()[u"scope"_s].toString(), u"launch/patient patient/*.rs"_s);
    QVERIFY(!token.json().contains(u"refresh_token"_s)); // offline_access was not granted
    QVERIFY(!token.json().contains(u"id_token"_s)); // nor openid
}

void tst_Authorize::doNotApprove()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    PortalBrowser browser(running.http());
    AppRedirect step = browser.open(
        authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"keep-me"_s, Pkce::make()));
    step = browser.signIn(step.page, u"joseph-ross"_s);
    step = browser.consent(step.page, false);
    QCOMPARE(step.error(), u"access_denied"_s);
    QCOMPARE(step.state(), u"keep-me"_s);
    QVERIFY(step.code().isEmpty());
}

void tst_Authorize::wrongPasswordStaysOnLogin()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    PortalBrowser browser(running.http());
    AppRedirect step
        = browser.open(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"s"_s, Pkce::make()));
    const AppRedirect failed = browser.signIn(step.page, u"daniel-adams"_s, u"wrong"_s);
    QCOMPARE(failed.page.status, 401);
    QVERIFY(failed.page.body.contains("class=\"error\""));
    QVERIFY(failed.page.body.contains("id=\"sign-in\""));
    const AppRedirect unknown = browser.signIn(step.page, u"mallory"_s);
    QCOMPARE(unknown.page.status, 401);
}

void tst_Authorize::formsNeedTheirCsrfToken()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    PortalBrowser browser(running.http());
    AppRedirect step
        = browser.open(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"s"_s, Pkce::make()));
    const QString request = PortalBrowser::field(step.page.body, u"request"_s);
    const Reply forgedLogin = running.http().postForm(u"/oauth/login"_s,
                                                      {{u"request"_s, request},
                                                       {u"csrf"_s, u"guess"_s},
                                                       {u"username"_s, u"daniel-adams"_s},
                                                       {u"password"_s, u"demo-password"_s}});
    QCOMPARE(forgedLogin.status, 403);
    step = browser.signIn(step.page, u"joseph-ross"_s);
    const Reply forgedConsent = running.http().postForm(
        u"/oauth/consent"_s, {{u"request"_s, request}, {u"decision"_s, u"approve"_s}, {u"scope"_s, u"openid"_s}});
    QCOMPARE(forgedConsent.status, 403);
    QVERIFY(forgedConsent.header("Location").isEmpty());
}

void tst_Authorize::authorizeByPost()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    const QString query = authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"p"_s, Pkce::make());
    const QByteArray form = query.mid(query.indexOf(u'?') + 1).toLatin1();
    const Reply reply = running.http().send("POST", u"/oauth/authorize"_s, form,
                                            {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(reply.status, 303);
    QVERIFY(reply.header("Location").startsWith("/oauth/login?request="));
}

void tst_Authorize::ehrLaunchBindsContext()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId
        = registerPublicClient(running, u"launch openid fhirUser patient/*.rs"_s, u"http://localhost:3000/launch"_s);
    const Reply launch = running.http().postJson(u"/admin/launch"_s,
                                                 QJsonObject{{u"client_id"_s, clientId},
                                                             {u"username"_s, u"daniel-adams"_s},
                                                             {u"patient_id"_s, u"smart-1032702"_s},
                                                             {u"encounter_id"_s, u"enc-1"_s}});
    QCOMPARE(launch.status, 201);
    const QString launchId = launch.json()[u"launch"_s].toString();
    const QString iss = running.http().base() + u"/api/fhir"_s;
    QCOMPARE(launch.json()[u"iss"_s].toString(), iss);
    const QUrl launchUrl(launch.json()[u"launch_url"_s].toString());
    QCOMPARE(launchUrl.toString(QUrl::RemoveQuery), u"http://localhost:3000/launch"_s);
    QCOMPARE(QUrlQuery(launchUrl).queryItemValue(u"iss"_s, QUrl::FullyDecoded), iss);
    QCOMPARE(QUrlQuery(launchUrl).queryItemValue(u"launch"_s), launchId);

    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    AppRedirect step = browser.open(authorizeQuery(running.http().base(), clientId, s_redirect,
                                                   u"launch openid fhirUser patient/*.rs"_s, u"e"_s, pkce,
                                                   {{u"launch"_s, launchId}}));
    step = browser.signIn(step.page, u"daniel-adams"_s);
    QVERIFY2(!step.page.body.contains("data-patient-id"), "an EHR launch skips the picker");
    step = browser.consent(step.page, true);
    const Reply token = running.http().postForm(u"/oauth/token"_s,
                                                {{u"grant_type"_s, u"authorization_code"_s},
                                                 {u"code"_s, step.code()},
                                                 {u"redirect_uri"_s, s_redirect},
                                                 {u"client_id"_s, clientId},
                                                 {u"code_verifier"_s, pkce.verifier}});
    QCOMPARE(token.status, 200);
    QCOMPARE(token.json()[u"patient"_s].toString(), u"smart-1032702"_s);
    QCOMPARE(token.json()[u"encounter"_s].toString(), u"enc-1"_s);
    QCOMPARE(token.json()[u"need_patient_banner"_s].toBool(true), false);

    // A launch is for its client only, and needs a known user.
    const QString other = registerPublicClient(running);
    const AppRedirect stolen = browser.open(authorizeQuery(running.http().base(), other, s_redirect, s_scope, u"x"_s,
                                                           Pkce::make(), {{u"launch"_s, launchId}}));
    QCOMPARE(stolen.error(), u"invalid_request"_s);
    QCOMPARE(running.http()
                 .postJson(u"/admin/launch"_s, QJsonObject{{u"client_id"_s, clientId}, {u"username"_s, u"nobody"_s}})
                 .status,
             400);
}

void tst_Authorize::ehrLaunchWithoutPatientShowsPicker()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running, u"launch launch/patient patient/*.rs"_s);
    const Reply launch = running.http().postJson(
        u"/admin/launch"_s, QJsonObject{{u"client_id"_s, clientId}, {u"username"_s, u"daniel-adams"_s}});
    QCOMPARE(launch.status, 201);
    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    AppRedirect step = browser.open(authorizeQuery(running.http().base(), clientId, s_redirect,
                                                   u"launch launch/patient patient/*.rs"_s, u"e"_s, pkce,
                                                   {{u"launch"_s, launch.json()[u"launch"_s].toString()}}));
    step = browser.signIn(step.page, u"daniel-adams"_s);
    QVERIFY(step.page.body.contains("data-patient-id=\"smart-1032702\""));
    step = browser.pickPatient(step.page, u"smart-1032702"_s);
    QVERIFY2(step.page.body.contains("id=\"authorize\""), step.page.body.constData());
    step = browser.consent(step.page, true);
    const Reply token = running.http().postForm(u"/oauth/token"_s,
                                                {{u"grant_type"_s, u"authorization_code"_s},
                                                 {u"code"_s, step.code()},
                                                 {u"redirect_uri"_s, s_redirect},
                                                 {u"client_id"_s, clientId},
                                                 {u"code_verifier"_s, pkce.verifier}});
    QCOMPARE(token.status, 200);
    QCOMPARE(token.json()[u"patient"_s].toString(), u"smart-1032702"_s);
}

void tst_Authorize::confidentialClientWithoutPkceGetsAFinding()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    PortalBrowser browser(running.http());
    const QString redirect = u"http://localhost:9001/authorized"_s;
    const AppRedirect done = browser.authorize(authorizeQuery(running.http().base(), u"api-test"_s, redirect,
                                                              u"launch/patient patient/*.read"_s, u"s"_s, Pkce{}),
                                               u"joseph-ross"_s, QString());
    QVERIFY2(!done.code().isEmpty(), done.page.body.constData());
    QVERIFY(running.sandbox().requestLog().flush());
    const QJsonArray requests = running.http().get(u"/admin/requests?limit=50"_s).json()[u"requests"_s].toArray();
    const bool explained = std::any_of(requests.begin(), requests.end(), [](const QJsonValue &entry) {
        return entry[u"path"_s].toString() == u"/oauth/authorize"_s
            && entry[u"findings"_s].toArray().first().toString().contains(u"PKCE"_s);
    });
    QVERIFY(explained);
    // Client authentication at the token endpoint: HTTP Basic with the fixture secret.
    const QByteArray basic = "Basic " + QByteArray("api-test:api-secret").toBase64();
    const Reply token = running.http().postForm(
        u"/oauth/token"_s,
        {{u"grant_type"_s, u"authorization_code"_s}, {u"code"_s, done.code()}, {u"redirect_uri"_s, redirect}},
        {{"Authorization", basic}});
    QCOMPARE(token.status, 200);
    QCOMPARE(token.json()[u"patient"_s].toString(), u"smart-1081332"_s);
}

void tst_Authorize::appsPageListsAndRevokes()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    const AppRedirect done
        = browser.authorize(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"s"_s, pkce),
                            u"joseph-ross"_s, QString());
    const QString accessToken = running.http()
                                    .postForm(u"/oauth/token"_s,
                                              {{u"grant_type"_s, u"authorization_code"_s},
                                               {u"code"_s, done.code()},
                                               {u"redirect_uri"_s, s_redirect},
                                               {u"client_id"_s, clientId},
                                               {u"code_verifier"_s, pkce.verifier}})
                                    .json()[u"access_token"_s]
                                    .toString();
    QVERIFY(!accessToken.isEmpty());
    const Reply apps = running.http().get(u"/apps"_s);
    QCOMPARE(apps.status, 200);
    QVERIFY(apps.body.contains("Test App"));
    QVERIFY(apps.body.contains("Sharing"));
    const QString approvalId = PortalBrowser::field(apps.body, u"approval_id"_s);
    QVERIFY(!approvalId.isEmpty());
    const Reply forged = running.http().postForm(u"/apps/revoke"_s, {{u"approval_id"_s, approvalId}});
    QCOMPARE(forged.status, 403);
    const Reply revoked = running.http().postForm(
        u"/apps/revoke"_s, {{u"approval_id"_s, approvalId}, {u"csrf"_s, PortalBrowser::field(apps.body, u"csrf"_s)}});
    QCOMPARE(revoked.status, 303);
    QVERIFY(running.http().get(u"/apps"_s).body.contains("Revoked"));
    const Result<FoundToken> found = running.sandbox().tokens().find(accessToken);
    QVERIFY(found);
    QCOMPARE(found.value().active(running.clock().nowMs()), false);

    const Reply logout = running.http().get(u"/logout"_s);
    QCOMPARE(logout.status, 200);
    const Reply after = running.http().get(u"/apps"_s);
    QCOMPARE(after.status, 303);
    QVERIFY(after.header("Location").startsWith("/oauth/login"));
}

void tst_Authorize::pagesCannotBeFramed()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply login = running.http().get(u"/oauth/login?next=/apps"_s);
    QCOMPARE(login.status, 200);
    QVERIFY(login.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    QCOMPARE(login.header("X-Frame-Options"), "DENY");
    QCOMPARE(login.header("Referrer-Policy"), "no-referrer");
    QCOMPARE(running.http().get(u"/portal.css"_s).header("Content-Type"), "text/css; charset=utf-8");
}

void tst_Authorize::clientNamesAreEscaped()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = running.http()
                                 .postJson(u"/oauth/register"_s,
                                           QJsonObject{{u"client_name"_s, u"<script>alert(1)</script>"_s},
                                                       {u"redirect_uris"_s, QJsonArray{s_redirect}},
                                                       {u"token_endpoint_auth_method"_s, u"none"_s},
                                                       {u"scope"_s, s_scope}})
                                 .json()[u"client_id"_s]
                                 .toString();
    PortalBrowser browser(running.http());
    AppRedirect step
        = browser.open(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"s"_s, Pkce::make()));
    step = browser.signIn(step.page, u"joseph-ross"_s);
    QVERIFY(step.page.body.contains("&lt;script&gt;"));
    QVERIFY(!step.page.body.contains("<script>"));
}

QTEST_GUILESS_MAIN(tst_Authorize)
#include "tst_authorize.moc"
