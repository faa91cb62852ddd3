// SPDX-License-Identifier: Apache-2.0
// Team mode as a team meets it: two smart-sandbox processes on one PostgreSQL database, reached
// on their own ports, behave as one server. A client registered on one is known to the other, a
// token minted on one works on the other, a revocation holds everywhere at once, a code redeems
// once whichever instance gets it (also when both get it at the same moment), an assertion's jti
// is spent everywhere, and the request log says which instance answered.

#include "oauth/jose.h"
#include "oauth/secrets.h"
#include "oauthflow.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QDateTime>
#include <QEventLoop>
#include <QNetworkReply>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

// Both instances write this origin into their URLs, as they would behind one load balancer.
const auto s_publicBase = u"http://sandbox.team.test"_s;
const auto s_redirectUri = u"https://app.team.test/callback"_s;
const auto s_patient = u"smart-1288992"_s;
const auto s_user = u"daniel-adams"_s;

QByteArray bearer(const QString &token)
{
    return "Bearer " + token.toUtf8();
}

} // namespace

class tst_TeamMode final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void instancesNameThemselves();
    void registrationIsSharedAtOnce();
    void tokenMintedOnOneWorksOnTheOther();
    void revocationHoldsOnTheOtherInstance();
    void codeRedeemsOnceAcrossInstances();
    void concurrentRedemptionSucceedsOnce();
    void assertionJtiIsSpentEverywhere();
    void requestLogNamesTheInstance();

private:
    struct Instance
    {
        std::unique_ptr<ServerProcess> process;
        std::unique_ptr<HttpClient> http;
    };
    bool launchInstance(Instance &instance, const QString &name);
    bool waitForInstance(Instance &instance);
    // Registers a public client for the code flow; its client_id.
    QString registerPublicApp(HttpClient &http);
    // Runs the browser part of a launch on `http`: the authorization code.
    QString authorizationCode(HttpClient &http, const QString &clientId, const Pkce &pkce);
    QList<QPair<QString, QString>> codeExchange(const QString &clientId, const QString &code, const Pkce &pkce) const;

    std::unique_ptr<TestDatabase> m_database;
    Instance m_a;
    Instance m_b;
    QString m_confidentialId;
    QString m_confidentialSecret;
    QString m_registrationToken;
};

bool tst_TeamMode::launchInstance(Instance &instance, const QString &name)
{
    instance.process = std::make_unique<ServerProcess>(QStringLiteral(SANDBOX_EXECUTABLE));
    return instance.process->launch({u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, m_database->location(),
                                     u"--instance"_s, name, u"--base-url"_s, s_publicBase, u"--sample-patients"_s,
                                     u"0"_s});
}

bool tst_TeamMode::waitForInstance(Instance &instance)
{
    if (!instance.process->waitUntilListening()) {
        qWarning().noquote() << instance.process->output();
        return false;
    }
    instance.http = std::make_unique<HttpClient>(instance.process->port());
    instance.http->setPublicBase(s_publicBase);
    return true;
}

void tst_TeamMode::initTestCase()
{
    if (postgresServerUrl().isEmpty())
        QSKIP("SANDBOX_TEST_POSTGRES_URL is not set; scripts/test.sh starts a PostgreSQL server and sets it");
    m_database = std::make_unique<TestDatabase>(TestDatabase::Engine::Postgres);
    QVERIFY2(m_database->isAvailable(), qPrintable(m_database->error()));
    // Both start at the same moment on the empty database: one migrates, makes the signing key
    // and loads the fixtures; the other waits for it and uses what it made.
    QVERIFY(launchInstance(m_a, u"team-a"_s));
    QVERIFY(launchInstance(m_b, u"team-b"_s));
    QVERIFY(waitForInstance(m_a));
    QVERIFY(waitForInstance(m_b));
    QVERIFY(m_a.process->port() != m_b.process->port());
}

void tst_TeamMode::cleanupTestCase()
{
    for (Instance *instance : {&m_a, &m_b}) {
        instance->http.reset();
        if (instance->process)
            QVERIFY2(instance->process->stop(), qPrintable(instance->process->output()));
    }
    m_database.reset();
}

void tst_TeamMode::instancesNameThemselves()
{
    // The fixtures were loaded once: one copy of each fixture patient.
    const Reply patients = m_a.http->get(u"/api/open-fhir/Patient?_id="_s + s_patient);
    QCOMPARE(patients.json()[u"total"_s].toInt(), 1);
    QCOMPARE(m_a.http->get(u"/admin/status"_s).json()[u"instance"_s].toString(), u"team-a"_s);
    QCOMPARE(m_b.http->get(u"/admin/status"_s).json()[u"instance"_s].toString(), u"team-b"_s);
    // One origin for both: the same issuer in both discovery documents.
    const QJsonObject a = m_a.http->get(u"/.well-known/openid-configuration"_s).json();
    const QJsonObject b = m_b.http->get(u"/.well-known/openid-configuration"_s).json();
    QCOMPARE(a[u"issuer"_s].toString(), s_publicBase);
    QCOMPARE(b[u"issuer"_s].toString(), s_publicBase);
    // And the same signing key, made by whichever started first.
    QCOMPARE(m_a.http->get(u"/oauth/jwks"_s).body, m_b.http->get(u"/oauth/jwks"_s).body);
}

void tst_TeamMode::registrationIsSharedAtOnce()
{
    const Reply registered
        = m_a.http->postJson(u"/oauth/register"_s,
                             QJsonObject{{u"client_name"_s, u"Team app"_s},
                                         {u"redirect_uris"_s, QJsonArray{s_redirectUri}},
                                         {u"scope"_s, u"launch/patient patient/*.read offline_access"_s}});
    QCOMPARE(registered.status, 201);
    m_confidentialId = registered.json()[u"client_id"_s].toString();
    m_confidentialSecret = registered.json()[u"client_secret"_s].toString();
    m_registrationToken = registered.json()[u"registration_access_token"_s].toString();
    QVERIFY(!m_confidentialSecret.isEmpty());

    const Reply read
        = m_b.http->get(u"/oauth/register/"_s + m_confidentialId, {{"Authorization", bearer(m_registrationToken)}});
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json()[u"client_name"_s].toString(), u"Team app"_s);
    QCOMPARE(read.json()[u"client_secret"_s].toString(), m_confidentialSecret);

    // An update on B is what A answers next.
    QJsonObject metadata = read.json();
    metadata.insert(u"client_name"_s, u"Team app, renamed on B"_s);
    const Reply updated = m_b.http->send(
        "PUT", u"/oauth/register/"_s + m_confidentialId, QJsonDocument(metadata).toJson(QJsonDocument::Compact),
        {{"Authorization", bearer(m_registrationToken)}, {"Content-Type", "application/json"}});
    QCOMPARE(updated.status, 200);
    QCOMPARE(m_a.http->get(u"/oauth/register/"_s + m_confidentialId, {{"Authorization", bearer(m_registrationToken)}})
                 .json()[u"client_name"_s]
                 .toString(),
             u"Team app, renamed on B"_s);
}

void tst_TeamMode::tokenMintedOnOneWorksOnTheOther()
{
    QVERIFY(!m_confidentialId.isEmpty());
    const Reply minted = m_a.http->postJson(
        u"/oauth/debug/token"_s,
        QJsonObject{{u"client_id"_s, m_confidentialId}, {u"username"_s, s_user}, {u"patient_id"_s, s_patient}});
    QCOMPARE(minted.status, 200);
    const QString token = minted.json()[u"access_token"_s].toString();

    const QJsonObject debug = m_b.http->get(u"/oauth/debug/introspect?token="_s + token).json();
    QCOMPARE(debug[u"active"_s].toBool(false), true);
    QCOMPARE(debug[u"client_id"_s].toString(), m_confidentialId);

    // RFC 7662 on B, the client authenticating with the secret A gave it.
    const QByteArray basic = "Basic " + (m_confidentialId + u':' + m_confidentialSecret).toUtf8().toBase64();
    const Reply introspected
        = m_b.http->postForm(u"/oauth/introspect"_s, {{u"token"_s, token}}, {{"Authorization", basic}});
    QCOMPARE(introspected.status, 200);
    QCOMPARE(introspected.json()[u"active"_s].toBool(false), true);
    QCOMPARE(introspected.json()[u"patient"_s].toString(), s_patient);

    const Reply patient = m_b.http->get(u"/api/fhir/Patient/"_s + s_patient, {{"Authorization", bearer(token)}});
    QCOMPARE(patient.status, 200);
    QCOMPARE(patient.json()[u"id"_s].toString(), s_patient);
}

void tst_TeamMode::revocationHoldsOnTheOtherInstance()
{
    QVERIFY(!m_confidentialId.isEmpty());
    const Reply minted = m_a.http->postJson(
        u"/oauth/debug/token"_s,
        QJsonObject{{u"client_id"_s, m_confidentialId}, {u"username"_s, s_user}, {u"patient_id"_s, s_patient}});
    QCOMPARE(minted.status, 200);
    const QString token = minted.json()[u"access_token"_s].toString();
    // A has answered with the token once (nothing to remember, but a cache would).
    QCOMPARE(m_a.http->get(u"/api/fhir/Patient/"_s + s_patient, {{"Authorization", bearer(token)}}).status, 200);

    const QByteArray basic = "Basic " + (m_confidentialId + u':' + m_confidentialSecret).toUtf8().toBase64();
    const Reply revoked = m_b.http->postForm(u"/oauth/revoke"_s, {{u"token"_s, token}}, {{"Authorization", basic}});
    QCOMPARE(revoked.status, 200);

    const Reply refused = m_a.http->get(u"/api/fhir/Patient/"_s + s_patient, {{"Authorization", bearer(token)}});
    QCOMPARE(refused.status, 401);
    QVERIFY(refused.header("WWW-Authenticate").contains("invalid_token"));
    QCOMPARE(m_a.http->get(u"/oauth/debug/introspect?token="_s + token).json()[u"active"_s].toBool(true), false);
}

QString tst_TeamMode::registerPublicApp(HttpClient &http)
{
    const Reply registered
        = http.postJson(u"/oauth/register"_s,
                        QJsonObject{{u"client_name"_s, u"Team browser app"_s},
                                    {u"redirect_uris"_s, QJsonArray{s_redirectUri}},
                                    {u"token_endpoint_auth_method"_s, u"none"_s},
                                    {u"scope"_s, u"launch/patient patient/*.read openid fhirUser offline_access"_s}});
    return registered.json()[u"client_id"_s].toString();
}

QString tst_TeamMode::authorizationCode(HttpClient &http, const QString &clientId, const Pkce &pkce)
{
    PortalBrowser browser(http);
    const AppRedirect redirect
        = browser.authorize(authorizeQuery(http.publicBase(), clientId, s_redirectUri,
                                           u"launch/patient patient/*.read openid fhirUser"_s, u"state-1"_s, pkce),
                            s_user, s_patient);
    if (!redirect.url.startsWith(s_redirectUri))
        qWarning().noquote() << "the launch stopped at" << redirect.page.status << redirect.page.body.left(400);
    return redirect.code();
}

QList<QPair<QString, QString>> tst_TeamMode::codeExchange(const QString &clientId, const QString &code,
                                                          const Pkce &pkce) const
{
    return {{u"grant_type"_s, u"authorization_code"_s},
            {u"code"_s, code},
            {u"redirect_uri"_s, s_redirectUri},
            {u"client_id"_s, clientId},
            {u"code_verifier"_s, pkce.verifier}};
}

void tst_TeamMode::codeRedeemsOnceAcrossInstances()
{
    const QString clientId = registerPublicApp(*m_a.http);
    QVERIFY(!clientId.isEmpty());
    const Pkce pkce = Pkce::make();
    // The browser signs in and consents on A (the request, session and consent live in the
    // database, so each page could as well have gone to B).
    const QString code = authorizationCode(*m_a.http, clientId, pkce);
    QVERIFY(!code.isEmpty());

    const Reply first = m_b.http->postForm(u"/oauth/token"_s, codeExchange(clientId, code, pkce));
    QCOMPARE(first.status, 200);
    const QString token = first.json()[u"access_token"_s].toString();
    QVERIFY(!token.isEmpty());
    QVERIFY(first.json().contains(u"id_token"_s));
    QCOMPARE(m_a.http->get(u"/api/fhir/Patient/"_s + s_patient, {{"Authorization", bearer(token)}}).status, 200);

    const Reply second = m_a.http->postForm(u"/oauth/token"_s, codeExchange(clientId, code, pkce));
    QCOMPARE(second.status, 400);
    QCOMPARE(second.json()[u"error"_s].toString(), u"invalid_grant"_s);
    // A replayed code revokes what it gave (RFC 6749 section 4.1.2), on every instance.
    QCOMPARE(m_b.http->get(u"/oauth/debug/introspect?token="_s + token).json()[u"active"_s].toBool(true), false);
}

void tst_TeamMode::concurrentRedemptionSucceedsOnce()
{
    const QString clientId = registerPublicApp(*m_b.http);
    QVERIFY(!clientId.isEmpty());
    for (int round = 0; round < 5; ++round) {
        const Pkce pkce = Pkce::make();
        const QString code = authorizationCode(*m_b.http, clientId, pkce);
        QVERIFY(!code.isEmpty());
        // Both requests are on the wire before either answer is read.
        QNetworkAccessManager network;
        QByteArray body;
        for (const auto &[name, value] : codeExchange(clientId, code, pkce))
            body += (body.isEmpty() ? "" : "&") + QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
        QList<QNetworkReply *> replies;
        for (const Instance *instance : {&m_a, &m_b}) {
            QNetworkRequest request(QUrl(instance->http->base() + u"/oauth/token"_s));
            request.setRawHeader("Content-Type", "application/x-www-form-urlencoded");
            replies.append(network.post(request, body));
        }
        for (QNetworkReply *reply : std::as_const(replies)) {
            if (!reply->isFinished()) {
                QEventLoop loop;
                connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
                loop.exec();
            }
        }
        QList<int> statuses;
        QStringList errors;
        for (QNetworkReply *reply : std::as_const(replies)) {
            statuses.append(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
            errors.append(QJsonDocument::fromJson(reply->readAll()).object()[u"error"_s].toString());
            reply->deleteLater();
        }
        std::sort(statuses.begin(), statuses.end());
        QCOMPARE(statuses, (QList<int>{200, 400}));
        QVERIFY2(errors.contains(u"invalid_grant"_s), qPrintable(errors.join(u',')));
    }
}

void tst_TeamMode::assertionJtiIsSpentEverywhere()
{
    const Result<QJsonObject> key = Jose::generateKey(u"ES384"_s);
    QVERIFY(key);
    const Reply registered = m_a.http->postJson(
        u"/oauth/register"_s,
        QJsonObject{{u"client_name"_s, u"Team backend"_s},
                    {u"grant_types"_s, QJsonArray{u"client_credentials"_s}},
                    {u"token_endpoint_auth_method"_s, u"private_key_jwt"_s},
                    {u"jwks"_s, QJsonObject{{u"keys"_s, QJsonArray{Jose::publicKey(key.value())}}}},
                    {u"scope"_s, u"system/Patient.rs"_s}});
    QCOMPARE(registered.status, 201);
    const QString clientId = registered.json()[u"client_id"_s].toString();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString assertion = Jose::sign(QJsonObject{{u"iss"_s, clientId},
                                                     {u"sub"_s, clientId},
                                                     {u"aud"_s, QString(s_publicBase + u"/oauth/token"_s)},
                                                     {u"exp"_s, now + 120},
                                                     {u"jti"_s, Secrets::randomToken(12)}},
                                         key.value())
                                  .value();
    const QList<QPair<QString, QString>> form
        = {{u"grant_type"_s, u"client_credentials"_s},
           {u"scope"_s, u"system/Patient.rs"_s},
           {u"client_assertion_type"_s, u"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"_s},
           {u"client_assertion"_s, assertion}};
    const Reply first = m_a.http->postForm(u"/oauth/token"_s, form);
    QCOMPARE(first.status, 200);
    const Reply replayed = m_b.http->postForm(u"/oauth/token"_s, form);
    QCOMPARE(replayed.status, 400);
    QCOMPARE(replayed.json()[u"error"_s].toString(), u"invalid_client"_s);
    QVERIFY2(replayed.json()[u"error_description"_s].toString().contains(u"already used"_s), replayed.body.constData());
}

void tst_TeamMode::requestLogNamesTheInstance()
{
    QVERIFY(!m_confidentialId.isEmpty());
    // Each instance writes its own entries (in batches); reading the log on an instance writes
    // that instance's waiting entries first, so B is asked first, then A reads everything.
    QCOMPARE(m_b.http->get(u"/admin/requests?limit=1"_s).status, 200);
    const Reply log = m_a.http->get(u"/admin/requests?limit=10000"_s);
    QCOMPARE(log.status, 200);
    bool registeredOnA = false;
    bool readOnB = false;
    QSet<QString> instances;
    const QJsonArray entries = log.json()[u"requests"_s].toArray();
    for (const QJsonValue &value : entries) {
        const QJsonObject entry = value.toObject();
        instances.insert(entry[u"instance"_s].toString());
        if (entry[u"method"_s] == u"POST"_s && entry[u"path"_s] == u"/oauth/register"_s
            && entry[u"client_id"_s] == m_confidentialId)
            registeredOnA = entry[u"instance"_s] == u"team-a"_s;
        if (entry[u"method"_s] == u"GET"_s && entry[u"path"_s] == QString(u"/oauth/register/"_s + m_confidentialId)
            && entry[u"instance"_s] == u"team-b"_s)
            readOnB = true;
    }
    QVERIFY(registeredOnA);
    QVERIFY(readOnB);
    QCOMPARE(instances, (QSet<QString>{u"team-a"_s, u"team-b"_s}));
}

QTEST_GUILESS_MAIN(tst_TeamMode)
#include "tst_teammode.moc"
