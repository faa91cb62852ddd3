// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Faults tab: every fault rule with what is left of its budget and how often it hit, live,
// and the actions: add a rule (FaultRuleDialog), remove the selected one, clear all.

#include "uihelpers.h"

#include <QWidget>

class FaultRuleDialog;
class FaultRuleModel;
class QLabel;
class QStackedWidget;
class QTableView;
class QToolButton;
class Sandbox;

class FaultsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FaultsPage)

public:
    explicit FaultsPage(Sandbox &sandbox, QWidget *parent = nullptr);
    ~FaultsPage() override;

    FaultRuleModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    void setConfirmer(UiHelpers::Confirmer confirmer) { m_confirm = std::move(confirmer); }

    // Opens the (window-modal) Add rule dialog and returns it.
    FaultRuleDialog *openAddDialog();
    void removeSelected();
    void clearAll();

Q_SIGNALS:
    // A sentence for the status bar.
    void reported(const QString &text);

private:
    void updateActions();

    Sandbox &m_sandbox;
    FaultRuleModel *m_model;
    QStackedWidget *m_stack;
    QLabel *m_emptyLabel;
    QTableView *m_view;
    QToolButton *m_addButton;
    QToolButton *m_removeButton;
    QToolButton *m_clearButton;
    UiHelpers::Confirmer m_confirm = UiHelpers::messageBoxConfirmer();
};
