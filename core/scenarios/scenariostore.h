// SPDX-License-Identifier: Apache-2.0
#pragma once

// Saved launch scenarios (thread: main): the scenarios table, and launching one. The admin API
// (/admin/scenarios), the Scenarios menu and --scenario NAME all go through here.

#include "scenario.h"

#include <QObject>

#include <optional>

class AuthorizationService;
class ClientRegistry;
class Clock;
class Database;
class FaultRules;

class ScenarioStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScenarioStore)

public:
    ScenarioStore(const Database &database, const Clock &clock, ClientRegistry &clients,
                  AuthorizationService &authorization, FaultRules &faults, QObject *parent = nullptr);

    // Every scenario, by name.
    Result<QList<Scenario>> list() const;
    Result<std::optional<Scenario>> find(const QString &name) const;
    // Adds the scenario or replaces the one with its name.
    Status save(const Scenario &scenario);
    // Whether there was such a scenario. The fault rules its last launch added stay.
    Result<bool> remove(const QString &name);
    // Replaces every scenario with `scenarios` (configuration import; inside the caller's
    // transaction when there is one).
    Status replaceAll(const QList<Scenario> &scenarios);

    // Creates the launch context as POST /admin/launch does, then removes the fault rules the
    // scenario's previous launch added and adds its own. `iss` is the FHIR base the app is sent.
    // A not_found error (404) for an unknown name.
    Result<ScenarioLaunch> launch(const QString &name, const QString &iss);

Q_SIGNALS:
    // Scenarios were saved or removed.
    void changed();

private:
    const Database &m_database;
    const Clock &m_clock;
    ClientRegistry &m_clients;
    AuthorizationService &m_authorization;
    FaultRules &m_faults;
};
