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
    bool selfCheck = false; // --self-check: check a sandbox, print the results and exit
    QString selfCheckUrl; // --url: the sandbox to check; empty: start one of its own
    QStringList givenOptions; // the long names of the options on the command line ("port", "db")
    QString scenario; // --scenario: launch this saved scenario once the server listens
    QString exportConfig; // --export-config: write the configuration to this file and exit
    QString importConfig; // --import-config: replace the configuration with this file and exit
    QString language; // --lang: a language code such as de or es; empty follows the system locale
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
    ExitSelfCheckFailed = 1, // --self-check: some check failed (as the issue asks; shared with usage)
    ExitSelfCheckUnreachable = 7, // --self-check: the target did not answer at all
    ExitScenario = 8, // --scenario: no such scenario, or it cannot be launched
};
