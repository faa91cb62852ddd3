// SPDX-License-Identifier: Apache-2.0
// A logged request made ready to send again: the URL on a given origin, the headers that are sent
// again, and "copy as curl" commands that a POSIX shell runs as they are (quoting checked by a real
// /bin/sh, binary bodies by printf reproducing their bytes).

#include "server/replayrequest.h"

#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

RequestLogEntry logged(const QString &method, const QString &path, const QString &query, const HeaderList &headers,
                       const QByteArray &body)
{
    RequestLogEntry entry;
    entry.method = method;
    entry.path = path;
    entry.query = query;
    entry.requestHeaders = headers;
    entry.requestBody = body;
    entry.requestBodySize = body.size();
    return entry;
}

QByteArray runShell(const QString &command)
{
    QProcess shell;
    shell.start(u"/bin/sh"_s, {u"-c"_s, command});
    if (!shell.waitForFinished(10'000) || shell.exitCode() != 0)
        return "(failed: " + shell.readAllStandardError() + ')';
    return shell.readAllStandardOutput();
}

} // namespace

class tst_ReplayRequest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fromEntry();
    void curlCommand_data();
    void curlCommand();
    void shellQuoteSurvivesTheShell_data();
    void shellQuoteSurvivesTheShell();
    void binaryBodyIsPipedExactly();
};

void tst_ReplayRequest::fromEntry()
{
    const RequestLogEntry entry = logged(u"POST"_s, u"/api/fhir/Patient/a b%"_s, u"x=1&y=%2F"_s,
                                         {{"Host", "localhost:9000"},
                                          {"Content-Length", "2"},
                                          {"Connection", "keep-alive"},
                                          {"User-Agent", "app/1.0"},
                                          {"Accept-Encoding", "gzip"},
                                          {"Authorization", "Bearer abc"},
                                          {"Content-Type", "application/json"},
                                          {"Cookie", "session=1"}},
                                         "{}");
    const ReplayRequest request = ReplayRequest::fromEntry(entry, u"http://127.0.0.1:9000/"_s);
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.url, u"http://127.0.0.1:9000/api/fhir/Patient/a%20b%25?x=1&y=%2F"_s);
    const HeaderList expected
        = {{"Authorization", "Bearer abc"}, {"Content-Type", "application/json"}, {"Cookie", "session=1"}};
    QCOMPARE(request.headers, expected);
    QCOMPARE(request.body, QByteArray("{}"));
    QVERIFY(!request.bodyTruncated());

    RequestLogEntry cut = entry;
    cut.requestBodySize = 70'000;
    QVERIFY(ReplayRequest::fromEntry(cut, u"http://h"_s).bodyTruncated());
    // A --base-url with a path keeps it.
    QCOMPARE(ReplayRequest::fromEntry(entry, u"https://sandbox.example/team"_s).url,
             u"https://sandbox.example/team/api/fhir/Patient/a%20b%25?x=1&y=%2F"_s);
}

void tst_ReplayRequest::curlCommand_data()
{
    QTest::addColumn<RequestLogEntry>("entry");
    QTest::addColumn<QString>("command");
    QTest::newRow("get") << logged(u"GET"_s, u"/api/fhir/Patient"_s, u"name=O'Brien&_count=5"_s,
                                   {{"Host", "h"}, {"Accept", "application/fhir+json"}}, {})
                         << u"curl 'http://127.0.0.1:9000/api/fhir/Patient?name=O'\\''Brien&_count=5' "
                            "-H 'Accept: application/fhir+json'"_s;
    QTest::newRow("post json") << logged(u"POST"_s, u"/oauth/register"_s, {}, {{"Content-Type", "application/json"}},
                                         "{\"client_name\":\"it's\"}")
                               << u"curl 'http://127.0.0.1:9000/oauth/register' -H 'Content-Type: application/json' "
                                  "--data-binary '{\"client_name\":\"it'\\''s\"}'"_s;
    QTest::newRow("post without body") << logged(u"POST"_s, u"/logout"_s, {}, {}, {})
                                       << u"curl -X POST 'http://127.0.0.1:9000/logout'"_s;
    QTest::newRow("put without type") << logged(u"PUT"_s, u"/x"_s, {}, {}, "a")
                                      << u"curl -X PUT 'http://127.0.0.1:9000/x' -H 'Content-Type:' "
                                         "--data-binary 'a'"_s;
    QTest::newRow("delete") << logged(u"DELETE"_s, u"/oauth/register/c"_s, {}, {{"Authorization", "Bearer t"}}, {})
                            << u"curl -X DELETE 'http://127.0.0.1:9000/oauth/register/c' "
                               "-H 'Authorization: Bearer t'"_s;
    QTest::newRow("head") << logged(u"HEAD"_s, u"/"_s, {}, {}, {}) << u"curl --head 'http://127.0.0.1:9000/'"_s;
    QTest::newRow("brackets") << logged(u"GET"_s, u"/a"_s, u"x[0]={1}"_s, {}, {})
                              << u"curl --globoff 'http://127.0.0.1:9000/a?x[0]={1}'"_s;
    QTest::newRow("empty header") << logged(u"GET"_s, u"/a"_s, {}, {{"X-Empty", ""}}, {})
                                  << u"curl 'http://127.0.0.1:9000/a' -H 'X-Empty;'"_s;
    QTest::newRow("binary") << logged(u"POST"_s, u"/b"_s, {}, {{"Content-Type", "application/octet-stream"}},
                                      QByteArray("a\0\xff\\", 4))
                            << u"printf '%b' 'a\\0000\\0377\\0134' | curl 'http://127.0.0.1:9000/b' "
                               "-H 'Content-Type: application/octet-stream' --data-binary @-"_s;
    RequestLogEntry cut = logged(u"POST"_s, u"/c"_s, {}, {{"Content-Type", "text/plain"}}, "abc");
    cut.requestBodySize = 100'000;
    QTest::newRow("cut") << cut
                         << u"curl 'http://127.0.0.1:9000/c' -H 'Content-Type: text/plain' --data-binary 'abc' "
                            "# the log kept 3 of the body's 100000 bytes"_s;
}

void tst_ReplayRequest::curlCommand()
{
    QFETCH(RequestLogEntry, entry);
    QFETCH(QString, command);
    QCOMPARE(ReplayRequest::fromEntry(entry, u"http://127.0.0.1:9000"_s).curlCommand(), command);
}

void tst_ReplayRequest::shellQuoteSurvivesTheShell_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << u"abc"_s;
    QTest::newRow("quotes") << u"it's \"quoted\" ''"_s;
    QTest::newRow("specials") << u"$HOME `id` $(id) \\n * ? ; & | < > # ~ !"_s;
    QTest::newRow("newline") << u"line one\nline two\n"_s;
    QTest::newRow("unicode") << u"Zoë — 患者"_s;
    QTest::newRow("empty") << QString();
}

void tst_ReplayRequest::shellQuoteSurvivesTheShell()
{
    QFETCH(QString, text);
    QCOMPARE(QString::fromUtf8(runShell(u"printf '%s' "_s + ReplayRequest::shellQuote(text))), text);
}

void tst_ReplayRequest::binaryBodyIsPipedExactly()
{
    QByteArray body;
    for (int byte = 0; byte < 256; ++byte)
        body.append(char(byte));
    body += "%s %b \\0 '";
    const QString command
        = ReplayRequest::fromEntry(logged(u"POST"_s, u"/b"_s, {}, {}, body), u"http://h"_s).curlCommand();
    const qsizetype pipe = command.indexOf(u" | curl "_s);
    QVERIFY2(pipe > 0, qPrintable(command));
    QCOMPARE(runShell(command.left(pipe)), body);
}

QTEST_GUILESS_MAIN(tst_ReplayRequest)
#include "tst_replayrequest.moc"
