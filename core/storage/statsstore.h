// SPDX-License-Identifier: Apache-2.0
#pragma once

// Counts of what the portal holds, for GET /admin/status and the UI's status bar.

#include "result.h"

class Database;

struct PortalCounts
{
    qint64 clients = 0;
    qint64 users = 0;
    qint64 patients = 0;
    qint64 approvals = 0;
    qint64 tokens = 0;
    qint64 activeTokens = 0;
};

namespace StatsStore {

Result<PortalCounts> counts(const Database &database, qint64 nowMs);

} // namespace StatsStore
