// SPDX-License-Identifier: Apache-2.0
#pragma once

// The whole sandbox configuration as one JSON document (GET/PUT /admin/config, --export-config,
// --import-config, Sandbox > Export/Import): clients with their registrations, users, patients
// and their relationships, fault rules, the discovery profile and saved scenarios. Tokens,
// approvals, FHIR resources, the request log and the signing key are not part of it.

#include "result.h"

#include <QJsonObject>

class Sandbox;

namespace Configuration {

inline constexpr auto s_format = "smart-sandbox-configuration";
inline constexpr int s_version = 1;

Result<QJsonObject> exportJson(const Sandbox &sandbox);
// Checks the whole document first, then replaces the configuration in one transaction: on any
// error (an invalid_request naming the part) nothing changes. Sessions, launches and tokens
// end, as they belong to the clients and people being replaced.
Status importJson(Sandbox &sandbox, const QJsonObject &document);

// The same through a file (--export-config, --import-config, the Sandbox menu). A file that cannot
// be written or read, or is not a configuration, is a BadRequest error naming the file; a database
// failure is a Storage error. Both return the document that was written or read; the import goes
// through Sandbox::importConfiguration, which announces it.
Result<QJsonObject> exportToFile(const Sandbox &sandbox, const QString &path);
Result<QJsonObject> importFromFile(Sandbox &sandbox, const QString &path);
// "3 clients, 2 users, 28 patients, 1 faults, 2 scenarios": what a document holds.
QString summary(const QJsonObject &document);

} // namespace Configuration
