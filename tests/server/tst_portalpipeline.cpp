// SPDX-License-Identifier: Apache-2.0
// What every answer shares, whatever the route: 404 and 405 with Allow, CORS and preflights,
// the body limit, the admin guard, URLs from --base-url or Host, and the request log.

#include "oauth/clientregistry.h"
#include "oauth/jose.h"
#include "oauth/tokenservice.h"
#include "server/portalserver.h"
#include "server/requestlog.h"
#include "server/tlscertificate.h"
#include "testsupport.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace TestSupport;

class tst_PortalPipeline final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void methodsAndPaths_data();
    void methodsAndPaths();
    void headLeavesTheConnectionUsable();
    void answersKeepRequestOrder();
    void corsOnAnswers();
    void corsPreflight();
    void noCorsWithoutOrigin();
    void bodyLimit_data();
    void bodyLimit();
    void adminKey_data();
    void adminKey();
    void adminOnlyOnLoopback();
    void baseUrlFromHostOrOption();
    void listenerUrlFollowsRestarts();
    void requestLogRecordsEveryExchange();
    void everyRefusalCarriesAFinding_data();
    void everyRefusalCarriesAFinding();
    void logFileGetsOneLinePerExchange();
};

void tst_PortalPipeline::methodsAndPaths_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("allow");
    QTest::addColumn<QString>("error");

    QTest::newRow("GET register") << QByteArray("GET") << u"/oauth/register"_s << 405 << QByteArray("POST, OPTIONS")
                                  << u"method_not_allowed"_s;
    QTest::newRow("PUT register") << QByteArray("PUT") << u"/oauth/register"_s << 405 << QByteArray("POST, OPTIONS")
                                  << u"method_not_allowed"_s;
    QTest::newRow("DELETE debug token") << QByteArray("DELETE") << u"/oauth/debug/token"_s << 405
                                        << QByteArray("POST, OPTIONS") << u"method_not_allowed"_s;
    QTest::newRow("POST introspect") << QByteArray("POST") << u"/oauth/debug/introspect"_s << 405
                                     << QByteArray("GET, OPTIONS") << u"method_not_allowed"_s;
    QTest::newRow("GET reset") << QByteArray("GET") << u"/admin/reset"_s << 405 << QByteArray("POST, OPTIONS")
                               << u"method_not_allowed"_s;
    QTest::newRow("PATCH status") << QByteArray("PATCH") << u"/admin/status"_s << 405 << QByteArray("GET, OPTIONS")
                                  << u"method_not_allowed"_s;
    QTest::newRow("HEAD status") << QByteArray("HEAD") << u"/admin/status"_s << 405 << QByteArray("GET, OPTIONS")
                                 << QString(); // a HEAD answer has no body
    QTest::newRow("OPTIONS register") << QByteArray("OPTIONS") << u"/oauth/register"_s << 204
                                      << QByteArray("POST, OPTIONS") << QString();
    QTest::newRow("unknown path") << QByteArray("GET") << u"/no/such/thing"_s << 404 << QByteArray() << u"not_found"_s;
    QTest::newRow("trailing slash") << QByteArray("POST") << u"/oauth/register/"_s << 404 << QByteArray()
                                    << u"not_found"_s;
    QTest::newRow("traversal") << QByteArray("GET") << u"/oauth/../admin/status/../../etc/passwd"_s << 404
                               << QByteArray() << u"not_found"_s;
    QTest::newRow("GET home") << QByteArray("GET") << u"/"_s << 200 << QByteArray() << QString();
}

void tst_PortalPipeline::methodsAndPaths()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QByteArray, allow);
    QFETCH(QString, error);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = running.http().send(method, path);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("Allow"), allow);
    if (!error.isEmpty()) {
        QCOMPARE(reply.header("Content-Type"), "application/json");
        QCOMPARE(reply.json()[u"error"_s].toString(), error);
        QVERIFY(!reply.json()[u"error_description"_s].toString().isEmpty());
    }
}

// QtHttpServer 6.4 writes a body even for HEAD; the pipeline sends none, so a keep-alive
// connection stays in step for the next request.
void tst_PortalPipeline::headLeavesTheConnectionUsable()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    // The server runs on this thread, so wait in an event loop rather than blocking on the socket.
    QTcpSocket socket;
    QByteArray received;
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] {
        socket.write("HEAD /admin/status HTTP/1.1\r\nHost: localhost\r\n\r\n"
                     "GET /missing HTTP/1.1\r\nHost: localhost\r\n\r\n");
    });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        received += socket.readAll();
        if (received.count("HTTP/1.1 ") >= 2 && received.endsWith("}"))
            loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QTimer::singleShot(10'000, &loop, &QEventLoop::quit); // a guard against a hang, not a wait
    socket.connectToHost(QHostAddress::LocalHost, running.port());
    loop.exec();
    const qsizetype second = received.indexOf("HTTP/1.1 404");
    QVERIFY2(received.startsWith("HTTP/1.1 405"), received.constData());
    QVERIFY2(second > 0, received.constData());
    // Between the HEAD answer's headers and the next status line there is nothing but the blank line.
    QVERIFY2(received.left(second).endsWith("\r\n\r\n"), received.constData());
    QVERIFY(received.mid(second).contains("\"error\":\"not_found\""));
}

// HTTP/1.1: answers go out in request order on a connection, even when the first one waits on
// the network (here a token request whose client keys are fetched from a slow jwks_uri) and the
// second could be answered at once.
void tst_PortalPipeline::answersKeepRequestOrder()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QJsonObject key = Jose::generateKey(u"ES384"_s).value();
    // A key host that answers 200 ms late: a plain socket server, so the delay is exact.
    QTcpServer keyHost;
    QVERIFY(keyHost.listen(QHostAddress::LocalHost, 0));
    const QByteArray keys = QJsonDocument(QJsonObject{{u"keys"_s, QJsonArray{Jose::publicKey(key)}}}).toJson();
    QObject::connect(&keyHost, &QTcpServer::newConnection, &keyHost, [&] {
        QTcpSocket *peer = keyHost.nextPendingConnection();
        QTimer::singleShot(200, peer, [peer, keys] {
            peer->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                        + QByteArray::number(keys.size()) + "\r\n\r\n" + keys);
            peer->disconnectFromHost();
        });
    });
    const quint16 keyPort = keyHost.serverPort();

    const QString clientId = running.http()
                                 .postJson(u"/oauth/register"_s,
                                           QJsonObject{{u"grant_types"_s, QJsonArray{u"client_credentials"_s}},
                                                       {u"token_endpoint_auth_method"_s, u"private_key_jwt"_s},
                                                       {u"jwks_uri"_s, u"http://127.0.0.1:%1/jwks.json"_s.arg(keyPort)},
                                                       {u"scope"_s, u"system/Patient.rs"_s}})
                                 .json()[u"client_id"_s]
                                 .toString();
    QVERIFY(!clientId.isEmpty());
    const QString assertion = Jose::sign(QJsonObject{{u"iss"_s, clientId},
                                                     {u"sub"_s, clientId},
                                                     {u"aud"_s, running.http().base()},
                                                     {u"exp"_s, s_epochMs / 1000 + 60},
                                                     {u"jti"_s, u"order-1"_s}},
                                         key)
                                  .value();
    const QByteArray form = "grant_type=client_credentials&scope=system%2FPatient.rs&client_assertion_type="
                            "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion="
        + assertion.toLatin1();

    QTcpSocket socket;
    QByteArray received;
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] {
        socket.write("POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(running.port())
                     + "\r\n"
                       "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                     + QByteArray::number(form.size()) + "\r\n\r\n" + form
                     + "GET /missing HTTP/1.1\r\nHost: localhost\r\n\r\n");
    });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        received += socket.readAll();
        if (received.contains("HTTP/1.1 404") && received.endsWith("}"))
            loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QTimer::singleShot(10'000, &loop, &QEventLoop::quit); // a guard against a hang, not a wait
    socket.connectToHost(QHostAddress::LocalHost, running.port());
    loop.exec();
    QVERIFY2(received.startsWith("HTTP/1.1 200"), received.constData());
    QVERIFY2(received.indexOf("access_token") < received.indexOf("HTTP/1.1 404"), received.constData());
}

void tst_PortalPipeline::corsOnAnswers()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QList<QPair<QByteArray, QByteArray>> origin = {{"Origin", "http://localhost:3000"}};
    for (const Reply &reply :
         {running.http().get(u"/admin/status"_s, origin),
          running.http().send("POST", u"/oauth/register"_s, "{}", origin), running.http().get(u"/missing"_s, origin)}) {
        QCOMPARE(reply.header("Access-Control-Allow-Origin"), "http://localhost:3000");
        QCOMPARE(reply.header("Vary"), "Origin");
        QVERIFY(reply.header("Access-Control-Expose-Headers").contains("WWW-Authenticate"));
    }
}

void tst_PortalPipeline::corsPreflight()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = running.http().send("OPTIONS", u"/oauth/debug/token"_s, {},
                                            {{"Origin", "https://app.example.org"},
                                             {"Access-Control-Request-Method", "POST"},
                                             {"Access-Control-Request-Headers", "content-type, x-requested-with"}});
    QCOMPARE(reply.status, 204);
    QVERIFY(reply.body.isEmpty());
    QCOMPARE(reply.header("Access-Control-Allow-Origin"), "https://app.example.org");
    QCOMPARE(reply.header("Access-Control-Allow-Methods"), "POST, OPTIONS");
    QCOMPARE(reply.header("Access-Control-Allow-Headers"), "content-type, x-requested-with");
    QCOMPARE(reply.header("Access-Control-Max-Age"), "600");
    // A preflight changes nothing.
    QCOMPARE(running.sandbox().tokens().tokens().value().size(), 0);
}

void tst_PortalPipeline::noCorsWithoutOrigin()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = running.http().get(u"/admin/status"_s);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Access-Control-Allow-Origin").isNull());
    QCOMPARE(reply.header("Cache-Control"), "no-store");
    QCOMPARE(reply.header("X-Content-Type-Options"), "nosniff");
}

void tst_PortalPipeline::bodyLimit_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<qsizetype>("size");
    QTest::addColumn<int>("status");
    QTest::newRow("register at the limit") << u"/oauth/register"_s << PortalServer::s_maxBodySize << 400;
    QTest::newRow("register over the limit") << u"/oauth/register"_s << PortalServer::s_maxBodySize + 1 << 413;
    QTest::newRow("debug token over the limit") << u"/oauth/debug/token"_s << 3 * PortalServer::s_maxBodySize << 413;
    QTest::newRow("reset over the limit") << u"/admin/reset"_s << PortalServer::s_maxBodySize + 1 << 413;
}

void tst_PortalPipeline::bodyLimit()
{
    QFETCH(QString, path);
    QFETCH(qsizetype, size);
    QFETCH(int, status);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    // A JSON string padded to the size: valid JSON up to the limit, never a valid registration.
    QByteArray body = "\"" + QByteArray(size - 2, 'a') + "\"";
    const Reply reply = running.http().postJson(path, body);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("Content-Type"), "application/json");
    QVERIFY(!reply.json()[u"error"_s].toString().isEmpty());
    QCOMPARE(running.sandbox().clients().clients().value().size(), 2); // the fixtures, nothing else
}

void tst_PortalPipeline::adminKey_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("status");
    QTest::newRow("no key") << QByteArray() << QByteArray() << 401;
    QTest::newRow("wrong key") << QByteArray("X-Admin-Key") << QByteArray("not-the-key") << 401;
    QTest::newRow("key prefix") << QByteArray("X-Admin-Key") << QByteArray("s3cret-ad") << 401;
    QTest::newRow("X-Admin-Key") << QByteArray("X-Admin-Key") << QByteArray("s3cret-admin-key") << 200;
    QTest::newRow("Bearer") << QByteArray("Authorization") << QByteArray("Bearer s3cret-admin-key") << 200;
    QTest::newRow("bearer lower case") << QByteArray("Authorization") << QByteArray("bearer s3cret-admin-key") << 200;
    QTest::newRow("Basic") << QByteArray("Authorization") << QByteArray("Basic czNjcmV0LWFkbWluLWtleQ==") << 401;
}

void tst_PortalPipeline::adminKey()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    QFETCH(int, status);
    SandboxOptions options;
    options.adminKey = u"s3cret-admin-key"_s;
    RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!header.isEmpty())
        headers.append({header, value});
    const Reply reply = running.http().get(u"/admin/status"_s, headers);
    QCOMPARE(reply.status, status);
    if (status == 401) {
        QCOMPARE(reply.json()[u"error"_s].toString(), u"invalid_token"_s);
        QVERIFY(reply.header("WWW-Authenticate").startsWith("Bearer "));
    }
    // Registration is public: the key is never needed for it.
    QCOMPARE(running.http().postJson(u"/oauth/register"_s, "{\"redirect_uris\":[\"https://a.example/cb\"]}").status,
             201);
}

// Without an admin key only loopback may use the admin surface. A remote peer is simulated
// through the pipeline itself, since tests send traffic to loopback only.
void tst_PortalPipeline::adminOnlyOnLoopback()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    PortalServer &server = running.sandbox().server();
    const auto request = [](const QByteArray &method, const QString &path, const QString &address) {
        HttpRequest plain;
        plain.method = method;
        plain.path = path;
        plain.remoteAddress = QHostAddress(address);
        plain.timer.start();
        return plain;
    };
    for (const QString &path : {u"/admin/status"_s, u"/admin/reset"_s, u"/oauth/debug/token"_s}) {
        HttpRequest remote = request(path == u"/admin/status"_s ? "GET" : "POST", path, u"192.0.2.10"_s);
        const HttpResponse refused = server.handle(remote);
        QCOMPARE(refused.status, 403);
        QVERIFY(refused.body.contains("access_denied"));
    }
    HttpRequest remoteRegister = request("POST", u"/oauth/register"_s, u"192.0.2.10"_s);
    remoteRegister.body = "{\"redirect_uris\":[\"https://a.example/cb\"]}";
    QCOMPARE(server.handle(remoteRegister).status, 201);
    for (const QString &address : {u"127.0.0.1"_s, u"127.8.9.10"_s, u"::1"_s}) {
        HttpRequest local = request("GET", u"/admin/status"_s, address);
        QCOMPARE(server.handle(local).status, 200);
    }
}

void tst_PortalPipeline::baseUrlFromHostOrOption()
{
    {
        RunningSandbox running;
        QVERIFY2(running.isRunning(), qPrintable(running.error()));
        const Reply reply = running.http().get(u"/admin/status"_s, {{"Host", "sandbox.test:8443"}});
        QCOMPARE(reply.json()[u"urls"_s][u"base"_s].toString(), u"http://sandbox.test:8443"_s);
        // A Host header that is not a host is ignored, never written into a URL.
        const Reply hostile = running.http().get(u"/admin/status"_s, {{"Host", "evil\"><script>"}});
        QCOMPARE(hostile.json()[u"urls"_s][u"base"_s].toString(), u"http://127.0.0.1:%1"_s.arg(running.port()));
    }
    SandboxOptions options;
    options.baseUrl = u"https://sandbox.example.org/smart"_s;
    RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const Reply reply = running.http().get(u"/"_s, {{"Host", "other.test"}});
    QCOMPARE(reply.json()[u"endpoints"_s][u"register"_s].toString(),
             u"https://sandbox.example.org/smart/oauth/register"_s);
}

void tst_PortalPipeline::listenerUrlFollowsRestarts()
{
    // Without a usable Host, URLs name the listener: its scheme, address and port as they are now,
    // after the server was stopped and started again on the same port with TLS, then without it
    // on another address (the URL is kept between requests, so each of these must renew it).
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    PortalServer &server = running.sandbox().server();
    const quint16 port = running.port();
    const QList<QPair<QByteArray, QByteArray>> unusableHost = {{"Host", "evil\"><script>"}};
    QCOMPARE(running.http().get(u"/admin/status"_s, unusableHost).json()[u"urls"_s][u"base"_s].toString(),
             u"http://127.0.0.1:%1"_s.arg(port));

    const Result<std::pair<QByteArray, QByteArray>> identity = TlsCertificate::createSelfSigned(u"localhost"_s);
    QVERIFY2(identity, qPrintable(identity ? QString() : identity.error().description));
    const QSslCertificate certificate(identity.value().first);
    server.stop();
    server.setTls(certificate, QSslKey(identity.value().second, QSsl::Rsa));
    QVERIFY(server.start(QHostAddress::LocalHost, port));
    HttpClient https(port);
    https.useTls({certificate});
    QCOMPARE(https.get(u"/admin/status"_s, unusableHost).json()[u"urls"_s][u"base"_s].toString(),
             u"https://127.0.0.1:%1"_s.arg(port));

    server.stop();
    server.setTls(QSslCertificate(), QSslKey());
    if (!server.start(QHostAddress::LocalHostIPv6, port))
        QSKIP("no IPv6 loopback here");
    HttpClient plain(port, u"[::1]"_s);
    QCOMPARE(plain.get(u"/admin/status"_s, unusableHost).json()[u"urls"_s][u"base"_s].toString(),
             u"http://[::1]:%1"_s.arg(port));
}

void tst_PortalPipeline::requestLogRecordsEveryExchange()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    // Held back until flush() below, however long the two requests take.
    running.sandbox().requestLog().setFlushInterval(60'000);
    QList<RequestLogEntry> seen;
    QObject::connect(&running.sandbox().requestLog(), &RequestLog::requestLogged,
                     [&](const RequestLogEntry &entry) { seen.append(entry); });
    const QByteArray body = "{\"client_name\":\"Logged\",\"redirect_uris\":[\"https://a.example/cb\"]}";
    const Reply registered = running.http().postJson(u"/oauth/register"_s, body, {{"X-Trace", "abc"}});
    QCOMPARE(registered.status, 201);
    QCOMPARE(running.http().send("PUT", u"/oauth/register"_s).status, 405);

    QCOMPARE(seen.size(), 2);
    const RequestLogEntry &first = seen.at(0);
    QCOMPARE(first.method, u"POST"_s);
    QCOMPARE(first.path, u"/oauth/register"_s);
    QCOMPARE(first.status, 201);
    QCOMPARE(first.requestBody, body);
    QCOMPARE(first.responseBody, registered.body);
    QCOMPARE(first.clientId, registered.json()[u"client_id"_s].toString());
    QVERIFY(first.durationUs >= 0);
    QCOMPARE(first.remoteAddress, u"127.0.0.1"_s);
    const auto hasHeader = [](const HeaderList &headers, const QByteArray &name, const QByteArray &value) {
        return std::any_of(headers.cbegin(), headers.cend(), [&](const auto &header) {
            return header.first.compare(name, Qt::CaseInsensitive) == 0 && header.second == value;
        });
    };
    QVERIFY(hasHeader(first.requestHeaders, "X-Trace", "abc"));
    QVERIFY(hasHeader(first.responseHeaders, "Content-Type", "application/json"));
    QCOMPARE(seen.at(1).status, 405);
    QVERIFY(seen.at(1).sequence > first.sequence);

    // Nothing is written until the batch is flushed; then everything is.
    QCOMPARE(running.sandbox().requestLog().storedCount().value(), 0);
    QVERIFY(running.sandbox().requestLog().flush());
    QCOMPARE(running.sandbox().requestLog().storedCount().value(), 2);
}

void tst_PortalPipeline::logFileGetsOneLinePerExchange()
{
    QTemporaryDir dir;
    SandboxOptions options;
    options.logFile = dir.filePath(u"traffic.ndjson"_s);
    {
        RunningSandbox running(options);
        QVERIFY2(running.isRunning(), qPrintable(running.error()));
        QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
        QCOMPARE(running.http().get(u"/missing"_s).status, 404);
        QVERIFY(running.sandbox().requestLog().flush());
    }
    QFile file(options.logFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.size(), 3); // two lines and the empty rest after the last newline
    QCOMPARE(QJsonDocument::fromJson(lines.at(0)).object()[u"path"_s].toString(), u"/admin/status"_s);
    QCOMPARE(QJsonDocument::fromJson(lines.at(1)).object()[u"status"_s].toInt(), 404);
    QVERIFY(lines.at(2).isEmpty());
}

void tst_PortalPipeline::everyRefusalCarriesAFinding_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("finding"); // a part of the sentence
    QTest::newRow("token with JSON") << QByteArray("POST") << u"/oauth/token"_s << QByteArray("application/json")
                                     << QByteArray("{\"grant_type\":\"client_credentials\"}") << 400
                                     << u"RFC 6749 section 3.2"_s;
    QTest::newRow("token with repeated parameters")
        << QByteArray("POST") << u"/oauth/token"_s << QByteArray("application/x-www-form-urlencoded")
        << QByteArray("grant_type=refresh_token&grant_type=authorization_code") << 400 << u"only once"_s;
    QTest::newRow("introspect with JSON") << QByteArray("POST") << u"/oauth/introspect"_s
                                          << QByteArray("application/json") << QByteArray("{}") << 400 << u"RFC 7662"_s;
    QTest::newRow("revoke with JSON") << QByteArray("POST") << u"/oauth/revoke"_s << QByteArray("application/json")
                                      << QByteArray("{}") << 400 << u"RFC 7009"_s;
    QTest::newRow("unknown path") << QByteArray("GET") << u"/nowhere"_s << QByteArray() << QByteArray() << 404
                                  << u"/nowhere"_s;
    QTest::newRow("wrong method") << QByteArray("GET") << u"/oauth/token"_s << QByteArray() << QByteArray() << 405
                                  << u"does not accept GET"_s;
    QTest::newRow("FHIR without a token")
        << QByteArray("GET") << u"/api/fhir/Patient"_s << QByteArray() << QByteArray() << 401 << u"No access token"_s;
    QTest::newRow("malformed registration") << QByteArray("POST") << u"/oauth/register"_s
                                            << QByteArray("application/json") << QByteArray("{") << 400 << u"JSON"_s;
}

void tst_PortalPipeline::everyRefusalCarriesAFinding()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, finding);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    QCOMPARE(running.http().send(method, path, body, headers).status, status);
    QVERIFY(running.sandbox().requestLog().flush());
    const QJsonArray requests = running.http().get(u"/admin/requests?limit=5"_s).json()[u"requests"_s].toArray();
    const auto entry = std::find_if(requests.begin(), requests.end(),
                                    [&](const QJsonValue &value) { return value[u"path"_s].toString() == path; });
    QVERIFY(entry != requests.end());
    const QJsonArray findings = (*entry)[u"findings"_s].toArray();
    QVERIFY2(!findings.isEmpty(), "a refusal without a finding");
    QVERIFY2(findings.first().toString().contains(finding), qPrintable(findings.first().toString()));
}

QTEST_GUILESS_MAIN(tst_PortalPipeline)
#include "tst_portalpipeline.moc"
