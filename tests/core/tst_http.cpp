// SPDX-License-Identifier: Apache-2.0
// The HTTP helpers every route relies on: form and query decoding, headers, HTTP dates, JSON
// bodies, the status each domain error answers with, and bodies kept as text without loss.

#include "fhir/sampledata.h"
#include "jsonwriter.h"
#include "server/bodytext.h"
#include "server/http.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QStringDecoder>
#include <QTest>

using namespace Qt::StringLiterals;

class TestHttp final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodeForm_data();
    void decodeForm();
    void header_data();
    void header();
    void queryValue_data();
    void queryValue();
    void httpDate_data();
    void httpDate();
    void httpDateIgnoresLocale();
    void httpDateMatchesQLocale();
    void jsonWriterMatchesQJsonDocument_data();
    void jsonWriterMatchesQJsonDocument();
    void compactMatchesQJsonDocument_data();
    void compactMatchesQJsonDocument();
    void compactMatchesQJsonDocumentForSampleRecords();
    void parseJsonObject_data();
    void parseJsonObject();
    void statusFor_data();
    void statusFor();
    void errorResponse();
    void bodyText_data();
    void bodyText();
};

void TestHttp::decodeForm_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QueryItems>("expected");

    QTest::newRow("one pair") << QByteArray("grant_type=authorization_code")
                              << QueryItems{{u"grant_type"_s, u"authorization_code"_s}};
    QTest::newRow("several pairs in order")
        << QByteArray("b=2&a=1&b=3") << QueryItems{{u"b"_s, u"2"_s}, {u"a"_s, u"1"_s}, {u"b"_s, u"3"_s}};
    QTest::newRow("plus is a space") << QByteArray("scope=launch+openid+fhirUser")
                                     << QueryItems{{u"scope"_s, u"launch openid fhirUser"_s}};
    QTest::newRow("%20 is a space") << QByteArray("scope=launch%20openid")
                                    << QueryItems{{u"scope"_s, u"launch openid"_s}};
    QTest::newRow("%2B is a plus") << QByteArray("secret=a%2Bb+c") << QueryItems{{u"secret"_s, u"a+b c"_s}};
    QTest::newRow("encoded separators") << QByteArray("redirect_uri=https%3A%2F%2Fapp%2Fcb%3Fa%3D1%26b%3D2")
                                        << QueryItems{{u"redirect_uri"_s, u"https://app/cb?a=1&b=2"_s}};
    QTest::newRow("lower-case hex") << QByteArray("x=%2f%3a") << QueryItems{{u"x"_s, u"/:"_s}};
    QTest::newRow("malformed escape kept") << QByteArray("x=100%zz") << QueryItems{{u"x"_s, u"100%zz"_s}};
    QTest::newRow("lone percent kept") << QByteArray("x=100%") << QueryItems{{u"x"_s, u"100%"_s}};
    QTest::newRow("short escape kept") << QByteArray("x=%4") << QueryItems{{u"x"_s, u"%4"_s}};
    QTest::newRow("half-hex escape kept") << QByteArray("x=%4g") << QueryItems{{u"x"_s, u"%4g"_s}};
    QTest::newRow("escape at the very end") << QByteArray("x=%41") << QueryItems{{u"x"_s, u"A"_s}};
    QTest::newRow("empty pairs skipped") << QByteArray("&&a=1&&b=2&") << QueryItems{{u"a"_s, u"1"_s}, {u"b"_s, u"2"_s}};
    QTest::newRow("key without equals") << QByteArray("flag&a=1")
                                        << QueryItems{{u"flag"_s, QString(u""_s)}, {u"a"_s, u"1"_s}};
    QTest::newRow("empty value") << QByteArray("a=") << QueryItems{{u"a"_s, QString(u""_s)}};
    QTest::newRow("empty key") << QByteArray("=v") << QueryItems{{QString(u""_s), u"v"_s}};
    QTest::newRow("equals in value") << QByteArray("state=a=b") << QueryItems{{u"state"_s, u"a=b"_s}};
    QTest::newRow("UTF-8 escapes") << QByteArray("name=J%C3%BCrgen+%E2%82%AC")
                                   << QueryItems{{u"name"_s, u"Jürgen €"_s}};
    QTest::newRow("raw UTF-8") << QByteArray("name=J\xc3\xbcrgen") << QueryItems{{u"name"_s, u"Jürgen"_s}};
    QTest::newRow("encoded key") << QByteArray("client%5Fid=x") << QueryItems{{u"client_id"_s, u"x"_s}};
    QTest::newRow("empty input") << QByteArray() << QueryItems{};
    QTest::newRow("only separators") << QByteArray("&&&") << QueryItems{};
}

void TestHttp::decodeForm()
{
    QFETCH(QByteArray, data);
    QFETCH(QueryItems, expected);

    const QueryItems items = Http::decodeForm(data);
    QCOMPARE(items, expected);
    // A value that is present but empty is an empty string, never a null one.
    for (const auto &[key, value] : items) {
        QVERIFY(!key.isNull());
        QVERIFY(!value.isNull());
    }
}

void TestHttp::header_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("present");

    QTest::newRow("exact case") << QByteArray("Content-Type") << QByteArray("application/json") << true;
    QTest::newRow("lower case") << QByteArray("content-type") << QByteArray("application/json") << true;
    QTest::newRow("upper case") << QByteArray("CONTENT-TYPE") << QByteArray("application/json") << true;
    QTest::newRow("first of duplicates") << QByteArray("x-dup") << QByteArray("first") << true;
    QTest::newRow("present but empty") << QByteArray("X-Empty") << QByteArray("") << true;
    QTest::newRow("absent") << QByteArray("Authorization") << QByteArray() << false;
    QTest::newRow("prefix of a name") << QByteArray("Content") << QByteArray() << false;
    QTest::newRow("longer than a name") << QByteArray("Content-Type-X") << QByteArray() << false;
}

void TestHttp::header()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(bool, present);

    HttpRequest request;
    request.headers
        = {{"Content-Type", "application/json"}, {"X-Dup", "first"}, {"x-dup", "second"}, {"X-Empty", QByteArray()}};
    const QByteArray found = request.header(name);
    QCOMPARE(found.isNull(), !present);
    QCOMPARE(request.hasHeader(name), present);
    QCOMPARE(found, value);
}

void TestHttp::queryValue_data()
{
    QTest::addColumn<QByteArray>("rawQuery");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value"); // null: absent

    QTest::newRow("simple") << QByteArray("token=abc") << u"token"_s << u"abc"_s;
    QTest::newRow("first of repeated") << QByteArray("a=1&a=2") << u"a"_s << u"1"_s;
    QTest::newRow("decoded") << QByteArray("scope=launch+patient%2F*.read") << u"scope"_s << u"launch patient/*.read"_s;
    QTest::newRow("case-sensitive name") << QByteArray("Token=abc") << u"token"_s << QString();
    QTest::newRow("absent") << QByteArray("a=1") << u"b"_s << QString();
    QTest::newRow("empty query") << QByteArray() << u"a"_s << QString();
    QTest::newRow("key without value") << QByteArray("debug&a=1") << u"debug"_s << QString(u""_s);
    QTest::newRow("empty value") << QByteArray("a=&b=2") << u"a"_s << QString(u""_s);
}

void TestHttp::queryValue()
{
    QFETCH(QByteArray, rawQuery);
    QFETCH(QString, name);
    QFETCH(QString, value);

    HttpRequest request;
    request.rawQuery = rawQuery;
    const QString found = request.queryValue(name);
    QCOMPARE(found.isNull(), value.isNull());
    QCOMPARE(found, value);
}

void TestHttp::httpDate_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("expected");

    QTest::newRow("RFC 9110 example instant") << qint64(1527806923000) << u"Thu, 31 May 2018 22:48:43 GMT"_s;
    QTest::newRow("milliseconds dropped") << qint64(1527806923999) << u"Thu, 31 May 2018 22:48:43 GMT"_s;
    QTest::newRow("epoch") << qint64(0) << u"Thu, 01 Jan 1970 00:00:00 GMT"_s;
    QTest::newRow("single-digit day and hour") << qint64(1767574805000) << u"Mon, 05 Jan 2026 01:00:05 GMT"_s;
    QTest::newRow("leap day") << qint64(1709164800000) << u"Thu, 29 Feb 2024 00:00:00 GMT"_s;
    QTest::newRow("end of year") << qint64(1767225599000) << u"Wed, 31 Dec 2025 23:59:59 GMT"_s;
    QTest::newRow("before the epoch") << qint64(-1) << u"Wed, 31 Dec 1969 23:59:59 GMT"_s;
    QTest::newRow("century leap day") << qint64(951782400000) << u"Tue, 29 Feb 2000 00:00:00 GMT"_s;
    QTest::newRow("no leap day in 2100") << qint64(4107542400000) << u"Mon, 01 Mar 2100 00:00:00 GMT"_s;
    QTest::newRow("last second of 9999") << qint64(253402300799000) << u"Fri, 31 Dec 9999 23:59:59 GMT"_s;
}

void TestHttp::httpDate()
{
    QFETCH(qint64, ms);
    QFETCH(QString, expected);

    QCOMPARE(Http::httpDate(ms), expected);
}

void TestHttp::httpDateIgnoresLocale()
{
    // HTTP dates are English whatever the user's locale is.
    const QLocale previous;
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    const QString date = Http::httpDate(1527806923000);
    QLocale::setDefault(previous);
    QCOMPARE(date, u"Thu, 31 May 2018 22:48:43 GMT"_s);
}

void TestHttp::httpDateMatchesQLocale()
{
    // The hand-written formatter against the QLocale one it replaced, from 1901 to 9999.
    quint64 state = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 20000; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const qint64 ms = qint64(state >> 11) % 255'000'000'000'000LL - 2'200'000'000'000LL;
        const QString expected
            = QLocale::c().toString(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC), u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_s);
        QCOMPARE(Http::httpDate(ms), expected);
    }
}

void TestHttp::jsonWriterMatchesQJsonDocument_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("number");

    QTest::newRow("plain") << u"Bearer"_s << qint64(3600);
    QTest::newRow("null string") << QString() << qint64(0);
    QTest::newRow("empty") << u""_s << qint64(-1);
    QTest::newRow("quotes and backslashes") << u"a \"b\" \\ c / d"_s << qint64(1'767'225'599);
    QTest::newRow("control characters") << u"tab\t nl\n cr\r bs\b ff\f nul\u0000 us\u001f del\u007f"_s
                                        << qint64(9'007'199'254'740'993);
    QTest::newRow("non-ASCII") << u"J\u00fcrgen \u20ac \U0001F600 \u00e9t\u00e9"_s << qint64(-9'007'199'254'740'993);
}

void TestHttp::jsonWriterMatchesQJsonDocument()
{
    QFETCH(QString, text);
    QFETCH(qint64, number);

    const QStringList list{text, u"x"_s, text};
    const QByteArray written = JsonWriter()
                                   .string("a_text"_L1, text)
                                   .boolean("b_true"_L1, true)
                                   .boolean("c_false"_L1, false)
                                   .stringOrNull("d_null"_L1, text, true)
                                   .stringOrNull("e_present"_L1, text, false)
                                   .number("f_number"_L1, number)
                                   .strings("g_list"_L1, list)
                                   .strings("h_empty"_L1, {})
                                   .finish();
    const QJsonObject object{{u"a_text"_s, text},
                             {u"b_true"_s, true},
                             {u"c_false"_s, false},
                             {u"d_null"_s, QJsonValue()},
                             {u"e_present"_s, text},
                             {u"f_number"_s, number},
                             {u"g_list"_s, QJsonArray::fromStringList(list)},
                             {u"h_empty"_s, QJsonArray()}};
    QCOMPARE(written, QJsonDocument(object).toJson(QJsonDocument::Compact));
    QCOMPARE(QJsonDocument::fromJson(written).object(), object);
}

void TestHttp::compactMatchesQJsonDocument_data()
{
    QTest::addColumn<QJsonValue>("json"); // an object or an array

    QTest::newRow("empty object") << QJsonValue(QJsonObject());
    QTest::newRow("empty array") << QJsonValue(QJsonArray());
    QTest::newRow("scalars") << QJsonValue(QJsonObject{
        {u"b"_s, true}, {u"f"_s, false}, {u"n"_s, QJsonValue()}, {u"s"_s, u"text"_s}, {u"null string"_s, QString()}});
    QTest::newRow("integers") << QJsonValue(QJsonArray{0, -1, 1, qint64(9'007'199'254'740'993),
                                                       std::numeric_limits<qint64>::max(),
                                                       std::numeric_limits<qint64>::min()});
    QTest::newRow("doubles") << QJsonValue(
        QJsonArray{0.1, -0.0, 1.0, 1e15, 1e21, 1.5e-7, 123456.789, 1e300, std::numeric_limits<double>::quiet_NaN(),
                   std::numeric_limits<double>::infinity(), -1e-300, 9007199254740993.0});
    QTest::newRow("escapes") << QJsonValue(
        QJsonObject{{u"a \"quoted\" \\ key"_s, u"tab\t nl\n cr\r bs\b ff\f nul\u0000 us\u001f del\u007f /"_s}});
    QTest::newRow("long runs between escapes") << QJsonValue(QJsonArray{
        QString(u"a"_s.repeated(700) + u"\"\n"_s + u"b"_s.repeated(300) + u"\u00e9\u0001"_s + u"c"_s.repeated(2000)),
        QString(u"\\"_s.repeated(3) + u"x"_s)});
    {
        // Each unit that ends a plain run, at each place in and around the runs compared eight
        // units at a time; and the units on either side of the plain range, which do not.
        QJsonArray strings;
        const QList<char16_t> units{u'"',  u'\\',  u'\n',  0x00,   0x1f, 0x80, 0xe9,
                                    0x7ff, 0xd800, 0xdc00, 0xfffd, 0x20, 0x7f};
        for (const char16_t unit : units) {
            for (qsizetype at = 0; at < 20; ++at) {
                QString text(20, u'a');
                text[at] = QChar(unit);
                strings.append(text);
            }
        }
        QTest::newRow("every unit that ends a run, everywhere") << QJsonValue(strings);
    }
    QTest::newRow("non-ASCII") << QJsonValue(
        QJsonObject{{u"cl\u00e9"_s, u"J\u00fcrgen \u20ac \U0001F600 \u00e9t\u00e9 \u2028 \ufeff"_s}});
    QTest::newRow("lone surrogates") << QJsonValue(
        QJsonArray{QString(QChar(0xd800)), QString(QString(QChar(0xdfff)) + u"x"_s),
                   QString(u"a"_s + QChar(0xdbff) + u"b"_s + QChar(0xdc00) + QChar(0xdc00))});
    QTest::newRow("nested") << QJsonValue(QJsonObject{
        {u"z"_s, QJsonArray{QJsonObject{{u"k"_s, QJsonArray{1, u"two"_s, QJsonArray{}, QJsonObject{}}}}, 2.5}},
        {u"a"_s, QJsonObject{{u"y"_s, QJsonValue()}, {u"x"_s, QJsonObject{{u"deep"_s, true}}}}}});
}

void TestHttp::compactMatchesQJsonDocument()
{
    QFETCH(QJsonValue, json);
    if (json.isObject()) {
        const QByteArray written = JsonWriter::compact(json.toObject());
        QCOMPARE(written, QJsonDocument(json.toObject()).toJson(QJsonDocument::Compact));
        QCOMPARE(HttpResponse::json(json.toObject()).body, written);
    } else {
        const QByteArray written = JsonWriter::compact(json.toArray());
        QCOMPARE(written, QJsonDocument(json.toArray()).toJson(QJsonDocument::Compact));
        QCOMPARE(HttpResponse::json(json.toArray()).body, written);
    }
}

void TestHttp::compactMatchesQJsonDocumentForSampleRecords()
{
    // Every built-in sample record: nested FHIR resources with dates, decimals, codes and text.
    const QList<QJsonObject> records = SampleData::generate();
    QVERIFY(records.size() > 1000);
    for (const QJsonObject &record : records)
        QCOMPARE(JsonWriter::compact(record), QJsonDocument(record).toJson(QJsonDocument::Compact));
    // And a record's members after other keys, as the registration answer merges them.
    const QJsonObject first = records.constFirst();
    JsonWriter writer;
    for (auto it = first.constBegin(); it != first.constEnd(); ++it)
        writer.value(it.key(), it.value());
    QCOMPARE(writer.finish(), QJsonDocument(first).toJson(QJsonDocument::Compact));
}

void TestHttp::parseJsonObject_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("mention"); // in the description when refused; the object's JSON when accepted

    QTest::newRow("object") << QByteArray(R"({"client_id":"api-test","n":1})") << true
                            << uR"({"client_id":"api-test","n":1})"_s;
    QTest::newRow("empty object") << QByteArray("{}") << true << u"{}"_s;
    QTest::newRow("object with whitespace") << QByteArray(" \n\t{\"a\": true}\r\n ") << true << uR"({"a":true})"_s;
    QTest::newRow("UTF-8 text") << QByteArray("{\"name\":\"J\xc3\xbcrgen\"}") << true << u"{\"name\":\"Jürgen\"}"_s;
    QTest::newRow("empty") << QByteArray() << false << u"empty"_s;
    QTest::newRow("whitespace only") << QByteArray(" \r\n\t ") << false << u"empty"_s;
    QTest::newRow("invalid JSON") << QByteArray("{\"a\":") << false << u"not valid JSON"_s;
    QTest::newRow("trailing garbage") << QByteArray("{} x") << false << u"not valid JSON"_s;
    QTest::newRow("form data") << QByteArray("client_id=x") << false << u"not valid JSON"_s;
    QTest::newRow("array") << QByteArray("[{\"a\":1}]") << false << u"JSON object"_s;
    // Qt 6.4's parser refuses a bare scalar as invalid JSON; either way the body is refused.
    QTest::newRow("string") << QByteArray("\"text\"") << false << u"JSON"_s;
    QTest::newRow("number") << QByteArray("42") << false << u"JSON"_s;
    QTest::newRow("null") << QByteArray("null") << false << u"JSON"_s;
}

void TestHttp::parseJsonObject()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, accepted);
    QFETCH(QString, mention);

    const Result<QJsonObject> parsed = Http::parseJsonObject(body, u"invalid_client_metadata"_s);
    QCOMPARE(parsed.ok(), accepted);
    if (accepted) {
        QCOMPARE(QString::fromUtf8(QJsonDocument(parsed.value()).toJson(QJsonDocument::Compact)), mention);
        return;
    }
    QCOMPARE(parsed.error().kind, ErrorKind::BadRequest);
    QCOMPARE(parsed.error().code, u"invalid_client_metadata"_s); // the caller's code, as given
    QVERIFY2(parsed.error().description.contains(mention), qPrintable(parsed.error().description));
}

void TestHttp::statusFor_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("reason");

    QTest::newRow("BadRequest") << int(ErrorKind::BadRequest) << 400 << QByteArray("Bad Request");
    QTest::newRow("Unauthorized") << int(ErrorKind::Unauthorized) << 401 << QByteArray("Unauthorized");
    QTest::newRow("Forbidden") << int(ErrorKind::Forbidden) << 403 << QByteArray("Forbidden");
    QTest::newRow("NotFound") << int(ErrorKind::NotFound) << 404 << QByteArray("Not Found");
    QTest::newRow("Conflict") << int(ErrorKind::Conflict) << 409 << QByteArray("Conflict");
    QTest::newRow("TooLarge") << int(ErrorKind::TooLarge) << 413 << QByteArray("Payload Too Large");
    QTest::newRow("Storage") << int(ErrorKind::Storage) << 500 << QByteArray("Internal Server Error");
    QTest::newRow("Unavailable") << int(ErrorKind::Unavailable) << 503 << QByteArray("Service Unavailable");
}

void TestHttp::statusFor()
{
    QFETCH(int, kind);
    QFETCH(int, status);
    QFETCH(QByteArray, reason);

    QCOMPARE(Http::statusFor(ErrorKind(kind)), status);
    QCOMPARE(Http::reasonPhrase(status), reason);
}

void TestHttp::errorResponse()
{
    const HttpResponse response
        = Http::errorResponse(Error{ErrorKind::Unauthorized, u"invalid_client"_s, u"Unknown client \"x\""_s});
    QCOMPARE(response.status, 401);
    QCOMPARE(response.contentType, QByteArray("application/json"));
    const QJsonObject body = QJsonDocument::fromJson(response.body).object();
    QCOMPARE(body.size(), 2);
    QCOMPARE(body.value(u"error"_s).toString(), u"invalid_client"_s);
    QCOMPARE(body.value(u"error_description"_s).toString(), u"Unknown client \"x\""_s);
}

void TestHttp::bodyText_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("encoding");

    QTest::newRow("empty") << QByteArray() << u"utf-8"_s;
    QTest::newRow("ASCII JSON") << QByteArray(R"({"active":true})") << u"utf-8"_s;
    QTest::newRow("form") << QByteArray("grant_type=authorization_code&code=x") << u"utf-8"_s;
    QTest::newRow("UTF-8 text") << QByteArray("J\xc3\xbcrgen \xe2\x82\xac \xf0\x9f\x98\x80") << u"utf-8"_s;
    QTest::newRow("newlines and tabs") << QByteArray("a\r\n\tb\n") << u"utf-8"_s;
    QTest::newRow("NUL byte") << QByteArray("a\0b", 3) << u"base64"_s;
    QTest::newRow("only NUL") << QByteArray("\0", 1) << u"base64"_s;
    QTest::newRow("invalid UTF-8") << QByteArray("\xff\xfe\xfd") << u"base64"_s;
    QTest::newRow("Latin-1 text") << QByteArray("J\xfcrgen") << u"base64"_s;
    QTest::newRow("truncated sequence at end") << QByteArray("euro \xe2\x82") << u"base64"_s;
    QTest::newRow("overlong encoding") << QByteArray("\xc0\xaf") << u"base64"_s;
    QTest::newRow("encoded surrogate") << QByteArray("\xed\xa0\x80") << u"base64"_s;
    QByteArray allBytes;
    for (int value = 0; value < 256; ++value)
        allBytes.append(char(value));
    QTest::newRow("every byte value") << allBytes << u"base64"_s;
    QTest::newRow("PNG signature") << QByteArray("\x89PNG\r\n\x1a\n", 8) << u"base64"_s;
    // A body that starts with a UTF-8 byte order mark is valid UTF-8 and must come back byte for byte.
    QTest::newRow("byte order mark") << QByteArray("\xef\xbb\xbf{\"a\":1}") << u"utf-8"_s;
}

void TestHttp::bodyText()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, encoding);

    const BodyText text = BodyText::encode(body);
    QCOMPARE(text.decode(), body);
    QCOMPARE(text.encoding, encoding);
    if (encoding == u"utf-8"_s)
        QCOMPARE(text.text.toUtf8(), body); // readable as it is in the database and JSON
    else
        QCOMPARE(text.text, QString::fromLatin1(body.toBase64()));

    // What is stored can be read back by a fresh value, as the request log does.
    const BodyText stored{text.text, text.encoding};
    QCOMPARE(stored.decode(), body);
}

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"
