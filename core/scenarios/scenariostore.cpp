// SPDX-License-Identifier: Apache-2.0
#include "scenariostore.h"

#include "clock.h"
#include "faults/faultrules.h"
#include "oauth/authorizationservice.h"
#include "oauth/client.h"
#include "oauth/clientregistry.h"
#include "storage/database.h"
#include "storage/jsontext.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

QList<qint64> idsFrom(const QString &text)
{
    QList<qint64> ids;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &value : array)
        ids.append(value.toInteger());
    return ids;
}

QString idsText(const QList<qint64> &ids)
{
    QJsonArray array;
    for (const qint64 id : ids)
        array.append(id);
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

Error notFound(const QString &name)
{
    return Error{ErrorKind::NotFound, u"not_found"_s, u"There is no scenario named \"%1\""_s.arg(name)};
}

} // namespace

ScenarioStore::ScenarioStore(const Database &database, const Clock &clock, ClientRegistry &clients,
                             AuthorizationService &authorization, FaultRules &faults, QObject *parent)
    : QObject(parent),
      m_database(database),
      m_clock(clock),
      m_clients(clients),
      m_authorization(authorization),
      m_faults(faults)
{ }

Result<QList<Scenario>> ScenarioStore::list() const
{
    Result<QList<QSqlRecord>> rows = m_database.all(u"SELECT definition FROM scenarios ORDER BY name"_s);
    if (!rows)
        return rows.error();
    QList<Scenario> scenarios;
    for (const QSqlRecord &row : rows.value()) {
        Result<Scenario> scenario = Scenario::fromJson(JsonText::toObject(row.value(0).toString()));
        if (scenario)
            scenarios.append(scenario.value());
    }
    return scenarios;
}

Result<std::optional<Scenario>> ScenarioStore::find(const QString &name) const
{
    Result<std::optional<QSqlRecord>> row
        = m_database.one(u"SELECT definition FROM scenarios WHERE name = ?"_s, {name});
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<Scenario>();
    Result<Scenario> scenario = Scenario::fromJson(JsonText::toObject(row.value()->value(0).toString()));
    if (!scenario)
        return scenario.error();
    return std::optional<Scenario>(scenario.value());
}

Status ScenarioStore::save(const Scenario &scenario)
{
    if (!Scenario::isValidName(scenario.name))
        return badRequest(u"invalid_request"_s, u"name must be 1 to 64 letters, digits, '.', '-' or '_'"_s);
    const QString definition = JsonText::fromObject(scenario.toJson());
    Status saved = m_database.transaction([&]() -> Status {
        Result<int> updated = m_database.change(u"UPDATE scenarios SET definition = ?, updated_at = ? WHERE name = ?"_s,
                                                {definition, m_clock.nowMs(), scenario.name});
        if (!updated)
            return updated.error();
        if (updated.value() > 0)
            return Done{};
        Result<int> inserted = m_database.change(
            u"INSERT INTO scenarios (name, definition, fault_rule_ids, updated_at) VALUES (?, ?, '[]', ?)"_s,
            {scenario.name, definition, m_clock.nowMs()});
        if (!inserted)
            return inserted.error();
        return Done{};
    });
    if (saved)
        Q_EMIT changed();
    return saved;
}

Result<bool> ScenarioStore::remove(const QString &name)
{
    Result<int> removed = m_database.change(u"DELETE FROM scenarios WHERE name = ?"_s, {name});
    if (!removed)
        return removed.error();
    if (removed.value() > 0)
        Q_EMIT changed();
    return removed.value() > 0;
}

Status ScenarioStore::replaceAll(const QList<Scenario> &scenarios)
{
    Status replaced = m_database.transaction([&]() -> Status {
        Result<int> cleared = m_database.change(u"DELETE FROM scenarios"_s);
        if (!cleared)
            return cleared.error();
        for (const Scenario &scenario : scenarios) {
            Result<int> inserted = m_database.change(
                u"INSERT INTO scenarios (name, definition, fault_rule_ids, updated_at) VALUES (?, ?, '[]', ?)"_s,
                {scenario.name, JsonText::fromObject(scenario.toJson()), m_clock.nowMs()});
            if (!inserted)
                return inserted.error();
        }
        return Done{};
    });
    if (replaced)
        Q_EMIT changed();
    return replaced;
}

Result<ScenarioLaunch> ScenarioStore::launch(const QString &name, const QString &iss)
{
    Result<std::optional<QSqlRecord>> row
        = m_database.one(u"SELECT definition, fault_rule_ids FROM scenarios WHERE name = ?"_s, {name});
    if (!row)
        return row.error();
    if (!row.value())
        return notFound(name);
    Result<Scenario> scenario = Scenario::fromJson(JsonText::toObject(row.value()->value(0).toString()));
    if (!scenario)
        return scenario.error();
    const Scenario &saved = scenario.value();
    QList<Faults::FaultRule> rules;
    for (const QJsonValue &value : saved.faults) {
        Result<Faults::FaultRule> rule = Faults::FaultRule::fromJson(value.toObject());
        if (!rule)
            return rule.error();
        rules.append(rule.value());
    }
    Result<Launch> launch
        = m_authorization.createLaunch(saved.clientId, saved.username, saved.patientId, saved.encounterId);
    if (!launch)
        return launch.error();

    ScenarioLaunch result;
    result.launchId = launch.value().id;
    result.iss = iss;
    result.clientId = saved.clientId;
    result.scope = saved.scope;
    for (const qint64 id : idsFrom(row.value()->value(1).toString())) {
        if (Result<bool> removed = m_faults.remove(id); !removed)
            return removed.error();
    }
    for (const Faults::FaultRule &rule : rules) {
        Result<Faults::FaultRule> added = m_faults.add(rule);
        if (!added)
            return added.error();
        result.faultRuleIds.append(added.value().id);
    }
    Result<int> stored = m_database.change(u"UPDATE scenarios SET fault_rule_ids = ? WHERE name = ?"_s,
                                           {idsText(result.faultRuleIds), name});
    if (!stored)
        return stored.error();
    Result<std::optional<Client>> client = m_clients.find(saved.clientId);
    if (client && client.value())
        result.launchUrl = AuthorizationService::launchUrl(*client.value(), iss, result.launchId);
    return result;
}
