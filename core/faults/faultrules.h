// SPDX-License-Identifier: Apache-2.0
#pragma once

// The fault injection rules of the sandbox (thread: main). The admin API and the Faults tab add
// and remove rules here; PortalServer asks, for each request, which rules may apply and spends
// their budget. Rules live in the database (shared by every sandbox on it); a copy is cached and
// refreshed at least every s_refreshMs, so that matching costs no query while nothing changes.

#include "faultrule.h"
#include "result.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

class Clock;
class Database;
class FaultStore;

class FaultRules final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FaultRules)

public:
    static constexpr qint64 s_refreshMs = 1000;

    FaultRules(const Database &database, const Clock &clock, QObject *parent = nullptr);
    ~FaultRules() override;

    Result<Faults::FaultRule> add(Faults::FaultRule rule);
    // Whether there was such a rule.
    Result<bool> remove(qint64 id);
    Status clear();
    // Every rule, fresh from the database, oldest first.
    Result<QList<Faults::FaultRule>> list();
    // The rules, as last read (for the UI, which is told of changes).
    const QList<Faults::FaultRule> &cached() const { return m_rules; }
    // Re-reads the rules (after a reset, which empties the table).
    void reload();

    // Rules with budget left that cover a request to `path` with `method`, oldest first.
    QList<Faults::FaultRule> candidates(const QString &path, const QByteArray &method);
    // Decides whether `rule` applies to this request: rolls its percent, then takes one from its
    // count (atomically, shared with other instances). Counts the hit when it applies.
    bool spend(const Faults::FaultRule &rule);

Q_SIGNALS:
    // Rules were added, removed or hit.
    void changed();

private:
    void refreshIfStale();

    std::unique_ptr<FaultStore> m_store;
    const Clock &m_clock;
    QList<Faults::FaultRule> m_rules;
    QElapsedTimer m_loaded;
};
