// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Flows table: one row per launch flow that core's FlowGrouper finds in the live request
// log (client, user, patient, start, steps, outcome). Rows are added and updated as the log
// announces exchanges; the oldest flows leave beyond a fixed number of rows.

#include "server/flowgrouper.h"

#include <QAbstractTableModel>

class ClientNames;
class RequestLog;

class FlowModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowModel)

public:
    enum Column { ClientColumn, UserColumn, PatientColumn, StartedColumn, StepsColumn, StatusColumn, ColumnCount };
    enum Role { FlowIdRole = Qt::UserRole + 1, OutcomeRole };

    explicit FlowModel(RequestLog &log, QObject *parent = nullptr);
    ~FlowModel() override;

    // Shows the clients' names in the Client column; ids without.
    void setClientNames(const ClientNames *names);
    void setRowLimit(int limit) { m_rowLimit = qMax(1, limit); }
    const LaunchFlow &flow(int row) const { return m_grouper.flows().at(row); }
    // The flow with this id, or nullptr once it left.
    const LaunchFlow *flowById(qint64 id) const { return m_grouper.flow(id); }
    // The row of a flow, or -1.
    int rowOf(qint64 flowId) const;
    // "completed", "failed at token", "in progress".
    static QString outcomeText(const LaunchFlow &flow);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // A flow gained a step (its row changed too).
    void flowExtended(qint64 flowId);

private:
    void take(const RequestLogEntry &entry);
    void clearAll();

    FlowGrouper m_grouper;
    const ClientNames *m_clientNames = nullptr;
    int m_rowLimit = 1000;
};
