// SPDX-License-Identifier: Apache-2.0
#include "database.h"

#include "migrations.h"
#include "sqlitestatements.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QSqlError>
#include <QSqlRecord>
#include <QThread>

#include <atomic>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcStorage, "sandbox.storage", QtInfoMsg)

namespace {

std::atomic<int> s_databaseCounter{0};

QString describe(const QSqlError &error)
{
    QString text = error.databaseText().trimmed();
    if (text.isEmpty())
        text = error.driverText().trimmed();
    if (text.isEmpty())
        text = error.text().trimmed();
    return text.simplified();
}

// Failures that are the database's state rather than the statement's fault: a read-only file, a
// full disk, a server that went away. They become 503 temporarily_unavailable (the server stays
// up and keeps answering reads) instead of 500.
std::optional<QString> unavailableReason(DatabaseEngine engine, const QString &code)
{
    if (engine == DatabaseEngine::Sqlite) {
        bool ok = false;
        const int primary = code.toInt(&ok) & 0xff; // extended result codes keep the primary in the low byte
        if (!ok)
            return std::nullopt;
        if (primary == 8) // SQLITE_READONLY
            return u"the database file is read-only"_s;
        if (primary == 13) // SQLITE_FULL
            return u"the disk (or the database) is full"_s;
        if (primary == 10) // SQLITE_IOERR
            return u"the database file cannot be written (I/O error)"_s;
        return std::nullopt;
    }
    if (code == u"25006"_s) // read_only_sql_transaction
        return u"the PostgreSQL server is read-only"_s;
    if (code.startsWith(u"53"_s)) // insufficient_resources, disk_full (53100)
        return u"the PostgreSQL server is out of disk space or other resources"_s;
    if (code.startsWith(u"08"_s) || code.startsWith(u"57P"_s)) // connection exception, shutdown
        return u"the PostgreSQL server cannot be reached"_s;
    return std::nullopt;
}

// PostgreSQL and SQLite both understand this lock-free check of the migrations table.
const auto s_createMigrations = u"CREATE TABLE IF NOT EXISTS schema_migrations ("
                                "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"_s;

} // namespace

Error Database::failure(const QSqlError &error, const QString &prefix) const
{
    return failureFor(m_location.engine, error.nativeErrorCode(), prefix + describe(error));
}

Error Database::failureFor(DatabaseEngine engine, const QString &nativeCode, const QString &message)
{
    if (const std::optional<QString> reason = unavailableReason(engine, nativeCode))
        return Error{
            ErrorKind::Unavailable, u"temporarily_unavailable"_s,
            u"The sandbox cannot save changes now: %1 (%2). It keeps answering reads."_s.arg(*reason, message)};
    return storageError(message);
}

Error Database::notOpen() const
{
    return Error{ErrorKind::Unavailable, u"temporarily_unavailable"_s,
                 u"The database %1 is not open"_s.arg(m_location.displayName())};
}

Database::Database(DatabaseLocation location, DatabaseSchema schema)
    : m_location(std::move(location)),
      m_schema(schema),
      m_connectionPrefix(u"sandbox-db-%1"_s.arg(s_databaseCounter.fetch_add(1))),
      m_serializeWrites(m_location.engine == DatabaseEngine::Sqlite && m_location.sqlitePath != u":memory:"_s)
{
    if (m_location.engine == DatabaseEngine::Sqlite)
        SqliteStatements::configureLibrary();
}

Database::~Database()
{
    if (m_openGroup && isGroupThread()) {
        m_groupHooks = {};
        (void)endGroup();
    }
    forgetGroupConnection();
    QStringList names;
    {
        QMutexLocker locker(&m_mutex);
        m_queries.clear();
        m_sqliteStatements.clear(); // finalized before their connections close
        names = m_connectionNames.values();
        m_connectionNames.clear();
    }
    for (const QString &name : std::as_const(names)) {
        {
            QSqlDatabase database = QSqlDatabase::database(name, false);
            if (database.isValid())
                database.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseLocation &location, DatabaseSchema schema)
{
    std::unique_ptr<Database> database(new Database(location, schema));
    if (Status status = database->connectMainThread(); !status)
        return status.error();
    if (Status status = database->migrate(); !status)
        return status.error();
    return database;
}

Status Database::connectMainThread()
{
    if (m_location.engine == DatabaseEngine::Sqlite && m_location.sqlitePath != u":memory:"_s) {
        const QFileInfo info(m_location.sqlitePath);
        if (!QDir().mkpath(info.absolutePath()))
            return storageError(u"Cannot create the folder %1"_s.arg(info.absolutePath()));
        // A file we may read but not write (permissions, a read-only mount) is opened read-only:
        // the sandbox serves what it holds and refuses changes with 503, instead of not starting.
        m_readOnly = info.exists() && info.isReadable() && !info.isWritable();
        if (m_readOnly)
            qCWarning(lcStorage).noquote() << m_location.sqlitePath << "is read-only: changes will be refused";
    }
    const QSqlDatabase database = connection();
    if (!database.isOpen())
        return storageError(
            u"Cannot open the database %1: %2"_s.arg(m_location.displayName(), describe(database.lastError())));
    return Done{};
}

Status Database::configureConnection(QSqlDatabase &database) const
{
    QStringList pragmas;
    if (m_location.engine == DatabaseEngine::Sqlite) {
        // secure_delete FAST: Debian's SQLite zeroes every freed page by default, and writes it
        // to the WAL; the request log frees pages after every batch once it holds its cap
        // (docs/decisions/0072-sqlite-secure-delete-fast.md).
        // temp_store: savepoint journals stay in memory. Each job of a write group (see
        // enableGroups()) journals the pages it touches; past 64 KiB SQLite moved that journal
        // to a temporary file and rewrote it with a pwrite per page, more bytes than the WAL got.
        pragmas = {u"PRAGMA foreign_keys = ON"_s, QString(s_busyTimeoutPragma), u"PRAGMA temp_store = MEMORY"_s,
                   u"PRAGMA secure_delete = FAST"_s};
        // Switching the journal writes to the file; a read-only one keeps whatever mode it has.
        if (m_location.sqlitePath != u":memory:"_s && !m_readOnly)
            pragmas += {u"PRAGMA journal_mode = WAL"_s, u"PRAGMA synchronous = NORMAL"_s};
        // A full disk, simulated where a test cannot mount a small file system (docs/decisions/0057).
        if (const int pages = qEnvironmentVariableIntValue("SANDBOX_SQLITE_MAX_PAGE_COUNT"); pages > 0)
            pragmas += u"PRAGMA max_page_count = %1"_s.arg(pages);
    } else {
        pragmas = {u"SET client_min_messages TO WARNING"_s};
    }
    for (const QString &pragma : std::as_const(pragmas)) {
        QSqlQuery query(database);
        if (!query.exec(pragma))
            return storageError(u"%1 failed: %2"_s.arg(pragma, describe(query.lastError())));
    }
    return Done{};
}

QSqlDatabase Database::connection() const
{
    const bool groupThread = isGroupThread();
    if (groupThread && m_groupConnection.isOpen())
        return m_groupConnection;
    const Qt::HANDLE thread = QThread::currentThreadId();
    QString name;
    {
        QMutexLocker locker(&m_mutex);
        name = m_connectionNames.value(thread);
        if (name.isEmpty()) {
            name = m_connectionPrefix + u'-' + QString::number(m_connectionCounter++);
            m_connectionNames.insert(thread, name);
        } else {
            QSqlDatabase database = QSqlDatabase::database(name, false);
            // A server that dropped the connection (restart, idle timeout, pg_terminate_backend)
            // leaves it closed: open it again, unless a transaction was running on it, whose
            // caller must see the failure rather than continue on a fresh connection.
            if (database.isValid() && !database.isOpen() && m_transactionDepth.value(thread) == 0) {
                m_queries.remove(name);
                m_sqliteStatements.remove(name);
                locker.unlock();
                if (groupThread)
                    forgetGroupConnection();
                openConnection(database);
            }
            if (groupThread)
                keepGroupConnection(database);
            return database;
        }
    }
    QSqlDatabase database;
    if (m_location.engine == DatabaseEngine::Sqlite) {
        database = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        database.setDatabaseName(m_location.sqlitePath);
        if (m_readOnly)
            database.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
    } else {
        database = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        database.setHostName(m_location.host);
        database.setPort(m_location.port);
        database.setUserName(m_location.user);
        database.setPassword(m_location.password);
        database.setDatabaseName(m_location.name);
        QString options = u"connect_timeout=5"_s;
        if (!m_location.connectOptions.isEmpty())
            options += u';' + m_location.connectOptions;
        database.setConnectOptions(options);
    }
    if (!database.isValid()) {
        qCWarning(lcStorage) << "No Qt SQL driver for" << m_location.displayName();
        return database;
    }
    openConnection(database);
    if (groupThread)
        keepGroupConnection(database);
    return database;
}

void Database::keepGroupConnection(const QSqlDatabase &database) const
{
    if (database.isOpen() && database.driver() == m_groupConnection.driver())
        return;
    m_groupConnection = database.isOpen() ? database : QSqlDatabase();
    m_groupStatements = nullptr;
}

void Database::forgetGroupConnection() const
{
    m_groupConnection = QSqlDatabase();
    m_groupStatements = nullptr;
}

void Database::openConnection(QSqlDatabase &database) const
{
    if (database.open()) {
        if (Status status = configureConnection(database); !status) {
            qCWarning(lcStorage).noquote() << status.error().description;
            database.close();
        }
    }
}

void Database::closeConnection() const
{
    if (isGroupThread())
        forgetGroupConnection();
    const Qt::HANDLE thread = QThread::currentThreadId();
    QString name;
    {
        QMutexLocker locker(&m_mutex);
        name = m_connectionNames.take(thread);
        m_transactionDepth.remove(thread);
        m_queries.remove(name);
        m_sqliteStatements.remove(name); // finalized here, in their thread, before the close
    }
    if (name.isEmpty())
        return;
    {
        QSqlDatabase database = QSqlDatabase::database(name, false);
        if (database.isValid())
            database.close();
    }
    QSqlDatabase::removeDatabase(name);
}

Database::StatementKind Database::kindOf(const QString &sql)
{
    if (sql.startsWith(u"SELECT"_s) || sql.startsWith(u"PRAGMA"_s) || sql.startsWith(u"BEGIN"_s)
        || sql.startsWith(u"COMMIT"_s) || sql.startsWith(u"ROLLBACK"_s))
        return StatementKind::Read;
    // A plain INSERT adds rows and changes none that a cache could hold; an upsert may.
    if (sql.startsWith(u"INSERT INTO"_s) && !sql.contains(u" ON CONFLICT"_s))
        return StatementKind::Insert;
    return StatementKind::Change;
}

int Database::transactionDepth() const
{
    QMutexLocker locker(&m_mutex);
    return m_transactionDepth.value(QThread::currentThreadId());
}

void Database::setTransactionDepth(int depth) const
{
    QMutexLocker locker(&m_mutex);
    m_transactionDepth.insert(QThread::currentThreadId(), depth);
}

Database::CachedStatement Database::cachedQuery(const QSqlDatabase &database, const QString &sql, bool *fresh) const
{
    QMutexLocker locker(&m_mutex);
    auto &queries = m_queries[database.connectionName()];
    auto it = queries.find(sql);
    *fresh = it == queries.end();
    if (*fresh)
        it = queries.insert(sql, CachedStatement{std::make_shared<QSqlQuery>(database), kindOf(sql)});
    return it.value();
}

Result<Database::Running> Database::run(const QString &sql, const QVariantList &values) const
{
    const QSqlDatabase database = connection();
    if (!database.isOpen())
        return notOpen();
    bool fresh = false;
    const CachedStatement statement = cachedQuery(database, sql, &fresh);
    QSqlQuery &query = *statement.query;
    query.finish();
    if (fresh) {
        query.setForwardOnly(true);
        if (!query.prepare(sql)) {
            const QString message = describe(query.lastError());
            QMutexLocker locker(&m_mutex);
            m_queries[database.connectionName()].remove(sql);
            qCWarning(lcStorage).noquote() << "prepare failed:" << message << "in" << sql;
            return storageError(message);
        }
    }
    for (int i = 0; i < values.size(); ++i) {
        const QVariant &value = values.at(i);
        // The drivers bind a null QString as NULL; only nullable() (an invalid QVariant) means NULL.
        if (value.metaType() == QMetaType::fromType<QString>() && value.toString().isNull())
            query.bindValue(i, QString(u""_s));
        else
            query.bindValue(i, value);
    }
    // (Writes that read back rows, such as INSERT ... RETURNING, are not grouped.)
    if (statement.kind != StatementKind::Read && isGroupThread() && m_openGroup && !m_jobActive)
        (void)endGroup();
    Running running{&query, {}};
    // A write outside a transaction takes its turn here (a transaction already holds it).
    if (m_serializeWrites && statement.kind != StatementKind::Read && transactionDepth() == 0)
        running.writeTurn = std::unique_lock<QMutex>(m_writeMutex);
    if (!query.exec()) {
        qCWarning(lcStorage).noquote() << "query failed:" << describe(query.lastError()) << "in" << sql.simplified();
        return failure(query.lastError());
    }
    if (statement.kind == StatementKind::Change && query.numRowsAffected() != 0)
        bumpGeneration();
    return running;
}

Result<QVariant> Database::scalar(const QString &sql, const QVariantList &values) const
{
    Result<Running> running = run(sql, values);
    if (!running)
        return running.error();
    QSqlQuery &query = *running.value().query;
    QVariant value;
    if (query.next())
        value = query.value(0);
    query.finish();
    return value;
}

Result<std::optional<QSqlRecord>> Database::one(const QString &sql, const QVariantList &values) const
{
    Result<Running> running = run(sql, values);
    if (!running)
        return running.error();
    QSqlQuery &query = *running.value().query;
    std::optional<QSqlRecord> record;
    if (query.next())
        record = query.record();
    query.finish();
    return record;
}

Result<QList<QSqlRecord>> Database::all(const QString &sql, const QVariantList &values) const
{
    Result<Running> running = run(sql, values);
    if (!running)
        return running.error();
    QSqlQuery &query = *running.value().query;
    QList<QSqlRecord> records;
    while (query.next())
        records.append(query.record());
    query.finish();
    return records;
}

Result<QList<QSqlRecord>> Database::select(const QString &sql, const QVariantList &values) const
{
    const QSqlDatabase database = connection();
    if (!database.isOpen())
        return notOpen();
    QSqlQuery query(database);
    query.setForwardOnly(true);
    if (!query.prepare(sql)) {
        const QString message = describe(query.lastError());
        qCWarning(lcStorage).noquote() << "prepare failed:" << message << "in" << sql;
        return storageError(message);
    }
    for (int i = 0; i < values.size(); ++i) {
        const QVariant &value = values.at(i);
        if (value.metaType() == QMetaType::fromType<QString>() && value.toString().isNull())
            query.bindValue(i, QString(u""_s));
        else
            query.bindValue(i, value);
    }
    if (!query.exec()) {
        qCWarning(lcStorage).noquote() << "query failed:" << describe(query.lastError()) << "in" << sql.simplified();
        return failure(query.lastError());
    }
    QList<QSqlRecord> records;
    while (query.next())
        records.append(query.record());
    return records;
}

Result<int> Database::change(const QString &sql, const QVariantList &values) const
{
    if (m_location.engine == DatabaseEngine::Sqlite) {
        Result<SqliteStatements::Outcome> outcome = write(sql, values);
        if (!outcome)
            return outcome.error();
        return outcome.value().changes;
    }
    Result<Running> running = run(sql, values);
    if (!running)
        return running.error();
    QSqlQuery &query = *running.value().query;
    const int affected = query.numRowsAffected();
    query.finish();
    return affected;
}

Status Database::runScript(const QStringList &statements) const
{
    if (isGroupThread() && m_openGroup && !m_jobActive)
        (void)endGroup();
    const QSqlDatabase database = connection();
    std::unique_lock<QMutex> writeTurn;
    if (m_serializeWrites && transactionDepth() == 0)
        writeTurn = std::unique_lock<QMutex>(m_writeMutex);
    // Scripts change the schema or many rows: whatever a cache holds may be gone.
    bumpGeneration();
    for (const QString &statement : statements) {
        QSqlQuery query(database);
        if (!query.exec(statement)) {
            qCWarning(lcStorage).noquote()
                << "statement failed:" << describe(query.lastError()) << "in" << statement.simplified();
            return failure(query.lastError());
        }
    }
    return Done{};
}

Status Database::transaction(const std::function<Status()> &work, JobUndo undo) const
{
    if (isGroupThread()) {
        if (m_jobActive)
            return work();
        if (groupsWrites())
            return groupJob(work, undo);
        if (m_openGroup)
            (void)endGroup(); // out of scope: what the group holds is committed first
    }
    const Qt::HANDLE thread = QThread::currentThreadId();
    int depth;
    {
        QMutexLocker locker(&m_mutex);
        depth = m_transactionDepth.value(thread);
    }
    if (depth > 0)
        return work();

    QSqlDatabase database = connection();
    std::unique_lock<QMutex> writeTurn;
    if (m_serializeWrites)
        writeTurn = std::unique_lock<QMutex>(m_writeMutex);
    const bool sqlite = m_location.engine == DatabaseEngine::Sqlite;
    // On SQLite, IMMEDIATE takes the write lock now: a deferred transaction that read first could
    // not write after another connection committed (SQLITE_BUSY_SNAPSHOT), however long it waited.
    const auto runSqlite = [&](const QString &sql) -> Status { return writeStatement(sql); };
    const auto setDepth = [&](int value) {
        QMutexLocker locker(&m_mutex);
        m_transactionDepth.insert(thread, value);
    };
    setDepth(1); // from here the statements below run in this transaction's turn
    if (sqlite) {
        if (Status begun = runSqlite(u"BEGIN IMMEDIATE"_s); !begun) {
            setDepth(0);
            return Error{begun.error().kind, begun.error().code,
                         u"Cannot begin a transaction: %1"_s.arg(begun.error().description)};
        }
    } else if (!database.transaction()) {
        setDepth(0);
        return failure(database.lastError(), u"Cannot begin a transaction: "_s);
    }
    Status status = work();
    const auto rollBack = [&] {
        if (sqlite)
            (void)runSqlite(u"ROLLBACK"_s);
        else
            database.rollback();
        bumpGeneration(); // a cache may have read rows that the rollback took back
    };
    if (!status) {
        rollBack();
        setDepth(0);
        return status;
    }
    // On SQLite COMMIT runs as a statement, as BEGIN IMMEDIATE did, so that its error keeps SQLite's
    // result code (QSqlDatabase::commit() drops it): a full disk shows at the commit, as a 503.
    const Status committed = sqlite ? runSqlite(u"COMMIT"_s)
        : database.commit()         ? Status(Done{})
                                    : Status(failure(database.lastError()));
    if (!committed) {
        rollBack();
        setDepth(0);
        return Error{committed.error().kind, committed.error().code,
                     u"Cannot commit: %1"_s.arg(committed.error().description)};
    }
    setDepth(0);
    return status;
}

Status Database::writeStatement(const QString &sql) const
{
    Result<SqliteStatements::Outcome> done = writeUngrouped(sql, {});
    if (!done)
        return done.error();
    return Done{};
}

bool Database::enableGroups(GroupHooks hooks)
{
    if (m_location.engine != DatabaseEngine::Sqlite || !m_serializeWrites || m_readOnly || isInMemory())
        return false;
    if (m_openGroup)
        (void)endGroup();
    forgetGroupConnection(); // another thread's, if that one grouped before
    m_groupThread.store(QThread::currentThreadId(), std::memory_order_release);
    m_groupHooks = std::move(hooks);
    return true;
}

void Database::disableGroups()
{
    if (!isGroupThread())
        return;
    (void)endGroup();
    m_groupHooks = {};
    forgetGroupConnection();
    m_groupThread.store(nullptr, std::memory_order_release);
}

Database::GroupScope::GroupScope(const Database &database) : m_database(database)
{
    if (m_database.isGroupThread()) {
        ++m_database.m_groupScopes;
        m_counted = true;
    }
}

Database::GroupScope::~GroupScope()
{
    if (m_counted)
        --m_database.m_groupScopes;
}

bool Database::isGroupThread() const
{
    // Other threads read this while the grouping thread may set it; only that thread sees its own id.
    const Qt::HANDLE thread = m_groupThread.load(std::memory_order_acquire);
    return thread && QThread::currentThreadId() == thread;
}

bool Database::groupsWrites() const
{
    return isGroupThread() && m_groupScopes > 0 && !m_jobActive && (m_openGroup || transactionDepth() == 0);
}

Status Database::beginGroup() const
{
    m_groupTurn = std::unique_lock<QMutex>(m_writeMutex);
    setTransactionDepth(1); // the statements below run in the group's turn
    if (Status begun = writeStatement(u"BEGIN IMMEDIATE"_s); !begun) {
        setTransactionDepth(0);
        m_groupTurn = {};
        return Error{begun.error().kind, begun.error().code,
                     u"Cannot begin a transaction: %1"_s.arg(begun.error().description)};
    }
    m_openGroup = ++m_lastGroup;
    if (m_groupHooks.opened)
        m_groupHooks.opened();
    return Done{};
}

Status Database::groupJob(const std::function<Status()> &work, JobUndo undo) const
{
    if (!m_openGroup) {
        if (Status begun = beginGroup(); !begun)
            return begun;
    }
    SqliteStatements *statements = sqliteStatements(connection());
    m_jobActive = true;
    setTransactionDepth(2);
    const bool useSavepoint = undo == JobUndo::Savepoint;
    Status status = useSavepoint ? writeStatement(u"SAVEPOINT sandbox_job"_s) : Status(Done{});
    const bool saved = useSavepoint && status.ok();
    const qint64 changesBefore = statements ? statements->totalChanges() : 0;
    if (status)
        status = work();
    if (status) {
        if (saved)
            status = writeStatement(u"RELEASE sandbox_job"_s);
        if (status) {
            m_jobActive = false;
            setTransactionDepth(1);
            ++m_groupJobs;
            return status;
        }
    }
    // This job's statements are taken back; the jobs before it stay in the group, unless SQLite
    // rolled back the whole transaction (a full disk, an I/O error), or taking back failed, or
    // the job had no savepoint and had changed rows.
    m_jobActive = false;
    setTransactionDepth(1);
    bumpGeneration(); // a cache may have read rows that are taken back
    if (statements && statements->inTransaction()) {
        bool takenBack = false;
        if (!useSavepoint)
            takenBack = statements->totalChanges() == changesBefore; // it had changed nothing
        else
            takenBack = !saved
                || (writeStatement(u"ROLLBACK TO sandbox_job"_s).ok() && writeStatement(u"RELEASE sandbox_job"_s).ok());
        if (takenBack)
            return status;
    }
    loseGroup(status.error());
    return status;
}

void Database::loseGroup(const Error &error) const
{
    SqliteStatements *statements = sqliteStatements(connection());
    if (statements && statements->inTransaction())
        (void)writeStatement(u"ROLLBACK"_s);
    bumpGeneration();
    ++m_groupsLost;
    qCWarning(lcStorage).noquote() << "the writes of group" << m_openGroup << "were lost:" << error.description;
    finishGroup(error);
}

void Database::finishGroup(const Status &outcome) const
{
    const quint64 group = m_openGroup;
    m_openGroup = 0;
    setTransactionDepth(0);
    m_groupTurn = {};
    if (m_groupHooks.ended)
        m_groupHooks.ended(group, outcome);
}

Status Database::endGroup() const
{
    if (!isGroupThread() || !m_openGroup)
        return Done{};
    if (m_jobActive) {
        // Called from inside a job (a nested event loop): the group ends after it.
        if (m_groupHooks.opened)
            m_groupHooks.opened();
        return Done{};
    }
    const Status committed = writeStatement(u"COMMIT"_s);
    if (!committed) {
        const Error error{committed.error().kind, committed.error().code,
                          u"Cannot commit: %1"_s.arg(committed.error().description)};
        loseGroup(error);
        return error;
    }
    finishGroup(Done{});
    return Done{};
}

QVariant Database::nullable(const QString &text)
{
    return text.isNull() ? QVariant() : QVariant(text);
}

QVariant Database::nullable(qint64 value, bool isNull)
{
    return isNull ? QVariant() : QVariant(value);
}

Status Database::migrate()
{
    const QList<Migration> all = migrations(m_location.engine, m_schema);
    if (m_readOnly) {
        // No transaction (it would take the write lock): read the version and use the file as is.
        Result<QVariant> current = scalar(u"SELECT MAX(version) FROM schema_migrations"_s);
        if (!current)
            return storageError(u"Cannot read the read-only database %1: %2"_s.arg(m_location.displayName(),
                                                                                   current.error().description));
        m_schemaVersion = current.value().toInt();
        if (all.isEmpty() || m_schemaVersion == all.last().version)
            return Done{};
        return storageError(u"The database %1 is read-only and has schema version %2, not this program's %3; make "
                            "it writable once so that it can be migrated"_s.arg(m_location.displayName())
                                .arg(m_schemaVersion)
                                .arg(all.last().version));
    }
    return transaction([&]() -> Status {
        if (m_location.engine == DatabaseEngine::Postgres) {
            // Several instances of a team sandbox may start at once: one migrates, the others wait.
            if (Status locked = runScript({u"SELECT pg_advisory_xact_lock(7270001)"_s}); !locked)
                return locked;
        }
        // Inside the lock, so that two instances starting on one empty database do not race.
        if (Status created = runScript({s_createMigrations}); !created)
            return created;
        Result<QVariant> current = scalar(u"SELECT MAX(version) FROM schema_migrations"_s);
        if (!current)
            return current.error();
        m_schemaVersion = current.value().isNull() ? 0 : current.value().toInt();
        if (!all.isEmpty() && m_schemaVersion > all.last().version)
            return storageError(
                u"The database %1 has schema version %2, newer than this program's %3"_s.arg(m_location.displayName())
                    .arg(m_schemaVersion)
                    .arg(all.last().version));
        for (const Migration &migration : all) {
            if (migration.version <= m_schemaVersion)
                continue;
            if (Status status = runScript(migration.statements); !status)
                return status;
            Result<int> recorded = change(u"INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"_s,
                                          {migration.version, QDateTime::currentMSecsSinceEpoch()});
            if (!recorded)
                return recorded.error();
            qCDebug(lcStorage) << "applied migration" << migration.version;
            m_schemaVersion = migration.version;
        }
        return Done{};
    });
}
