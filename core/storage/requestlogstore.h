// SPDX-License-Identifier: Apache-2.0
#pragma once

// The request_log table: batched inserts, trimming to a cap, and reading back.

#include "result.h"
#include "server/requestlogentry.h"

class Database;

class RequestLogStore final
{
    Q_DISABLE_COPY_MOVE(RequestLogStore)

public:
    explicit RequestLogStore(const Database &database) : m_database(database) { }

    // Inserts all entries in one transaction and sets their ids.
    Status insert(QList<RequestLogEntry> &entries) const;
    // Drops every entry whose id is below `firstKeptId`.
    Status trimBelow(qint64 firstKeptId) const;
    Result<qint64> count() const;
    // The newest `limit` entries, oldest first.
    Result<QList<RequestLogEntry>> newest(int limit) const;
    Status clear() const;

private:
    const Database &m_database;
};
