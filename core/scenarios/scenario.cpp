// SPDX-License-Identifier: Apache-2.0
#include "scenario.h"

#include "faults/faultrule.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

const QStringList s_fields
    = {u"name"_s, u"client_id"_s, u"username"_s, u"patient_id"_s, u"encounter_id"_s, u"scope"_s, u"faults"_s};

Error invalid(const QString &description)
{
    return badRequest(u"invalid_request"_s, description);
}

} // namespace

bool Scenario::isValidName(const QString &name)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9._-]{1,64}$"_s);
    return pattern.match(name).hasMatch();
}

QJsonObject Scenario::toJson() const
{
    QJsonObject json{{u"name"_s, name}, {u"client_id"_s, clientId}, {u"username"_s, username}, {u"faults"_s, faults}};
    if (!patientId.isEmpty())
        json.insert(u"patient_id"_s, patientId);
    if (!encounterId.isEmpty())
        json.insert(u"encounter_id"_s, encounterId);
    if (!scope.isEmpty())
        json.insert(u"scope"_s, scope);
    return json;
}

Result<Scenario> Scenario::fromJson(const QJsonObject &json)
{
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!s_fields.contains(it.key()))
            return invalid(u"Unknown field \"%1\"; a scenario takes %2"_s.arg(it.key(), s_fields.join(u", "_s)));
    }
    for (const QString &field : {u"name"_s, u"client_id"_s, u"username"_s}) {
        if (!json.value(field).isString() || json.value(field).toString().isEmpty())
            return invalid(u"%1 is required and must be a string"_s.arg(field));
    }
    for (const QString &field : {u"patient_id"_s, u"encounter_id"_s, u"scope"_s}) {
        if (json.contains(field) && !json.value(field).isString())
            return invalid(u"%1 must be a string"_s.arg(field));
    }
    if (json.contains(u"faults"_s) && !json.value(u"faults"_s).isArray())
        return invalid(u"faults must be an array of fault rules as POST /admin/faults takes them"_s);
    Scenario scenario;
    scenario.name = json.value(u"name"_s).toString();
    if (!isValidName(scenario.name))
        return invalid(u"name must be 1 to 64 letters, digits, '.', '-' or '_'"_s);
    scenario.clientId = json.value(u"client_id"_s).toString();
    scenario.username = json.value(u"username"_s).toString();
    scenario.patientId = json.value(u"patient_id"_s).toString();
    scenario.encounterId = json.value(u"encounter_id"_s).toString();
    scenario.scope = json.value(u"scope"_s).toString().simplified();
    const QJsonArray faults = json.value(u"faults"_s).toArray();
    for (qsizetype i = 0; i < faults.size(); ++i) {
        if (!faults.at(i).isObject())
            return invalid(u"faults[%1] must be an object"_s.arg(i));
        Result<Faults::FaultRule> rule = Faults::FaultRule::fromJson(faults.at(i).toObject());
        if (!rule)
            return invalid(u"faults[%1]: %2"_s.arg(i).arg(rule.error().description));
        scenario.faults.append(rule.value().toRequestJson());
    }
    return scenario;
}

QJsonObject ScenarioLaunch::toJson() const
{
    QJsonObject json{{u"launch"_s, launchId}, {u"iss"_s, iss}, {u"client_id"_s, clientId}};
    json.insert(u"launch_url"_s, launchUrl.isEmpty() ? QJsonValue() : QJsonValue(launchUrl));
    if (!scope.isEmpty())
        json.insert(u"scope"_s, scope);
    QJsonArray ids;
    for (const qint64 id : faultRuleIds)
        ids.append(id);
    json.insert(u"fault_rule_ids"_s, ids);
    return json;
}
