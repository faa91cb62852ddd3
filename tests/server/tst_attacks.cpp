// SPDX-License-Identifier: Apache-2.0
// The table of attacks (docs/security.md): each row is one attack, named after it, and asserts the
// refusal the attacker sees. Attacks that other suites already cover are listed in
// docs/security.md with their test and are not repeated here.

#include "oauth/client.h"
#include "oauth/clientregistry.h"
#include "oauthflow.h"
#include "server/portalserver.h"
#include "server/requestlog.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QNetworkInterface>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_redirect = u"http://localhost:3000/callback"_s;
const auto s_scope = u"launch/patient openid fhirUser offline_access patient/*.rs"_s;
const auto s_sql = u"x' OR '1'='1'; DROP TABLE clients; --"_s;

QString registerPublicClient(RunningSandbox &running, const QString &name = u"Attack Test"_s,
                             const QString &scope = s_scope)
{
    const Reply reply = running.http().postJson(u"/oauth/register"_s,
                                                QJsonObject{{u"client_name"_s, name},
                                                            {u"redirect_uris"_s, QJsonArray{s_redirect}},
                                                            {u"token_endpoint_auth_method"_s, u"none"_s},
                                                            {u"scope"_s, scope}});
    return reply.json()[u"client_id"_s].toString();
}

// One request written by hand on a fresh connection (QNetworkAccessManager would tidy the path),
// and the whole answer once the server has closed the connection or sent a complete answer.
QByteArray rawExchange(quint16 port, const QByteArray &request, int timeoutMs = 10'000)
{
    QTcpSocket socket;
    QByteArray answer;
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] { answer += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    socket.write(request);
    const auto complete = [&] {
        const qsizetype end = answer.indexOf("\r\n\r\n");
        if (end < 0)
            return socket.state() == QAbstractSocket::UnconnectedState;
        const qsizetype lengthAt = answer.toLower().indexOf("content-length:");
        if (lengthAt < 0 || lengthAt > end)
            return true;
        const qsizetype lineEnd = answer.indexOf("\r\n", lengthAt);
        const qsizetype length = answer.mid(lengthAt + 15, lineEnd - lengthAt - 15).trimmed().toLongLong();
        return answer.size() >= end + 4 + length;
    };
    if (!QTest::qWaitFor(complete, timeoutMs))
        qWarning("no complete answer within %d ms", timeoutMs);
    return answer;
}

int statusOf(const QByteArray &answer)
{
    // "HTTP/1.1 404 Not Found"
    return answer.startsWith("HTTP/1.") ? answer.mid(9, 3).toInt() : 0;
}

QByteArray bodyOf(const QByteArray &answer)
{
    const qsizetype end = answer.indexOf("\r\n\r\n");
    return end < 0 ? QByteArray() : answer.sliced(end + 4);
}

int patientCount(RunningSandbox &running)
{
    return running.http().get(u"/api/open-fhir/Patient?_summary=count"_s).json()[u"total"_s].toInt(-1);
}

int clientCount(RunningSandbox &running)
{
    const Result<QList<Client>> clients = running.sandbox().clients().clients();
    return clients ? int(clients.value().size()) : -1;
}

QString errorOf(const Reply &reply)
{
    const QJsonObject json = reply.json();
    if (json[u"resourceType"_s].toString() == u"OperationOutcome")
        return json[u"issue"_s][0][u"code"_s].toString();
    if (json.contains(u"error"_s))
        return json[u"error"_s].toString();
    if (json.contains(u"active"_s))
        return json[u"active"_s].toBool() ? u"active"_s : u"inactive"_s;
    return reply.header("Content-Type").startsWith("text/html") ? u"(page)"_s : QString::fromUtf8(reply.body.left(80));
}

} // namespace

class tst_Attacks final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redirectUriTricks_data();
    void redirectUriTricks();
    void pkceDowngradeAtTheTokenEndpoint();
    void reusedConsentFormIsRefused();
    void everyPageRefusesFraming_data();
    void everyPageRefusesFraming();
    void htmlInScopesIsEscaped();
    void sqlInjection_data();
    void sqlInjection();
    void sqlInjectionInSignIn();
    void pathTraversal_data();
    void pathTraversal();
    void adminRefusedOnNonLoopbackAddress();
    void idleConnectionIsClosed();
    void slowRequestIsClosed();
    void thousandsOfConnections();
    void hugeBodyIsRefusedWhileArriving();
};

void tst_Attacks::redirectUriTricks_data()
{
    // Prefix, other port, userinfo and one encoded form are rows of tst_Authorize::errorsShownOnAPage.
    QTest::addColumn<QString>("redirectUri");
    QTest::newRow("redirect truncated prefix") << u"http://localhost:3000/call"_s;
    QTest::newRow("redirect host suffix") << u"http://localhost:3000.evil.example/callback"_s;
    QTest::newRow("redirect host as userinfo") << u"http://localhost:3000@evil.example/callback"_s;
    QTest::newRow("redirect backslash") << u"http://localhost:3000\\@evil.example/callback"_s;
    QTest::newRow("redirect extra query") << u"http://localhost:3000/callback?next=https://evil.example"_s;
    QTest::newRow("redirect fragment") << u"http://localhost:3000/callback#evil"_s;
    QTest::newRow("redirect trailing slash") << u"http://localhost:3000/callback/"_s;
    QTest::newRow("redirect dot segment") << u"http://localhost:3000/callback/../callback"_s;
    QTest::newRow("redirect double encoded") << u"http://localhost:3000/%2563allback"_s;
    QTest::newRow("redirect other scheme") << u"https://localhost:3000/callback"_s;
    QTest::newRow("redirect javascript") << u"javascript:alert(1)//localhost:3000/callback"_s;
    QTest::newRow("redirect default port dropped") << u"http://localhost/callback"_s;
}

// An untrusted redirect URI is never redirected to: the person sees a page (RFC 6749 4.1.2.1).
void tst_Attacks::redirectUriTricks()
{
    QFETCH(QString, redirectUri);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    const Reply reply = running.http().get(
        authorizeQuery(running.http().base(), clientId, redirectUri, s_scope, u"s1"_s, Pkce::make()));
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    QVERIFY(!reply.body.contains("evil.example\""));
}

// A code requested with an S256 challenge cannot be redeemed by sending the challenge itself as
// the verifier (a downgrade to "plain"). The failed attempt does not spend the code, so whoever
// stole it cannot lock the app out either: the app's own verifier still works.
void tst_Attacks::pkceDowngradeAtTheTokenEndpoint()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    const Pkce pkce = Pkce::make();
    PortalBrowser browser(running.http());
    const AppRedirect done = browser.authorize(
        authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"st"_s, pkce), u"joseph-ross"_s, {});
    QVERIFY(!done.code().isEmpty());
    const auto exchange = [&](const QString &verifier) {
        return running.http().postForm(u"/oauth/token"_s,
                                       {{u"grant_type"_s, u"authorization_code"_s},
                                        {u"code"_s, done.code()},
                                        {u"redirect_uri"_s, s_redirect},
                                        {u"client_id"_s, clientId},
                                        {u"code_verifier"_s, verifier}});
    };
    const Reply downgraded = exchange(pkce.challenge);
    QCOMPARE(downgraded.status, 400);
    QCOMPARE(errorOf(downgraded), u"invalid_grant"_s);
    QVERIFY(!downgraded.json().contains(u"access_token"_s));
    const Reply afterwards = exchange(pkce.verifier);
    QCOMPARE(afterwards.status, 200);
    QVERIFY(!afterwards.json()[u"access_token"_s].toString().isEmpty());
}

// The consent form of a finished flow (its request id and CSRF token) cannot be posted again to
// mint a second code: the server keeps no reusable state behind the app's `state`.
void tst_Attacks::reusedConsentFormIsRefused()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    PortalBrowser browser(running.http());
    AppRedirect step = browser.open(
        authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"same-state"_s, Pkce::make()));
    step = browser.signIn(step.page, u"joseph-ross"_s);
    const Reply consentPage = step.page;
    QCOMPARE(consentPage.status, 200);
    const QString request = PortalBrowser::field(consentPage.body, u"request"_s);
    const QString csrf = PortalBrowser::field(consentPage.body, u"csrf"_s);
    QVERIFY(!request.isEmpty());
    const AppRedirect first = browser.consent(consentPage, true);
    QVERIFY(!first.code().isEmpty());
    QCOMPARE(first.state(), u"same-state"_s);
    const Reply again = running.http().postForm(
        u"/oauth/consent"_s,
        {{u"request"_s, request}, {u"csrf"_s, csrf}, {u"decision"_s, u"approve"_s}, {u"scope"_s, u"openid"_s}});
    QCOMPARE(again.status, 400);
    QVERIFY(again.header("Location").isEmpty());
    QVERIFY(again.header("Content-Type").startsWith("text/html"));
}

void tst_Attacks::everyPageRefusesFraming_data()
{
    // The sign-in page is tst_Authorize::pagesCannotBeFramed.
    QTest::addColumn<QString>("page");
    QTest::addColumn<QByteArray>("marker"); // shows that the page is the one meant
    QTest::newRow("frame the consent page") << u"consent"_s << QByteArray("id=\"authorize\"");
    QTest::newRow("frame the patient picker") << u"picker"_s << QByteArray("Who are you representing?");
    QTest::newRow("frame the apps page") << u"apps"_s << QByteArray("Apps you have authorized");
    QTest::newRow("frame an error page") << u"error"_s << QByteArray("<h1>");
    QTest::newRow("frame the sign-out page") << u"logout"_s << QByteArray("<h1>");
}

void tst_Attacks::everyPageRefusesFraming()
{
    QFETCH(QString, page);
    QFETCH(QByteArray, marker);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    PortalBrowser browser(running.http());
    Reply reply;
    if (page == u"error"_s) {
        reply = running.http().get(u"/oauth/authorize?client_id=nobody"_s);
    } else if (page == u"logout"_s) {
        reply = running.http().get(u"/logout"_s);
    } else {
        AppRedirect step
            = browser.open(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"s"_s, Pkce::make()));
        // Daniel Adams may act for more than one patient, so he sees the picker before consent.
        step = browser.signIn(step.page, page == u"consent"_s ? u"joseph-ross"_s : u"daniel-adams"_s);
        reply = page == u"apps"_s ? running.http().get(u"/apps"_s) : step.page;
    }
    QVERIFY2(reply.body.contains(marker), reply.body.left(400).constData());
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    QVERIFY(reply.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    QCOMPARE(reply.header("X-Frame-Options"), "DENY");
}

// Scopes are shown on the consent page; markup in a scope (a SMART v2 query) is text there.
void tst_Attacks::htmlInScopesIsEscaped()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString hostileScope = u"patient/Observation.rs?category=<script>alert(1)</script>"_s;
    const QString clientId
        = registerPublicClient(running, u"<img src=x onerror=alert(1)>"_s, u"openid "_s + hostileScope);
    QVERIFY(!clientId.isEmpty());
    PortalBrowser browser(running.http());
    AppRedirect step = browser.open(
        authorizeQuery(running.http().base(), clientId, s_redirect, u"openid "_s + hostileScope, u"s"_s, Pkce::make()));
    step = browser.signIn(step.page, u"joseph-ross"_s);
    QCOMPARE(step.page.status, 200);
    QVERIFY(step.page.body.contains("&lt;script&gt;"));
    QVERIFY(!step.page.body.contains("<script>"));
    QVERIFY(!step.page.body.contains("<img"));
}

void tst_Attacks::sqlInjection_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("form"); // x-www-form-urlencoded fields "name=value&..."; {sql} is the payload
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    const QString sql = QString::fromLatin1(QUrl::toPercentEncoding(s_sql));
    const QByteArray sqlJson = QJsonDocument(QJsonArray{s_sql}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    const auto row = [](const char *name) -> QTestData & { return QTest::newRow(name); };
    row("sql in authorize client_id") << QByteArray("GET") << u"/oauth/authorize?response_type=code&client_id="_s + sql
                                      << QString() << QByteArray() << 400 << u"(page)"_s;
    row("sql in token code") << QByteArray("POST") << u"/oauth/token"_s
                             << u"grant_type=authorization_code&client_id={client}&redirect_uri="_s
            + QString::fromLatin1(QUrl::toPercentEncoding(s_redirect)) + u"&code_verifier=v&code="_s + sql
                             << QByteArray() << 400 << u"invalid_grant"_s;
    row("sql in token client_id") << QByteArray("POST") << u"/oauth/token"_s
                                  << u"grant_type=authorization_code&code=c&client_id="_s + sql << QByteArray() << 400
                                  << u"invalid_client"_s;
    row("sql in refresh_token") << QByteArray("POST") << u"/oauth/token"_s
                                << u"grant_type=refresh_token&client_id={client}&refresh_token="_s + sql << QByteArray()
                                << 400 << u"invalid_grant"_s;
    row("sql in grant_type") << QByteArray("POST") << u"/oauth/token"_s << u"client_id={client}&grant_type="_s + sql
                             << QByteArray() << 400 << u"unsupported_grant_type"_s;
    row("sql in scope") << QByteArray("POST") << u"/oauth/token"_s
                        << u"grant_type=refresh_token&client_id={client}&refresh_token=r&scope="_s + sql << QByteArray()
                        << 400 << u"invalid_grant"_s;
    row("sql in introspected token") << QByteArray("POST") << u"/oauth/introspect"_s << u"token="_s + sql
                                     << QByteArray() << 200 << u"inactive"_s;
    row("sql in revoked token") << QByteArray("POST") << u"/oauth/revoke"_s << u"client_id={client}&token="_s + sql
                                << QByteArray() << 200 << QString();
    row("sql in client management path") << QByteArray("GET") << u"/oauth/register/"_s + sql << QString()
                                         << QByteArray() << 401 << u"invalid_token"_s;
    row("sql in registered redirect uri")
        << QByteArray("POST") << u"/oauth/register"_s << QString() << "{\"redirect_uris\":[" + sqlJson + "]}" << 400
        << u"invalid_redirect_uri"_s;
    row("sql in debug token client_id") << QByteArray("POST") << u"/oauth/debug/token"_s << QString()
                                        << "{\"client_id\":" + sqlJson
            + ",\"username\":\"daniel-adams\",\"patient_id\":\"smart-1288992\"}"
                                        << 400 << u"no_client"_s;
    row("sql in debug token username") << QByteArray("POST") << u"/oauth/debug/token"_s << QString()
                                       << "{\"client_id\":\"{client}\",\"username\":" + sqlJson
            + ",\"patient_id\":\"smart-1288992\"}"
                                       << 400 << u"no_user"_s;
    row("sql in FHIR string search") << QByteArray("GET") << u"/api/open-fhir/Patient?name="_s + sql << QString()
                                     << QByteArray() << 200 << QString();
    row("sql in FHIR token search") << QByteArray("GET") << u"/api/open-fhir/Observation?code="_s + sql << QString()
                                    << QByteArray() << 200 << QString();
    row("sql in FHIR reference search") << QByteArray("GET") << u"/api/open-fhir/Observation?patient="_s + sql
                                        << QString() << QByteArray() << 400 << u"invalid"_s;
    row("sql in FHIR date search") << QByteArray("GET") << u"/api/open-fhir/Patient?birthdate="_s + sql << QString()
                                   << QByteArray() << 400 << u"invalid"_s;
    row("sql in FHIR _sort") << QByteArray("GET") << u"/api/open-fhir/Patient?_sort="_s + sql << QString()
                             << QByteArray() << 400 << u"invalid"_s;
    row("sql in FHIR _count") << QByteArray("GET") << u"/api/open-fhir/Patient?_count="_s + sql << QString()
                              << QByteArray() << 400 << u"invalid"_s;
    row("sql in FHIR id") << QByteArray("GET") << u"/api/open-fhir/Patient/"_s + sql << QString() << QByteArray() << 404
                          << u"not-found"_s;
    row("sql in FHIR type") << QByteArray("GET") << u"/api/open-fhir/"_s + sql << QString() << QByteArray() << 404
                            << u"not-found"_s;
    row("sql in bearer token") << QByteArray("GET") << u"/api/fhir/Patient"_s << u"{bearer}"_s << QByteArray() << 401
                               << u"login"_s;
}

// Every parameter is bound, never spliced into SQL: the payload gets the refusal any bad value
// gets, and the data is intact afterwards.
void tst_Attacks::sqlInjection()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, form);
    QFETCH(QByteArray, json);
    QFETCH(int, status);
    QFETCH(QString, error);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running);
    const int patients = patientCount(running);
    const int clients = clientCount(running);
    QVERIFY(patients > 0);
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    if (form == u"{bearer}"_s) {
        headers.append({"Authorization", "Bearer " + s_sql.toUtf8()});
    } else if (!form.isEmpty()) {
        body = QString(form).replace(u"{client}"_s, clientId).toUtf8();
        headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")));
        if (path == u"/oauth/introspect"_s)
            headers.append({"Authorization", "Basic " + QByteArray("api-test:api-secret").toBase64()});
    } else if (!json.isEmpty()) {
        body = QByteArray(json).replace("{client}", clientId.toUtf8());
        headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    }
    const Reply reply = running.http().send(method, path, body, headers);
    QVERIFY2(reply.status == status, qPrintable(u"%1: %2"_s.arg(reply.status).arg(QString::fromUtf8(reply.body))));
    if (!error.isEmpty())
        QCOMPARE(errorOf(reply), error);
    if (status == 200 && path.startsWith(u"/api/open-fhir/"_s))
        QCOMPARE(reply.json()[u"total"_s].toInt(-1), 0);
    QCOMPARE(patientCount(running), patients);
    QCOMPARE(clientCount(running), clients);
}

// A user name that is SQL signs nobody in, and a client name that is SQL is stored as text.
void tst_Attacks::sqlInjectionInSignIn()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running, s_sql);
    const Result<std::optional<Client>> stored = running.sandbox().clients().find(clientId);
    QVERIFY(stored && stored.value());
    QCOMPARE(stored.value()->name, s_sql);
    PortalBrowser browser(running.http());
    const AppRedirect step
        = browser.open(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"s"_s, Pkce::make()));
    const AppRedirect failed = browser.signIn(step.page, s_sql, s_sql);
    QCOMPARE(failed.page.status, 401);
    QVERIFY(failed.page.body.contains("id=\"sign-in\""));
    const AppRedirect adminLike = browser.signIn(step.page, u"daniel-adams' --"_s, u"x"_s);
    QCOMPARE(adminLike.page.status, 401);
}

void tst_Attacks::pathTraversal_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::newRow("dot-dot to /etc/passwd") << QByteArray("/../../../../etc/passwd") << 404;
    QTest::newRow("dot-dot after a file") << QByteArray("/portal.css/../../../etc/passwd") << 404;
    QTest::newRow("encoded dot-dot") << QByteArray("/%2e%2e/%2e%2e/etc/passwd") << 404;
    QTest::newRow("dot-dot inside FHIR") << QByteArray("/api/open-fhir/../../etc/passwd") << 404;
    QTest::newRow("encoded slashes in a FHIR id")
        << QByteArray("/api/open-fhir/Patient/..%2F..%2F..%2Fetc%2Fpasswd") << 404;
    QTest::newRow("backslashes in a FHIR id") << QByteArray("/api/open-fhir/Patient/..%5C..%5Cwin.ini") << 404;
    QTest::newRow("NUL in a path") << QByteArray("/portal.css%00.html") << 404;
    QTest::newRow("double slash") << QByteArray("//etc/passwd") << 404;
    QTest::newRow("dot-dot to the admin surface") << QByteArray("/api/open-fhir/../../admin/status") << 404;
}

// Paths never reach the file system: every route is a table entry, and what does not match one is
// a 404 (an OperationOutcome under the FHIR bases), never a file.
void tst_Attacks::pathTraversal()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QByteArray answer
        = rawExchange(running.port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QVERIFY2(statusOf(answer) == status, answer.left(300).constData());
    QVERIFY(!bodyOf(answer).contains("root:"));
    QVERIFY(!bodyOf(answer).contains("\"urls\""));
}

// The admin surface answers only on loopback: bound to another address of this machine, it
// refuses a request that arrives from that address, while the public routes still answer.
void tst_Attacks::adminRefusedOnNonLoopbackAddress()
{
    QHostAddress address;
    for (const QHostAddress &candidate : QNetworkInterface::allAddresses()) {
        if (!candidate.isLoopback() && candidate.protocol() == QAbstractSocket::IPv4Protocol
            && !candidate.isLinkLocal()) {
            address = candidate;
            break;
        }
    }
    if (address.isNull())
        QSKIP("This machine has no non-loopback IPv4 address to bind to (QNetworkInterface lists none)");
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    PortalServer &server = running.sandbox().server();
    server.stop();
    const Result<quint16> port = server.start(address, 0);
    QVERIFY2(port, port ? "" : qPrintable(port.error().description));
    HttpClient remote(port.value(), address.toString());
    for (const auto &[method, path] : QList<QPair<QByteArray, QString>>{{"GET", u"/admin/status"_s},
                                                                        {"GET", u"/admin/requests"_s},
                                                                        {"POST", u"/admin/reset"_s},
                                                                        {"POST", u"/admin/launch"_s},
                                                                        {"POST", u"/oauth/debug/token"_s},
                                                                        {"GET", u"/oauth/debug/introspect"_s}}) {
        const Reply refused = remote.send(method, path, "{}", {{"Content-Type", "application/json"}});
        QVERIFY2(refused.status == 403, qPrintable(path));
        QCOMPARE(errorOf(refused), u"access_denied"_s);
    }
    QCOMPARE(remote.get(u"/.well-known/smart-configuration"_s).status, 200);
}

// QtHttpServer 6.4 keeps a silent connection forever; the adapter closes it after the idle timeout.
void tst_Attacks::idleConnectionIsClosed()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    running.sandbox().server().setIdleTimeout(300);
    QTcpSocket idle;
    QSignalSpy closed(&idle, &QTcpSocket::disconnected);
    idle.connectToHost(QHostAddress::LocalHost, running.port());
    QVERIFY(idle.waitForConnected(5000));
    QVERIFY(closed.wait(10'000));
    QCOMPARE(idle.bytesAvailable(), 0);
    // A connection that finished a request and then went quiet is closed the same way.
    QTcpSocket keptAlive;
    QSignalSpy keptAliveClosed(&keptAlive, &QTcpSocket::disconnected);
    QByteArray answer;
    connect(&keptAlive, &QTcpSocket::readyRead, &keptAlive, [&] { answer += keptAlive.readAll(); });
    keptAlive.connectToHost(QHostAddress::LocalHost, running.port());
    keptAlive.write("GET /smart-style.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QVERIFY(keptAliveClosed.wait(10'000));
    QCOMPARE(statusOf(answer), 200);
    QCOMPARE(running.http().get(u"/smart-style.json"_s).status, 200);
}

// A client that trickles a request byte by byte (slowloris) does not keep the connection: the
// request must be complete within the timeout.
void tst_Attacks::slowRequestIsClosed()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    running.sandbox().server().setIdleTimeout(400);
    QTcpSocket slow;
    QSignalSpy closed(&slow, &QTcpSocket::disconnected);
    QByteArray answer;
    connect(&slow, &QTcpSocket::readyRead, &slow, [&] { answer += slow.readAll(); });
    slow.connectToHost(QHostAddress::LocalHost, running.port());
    const QByteArray request
        = "GET /smart-style.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + QByteArray(200, 'a') + "\r\n\r\n";
    qsizetype sent = 0;
    QTimer trickle;
    trickle.setInterval(50);
    connect(&trickle, &QTimer::timeout, &slow, [&] {
        if (sent < request.size() && slow.state() == QAbstractSocket::ConnectedState)
            slow.write(request.mid(sent++, 1));
    });
    trickle.start();
    QVERIFY(closed.wait(10'000));
    QVERIFY2(sent < request.size(), "the whole request was sent before the connection closed");
    QVERIFY(answer.isEmpty());
    QCOMPARE(running.http().get(u"/smart-style.json"_s).status, 200);
}

// A client that announces and sends a body of a gigabyte gets a 413 while it is still sending, long
// before the server would have held the gigabyte: QtHttpServer 6.4 keeps a whole request in
// memory, so the adapter refuses one as it grows past its bound. The server goes on answering.
void tst_Attacks::hugeBodyIsRefusedWhileArriving()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QList<RequestLogEntry> logged;
    connect(&running.sandbox().requestLog(), &RequestLog::requestLogged, this,
            [&](const RequestLogEntry &entry) { logged.append(entry); });
    QTcpSocket client;
    QByteArray answer;
    connect(&client, &QTcpSocket::readyRead, &client, [&] { answer += client.readAll(); });
    client.connectToHost(QHostAddress::LocalHost, running.port());
    QVERIFY(client.waitForConnected(5000));
    constexpr qint64 announced = 1024LL * 1024 * 1024;
    client.write("POST /oauth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Content-Length: "
                 + QByteArray::number(announced) + "\r\n\r\n");
    const QByteArray chunk(256 * 1024, 'x');
    qint64 sent = 0;
    // Keep a few chunks in flight, as a client streaming a file would, until the answer comes.
    const auto feed = [&] {
        while (answer.isEmpty() && client.state() == QAbstractSocket::ConnectedState && client.bytesToWrite() < 1 << 20
               && sent < announced) {
            client.write(chunk);
            sent += chunk.size();
        }
    };
    connect(&client, &QTcpSocket::bytesWritten, &client, feed);
    feed();
    QTRY_VERIFY_WITH_TIMEOUT(answer.contains("\r\n\r\n{"), 30'000);
    QCOMPARE(statusOf(answer), 413);
    QVERIFY2(answer.contains("Connection: close"), answer.constData());
    QVERIFY2(answer.contains(R"("error":"invalid_request")"), answer.constData());
    // Refused at the bound, not after the whole body: the client had sent a few MB when it heard.
    QVERIFY2(sent < 64LL * 1024 * 1024, qPrintable(u"%1 bytes sent before the answer"_s.arg(sent)));
    // The Traffic log shows the refused request, with what it was and why it was refused.
    QCOMPARE(logged.size(), 1);
    QCOMPARE(logged.first().status, 413);
    QCOMPARE(logged.first().method, u"POST"_s);
    QCOMPARE(logged.first().path, u"/oauth/register"_s);
    QVERIFY(
        std::any_of(logged.first().requestHeaders.begin(), logged.first().requestHeaders.end(), [](const auto &header) {
            return header.first == "Content-Length" && header.second == "1073741824";
        }));
    QCOMPARE(logged.first().findings.size(), 1);
    QVERIFY2(logged.first().findings.first().contains(u"refused"_s), qPrintable(logged.first().findings.first()));
    // What the client still sends is thrown away, and closing is left to it.
    client.write(chunk);
    client.disconnectFromHost();
    QCOMPARE(running.http().get(u"/smart-style.json"_s).status, 200);
    // The route's own limit still answers a body a little over 1 MiB in the route's format.
    const QByteArray overLimit
        = rawExchange(running.port(),
                      "POST /oauth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "Content-Length: 2000000\r\n\r\n"
                          + QByteArray(2'000'000, ' '));
    QCOMPARE(statusOf(overLimit), 413);
    QVERIFY2(overLimit.contains("larger than 1048576 bytes"), overLimit.constData());
}

// Two thousand clients connect at once and each sends a request: every one is answered (or, at
// worst, cleanly refused), and the server answers a normal request afterwards.
void tst_Attacks::thousandsOfConnections()
{
    constexpr int count = 2000;
    // Both ends of every connection live in this process: 2 x 2,000 descriptors plus Qt's own.
    rlimit limit{};
    QVERIFY(getrlimit(RLIMIT_NOFILE, &limit) == 0);
    if (limit.rlim_cur < 2 * count + 256) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 2 * count + 256);
        QVERIFY(setrlimit(RLIMIT_NOFILE, &limit) == 0);
    }
    if (limit.rlim_cur < 2 * count + 256)
        QSKIP("The hard limit on open files is below 4,256 (ulimit -Hn); 2,000 connections need more");
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    struct Connection
    {
        QTcpSocket socket;
        QByteArray answer;
        bool done = false;
    };
    std::vector<std::unique_ptr<Connection>> connections;
    int answered = 0;
    int refused = 0;
    for (int i = 0; i < count; ++i) {
        auto connection = std::make_unique<Connection>();
        Connection *c = connection.get();
        connect(&c->socket, &QTcpSocket::connected, &c->socket,
                [c] { c->socket.write("GET /smart-style.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); });
        connect(&c->socket, &QTcpSocket::readyRead, &c->socket, [c, &answered] {
            c->answer += c->socket.readAll();
            if (!c->done && c->answer.contains("\r\n\r\n") && c->answer.endsWith("}")) {
                c->done = true;
                if (statusOf(c->answer) == 200)
                    ++answered;
                c->socket.abort();
            }
        });
        connect(&c->socket, &QTcpSocket::errorOccurred, &c->socket, [c, &refused] {
            if (!c->done && c->answer.isEmpty()) {
                c->done = true;
                ++refused;
            }
        });
        c->socket.connectToHost(QHostAddress::LocalHost, running.port());
        connections.push_back(std::move(connection));
    }
    QTRY_VERIFY_WITH_TIMEOUT(answered + refused == count, 240'000);
    qInfo("%d answered, %d refused", answered, refused);
    QCOMPARE(answered + refused, count);
    QVERIFY(answered >= count * 9 / 10);
    QCOMPARE(running.http().get(u"/smart-style.json"_s).status, 200);
}

QTEST_GUILESS_MAIN(tst_Attacks)
#include "tst_attacks.moc"
