// SPDX-License-Identifier: Apache-2.0
#include "faultspage.h"

#include "clientnames.h"
#include "faultruledialog.h"
#include "faultrulemodel.h"
#include "faults/faultrules.h"
#include "sandbox.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

FaultsPage::FaultsPage(Sandbox &sandbox, QWidget *parent)
    : QWidget(parent),
      m_sandbox(sandbox),
      m_model(new FaultRuleModel(sandbox.faults(), this)),
      m_stack(new QStackedWidget(this)),
      m_emptyLabel(UiHelpers::makeEmptyStateLabel(u"faultsEmptyLabel"_s, this)),
      m_view(new QTableView(this)),
      m_addButton(UiHelpers::makeActionButton(u"addRuleButton"_s, tr("Add rule…"),
                                              tr("Make an endpoint fail on purpose: delay, error, bad JSON, drop"),
                                              this)),
      m_removeButton(UiHelpers::makeActionButton(u"removeRuleButton"_s, tr("Remove"),
                                                 tr("Remove the selected rule (Delete)"), this)),
      m_clearButton(UiHelpers::makeActionButton(u"clearRulesButton"_s, tr("Clear all…"), tr("Remove every rule"), this))
{
    setObjectName(u"faultsPage"_s);
    m_model->setClientNames(ClientNames::of(sandbox));
    m_emptyLabel->setText(tr("No fault rules: every request is answered normally. Add a rule here, use Launch errors "
                             "on the Clients tab, or POST /admin/faults."));

    connect(m_addButton, &QToolButton::clicked, this, [this] { openAddDialog(); });
    connect(m_removeButton, &QToolButton::clicked, this, &FaultsPage::removeSelected);
    connect(m_clearButton, &QToolButton::clicked, this, &FaultsPage::clearAll);
    auto *bar = new QHBoxLayout;
    bar->addStretch(1);
    for (QToolButton *button : {m_addButton, m_removeButton, m_clearButton})
        bar->addWidget(button);

    m_view->setObjectName(u"faultsView"_s);
    m_view->setModel(m_model);
    UiHelpers::configureTableView(m_view);
    m_view->horizontalHeader()->setSectionResizeMode(FaultRuleModel::EndpointColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(FaultRuleModel::ClientColumn, 220);
    m_view->setColumnWidth(FaultRuleModel::EffectColumn, 220);
    m_view->setColumnWidth(FaultRuleModel::BudgetColumn, 160);
    UiHelpers::addViewAction(m_view, tr("Remove"), QKeySequence::Delete, [this] { removeSelected(); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &FaultsPage::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &FaultsPage::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &FaultsPage::updateActions);

    m_stack->addWidget(m_emptyLabel);
    m_stack->addWidget(m_view);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);
    updateActions();
}

FaultsPage::~FaultsPage() = default;

FaultRuleDialog *FaultsPage::openAddDialog()
{
    auto *dialog = new FaultRuleDialog(m_sandbox, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &FaultRuleDialog::ruleAdded, this, [this](const Faults::FaultRule &rule) {
        Q_EMIT reported(
            tr("Fault rule %1 added: %2 on %3").arg(rule.id).arg(FaultRuleModel::effectText(rule), rule.endpoint));
    });
    dialog->open();
    return dialog;
}

void FaultsPage::removeSelected()
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid())
        return;
    const qint64 id = m_model->rule(current.row()).id;
    if (Result<bool> removed = m_sandbox.faults().remove(id); !removed)
        QMessageBox::warning(this, tr("Faults"), removed.error().description);
}

void FaultsPage::clearAll()
{
    if (m_model->rowCount() == 0
        || !m_confirm(this, tr("Clear fault rules"),
                      tr("Remove every fault rule? Requests are then answered normally."), tr("Clear")))
        return;
    if (Status cleared = m_sandbox.faults().clear(); !cleared)
        QMessageBox::warning(this, tr("Faults"), cleared.error().description);
}

void FaultsPage::updateActions()
{
    m_stack->setCurrentWidget(m_model->rowCount() == 0 ? static_cast<QWidget *>(m_emptyLabel) : m_view);
    m_removeButton->setEnabled(m_view->selectionModel()->currentIndex().isValid());
    m_clearButton->setEnabled(m_model->rowCount() > 0);
}
