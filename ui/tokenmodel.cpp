// SPDX-License-Identifier: Apache-2.0
#include "tokenmodel.h"

#include "clientnames.h"
#include "clock.h"
#include "columnfilterproxy.h"
#include "defecttext.h"
#include "oauth/tokenservice.h"
#include "sandbox.h"
#include "statecolors.h"

#include <QBrush>
#include <QDateTime>
#include <QLocale>

TokenModel::TokenModel(Sandbox &sandbox, QObject *parent)
    : QAbstractTableModel(parent), m_sandbox(sandbox), m_clock(sandbox.clock()), m_clientNames(ClientNames::of(sandbox))
{
    // Few rows: a renamed client repaints the whole column.
    connect(m_clientNames, &ClientNames::changed, this, [this] {
        if (!m_tokens.isEmpty())
            Q_EMIT dataChanged(index(0, ClientColumn), index(int(m_tokens.size()) - 1, ClientColumn));
    });
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(100);
    connect(&m_coalesce, &QTimer::timeout, this, &TokenModel::flushPending);
    m_ticker.setInterval(1000);
    connect(&m_ticker, &QTimer::timeout, this, &TokenModel::tick);
    m_ticker.start();
    connect(&sandbox.tokens(), &TokenService::tokenIssued, this, &TokenModel::enqueue);
    connect(&sandbox.tokens(), &TokenService::tokenChanged, this, &TokenModel::update);
    connect(&sandbox, &Sandbox::resetDone, this, &TokenModel::reload);
    connect(&sandbox.clock(), &Clock::offsetChanged, this, &TokenModel::tick);
    reload();
}

TokenModel::~TokenModel() = default;

void TokenModel::reload()
{
    Result<QList<TokenView>> tokens = m_sandbox.tokens().tokens();
    if (!tokens) {
        Q_EMIT loadFailed(tokens.error().description);
        return;
    }
    m_coalesce.stop();
    beginResetModel();
    m_tokens = std::move(tokens).value();
    m_pending.clear();
    endResetModel();
}

void TokenModel::enqueue(const TokenView &token)
{
    m_pending.append(token);
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void TokenModel::flushPending()
{
    m_coalesce.stop();
    if (m_pending.isEmpty())
        return;
    const int first = int(m_tokens.size());
    beginInsertRows({}, first, first + int(m_pending.size()) - 1);
    m_tokens.append(m_pending);
    m_pending.clear();
    endInsertRows();
}

void TokenModel::update(const TokenView &token)
{
    for (TokenView &pending : m_pending) {
        if (pending.token.id == token.token.id) {
            pending = token;
            return;
        }
    }
    const int row = rowOf(token.token.id);
    if (row < 0) {
        enqueue(token);
        return;
    }
    m_tokens[row] = token;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void TokenModel::tick()
{
    if (m_tokens.isEmpty())
        return;
    Q_EMIT dataChanged(index(0, ExpiresInColumn), index(int(m_tokens.size()) - 1, StateColumn));
}

int TokenModel::rowOf(const QString &tokenId) const
{
    for (int row = 0; row < m_tokens.size(); ++row) {
        if (m_tokens.at(row).token.id == tokenId)
            return row;
    }
    return -1;
}

TokenModel::State TokenModel::state(const TokenView &token) const
{
    if (token.token.revokedAtMs != 0 || (token.hasApproval && token.approval.revokedAtMs != 0))
        return State::Revoked;
    return token.accessActive(m_clock.nowMs()) ? State::Active : State::Expired;
}

QString TokenModel::formatDuration(qint64 seconds)
{
    seconds = qMax<qint64>(0, seconds);
    const qint64 days = seconds / 86400;
    const qint64 hours = seconds % 86400 / 3600;
    const qint64 minutes = seconds % 3600 / 60;
    const qint64 rest = seconds % 60;
    if (days > 0)
        return tr("%1 d %2 h").arg(days).arg(hours);
    if (hours > 0)
        return tr("%1 h %2 min").arg(hours).arg(minutes);
    if (minutes > 0)
        return tr("%1 min %2 s").arg(minutes).arg(rest);
    return tr("%1 s").arg(rest);
}

QString TokenModel::countdown(qint64 expiresAtMs, bool ended) const
{
    if (ended)
        return QStringLiteral("—");
    const qint64 leftMs = expiresAtMs - m_clock.nowMs();
    if (leftMs <= 0)
        return tr("expired");
    return formatDuration((leftMs + 999) / 1000);
}

int TokenModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_tokens.size());
}

int TokenModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TokenView &view = m_tokens.at(index.row());
    const State tokenState = state(view);
    const bool revoked = tokenState == State::Revoked;
    const bool hasRefresh = !view.token.refreshToken.isNull() && view.hasApproval;
    switch (role) {
    case TokenIdRole: return view.token.id;
    case AccessTokenRole: return view.token.accessToken;
    case StateRole: return int(tokenState);
    case ColumnFilterProxy::HiddenFilterTextRole:
        return index.column() == ClientColumn ? QVariant(view.token.clientId) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() != StateColumn)
            return {};
        switch (tokenState) {
        case State::Active: return QBrush(StateColors::good());
        case State::Expired: return QBrush(StateColors::warning());
        case State::Revoked: return QBrush(StateColors::bad());
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case IssuedColumn: return view.token.issuedAtMs;
        case ExpiresInColumn: return view.token.expiresAtMs;
        case ApprovalExpiresInColumn: return hasRefresh ? view.approval.expiresAtMs : 0;
        case StateColumn: return int(tokenState);
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case ExpiresInColumn:
            return tr("Access token expires %1")
                .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(view.token.expiresAtMs).toLocalTime(),
                                        QLocale::LongFormat));
        case ApprovalExpiresInColumn:
            return hasRefresh
                ? tr("The refresh token works until the approval expires on %1")
                      .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(view.approval.expiresAtMs).toLocalTime(),
                                              QLocale::LongFormat))
                : tr("No refresh token was issued");
        case ClientColumn: return m_clientNames->toolTip(view.token.clientId);
        case DefectColumn:
            return view.token.defect == TokenDefect::None
                ? tr("Minted without a defect (%1 access token)").arg(accessTokenFormatName(view.token.format))
                : tr("Broken on purpose: %1").arg(DefectText::consequence(view.token.defect));
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole: break;
    default: return {};
    }
    switch (index.column()) {
    case ClientColumn: return m_clientNames->displayName(view.token.clientId);
    case UserColumn: return view.approval.username;
    case PatientColumn: return view.approval.patientId;
    case ScopeColumn: return view.token.scope;
    case IssuedColumn:
        return QLocale().toString(QDateTime::fromMSecsSinceEpoch(view.token.issuedAtMs).toLocalTime(),
                                  QLocale::ShortFormat);
    case ExpiresInColumn: return countdown(view.token.expiresAtMs, revoked);
    case ApprovalExpiresInColumn:
        return countdown(view.approval.expiresAtMs, revoked || !hasRefresh || view.token.refreshUsedAtMs != 0);
    case StateColumn:
        switch (tokenState) {
        case State::Active: return tr("active");
        case State::Expired: return tr("expired");
        case State::Revoked: return tr("revoked");
        }
        return {};
    case DefectColumn: return view.token.defect == TokenDefect::None ? QString() : DefectText::name(view.token.defect);
    default: return {};
    }
}

QVariant TokenModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ClientColumn: return tr("Client");
    case UserColumn: return tr("User");
    case PatientColumn: return tr("Patient");
    case ScopeColumn: return tr("Scope");
    case IssuedColumn: return tr("Issued");
    case ExpiresInColumn: return tr("Expires in");
    case ApprovalExpiresInColumn: return tr("Refresh until");
    case StateColumn: return tr("State");
    case DefectColumn: return tr("Defect");
    default: return {};
    }
}
