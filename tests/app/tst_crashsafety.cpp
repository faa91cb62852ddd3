// SPDX-License-Identifier: Apache-2.0
// Nothing acknowledged is lost: a sandbox under load (registrations, debug mints, code exchanges,
// refreshes, several in flight at once) is killed with SIGKILL in the middle of it, started
// again on the same database, and every answer that said 2xx is still true: the client can be
// read, the token introspects active, the refresh token refreshes. Nothing half-written is
// there either: no spent code without its token, no spent refresh token without its successor.
// On SQLite and on PostgreSQL.

#include "oauthflow.h"
#include "serverprocess.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_redirectUri = u"https://app.crash.test/callback"_s;
const auto s_patient = u"smart-1288992"_s;
const auto s_user = u"daniel-adams"_s;
constexpr int s_lanes = 6; // requests in flight at once (QNetworkAccessManager's per-host limit)
constexpr int s_codes = 10; // authorization codes made before the load, exchanged during it
constexpr int s_acknowledgedBeforeKill = 90;

// What an answer said, to be checked after the restart.
struct ClientFact
{
    QString clientId;
    QString registrationToken;
};

struct TokenFact
{
    QString accessToken;
    QString refreshToken;
    bool publicClient = false; // issued to the public app (else to the confidential one)
    bool superseded = false; // a refresh with its refresh token was sent (answered or not)
};

struct Code
{
    QString code;
    Pkce pkce;
};

QByteArray form(const QList<QPair<QString, QString>> &fields)
{
    QByteArray body;
    for (const auto &[name, value] : fields)
        body += (body.isEmpty() ? "" : "&") + QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    return body;
}

} // namespace

class tst_CrashSafety final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acknowledgedAnswersSurviveKill_data();
    void acknowledgedAnswersSurviveKill();

private:
    // The load: keeps s_lanes requests in flight and kills the server once enough have been
    // answered 2xx. Returns how many were in flight at the kill.
    int runLoadAndKill(ServerProcess &server, quint16 port);
    void sendNext(QNetworkAccessManager &network, const QString &base, int lane);

    QString m_confidentialId;
    QString m_confidentialSecret;
    QString m_publicId;
    QList<Code> m_codes;
    QList<ClientFact> m_clients;
    QList<TokenFact> m_tokens;
    int m_sent = 0;
    int m_acknowledged = 0;
    int m_inFlight = 0;
    int m_inFlightAtKill = -1;
    int m_refused = 0; // answers before the kill that were not 2xx
    ServerProcess *m_server = nullptr;
    QEventLoop *m_loop = nullptr;
};

void tst_CrashSafety::acknowledgedAnswersSurviveKill_data()
{
    QTest::addColumn<bool>("postgres");
    QTest::newRow("SQLite") << false;
    QTest::newRow("PostgreSQL") << true;
}

void tst_CrashSafety::acknowledgedAnswersSurviveKill()
{
    QFETCH(bool, postgres);
    if (postgres && postgresServerUrl().isEmpty())
        QSKIP("SANDBOX_TEST_POSTGRES_URL is not set; scripts/test.sh starts a PostgreSQL server and sets it");
    TestDatabase database(postgres ? TestDatabase::Engine::Postgres : TestDatabase::Engine::Sqlite);
    QVERIFY2(database.isAvailable(), qPrintable(database.error()));
    const QStringList arguments
        = {u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, database.location(), u"--sample-patients"_s, u"0"_s};
    m_clients.clear();
    m_tokens.clear();
    m_codes.clear();
    m_sent = m_acknowledged = m_inFlight = m_refused = 0;
    m_inFlightAtKill = -1;

    ServerProcess first(QStringLiteral(SANDBOX_EXECUTABLE));
    QVERIFY2(first.start(arguments), qPrintable(first.output()));
    {
        HttpClient http(first.port());
        Reply registered = http.postJson(
            u"/oauth/register"_s,
            QJsonObject{{u"client_name"_s, u"Crash confidential"_s}, {u"redirect_uris"_s, QJsonArray{s_redirectUri}}});
        QCOMPARE(registered.status, 201);
        m_confidentialId = registered.json()[u"client_id"_s].toString();
        m_confidentialSecret = registered.json()[u"client_secret"_s].toString();
        m_clients.append({m_confidentialId, registered.json()[u"registration_access_token"_s].toString()});
        registered = http.postJson(u"/oauth/register"_s,
                                   QJsonObject{{u"client_name"_s, u"Crash public"_s},
                                               {u"redirect_uris"_s, QJsonArray{s_redirectUri}},
                                               {u"token_endpoint_auth_method"_s, u"none"_s},
                                               {u"scope"_s, u"launch/patient patient/*.read offline_access"_s}});
        QCOMPARE(registered.status, 201);
        m_publicId = registered.json()[u"client_id"_s].toString();
        m_clients.append({m_publicId, registered.json()[u"registration_access_token"_s].toString()});
        PortalBrowser browser(http);
        for (int i = 0; i < s_codes; ++i) {
            Code code{QString(), Pkce::make()};
            const AppRedirect redirect
                = browser.authorize(authorizeQuery(http.base(), m_publicId, s_redirectUri,
                                                   u"launch/patient patient/*.read offline_access"_s,
                                                   u"s"_s + QString::number(i), code.pkce),
                                    s_user, s_patient);
            code.code = redirect.code();
            QVERIFY2(!code.code.isEmpty(), redirect.page.body.left(300).constData());
            m_codes.append(code);
        }
    }

    const int inFlight = runLoadAndKill(first, first.port());
    QVERIFY2(m_acknowledged >= s_acknowledgedBeforeKill, qPrintable(first.output()));
    QCOMPARE(m_refused, 0);
    // The kill came while requests were on their way: that is the point of the test.
    QVERIFY2(inFlight > 0, "nothing was in flight at the kill");
    qInfo("%d requests answered 2xx, %d in flight at the kill", m_acknowledged, inFlight);

    ServerProcess second(QStringLiteral(SANDBOX_EXECUTABLE));
    QVERIFY2(second.start(arguments), qPrintable(second.output()));
    HttpClient http(second.port());
    for (const ClientFact &client : std::as_const(m_clients)) {
        const Reply read = http.get(u"/oauth/register/"_s + client.clientId,
                                    {{"Authorization", "Bearer " + client.registrationToken.toUtf8()}});
        QVERIFY2(read.status == 200, qPrintable(u"client %1: %2"_s.arg(client.clientId).arg(read.status)));
    }
    int refreshed = 0;
    const QByteArray basic = "Basic " + (m_confidentialId + u':' + m_confidentialSecret).toUtf8().toBase64();
    for (const TokenFact &token : std::as_const(m_tokens)) {
        if (token.superseded)
            continue; // its successor (if the refresh was answered) is checked instead
        const QJsonObject info = http.get(u"/oauth/debug/introspect?token="_s + token.accessToken).json();
        QVERIFY2(info[u"active"_s].toBool(false), qPrintable(token.accessToken));
        const Reply refresh = token.publicClient
            ? http.postForm(u"/oauth/token"_s,
                            {{u"grant_type"_s, u"refresh_token"_s},
                             {u"refresh_token"_s, token.refreshToken},
                             {u"client_id"_s, m_publicId}})
            : http.postForm(u"/oauth/token"_s,
                            {{u"grant_type"_s, u"refresh_token"_s}, {u"refresh_token"_s, token.refreshToken}},
                            {{"Authorization", basic}});
        QVERIFY2(refresh.status == 200, refresh.body.constData());
        ++refreshed;
    }
    QVERIFY(refreshed > 0);

    // Nothing half-written: every spent code has its token, every spent refresh token a newer
    // token under the same approval, every token its approval.
    Result<DatabaseLocation> location = DatabaseLocation::parse(database.location());
    QVERIFY(location);
    Result<std::unique_ptr<Database>> opened = Database::open(location.value());
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().description));
    const Database &db = *opened.value();
    const auto count = [&db](const QString &sql) {
        Result<QVariant> value = db.scalar(sql);
        return value ? value.value().toInt() : -1;
    };
    QCOMPARE(count(u"SELECT COUNT(*) FROM authorization_codes c WHERE c.used_at IS NOT NULL "
                   "AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.code = c.code)"_s),
             0);
    QCOMPARE(count(u"SELECT COUNT(*) FROM tokens t WHERE t.refresh_used_at IS NOT NULL AND NOT EXISTS "
                   "(SELECT 1 FROM tokens n WHERE n.approval_id = t.approval_id AND n.token_id <> t.token_id "
                   "AND n.issued_at >= t.issued_at)"_s),
             0);
    QCOMPARE(count(u"SELECT COUNT(*) FROM tokens t WHERE t.approval_id IS NOT NULL AND NOT EXISTS "
                   "(SELECT 1 FROM approvals a WHERE a.approval_id = t.approval_id)"_s),
             0);
    QVERIFY(count(u"SELECT COUNT(*) FROM authorization_codes WHERE used_at IS NOT NULL"_s) > 0);
    opened.value().reset();
    QVERIFY2(second.stop(), qPrintable(second.output()));
}

int tst_CrashSafety::runLoadAndKill(ServerProcess &server, quint16 port)
{
    m_server = &server;
    const QString base = u"http://127.0.0.1:%1"_s.arg(port);
    QNetworkAccessManager network;
    QEventLoop loop;
    m_loop = &loop;
    for (int lane = 0; lane < s_lanes; ++lane)
        sendNext(network, base, lane);
    // Ends when the server is killed and every request has come back (answered or failed).
    loop.exec();
    m_loop = nullptr;
    m_server = nullptr;
    return m_inFlightAtKill;
}

void tst_CrashSafety::sendNext(QNetworkAccessManager &network, const QString &base, int lane)
{
    if (m_inFlightAtKill >= 0) {
        if (m_inFlight == 0)
            m_loop->quit();
        return;
    }
    const int number = m_sent++;
    QNetworkRequest request;
    QByteArray body;
    // What the answer proves, once it is 2xx.
    std::function<void(const QJsonObject &)> acknowledge;
    const int kind = number % 4;
    qsizetype refreshable = -1;
    if (kind == 3) {
        for (qsizetype i = 0; i < m_tokens.size(); ++i) {
            if (!m_tokens.at(i).superseded) {
                refreshable = i;
                break;
            }
        }
    }
    if (kind == 2 && !m_codes.isEmpty()) {
        const Code code = m_codes.takeFirst();
        request.setUrl(QUrl(base + u"/oauth/token"_s));
        request.setRawHeader("Content-Type", "application/x-www-form-urlencoded");
        body = form({{u"grant_type"_s, u"authorization_code"_s},
                     {u"code"_s, code.code},
                     {u"redirect_uri"_s, s_redirectUri},
                     {u"client_id"_s, m_publicId},
                     {u"code_verifier"_s, code.pkce.verifier}});
        acknowledge = [this](const QJsonObject &answer) {
            m_tokens.append({answer[u"access_token"_s].toString(), answer[u"refresh_token"_s].toString(), true});
        };
    } else if (kind == 3 && refreshable >= 0) {
        TokenFact &old = m_tokens[refreshable];
        old.superseded = true;
        const bool publicClient = old.publicClient;
        request.setUrl(QUrl(base + u"/oauth/token"_s));
        request.setRawHeader("Content-Type", "application/x-www-form-urlencoded");
        QList<QPair<QString, QString>> fields
            = {{u"grant_type"_s, u"refresh_token"_s}, {u"refresh_token"_s, old.refreshToken}};
        if (publicClient)
            fields.append({u"client_id"_s, m_publicId});
        else
            request.setRawHeader("Authorization",
                                 "Basic " + (m_confidentialId + u':' + m_confidentialSecret).toUtf8().toBase64());
        body = form(fields);
        acknowledge = [this, publicClient](const QJsonObject &answer) {
            m_tokens.append(
                {answer[u"access_token"_s].toString(), answer[u"refresh_token"_s].toString(), publicClient});
        };
    } else if (kind == 1 || kind == 3) {
        request.setUrl(QUrl(base + u"/oauth/debug/token"_s));
        request.setRawHeader("Content-Type", "application/json");
        body = QJsonDocument(QJsonObject{{u"client_id"_s, m_confidentialId},
                                         {u"username"_s, s_user},
                                         {u"patient_id"_s, s_patient}})
                   .toJson(QJsonDocument::Compact);
        acknowledge = [this](const QJsonObject &answer) {
            m_tokens.append({answer[u"access_token"_s].toString(), answer[u"refresh_token"_s].toString(), false});
        };
    } else {
        request.setUrl(QUrl(base + u"/oauth/register"_s));
        request.setRawHeader("Content-Type", "application/json");
        body = QJsonDocument(QJsonObject{{u"client_name"_s, u"Load %1"_s.arg(number)},
                                         {u"redirect_uris"_s, QJsonArray{s_redirectUri}}})
                   .toJson(QJsonDocument::Compact);
        acknowledge = [this](const QJsonObject &answer) {
            m_clients.append({answer[u"client_id"_s].toString(), answer[u"registration_access_token"_s].toString()});
        };
    }
    ++m_inFlight;
    QNetworkReply *reply = network.post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, acknowledge, &network, base, lane] {
        --m_inFlight;
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300) {
            acknowledge(QJsonDocument::fromJson(reply->readAll()).object());
            ++m_acknowledged;
        } else if (m_inFlightAtKill < 0) {
            qWarning() << "unexpected answer before the kill:" << status << reply->readAll();
            ++m_refused;
        }
        if (m_inFlightAtKill < 0 && m_acknowledged >= s_acknowledgedBeforeKill) {
            m_inFlightAtKill = m_inFlight;
            m_server->kill();
        }
        sendNext(network, base, lane);
    });
}

QTEST_GUILESS_MAIN(tst_CrashSafety)
#include "tst_crashsafety.moc"
