// SPDX-License-Identifier: Apache-2.0
#pragma once

// The saved launch scenarios as a table, live on ScenarioStore::changed.

#include "scenarios/scenario.h"

#include <QAbstractTableModel>
#include <QList>

class ScenarioStore;

class ScenarioModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScenarioModel)

public:
    enum Column { NameColumn, ClientColumn, UserColumn, PatientColumn, EncounterColumn, FaultsColumn, ColumnCount };
    enum Role { NameRole = Qt::UserRole + 1 };

    explicit ScenarioModel(ScenarioStore &store, QObject *parent = nullptr);
    ~ScenarioModel() override;

    const Scenario &scenario(int row) const { return m_scenarios.at(row); }
    // The last error reading the scenarios, or empty.
    QString error() const { return m_error; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void refresh();

    ScenarioStore &m_store;
    QList<Scenario> m_scenarios;
    QString m_error;
};
