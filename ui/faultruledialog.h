// SPDX-License-Identifier: Apache-2.0
#pragma once

// "Add fault rule": endpoint, method, client, one effect and a budget. The rule is checked by
// the same FaultRule::fromJson as POST /admin/faults, so the window and HTTP accept the same
// rules and explain a bad one the same way; on OK it is added through FaultRules.

#include "faults/faultrule.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QSpinBox;
class QStackedWidget;
class Sandbox;

class FaultRuleDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FaultRuleDialog)

public:
    explicit FaultRuleDialog(Sandbox &sandbox, QWidget *parent = nullptr);
    ~FaultRuleDialog() override;

    // The rule as the fields describe it, or why it cannot be one.
    Result<Faults::FaultRule> rule() const;
    void accept() override;

Q_SIGNALS:
    void ruleAdded(const Faults::FaultRule &rule);

private:
    void updateFields();

    Sandbox &m_sandbox;
    QComboBox *m_endpointCombo;
    QComboBox *m_methodCombo;
    QComboBox *m_clientCombo;
    QComboBox *m_effectCombo;
    QStackedWidget *m_effectStack;
    QSpinBox *m_delaySpin;
    QSpinBox *m_statusSpin;
    QComboBox *m_budgetCombo;
    QSpinBox *m_countSpin;
    QSpinBox *m_percentSpin;
    QLabel *m_errorLabel;
};
