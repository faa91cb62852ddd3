// SPDX-License-Identifier: Apache-2.0
#include "faultrulemodel.h"

#include "clientnames.h"
#include "faults/faultrules.h"
#include "statecolors.h"

#include <QBrush>

using namespace Qt::StringLiterals;
using Faults::FaultRule;

FaultRuleModel::FaultRuleModel(FaultRules &rules, QObject *parent)
    : QAbstractTableModel(parent), m_faults(rules), m_rules(rules.cached())
{
    connect(&m_faults, &FaultRules::changed, this, &FaultRuleModel::refresh);
}

FaultRuleModel::~FaultRuleModel() = default;

void FaultRuleModel::setClientNames(const ClientNames *names)
{
    if (m_clientNames)
        disconnect(m_clientNames, nullptr, this, nullptr);
    m_clientNames = names;
    const auto repaint = [this] {
        if (!m_rules.isEmpty())
            Q_EMIT dataChanged(index(0, ClientColumn), index(int(m_rules.size()) - 1, ClientColumn));
    };
    if (names)
        connect(names, &ClientNames::changed, this, repaint);
    repaint();
}

void FaultRuleModel::refresh()
{
    const QList<FaultRule> &fresh = m_faults.cached();
    const bool sameRules = fresh.size() == m_rules.size()
        && std::equal(fresh.begin(), fresh.end(), m_rules.begin(),
                      [](const FaultRule &a, const FaultRule &b) { return a.id == b.id; });
    if (!sameRules) {
        beginResetModel();
        m_rules = fresh;
        endResetModel();
        return;
    }
    m_rules = fresh;
    if (!m_rules.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

QString FaultRuleModel::effectText(const FaultRule &rule)
{
    switch (rule.effect) {
    case Faults::Effect::Delay: return tr("%1 ms delay").arg(rule.delayMs);
    case Faults::Effect::Status: return tr("status %1").arg(rule.status);
    case Faults::Effect::Malformed: return tr("malformed JSON body");
    case Faults::Effect::Drop: return tr("connection dropped");
    case Faults::Effect::LaunchError: return tr("launch error %1").arg(Faults::launchErrorInfo(rule.launchError).name);
    }
    return {};
}

QString FaultRuleModel::budgetText(const FaultRule &rule)
{
    QString text = !rule.remaining ? tr("until removed")
        : *rule.remaining > 0      ? tr("next %1").arg(*rule.remaining)
                                   : tr("used up");
    if (rule.percent < 100)
        text = tr("%1, %2 %").arg(text).arg(rule.percent);
    return text;
}

int FaultRuleModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rules.size());
}

int FaultRuleModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FaultRuleModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FaultRule &rule = m_rules.at(index.row());
    if (role == RuleIdRole)
        return rule.id;
    if (role == Qt::ForegroundRole)
        return rule.exhausted() ? QVariant(QBrush(QGuiApplication::palette().color(QPalette::PlaceholderText)))
                                : QVariant();
    if (role == Qt::TextAlignmentRole && (index.column() == IdColumn || index.column() == HitsColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == ClientColumn && m_clientNames && !rule.clientId.isEmpty())
        return m_clientNames->toolTip(rule.clientId);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case IdColumn: return rule.id;
    case EndpointColumn: return rule.endpoint;
    case MethodColumn: return rule.method.isEmpty() ? tr("any") : rule.method;
    case ClientColumn:
        if (rule.clientId.isEmpty())
            return tr("any");
        return m_clientNames ? m_clientNames->displayName(rule.clientId) : rule.clientId;
    case EffectColumn:
        if (rule.effect == Faults::Effect::LaunchError && role == Qt::ToolTipRole)
            return Faults::launchErrorInfo(rule.launchError).summary;
        return effectText(rule);
    case BudgetColumn: return budgetText(rule);
    case HitsColumn: return rule.hits;
    default: return {};
    }
}

QVariant FaultRuleModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("Rule");
    case EndpointColumn: return tr("Endpoint");
    case MethodColumn: return tr("Method");
    case ClientColumn: return tr("Client");
    case EffectColumn: return tr("Effect");
    case BudgetColumn: return tr("Left");
    case HitsColumn: return tr("Hits");
    default: return {};
    }
}
