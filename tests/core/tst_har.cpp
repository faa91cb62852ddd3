// SPDX-License-Identifier: Apache-2.0
// HAR 1.2 export: the document parses back, holds every entry in order, and each entry has the
// fields HAR viewers read (request, response, content, cookies, timings), with binary bodies as
// base64, cut bodies commented and the sandbox's findings kept as a custom field.

#include "server/har.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

RequestLogEntry formRequest()
{
    RequestLogEntry entry;
    entry.startedAtMs = TestSupport::s_epochMs;
    entry.durationUs = 2500;
    entry.remoteAddress = u"127.0.0.1"_s;
    entry.method = u"POST"_s;
    entry.path = u"/oauth/token"_s;
    entry.query = u"debug=1&name=a+b"_s;
    entry.status = 400;
    entry.clientId = u"test-suite"_s;
    entry.findings = {u"The client sent its secret in the body."_s};
    entry.requestHeaders = {{"Host", "127.0.0.1:9000"},
                            {"Content-Type", "application/x-www-form-urlencoded"},
                            {"Cookie", "sandbox_session=abc; theme=dark"}};
    entry.requestBody = "grant_type=authorization_code&code=x%20y";
    entry.requestBodySize = entry.requestBody.size();
    entry.responseHeaders = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
    entry.responseBody = "{\"error\":\"invalid_grant\"}";
    entry.responseBodySize = entry.responseBody.size();
    return entry;
}

RequestLogEntry redirect()
{
    RequestLogEntry entry;
    entry.startedAtMs = TestSupport::s_epochMs + 1500;
    entry.durationUs = 800;
    entry.method = u"GET"_s;
    entry.path = u"/oauth/authorize"_s;
    entry.status = 302;
    entry.tokenId = u"t-1"_s;
    entry.responseHeaders = {{"Location", "http://localhost:3000/cb?code=1"},
                             {"Set-Cookie", "sandbox_session=xyz; Path=/; HttpOnly; SameSite=Lax"}};
    return entry;
}

RequestLogEntry binary()
{
    RequestLogEntry entry;
    entry.startedAtMs = TestSupport::s_epochMs + 3000;
    entry.method = u"PUT"_s;
    entry.path = u"/upload"_s;
    entry.status = 404;
    entry.requestHeaders = {{"Content-Type", "application/octet-stream"}};
    entry.requestBody = QByteArray("\x00\x01\xff", 3);
    entry.requestBodySize = 70'000; // the log cut it
    entry.responseHeaders = {{"Content-Type", "image/png"}};
    entry.responseBody = QByteArray("\x89PNG\x00", 5);
    entry.responseBodySize = entry.responseBody.size();
    return entry;
}

QJsonObject header(const QString &name, const QString &value)
{
    return QJsonObject{{u"name"_s, name}, {u"value"_s, value}};
}

} // namespace

class tst_Har final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void documentHoldsEveryEntry();
    void formRequestEntry();
    void redirectEntry();
    void binaryAndCutBodies();
};

void tst_Har::documentHoldsEveryEntry()
{
    const QList<RequestLogEntry> entries = {formRequest(), redirect(), binary()};
    const QByteArray text = QJsonDocument(Har::document(entries, u"http://127.0.0.1:9000"_s)).toJson();
    QJsonParseError error{};
    const QJsonDocument parsed = QJsonDocument::fromJson(text, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject log = parsed.object().value(u"log"_s).toObject();
    QCOMPARE(log.value(u"version"_s).toString(), u"1.2"_s);
    QCOMPARE(log.value(u"creator"_s).toObject().value(u"name"_s).toString(), u"SMART Sandbox"_s);
    QCOMPARE(log.value(u"creator"_s).toObject().value(u"version"_s).toString(), QStringLiteral(SANDBOX_VERSION));
    const QJsonArray array = log.value(u"entries"_s).toArray();
    QCOMPARE(array.size(), entries.size());
    const QStringList requestKeys = {u"method"_s,  u"url"_s,         u"httpVersion"_s, u"cookies"_s,
                                     u"headers"_s, u"queryString"_s, u"headersSize"_s, u"bodySize"_s};
    const QStringList responseKeys = {u"status"_s,  u"statusText"_s,  u"httpVersion"_s, u"cookies"_s, u"headers"_s,
                                      u"content"_s, u"redirectURL"_s, u"headersSize"_s, u"bodySize"_s};
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject entry = array.at(i).toObject();
        const RequestLogEntry &source = entries.at(i);
        QCOMPARE(entry.value(u"startedDateTime"_s).toString(),
                 QDateTime::fromMSecsSinceEpoch(source.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs));
        QVERIFY(entry.value(u"startedDateTime"_s).toString().endsWith(u'Z'));
        QCOMPARE(entry.value(u"time"_s).toDouble(), double(source.durationUs) / 1000.0);
        const QJsonObject request = entry.value(u"request"_s).toObject();
        const QJsonObject response = entry.value(u"response"_s).toObject();
        for (const QString &key : requestKeys)
            QVERIFY2(request.contains(key), qPrintable(key));
        for (const QString &key : responseKeys)
            QVERIFY2(response.contains(key), qPrintable(key));
        QCOMPARE(request.value(u"method"_s).toString(), source.method);
        QVERIFY(request.value(u"url"_s).toString().startsWith(u"http://127.0.0.1:9000"_s + source.path));
        QCOMPARE(request.value(u"headers"_s).toArray().size(), source.requestHeaders.size());
        QCOMPARE(request.value(u"bodySize"_s).toInteger(), source.requestBodySize);
        QCOMPARE(request.contains(u"postData"_s), source.requestBodySize > 0);
        QCOMPARE(response.value(u"status"_s).toInt(), source.status);
        QVERIFY(!response.value(u"statusText"_s).toString().isEmpty());
        QCOMPARE(response.value(u"headers"_s).toArray().size(), source.responseHeaders.size());
        QCOMPARE(response.value(u"content"_s).toObject().value(u"size"_s).toInteger(), source.responseBodySize);
        QCOMPARE(response.value(u"bodySize"_s).toInteger(), source.responseBodySize);
        QVERIFY(entry.value(u"cache"_s).isObject());
        const QJsonObject timings = entry.value(u"timings"_s).toObject();
        QCOMPARE(timings.value(u"send"_s).toDouble() + timings.value(u"wait"_s).toDouble()
                     + timings.value(u"receive"_s).toDouble(),
                 entry.value(u"time"_s).toDouble());
    }
}

void tst_Har::formRequestEntry()
{
    const QJsonObject entry = Har::entry(formRequest(), u"http://127.0.0.1:9000"_s);
    const QJsonObject request = entry.value(u"request"_s).toObject();
    QCOMPARE(request.value(u"url"_s).toString(), u"http://127.0.0.1:9000/oauth/token?debug=1&name=a+b"_s);
    QCOMPARE(request.value(u"httpVersion"_s).toString(), u"HTTP/1.1"_s);
    QCOMPARE(request.value(u"queryString"_s).toArray(),
             (QJsonArray{header(u"debug"_s, u"1"_s), header(u"name"_s, u"a b"_s)}));
    QCOMPARE(request.value(u"headers"_s).toArray().at(1).toObject(),
             header(u"Content-Type"_s, u"application/x-www-form-urlencoded"_s));
    QCOMPARE(request.value(u"cookies"_s).toArray(),
             (QJsonArray{header(u"sandbox_session"_s, u"abc"_s), header(u"theme"_s, u"dark"_s)}));
    QCOMPARE(request.value(u"headersSize"_s).toInt(), -1);
    const QJsonObject postData = request.value(u"postData"_s).toObject();
    QCOMPARE(postData.value(u"mimeType"_s).toString(), u"application/x-www-form-urlencoded"_s);
    QCOMPARE(postData.value(u"text"_s).toString(), u"grant_type=authorization_code&code=x%20y"_s);
    QCOMPARE(postData.value(u"params"_s).toArray(),
             (QJsonArray{header(u"grant_type"_s, u"authorization_code"_s), header(u"code"_s, u"x y"_s)}));
    const QJsonObject response = entry.value(u"response"_s).toObject();
    QCOMPARE(response.value(u"statusText"_s).toString(), u"Bad Request"_s);
    QCOMPARE(response.value(u"redirectURL"_s).toString(), QString());
    const QJsonObject content = response.value(u"content"_s).toObject();
    QCOMPARE(content.value(u"mimeType"_s).toString(), u"application/json"_s);
    QCOMPARE(content.value(u"text"_s).toString(), u"{\"error\":\"invalid_grant\"}"_s);
    QVERIFY(!content.contains(u"encoding"_s));
    QCOMPARE(entry.value(u"_findings"_s).toArray(), QJsonArray{u"The client sent its secret in the body."_s});
    QCOMPARE(entry.value(u"_clientId"_s).toString(), u"test-suite"_s);
}

void tst_Har::redirectEntry()
{
    const QJsonObject entry = Har::entry(redirect(), u"http://localhost:9000"_s);
    QVERIFY(!entry.value(u"request"_s).toObject().contains(u"postData"_s));
    QCOMPARE(entry.value(u"request"_s).toObject().value(u"queryString"_s).toArray(), QJsonArray());
    const QJsonObject response = entry.value(u"response"_s).toObject();
    QCOMPARE(response.value(u"status"_s).toInt(), 302);
    QCOMPARE(response.value(u"redirectURL"_s).toString(), u"http://localhost:3000/cb?code=1"_s);
    const QJsonObject cookie = response.value(u"cookies"_s).toArray().at(0).toObject();
    QCOMPARE(cookie.value(u"name"_s).toString(), u"sandbox_session"_s);
    QCOMPARE(cookie.value(u"value"_s).toString(), u"xyz"_s);
    QCOMPARE(cookie.value(u"path"_s).toString(), u"/"_s);
    QCOMPARE(cookie.value(u"httpOnly"_s).toBool(), true);
    QCOMPARE(response.value(u"content"_s).toObject().value(u"size"_s).toInt(), 0);
    QCOMPARE(entry.value(u"_tokenId"_s).toString(), u"t-1"_s);
    QVERIFY(!entry.contains(u"_findings"_s));
}

void tst_Har::binaryAndCutBodies()
{
    const QJsonObject entry = Har::entry(binary(), u"http://127.0.0.1:9000"_s);
    const QJsonObject postData = entry.value(u"request"_s).toObject().value(u"postData"_s).toObject();
    QCOMPARE(postData.value(u"_encoding"_s).toString(), u"base64"_s);
    QCOMPARE(QByteArray::fromBase64(postData.value(u"text"_s).toString().toLatin1()), QByteArray("\x00\x01\xff", 3));
    QVERIFY(postData.value(u"comment"_s).toString().contains(u"70000"_s));
    QCOMPARE(entry.value(u"request"_s).toObject().value(u"bodySize"_s).toInt(), 70'000);
    const QJsonObject content = entry.value(u"response"_s).toObject().value(u"content"_s).toObject();
    QCOMPARE(content.value(u"encoding"_s).toString(), u"base64"_s);
    QCOMPARE(QByteArray::fromBase64(content.value(u"text"_s).toString().toLatin1()), QByteArray("\x89PNG\x00", 5));
    QCOMPARE(content.value(u"mimeType"_s).toString(), u"image/png"_s);
}

QTEST_GUILESS_MAIN(tst_Har)
#include "tst_har.moc"
