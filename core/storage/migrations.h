// SPDX-License-Identifier: Apache-2.0
#pragma once

// The schema as numbered migrations. A migration's statements are written once; the few words
// that differ between SQLite and PostgreSQL are placeholders that migrationStatements() fills in.

#include <QStringList>

enum class DatabaseEngine;

struct Migration
{
    int version;
    QStringList statements;
};

QList<Migration> migrations(DatabaseEngine engine);
// The version a database has once every migration ran.
int latestSchemaVersion();
