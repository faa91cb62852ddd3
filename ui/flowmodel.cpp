// SPDX-License-Identifier: Apache-2.0
#include "flowmodel.h"

#include "clientnames.h"
#include "server/requestlog.h"
#include "statecolors.h"

#include <QBrush>
#include <QDateTime>
#include <QLocale>

using namespace Qt::StringLiterals;

FlowModel::FlowModel(RequestLog &log, QObject *parent) : QAbstractTableModel(parent)
{
    connect(&log, &RequestLog::requestLogged, this, &FlowModel::take);
    connect(&log, &RequestLog::cleared, this, &FlowModel::clearAll);
}

FlowModel::~FlowModel() = default;

void FlowModel::setClientNames(const ClientNames *names)
{
    if (m_clientNames)
        disconnect(m_clientNames, nullptr, this, nullptr);
    m_clientNames = names;
    const auto repaint = [this] {
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, ClientColumn), index(rowCount() - 1, ClientColumn));
    };
    if (names)
        connect(names, &ClientNames::changed, this, repaint);
    repaint();
}

void FlowModel::take(const RequestLogEntry &entry)
{
    const int before = int(m_grouper.flows().size());
    // Peek where the entry goes without changing rows behind the views' back: a new flow is
    // announced with beginInsertRows first.
    FlowGrouper::Placement placement;
    if (entry.path == u"/oauth/authorize"_s) {
        beginInsertRows({}, before, before);
        placement = m_grouper.add(entry);
        endInsertRows();
    } else {
        placement = m_grouper.add(entry);
    }
    if (placement.flowId == 0)
        return;
    if (!placement.created) {
        const int row = rowOf(placement.flowId);
        if (row >= 0)
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        Q_EMIT flowExtended(placement.flowId);
    }
    while (m_grouper.flows().size() > m_rowLimit) {
        beginRemoveRows({}, 0, 0);
        m_grouper.dropOldest();
        endRemoveRows();
    }
}

void FlowModel::clearAll()
{
    beginResetModel();
    m_grouper.clear();
    endResetModel();
}

int FlowModel::rowOf(qint64 flowId) const
{
    const QList<LaunchFlow> &flows = m_grouper.flows();
    if (flows.isEmpty())
        return -1;
    const qint64 row = flowId - flows.constFirst().id;
    return row >= 0 && row < flows.size() ? int(row) : -1;
}

QString FlowModel::outcomeText(const LaunchFlow &flow)
{
    switch (flow.outcome()) {
    case LaunchFlow::Outcome::Completed: return tr("completed");
    case LaunchFlow::Outcome::Failed: return tr("failed at %1").arg(flow.steps.at(*flow.failedStep()).name());
    case LaunchFlow::Outcome::InProgress: return tr("in progress");
    }
    return {};
}

int FlowModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_grouper.flows().size());
}

int FlowModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FlowModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LaunchFlow &flow = m_grouper.flows().at(index.row());
    if (role == FlowIdRole)
        return flow.id;
    if (role == OutcomeRole)
        return int(flow.outcome());
    if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
        switch (flow.outcome()) {
        case LaunchFlow::Outcome::Completed: return QBrush(StateColors::good());
        case LaunchFlow::Outcome::Failed: return QBrush(StateColors::bad());
        case LaunchFlow::Outcome::InProgress: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() == StepsColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == StartedColumn)
        return tr("%1 (sandbox clock)")
            .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(flow.startedAtMs()).toLocalTime(),
                                    QLocale::LongFormat));
    if (role == Qt::ToolTipRole && index.column() == ClientColumn && m_clientNames)
        return m_clientNames->toolTip(flow.clientId);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case ClientColumn: return m_clientNames ? m_clientNames->displayName(flow.clientId) : flow.clientId;
    case UserColumn: return flow.username;
    case PatientColumn: return flow.patientId;
    case StartedColumn:
        return QDateTime::fromMSecsSinceEpoch(flow.startedAtMs()).toLocalTime().toString(u"HH:mm:ss.zzz"_s);
    case StepsColumn: return int(flow.steps.size());
    case StatusColumn: return outcomeText(flow);
    default: return {};
    }
}

QVariant FlowModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ClientColumn: return tr("Client");
    case UserColumn: return tr("User");
    case PatientColumn: return tr("Patient");
    case StartedColumn: return tr("Started");
    case StepsColumn: return tr("Steps");
    case StatusColumn: return tr("Status");
    default: return {};
    }
}
