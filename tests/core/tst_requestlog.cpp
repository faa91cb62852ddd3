// SPDX-License-Identifier: Apache-2.0
// The request log as the UI and a developer see it: entries announced at once and written in
// batches, bodies capped without breaking text, binary bodies kept exactly, the row cap, the
// NDJSON copy and clearing. Runs on SQLite and PostgreSQL.

#include "coretestdatabase.h"
#include "server/requestlog.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

RequestLogEntry entry(int number)
{
    RequestLogEntry entry;
    entry.startedAtMs = TestSupport::s_epochMs + number * 1000;
    entry.durationUs = 1500 + number;
    entry.remoteAddress = u"127.0.0.1"_s;
    entry.method = number % 2 ? u"POST"_s : u"GET"_s;
    entry.path = u"/r/%1"_s.arg(number);
    entry.query = u"n=%1&flag"_s.arg(number);
    entry.status = 200 + number % 3;
    entry.clientId = u"test-suite"_s;
    entry.tokenId = u"token-%1"_s.arg(number);
    // Header values as clients send them, including the characters JSON must escape.
    entry.requestHeaders = {{"Content-Type", "application/json"},
                            {"X-Number", QByteArray::number(number)},
                            {"X-Odd", QByteArray("quote \" backslash \\ tab \t latin-1 \xe9 end")}};
    entry.requestBody = "{\"n\":" + QByteArray::number(number) + "}";
    entry.requestBodySize = entry.requestBody.size();
    entry.responseHeaders = {{"Content-Type", "application/json"}};
    entry.responseBody = "{\"ok\":true}";
    entry.responseBodySize = entry.responseBody.size();
    return entry;
}

QStringList paths(const QList<RequestLogEntry> &entries)
{
    QStringList list;
    for (const RequestLogEntry &entry : entries)
        list.append(entry.path);
    return list;
}

bool isValidUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)decoder.decode(bytes);
    return !decoder.hasError();
}

struct OpenedLog
{
    std::unique_ptr<Database> database;
    std::unique_ptr<RequestLog> log;
    QString error;
};

OpenedLog openLog(const QString &location)
{
    OpenedLog opened;
    Result<DatabaseLocation> parsed = DatabaseLocation::parse(location);
    if (!parsed) {
        opened.error = parsed.error().description;
        return opened;
    }
    Result<std::unique_ptr<Database>> database = Database::open(parsed.value());
    if (!database) {
        opened.error = database.error().description;
        return opened;
    }
    opened.database = std::move(database).value();
    opened.log = std::make_unique<RequestLog>(*opened.database);
    return opened;
}

} // namespace

// A fresh database of the row's engine and a RequestLog on it, as `log`.
#define OPEN_LOG() \
    CORE_TEST_DATABASE(testDatabase); \
    OpenedLog opened = openLog(testDatabase->location()); \
    QVERIFY2(opened.error.isEmpty(), qPrintable(opened.error)); \
    RequestLog &log = *opened.log;

class TestRequestLog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordAnnouncesAtOnce_data() { CoreTest::addEngineData(); }
    void recordAnnouncesAtOnce();
    void flushWritesOneBatch_data() { CoreTest::addEngineData(); }
    void flushWritesOneBatch();
    void timerWritesWithoutFlush_data() { CoreTest::addEngineData(); }
    void timerWritesWithoutFlush();
    void largeBacklogWritesAtOnce_data() { CoreTest::addEngineData(); }
    void largeBacklogWritesAtOnce();
    void capBody_data();
    void capBody();
    void cappedBodyKeepsRealSize_data() { CoreTest::addEngineData(); }
    void cappedBodyKeepsRealSize();
    void bodiesRoundTrip_data();
    void bodiesRoundTrip();
    void capKeepsNewest_data() { CoreTest::addEngineData(); }
    void capKeepsNewest();
    void logFile_data() { CoreTest::addEngineData(); }
    void logFile();
    void logFileUnwritable_data();
    void logFileUnwritable();
    void clear_data() { CoreTest::addEngineData(); }
    void clear();
};

void TestRequestLog::recordAnnouncesAtOnce()
{
    OPEN_LOG();
    log.setInstance(u"sandbox-host:9000"_s);
    QSignalSpy logged(&log, &RequestLog::requestLogged);
    QSignalSpy stored(&log, &RequestLog::requestsStored);

    log.record(entry(1));
    QCOMPARE(logged.count(), 1);
    const RequestLogEntry announced = logged.at(0).at(0).value<RequestLogEntry>();
    QCOMPARE(announced.path, u"/r/1"_s);
    QCOMPARE(announced.sequence, quint64(1));
    QCOMPARE(announced.instance, u"sandbox-host:9000"_s);
    QCOMPARE(announced.id, qint64(0)); // not written yet

    RequestLogEntry own = entry(2);
    own.instance = u"other-instance"_s;
    log.record(own);
    QCOMPARE(logged.count(), 2);
    QCOMPARE(logged.at(1).at(0).value<RequestLogEntry>().sequence, quint64(2));
    QCOMPARE(logged.at(1).at(0).value<RequestLogEntry>().instance, u"other-instance"_s);

    // Nothing is written until a flush.
    QCOMPARE(log.pendingCount(), 2);
    QCOMPARE(log.storedCount().value(), qint64(0));
    QVERIFY(log.newest(10).value().isEmpty());
    QCOMPARE(stored.count(), 0);
}

void TestRequestLog::flushWritesOneBatch()
{
    OPEN_LOG();
    log.setInstance(u"sandbox-host:9000"_s);
    QSignalSpy stored(&log, &RequestLog::requestsStored);
    for (int i = 1; i <= 3; ++i)
        log.record(entry(i));

    const Status flushed = log.flush();
    QVERIFY2(flushed.ok(), qPrintable(flushed.ok() ? QString() : flushed.error().description));
    QCOMPARE(stored.count(), 1); // one batch
    QCOMPARE(stored.at(0).at(0).toInt(), 3);
    QCOMPARE(log.pendingCount(), 0);
    QCOMPARE(log.storedCount().value(), qint64(3));

    const QList<RequestLogEntry> entries = log.newest(10).value();
    QCOMPARE(paths(entries), (QStringList{u"/r/1"_s, u"/r/2"_s, u"/r/3"_s})); // oldest first
    QVERIFY(entries.at(0).id > 0);
    QCOMPARE(entries.at(1).id, entries.at(0).id + 1);
    QCOMPARE(entries.at(2).id, entries.at(0).id + 2);
    for (int i = 1; i <= 3; ++i) {
        const RequestLogEntry expected = entry(i);
        const RequestLogEntry &actual = entries.at(i - 1);
        QCOMPARE(actual.instance, u"sandbox-host:9000"_s);
        QCOMPARE(actual.startedAtMs, expected.startedAtMs);
        QCOMPARE(actual.durationUs, expected.durationUs);
        QCOMPARE(actual.remoteAddress, expected.remoteAddress);
        QCOMPARE(actual.method, expected.method);
        QCOMPARE(actual.query, expected.query);
        QCOMPARE(actual.status, expected.status);
        QCOMPARE(actual.clientId, expected.clientId);
        QCOMPARE(actual.tokenId, expected.tokenId);
        QCOMPARE(actual.requestHeaders, expected.requestHeaders);
        QCOMPARE(actual.requestBody, expected.requestBody);
        QCOMPARE(actual.requestBodySize, expected.requestBodySize);
        QCOMPARE(actual.responseHeaders, expected.responseHeaders);
        QCOMPARE(actual.responseBody, expected.responseBody);
        QCOMPARE(actual.responseBodySize, expected.responseBodySize);
    }
    QCOMPARE(paths(log.newest(2).value()), (QStringList{u"/r/2"_s, u"/r/3"_s}));

    // Flushing with nothing pending writes nothing and announces nothing.
    QVERIFY(log.flush().ok());
    QCOMPARE(stored.count(), 1);
    QCOMPARE(log.storedCount().value(), qint64(3));
}

void TestRequestLog::timerWritesWithoutFlush()
{
    OPEN_LOG();
    log.setFlushInterval(0);
    QSignalSpy stored(&log, &RequestLog::requestsStored);
    log.record(entry(1));
    log.record(entry(2));
    QCOMPARE(log.storedCount().value(), qint64(0));
    // The batch timer fires once control returns to the event loop: one batch for both.
    QVERIFY(stored.wait(5000));
    QCOMPARE(stored.count(), 1);
    QCOMPARE(stored.at(0).at(0).toInt(), 2);
    QCOMPARE(log.storedCount().value(), qint64(2));
}

void TestRequestLog::largeBacklogWritesAtOnce()
{
    OPEN_LOG();
    log.setFlushInterval(60'000); // only a full batch can start a write within this test
    QSignalSpy stored(&log, &RequestLog::requestsStored);
    for (int i = 1; i < RequestLog::s_batchSize; ++i)
        log.record(entry(i));
    QCOMPARE(log.storedCount().value(), qint64(0));
    log.record(entry(int(RequestLog::s_batchSize))); // a full batch goes without waiting for the timer
    QTRY_COMPARE(stored.count(), 1);
    QCOMPARE(stored.at(0).at(0).toInt(), int(RequestLog::s_batchSize));
    QCOMPARE(log.pendingCount(), 0);
    QCOMPARE(log.storedCount().value(), qint64(RequestLog::s_batchSize));
}

void TestRequestLog::capBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("size");

    constexpr int cap = int(RequestLogEntry::s_bodyCap);
    QCOMPARE(cap, 64 * 1024);
    const QByteArray euro = "\xe2\x82\xac"; // 3 bytes
    const QByteArray smile = "\xf0\x9f\x98\x80"; // 4 bytes

    QTest::newRow("small") << QByteArray("hello") << 5;
    QTest::newRow("empty") << QByteArray() << 0;
    QTest::newRow("exactly the cap") << QByteArray(cap, 'a') << cap;
    QTest::newRow("one over") << QByteArray(cap + 1, 'a') << cap;
    QTest::newRow("far over") << QByteArray(5 * cap, 'a') << cap;
    QTest::newRow("3-byte char ends exactly at the cap") << QByteArray(cap - 3, 'a') + euro + "b" << cap;
    QTest::newRow("3-byte char split after 1 byte") << QByteArray(cap - 1, 'a') + euro << cap - 1;
    QTest::newRow("3-byte char split after 2 bytes") << QByteArray(cap - 2, 'a') + euro << cap - 2;
    QTest::newRow("4-byte char split after 1 byte") << QByteArray(cap - 1, 'a') + smile << cap - 1;
    QTest::newRow("4-byte char split after 2 bytes") << QByteArray(cap - 2, 'a') + smile << cap - 2;
    QTest::newRow("4-byte char split after 3 bytes") << QByteArray(cap - 3, 'a') + smile << cap - 3;
    QTest::newRow("2-byte char split") << QByteArray(cap - 1, 'a') + "\xc3\xbc" << cap - 1;
    QByteArray euros;
    while (euros.size() <= cap + 3)
        euros += euro;
    QTest::newRow("only 3-byte chars") << euros << cap - cap % 3;
}

void TestRequestLog::capBody()
{
    QFETCH(QByteArray, body);
    QFETCH(int, size);

    const QByteArray capped = RequestLog::capBody(body);
    QCOMPARE(capped.size(), qsizetype(size));
    QVERIFY(body.startsWith(capped));
    if (isValidUtf8(body))
        QVERIFY(isValidUtf8(capped)); // text stays text
}

void TestRequestLog::cappedBodyKeepsRealSize()
{
    OPEN_LOG();
    QSignalSpy logged(&log, &RequestLog::requestLogged);

    QByteArray text;
    while (text.size() < 100 * 1024)
        text += "J\xc3\xbcrgen \xe2\x82\xac ";
    QByteArray binary(70000, Qt::Uninitialized);
    for (int i = 0; i < binary.size(); ++i)
        binary[i] = char(i % 251);
    RequestLogEntry big = entry(1);
    big.requestBody = text;
    big.requestBodySize = text.size();
    big.responseBody = binary;
    big.responseBodySize = binary.size();
    log.record(big);

    const RequestLogEntry announced = logged.at(0).at(0).value<RequestLogEntry>();
    QVERIFY(announced.requestBody.size() <= RequestLogEntry::s_bodyCap);
    QVERIFY(announced.requestBody.size() > RequestLogEntry::s_bodyCap - 4);
    QVERIFY(isValidUtf8(announced.requestBody));
    QCOMPARE(announced.requestBodySize, qint64(text.size()));
    QVERIFY(announced.requestBodyTruncated());
    QCOMPARE(announced.responseBody, binary.left(RequestLogEntry::s_bodyCap));
    QCOMPARE(announced.responseBodySize, qint64(70000));
    QVERIFY(announced.responseBodyTruncated());

    QVERIFY(log.flush().ok());
    const RequestLogEntry stored = log.newest(1).value().at(0);
    QCOMPARE(stored.requestBody, announced.requestBody);
    QCOMPARE(stored.requestBodySize, qint64(text.size()));
    QVERIFY(stored.requestBodyTruncated());
    QCOMPARE(stored.responseBody, announced.responseBody);
    QCOMPARE(stored.responseBodySize, qint64(70000));
    QVERIFY(stored.responseBodyTruncated());

    // A small body is not marked as cut.
    QVERIFY(!entry(2).requestBodyTruncated());
}

void TestRequestLog::bodiesRoundTrip_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QByteArray>("body");

    QByteArray allBytes;
    for (int value = 0; value < 256; ++value)
        allBytes.append(char(value));
    const QList<QPair<const char *, QByteArray>> bodies = {
        {"empty", QByteArray()},
        {"UTF-8 text", QByteArray("J\xc3\xbcrgen \xe2\x82\xac \xf0\x9f\x98\x80\n")},
        {"every byte value", allBytes},
        {"NUL bytes", QByteArray("\0a\0b\0", 5)},
        {"invalid UTF-8", QByteArray("\xff\xfe\xfd ok")},
        {"PNG signature", QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)},
        {"quotes and backslashes", QByteArray(R"({"a":"b\"c\\d'e"})")},
    };
    for (const char *engine : {"sqlite", "postgres"}) {
        for (const auto &[name, body] : bodies)
            QTest::addRow("%s: %s", engine, name) << QString::fromLatin1(engine) << body;
    }
}

void TestRequestLog::bodiesRoundTrip()
{
    QFETCH(QByteArray, body);
    OPEN_LOG();

    RequestLogEntry exchange = entry(1);
    exchange.requestBody = body;
    exchange.requestBodySize = body.size();
    exchange.responseBody = body;
    exchange.responseBodySize = body.size();
    log.record(exchange);
    QVERIFY(log.flush().ok());

    const RequestLogEntry stored = log.newest(1).value().at(0);
    QCOMPARE(stored.requestBody, body);
    QCOMPARE(stored.responseBody, body);
    QVERIFY(!stored.requestBodyTruncated());
}

void TestRequestLog::capKeepsNewest()
{
    OPEN_LOG();
    log.setCap(5);
    QCOMPARE(log.cap(), 5);
    for (int i = 1; i <= 12; ++i)
        log.record(entry(i));
    QVERIFY(log.flush().ok());
    QCOMPARE(log.storedCount().value(), qint64(5));
    QCOMPARE(paths(log.newest(100).value()), (QStringList{u"/r/8"_s, u"/r/9"_s, u"/r/10"_s, u"/r/11"_s, u"/r/12"_s}));

    // Later batches push the oldest out, a few at a time.
    for (int i = 13; i <= 15; ++i)
        log.record(entry(i));
    QVERIFY(log.flush().ok());
    QCOMPARE(log.storedCount().value(), qint64(5));
    QCOMPARE(paths(log.newest(100).value()), (QStringList{u"/r/11"_s, u"/r/12"_s, u"/r/13"_s, u"/r/14"_s, u"/r/15"_s}));

    // Under the cap nothing goes.
    log.setCap(100);
    log.record(entry(16));
    QVERIFY(log.flush().ok());
    QCOMPARE(log.storedCount().value(), qint64(6));
}

void TestRequestLog::logFile()
{
    OPEN_LOG();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString fileName = dir.filePath(u"requests.ndjson"_s);
    const Status set = log.setLogFile(fileName);
    QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error().description));

    RequestLogEntry binary = entry(2);
    binary.requestBody = QByteArray("\x89PNG\0", 5);
    binary.requestBodySize = 5;
    log.record(entry(1));
    log.record(binary);
    log.record(entry(3));
    QVERIFY(log.flush().ok());

    const auto readLines = [&] {
        QFile file(fileName);
        if (!file.open(QIODevice::ReadOnly))
            return QList<QByteArray>{"<unreadable>"};
        QList<QByteArray> lines = file.readAll().split('\n');
        if (!lines.isEmpty() && lines.last().isEmpty())
            lines.removeLast(); // the final newline
        return lines;
    };
    QList<QByteArray> lines = readLines();
    QCOMPARE(lines.size(), 3);
    QList<QJsonObject> objects;
    for (const QByteArray &line : std::as_const(lines)) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
        QVERIFY(document.isObject());
        objects.append(document.object());
    }
    QCOMPARE(objects.at(0).value(u"path"_s).toString(), u"/r/1"_s);
    QCOMPARE(objects.at(0).value(u"method"_s).toString(), u"POST"_s);
    QCOMPARE(objects.at(0).value(u"status"_s).toInt(), 201);
    QCOMPARE(objects.at(0).value(u"client_id"_s).toString(), u"test-suite"_s);
    QCOMPARE(objects.at(0).value(u"started_at"_s).toString(), u"2026-01-15T10:00:01.000Z"_s);
    QCOMPARE(objects.at(0).value(u"request_body"_s).toString(), u"{\"n\":1}"_s);
    QCOMPARE(objects.at(0).value(u"request_body_encoding"_s).toString(), u"utf-8"_s);
    QCOMPARE(objects.at(1).value(u"request_body_encoding"_s).toString(), u"base64"_s);
    QCOMPARE(QByteArray::fromBase64(objects.at(1).value(u"request_body"_s).toString().toLatin1()),
             QByteArray("\x89PNG\0", 5));
    QCOMPARE(objects.at(2).value(u"path"_s).toString(), u"/r/3"_s);

    // Entries go on being appended; an empty name turns the copy off.
    log.record(entry(4));
    QVERIFY(log.flush().ok());
    QCOMPARE(readLines().size(), 4);
    QVERIFY(log.setLogFile(QString()).ok());
    log.record(entry(5));
    QVERIFY(log.flush().ok());
    QCOMPARE(readLines().size(), 4);
    QCOMPARE(log.storedCount().value(), qint64(5)); // the database has them all

    // Setting the same file again appends rather than truncates.
    QVERIFY(log.setLogFile(fileName).ok());
    log.record(entry(6));
    QVERIFY(log.flush().ok());
    lines = readLines();
    QCOMPARE(lines.size(), 5);
    QCOMPARE(QJsonDocument::fromJson(lines.last()).object().value(u"path"_s).toString(), u"/r/6"_s);
}

void TestRequestLog::logFileUnwritable_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("fileName");

    QTest::newRow("folder missing") << u"sqlite"_s << u"/nonexistent-folder/requests.ndjson"_s;
    QTest::newRow("under a file") << u"sqlite"_s
                                  << u"%1/requests.ndjson"_s.arg(QCoreApplication::applicationFilePath());
    QTest::newRow("is a folder") << u"sqlite"_s << QDir::tempPath();
    QTest::newRow("in /proc") << u"sqlite"_s << u"/proc/requests.ndjson"_s;
}

void TestRequestLog::logFileUnwritable()
{
    QFETCH(QString, fileName);
    OPEN_LOG();

    const Status set = log.setLogFile(fileName);
    QVERIFY(!set.ok());
    QCOMPARE(set.error().code, u"log_file"_s);
    QVERIFY2(set.error().description.contains(fileName), qPrintable(set.error().description));
    QVERIFY(!set.error().description.contains(u'\n'));

    // The log itself keeps working.
    log.record(entry(1));
    QVERIFY(log.flush().ok());
    QCOMPARE(log.storedCount().value(), qint64(1));
}

void TestRequestLog::clear()
{
    OPEN_LOG();
    QSignalSpy cleared(&log, &RequestLog::cleared);
    log.record(entry(1));
    log.record(entry(2));
    QVERIFY(log.flush().ok());
    log.record(entry(3)); // still pending

    QVERIFY(log.clear().ok());
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(log.storedCount().value(), qint64(0));
    QCOMPARE(log.pendingCount(), 0);
    QVERIFY(log.flush().ok());
    QCOMPARE(log.storedCount().value(), qint64(0)); // the pending entry went too
    QVERIFY(log.newest(10).value().isEmpty());

    // Logging goes on afterwards.
    log.record(entry(4));
    QVERIFY(log.flush().ok());
    QCOMPARE(paths(log.newest(10).value()), QStringList{u"/r/4"_s});
}

QTEST_GUILESS_MAIN(TestRequestLog)
#include "tst_requestlog.moc"
