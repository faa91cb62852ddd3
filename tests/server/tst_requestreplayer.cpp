// SPDX-License-Identifier: Apache-2.0
// Replaying a logged request against the running sandbox: the same method, path, headers and body
// reach the server again (the replay is itself logged), the answer's status comes back as a
// signal, and a stopped server refuses at once.

#include "oauth/tokenservice.h"
#include "server/portalserver.h"
#include "server/requestlog.h"
#include "server/requestreplayer.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

class tst_RequestReplayer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void replaysThroughTheListener();
    void replaysOverHttps();
    void stoppedServerRefuses();
};

void tst_RequestReplayer::replaysThroughTheListener()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QSignalSpy logged(&running.sandbox().requestLog(), &RequestLog::requestLogged);
    const Reply minted = running.http().postJson(
        u"/oauth/debug/token"_s,
        QByteArray("{\"client_id\":\"test-suite\",\"username\":\"daniel-adams\",\"patient_id\":\"smart-1032702\"}"),
        {{"X-Trace", "it's me"}});
    QCOMPARE(minted.status, 200);
    QCOMPARE(logged.size(), 1);
    const auto original = logged.at(0).at(0).value<RequestLogEntry>();

    RequestReplayer replayer(running.sandbox().server());
    QCOMPARE(replayer.listenerOrigin(), u"http://127.0.0.1:%1"_s.arg(running.port()));
    QSignalSpy replayed(&replayer, &RequestReplayer::replayed);
    QVERIFY(replayer.replay(original));
    QCOMPARE(replayer.pendingCount(), 1);
    QVERIFY(replayed.wait(10'000));
    QCOMPARE(replayed.at(0).at(0).value<quint64>(), original.sequence);
    QCOMPARE(replayed.at(0).at(1).toInt(), 200);
    QCOMPARE(replayer.pendingCount(), 0);

    QCOMPARE(logged.size(), 2);
    const auto again = logged.at(1).at(0).value<RequestLogEntry>();
    QCOMPARE(again.method, original.method);
    QCOMPARE(again.path, original.path);
    QCOMPARE(again.requestBody, original.requestBody);
    QCOMPARE(again.status, 200);
    bool traced = false;
    for (const auto &[name, value] : again.requestHeaders)
        traced = traced || (name.compare("x-trace", Qt::CaseInsensitive) == 0 && value == "it's me");
    QVERIFY(traced);
    QCOMPARE(running.sandbox().tokens().tokens()->size(), 2); // the replay minted a second token
}

void tst_RequestReplayer::replaysOverHttps()
{
    QTemporaryDir certificates;
    SandboxOptions options;
    options.tls = true;
    options.tlsDirectory = certificates.path();
    RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QSslCertificate certificate = running.sandbox().server().tlsCertificate();
    QVERIFY(!certificate.isNull());
    running.http().useTls({certificate});
    QSignalSpy logged(&running.sandbox().requestLog(), &RequestLog::requestLogged);
    QCOMPARE(running.http().get(u"/admin/status"_s).status, 200);
    QCOMPARE(logged.size(), 1);

    RequestReplayer replayer(running.sandbox().server());
    QCOMPARE(replayer.listenerOrigin(), u"https://127.0.0.1:%1"_s.arg(running.port()));
    QSignalSpy replayed(&replayer, &RequestReplayer::replayed);
    QVERIFY(replayer.replay(logged.at(0).at(0).value<RequestLogEntry>()));
    QVERIFY(replayed.wait(10'000));
    QCOMPARE(replayed.at(0).at(1).toInt(), 200);
}

void tst_RequestReplayer::stoppedServerRefuses()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    RequestReplayer replayer(running.sandbox().server());
    running.sandbox().stop();
    QVERIFY(replayer.listenerOrigin().isEmpty());
    RequestLogEntry entry;
    entry.method = u"GET"_s;
    entry.path = u"/admin/status"_s;
    const Status refused = replayer.replay(entry);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, u"not_listening"_s);
    QCOMPARE(replayer.pendingCount(), 0);
}

QTEST_GUILESS_MAIN(tst_RequestReplayer)
#include "tst_requestreplayer.moc"
