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

// Which tables a database holds: the portal's (the request log among them), or only the request
// log, in the file of its own that sits next to a SQLite file of the portal
// (docs/decisions/0074-request-log-in-a-file-of-its-own.md). Each has its own numbered migrations.
enum class DatabaseSchema { Portal, RequestLog };

QList<Migration> migrations(DatabaseEngine engine, DatabaseSchema schema = DatabaseSchema::Portal);
// The version a database has once every migration ran.
int latestSchemaVersion(DatabaseSchema schema = DatabaseSchema::Portal);
