// SPDX-License-Identifier: Apache-2.0
#pragma once

// A sort/filter proxy whose filter text (case-insensitive, plain text, not a pattern) matches
// any of a chosen set of columns, so "404" finds a status and "Patient" a path. A source model
// with many rows can answer FilterTextRole (on column 0) with those columns' texts, case-folded
// and joined by newlines, kept from when the row arrived: one lookup per row instead of one
// data() call per column.

#include <QList>
#include <QSortFilterProxyModel>

class ColumnFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ColumnFilterProxy)

public:
    static constexpr int FilterTextRole = Qt::UserRole + 0x100;
    // Text a filtered column is also found by without showing it: a client's id under its name.
    static constexpr int HiddenFilterTextRole = Qt::UserRole + 0x101;

    explicit ColumnFilterProxy(QList<int> columns, QObject *parent = nullptr)
        : QSortFilterProxyModel(parent), m_columns(std::move(columns))
    { }

    QString filterText() const { return m_text; }
    void setFilterText(const QString &text)
    {
        if (text == m_text)
            return;
        m_text = text;
        m_foldedText = text.toCaseFolded();
        // invalidate() lays the rows out again in one layoutChanged. invalidateFilter() would
        // remove and insert every changed range with signals of its own, each costing the view
        // O(rows): seconds per keystroke on a 100,000-row request log (bench/RESULTS.md).
        invalidate();
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        if (m_text.isEmpty())
            return true;
        const QVariant folded = sourceModel()->index(sourceRow, 0, sourceParent).data(FilterTextRole);
        if (folded.isValid())
            return folded.toString().contains(m_foldedText);
        for (int column : m_columns) {
            const QModelIndex index = sourceModel()->index(sourceRow, column, sourceParent);
            if (index.data(Qt::DisplayRole).toString().contains(m_text, Qt::CaseInsensitive))
                return true;
            if (const QVariant hidden = index.data(HiddenFilterTextRole);
                hidden.isValid() && hidden.toString().contains(m_text, Qt::CaseInsensitive))
                return true;
        }
        return false;
    }

private:
    QList<int> m_columns;
    QString m_text;
    QString m_foldedText;
};
