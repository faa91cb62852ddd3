// SPDX-License-Identifier: Apache-2.0
#pragma once

// A saved launch scenario: a named client + user + patient + encounter + scope + fault rules
// that one click (or --scenario NAME, or POST /admin/scenarios/{name}/launch) turns into an EHR
// launch. The fault rules are kept as the JSON that POST /admin/faults takes.

#include "result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

struct Scenario
{
    QString name;
    QString clientId;
    QString username;
    QString patientId; // optional: without one the app's user picks a patient
    QString encounterId; // optional
    QString scope; // optional: the scope the app should ask for (a hint)
    QJsonArray faults; // fault rules as POST /admin/faults takes them

    QJsonObject toJson() const;
    // A scenario from the admin API's JSON; an invalid_request error naming the problem otherwise.
    static Result<Scenario> fromJson(const QJsonObject &json);
    // Names are path segments: 1-64 letters, digits, '-', '_' and '.'.
    static bool isValidName(const QString &name);
};

// What launching a scenario gives: where the browser goes, and what the app should ask for.
struct ScenarioLaunch
{
    QString launchId;
    QString iss;
    QString launchUrl; // empty when the client registered no launch URI
    QString clientId;
    QString scope;
    QList<qint64> faultRuleIds; // the rules this launch added

    QJsonObject toJson() const;
};
