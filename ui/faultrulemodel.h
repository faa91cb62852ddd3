// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Faults table: one row per fault rule, live on FaultRules::changed (a new hit updates the
// row in place; added or removed rules reset the table).

#include "faults/faultrule.h"

#include <QAbstractTableModel>
#include <QList>

class ClientNames;
class FaultRules;

class FaultRuleModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FaultRuleModel)

public:
    enum Column {
        IdColumn,
        EndpointColumn,
        MethodColumn,
        ClientColumn,
        EffectColumn,
        BudgetColumn,
        HitsColumn,
        ColumnCount
    };
    enum Role { RuleIdRole = Qt::UserRole + 1 };

    explicit FaultRuleModel(FaultRules &rules, QObject *parent = nullptr);
    ~FaultRuleModel() override;

    // Shows the clients' names in the Client column; ids without.
    void setClientNames(const ClientNames *names);
    const Faults::FaultRule &rule(int row) const { return m_rules.at(row); }
    // "800 ms delay", "status 503", "launch error access_denied", ...
    static QString effectText(const Faults::FaultRule &rule);
    // "next 2", "until removed, 50 %", "used up"
    static QString budgetText(const Faults::FaultRule &rule);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void refresh();

    FaultRules &m_faults;
    const ClientNames *m_clientNames = nullptr;
    QList<Faults::FaultRule> m_rules;
};
