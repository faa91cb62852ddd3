// SPDX-License-Identifier: Apache-2.0
#pragma once

// A sort/filter proxy whose filter text (case-insensitive, plain text, not a pattern) matches
// any of a chosen set of columns, so "404" finds a status and "Patient" a path.

#include <QList>
#include <QSortFilterProxyModel>

class ColumnFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ColumnFilterProxy)

public:
    explicit ColumnFilterProxy(QList<int> columns, QObject *parent = nullptr)
        : QSortFilterProxyModel(parent), m_columns(std::move(columns))
    { }

    QString filterText() const { return m_text; }
    void setFilterText(const QString &text)
    {
        if (text == m_text)
            return;
        m_text = text;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        if (m_text.isEmpty())
            return true;
        for (int column : m_columns) {
            const QModelIndex index = sourceModel()->index(sourceRow, column, sourceParent);
            if (index.data(Qt::DisplayRole).toString().contains(m_text, Qt::CaseInsensitive))
                return true;
        }
        return false;
    }

private:
    QList<int> m_columns;
    QString m_text;
};
