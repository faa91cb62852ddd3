// SPDX-License-Identifier: Apache-2.0
#pragma once

// The facade: owns the clock, database, services, request log and HTTP server, and is the one
// object that app/ and ui/ hold. Everything the windows do goes through the same services that
// the HTTP routes use, so a change made either way shows in both.

#include "result.h"

#include <QDateTime>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>

#include <memory>

class AuthorizationService;
class ClientAuthenticator;
class ClientRegistry;
class GrantService;
class JwksCache;
class ServerKeys;
class Clock;
class Database;
class FaultRules;
class FhirImporter;
class FhirService;
class PeopleStore;
class PortalServer;
class RequestLog;
class ScenarioStore;
class TokenService;
struct DiscoveryProfile;

struct SandboxOptions
{
    QString database; // path, ":memory:" or postgresql:// URL; empty: default file
    QHostAddress bindAddress = QHostAddress::LocalHost;
    quint16 port = 9000;
    QString baseUrl; // public origin for URLs; empty: each request's Host
    QString adminKey; // empty: admin surface on loopback only
    QString logFile; // NDJSON copy of the request log; empty: none
    qint64 logCap = 100'000;
    bool reset = false; // return to the fixtures at start
    QString instanceName; // empty: host name and port
    bool tls = false; // serve HTTPS
    QString tlsCertificateFile; // PEM; empty with tls: a self-signed certificate kept in tlsDirectory
    QString tlsKeyFile; // PEM private key of tlsCertificateFile
    QString tlsDirectory; // where the self-signed certificate is kept; empty: the app data folder
    bool openFhirWrites = false; // /api/open-fhir accepts create, update and delete
    int samplePatients = 25; // generated sample patients beyond the three fixture patients
    int idleTimeoutSeconds = 30; // a connection that completes no request for this long is closed; 0: never
    QString upstream; // upstream mode: a FHIR base URL the FHIR endpoints forward to
    QJsonObject initialSigningKey; // an RS256 JWK for a database without a key; empty: generate one
};

class Sandbox final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Sandbox)

public:
    // Takes ownership of `clock` (a ManualClock in tests); nullptr: the real clock.
    explicit Sandbox(SandboxOptions options, Clock *clock = nullptr, QObject *parent = nullptr);
    ~Sandbox() override;

    // The SQLite file used when no --db is given: sandbox.sqlite in the user's data folder.
    static QString defaultDatabasePath();
    // Checks a --base-url: an absolute http(s) origin, optionally with a path; returns it without
    // a trailing slash.
    static Result<QString> normalizeBaseUrl(const QString &url);

    // Opens the database, migrates, and loads the fixtures on first start (or when reset is asked).
    Status open();
    // Starts listening (HTTPS with options().tls); the bound port.
    Result<quint16> start();
    // The PEM certificate HTTPS uses (the self-signed one made on the first run, or --tls-cert);
    // empty without TLS.
    QString tlsCertificateFile() const { return m_tlsCertificateFile; }
    void stop();

    // Applies new listener options (port, bind address, base URL, admin key, upstream) and the log
    // cap to a running sandbox. A changed listener option restarts the listener; clients, tokens
    // and the request log stay, as they live in the database. When the new listener cannot start,
    // the previous options are restored (and listen again) and the error is returned. The
    // database is opened once: a different `database` is ignored here.
    Result<quint16> reconfigure(const SandboxOptions &options);

    // Returns the portal to the fixtures in one transaction; the request log is kept.
    Status reset();
    // Starts importing FHIR files (Bundles, NDJSON, single resources, or folders of them) on a
    // worker thread and returns the importer, a child of the sandbox, whose signals report progress
    // and the summary. Delete it when it has finished, or leave it to the sandbox.
    FhirImporter *importFiles(const QStringList &paths);

    // The SMART discovery profile, read from the settings table on every call so that several
    // instances on one database agree; v2 when none is set. Reset returns to v2.
    Result<DiscoveryProfile> discoveryProfile() const;
    Status setDiscoveryProfile(const DiscoveryProfile &profile);

    // The whole configuration as one JSON document, and replacing it with one (core/scenarios/
    // configuration.h); an import announces itself as a reset does.
    Result<QJsonObject> exportConfiguration() const;
    Status importConfiguration(const QJsonObject &document);

    // Version, uptime, database, counts and URLs, as GET /admin/status shows them.
    Result<QJsonObject> statusJson(const QString &baseUrl) const;

    const SandboxOptions &options() const { return m_options; }
    Clock &clock() const { return *m_clock; }
    Database &database() const { return *m_database; }
    // Where the request log is: a file of its own next to a SQLite file
    // (DatabaseLocation::requestLogLocation()), the portal's database otherwise.
    Database &requestLogDatabase() const { return m_requestLogDatabase ? *m_requestLogDatabase : *m_database; }
    ClientRegistry &clients() const { return *m_clients; }
    TokenService &tokens() const { return *m_tokens; }
    PeopleStore &people() const { return *m_people; }
    RequestLog &requestLog() const { return *m_requestLog; }
    AuthorizationService &authorization() const { return *m_authorization; }
    GrantService &grants() const { return *m_grants; }
    const ClientAuthenticator &authenticator() const { return *m_authenticator; }
    const ServerKeys &keys() const { return *m_keys; }
    JwksCache &clientKeySets() const { return *m_keySets; }
    PortalServer &server() const { return *m_server; }
    FhirService &fhir() const { return *m_fhir; }
    FaultRules &faults() const { return *m_faults; }
    ScenarioStore &scenarios() const { return *m_scenarios; }

Q_SIGNALS:
    void resetDone();
    void discoveryProfileChanged();

private:
    // Opens the request log's own file next to a SQLite file, and moves there what the portal's
    // file still holds of its log. Where either cannot be done, it says so and the sandbox goes
    // on: the log stays in the portal's file, or its old entries wait there for the next start.
    void openRequestLog();
    // Returns to the fixtures in one transaction; with onlyFirstTime, only when no instance has
    // loaded them into this database yet.
    Status loadFixtures(bool onlyFirstTime);

    SandboxOptions m_options;
    Clock *m_clock;
    QDateTime m_startedAt;
    QString m_tlsCertificateFile;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<Database> m_requestLogDatabase; // null: the log is in m_database
    std::unique_ptr<PeopleStore> m_people;
    std::unique_ptr<FhirService> m_fhir;
    ClientRegistry *m_clients = nullptr;
    TokenService *m_tokens = nullptr;
    RequestLog *m_requestLog = nullptr;
    std::unique_ptr<ServerKeys> m_keys;
    JwksCache *m_keySets = nullptr;
    std::unique_ptr<ClientAuthenticator> m_authenticator;
    AuthorizationService *m_authorization = nullptr;
    GrantService *m_grants = nullptr;
    FaultRules *m_faults = nullptr;
    ScenarioStore *m_scenarios = nullptr;
    PortalServer *m_server = nullptr;
};
