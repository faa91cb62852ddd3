// SPDX-License-Identifier: Apache-2.0
#pragma once

// What every test shares: a sandbox on a fresh database with a manual clock, listening on an
// ephemeral loopback port; a blocking HTTP client that waits for the reply's own signal (never a
// sleep); and fresh PostgreSQL databases when SANDBOX_TEST_POSTGRES_URL names a server.

#include "clock.h"
#include "sandbox.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>

#include <memory>
#include <optional>

namespace TestSupport {

// 2026-01-15T10:00:00Z: a fixed "now" for every test clock.
constexpr qint64 s_epochMs = 1768471200000LL;

// The PostgreSQL server the test run started (postgresql://...), or empty when there is none.
QString postgresServerUrl();

// A database that exists for one test: a SQLite file in a temporary folder, or a new PostgreSQL
// database created on the test server and dropped afterwards.
class TestDatabase final
{
    Q_DISABLE_COPY_MOVE(TestDatabase)

public:
    enum class Engine { Sqlite, Postgres };
    explicit TestDatabase(Engine engine);
    ~TestDatabase();

    bool isAvailable() const { return !m_location.isEmpty(); }
    QString location() const { return m_location; } // what --db / SandboxOptions::database take
    QString error() const { return m_error; }

private:
    Engine m_engine;
    QString m_location;
    QString m_dir;
    QString m_postgresName;
    QString m_error;
};

struct Reply
{
    int status = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString networkError; // empty unless the connection itself failed

    QByteArray header(const QByteArray &name) const;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// A blocking client for one server: each call returns when the reply has finished.
class HttpClient final
{
    Q_DISABLE_COPY_MOVE(HttpClient)

public:
    explicit HttpClient(quint16 port, const QString &host = QStringLiteral("127.0.0.1"));
    ~HttpClient();

    // Talks HTTPS, trusting exactly these certificates (pinning): nothing from the system store.
    void useTls(const QList<QSslCertificate> &trusted);
    // The origin the server writes into URLs when it differs from the one the client talks to
    // (--base-url, as behind a proxy); redirects to it are followed to this client's server.
    void setPublicBase(const QString &base) { m_publicBase = base; }
    QString publicBase() const { return m_publicBase.isEmpty() ? m_base : m_publicBase; }

    Reply send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
               const QList<QPair<QByteArray, QByteArray>> &headers = {});
    Reply get(const QString &pathAndQuery, const QList<QPair<QByteArray, QByteArray>> &headers = {});
    Reply postJson(const QString &path, const QByteArray &json,
                   const QList<QPair<QByteArray, QByteArray>> &headers = {});
    Reply postJson(const QString &path, const QJsonObject &json);
    // An application/x-www-form-urlencoded POST, as a browser form or an OAuth client sends it.
    Reply postForm(const QString &path, const QList<QPair<QString, QString>> &fields,
                   const QList<QPair<QByteArray, QByteArray>> &headers = {});
    QString base() const { return m_base; }
    // Forgets the cookies (a new browser).
    void clearCookies();

private:
    QString m_base;
    QString m_publicBase;
    QNetworkAccessManager m_network;
    std::optional<QSslConfiguration> m_tls;
};

// An RS256 private JWK generated once per test process.
QJsonObject sharedSigningKey();

// A sandbox on its own database and a ManualClock, started on 127.0.0.1:0, with the shared
// signing key and, unless asked otherwise, the fixture patients' sample records only.
class RunningSandbox final
{
    Q_DISABLE_COPY_MOVE(RunningSandbox)

public:
    explicit RunningSandbox(SandboxOptions options = {});
    ~RunningSandbox();

    // False (with error()) when opening or listening failed.
    bool isRunning() const { return m_port != 0; }
    QString error() const { return m_error; }
    quint16 port() const { return m_port; }
    Sandbox &sandbox() { return *m_sandbox; }
    ManualClock &clock() { return *m_clock; }
    HttpClient &http() { return *m_http; }

private:
    ManualClock *m_clock;
    std::unique_ptr<Sandbox> m_sandbox;
    std::unique_ptr<HttpClient> m_http;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace TestSupport
