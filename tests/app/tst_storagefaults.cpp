// SPDX-License-Identifier: Apache-2.0
// A database that cannot take changes is not a crash: on a read-only SQLite file the sandbox
// starts, answers reads, and refuses writes with 503 (temporarily_unavailable under /oauth, an
// OperationOutcome under FHIR); on a full disk a running sandbox does the same and recovers
// when space comes back.
//
// Read-only: as root, file permissions do not stop writes, so the server runs as "nobody"
// (setpriv) on a file it owns with mode 0444; as another user, chmod 0444 is enough.
// Disk full: as root, a 8 MiB tmpfs that the test fills; where mounting is not allowed, SQLite's
// max_page_count (SANDBOX_SQLITE_MAX_PAGE_COUNT) makes the database "full" instead.

#include "serverprocess.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_patient = u"smart-1288992"_s;
constexpr uid_t s_nobody = 65534;

QJsonObject client(const QString &name, qsizetype padding = 0)
{
    QJsonObject metadata{{u"client_name"_s, name}, {u"redirect_uris"_s, QJsonArray{u"https://app.test/cb"_s}}};
    // Unknown fields are kept with the client: a large one makes each registration a large write.
    if (padding > 0)
        metadata.insert(u"x_padding"_s, QString(padding, u'x'));
    return metadata;
}

struct Seed
{
    QString clientId;
    QString registrationToken;
    QString accessToken;
};

// Registers a client and mints a token for it.
Seed seed(HttpClient &http)
{
    const Reply registered = http.postJson(u"/oauth/register"_s, client(u"Seeded"_s));
    Seed result{registered.json()[u"client_id"_s].toString(),
                registered.json()[u"registration_access_token"_s].toString(), QString()};
    const Reply minted = http.postJson(u"/oauth/debug/token"_s,
                                       QJsonObject{{u"client_id"_s, result.clientId},
                                                   {u"username"_s, u"daniel-adams"_s},
                                                   {u"patient_id"_s, s_patient}});
    result.accessToken = minted.json()[u"access_token"_s].toString();
    return result;
}

} // namespace

class tst_StorageFaults final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readOnlyDatabaseAnswersReadsRefusesWrites();
    void fullDiskRefusesWritesAndRecovers();
    void fullDiskAmongConcurrentWritesLosesNoPromise();

private:
    // What a refused write looks like, and that reads still work.
    void checkRefusedButReading(HttpClient &http, const Seed &seeded, const QString &reason);
    // Starts the server again (without the simulated full disk) and reads back each client by its
    // registration access token: (client_id, registration_access_token) pairs.
    void checkStoredAfterRestart(const QStringList &arguments, const QList<QPair<QString, QString>> &accepted);
};

void tst_StorageFaults::checkStoredAfterRestart(const QStringList &arguments,
                                                const QList<QPair<QString, QString>> &accepted)
{
    ServerProcess again(QStringLiteral(SANDBOX_EXECUTABLE));
    QVERIFY2(again.start(arguments), qPrintable(again.output()));
    HttpClient reopened(again.port());
    for (const auto &[clientId, token] : accepted)
        QCOMPARE(reopened.get(u"/oauth/register/"_s + clientId, {{"Authorization", "Bearer " + token.toUtf8()}}).status,
                 200);
    QVERIFY(again.stop());
}

void tst_StorageFaults::checkRefusedButReading(HttpClient &http, const Seed &seeded, const QString &reason)
{
    const Reply read = http.get(u"/oauth/register/"_s + seeded.clientId,
                                {{"Authorization", "Bearer " + seeded.registrationToken.toUtf8()}});
    QCOMPARE(read.status, 200);
    QCOMPARE(http.get(u"/oauth/debug/introspect?token="_s + seeded.accessToken).json()[u"active"_s].toBool(), true);
    const Reply patient
        = http.get(u"/api/fhir/Patient/"_s + s_patient, {{"Authorization", "Bearer " + seeded.accessToken.toUtf8()}});
    QCOMPARE(patient.status, 200);

    // Large writes: where the disk is "full" by a page limit, small ones may still fit.
    const Reply registered = http.postJson(u"/oauth/register"_s, client(u"Refused"_s, 200 * 1024));
    QCOMPARE(registered.status, 503);
    QCOMPARE(registered.json()[u"error"_s].toString(), u"temporarily_unavailable"_s);
    QVERIFY2(registered.json()[u"error_description"_s].toString().contains(reason), registered.body.constData());

    const QJsonObject patientResource{{u"resourceType"_s, u"Patient"_s},
                                      {u"name"_s, QJsonArray{QJsonObject{{u"family"_s, u"Refused"_s}}}},
                                      {u"text"_s,
                                       QJsonObject{{u"status"_s, u"generated"_s},
                                                   {u"div"_s,
                                                    QString(u"<div xmlns=\"http://www.w3.org/1999/xhtml\">"_s
                                                            + QString(200 * 1024, u'x') + u"</div>"_s)}}}};
    const Reply created
        = http.postJson(u"/api/open-fhir/Patient"_s, QJsonDocument(patientResource).toJson(QJsonDocument::Compact),
                        {{"Content-Type", "application/fhir+json"}});
    QVERIFY2(created.status == 503, created.body.constData());
    QCOMPARE(created.json()[u"resourceType"_s].toString(), u"OperationOutcome"_s);
    QCOMPARE(created.json()[u"issue"_s][0][u"code"_s].toString(), u"transient"_s);

    QCOMPARE(http.get(u"/admin/status"_s).status, 200);
    QCOMPARE(http.get(u"/admin/requests?limit=5"_s).status, 200);
}

void tst_StorageFaults::readOnlyDatabaseAnswersReadsRefusesWrites()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString database = dir.filePath(u"sandbox.sqlite"_s);
    const QStringList arguments
        = {u"--headless"_s,        u"--port"_s, u"0"_s, u"--db"_s, database, u"--sample-patients"_s, u"0"_s,
           u"--open-fhir-writes"_s};
    Seed seeded;
    {
        ServerProcess server(QStringLiteral(SANDBOX_EXECUTABLE));
        QVERIFY2(server.start(arguments), qPrintable(server.output()));
        HttpClient http(server.port());
        seeded = seed(http);
        QVERIFY(!seeded.accessToken.isEmpty());
        QVERIFY(server.stop());
    }

    QStringList wrapper;
    QVERIFY(QFile::setPermissions(database, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
    if (::geteuid() == 0) {
        // Root writes whatever the mode says: run the server as nobody, owning the folder (so
        // that SQLite may keep its -shm file there) but not allowed to write the database file.
        const QString setpriv = QStandardPaths::findExecutable(u"setpriv"_s);
        QVERIFY2(!setpriv.isEmpty(), "running as root needs setpriv (util-linux) to drop privileges");
        QVERIFY(::chown(QFile::encodeName(dir.path()).constData(), s_nobody, s_nobody) == 0);
        QVERIFY(::chown(QFile::encodeName(database).constData(), s_nobody, s_nobody) == 0);
        QVERIFY(QFile::setPermissions(
            dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther | QFile::ExeOther));
        wrapper = {setpriv, u"--reuid=%1"_s.arg(s_nobody), u"--regid=%1"_s.arg(s_nobody), u"--clear-groups"_s};
    }
    ServerProcess server(QStringLiteral(SANDBOX_EXECUTABLE), wrapper);
    QVERIFY2(server.start(arguments), qPrintable(server.output()));
    QVERIFY2(server.output().contains(u"read-only"_s), qPrintable(server.output()));
    HttpClient http(server.port());
    checkRefusedButReading(http, seeded, u"read-only"_s);
    QCOMPARE(http.get(u"/admin/status"_s).json()[u"database"_s][u"read_only"_s].toBool(), true);
    QVERIFY2(server.stop(), qPrintable(server.output()));
    // Nothing got in.
    QCOMPARE(QFileInfo(database).permissions() & (QFile::WriteOwner | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());
}

void tst_StorageFaults::fullDiskRefusesWritesAndRecovers()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString disk = dir.filePath(u"disk"_s);
    QVERIFY(QDir().mkpath(disk));
    const bool mounted = ::geteuid() == 0
        && QProcess::execute(u"mount"_s, {u"-t"_s, u"tmpfs"_s, u"-o"_s, u"size=8m"_s, u"tmpfs"_s, disk}) == 0;
    const auto unmount = qScopeGuard([&] {
        if (mounted)
            QProcess::execute(u"umount"_s, {disk});
    });
    if (!mounted)
        qInfo("cannot mount a tmpfs here: simulating a full disk with SQLite's max_page_count");
    const QString database = disk + u"/sandbox.sqlite"_s;
    const QStringList arguments
        = {u"--headless"_s,        u"--port"_s, u"0"_s, u"--db"_s, database, u"--sample-patients"_s, u"0"_s,
           u"--open-fhir-writes"_s};

    ServerProcess server(QStringLiteral(SANDBOX_EXECUTABLE));
    if (!mounted) {
        // A first run makes the database; the second may grow it by about 1 MiB only.
        QVERIFY2(server.start(arguments), qPrintable(server.output()));
        QVERIFY2(server.stop(), qPrintable(server.output()));
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        const qint64 pages = QFileInfo(database).size() / 4096;
        environment.insert(u"SANDBOX_SQLITE_MAX_PAGE_COUNT"_s, QString::number(pages + 256));
        server.setEnvironment(environment);
    }
    QVERIFY2(server.start(arguments), qPrintable(server.output()));
    HttpClient http(server.port());
    const Seed seeded = seed(http);
    QVERIFY(!seeded.accessToken.isEmpty());

    QFile filler(disk + u"/filler"_s);
    if (mounted) {
        // Take every free block (write() fails with ENOSPC at the end).
        QVERIFY(filler.open(QIODevice::WriteOnly));
        const QByteArray chunk(64 * 1024, 'f');
        while (filler.write(chunk) == chunk.size() && filler.flush()) { }
        filler.close();
    }
    // Registrations of 200 KB each, until the database cannot take one more. Those answered 201
    // before that must be there; the first refusal is a 503, not a crash.
    QList<QPair<QString, QString>> accepted; // client_id, registration_access_token
    Reply refused;
    for (int i = 0; i < 200 && refused.status == 0; ++i) {
        const Reply reply = http.postJson(u"/oauth/register"_s, client(u"Filler %1"_s.arg(i), 200 * 1024));
        if (reply.status == 201)
            accepted.append(
                {reply.json()[u"client_id"_s].toString(), reply.json()[u"registration_access_token"_s].toString()});
        else
            refused = reply;
    }
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.json()[u"error"_s].toString(), u"temporarily_unavailable"_s);
    QVERIFY2(refused.json()[u"error_description"_s].toString().contains(u"full"_s), refused.body.constData());
    checkRefusedButReading(http, seeded, u"full"_s);

    if (mounted) {
        // Space comes back: the same server takes changes again.
        QVERIFY(filler.remove());
        QCOMPARE(http.postJson(u"/oauth/register"_s, client(u"After"_s)).status, 201);
    }
    QVERIFY2(server.stop(), qPrintable(server.output()));

    // Every registration that was answered 201 is there after a restart (with room again).
    checkStoredAfterRestart(arguments, accepted);
}

void tst_StorageFaults::fullDiskAmongConcurrentWritesLosesNoPromise()
{
    // Requests that arrive together share one commit (group commit, docs/decisions/0071). When
    // the disk fills up during such a group, SQLite takes back the whole transaction: every
    // request in it must then be refused, never answered 201 for a client that is not stored.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString database = dir.filePath(u"sandbox.sqlite"_s);
    const QStringList arguments
        = {u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, database, u"--sample-patients"_s, u"0"_s};
    ServerProcess server(QStringLiteral(SANDBOX_EXECUTABLE));
    QVERIFY2(server.start(arguments), qPrintable(server.output()));
    QVERIFY2(server.stop(), qPrintable(server.output()));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"SANDBOX_SQLITE_MAX_PAGE_COUNT"_s,
                       QString::number(QFileInfo(database).size() / 4096 + 512)); // 2 MiB more
    server.setEnvironment(environment);
    QVERIFY2(server.start(arguments), qPrintable(server.output()));

    // Rounds of 12 registrations of 60 KB sent at once (on QNetworkAccessManager's 6
    // connections), until the database is full.
    QNetworkAccessManager manager;
    QList<QPair<QString, QString>> accepted; // client_id, registration_access_token
    int refusals = 0;
    for (int round = 0; round < 40 && refusals == 0; ++round) {
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 12; ++i) {
            QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/oauth/register"_s.arg(server.port())));
            request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
            replies.append(
                manager.post(request, QJsonDocument(client(u"Filler %1.%2"_s.arg(round).arg(i), 60 * 1024)).toJson()));
        }
        for (QNetworkReply *reply : std::as_const(replies)) {
            QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 60'000);
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
            if (status == 201) {
                accepted.append({answer[u"client_id"_s].toString(), answer[u"registration_access_token"_s].toString()});
            } else {
                ++refusals;
                QCOMPARE(status, 503);
                QCOMPARE(answer[u"error"_s].toString(), u"temporarily_unavailable"_s);
            }
            reply->deleteLater();
        }
    }
    QVERIFY(refusals > 0);
    QVERIFY(!accepted.isEmpty());
    QVERIFY2(server.stop(), qPrintable(server.output()));

    // Every 201 is there after a restart with room again.
    checkStoredAfterRestart(arguments, accepted);
}

QTEST_GUILESS_MAIN(tst_StorageFaults)
#include "tst_storagefaults.moc"
