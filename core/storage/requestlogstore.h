// SPDX-License-Identifier: Apache-2.0
#pragma once

// The request_log table: batched inserts, trimming to a cap, and reading back.

#include "result.h"
#include "server/requestlogentry.h"

#include <span>

class Database;

class RequestLogStore final
{
    Q_DISABLE_COPY_MOVE(RequestLogStore)

public:
    explicit RequestLogStore(const Database &database) : m_database(database) { }

    // Rows per INSERT, at most; statements have 64, 32, ... 1 rows, so that few distinct ones
    // fill the prepared-statement cache.
    static constexpr qsizetype s_maxRowsPerStatement = 64;
    // The rows of the next statement for `remaining` rows: the largest power of two that fits.
    static qsizetype statementRows(qsizetype remaining);

    // Inserts all entries, atomically, with multi-row INSERTs, and sets their ids. A number of
    // entries that statementRows() gives is one statement without an explicit transaction, whose
    // values are bound before it waits for the write lock.
    Status insert(std::span<RequestLogEntry> entries) const;
    // Drops every entry whose id is below `firstKeptId`.
    Status trimBelow(qint64 firstKeptId) const;
    Result<qint64> count() const;
    // The newest `limit` entries, oldest first.
    Result<QList<RequestLogEntry>> newest(int limit) const;
    Status clear() const;
    // Moves the entries that `portal`, a SQLite file, holds in its own request_log table (where a
    // version before the log had a file of its own kept them) to the end of this log, oldest
    // first, with new ids; how many moved.
    Result<qint64> moveFrom(const Database &portal) const;

private:
    Status insertStatement(std::span<RequestLogEntry> entries) const;

    const Database &m_database;
};
