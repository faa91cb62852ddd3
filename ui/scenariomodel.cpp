// SPDX-License-Identifier: Apache-2.0
#include "scenariomodel.h"

#include "scenarios/scenariostore.h"

ScenarioModel::ScenarioModel(ScenarioStore &store, QObject *parent) : QAbstractTableModel(parent), m_store(store)
{
    refresh();
    connect(&m_store, &ScenarioStore::changed, this, &ScenarioModel::refresh);
}

ScenarioModel::~ScenarioModel() = default;

void ScenarioModel::refresh()
{
    beginResetModel();
    Result<QList<Scenario>> scenarios = m_store.list();
    m_scenarios = scenarios ? scenarios.value() : QList<Scenario>();
    m_error = scenarios ? QString() : scenarios.error().description;
    endResetModel();
}

int ScenarioModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_scenarios.size());
}

int ScenarioModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ScenarioModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Scenario &scenario = m_scenarios.at(index.row());
    if (role == NameRole)
        return scenario.name;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case NameColumn: return scenario.name;
    case ClientColumn: return scenario.clientId;
    case UserColumn: return scenario.username;
    case PatientColumn: return scenario.patientId.isEmpty() ? tr("(picker)") : scenario.patientId;
    case EncounterColumn: return scenario.encounterId;
    case FaultsColumn: return tr("%n rule(s)", nullptr, int(scenario.faults.size()));
    case ColumnCount: break;
    }
    return {};
}

QVariant ScenarioModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case NameColumn: return tr("Name");
    case ClientColumn: return tr("Client");
    case UserColumn: return tr("User");
    case PatientColumn: return tr("Patient");
    case EncounterColumn: return tr("Encounter");
    case FaultsColumn: return tr("Fault rules");
    case ColumnCount: break;
    }
    return {};
}
