// SPDX-License-Identifier: Apache-2.0
#pragma once

// The live traffic table: one row per exchange the request log announces, with a mark on the
// ones that have findings (a distinct one when a fault rule touched the exchange). New entries are gathered and
// inserted at most ten times a second, so a burst of requests costs one repaint, and the model keeps at most a fixed
// number of rows (the oldest leave first).

#include "server/requestlogentry.h"

#include <QAbstractTableModel>
#include <QList>
#include <QTimer>

class ClientNames;
class RequestLog;

class RequestLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestLogModel)

public:
    enum Column {
        FindingsColumn,
        TimeColumn,
        MethodColumn,
        PathColumn,
        StatusColumn,
        DurationColumn,
        ClientColumn,
        ColumnCount
    };
    enum Role { EntryRole = Qt::UserRole + 1, StatusClassRole, FaultedRole };

    explicit RequestLogModel(RequestLog &log, QObject *parent = nullptr);
    ~RequestLogModel() override;

    // Shows the clients' names in the Client column (and lets the filter match them); ids without.
    void setClientNames(const ClientNames *names);
    void setRowLimit(int limit) { m_rowLimit = qMax(1, limit); }
    int rowLimit() const { return m_rowLimit; }
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    // Inserts what is waiting now instead of at the next tick (tests, and "follow newest").
    void flushPending();
    const RequestLogEntry &entry(int row) const { return m_entries.at(row); }
    // "2 findings:" and one bullet line per finding; empty when there are none.
    static QString findingsText(const RequestLogEntry &entry);
    // Whether a fault rule touched the exchange (marked ⚡ in its own colour rather than ⚠).
    static bool isFaulted(const RequestLogEntry &entry);
    // Entries announced but not yet shown, and whether an update is scheduled for them.
    int pendingCount() const { return int(m_pending.size()); }
    bool isUpdateScheduled() const { return m_coalesce.isActive(); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void enqueue(const RequestLogEntry &entry);
    void clearAll();

    void clientNameChanged(const QString &clientId);
    QString filterText(const RequestLogEntry &entry) const;

    const ClientNames *m_clientNames = nullptr;

    QList<RequestLogEntry> m_entries;
    QList<QString> m_filterTexts; // ColumnFilterProxy::FilterTextRole of each row of m_entries
    QList<RequestLogEntry> m_pending;
    QTimer m_coalesce;
    int m_rowLimit = 10'000;
    bool m_paused = false;
};
