// SPDX-License-Identifier: Apache-2.0
#include "savescenariodialog.h"

#include "faults/faultrules.h"
#include "oauth/client.h"
#include "oauth/clientregistry.h"
#include "oauth/people.h"
#include "sandbox.h"
#include "scenarios/scenariostore.h"
#include "statecolors.h"
#include "storage/peoplestore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

SaveScenarioDialog::SaveScenarioDialog(Sandbox &sandbox, QWidget *parent)
    : QDialog(parent),
      m_sandbox(sandbox),
      m_nameEdit(new QLineEdit(this)),
      m_clientCombo(new QComboBox(this)),
      m_userCombo(new QComboBox(this)),
      m_patientCombo(new QComboBox(this)),
      m_encounterEdit(new QLineEdit(this)),
      m_scopeEdit(new QLineEdit(this)),
      m_faultsCheck(new QCheckBox(this)),
      m_errorLabel(new QLabel(this))
{
    setObjectName(u"saveScenarioDialog"_s);
    setWindowTitle(tr("Save scenario"));
    m_nameEdit->setObjectName(u"nameEdit"_s);
    m_nameEdit->setPlaceholderText(tr("letters, digits, '.', '-' or '_'"));
    m_clientCombo->setObjectName(u"clientCombo"_s);
    m_userCombo->setObjectName(u"userCombo"_s);
    m_patientCombo->setObjectName(u"patientCombo"_s);
    m_encounterEdit->setObjectName(u"encounterEdit"_s);
    m_encounterEdit->setPlaceholderText(tr("optional"));
    m_scopeEdit->setObjectName(u"scopeEdit"_s);
    m_scopeEdit->setPlaceholderText(tr("optional, such as launch patient/*.rs"));
    m_faultsCheck->setObjectName(u"faultsCheck"_s);
    const int rules = int(sandbox.faults().cached().size());
    m_faultsCheck->setText(tr("Keep the current fault rules (%n rule(s))", nullptr, rules));
    m_faultsCheck->setChecked(rules > 0);
    m_faultsCheck->setEnabled(rules > 0);
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    QPalette palette = m_errorLabel->palette();
    palette.setColor(QPalette::WindowText, StateColors::bad());
    m_errorLabel->setPalette(palette);
    m_errorLabel->hide();

    if (Result<QList<Client>> clients = sandbox.clients().clients(); clients) {
        for (const Client &client : clients.value())
            m_clientCombo->addItem(client.name == client.id ? client.id : tr("%1 (%2)").arg(client.name, client.id),
                                   client.id);
    }
    if (Result<QList<User>> users = sandbox.people().users(); users) {
        for (const User &user : users.value())
            m_userCombo->addItem(user.displayName.isEmpty() ? user.username
                                                            : tr("%1 (%2)").arg(user.displayName, user.username),
                                 user.username);
    }
    loadPatients();
    connect(m_userCombo, &QComboBox::currentIndexChanged, this, &SaveScenarioDialog::loadPatients);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_nameEdit);
    form->addRow(tr("&Client:"), m_clientCombo);
    form->addRow(tr("&User:"), m_userCombo);
    form->addRow(tr("&Patient:"), m_patientCombo);
    form->addRow(tr("&Encounter:"), m_encounterEdit);
    form->addRow(tr("&Scope:"), m_scopeEdit);
    form->addRow(QString(), m_faultsCheck);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (save())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_errorLabel);
    layout->addWidget(buttons);
}

SaveScenarioDialog::~SaveScenarioDialog() = default;

void SaveScenarioDialog::loadPatients()
{
    m_patientCombo->clear();
    m_patientCombo->addItem(tr("None: the app asks for one"), QString());
    Result<QList<UserPatient>> patients = m_sandbox.people().patientsOf(m_userCombo->currentData().toString());
    if (patients) {
        for (const UserPatient &link : patients.value()) {
            const QString name = link.patient.displayName.isEmpty() ? link.patient.id : link.patient.displayName;
            m_patientCombo->addItem(tr("%1 (%2)").arg(name, link.patient.id), link.patient.id);
        }
    }
    m_patientCombo->setCurrentIndex(m_patientCombo->count() > 1 ? 1 : 0);
}

Scenario SaveScenarioDialog::scenario() const
{
    Scenario scenario;
    scenario.name = m_nameEdit->text().trimmed();
    scenario.clientId = m_clientCombo->currentData().toString();
    scenario.username = m_userCombo->currentData().toString();
    scenario.patientId = m_patientCombo->currentData().toString();
    scenario.encounterId = m_encounterEdit->text().trimmed();
    scenario.scope = m_scopeEdit->text().simplified();
    if (m_faultsCheck->isChecked()) {
        for (const Faults::FaultRule &rule : m_sandbox.faults().cached())
            scenario.faults.append(rule.toRequestJson());
    }
    return scenario;
}

bool SaveScenarioDialog::save()
{
    Result<Scenario> checked = Scenario::fromJson(scenario().toJson());
    Status saved = checked ? m_sandbox.scenarios().save(checked.value()) : Status(checked.error());
    m_errorLabel->setText(saved ? QString() : saved.error().description);
    m_errorLabel->setVisible(!saved);
    return saved.ok();
}
