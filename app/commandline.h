// SPDX-License-Identifier: Apache-2.0
#pragma once

// The smart-sandbox command line: options to SandboxOptions, or the one line that says what is
// wrong with them.

#include "sandbox.h"

#include <QStringList>

struct CommandLine
{
    enum class Outcome { Run, ShowHelp, ShowVersion, Error };

    Outcome outcome = Outcome::Run;
    SandboxOptions options;
    bool headless = false;
    QStringList importFiles; // --import: import these files (or folders) and exit
    QString text; // the help or version text, or the error message

    // `arguments` includes the program name, as QCoreApplication::arguments() does.
    static CommandLine parse(const QStringList &arguments);
};

// Exit codes, documented in README.md. An interrupted --import exits with 128 + the signal.
enum ExitCode {
    ExitOk = 0,
    ExitUsage = 1,
    ExitDatabase = 2,
    ExitNetwork = 3,
    ExitLogFile = 4,
    ExitImportRejected = 5, // --import: some resources were rejected, the others imported
    ExitImportFailed = 6, // --import: a file could not be read as FHIR at all
};
