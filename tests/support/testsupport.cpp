// SPDX-License-Identifier: Apache-2.0
#include "testsupport.h"

#include "oauth/jose.h"

#include "oauth/secrets.h"

#include <QDir>
#include <QEventLoop>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace TestSupport {

QString postgresServerUrl()
{
    return qEnvironmentVariable("SANDBOX_TEST_POSTGRES_URL");
}

namespace {

// Runs one statement on the PostgreSQL server's maintenance database.
QString runOnServer(const QString &statement)
{
    const QUrl url(postgresServerUrl());
    const QString name = u"testsupport-admin-"_s + Secrets::randomToken(6);
    QString error;
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        admin.setHostName(url.host());
        admin.setPort(url.port(5432));
        admin.setUserName(url.userName());
        admin.setPassword(url.password());
        admin.setDatabaseName(url.path().mid(1).isEmpty() ? u"postgres"_s : url.path().mid(1));
        if (!admin.open()) {
            error = admin.lastError().text();
        } else {
            QSqlQuery query(admin);
            if (!query.exec(statement))
                error = query.lastError().text();
        }
        admin.close();
    }
    QSqlDatabase::removeDatabase(name);
    return error;
}

} // namespace

TestDatabase::TestDatabase(Engine engine) : m_engine(engine)
{
    if (engine == Engine::Sqlite) {
        QTemporaryDir dir;
        dir.setAutoRemove(false);
        m_dir = dir.path();
        m_location = m_dir + u"/sandbox.sqlite"_s;
        return;
    }
    const QString server = postgresServerUrl();
    if (server.isEmpty()) {
        m_error = u"SANDBOX_TEST_POSTGRES_URL is not set; scripts/test.sh starts a PostgreSQL server and sets it"_s;
        return;
    }
    m_postgresName = u"sandbox_test_"_s + Secrets::randomToken(9).toLower().replace(u'-', u'_');
    m_error = runOnServer(u"CREATE DATABASE %1"_s.arg(m_postgresName));
    if (!m_error.isEmpty())
        return;
    QUrl url(server);
    url.setPath(u'/' + m_postgresName);
    m_location = url.toString();
}

TestDatabase::~TestDatabase()
{
    if (!m_dir.isEmpty())
        QDir(m_dir).removeRecursively();
    if (!m_postgresName.isEmpty() && !m_location.isEmpty())
        runOnServer(u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(m_postgresName));
}

QByteArray Reply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpClient::HttpClient(quint16 port, const QString &host) : m_base(u"http://%1:%2"_s.arg(host).arg(port))
{
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

HttpClient::~HttpClient() = default;

void HttpClient::useTls(const QList<QSslCertificate> &trusted)
{
    if (m_base.startsWith(u"http:"_s))
        m_base.replace(0, 4, u"https"_s);
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setCaCertificates(trusted);
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_tls = configuration;
}

Reply HttpClient::send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                       const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(QUrl(m_base + pathAndQuery, QUrl::TolerantMode));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    if (m_tls)
        request.setSslConfiguration(*m_tls);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    if (result.status == 0)
        result.networkError = reply->errorString();
    reply->deleteLater();
    return result;
}

Reply HttpClient::get(const QString &pathAndQuery, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    return send("GET", pathAndQuery, {}, headers);
}

Reply HttpClient::postJson(const QString &path, const QByteArray &json,
                           const QList<QPair<QByteArray, QByteArray>> &headers)
{
    auto all = headers;
    all.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    return send("POST", path, json, all);
}

Reply HttpClient::postJson(const QString &path, const QJsonObject &json)
{
    return postJson(path, QJsonDocument(json).toJson(QJsonDocument::Compact));
}

Reply HttpClient::postForm(const QString &path, const QList<QPair<QString, QString>> &fields,
                           const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    auto all = headers;
    all.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")));
    return send("POST", path, body, all);
}

void HttpClient::clearCookies()
{
    m_network.setCookieJar(new QNetworkCookieJar(&m_network));
}

QJsonObject sharedSigningKey()
{
    static const QJsonObject key = [] {
        Result<QJsonObject> generated = Jose::generateKey(u"RS256"_s);
        if (!generated)
            qFatal("Cannot generate the tests' signing key");
        return generated.value();
    }();
    return key;
}

RunningSandbox::RunningSandbox(SandboxOptions options) : m_clock(new ManualClock(s_epochMs))
{
    if (options.database.isEmpty())
        options.database = u":memory:"_s;
    options.port = 0;
    options.bindAddress = QHostAddress::LocalHost;
    // Tests get the fixture patients' records only (about 400 resources), unless they ask for
    // more: loading 25 generated patients at every start would slow every suite down.
    if (options.samplePatients == SandboxOptions().samplePatients)
        options.samplePatients = 0;
    // One RSA key for every sandbox of the test process: generating one costs more than the rest
    // of a start. Tests of key generation itself open a Sandbox without this.
    if (options.initialSigningKey.isEmpty())
        options.initialSigningKey = sharedSigningKey();
    m_sandbox = std::make_unique<Sandbox>(options, m_clock);
    if (Status opened = m_sandbox->open(); !opened) {
        m_error = opened.error().description;
        return;
    }
    Result<quint16> port = m_sandbox->start();
    if (!port) {
        m_error = port.error().description;
        return;
    }
    m_port = port.value();
    m_http = std::make_unique<HttpClient>(m_port);
}

RunningSandbox::~RunningSandbox()
{
    m_http.reset();
    if (m_sandbox)
        m_sandbox->stop();
}

} // namespace TestSupport
