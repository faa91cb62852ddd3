// SPDX-License-Identifier: Apache-2.0
#pragma once

// The fault_rules table. Shared by every sandbox on one database, so a rule added on one
// instance applies on all of them, and spending a counted budget is one atomic UPDATE.

#include "faults/faultrule.h"
#include "result.h"

#include <QList>

class Database;

class FaultStore final
{
    Q_DISABLE_COPY_MOVE(FaultStore)

public:
    explicit FaultStore(const Database &database) : m_database(database) { }

    // Stores a new rule; the stored rule with its id.
    Result<Faults::FaultRule> insert(const Faults::FaultRule &rule) const;
    // Whether a rule with that id existed.
    Result<bool> remove(qint64 id) const;
    Status clear() const;
    // Every rule, oldest first.
    Result<QList<Faults::FaultRule>> all() const;
    // Counts one hit; with a count budget only while some is left (atomic across instances).
    // Whether the hit was counted, i.e. the rule applies to this request.
    Result<bool> spend(qint64 id, bool counted) const;

private:
    const Database &m_database;
};
