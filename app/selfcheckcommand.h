// SPDX-License-Identifier: Apache-2.0
#pragma once

// smart-sandbox --self-check: checks the sandbox at `url`, or starts one of its own on a free
// loopback port with a temporary database, prints the pass/fail table and turns the outcome into
// an exit code.

#include <QString>

struct SandboxOptions;

// ExitOk when every check passed, ExitSelfCheckFailed when one failed, ExitSelfCheckUnreachable
// when the target did not answer, ExitDatabase or ExitNetwork when the own sandbox cannot start.
int runSelfCheck(const QString &url, const SandboxOptions &options);
