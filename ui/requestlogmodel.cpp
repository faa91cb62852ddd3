// SPDX-License-Identifier: Apache-2.0
#include "requestlogmodel.h"

#include "clientnames.h"
#include "columnfilterproxy.h"
#include "faults/faultrule.h"

#include "server/requestlog.h"
#include "statecolors.h"

#include <QBrush>
#include <QDateTime>
#include <QLocale>
#include <QPalette>

using namespace Qt::StringLiterals;

RequestLogModel::RequestLogModel(RequestLog &log, QObject *parent) : QAbstractTableModel(parent)
{
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(100);
    connect(&m_coalesce, &QTimer::timeout, this, &RequestLogModel::flushPending);
    connect(&log, &RequestLog::requestLogged, this, &RequestLogModel::enqueue);
    connect(&log, &RequestLog::cleared, this, &RequestLogModel::clearAll);
}

RequestLogModel::~RequestLogModel() = default;

void RequestLogModel::setClientNames(const ClientNames *names)
{
    if (m_clientNames)
        disconnect(m_clientNames, nullptr, this, nullptr);
    m_clientNames = names;
    if (names)
        connect(names, &ClientNames::changed, this, &RequestLogModel::clientNameChanged);
    clientNameChanged(QString());
}

// A renamed or removed client: its rows show (and filter by) what its name is now.
void RequestLogModel::clientNameChanged(const QString &clientId)
{
    int first = -1;
    int last = -1;
    for (int row = 0; row < int(m_entries.size()); ++row) {
        const RequestLogEntry &entry = m_entries.at(row);
        if (entry.clientId.isEmpty() || (!clientId.isEmpty() && entry.clientId != clientId))
            continue;
        m_filterTexts[row] = filterText(entry);
        if (first < 0)
            first = row;
        last = row;
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, ClientColumn), index(last, ClientColumn));
}

void RequestLogModel::setPaused(bool paused)
{
    m_paused = paused;
    if (!paused && !m_pending.isEmpty())
        m_coalesce.start();
}

void RequestLogModel::enqueue(const RequestLogEntry &entry)
{
    m_pending.append(entry);
    if (m_pending.size() > m_rowLimit)
        m_pending.remove(0, m_pending.size() - m_rowLimit);
    if (!m_paused && !m_coalesce.isActive())
        m_coalesce.start();
}

void RequestLogModel::flushPending()
{
    m_coalesce.stop();
    if (m_pending.isEmpty())
        return;
    const qsizetype overflow = m_entries.size() + m_pending.size() - m_rowLimit;
    if (overflow > 0) {
        const int remove = int(qMin<qsizetype>(overflow, m_entries.size()));
        if (remove > 0) {
            beginRemoveRows({}, 0, remove - 1);
            m_entries.remove(0, remove);
            m_filterTexts.remove(0, remove);
            endRemoveRows();
        }
    }
    const int first = int(m_entries.size());
    beginInsertRows({}, first, first + int(m_pending.size()) - 1);
    m_filterTexts.reserve(m_entries.size() + m_pending.size());
    for (const RequestLogEntry &entry : std::as_const(m_pending))
        m_filterTexts.append(filterText(entry));
    m_entries.append(m_pending);
    endInsertRows();
    m_pending.clear();
}

void RequestLogModel::clearAll()
{
    m_pending.clear();
    beginResetModel();
    m_entries.clear();
    m_filterTexts.clear();
    endResetModel();
}

// What the Traffic filter matches: method, path with query, status and client (id and name).
QString RequestLogModel::filterText(const RequestLogEntry &entry) const
{
    QString text = entry.method + u'\n' + entry.path;
    if (!entry.query.isEmpty())
        text += u'?' + entry.query;
    text += u'\n' + QString::number(entry.status) + u'\n' + entry.clientId;
    if (m_clientNames && !entry.clientId.isEmpty())
        text += u'\n' + m_clientNames->displayName(entry.clientId);
    return text.toCaseFolded();
}

bool RequestLogModel::isFaulted(const RequestLogEntry &entry)
{
    return std::any_of(entry.findings.begin(), entry.findings.end(), &Faults::isFaultFinding);
}

QString RequestLogModel::findingsText(const RequestLogEntry &entry)
{
    if (entry.findings.isEmpty())
        return {};
    QString text = tr("%n finding(s):", nullptr, int(entry.findings.size()));
    for (const QString &finding : entry.findings)
        text += u"\n• "_s + finding;
    return text;
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RequestLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RequestLogEntry &entry = m_entries.at(index.row());
    if (role == EntryRole)
        return QVariant::fromValue(entry);
    if (role == ColumnFilterProxy::FilterTextRole)
        return index.column() == 0 ? QVariant(m_filterTexts.at(index.row())) : QVariant();
    if (role == StatusClassRole)
        return entry.status / 100;
    if (role == FaultedRole)
        return isFaulted(entry);
    if (role == Qt::TextAlignmentRole && (index.column() == StatusColumn || index.column() == DurationColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (index.column() == FindingsColumn) {
        if (entry.findings.isEmpty())
            return {};
        const bool faulted = isFaulted(entry);
        switch (role) {
        case Qt::DisplayRole: return faulted ? u"⚡"_s : u"⚠"_s;
        case Qt::ToolTipRole: return findingsText(entry);
        case Qt::AccessibleTextRole:
            return faulted ? tr("Fault injected") : tr("%n finding(s)", nullptr, int(entry.findings.size()));
        case Qt::ForegroundRole: return QBrush(faulted ? StateColors::fault() : StateColors::warning());
        case Qt::TextAlignmentRole: return QVariant(Qt::AlignCenter);
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
        if (entry.status >= 500)
            return QBrush(Qt::red);
        if (entry.status >= 400)
            return QBrush(QColor(0xd0, 0x80, 0x00));
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == TimeColumn)
        return tr("%1 (sandbox clock)")
            .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(entry.startedAtMs).toLocalTime(),
                                    QLocale::LongFormat));
    if (role == Qt::ToolTipRole && index.column() == ClientColumn && m_clientNames)
        return m_clientNames->toolTip(entry.clientId);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case TimeColumn: return QDateTime::fromMSecsSinceEpoch(entry.startedAtMs).toLocalTime().toString(u"HH:mm:ss.zzz"_s);
    case MethodColumn: return entry.method;
    case PathColumn: return entry.query.isEmpty() ? entry.path : entry.path + u'?' + entry.query;
    case StatusColumn: return entry.status;
    case DurationColumn: return tr("%1 ms").arg(QLocale().toString(double(entry.durationUs) / 1000.0, 'f', 1));
    case ClientColumn: return m_clientNames ? m_clientNames->displayName(entry.clientId) : entry.clientId;
    default: return {};
    }
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && section == FindingsColumn && role == Qt::ToolTipRole)
        return tr("Findings: rules the request broke or bent");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case FindingsColumn: return u"⚠"_s;
    case TimeColumn: return tr("Time");
    case MethodColumn: return tr("Method");
    case PathColumn: return tr("Path");
    case StatusColumn: return tr("Status");
    case DurationColumn: return tr("Duration");
    case ClientColumn: return tr("Client");
    default: return {};
    }
}
