// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one way to the database: opens SQLite or PostgreSQL from a location string, runs the
// numbered migrations, hands out one connection per thread and runs statements with cached
// prepared queries. Repositories build on it; nothing else touches QtSql.

#include "result.h"

#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QString>
#include <QVariant>

#include <functional>
#include <memory>
#include <optional>

class QSqlError;

enum class DatabaseEngine { Sqlite, Postgres };

struct DatabaseLocation
{
    DatabaseEngine engine = DatabaseEngine::Sqlite;
    QString sqlitePath; // a file path or ":memory:"
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString name;
    QString connectOptions; // QPSQL options from the URL query, e.g. "sslmode=disable"

    // PATH, ":memory:" or "postgresql://user:password@host:port/dbname?option=value".
    static Result<DatabaseLocation> parse(const QString &spec);
    // For messages: the path, or the URL without the password.
    QString displayName() const;
};

class Database final
{
    Q_DISABLE_COPY_MOVE(Database)

public:
    ~Database();

    // Connects, applies pragmas and migrations. Errors are one readable sentence.
    static Result<std::unique_ptr<Database>> open(const DatabaseLocation &location);

    DatabaseEngine engine() const { return m_location.engine; }
    const DatabaseLocation &location() const { return m_location; }
    int schemaVersion() const { return m_schemaVersion; }
    // A SQLite file that could be read but not written was opened read-only: every change is
    // refused with ErrorKind::Unavailable (503 temporarily_unavailable).
    bool isReadOnly() const { return m_readOnly; }

    // The connection of the calling thread, opened on first use.
    QSqlDatabase connection() const;
    // Closes the calling thread's connection and forgets it with its cached statements. A worker
    // thread calls this before it ends: a connection belongs to the thread that opened it, and a
    // later thread may be given the same id.
    void closeThreadConnection() const;

    // Prepares (once per connection), binds positional values and executes. The returned query
    // is positioned before the first row and belongs to the cache: read it, then finish() it.
    Result<QSqlQuery *> run(const QString &sql, const QVariantList &values = {}) const;
    // Runs a statement that returns at most one row and one column; an empty QVariant when none.
    Result<QVariant> scalar(const QString &sql, const QVariantList &values = {}) const;
    // Runs a query and returns its first row, or nothing when there is none.
    Result<std::optional<QSqlRecord>> one(const QString &sql, const QVariantList &values = {}) const;
    // Runs a query and returns all its rows.
    Result<QList<QSqlRecord>> all(const QString &sql, const QVariantList &values = {}) const;
    // Runs a query built at run time (a search): prepared for this call only, never cached, so
    // that endless variations cannot fill the statement cache.
    Result<QList<QSqlRecord>> select(const QString &sql, const QVariantList &values = {}) const;
    // Runs a statement and returns how many rows it changed.
    Result<int> change(const QString &sql, const QVariantList &values = {}) const;
    // Runs several statements that take no values.
    Status runScript(const QStringList &statements) const;

    // Runs work inside one transaction: committed when it returns ok, rolled back otherwise.
    // Nested calls join the outer transaction.
    Status transaction(const std::function<Status()> &work) const;

    // NULL for a null QString or a flagged number, the value otherwise. Every other null QString
    // passed to run() binds as an empty string, so that NULL is always a decision.
    static QVariant nullable(const QString &text);
    static QVariant nullable(qint64 value, bool isNull);

private:
    explicit Database(DatabaseLocation location);
    Status connectMainThread();
    Status migrate();
    Status configureConnection(QSqlDatabase &database) const;
    void openConnection(QSqlDatabase &database) const;
    QSqlQuery *cachedQuery(const QSqlDatabase &database, const QString &sql, bool *fresh) const;
    // A failed statement as an Error: Unavailable for a read-only or full database or a lost
    // server (the caller answers 503 and the server keeps running), Storage otherwise.
    Error failure(const QSqlError &error, const QString &prefix = {}) const;
    Error notOpen() const;

    DatabaseLocation m_location;
    QString m_connectionPrefix;
    int m_schemaVersion = 0;
    bool m_readOnly = false;
    mutable QMutex m_mutex;
    mutable QHash<Qt::HANDLE, QString> m_connectionNames;
    mutable int m_connectionCount = 0; // names stay unique when connections are closed
    mutable QHash<Qt::HANDLE, int> m_transactionDepth;
    mutable QHash<QString, QHash<QString, std::shared_ptr<QSqlQuery>>> m_queries; // connection name -> sql -> query
};
