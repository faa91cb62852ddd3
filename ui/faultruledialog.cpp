// SPDX-License-Identifier: Apache-2.0
#include "faultruledialog.h"

#include "faults/faultrules.h"
#include "oauth/clientregistry.h"
#include "sandbox.h"
#include "statecolors.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using Faults::FaultRule;

namespace {

enum EffectIndex { DelayEffect, StatusEffect, MalformedEffect, DropEffect };
enum BudgetIndex { UntilRemoved, NextRequests };

} // namespace

FaultRuleDialog::FaultRuleDialog(Sandbox &sandbox, QWidget *parent)
    : QDialog(parent),
      m_sandbox(sandbox),
      m_endpointCombo(new QComboBox(this)),
      m_methodCombo(new QComboBox(this)),
      m_clientCombo(new QComboBox(this)),
      m_effectCombo(new QComboBox(this)),
      m_effectStack(new QStackedWidget(this)),
      m_delaySpin(new QSpinBox(this)),
      m_statusSpin(new QSpinBox(this)),
      m_budgetCombo(new QComboBox(this)),
      m_countSpin(new QSpinBox(this)),
      m_percentSpin(new QSpinBox(this)),
      m_errorLabel(new QLabel(this))
{
    setObjectName(u"faultRuleDialog"_s);
    setWindowTitle(tr("Add fault rule"));

    m_endpointCombo->setObjectName(u"endpointCombo"_s);
    m_endpointCombo->setEditable(true);
    m_endpointCombo->addItems({u"/oauth/token"_s, u"/oauth/authorize"_s, u"/oauth/register"_s, u"/api/fhir/*"_s,
                               u"/api/fhir/metadata"_s, u"/api/open-fhir/*"_s, u"/*"_s});
    m_endpointCombo->setToolTip(tr("An exact path, or a prefix ending in *"));

    m_methodCombo->setObjectName(u"methodCombo"_s);
    m_methodCombo->addItem(tr("Any method"), QString());
    for (const QString &method : {u"GET"_s, u"POST"_s, u"PUT"_s, u"DELETE"_s, u"PATCH"_s, u"HEAD"_s})
        m_methodCombo->addItem(method, method);

    m_clientCombo->setObjectName(u"clientCombo"_s);
    m_clientCombo->addItem(tr("Any client"), QString());
    if (Result<QList<Client>> clients = sandbox.clients().clients(); clients) {
        for (const Client &client : clients.value())
            m_clientCombo->addItem(client.name.isEmpty() ? client.id : u"%1 (%2)"_s.arg(client.name, client.id),
                                   client.id);
    }

    m_effectCombo->setObjectName(u"effectCombo"_s);
    m_effectCombo->addItems({tr("Delay"), tr("Error status"), tr("Malformed JSON body"), tr("Drop the connection")});
    m_delaySpin->setObjectName(u"delaySpin"_s);
    m_delaySpin->setRange(1, 120'000);
    m_delaySpin->setValue(800);
    m_delaySpin->setSuffix(tr(" ms"));
    m_statusSpin->setObjectName(u"statusSpin"_s);
    m_statusSpin->setRange(400, 599);
    m_statusSpin->setValue(503);
    m_statusSpin->setToolTip(tr("Sent with the body the endpoint's spec names; 429 and 503 carry Retry-After"));
    m_effectStack->addWidget(m_delaySpin);
    m_effectStack->addWidget(m_statusSpin);
    m_effectStack->addWidget(new QLabel(tr("The normal answer, cut in half"), this));
    m_effectStack->addWidget(new QLabel(tr("No answer at all"), this));

    m_budgetCombo->setObjectName(u"budgetCombo"_s);
    m_budgetCombo->addItems({tr("Until removed"), tr("The next requests:")});
    m_countSpin->setObjectName(u"countSpin"_s);
    m_countSpin->setRange(1, 1'000'000);
    m_percentSpin->setObjectName(u"percentSpin"_s);
    m_percentSpin->setRange(0, 100);
    m_percentSpin->setValue(100);
    m_percentSpin->setSuffix(tr(" %"));
    m_percentSpin->setToolTip(tr("Each matching request's chance of being faulted"));

    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    QPalette errorPalette = m_errorLabel->palette();
    errorPalette.setColor(QPalette::WindowText, StateColors::bad());
    m_errorLabel->setPalette(errorPalette);
    m_errorLabel->hide();

    auto *budget = new QHBoxLayout;
    budget->addWidget(m_budgetCombo);
    budget->addWidget(m_countSpin);
    auto *form = new QFormLayout;
    form->addRow(tr("&Endpoint:"), m_endpointCombo);
    form->addRow(tr("&Method:"), m_methodCombo);
    form->addRow(tr("C&lient:"), m_clientCombo);
    form->addRow(tr("E&ffect:"), m_effectCombo);
    form->addRow(QString(), m_effectStack);
    auto *budgetLabel = new QLabel(tr("&Budget:"), this);
    budgetLabel->setBuddy(m_budgetCombo);
    form->addRow(budgetLabel, budget);
    form->addRow(tr("&Chance:"), m_percentSpin);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(u"buttonBox"_s);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Add rule"));
    connect(buttons, &QDialogButtonBox::accepted, this, &FaultRuleDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_errorLabel);
    layout->addWidget(buttons);

    connect(m_effectCombo, &QComboBox::currentIndexChanged, this, &FaultRuleDialog::updateFields);
    connect(m_budgetCombo, &QComboBox::currentIndexChanged, this, &FaultRuleDialog::updateFields);
    updateFields();
}

FaultRuleDialog::~FaultRuleDialog() = default;

void FaultRuleDialog::updateFields()
{
    m_effectStack->setCurrentIndex(m_effectCombo->currentIndex());
    m_countSpin->setEnabled(m_budgetCombo->currentIndex() == NextRequests);
}

Result<FaultRule> FaultRuleDialog::rule() const
{
    QJsonObject json{{u"endpoint"_s, m_endpointCombo->currentText().trimmed()}};
    if (const QString method = m_methodCombo->currentData().toString(); !method.isEmpty())
        json.insert(u"method"_s, method);
    if (const QString client = m_clientCombo->currentData().toString(); !client.isEmpty())
        json.insert(u"client_id"_s, client);
    switch (m_effectCombo->currentIndex()) {
    case DelayEffect: json.insert(u"delayMs"_s, m_delaySpin->value()); break;
    case StatusEffect: json.insert(u"status"_s, m_statusSpin->value()); break;
    case MalformedEffect: json.insert(u"malformed"_s, true); break;
    default: json.insert(u"drop"_s, true); break;
    }
    if (m_budgetCombo->currentIndex() == NextRequests)
        json.insert(u"count"_s, m_countSpin->value());
    if (m_percentSpin->value() < 100)
        json.insert(u"percent"_s, m_percentSpin->value());
    return FaultRule::fromJson(json);
}

void FaultRuleDialog::accept()
{
    Result<FaultRule> parsed = rule();
    Result<FaultRule> added = parsed ? m_sandbox.faults().add(parsed.value()) : parsed;
    if (!added) {
        m_errorLabel->setText(added.error().description);
        m_errorLabel->show();
        return;
    }
    Q_EMIT ruleAdded(added.value());
    QDialog::accept();
}
