// SPDX-License-Identifier: Apache-2.0
// The token cache as an app sees it over HTTP: GET /oauth/debug/introspect answers from the cache
// once it has seen a token, and still shows every change the very next time: revocation by the app
// (RFC 7009), by the user on the "Your apps" page, refresh-token replay, and a reset. On ":memory:"
// and on a SQLite file, whose request log is written by another connection.

#include "oauth/tokenservice.h"
#include "oauthflow.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_redirect = u"http://localhost:3000/callback"_s;
const auto s_scope = u"launch/patient openid fhirUser offline_access patient/*.rs"_s;

// An app's tokens from a standalone launch by joseph-ross.
struct AppTokens
{
    QString clientId;
    QString access;
    QString refresh;
};

AppTokens launch(RunningSandbox &running)
{
    AppTokens tokens;
    tokens.clientId = running.http()
                          .postJson(u"/oauth/register"_s,
                                    QJsonObject{{u"client_name"_s, u"Cached App"_s},
                                                {u"redirect_uris"_s, QJsonArray{s_redirect}},
                                                {u"token_endpoint_auth_method"_s, u"none"_s},
                                                {u"scope"_s, s_scope}})
                          .json()[u"client_id"_s]
                          .toString();
    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    const AppRedirect done
        = browser.authorize(authorizeQuery(running.http().base(), tokens.clientId, s_redirect, s_scope, u"s"_s, pkce),
                            u"joseph-ross"_s, QString());
    const QJsonObject answer = running.http()
                                   .postForm(u"/oauth/token"_s,
                                             {{u"grant_type"_s, u"authorization_code"_s},
                                              {u"code"_s, done.code()},
                                              {u"redirect_uri"_s, s_redirect},
                                              {u"client_id"_s, tokens.clientId},
                                              {u"code_verifier"_s, pkce.verifier}})
                                   .json();
    tokens.access = answer[u"access_token"_s].toString();
    tokens.refresh = answer[u"refresh_token"_s].toString();
    return tokens;
}

// GET /oauth/debug/introspect for a token: its JSON, or {"status": N} when it is refused.
QJsonObject introspect(RunningSandbox &running, const QString &token)
{
    const Reply reply = running.http().get(u"/oauth/debug/introspect?token="_s + token);
    if (reply.status != 200)
        return QJsonObject{{u"status"_s, reply.status}, {u"error"_s, reply.json()[u"error"_s]}};
    return reply.json();
}

} // namespace

// `running`: a sandbox on ":memory:" or on a SQLite file, by the row's "engine".
#define START_SANDBOX() \
    QFETCH(QString, engine); \
    std::unique_ptr<TestDatabase> testDatabase; \
    SandboxOptions options; \
    if (engine == u"sqlite"_s) { \
        testDatabase = std::make_unique<TestDatabase>(TestDatabase::Engine::Sqlite); \
        options.database = testDatabase->location(); \
    } \
    RunningSandbox running(options); \
    QVERIFY2(running.isRunning(), qPrintable(running.error()));

// Introspects `token` twice, so that the second answer comes from the cache, and checks it is active.
#define INTROSPECT_ACTIVE(token) \
    do { \
        QCOMPARE(introspect(running, token)[u"active"_s].toBool(), true); \
        QCOMPARE(introspect(running, token)[u"active"_s].toBool(), true); \
        QVERIFY(running.sandbox().tokens().cachedTokenCount() > 0); \
    } while (false)

class TestPortalCache final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void revokedByTheApp_data() { engines(); }
    void revokedByTheApp();
    void revokedOnTheAppsPage_data() { engines(); }
    void revokedOnTheAppsPage();
    void refreshReplayRevokes_data() { engines(); }
    void refreshReplayRevokes();
    void reset_data() { engines(); }
    void reset();
    void expired_data() { engines(); }
    void expired();

private:
    static void engines()
    {
        QTest::addColumn<QString>("engine");
        QTest::newRow("memory") << u"memory"_s;
        QTest::newRow("sqlite") << u"sqlite"_s;
    }
};

void TestPortalCache::revokedByTheApp()
{
    START_SANDBOX();
    const AppTokens tokens = launch(running);
    QVERIFY(!tokens.access.isEmpty());
    INTROSPECT_ACTIVE(tokens.access);

    const Reply revoked
        = running.http().postForm(u"/oauth/revoke"_s, {{u"token"_s, tokens.access}, {u"client_id"_s, tokens.clientId}});
    QCOMPARE(revoked.status, 200);
    const QJsonObject after = introspect(running, tokens.access);
    QCOMPARE(after[u"active"_s].toBool(), false);
    QCOMPARE(after[u"revoked"_s].toBool(), true);
}

void TestPortalCache::revokedOnTheAppsPage()
{
    START_SANDBOX();
    const AppTokens tokens = launch(running);
    INTROSPECT_ACTIVE(tokens.access);
    INTROSPECT_ACTIVE(tokens.refresh);

    const Reply apps = running.http().get(u"/apps"_s);
    QCOMPARE(apps.status, 200);
    const Reply revoked
        = running.http().postForm(u"/apps/revoke"_s,
                                  {{u"approval_id"_s, PortalBrowser::field(apps.body, u"approval_id"_s)},
                                   {u"csrf"_s, PortalBrowser::field(apps.body, u"csrf"_s)}});
    QCOMPARE(revoked.status, 303);
    for (const QString &token : {tokens.access, tokens.refresh}) {
        const QJsonObject after = introspect(running, token);
        QCOMPARE(after[u"active"_s].toBool(), false);
        QCOMPARE(after[u"revoked"_s].toBool(), true);
    }
}

void TestPortalCache::refreshReplayRevokes()
{
    START_SANDBOX();
    const AppTokens tokens = launch(running);
    const QList<QPair<QString, QString>> refresh{
        {u"grant_type"_s, u"refresh_token"_s}, {u"refresh_token"_s, tokens.refresh}, {u"client_id"_s, tokens.clientId}};
    const QJsonObject rotated = running.http().postForm(u"/oauth/token"_s, refresh).json();
    const QString newAccess = rotated[u"access_token"_s].toString();
    QVERIFY(!newAccess.isEmpty());
    INTROSPECT_ACTIVE(newAccess);

    // The spent refresh token again: the whole approval is revoked, the new token with it.
    QCOMPARE(running.http().postForm(u"/oauth/token"_s, refresh).status, 400);
    QCOMPARE(introspect(running, newAccess)[u"active"_s].toBool(), false);
}

void TestPortalCache::reset()
{
    START_SANDBOX();
    const AppTokens tokens = launch(running);
    INTROSPECT_ACTIVE(tokens.access);

    QCOMPARE(running.http().send("POST", u"/admin/reset"_s).status, 200);
    const QJsonObject after = introspect(running, tokens.access);
    QCOMPARE(after[u"status"_s].toInt(), 400);
    QCOMPARE(after[u"error"_s].toString(), u"no_token"_s);
}

void TestPortalCache::expired()
{
    START_SANDBOX();
    const AppTokens tokens = launch(running);
    INTROSPECT_ACTIVE(tokens.access);
    running.clock().advanceSeconds(3601); // the access token lives an hour
    QCOMPARE(introspect(running, tokens.access)[u"active"_s].toBool(), false);

    // Expired by hand (the window's "Expire now").
    const AppTokens second = launch(running);
    INTROSPECT_ACTIVE(second.access);
    const Result<FoundToken> found = running.sandbox().tokens().find(second.access);
    QVERIFY(running.sandbox().tokens().expireNow(found.value().view.token.id).ok());
    QCOMPARE(introspect(running, second.access)[u"active"_s].toBool(), false);
}

QTEST_GUILESS_MAIN(TestPortalCache)
#include "tst_portalcache.moc"
