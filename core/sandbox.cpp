// SPDX-License-Identifier: Apache-2.0
#include "sandbox.h"

#include "clock.h"
#include "faults/faultrules.h"
#include "fhir/fhirservice.h"
#include "fhir/importer.h"
#include "oauth/authorizationservice.h"
#include "oauth/clientauthenticator.h"
#include "oauth/clientregistry.h"
#include "oauth/discoveryprofile.h"
#include "oauth/grantservice.h"
#include "oauth/jwkscache.h"
#include "oauth/serverkeys.h"
#include "oauth/tokenservice.h"
#include "scenarios/configuration.h"
#include "scenarios/scenariostore.h"
#include "server/portalserver.h"
#include "server/requestlog.h"
#include "server/tlscertificate.h"
#include "storage/database.h"
#include "storage/fixtures.h"
#include "storage/jsontext.h"
#include "storage/peoplestore.h"
#include "storage/requestlogstore.h"
#include "storage/settingsstore.h"
#include "storage/statsstore.h"

#include <QFile>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QUrl>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcRequestLog)

namespace {

const auto s_fixturesLoadedKey = u"fixtures_loaded_at"_s;

} // namespace

Sandbox::Sandbox(SandboxOptions options, Clock *clock, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_clock(clock ? clock : new Clock(this))
{
    m_clock->setParent(this);
    if (m_options.database.isEmpty())
        m_options.database = defaultDatabasePath();
}

Sandbox::~Sandbox()
{
    // Imports, the server and the log use the database: end them first, in that order.
    const QList<FhirImporter *> importers = findChildren<FhirImporter *>(Qt::FindDirectChildrenOnly);
    for (FhirImporter *importer : importers)
        delete importer;
    delete m_server;
    delete m_requestLog;
    delete m_scenarios;
    delete m_faults;
    delete m_grants;
    delete m_authorization;
    delete m_tokens;
    delete m_clients;
}

QString Sandbox::defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/sandbox.sqlite"_s;
}

Result<QString> Sandbox::normalizeBaseUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != u"http"_s && scheme != u"https"_s) || url.hasQuery()
        || url.hasFragment() || !url.userInfo().isEmpty())
        return badRequest(u"invalid_base_url"_s,
                          u"--base-url must be an absolute http or https URL such as https://sandbox.example.org, "
                          "without query or fragment: %1"_s.arg(text));
    QString normalized = url.toString(QUrl::FullyEncoded);
    while (normalized.endsWith(u'/'))
        normalized.chop(1);
    return normalized;
}

void Sandbox::openRequestLog()
{
    const std::optional<DatabaseLocation> location = m_database->location().requestLogLocation();
    if (!location)
        return;
    Result<std::unique_ptr<Database>> log = Database::open(*location, DatabaseSchema::RequestLog);
    if (!log) {
        // Such as a read-only folder, where no file can be made: the log stays in the portal's file.
        qCWarning(lcRequestLog).noquote()
            << log.error().description << "- the request log stays in" << m_database->location().displayName();
        return;
    }
    m_requestLogDatabase = std::move(log).value();
    if (m_requestLogDatabase->isReadOnly() || m_database->isReadOnly())
        return;
    // A file that an earlier version wrote has its log in its own table: moved over once. A move
    // that fails is taken back whole; the entries wait in the portal's file for the next start.
    const Result<qint64> moved = RequestLogStore(*m_requestLogDatabase).moveFrom(*m_database);
    if (!moved)
        qCWarning(lcRequestLog).noquote()
            << u"could not move the request log to %1 (%2); its entries stay in the portal's file until the next start"_s
                   .arg(location->displayName(), moved.error().description);
    else if (moved.value() > 0)
        qCInfo(lcRequestLog).noquote() << "moved" << moved.value() << "request log entries to"
                                       << location->displayName();
}

Status Sandbox::open()
{
    if (!m_options.logFile.isEmpty()) {
        // Checked before the database is touched, so that a bad path leaves nothing behind.
        QFile probe(m_options.logFile);
        if (!probe.open(QIODevice::WriteOnly | QIODevice::Append))
            return Error{ErrorKind::Unavailable, u"log_file"_s,
                         u"Cannot open the log file %1: %2"_s.arg(m_options.logFile, probe.errorString())};
    }
    Result<DatabaseLocation> location = DatabaseLocation::parse(m_options.database);
    if (!location)
        return location.error();
    Result<std::unique_ptr<Database>> database = Database::open(location.value());
    if (!database)
        return database.error();
    m_database = std::move(database).value();
    openRequestLog();
    m_people = std::make_unique<PeopleStore>(*m_database);
    m_fhir = std::make_unique<FhirService>(*m_database, *m_clock, *m_people);
    m_clients = new ClientRegistry(*m_database, *m_clock, this);
    m_keys = std::make_unique<ServerKeys>(*m_database);
    if (Status keys = m_keys->load(m_options.initialSigningKey); !keys)
        return keys;
    m_tokens = new TokenService(*m_database, *m_clock, *m_keys, this);
    m_keySets = new JwksCache(this);
    m_authenticator = std::make_unique<ClientAuthenticator>(*m_database, *m_clock, *m_keySets);
    m_authorization = new AuthorizationService(*m_database, *m_clock, this);
    m_grants = new GrantService(*m_database, *m_clock, *m_keys, *m_tokens, this);
    m_faults = new FaultRules(*m_database, *m_clock, this);
    m_scenarios = new ScenarioStore(*m_database, *m_clock, *m_clients, *m_authorization, *m_faults, this);
    m_requestLog = new RequestLog(*m_database, requestLogDatabase(), this);
    m_requestLog->setCap(m_options.logCap);
    if (Status logFile = m_requestLog->setLogFile(m_options.logFile); !logFile)
        return logFile;
    m_server = new PortalServer(*this, this);
    m_server->setBaseUrl(m_options.baseUrl);
    m_server->setAdminKey(m_options.adminKey);
    m_server->setUpstream(QUrl(m_options.upstream));

    return loadFixtures(!m_options.reset);
}

Result<quint16> Sandbox::start()
{
    if (m_options.tls) {
        const QString directory = m_options.tlsDirectory.isEmpty()
            ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            : m_options.tlsDirectory;
        Result<TlsIdentity> identity = m_options.tlsCertificateFile.isEmpty()
            ? TlsCertificate::loadOrCreate(directory)
            : TlsCertificate::load(m_options.tlsCertificateFile, m_options.tlsKeyFile);
        if (!identity)
            return identity.error();
        m_tlsCertificateFile = identity.value().certificateFile;
        m_server->setTls(identity.value().certificate, identity.value().key);
    }
    m_server->setIdleTimeout(m_options.idleTimeoutSeconds * 1000);
    Result<quint16> port = m_server->start(m_options.bindAddress, m_options.port);
    if (!port)
        return port;
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_requestLog->setInstance(m_options.instanceName.isEmpty()
                                  ? QHostInfo::localHostName() + u':' + QString::number(port.value())
                                  : m_options.instanceName);
    return port;
}

void Sandbox::stop()
{
    if (m_server)
        m_server->stop();
    if (m_requestLog)
        (void)m_requestLog->flush();
}

Result<quint16> Sandbox::reconfigure(const SandboxOptions &options)
{
    const SandboxOptions previous = m_options;
    m_options.logCap = options.logCap;
    m_requestLog->setCap(options.logCap);
    const bool listenerChanged = options.port != previous.port || options.bindAddress != previous.bindAddress
        || options.baseUrl != previous.baseUrl || options.adminKey != previous.adminKey
        || options.upstream != previous.upstream;
    const bool wasListening = m_server->isListening();
    if (!listenerChanged)
        return wasListening ? m_server->port() : quint16(0);

    const auto apply = [this](const SandboxOptions &from) {
        m_options.port = from.port;
        m_options.bindAddress = from.bindAddress;
        m_options.baseUrl = from.baseUrl;
        m_options.adminKey = from.adminKey;
        m_options.upstream = from.upstream;
        m_server->setBaseUrl(from.baseUrl);
        m_server->setAdminKey(from.adminKey);
        m_server->setUpstream(QUrl(from.upstream));
    };
    if (wasListening)
        stop();
    apply(options);
    if (!wasListening)
        return quint16(0);
    Result<quint16> port = start();
    if (port)
        return port;
    apply(previous);
    if (Result<quint16> restored = start(); !restored)
        return Error{port.error().kind, port.error().code,
                     port.error().description + u" The previous listener did not start again either: "_s
                         + restored.error().description};
    return port.error();
}

Status Sandbox::reset()
{
    return loadFixtures(false);
}

Status Sandbox::loadFixtures(bool onlyFirstTime)
{
    const qint64 now = m_clock->nowMs();
    bool loaded = false;
    Status status = m_database->transaction([&]() -> Status {
        // Instances of a team starting together on an empty database: one loads the fixtures,
        // the others wait for its commit and then find them loaded (on SQLite, BEGIN IMMEDIATE
        // already serialises the transactions).
        if (m_database->engine() == DatabaseEngine::Postgres) {
            if (Status locked = m_database->runScript({u"SELECT pg_advisory_xact_lock(7270002)"_s}); !locked)
                return locked;
        }
        if (onlyFirstTime) {
            Result<QString> loadedAt = SettingsStore(*m_database).value(s_fixturesLoadedKey);
            if (!loadedAt)
                return loadedAt.error();
            if (!loadedAt.value().isNull())
                return Done{};
        }
        if (Status reset = Fixtures::reset(*m_database, now, m_options.samplePatients); !reset)
            return reset;
        loaded = true;
        const SettingsStore settings(*m_database);
        if (Status profile = settings.setValue(QString::fromLatin1(DiscoveryProfile::s_settingKey),
                                               JsonText::fromObject(DiscoveryProfile{}.toJson()));
            !profile)
            return profile;
        return settings.setValue(s_fixturesLoadedKey, QString::number(now));
    });
    if (status && loaded) {
        m_faults->reload(); // the reset removed every fault rule
        Q_EMIT m_scenarios->changed(); // and every scenario
        Q_EMIT resetDone();
        Q_EMIT discoveryProfileChanged();
    }
    return status;
}

Result<QJsonObject> Sandbox::exportConfiguration() const
{
    return Configuration::exportJson(*this);
}

Status Sandbox::importConfiguration(const QJsonObject &document)
{
    Status imported = Configuration::importJson(*this, document);
    if (imported) {
        m_faults->reload();
        Q_EMIT resetDone();
        Q_EMIT discoveryProfileChanged();
        Q_EMIT m_scenarios->changed();
    }
    return imported;
}

Result<DiscoveryProfile> Sandbox::discoveryProfile() const
{
    Result<QString> stored = SettingsStore(*m_database).value(QString::fromLatin1(DiscoveryProfile::s_settingKey));
    if (!stored)
        return stored.error();
    if (stored.value().isEmpty())
        return DiscoveryProfile{};
    Result<DiscoveryProfile> profile = DiscoveryProfile::fromJson(JsonText::toObject(stored.value()));
    if (!profile)
        return storageError(u"The stored discovery profile is damaged: %1"_s.arg(profile.error().description));
    return profile;
}

Status Sandbox::setDiscoveryProfile(const DiscoveryProfile &profile)
{
    Status stored
        = SettingsStore(*m_database)
              .setValue(QString::fromLatin1(DiscoveryProfile::s_settingKey), JsonText::fromObject(profile.toJson()));
    if (stored)
        Q_EMIT discoveryProfileChanged();
    return stored;
}

FhirImporter *Sandbox::importFiles(const QStringList &paths)
{
    auto *importer = new FhirImporter(*m_database, *m_clock, this);
    importer->start(paths);
    return importer;
}

Result<QJsonObject> Sandbox::statusJson(const QString &baseUrl) const
{
    Result<PortalCounts> counts = StatsStore::counts(*m_database, m_clock->nowMs());
    if (!counts)
        return counts.error();
    Result<int> resources = m_fhir->store().total();
    if (!resources)
        return resources.error();
    Result<qint64> logged = m_requestLog->loggedCount();
    if (!logged)
        return logged.error();
    const qint64 uptime = m_startedAt.isValid() ? m_startedAt.secsTo(QDateTime::currentDateTimeUtc()) : 0;
    const DatabaseLocation &location = m_database->location();
    return QJsonObject{
        {u"name"_s, u"SMART Sandbox"_s},
        {u"version"_s, QStringLiteral(SANDBOX_VERSION)},
        {u"instance"_s, m_requestLog->instance()},
        {u"started_at"_s, m_startedAt.toString(Qt::ISODate)},
        {u"uptime_seconds"_s, uptime},
        {u"server_time"_s, m_clock->now().toString(Qt::ISODateWithMs)},
        {u"clock_offset_seconds"_s, m_clock->offsetMs() / 1000},
        {u"database"_s,
         QJsonObject{{u"engine"_s, location.engine == DatabaseEngine::Postgres ? u"postgresql"_s : u"sqlite"_s},
                     {u"location"_s, location.displayName()},
                     {u"read_only"_s, m_database->isReadOnly()},
                     {u"schema_version"_s, m_database->schemaVersion()},
                     {u"request_log_location"_s, requestLogDatabase().location().displayName()}}},
        {u"counts"_s,
         QJsonObject{{u"clients"_s, counts.value().clients},
                     {u"users"_s, counts.value().users},
                     {u"patients"_s, counts.value().patients},
                     {u"approvals"_s, counts.value().approvals},
                     {u"tokens"_s, counts.value().tokens},
                     {u"active_tokens"_s, counts.value().activeTokens},
                     {u"fhir_resources"_s, resources.value()},
                     {u"requests_logged"_s, logged.value()}}},
        {u"urls"_s,
         QJsonObject{{u"base"_s, baseUrl},
                     {u"register"_s, QString(baseUrl + u"/oauth/register"_s)},
                     {u"debug_token"_s, QString(baseUrl + u"/oauth/debug/token"_s)},
                     {u"debug_introspect"_s, QString(baseUrl + u"/oauth/debug/introspect"_s)},
                     {u"fhir"_s, QString(baseUrl + u"/api/fhir"_s)},
                     {u"open_fhir"_s, QString(baseUrl + u"/api/open-fhir"_s)}}},
    };
}
