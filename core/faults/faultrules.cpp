// SPDX-License-Identifier: Apache-2.0
#include "faultrules.h"

#include "clock.h"
#include "storage/faultstore.h"

#include <QLoggingCategory>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;
using Faults::FaultRule;

Q_LOGGING_CATEGORY(lcFaults, "sandbox.faults", QtInfoMsg)

FaultRules::FaultRules(const Database &database, const Clock &clock, QObject *parent)
    : QObject(parent), m_store(std::make_unique<FaultStore>(database)), m_clock(clock)
{
    reload();
}

FaultRules::~FaultRules() = default;

Result<FaultRule> FaultRules::add(FaultRule rule)
{
    rule.createdAtMs = m_clock.nowMs();
    Result<FaultRule> stored = m_store->insert(rule);
    if (stored) {
        qCInfo(lcFaults).noquote() << "rule" << stored.value().id << "added:" << stored.value().endpoint
                                   << stored.value().effectText();
        reload();
    }
    return stored;
}

Result<bool> FaultRules::remove(qint64 id)
{
    Result<bool> removed = m_store->remove(id);
    if (removed && removed.value())
        reload();
    return removed;
}

Status FaultRules::clear()
{
    Status cleared = m_store->clear();
    if (cleared)
        reload();
    return cleared;
}

Result<QList<FaultRule>> FaultRules::list()
{
    Result<QList<FaultRule>> rules = m_store->all();
    if (rules) {
        m_rules = rules.value();
        m_loaded.start();
    }
    return rules;
}

void FaultRules::reload()
{
    Result<QList<FaultRule>> rules = m_store->all();
    if (!rules) {
        qCWarning(lcFaults).noquote() << "cannot read the fault rules:" << rules.error().description;
        return;
    }
    m_rules = rules.value();
    m_loaded.start();
    Q_EMIT changed();
}

void FaultRules::refreshIfStale()
{
    if (!m_loaded.isValid() || m_loaded.elapsed() >= s_refreshMs) {
        Result<QList<FaultRule>> rules = m_store->all();
        if (!rules)
            return;
        m_loaded.start();
        if (rules.value().size() != m_rules.size()
            || !std::equal(m_rules.begin(), m_rules.end(), rules.value().begin(),
                           [](const FaultRule &a, const FaultRule &b) {
                               return a.id == b.id && a.hits == b.hits && a.remaining == b.remaining;
                           })) {
            m_rules = rules.value();
            Q_EMIT changed();
        }
    }
}

QList<FaultRule> FaultRules::candidates(const QString &path, const QByteArray &method)
{
    refreshIfStale();
    QList<FaultRule> matching;
    for (const FaultRule &rule : std::as_const(m_rules)) {
        if (!rule.exhausted() && rule.matchesPath(path, method))
            matching.append(rule);
    }
    return matching;
}

bool FaultRules::spend(const FaultRule &rule)
{
    if (rule.percent < 100 && int(QRandomGenerator::system()->bounded(100)) >= rule.percent)
        return false;
    Result<bool> spent = m_store->spend(rule.id, rule.remaining.has_value());
    if (!spent) {
        qCWarning(lcFaults).noquote() << "cannot count a hit of rule" << rule.id << ":" << spent.error().description;
        return false;
    }
    if (!spent.value()) {
        reload(); // used up or removed by another instance
        return false;
    }
    for (FaultRule &cachedRule : m_rules) {
        if (cachedRule.id == rule.id) {
            ++cachedRule.hits;
            if (cachedRule.remaining)
                --*cachedRule.remaining;
        }
    }
    Q_EMIT changed();
    return true;
}
