// SPDX-License-Identifier: Apache-2.0
// The self-check against real servers on ephemeral loopback ports: a sandbox passes every check;
// a sandbox without a smart-configuration, a server that is not a sandbox, and a port nobody
// listens on are reported as failures (or unreachable), each with a reason.

#include "selfcheck/selfcheck.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

QUrl baseOf(quint16 port)
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(port));
}

// Runs a check to its end; the outcome.
SelfCheck::Outcome run(SelfCheck &check)
{
    QSignalSpy finished(&check, &SelfCheck::finished);
    check.start();
    if (!finished.wait(60000))
        qFatal("the self-check did not finish");
    return finished.first().first().value<SelfCheck::Outcome>();
}

const CheckResult *resultNamed(const QList<CheckResult> &results, const QString &name)
{
    for (const CheckResult &result : results) {
        if (result.name == name)
            return &result;
    }
    return nullptr;
}

// A server that answers every request with a plain-text 200: reachable, but no sandbox.
class NotASandbox final : public QTcpServer
{
public:
    NotASandbox()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    socket->readAll();
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
};

} // namespace

class tst_SelfCheck final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void passesAgainstTheSandbox();
    void failsWithoutSmartConfiguration();
    void failsAgainstAServerThatIsNoSandbox();
    void reportsAnUnreachableTarget();
    void tableListsEveryCheck();
    void acceptsTheFhirBaseAsTarget();
};

void tst_SelfCheck::passesAgainstTheSandbox()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    SelfCheck check(baseOf(running.port()));
    QSignalSpy each(&check, &SelfCheck::checkFinished);
    const SelfCheck::Outcome outcome = run(check);
    for (const CheckResult &result : check.results())
        QVERIFY2(result.passed, qPrintable(result.name + u": "_s + result.detail));
    QCOMPARE(outcome, SelfCheck::Outcome::Passed);
    QCOMPARE(each.size(), check.results().size());
    QVERIFY(check.results().size() >= 20);
    for (const CheckResult &result : check.results())
        QVERIFY2(!result.rule.isEmpty(), qPrintable(result.name));
    // The check tidies up: its client is deleted again.
    QCOMPARE(running.http().get(u"/admin/status"_s).json()[u"counts"_s][u"clients"_s].toInt(), 2);
}

void tst_SelfCheck::failsWithoutSmartConfiguration()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QCOMPARE(running.http()
                 .send("PUT", u"/admin/discovery"_s, R"({"profile":"none"})", {{"Content-Type", "application/json"}})
                 .status,
             200);
    SelfCheck check(baseOf(running.port()));
    QCOMPARE(run(check), SelfCheck::Outcome::Failed);
    const CheckResult *discovery = resultNamed(check.results(), u"discovery: smart-configuration"_s);
    QVERIFY(discovery);
    QVERIFY(!discovery->passed);
    QVERIFY2(discovery->detail.contains(u"404"_s), qPrintable(discovery->detail));
    const CheckResult *authorize = resultNamed(check.results(), u"authorize: sign-in, picker, consent"_s);
    QVERIFY(authorize);
    QVERIFY(!authorize->passed);
    QVERIFY(authorize->detail.startsWith(u"not run"_s));
}

void tst_SelfCheck::failsAgainstAServerThatIsNoSandbox()
{
    NotASandbox server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    SelfCheck check(baseOf(server.serverPort()));
    QCOMPARE(run(check), SelfCheck::Outcome::Failed);
    QVERIFY(std::none_of(check.results().cbegin(), check.results().cend(),
                         [](const CheckResult &result) { return result.passed; }));
}

void tst_SelfCheck::reportsAnUnreachableTarget()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    } // closed again: nobody listens there now
    SelfCheck check(baseOf(port));
    QCOMPARE(run(check), SelfCheck::Outcome::Unreachable);
    QCOMPARE(check.results().size(), 1);
    QVERIFY2(check.results().first().detail.contains(u"cannot reach"_s), qPrintable(check.results().first().detail));
}

void tst_SelfCheck::tableListsEveryCheck()
{
    const QList<CheckResult> results
        = {{u"one"_s, u"RFC 1"_s, true, u"fine"_s}, {u"a longer name"_s, u"RFC 2"_s, false, u"broken"_s}};
    const QString table = SelfCheck::table(results);
    const QStringList lines = table.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines.at(0).startsWith(u"CHECK"_s));
    QCOMPARE(lines.at(1), u"one            pass    RFC 1: fine"_s);
    QCOMPARE(lines.at(2), u"a longer name  FAIL    RFC 2: broken"_s);
    QCOMPARE(lines.at(3), u"2 checks, 1 passed, 1 failed"_s);
}

// Users often have the FHIR base at hand rather than the origin.
void tst_SelfCheck::acceptsTheFhirBaseAsTarget()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    SelfCheck check(QUrl(u"http://127.0.0.1:%1/api/fhir/"_s.arg(running.port())));
    const SelfCheck::Outcome outcome = run(check);
    for (const CheckResult &result : check.results())
        QVERIFY2(result.passed, qPrintable(result.name + u": "_s + result.detail));
    QCOMPARE(outcome, SelfCheck::Outcome::Passed);
}

QTEST_GUILESS_MAIN(tst_SelfCheck)
#include "tst_selfcheck.moc"
