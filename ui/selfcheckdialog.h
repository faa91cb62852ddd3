// SPDX-License-Identifier: Apache-2.0
#pragma once

// "Run self-check": the conformance checks of core's SelfCheck against the running server, shown
// live in a table (check, result, rule, detail) as each one finishes.

#include "selfcheck/selfcheck.h"

#include <QAbstractTableModel>
#include <QDialog>

class QLabel;
class QPushButton;
class QTableView;

class SelfCheckModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SelfCheckModel)

public:
    enum Column { CheckColumn, ResultColumn, RuleColumn, DetailColumn, ColumnCount };

    explicit SelfCheckModel(QObject *parent = nullptr) : QAbstractTableModel(parent) { }

    void clear();
    void append(const CheckResult &result);
    const CheckResult &result(int row) const { return m_results.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<CheckResult> m_results;
};

class SelfCheckDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SelfCheckDialog)

public:
    explicit SelfCheckDialog(const QUrl &base, QWidget *parent = nullptr);
    ~SelfCheckDialog() override;

    // Runs the checks (again); the table fills as they finish.
    void run();
    bool isRunning() const { return m_check->isRunning(); }
    SelfCheckModel *model() const { return m_model; }
    QString summary() const;

Q_SIGNALS:
    void finished(SelfCheck::Outcome outcome);

private:
    void showOutcome(SelfCheck::Outcome outcome);

    SelfCheck *m_check;
    SelfCheckModel *m_model;
    QTableView *m_view;
    QLabel *m_summaryLabel;
    QPushButton *m_runButton;
};
