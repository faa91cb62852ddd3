// SPDX-License-Identifier: Apache-2.0
#pragma once

// smart-sandbox --import: imports FHIR files into the sandbox's database without starting the
// server, prints what happened to each file on stdout, and turns the outcome into an exit code.

#include <QStringList>

class Sandbox;

// Returns the exit code (ExitOk, ExitImportRejected, ExitImportFailed, ExitDatabase, or 128 + a
// signal that interrupted the import).
int runImport(Sandbox &sandbox, const QStringList &paths);
