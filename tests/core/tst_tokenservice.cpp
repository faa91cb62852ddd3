// SPDX-License-Identifier: Apache-2.0
// Debug tokens as a developer mints and inspects them: the request body rules, the refusals in the
// order the reference server gives them, lifetimes driven by a manual clock, revocation and expiry.

#include "clock.h"
#include "oauth/client.h"
#include "oauth/grantservice.h"
#include "oauth/secrets.h"
#include "oauth/tokenservice.h"
#include "sandbox.h"
#include "testsupport.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 s_hourMs = 3600 * 1000LL;
constexpr qint64 s_dayMs = 24 * s_hourMs;
constexpr qint64 s_noApproval = -1;

QJsonObject object(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qFatal("bad test JSON: %s", json.constData());
    return document.object();
}

DebugTokenRequest request(const QString &clientId, const QString &username, const QString &patientId,
                          const QString &scope = QString())
{
    DebugTokenRequest request;
    request.clientId = clientId;
    request.username = username;
    request.patientId = patientId;
    request.scope = scope;
    return request;
}

QString describe(const Error &error)
{
    return error.code + u": "_s + error.description;
}

} // namespace

class TestTokenService final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void fromJson_data();
    void fromJson();
    void mint_data();
    void mint();
    void mintDefaults();
    void mintWithApprovalExpiry();
    void find();
    void accessExpiresRefreshLasts();
    void negativeLifetime();
    void revoke();
    void expireNow();
    void expireNowKeepsEarlierExpiry();
    void tokenIssuedSignal();
    void extend();
    void extendExpiredCountsFromNow();
    void extendNeverResurrectsRevoked();

private:
    TokenService &tokens() { return m_sandbox->tokens(); }
    Result<TokenView> mintDefault(qint64 lifetimeSeconds = DebugTokenRequest::s_defaultAccessLifetime);

    std::unique_ptr<Sandbox> m_sandbox;
    ManualClock *m_clock = nullptr;
};

void TestTokenService::init()
{
    SandboxOptions options;
    options.database = u":memory:"_s;
    m_clock = new ManualClock(TestSupport::s_epochMs);
    m_sandbox = std::make_unique<Sandbox>(options, m_clock);
    const Status opened = m_sandbox->open();
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : describe(opened.error())));
}

void TestTokenService::cleanup()
{
    m_sandbox.reset();
    m_clock = nullptr;
}

Result<TokenView> TestTokenService::mintDefault(qint64 lifetimeSeconds)
{
    DebugTokenRequest debug = request(u"test-suite"_s, u"daniel-adams"_s, u"smart-1288992"_s);
    debug.accessLifetimeSeconds = lifetimeSeconds;
    return tokens().mintDebugToken(debug);
}

void TestTokenService::fromJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("code"); // empty: accepted
    QTest::addColumn<QString>("username");
    QTest::addColumn<qint64>("lifetime");
    QTest::addColumn<qint64>("approvalExpires"); // s_noApproval: not given
    QTest::addColumn<QString>("scope"); // null: the client's

    const QString none;
    const QByteArray who = R"("client_id": "test-suite", "patient_id": "smart-1288992", "username": "daniel-adams")";
    const auto with = [&](const char *more) -> QByteArray { return "{" + who + ", " + QByteArray(more) + "}"; };
    const QString daniel = u"daniel-adams"_s;
    const qint64 hour = 3600;

    QTest::newRow("minimal") << QByteArray("{" + who + "}") << none << daniel << hour << s_noApproval << QString();
    QTest::newRow("user_name") << QByteArray(R"({"client_id": "test-suite", "user_name": "joseph-ross",
                                               "patient_id": "smart-1081332"})")
                               << none << u"joseph-ross"_s << hour << s_noApproval << QString();
    QTest::newRow("username wins over user_name")
        << QByteArray(R"({"client_id": "c", "username": "a", "user_name": "b", "patient_id": "p"})") << none << u"a"_s
        << hour << s_noApproval << QString();
    QTest::newRow("null username falls back to user_name")
        << QByteArray(R"({"client_id": "c", "username": null, "user_name": "b", "patient_id": "p"})") << none << u"b"_s
        << hour << s_noApproval << QString();

    // Who: the reference error codes, in order.
    QTest::newRow("no client_id") << QByteArray(R"({"username": "u", "patient_id": "p"})") << u"no_client"_s << none
                                  << hour << s_noApproval << QString();
    QTest::newRow("empty client_id") << QByteArray(R"({"client_id": "", "username": "u", "patient_id": "p"})")
                                     << u"no_client"_s << none << hour << s_noApproval << QString();
    QTest::newRow("client_id number") << QByteArray(R"({"client_id": 5, "username": "u", "patient_id": "p"})")
                                      << u"no_client"_s << none << hour << s_noApproval << QString();
    QTest::newRow("nothing at all") << QByteArray("{}") << u"no_client"_s << none << hour << s_noApproval << QString();
    QTest::newRow("no user") << QByteArray(R"({"client_id": "c", "patient_id": "p"})") << u"no_user"_s << none << hour
                             << s_noApproval << QString();
    QTest::newRow("username number") << QByteArray(R"({"client_id": "c", "username": 1, "patient_id": "p"})")
                                     << u"no_user"_s << none << hour << s_noApproval << QString();
    QTest::newRow("user_name array") << QByteArray(R"({"client_id": "c", "user_name": ["u"], "patient_id": "p"})")
                                     << u"no_user"_s << none << hour << s_noApproval << QString();
    QTest::newRow("no patient") << QByteArray(R"({"client_id": "c", "username": "u"})") << u"no_patient"_s << none
                                << hour << s_noApproval << QString();
    QTest::newRow("patient_id object") << QByteArray(R"({"client_id": "c", "username": "u", "patient_id": {}})")
                                       << u"no_patient"_s << none << hour << s_noApproval << QString();

    // access_lifetime
    QTest::newRow("lifetime number") << with(R"("access_lifetime": 120)") << none << daniel << qint64(120)
                                     << s_noApproval << QString();
    QTest::newRow("lifetime numeric string")
        << with(R"("access_lifetime": "120")") << none << daniel << qint64(120) << s_noApproval << QString();
    QTest::newRow("lifetime padded string")
        << with(R"("access_lifetime": " 120 ")") << none << daniel << qint64(120) << s_noApproval << QString();
    QTest::newRow("lifetime negative") << with(R"("access_lifetime": -60)") << none << daniel << qint64(-60)
                                       << s_noApproval << QString();
    QTest::newRow("lifetime zero") << with(R"("access_lifetime": 0)") << none << daniel << qint64(0) << s_noApproval
                                   << QString();
    QTest::newRow("lifetime ten years") << with(R"("access_lifetime": 315360000)") << none << daniel
                                        << qint64(315360000) << s_noApproval << QString();
    QTest::newRow("lifetime minus ten years") << with(R"("access_lifetime": -315360000)") << none << daniel
                                              << qint64(-315360000) << s_noApproval << QString();
    QTest::newRow("lifetime null is default")
        << with(R"("access_lifetime": null)") << none << daniel << hour << s_noApproval << QString();
    QTest::newRow("lifetime 1.0 is whole")
        << with(R"("access_lifetime": 1.0)") << none << daniel << qint64(1) << s_noApproval << QString();
    QTest::newRow("lifetime fraction") << with(R"("access_lifetime": 1.5)") << u"malformed_lifetime"_s << none << hour
                                       << s_noApproval << QString();
    QTest::newRow("lifetime fraction string")
        << with(R"("access_lifetime": "1.5")") << u"malformed_lifetime"_s << none << hour << s_noApproval << QString();
    QTest::newRow("lifetime words") << with(R"("access_lifetime": "an hour")") << u"malformed_lifetime"_s << none
                                    << hour << s_noApproval << QString();
    QTest::newRow("lifetime boolean") << with(R"("access_lifetime": true)") << u"malformed_lifetime"_s << none << hour
                                      << s_noApproval << QString();
    QTest::newRow("lifetime object") << with(R"("access_lifetime": {})") << u"malformed_lifetime"_s << none << hour
                                     << s_noApproval << QString();
    QTest::newRow("lifetime over ten years") << with(R"("access_lifetime": 315360001)") << u"malformed_lifetime"_s
                                             << none << hour << s_noApproval << QString();
    QTest::newRow("lifetime under minus ten years")
        << with(R"("access_lifetime": -315360001)") << u"malformed_lifetime"_s << none << hour << s_noApproval
        << QString();
    QTest::newRow("lifetime huge") << with(R"("access_lifetime": 1e300)") << u"malformed_lifetime"_s << none << hour
                                   << s_noApproval << QString();

    // approval_expires
    QTest::newRow("approval unix seconds")
        << with(R"("approval_expires": 1800007200)") << none << daniel << hour << qint64(1800007200) << QString();
    QTest::newRow("approval numeric string")
        << with(R"("approval_expires": "1800007200")") << none << daniel << hour << qint64(1800007200) << QString();
    QTest::newRow("approval ISO 8601 UTC") << with(R"("approval_expires": "2027-01-15T10:00:00Z")") << none << daniel
                                           << hour << qint64(1800007200) << QString();
    QTest::newRow("approval ISO 8601 offset") << with(R"("approval_expires": "2027-01-15T12:00:00+02:00")") << none
                                              << daniel << hour << qint64(1800007200) << QString();
    QTest::newRow("approval epoch") << with(R"("approval_expires": 0)") << none << daniel << hour << qint64(0)
                                    << QString();
    QTest::newRow("approval garbage") << with(R"("approval_expires": "next tuesday")") << u"malformed_expiration"_s
                                      << none << hour << s_noApproval << QString();
    QTest::newRow("approval empty string")
        << with(R"("approval_expires": "")") << u"malformed_expiration"_s << none << hour << s_noApproval << QString();
    QTest::newRow("approval negative") << with(R"("approval_expires": -1)") << u"malformed_expiration"_s << none << hour
                                       << s_noApproval << QString();
    QTest::newRow("approval fraction") << with(R"("approval_expires": 1800007200.5)") << u"malformed_expiration"_s
                                       << none << hour << s_noApproval << QString();
    QTest::newRow("approval boolean") << with(R"("approval_expires": true)") << u"malformed_expiration"_s << none
                                      << hour << s_noApproval << QString();
    QTest::newRow("approval after 9999") << with(R"("approval_expires": 253402300800)") << u"malformed_expiration"_s
                                         << none << hour << s_noApproval << QString();

    // scope
    QTest::newRow("scope string") << with(R"("scope": "patient/Observation.read")") << none << daniel << hour
                                  << s_noApproval << u"patient/Observation.read"_s;
    QTest::newRow("scope empty is the client's")
        << with(R"("scope": "")") << none << daniel << hour << s_noApproval << QString();
    QTest::newRow("scope blank is the client's")
        << with(R"("scope": "   ")") << none << daniel << hour << s_noApproval << QString();
    QTest::newRow("scope null is the client's")
        << with(R"("scope": null)") << none << daniel << hour << s_noApproval << QString();
    QTest::newRow("scope array") << with(R"("scope": ["openid"])") << u"invalid_scope"_s << none << hour << s_noApproval
                                 << QString();
    QTest::newRow("scope number") << with(R"("scope": 1)") << u"invalid_scope"_s << none << hour << s_noApproval
                                  << QString();
}

void TestTokenService::fromJson()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, code);
    QFETCH(QString, username);
    QFETCH(qint64, lifetime);
    QFETCH(qint64, approvalExpires);
    QFETCH(QString, scope);

    const Result<DebugTokenRequest> parsed = DebugTokenRequest::fromJson(object(json));
    if (!code.isEmpty()) {
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().kind, ErrorKind::BadRequest);
        QCOMPARE(parsed.error().code, code);
        QVERIFY(!parsed.error().description.isEmpty());
        return;
    }
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : describe(parsed.error())));
    QCOMPARE(parsed->username, username);
    QCOMPARE(parsed->accessLifetimeSeconds, lifetime);
    QCOMPARE(parsed->approvalExpiresAtSeconds.has_value(), approvalExpires != s_noApproval);
    if (approvalExpires != s_noApproval)
        QCOMPARE(*parsed->approvalExpiresAtSeconds, approvalExpires);
    QCOMPARE(parsed->scope.isNull(), scope.isNull());
    QCOMPARE(parsed->scope, scope);
}

void TestTokenService::mint_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("patientId");
    QTest::addColumn<QString>("scope"); // null: the client's
    QTest::addColumn<QString>("code"); // empty: minted
    QTest::addColumn<QString>("grantedScope"); // accepted: the token's scope; refused: named in the description

    const QString clientScope = u"launch/patient patient/*.read offline_access"_s;
    QTest::newRow("self") << u"test-suite"_s << u"daniel-adams"_s << u"smart-1288992"_s << QString() << QString()
                          << clientScope;
    QTest::newRow("delegate") << u"test-suite"_s << u"daniel-adams"_s << u"smart-1032702"_s << QString() << QString()
                              << clientScope;
    QTest::newRow("other user and client")
        << u"api-test"_s << u"joseph-ross"_s << u"smart-1081332"_s << QString() << QString() << clientScope;
    QTest::newRow("narrower scope") << u"test-suite"_s << u"daniel-adams"_s << u"smart-1288992"_s
                                    << u"patient/Observation.read"_s << QString() << u"patient/Observation.read"_s;
    QTest::newRow("narrower v2 granular scope")
        << u"test-suite"_s << u"daniel-adams"_s << u"smart-1288992"_s
        << u"launch/patient  patient/Observation.rs?category=laboratory"_s << QString()
        << u"launch/patient patient/Observation.rs?category=laboratory"_s;

    QTest::newRow("everything unknown") << u"nobody"_s << u"nobody"_s << u"nobody"_s << QString() << u"no_client"_s
                                        << u"nobody"_s;
    QTest::newRow("unknown user and patient")
        << u"test-suite"_s << u"nobody"_s << u"nobody"_s << QString() << u"no_user"_s << u"nobody"_s;
    QTest::newRow("unknown patient") << u"test-suite"_s << u"daniel-adams"_s << u"nobody"_s << QString()
                                     << u"no_patient"_s << u"nobody"_s;
    QTest::newRow("patient of another user") << u"test-suite"_s << u"daniel-adams"_s << u"smart-1081332"_s << QString()
                                             << u"no_patient_for_user"_s << u"smart-1081332"_s;
    QTest::newRow("joseph for amy") << u"test-suite"_s << u"joseph-ross"_s << u"smart-1032702"_s << QString()
                                    << u"no_patient_for_user"_s << u"smart-1032702"_s;
    QTest::newRow("write the client lacks") << u"test-suite"_s << u"daniel-adams"_s << u"smart-1288992"_s
                                            << u"patient/*.write"_s << u"invalid_scope"_s << u"patient/*.write"_s;
    QTest::newRow("user scope the client lacks")
        << u"test-suite"_s << u"daniel-adams"_s << u"smart-1288992"_s << u"launch/patient user/*.read"_s
        << u"invalid_scope"_s << u"user/*.read"_s;
    QTest::newRow("openid the client lacks")
        << u"api-test"_s << u"joseph-ross"_s << u"smart-1081332"_s << u"openid"_s << u"invalid_scope"_s << u"openid"_s;
    QTest::newRow("bad grammar") << u"test-suite"_s << u"daniel-adams"_s << u"smart-1288992"_s
                                 << u"patient/*.read junk"_s << u"invalid_scope"_s << u"junk"_s;
    QTest::newRow("scope checked after the patient") << u"test-suite"_s << u"daniel-adams"_s << u"smart-1081332"_s
                                                     << u"junk"_s << u"no_patient_for_user"_s << u"smart-1081332"_s;
}

void TestTokenService::mint()
{
    QFETCH(QString, clientId);
    QFETCH(QString, username);
    QFETCH(QString, patientId);
    QFETCH(QString, scope);
    QFETCH(QString, code);
    QFETCH(QString, grantedScope);

    QSignalSpy issued(&tokens(), &TokenService::tokenIssued);
    const Result<TokenView> minted = tokens().mintDebugToken(request(clientId, username, patientId, scope));
    if (!code.isEmpty()) {
        QVERIFY(!minted.ok());
        QCOMPARE(minted.error().kind, ErrorKind::BadRequest);
        QCOMPARE(minted.error().code, code);
        QVERIFY2(minted.error().description.contains(grantedScope), qPrintable(minted.error().description));
        QCOMPARE(issued.count(), 0);
        QVERIFY(tokens().tokens().value().isEmpty()); // nothing half-stored
        return;
    }
    QVERIFY2(minted.ok(), qPrintable(minted.ok() ? QString() : describe(minted.error())));
    QCOMPARE(minted->token.scope, grantedScope);
    QCOMPARE(minted->approval.scope, grantedScope);
    QCOMPARE(minted->token.clientId, clientId);
    QCOMPARE(minted->approval.clientId, clientId);
    QCOMPARE(minted->approval.username, username);
    QCOMPARE(minted->approval.patientId, patientId);
    QCOMPARE(issued.count(), 1);
    QCOMPARE(tokens().tokens().value().size(), 1);
}

void TestTokenService::mintDefaults()
{
    const Result<TokenView> minted = mintDefault();
    QVERIFY2(minted.ok(), qPrintable(minted.ok() ? QString() : describe(minted.error())));
    const TokenRecord &token = minted->token;
    const Approval &approval = minted->approval;

    QCOMPARE(token.issuedAtMs, TestSupport::s_epochMs);
    QCOMPARE((token.expiresAtMs - token.issuedAtMs) / 1000, 3600); // expires_in
    QCOMPARE(approval.createdAtMs, TestSupport::s_epochMs);
    QCOMPARE(approval.expiresAtMs - TestSupport::s_epochMs, 7 * s_dayMs);
    QCOMPARE(token.origin, u"debug"_s);
    QCOMPARE(token.scope, u"launch/patient patient/*.read offline_access"_s);
    QCOMPARE(approval.securityLabels, defaultSecurityLabels());
    // The issue time and a sequence number in ten characters, then 192 random bits
    // (docs/decisions/0071); the ids are version 7 UUIDs of the same time.
    QCOMPARE(token.accessToken.size(), 10 + 32);
    QCOMPARE(token.refreshToken.size(), 10 + 32);
    // (Not before the issue time: the order is the process's, which earlier tests moved on.)
    QVERIFY(token.accessToken.left(10) >= Secrets::timeOrderedToken({TestSupport::s_epochMs, 0}).left(10));
    QCOMPARE(token.refreshToken.left(10), token.accessToken.left(10));
    QVERIFY(token.accessToken != token.refreshToken);
    QVERIFY(token.id >= Secrets::timeOrderedUuid({TestSupport::s_epochMs, 0}).left(18));
    QCOMPARE(token.id.at(14), u'7');
    QCOMPARE(approval.id.left(18), token.id.left(18));
    // The next token's keys sort after these.
    const Result<TokenView> next = mintDefault();
    QVERIFY(next.ok());
    QVERIFY(next->token.accessToken.left(10) > token.accessToken.left(10));
    QVERIFY(next->token.id > token.id);
    QCOMPARE(token.approvalId, approval.id);
    QVERIFY(minted->hasApproval);
    QCOMPARE(token.revokedAtMs, 0);
    QCOMPARE(approval.revokedAtMs, 0);
    QVERIFY(minted->accessActive(m_clock->nowMs()));
    QVERIFY(minted->refreshActive(m_clock->nowMs()));

    // Two mints never share secrets.
    const Result<TokenView> second = mintDefault();
    QVERIFY(second.ok());
    QVERIFY(second->token.id != token.id);
    QVERIFY(second->token.accessToken != token.accessToken);
    QVERIFY(second->approval.id != approval.id);
}

void TestTokenService::mintWithApprovalExpiry()
{
    DebugTokenRequest debug = request(u"test-suite"_s, u"daniel-adams"_s, u"smart-1288992"_s);
    debug.approvalExpiresAtSeconds = TestSupport::s_epochMs / 1000 + 600;
    debug.accessLifetimeSeconds = 60;
    const Result<TokenView> minted = tokens().mintDebugToken(debug);
    QVERIFY(minted.ok());
    QCOMPARE(minted->approval.expiresAtMs, TestSupport::s_epochMs + 600 * 1000);
    QCOMPARE(minted->token.expiresAtMs, TestSupport::s_epochMs + 60 * 1000);

    const Result<FoundToken> refresh = tokens().find(minted->token.refreshToken);
    QVERIFY(refresh.ok());
    m_clock->advanceSeconds(599);
    QVERIFY(refresh->active(m_clock->nowMs()));
    m_clock->advanceSeconds(1);
    QVERIFY(!refresh->active(m_clock->nowMs()));
}

void TestTokenService::find()
{
    const Result<TokenView> minted = mintDefault();
    QVERIFY(minted.ok());

    const Result<FoundToken> byAccess = tokens().find(minted->token.accessToken);
    QVERIFY(byAccess.ok());
    QCOMPARE(byAccess->match, TokenMatch::Access);
    QCOMPARE(byAccess->view.token.id, minted->token.id);
    QCOMPARE(byAccess->view.token.expiresAtMs, minted->token.expiresAtMs);
    QCOMPARE(byAccess->view.approval.username, u"daniel-adams"_s);
    QCOMPARE(byAccess->view.approval.patientId, u"smart-1288992"_s);
    QCOMPARE(byAccess->view.approval.securityLabels, defaultSecurityLabels());

    const Result<FoundToken> byRefresh = tokens().find(minted->token.refreshToken);
    QVERIFY(byRefresh.ok());
    QCOMPARE(byRefresh->match, TokenMatch::Refresh);
    QCOMPARE(byRefresh->view.token.id, minted->token.id);

    for (const QString &unknown : {u"not-a-token"_s, minted->token.accessToken.chopped(1),
                                   QString(minted->token.accessToken + u"x"_s), minted->token.id, QString(u""_s)}) {
        const Result<FoundToken> missing = tokens().find(unknown);
        QVERIFY2(!missing.ok(), qPrintable(unknown));
        QCOMPARE(missing.error().code, u"no_token"_s);
    }
}

void TestTokenService::accessExpiresRefreshLasts()
{
    const Result<TokenView> minted = mintDefault();
    QVERIFY(minted.ok());
    const auto active = [&](const QString &token) {
        const Result<FoundToken> found = tokens().find(token);
        if (!found)
            qFatal("token not found: %s", qPrintable(found.error().description));
        return found->active(m_clock->nowMs());
    };
    const QString access = minted->token.accessToken;
    const QString refresh = minted->token.refreshToken;

    QVERIFY(active(access));
    m_clock->advanceMs(s_hourMs - 1);
    QVERIFY(active(access));
    m_clock->advanceMs(1); // exactly expires_in later
    QVERIFY(!active(access));
    QVERIFY(active(refresh));

    m_clock->setNowMs(TestSupport::s_epochMs + 7 * s_dayMs - 1);
    QVERIFY(active(refresh));
    QVERIFY(!active(access));
    m_clock->advanceMs(1); // the approval ends
    QVERIFY(!active(refresh));

    // Time travel backwards (the UI's clock offset) makes both usable again.
    m_clock->setOffsetMs(-7 * s_dayMs);
    QVERIFY(active(access));
    QVERIFY(active(refresh));
}

void TestTokenService::negativeLifetime()
{
    const Result<TokenView> minted = mintDefault(-60);
    QVERIFY(minted.ok());
    QCOMPARE(minted->token.expiresAtMs, TestSupport::s_epochMs - 60 * 1000);
    QVERIFY(!tokens().find(minted->token.accessToken)->active(m_clock->nowMs()));
    QVERIFY(tokens().find(minted->token.refreshToken)->active(m_clock->nowMs()));

    const Result<TokenView> zero = mintDefault(0);
    QVERIFY(zero.ok());
    QVERIFY(!tokens().find(zero->token.accessToken)->active(m_clock->nowMs()));
}

void TestTokenService::revoke()
{
    const Result<TokenView> minted = mintDefault();
    QVERIFY(minted.ok());
    const Result<TokenView> other = mintDefault();
    QVERIFY(other.ok());
    QSignalSpy changed(&tokens(), &TokenService::tokenChanged);

    m_clock->advanceSeconds(10);
    const Result<TokenView> revoked = tokens().revoke(minted->token.id);
    QVERIFY2(revoked.ok(), qPrintable(revoked.ok() ? QString() : describe(revoked.error())));
    QCOMPARE(revoked->token.revokedAtMs, TestSupport::s_epochMs + 10 * 1000);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<TokenView>().token.id, minted->token.id);
    QCOMPARE(changed.at(0).at(0).value<TokenView>().token.revokedAtMs, TestSupport::s_epochMs + 10 * 1000);

    QVERIFY(!tokens().find(minted->token.accessToken)->active(m_clock->nowMs()));
    QVERIFY(!tokens().find(minted->token.refreshToken)->active(m_clock->nowMs()));
    // Another token of the same client and patient is untouched.
    QVERIFY(tokens().find(other->token.accessToken)->active(m_clock->nowMs()));
    QVERIFY(tokens().find(other->token.refreshToken)->active(m_clock->nowMs()));

    const Result<TokenView> unknown = tokens().revoke(u"no-such-token-id"_s);
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().kind, ErrorKind::NotFound);
    QCOMPARE(unknown.error().code, u"no_token"_s);
    QCOMPARE(changed.count(), 1);
}

void TestTokenService::expireNow()
{
    const Result<TokenView> minted = mintDefault();
    QVERIFY(minted.ok());
    QSignalSpy changed(&tokens(), &TokenService::tokenChanged);

    m_clock->advanceSeconds(30);
    const Result<TokenView> expired = tokens().expireNow(minted->token.id);
    QVERIFY(expired.ok());
    QCOMPARE(expired->token.expiresAtMs, TestSupport::s_epochMs + 30 * 1000);
    QCOMPARE(expired->token.revokedAtMs, 0);
    QCOMPARE(changed.count(), 1);
    QVERIFY(!tokens().find(minted->token.accessToken)->active(m_clock->nowMs()));
    QVERIFY(tokens().find(minted->token.refreshToken)->active(m_clock->nowMs())); // can still be refreshed

    const Result<TokenView> unknown = tokens().expireNow(u"no-such-token-id"_s);
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().code, u"no_token"_s);
    QCOMPARE(changed.count(), 1);
}

void TestTokenService::expireNowKeepsEarlierExpiry()
{
    // A token that expired an hour ago stays expired an hour ago: "expire now" only shortens.
    const Result<TokenView> expired = mintDefault(-3600);
    QVERIFY(expired.ok());
    const Result<TokenView> again = tokens().expireNow(expired->token.id);
    QVERIFY(again.ok());
    QVERIFY(!tokens().find(expired->token.accessToken)->active(m_clock->nowMs()));
    // Expiring an already expired token keeps its real (earlier) expiry.
    QCOMPARE(again->token.expiresAtMs, TestSupport::s_epochMs - 3600 * 1000);
}

void TestTokenService::tokenIssuedSignal()
{
    QSignalSpy issued(&tokens(), &TokenService::tokenIssued);
    const Result<TokenView> minted = mintDefault();
    QVERIFY(minted.ok());
    QCOMPARE(issued.count(), 1);
    const TokenView announced = issued.at(0).at(0).value<TokenView>();
    QCOMPARE(announced.token.id, minted->token.id);
    QCOMPARE(announced.token.accessToken, minted->token.accessToken);
    QCOMPARE(announced.approval.patientId, u"smart-1288992"_s);

    QVERIFY(!tokens().mintDebugToken(request(u"test-suite"_s, u"daniel-adams"_s, u"nobody"_s)).ok());
    QCOMPARE(issued.count(), 1);
}

void TestTokenService::extend()
{
    const Result<TokenView> minted = mintDefault(600);
    QVERIFY(minted.ok());
    QSignalSpy changed(&tokens(), &TokenService::tokenChanged);
    m_clock->advanceSeconds(100);
    const Result<TokenView> extended = tokens().extend(minted->token.id, 3600);
    QVERIFY2(extended.ok(), qPrintable(extended.ok() ? QString() : describe(extended.error())));
    // An hour more than it had: counted from the expiry, not from now.
    QCOMPARE(extended->token.expiresAtMs, minted->token.expiresAtMs + s_hourMs);
    QCOMPARE(changed.count(), 1);
    m_clock->advanceSeconds(600);
    QVERIFY(tokens().find(minted->token.accessToken)->active(m_clock->nowMs()));

    for (const qint64 seconds : {qint64(0), qint64(-60), DebugTokenRequest::s_maxLifetime + 1}) {
        const Result<TokenView> refused = tokens().extend(minted->token.id, seconds);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, u"malformed_lifetime"_s);
    }
    const Result<TokenView> unknown = tokens().extend(u"no-such-token-id"_s, 60);
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().kind, ErrorKind::NotFound);
    QCOMPARE(changed.count(), 1);
}

void TestTokenService::extendExpiredCountsFromNow()
{
    // A token that expired an hour ago lives an hour from now, not until "now".
    const Result<TokenView> expired = mintDefault(-3600);
    QVERIFY(expired.ok());
    const Result<TokenView> extended = tokens().extend(expired->token.id, 3600);
    QVERIFY(extended.ok());
    QCOMPARE(extended->token.expiresAtMs, TestSupport::s_epochMs + s_hourMs);
    QVERIFY(tokens().find(expired->token.accessToken)->active(m_clock->nowMs()));
}

void TestTokenService::extendNeverResurrectsRevoked()
{
    const Result<TokenView> minted = mintDefault(60);
    QVERIFY(minted.ok());
    QVERIFY(tokens().revoke(minted->token.id).ok());
    QSignalSpy changed(&tokens(), &TokenService::tokenChanged);
    const Result<TokenView> refused = tokens().extend(minted->token.id, 3600);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().kind, ErrorKind::Conflict);
    QCOMPARE(refused.error().code, u"token_revoked"_s);
    QCOMPARE(changed.count(), 0);
    Result<FoundToken> found = tokens().find(minted->token.accessToken);
    QVERIFY(found.ok());
    QCOMPARE(found->view.token.expiresAtMs, minted->token.expiresAtMs); // untouched
    QVERIFY(!found->active(m_clock->nowMs()));

    // Revoking the approval (what a refresh-token revocation does) also ends extension.
    const Result<TokenView> other = mintDefault(60);
    QVERIFY(other.ok());
    AuthenticatedClient client;
    client.client.id = u"test-suite"_s;
    client.method = u"none"_s;
    QStringList findings;
    QVERIFY(m_sandbox->grants().revoke(client, other->token.refreshToken, &findings).ok());
    const Result<TokenView> approvalRevoked = tokens().extend(other->token.id, 3600);
    QVERIFY(!approvalRevoked.ok());
    QCOMPARE(approvalRevoked.error().code, u"token_revoked"_s);
}

QTEST_GUILESS_MAIN(TestTokenService)
#include "tst_tokenservice.moc"
