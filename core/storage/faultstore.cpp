// SPDX-License-Identifier: Apache-2.0
#include "faultstore.h"

#include "database.h"

using namespace Qt::StringLiterals;

using Faults::Effect;
using Faults::FaultRule;

namespace {

QString effectName(Effect effect)
{
    switch (effect) {
    case Effect::Delay: return u"delay"_s;
    case Effect::Status: return u"status"_s;
    case Effect::Malformed: return u"malformed"_s;
    case Effect::Drop: return u"drop"_s;
    case Effect::LaunchError: return u"launch_error"_s;
    }
    return {};
}

std::optional<Effect> effectNamed(const QString &name)
{
    for (const Effect effect : {Effect::Delay, Effect::Status, Effect::Malformed, Effect::Drop, Effect::LaunchError}) {
        if (effectName(effect) == name)
            return effect;
    }
    return std::nullopt;
}

} // namespace

Result<FaultRule> FaultStore::insert(const FaultRule &rule) const
{
    int value = 0;
    QString launchError;
    if (rule.effect == Effect::Delay)
        value = rule.delayMs;
    else if (rule.effect == Effect::Status)
        value = rule.status;
    else if (rule.effect == Effect::LaunchError)
        launchError = Faults::launchErrorInfo(rule.launchError).name;
    Result<QVariant> id = m_database.scalar(
        u"INSERT INTO fault_rules (endpoint, method, client_id, effect, effect_value, launch_error, percent, "
        "remaining, hits, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?) RETURNING id"_s,
        {rule.endpoint, Database::nullable(rule.method.isEmpty() ? QString() : rule.method),
         Database::nullable(rule.clientId.isEmpty() ? QString() : rule.clientId), effectName(rule.effect), value,
         Database::nullable(launchError), rule.percent, Database::nullable(rule.remaining.value_or(0), !rule.remaining),
         rule.createdAtMs});
    if (!id)
        return id.error();
    FaultRule stored = rule;
    stored.id = id.value().toLongLong();
    stored.hits = 0;
    return stored;
}

Result<bool> FaultStore::remove(qint64 id) const
{
    Result<int> changed = m_database.change(u"DELETE FROM fault_rules WHERE id = ?"_s, {id});
    if (!changed)
        return changed.error();
    return changed.value() > 0;
}

Status FaultStore::clear() const
{
    Result<int> changed = m_database.change(u"DELETE FROM fault_rules"_s);
    if (!changed)
        return changed.error();
    return Done{};
}

Result<QList<FaultRule>> FaultStore::all() const
{
    Result<QList<QSqlRecord>> rows = m_database.all(
        u"SELECT id, endpoint, method, client_id, effect, effect_value, launch_error, percent, remaining, hits, "
        "created_at FROM fault_rules ORDER BY id"_s);
    if (!rows)
        return rows.error();
    QList<FaultRule> rules;
    for (const QSqlRecord &row : rows.value()) {
        const std::optional<Effect> effect = effectNamed(row.value(4).toString());
        if (!effect)
            continue; // written by a newer version
        FaultRule rule;
        rule.id = row.value(0).toLongLong();
        rule.endpoint = row.value(1).toString();
        rule.method = row.value(2).toString();
        rule.clientId = row.value(3).toString();
        rule.effect = *effect;
        if (rule.effect == Effect::Delay)
            rule.delayMs = row.value(5).toInt();
        else if (rule.effect == Effect::Status)
            rule.status = row.value(5).toInt();
        else if (rule.effect == Effect::LaunchError) {
            const std::optional<Faults::LaunchErrorInfo> info = Faults::launchErrorNamed(row.value(6).toString());
            if (!info)
                continue;
            rule.launchError = info->error;
        }
        rule.percent = row.value(7).toInt();
        if (!row.value(8).isNull())
            rule.remaining = row.value(8).toInt();
        rule.hits = row.value(9).toInt();
        rule.createdAtMs = row.value(10).toLongLong();
        rules.append(rule);
    }
    return rules;
}

Result<bool> FaultStore::spend(qint64 id, bool counted) const
{
    Result<int> changed = counted
        ? m_database.change(
            u"UPDATE fault_rules SET remaining = remaining - 1, hits = hits + 1 WHERE id = ? AND remaining > 0"_s, {id})
        : m_database.change(u"UPDATE fault_rules SET hits = hits + 1 WHERE id = ?"_s, {id});
    if (!changed)
        return changed.error();
    return changed.value() > 0;
}
