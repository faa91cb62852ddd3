// SPDX-License-Identifier: Apache-2.0
#pragma once

// "Save current…": a name, a client, a user, one of the user's patients (or none), an optional
// encounter and scope, and whether to keep the current fault rules with the scenario. Saves
// through ScenarioStore, as POST /admin/scenarios does.

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class Sandbox;
struct Scenario;

class SaveScenarioDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SaveScenarioDialog)

public:
    explicit SaveScenarioDialog(Sandbox &sandbox, QWidget *parent = nullptr);
    ~SaveScenarioDialog() override;

    // What would be saved now.
    Scenario scenario() const;
    // Saves; false (with the reason shown) when refused.
    bool save();

private:
    void loadPatients();

    Sandbox &m_sandbox;
    QLineEdit *m_nameEdit;
    QComboBox *m_clientCombo;
    QComboBox *m_userCombo;
    QComboBox *m_patientCombo;
    QLineEdit *m_encounterEdit;
    QLineEdit *m_scopeEdit;
    QCheckBox *m_faultsCheck;
    QLabel *m_errorLabel;
};
