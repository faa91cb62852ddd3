// SPDX-License-Identifier: Apache-2.0
#pragma once

// smart-sandbox --export-config FILE and --import-config FILE: write or replace the whole
// sandbox configuration (core/scenarios/configuration.h) without starting the server.

#include <QString>

class Sandbox;

// ExitOk, ExitDatabase, or ExitImportFailed when the file cannot be written.
int runExportConfig(Sandbox &sandbox, const QString &path);
// ExitOk, ExitDatabase, or ExitImportFailed when the file cannot be read or is not a valid
// configuration (then nothing changed).
int runImportConfig(Sandbox &sandbox, const QString &path);
