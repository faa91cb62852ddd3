// SPDX-License-Identifier: Apache-2.0
// TokenService answers token lookups and the client and people checks of a debug token from
// caches. A stale answer would be a security bug (a revoked token still active), so every way a
// token, approval, client or person changes must be seen by the very next lookup: revocation,
// expiry, approval revocation by the user, refresh-token replay, client removal and update,
// reset, and writes by another connection (another sandbox on the same file). Runs on a SQLite
// file, on ":memory:" and on PostgreSQL (where nothing is cached).

#include "clock.h"
#include "coretestdatabase.h"
#include "oauth/authorizationservice.h"
#include "oauth/clientregistry.h"
#include "oauth/tokenservice.h"
#include "sandbox.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

DebugTokenRequest debugRequest(const QString &clientId = u"test-suite"_s)
{
    DebugTokenRequest request;
    request.clientId = clientId;
    request.username = u"daniel-adams"_s;
    request.patientId = u"smart-1288992"_s;
    return request;
}

QString describe(const Error &error)
{
    return error.code + u": "_s + error.description;
}

} // namespace

// `sandbox` (with `clock`) on a fresh database of the row's engine, or ":memory:".
#define OPEN_SANDBOX() \
    QFETCH(QString, engine); \
    std::unique_ptr<TestSupport::TestDatabase> testDatabase; \
    SandboxOptions options; \
    options.database = u":memory:"_s; \
    if (engine != u"memory"_s) { \
        testDatabase = CoreTest::makeDatabase(engine); \
        if (!testDatabase->isAvailable() && TestSupport::postgresServerUrl().isEmpty()) \
            QSKIP("SANDBOX_TEST_POSTGRES_URL is not set (scripts/postgres.sh start prints one); CI sets it"); \
        QVERIFY2(testDatabase->isAvailable(), qPrintable(testDatabase->error())); \
        options.database = testDatabase->location(); \
    } \
    auto *clock = new ManualClock(TestSupport::s_epochMs); \
    Sandbox sandbox(options, clock); \
    const Status opened = sandbox.open(); \
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : describe(opened.error()))); \
    const bool caches = engine != u"postgres"_s;

// Looks `token` up twice (the second from the cache where there is one) and checks it is active.
#define LOOK_UP_ACTIVE(token) \
    do { \
        for (int lookup = 0; lookup < 2; ++lookup) { \
            const Result<FoundToken> found = sandbox.tokens().find(token); \
            QVERIFY2(found.ok(), qPrintable(found.ok() ? QString() : describe(found.error()))); \
            QVERIFY(found.value().active(clock->nowMs())); \
        } \
        QCOMPARE(sandbox.tokens().cachedTokenCount() > 0, caches); \
    } while (false)

class TestTokenCache final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void revokeIsSeenAtOnce_data() { engines(); }
    void revokeIsSeenAtOnce();
    void expireIsSeenAtOnce_data() { engines(); }
    void expireIsSeenAtOnce();
    void approvalRevocationIsSeenAtOnce_data() { engines(); }
    void approvalRevocationIsSeenAtOnce();
    void resetIsSeenAtOnce_data() { engines(); }
    void resetIsSeenAtOnce();
    void clientRemovalIsSeenAtOnce_data() { engines(); }
    void clientRemovalIsSeenAtOnce();
    void otherSandboxIsSeenAtOnce();
    void mintSeesClientAndPeopleChanges_data() { engines(); }
    void mintSeesClientAndPeopleChanges();
    void mintingKeepsTheCaches_data() { engines(); }
    void mintingKeepsTheCaches();

private:
    static void engines()
    {
        CoreTest::addEngineData();
        QTest::addRow("memory") << u"memory"_s;
    }
};

void TestTokenCache::revokeIsSeenAtOnce()
{
    OPEN_SANDBOX();
    const Result<TokenView> minted = sandbox.tokens().mintDebugToken(debugRequest());
    QVERIFY(minted.ok());
    LOOK_UP_ACTIVE(minted.value().token.accessToken);
    LOOK_UP_ACTIVE(minted.value().token.refreshToken);

    clock->advanceSeconds(5);
    QVERIFY(sandbox.tokens().revoke(minted.value().token.id).ok());
    for (const QString &token : {minted.value().token.accessToken, minted.value().token.refreshToken}) {
        const Result<FoundToken> found = sandbox.tokens().find(token);
        QVERIFY(found.ok());
        QVERIFY(!found.value().active(clock->nowMs()));
        QCOMPARE(found.value().view.token.revokedAtMs, clock->nowMs());
    }
}

void TestTokenCache::expireIsSeenAtOnce()
{
    OPEN_SANDBOX();
    const Result<TokenView> minted = sandbox.tokens().mintDebugToken(debugRequest());
    QVERIFY(minted.ok());
    LOOK_UP_ACTIVE(minted.value().token.accessToken);

    QVERIFY(sandbox.tokens().expireNow(minted.value().token.id).ok());
    const Result<FoundToken> found = sandbox.tokens().find(minted.value().token.accessToken);
    QVERIFY(found.ok());
    QVERIFY(!found.value().active(clock->nowMs()));
    // Time alone needs no invalidation: activity is computed from the clock at each lookup.
    const Result<TokenView> second = sandbox.tokens().mintDebugToken(debugRequest());
    LOOK_UP_ACTIVE(second.value().token.accessToken);
    clock->advanceSeconds(3601);
    QVERIFY(!sandbox.tokens().find(second.value().token.accessToken).value().active(clock->nowMs()));
}

void TestTokenCache::approvalRevocationIsSeenAtOnce()
{
    // What the "Your apps" page does when a user stops sharing with an app.
    OPEN_SANDBOX();
    const Result<TokenView> minted = sandbox.tokens().mintDebugToken(debugRequest());
    QVERIFY(minted.ok());
    LOOK_UP_ACTIVE(minted.value().token.accessToken);

    const Status revoked = sandbox.authorization().revokeApproval(u"daniel-adams"_s, minted.value().approval.id);
    QVERIFY2(revoked.ok(), qPrintable(revoked.ok() ? QString() : describe(revoked.error())));
    const Result<FoundToken> found = sandbox.tokens().find(minted.value().token.accessToken);
    QVERIFY(found.ok());
    QVERIFY(!found.value().active(clock->nowMs()));
    QVERIFY(found.value().view.token.revokedAtMs != 0);
    QVERIFY(found.value().view.approval.revokedAtMs != 0);
}

void TestTokenCache::resetIsSeenAtOnce()
{
    OPEN_SANDBOX();
    const Result<TokenView> minted = sandbox.tokens().mintDebugToken(debugRequest());
    QVERIFY(minted.ok());
    LOOK_UP_ACTIVE(minted.value().token.accessToken);

    QVERIFY(sandbox.reset().ok());
    const Result<FoundToken> found = sandbox.tokens().find(minted.value().token.accessToken);
    QVERIFY(!found.ok());
    QCOMPARE(found.error().code, u"no_token"_s);
}

void TestTokenCache::clientRemovalIsSeenAtOnce()
{
    // Removing a client removes its approvals and tokens with it (ON DELETE CASCADE).
    OPEN_SANDBOX();
    const Result<Client> client = sandbox.clients().registerClient(
        QJsonObject{{u"client_name"_s, u"Short-lived"_s},
                    {u"redirect_uris"_s, QJsonArray{u"https://app.example.org/callback"_s}}},
        u"ui"_s);
    QVERIFY(client.ok());
    const Result<TokenView> minted = sandbox.tokens().mintDebugToken(debugRequest(client.value().id));
    QVERIFY(minted.ok());
    LOOK_UP_ACTIVE(minted.value().token.accessToken);

    QVERIFY(sandbox.clients().remove(client.value().id).ok());
    QCOMPARE(sandbox.tokens().find(minted.value().token.accessToken).error().code, u"no_token"_s);
    QCOMPARE(sandbox.tokens().mintDebugToken(debugRequest(client.value().id)).error().code, u"no_client"_s);
}

void TestTokenCache::otherSandboxIsSeenAtOnce()
{
    // Two sandboxes on one SQLite file: a token revoked by one is revoked for the other at once.
    const TestSupport::TestDatabase testDatabase(TestSupport::TestDatabase::Engine::Sqlite);
    SandboxOptions options;
    options.database = testDatabase.location();
    auto *clock = new ManualClock(TestSupport::s_epochMs);
    Sandbox sandbox(options, clock);
    QVERIFY(sandbox.open().ok());
    Sandbox other(options, new ManualClock(TestSupport::s_epochMs));
    QVERIFY(other.open().ok());
    const bool caches = true;

    const Result<TokenView> minted = sandbox.tokens().mintDebugToken(debugRequest());
    QVERIFY(minted.ok());
    LOOK_UP_ACTIVE(minted.value().token.accessToken);
    QVERIFY(other.tokens().revoke(minted.value().token.id).ok());
    QVERIFY(!sandbox.tokens().find(minted.value().token.accessToken).value().active(clock->nowMs()));

    // The same for the mint caches: the other sandbox unlinks the user from the patient.
    QVERIFY(sandbox.tokens().mintDebugToken(debugRequest()).ok());
    QVERIFY(other.database()
                .change(u"DELETE FROM user_patients WHERE username = ? AND patient_id = ?"_s,
                        {u"daniel-adams"_s, u"smart-1288992"_s})
                .ok());
    QCOMPARE(sandbox.tokens().mintDebugToken(debugRequest()).error().code, u"no_patient_for_user"_s);
}

void TestTokenCache::mintSeesClientAndPeopleChanges()
{
    OPEN_SANDBOX();
    Q_UNUSED(caches);
    const Result<Client> client = sandbox.clients().registerClient(
        QJsonObject{{u"client_name"_s, u"Changing"_s},
                    {u"redirect_uris"_s, QJsonArray{u"https://app.example.org/callback"_s}},
                    {u"scope"_s, u"launch/patient patient/*.read"_s},
                    {u"security_labels"_s, QJsonArray{u"R"_s}}},
        u"ui"_s);
    QVERIFY(client.ok());
    const DebugTokenRequest request = debugRequest(client.value().id);
    for (int i = 0; i < 2; ++i) {
        const Result<TokenView> minted = sandbox.tokens().mintDebugToken(request);
        QVERIFY(minted.ok());
        QCOMPARE(minted.value().token.scope, u"launch/patient patient/*.read"_s);
        QCOMPARE(minted.value().approval.securityLabels, QStringList{u"R"_s});
    }

    // RFC 7592 update: the next token has the new scope and labels.
    const Result<Client> updated
        = sandbox.clients().update(client.value().id,
                                   QJsonObject{{u"client_name"_s, u"Changing"_s},
                                               {u"redirect_uris"_s, QJsonArray{u"https://app.example.org/callback"_s}},
                                               {u"scope"_s, u"patient/Observation.read"_s},
                                               {u"security_labels"_s, QJsonArray{u"N"_s, u"V"_s}}});
    QVERIFY2(updated.ok(), qPrintable(updated.ok() ? QString() : describe(updated.error())));
    const Result<TokenView> after = sandbox.tokens().mintDebugToken(request);
    QVERIFY(after.ok());
    QCOMPARE(after.value().token.scope, u"patient/Observation.read"_s);
    QCOMPARE(after.value().approval.securityLabels, (QStringList{u"N"_s, u"V"_s}));

    // The user no longer represents the patient.
    QVERIFY(sandbox.database()
                .change(u"DELETE FROM user_patients WHERE username = ? AND patient_id = ?"_s,
                        {u"daniel-adams"_s, u"smart-1288992"_s})
                .ok());
    QCOMPARE(sandbox.tokens().mintDebugToken(request).error().code, u"no_patient_for_user"_s);
    // A reset brings the link back, and removes the registered client.
    QVERIFY(sandbox.reset().ok());
    QCOMPARE(sandbox.tokens().mintDebugToken(request).error().code, u"no_client"_s);
    QVERIFY(sandbox.tokens().mintDebugToken(debugRequest()).ok());
}

void TestTokenCache::mintingKeepsTheCaches()
{
    // The hot paths only INSERT (in a transaction): they must not empty the caches they rely on.
    OPEN_SANDBOX();
    QVERIFY(sandbox.tokens().mintDebugToken(debugRequest()).ok());
    const std::optional<DataStamp> before = sandbox.database().dataStamp();
    QCOMPARE(bool(before), caches);
    QVERIFY(sandbox.tokens().mintDebugToken(debugRequest()).ok());
    QVERIFY(sandbox.clients()
                .registerClient(QJsonObject{{u"client_name"_s, u"New"_s},
                                            {u"redirect_uris"_s, QJsonArray{u"https://app.example.org/callback"_s}}},
                                u"ui"_s)
                .ok());
    QVERIFY(sandbox.tokens().find(u"no-such-token"_s).error().code == u"no_token"_s);
    QCOMPARE(sandbox.database().dataStamp(), before);
}

QTEST_GUILESS_MAIN(TestTokenCache)
#include "tst_tokencache.moc"
