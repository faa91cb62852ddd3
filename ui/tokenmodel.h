// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Tokens table: one row per token the TokenService knows, live on its signals. Countdowns are
// computed from the stored absolute expiry and the sandbox clock at paint time; one shared
// one-second timer only tells the views to repaint the time-dependent columns. New tokens are
// gathered and inserted at most ten times a second.

#include "oauth/token.h"

#include <QAbstractTableModel>
#include <QList>
#include <QTimer>

class ClientNames;
class Clock;
class Sandbox;

class TokenModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenModel)

public:
    enum Column {
        ClientColumn,
        UserColumn,
        PatientColumn,
        ScopeColumn,
        IssuedColumn,
        ExpiresInColumn,
        ApprovalExpiresInColumn,
        StateColumn,
        DefectColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, TokenIdRole, AccessTokenRole, StateRole };
    enum class State { Active, Expired, Revoked };

    explicit TokenModel(Sandbox &sandbox, QObject *parent = nullptr);
    ~TokenModel() override;

    // Reads every token again (at start and after a reset).
    void reload();
    // Inserts tokens announced since the last update now instead of at the next tick.
    void flushPending();
    // Tells views that the countdown and state columns changed (what the timer does each second).
    void tick();

    const TokenView &token(int row) const { return m_tokens.at(row); }
    int rowOf(const QString &tokenId) const;
    State state(const TokenView &token) const;

    // "4 min 59 s", "2 h 5 min", "6 d 23 h": a countdown short enough for a table cell.
    static QString formatDuration(qint64 seconds);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // Reading the tokens failed (the database is gone); the table keeps what it had.
    void loadFailed(const QString &message);

private:
    void enqueue(const TokenView &token);
    void update(const TokenView &token);
    QString countdown(qint64 expiresAtMs, bool ended) const;

    Sandbox &m_sandbox;
    const Clock &m_clock;
    const ClientNames *m_clientNames;
    QList<TokenView> m_tokens;
    QList<TokenView> m_pending;
    QTimer m_coalesce;
    QTimer m_ticker;
};
