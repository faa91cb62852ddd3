// SPDX-License-Identifier: Apache-2.0
// --tls as a client meets it: HTTPS with a self-signed certificate made on the first run and kept
// (the same one after a restart), or the user's own with --tls-cert/--tls-key; discovery names
// https URLs. The client pins exactly the server's certificate: that succeeds, another fails.

#include "server/tlscertificate.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

QSslCertificate certificateIn(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return QSslCertificate();
    return QSslCertificate(file.readAll(), QSsl::Pem);
}

QSslCertificate otherCertificate()
{
    const auto pair = TlsCertificate::createSelfSigned(u"localhost"_s);
    return pair ? QSslCertificate(pair.value().first, QSsl::Pem) : QSslCertificate();
}

bool writeFile(const QString &fileName, const QByteArray &content)
{
    QFile file(fileName);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

class tst_Https final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void selfSignedCertificateIsMadeAndKept();
    void ownCertificate();
    void badCertificateFilesAreOneLine_data();
    void badCertificateFilesAreOneLine();
};

void tst_Https::selfSignedCertificateIsMadeAndKept()
{
    QTemporaryDir data;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"XDG_DATA_HOME"_s, data.path());
    const QStringList arguments = {u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, u":memory:"_s, u"--tls"_s};
    const QString certificateFile = data.filePath(u"smart-sandbox/tls-certificate.pem"_s);

    ServerProcess server(QStringLiteral(SANDBOX_EXECUTABLE));
    server.setEnvironment(environment);
    QVERIFY2(server.start(arguments), qPrintable(server.output()));
    QCOMPARE(server.scheme(), u"https"_s);
    QVERIFY2(server.output().contains(u"tls cert  "_s + certificateFile), qPrintable(server.output()));
    const QSslCertificate certificate = certificateIn(certificateFile);
    QVERIFY(!certificate.isNull());
    QCOMPARE(certificate.issuerDisplayName(), certificate.subjectDisplayName());
    QCOMPARE(QFile::permissions(data.filePath(u"smart-sandbox/tls-key.pem"_s))
                 & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());

    HttpClient pinned(server.port());
    pinned.useTls({certificate});
    const Reply discovery = pinned.get(u"/api/fhir/.well-known/smart-configuration"_s);
    QVERIFY2(discovery.networkError.isEmpty(), qPrintable(discovery.networkError));
    QCOMPARE(discovery.status, 200);
    const QString base = u"https://127.0.0.1:%1"_s.arg(server.port());
    QCOMPARE(discovery.json()[u"token_endpoint"_s].toString(), QString(base + u"/oauth/token"_s));
    QCOMPARE(discovery.json()[u"issuer"_s].toString(), base);
    QCOMPARE(
        pinned.postJson(u"/oauth/register"_s, QJsonObject{{u"redirect_uris"_s, QJsonArray{u"https://app.test/cb"_s}}})
            .json()[u"registration_client_uri"_s]
            .toString()
            .startsWith(base),
        true);

    // Another certificate pinned: the handshake fails, nothing is answered.
    HttpClient wrongPin(server.port());
    wrongPin.useTls({otherCertificate()});
    const Reply refused = wrongPin.get(u"/api/fhir/.well-known/smart-configuration"_s);
    QCOMPARE(refused.status, 0);
    QVERIFY(!refused.networkError.isEmpty());
    // Plain HTTP gets no answer either.
    QCOMPARE(HttpClient(server.port()).get(u"/admin/status"_s).status, 0);
    QVERIFY2(server.stop(), qPrintable(server.output()));

    // A restart serves the same certificate, so the pin still holds.
    ServerProcess again(QStringLiteral(SANDBOX_EXECUTABLE));
    again.setEnvironment(environment);
    QVERIFY2(again.start(arguments), qPrintable(again.output()));
    HttpClient pinnedAgain(again.port());
    pinnedAgain.useTls({certificate});
    QCOMPARE(pinnedAgain.get(u"/admin/status"_s).status, 200);
    QVERIFY(again.stop());
}

void tst_Https::ownCertificate()
{
    QTemporaryDir data;
    const auto pair = TlsCertificate::createSelfSigned(u"sandbox.example.test"_s);
    QVERIFY(pair);
    const QString certificateFile = data.filePath(u"own.pem"_s);
    const QString keyFile = data.filePath(u"own.key"_s);
    QVERIFY(writeFile(certificateFile, pair.value().first));
    QVERIFY(writeFile(keyFile, pair.value().second));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"XDG_DATA_HOME"_s, data.path());

    ServerProcess server(QStringLiteral(SANDBOX_EXECUTABLE));
    server.setEnvironment(environment);
    QVERIFY2(server.start({u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, u":memory:"_s, u"--tls-cert"_s,
                           certificateFile, u"--tls-key"_s, keyFile}),
             qPrintable(server.output()));
    QCOMPARE(server.scheme(), u"https"_s);
    HttpClient pinned(server.port());
    pinned.useTls({QSslCertificate(pair.value().first, QSsl::Pem)});
    QCOMPARE(pinned.get(u"/admin/status"_s).status, 200);
    // No self-signed certificate was made: the user's is the one served.
    QVERIFY(!QFile::exists(data.filePath(u"smart-sandbox/tls-certificate.pem"_s)));
    QVERIFY(server.stop());
}

void tst_Https::badCertificateFilesAreOneLine_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing certificate") << u"missing"_s << 3 << u"Cannot read the certificate"_s;
    QTest::newRow("not a certificate") << u"garbage"_s << 3 << u"holds no PEM certificate"_s;
    QTest::newRow("key of another certificate") << u"other-key"_s << 3 << u"does not belong to the certificate"_s;
    QTest::newRow("certificate without key") << u"no-key"_s << 1 << u"--tls-cert and --tls-key go together"_s;
}

void tst_Https::badCertificateFilesAreOneLine()
{
    QFETCH(QString, change);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    QTemporaryDir data;
    const auto pair = TlsCertificate::createSelfSigned(u"localhost"_s);
    const auto other = TlsCertificate::createSelfSigned(u"localhost"_s);
    QVERIFY(pair && other);
    const QString certificateFile = data.filePath(u"cert.pem"_s);
    const QString keyFile = data.filePath(u"key.pem"_s);
    if (change != u"missing"_s)
        QVERIFY(writeFile(certificateFile,
                          change == u"garbage"_s ? QByteArray("not a certificate\n") : pair.value().first));
    QVERIFY(writeFile(keyFile, change == u"other-key"_s ? other.value().second : pair.value().second));
    QStringList arguments
        = {u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, u":memory:"_s, u"--tls-cert"_s, certificateFile};
    if (change != u"no-key"_s)
        arguments += {u"--tls-key"_s, keyFile};
    QProcess process;
    process.start(QStringLiteral(SANDBOX_EXECUTABLE), arguments);
    QVERIFY(process.waitForFinished(60'000));
    QCOMPARE(process.exitCode(), exitCode);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.startsWith(u"smart-sandbox: error: "_s) && error.contains(message), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_Https)
#include "tst_https.moc"
