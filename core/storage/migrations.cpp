// SPDX-License-Identifier: Apache-2.0
#include "migrations.h"

#include "database.h"

using namespace Qt::StringLiterals;

namespace {

// The request log's table as version 1 made it, and the column that version 2 added. The portal's
// schema has them, and so has the request log's own file next to a SQLite file (DatabaseSchema::
// RequestLog, docs/decisions/0074-request-log-in-a-file-of-its-own.md).
const char *const s_requestLogTable = R"(CREATE TABLE request_log (
    id %AUTO_ID%,
    instance TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    duration_us BIGINT NOT NULL,
    remote_address TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    status INTEGER NOT NULL,
    client_id TEXT,
    token_id TEXT,
    request_headers TEXT NOT NULL,
    request_body TEXT NOT NULL,
    request_body_encoding TEXT NOT NULL,
    request_body_size BIGINT NOT NULL,
    response_headers TEXT NOT NULL,
    response_body TEXT NOT NULL,
    response_body_encoding TEXT NOT NULL,
    response_body_size BIGINT NOT NULL))";
const char *const s_requestLogFindings = "ALTER TABLE request_log ADD COLUMN findings TEXT NOT NULL DEFAULT '[]'";

// Version 1: the portal core. Times are milliseconds since the Unix epoch (BIGINT); lists of
// strings are JSON arrays in TEXT; every id is TEXT chosen by the server, except the request
// log's, which is the one sequence that must be ordered.
const char *const s_version1[] = {
    R"(CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL))",
    R"(CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        client_secret TEXT,
        client_name TEXT NOT NULL,
        redirect_uris TEXT NOT NULL,
        scope TEXT NOT NULL,
        security_labels TEXT NOT NULL,
        token_endpoint_auth_method TEXT NOT NULL,
        grant_types TEXT NOT NULL,
        metadata TEXT NOT NULL,
        origin TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL))",
    R"(CREATE TABLE users (
        username TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL))",
    R"(CREATE TABLE patients (
        patient_id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        birth_date TEXT,
        gender TEXT))",
    R"(CREATE TABLE user_patients (
        username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
        patient_id TEXT NOT NULL REFERENCES patients (patient_id) ON DELETE CASCADE,
        relationship TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (username, patient_id)))",
    R"(CREATE TABLE approvals (
        approval_id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        username TEXT REFERENCES users (username) ON DELETE CASCADE,
        patient_id TEXT REFERENCES patients (patient_id) ON DELETE CASCADE,
        scope TEXT NOT NULL,
        security_labels TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT))",
    "CREATE INDEX approvals_subject ON approvals (client_id, username, patient_id)",
    R"(CREATE TABLE authorization_codes (
        code TEXT PRIMARY KEY,
        approval_id TEXT NOT NULL REFERENCES approvals (approval_id) ON DELETE CASCADE,
        client_id TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        redirect_uri TEXT NOT NULL,
        scope TEXT NOT NULL,
        code_challenge TEXT,
        code_challenge_method TEXT,
        nonce TEXT,
        launch_context TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT))",
    R"(CREATE TABLE tokens (
        token_id TEXT PRIMARY KEY,
        access_token TEXT NOT NULL UNIQUE,
        refresh_token TEXT UNIQUE,
        approval_id TEXT REFERENCES approvals (approval_id) ON DELETE CASCADE,
        client_id TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        scope TEXT NOT NULL,
        origin TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT))",
    "CREATE INDEX tokens_approval ON tokens (approval_id)",
    s_requestLogTable,
};

// Version 2: the SMART App Launch authorization server. Authorization requests carry a person
// through login, patient picker and consent; sessions keep a person signed in; launches bind
// EHR context; used assertion ids stop replays; tokens learn about rotation and their code; the
// request log gains findings (explained mistakes).
const char *const s_version2[] = {
    R"(CREATE TABLE sessions (
        session_id TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL))",
    R"(CREATE TABLE launches (
        launch_id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
        patient_id TEXT REFERENCES patients (patient_id) ON DELETE CASCADE,
        encounter_id TEXT,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL))",
    R"(CREATE TABLE authorization_requests (
        request_id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        redirect_uri TEXT NOT NULL,
        scope TEXT NOT NULL,
        state TEXT,
        nonce TEXT,
        code_challenge TEXT,
        code_challenge_method TEXT,
        aud TEXT NOT NULL,
        launch_id TEXT,
        username TEXT,
        patient_id TEXT,
        encounter_id TEXT,
        csrf_token TEXT NOT NULL,
        findings TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL))",
    R"(CREATE TABLE used_assertions (
        client_id TEXT NOT NULL,
        jti TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (client_id, jti)))",
    "ALTER TABLE approvals ADD COLUMN encounter_id TEXT",
    "ALTER TABLE tokens ADD COLUMN refresh_used_at BIGINT",
    "ALTER TABLE tokens ADD COLUMN code TEXT",
    "ALTER TABLE clients ADD COLUMN registration_access_token TEXT",
    s_requestLogFindings,
    "CREATE INDEX tokens_code ON tokens (code)",
};

// Version 3: the FHIR resource store. The current version of each resource, every version
// (history and vread), and the search index: one row per value of a search parameter, plus
// "_compartment" rows naming the patients whose compartment holds the resource.
const char *const s_version3[] = {
    R"(CREATE TABLE fhir_resources (
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        version_id INTEGER NOT NULL,
        last_updated BIGINT NOT NULL,
        deleted INTEGER NOT NULL,
        content TEXT NOT NULL,
        PRIMARY KEY (resource_type, resource_id)))",
    R"(CREATE TABLE fhir_versions (
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        version_id INTEGER NOT NULL,
        last_updated BIGINT NOT NULL,
        deleted INTEGER NOT NULL,
        content TEXT NOT NULL,
        PRIMARY KEY (resource_type, resource_id, version_id)))",
    R"(CREATE TABLE fhir_index (
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        name TEXT NOT NULL,
        system TEXT NOT NULL,
        value TEXT NOT NULL,
        low BIGINT,
        high BIGINT))",
    "CREATE INDEX fhir_index_value ON fhir_index (resource_type, name, value)",
    "CREATE INDEX fhir_index_resource ON fhir_index (resource_type, resource_id)",
    "CREATE INDEX fhir_resources_updated ON fhir_resources (resource_type, last_updated)",
};

// Version 4: JWT access tokens and broken tokens on purpose (docs/decisions/0035). A client
// chooses its access token format; a token row keeps its format, the defect it was minted with,
// and for a JWT the token itself in access_jwt, while access_token holds its SHA-256 (a JWT can
// be longer than a PostgreSQL unique index entry may be).
const char *const s_version4[] = {
    "ALTER TABLE clients ADD COLUMN access_token_format TEXT NOT NULL DEFAULT 'opaque'",
    "ALTER TABLE tokens ADD COLUMN access_token_format TEXT NOT NULL DEFAULT 'opaque'",
    "ALTER TABLE tokens ADD COLUMN access_jwt TEXT",
    "ALTER TABLE tokens ADD COLUMN defect TEXT",
};

// Version 5: fault injection rules (core/faults). Kept in the database so that every sandbox on
// one PostgreSQL applies the same rules and a restart keeps them. `remaining` is NULL for rules
// without a count; `effect_value` is the delay in ms or the status, by effect.
const char *const s_version5[] = {
    R"(CREATE TABLE fault_rules (
        id %AUTO_ID%,
        endpoint TEXT NOT NULL,
        method TEXT,
        client_id TEXT,
        effect TEXT NOT NULL,
        effect_value INTEGER NOT NULL,
        launch_error TEXT,
        percent INTEGER NOT NULL,
        remaining INTEGER,
        hits INTEGER NOT NULL,
        created_at BIGINT NOT NULL))",
};

// Version 6: saved launch scenarios. The definition is the scenario's JSON; fault_rule_ids is a
// JSON array of the fault rules its last launch added, which the next launch replaces.
const char *const s_version6[] = {
    R"(CREATE TABLE scenarios (
        name TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        fault_rule_ids TEXT NOT NULL,
        updated_at BIGINT NOT NULL))",
};

// Version 7: most tokens have no authorization code (debug tokens, refreshes, client
// credentials), and a full index on `code` kept one entry for each of them, a page write per token
// for nothing. Lookups by code (`code = ?`) imply `code IS NOT NULL`, so both engines still use it.
const char *const s_version7[] = {
    "DROP INDEX tokens_code",
    "CREATE INDEX tokens_code ON tokens (code) WHERE code IS NOT NULL",
};

QString fill(const char *statement, DatabaseEngine engine)
{
    QString sql = QString::fromUtf8(statement);
    sql.replace(u"%AUTO_ID%"_s,
                engine == DatabaseEngine::Postgres ? u"BIGSERIAL PRIMARY KEY"_s
                                                   : u"INTEGER PRIMARY KEY AUTOINCREMENT"_s);
    return sql;
}

} // namespace

QList<Migration> migrations(DatabaseEngine engine, DatabaseSchema schema)
{
    if (schema == DatabaseSchema::RequestLog) {
        // Version 1 of the request log's own file: the table as the portal's version 2 left it.
        return {{1, {fill(s_requestLogTable, engine), fill(s_requestLogFindings, engine)}}};
    }
    Migration first{1, {}};
    for (const char *statement : s_version1)
        first.statements.append(fill(statement, engine));
    Migration second{2, {}};
    for (const char *statement : s_version2)
        second.statements.append(fill(statement, engine));
    Migration third{3, {}};
    for (const char *statement : s_version3)
        third.statements.append(fill(statement, engine));
    Migration fourth{4, {}};
    for (const char *statement : s_version4)
        fourth.statements.append(fill(statement, engine));
    Migration fifth{5, {}};
    for (const char *statement : s_version5)
        fifth.statements.append(fill(statement, engine));
    Migration sixth{6, {}};
    for (const char *statement : s_version6)
        sixth.statements.append(fill(statement, engine));
    Migration seventh{7, {}};
    for (const char *statement : s_version7)
        seventh.statements.append(fill(statement, engine));
    return {first, second, third, fourth, fifth, sixth, seventh};
}

int latestSchemaVersion(DatabaseSchema schema)
{
    return migrations(DatabaseEngine::Sqlite, schema).last().version;
}
