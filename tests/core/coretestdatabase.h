// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs one test function for both storage engines: an "engine" data column with a "sqlite" and
// a "postgres" row, and a macro that creates that engine's fresh database for the row (skipped,
// with the reason, when no PostgreSQL server is configured). And opening a Database directly.

#include "storage/database.h"
#include "testsupport.h"

#include <QTest>

#include <memory>

namespace CoreTest {

inline void addEngineColumn()
{
    QTest::addColumn<QString>("engine");
}

inline void addEngineRows(const char *prefix = "")
{
    QTest::addRow("%ssqlite", prefix) << QStringLiteral("sqlite");
    QTest::addRow("%spostgres", prefix) << QStringLiteral("postgres");
}

inline void addEngineData()
{
    addEngineColumn();
    addEngineRows();
}

inline std::unique_ptr<TestSupport::TestDatabase> makeDatabase(const QString &engine)
{
    return std::make_unique<TestSupport::TestDatabase>(engine == QLatin1String("postgres")
                                                           ? TestSupport::TestDatabase::Engine::Postgres
                                                           : TestSupport::TestDatabase::Engine::Sqlite);
}

// A Database opened from what --db takes (a path, ":memory:" or a PostgreSQL URL).
inline Result<std::unique_ptr<Database>> openDatabase(const QString &spec)
{
    Result<DatabaseLocation> location = DatabaseLocation::parse(spec);
    if (!location)
        return location.error();
    return Database::open(location.value());
}

} // namespace CoreTest

// Declares `Database &name`, opened from `spec`; the test fails with the reason when it cannot be.
#define OPEN_DATABASE(name, spec) \
    Result<std::unique_ptr<Database>> name##Opened = CoreTest::openDatabase(spec); \
    QVERIFY2(name##Opened.ok(), \
             qPrintable(name##Opened.ok() ? QString() \
                                          : name##Opened.error().code + u": " + name##Opened.error().description)); \
    Database &name = *name##Opened.value();

// Declares `name`, a fresh TestDatabase for the row's engine; skips the row when PostgreSQL is
// wanted but not configured, fails it when the database cannot be created.
#define CORE_TEST_DATABASE(name) \
    QFETCH(QString, engine); \
    const std::unique_ptr<TestSupport::TestDatabase> name = CoreTest::makeDatabase(engine); \
    if (!name->isAvailable()) { \
        if (engine == QLatin1String("postgres") && TestSupport::postgresServerUrl().isEmpty()) \
            QSKIP("SANDBOX_TEST_POSTGRES_URL is not set (scripts/postgres.sh start prints one); CI sets it"); \
        QFAIL(qPrintable(name->error())); \
    }
