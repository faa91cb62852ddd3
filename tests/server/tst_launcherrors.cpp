// SPDX-License-Identifier: Apache-2.0
// The canned launch errors, each as the app receives it: one POST /admin/faults with
// {"client_id", "launch_error"} and the app's next authorization, token request or FHIR call
// fails the way the SMART and OAuth specs say, once; the one after works again.

#include "oauthflow.h"
#include "server/requestlog.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_redirect = u"http://localhost:3000/callback"_s;
const auto s_scope = u"launch/patient openid fhirUser offline_access patient/*.rs"_s;

class App
{
public:
    explicit App(RunningSandbox &running) : m_running(running)
    {
        const QJsonObject metadata{{u"client_name"_s, u"Launch Error App"_s},
                                   {u"redirect_uris"_s, QJsonArray{s_redirect}},
                                   {u"token_endpoint_auth_method"_s, u"none"_s},
                                   {u"scope"_s, s_scope}};
        id = running.http().postJson(u"/oauth/register"_s, metadata).json()[u"client_id"_s].toString();
    }

    Reply arm(const QString &launchError)
    {
        return m_running.http().postJson(u"/admin/faults"_s,
                                         QJsonObject{{u"client_id"_s, id}, {u"launch_error"_s, launchError}});
    }

    AppRedirect authorize()
    {
        PortalBrowser browser(m_running.http());
        return browser.authorize(authorizeQuery(m_running.http().base(), id, s_redirect, s_scope, u"st-1"_s, m_pkce),
                                 u"joseph-ross"_s, QString());
    }

    Reply exchange(const QString &code)
    {
        return m_running.http().postForm(u"/oauth/token"_s,
                                         {{u"grant_type"_s, u"authorization_code"_s},
                                          {u"code"_s, code},
                                          {u"redirect_uri"_s, s_redirect},
                                          {u"client_id"_s, id},
                                          {u"code_verifier"_s, m_pkce.verifier}});
    }

    // A full launch: the token response.
    QJsonObject launch()
    {
        const AppRedirect redirect = authorize();
        if (redirect.code().isEmpty())
            return {};
        return exchange(redirect.code()).json();
    }

    Reply refresh(const QString &refreshToken)
    {
        return m_running.http().postForm(
            u"/oauth/token"_s,
            {{u"grant_type"_s, u"refresh_token"_s}, {u"refresh_token"_s, refreshToken}, {u"client_id"_s, id}});
    }

    Reply readPatient(const QJsonObject &token)
    {
        return m_running.http().get(u"/api/fhir/Patient/"_s + token[u"patient"_s].toString(),
                                    {{"Authorization", "Bearer " + token[u"access_token"_s].toString().toLatin1()}});
    }

    QString id;

private:
    RunningSandbox &m_running;
    Pkce m_pkce = Pkce::make();
};

} // namespace

class tst_LaunchErrors final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void authorizationEndsAtTheApp_data();
    void authorizationEndsAtTheApp();
    void invalidRedirectStaysOnAPage();
    void invalidClient();
    void expiredCode();
    void invalidGrantOnRefresh();
    void tokenRefusedAtTheFhirEndpoint_data();
    void tokenRefusedAtTheFhirEndpoint();
    void missingPatient();
    void noRefreshToken();
    void onlyTheChosenClient();
    void listedAndMarked();
};

void tst_LaunchErrors::authorizationEndsAtTheApp_data()
{
    QTest::addColumn<QString>("launchError");
    QTest::newRow("access_denied") << u"access_denied"_s;
    QTest::newRow("invalid_scope") << u"invalid_scope"_s;
}

void tst_LaunchErrors::authorizationEndsAtTheApp()
{
    QFETCH(QString, launchError);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    App app(running);
    QCOMPARE(app.arm(launchError).status, 201);

    const AppRedirect failed = app.authorize();
    QVERIFY2(failed.url.startsWith(s_redirect), qPrintable(failed.url));
    QCOMPARE(failed.error(), launchError);
    QCOMPARE(failed.state(), u"st-1"_s);
    QVERIFY(failed.code().isEmpty());
    QVERIFY(!failed.query.queryItemValue(u"error_description"_s).isEmpty());

    const AppRedirect next = app.authorize();
    QVERIFY(next.error().isEmpty());
    QVERIFY(!next.code().isEmpty());
}

void tst_LaunchErrors::invalidRedirectStaysOnAPage()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    App app(running);
    QCOMPARE(app.arm(u"invalid_redirect"_s).status, 201);
    const AppRedirect failed = app.authorize();
    QVERIFY2(failed.url.isEmpty(), qPrintable(failed.url)); // never sent to an untrusted URI
    QCOMPARE(failed.page.status, 400);
    QVERIFY(failed.page.header("Content-Type").startsWith("text/html"));
    QVERIFY(failed.page.body.contains("redirect_uri"));
    QVERIFY(!app.authorize().code().isEmpty());
}

void tst_LaunchErrors::invalidClient()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    App app(running);
    const AppRedirect redirect = app.authorize();
    QVERIFY(!redirect.code().isEmpty());
    QCOMPARE(app.arm(u"invalid_client"_s).status, 201);
    const Reply refused = app.exchange(redirect.code());
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.json()[u"error"_s].toString(), u"invalid_client"_s);
    QVERIFY(refused.header("WWW-Authenticate").startsWith("Basic"));
    QCOMPARE(app.exchange(redirect.code()).status, 200); // the code was not spent
}

void tst_LaunchErrors::expiredCode()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    App app(running);
    QCOMPARE(app.arm(u"expired_code"_s).status, 201);
    const AppRedirect redirect = app.authorize(); // the authorization itself goes through
    QVERIFY(!redirect.code().isEmpty());
    const Reply refused = app.exchange(redirect.code());
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.json()[u"error"_s].toString(), u"invalid_grant"_s);
    QVERIFY(refused.json()[u"error_description"_s].toString().contains(u"expired"_s));
    QVERIFY(!app.launch()[u"access_token"_s].toString().isEmpty());
}

void tst_LaunchErrors::invalidGrantOnRefresh()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    App app(running);
    QCOMPARE(app.arm(u"invalid_grant_refresh"_s).status, 201);
    const QJsonObject token = app.launch(); // the code grant is not touched
    const QString refreshToken = token[u"refresh_token"_s].toString();
    QVERIFY(!refreshToken.isEmpty());
    const Reply refused = app.refresh(refreshToken);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.json()[u"error"_s].toString(), u"invalid_grant"_s);
    QCOMPARE(app.refresh(refreshToken).status, 200);
}

void tst_LaunchErrors::tokenRefusedAtTheFhirEndpoint_data()
{
    QTest::addColumn<QString>("launchError");
    QTest::addColumn<QString>("description");
    QTest::newRow("expired_token") << u"expired_token"_s << u"The access token has expired"_s;
    QTest::newRow("revoked_token") << u"revoked_token"_s << u"The access token was revoked"_s;
}

void tst_LaunchErrors::tokenRefusedAtTheFhirEndpoint()
{
    QFETCH(QString, launchError);
    QFETCH(QString, description);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    App app(running);
    const QJsonObject token = app.launch();
    QVERIFY(!token[u"access_token"_s].toString().isEmpty());
    QCOMPARE(app.arm(launchError).status, 201);
    const Reply refused = app.readPatient(token);
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.json()[u"resourceType"_s].toString(), u"OperationOutcome"_s);
    QCOMPARE(refused.json()[u"issue"_s][0][u"diagnostics"_s].toString(), description);
    const QByteArray challenge = refused.header("WWW-Authenticate");
    QVERIFY2(challenge.contains(R"(error="invalid_token")"), challenge.constData());
    QVERIFY2(challenge.contains(description.toUtf8()), challenge.constData());
    QCOMPARE(app.readPatient(token).status, 200);
}

void tst_LaunchErrors::missingPatient()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    App app(running);
    QCOMPARE(app.arm(u"missing_patient"_s).status, 201);
    const QJsonObject token = app.launch();
    QVERIFY(!token[u"access_token"_s].toString().isEmpty());
    QVERIFY2(!token.contains(u"patient"_s), QJsonDocument(token).toJson().constData());
    QVERIFY(!app.launch()[u"patient"_s].toString().isEmpty());
}

void tst_LaunchErrors::noRefreshToken()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    App app(running);
    QCOMPARE(app.arm(u"no_refresh"_s).status, 201);
    const QJsonObject token = app.launch();
    QVERIFY(!token[u"access_token"_s].toString().isEmpty());
    QVERIFY(!token.contains(u"refresh_token"_s));
    QVERIFY(!app.launch()[u"refresh_token"_s].toString().isEmpty());
}

void tst_LaunchErrors::onlyTheChosenClient()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    App chosen(running);
    App other(running);
    QCOMPARE(chosen.arm(u"access_denied"_s).status, 201);
    QVERIFY(!other.authorize().code().isEmpty());
    QCOMPARE(chosen.authorize().error(), u"access_denied"_s);
}

void tst_LaunchErrors::listedAndMarked()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    App app(running);
    const QJsonObject rule = app.arm(u"access_denied"_s).json();
    QCOMPARE(rule[u"launch_error"_s].toString(), u"access_denied"_s);
    QCOMPARE(rule[u"endpoint"_s].toString(), u"/oauth/consent"_s);
    QCOMPARE(rule[u"remaining"_s].toInt(), 1);
    QCOMPARE(app.authorize().error(), u"access_denied"_s);
    running.sandbox().requestLog().flush().value();
    const QList<RequestLogEntry> entries = running.sandbox().requestLog().newest(20).value();
    const auto marked = std::find_if(entries.begin(), entries.end(), [](const RequestLogEntry &entry) {
        return entry.path == u"/oauth/consent"_s && entry.method == u"POST"_s;
    });
    QVERIFY(marked != entries.end());
    QCOMPARE(marked->clientId, app.id);
    QCOMPARE(marked->findings.value(0),
             u"Fault injected by rule %1: launch error access_denied"_s.arg(rule[u"id"_s].toInteger()));
}

QTEST_GUILESS_MAIN(tst_LaunchErrors)
#include "tst_launcherrors.moc"
