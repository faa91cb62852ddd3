// SPDX-License-Identifier: Apache-2.0
#include "scenariosdialog.h"

#include "oauth/token.h"
#include "sandbox.h"
#include "savescenariodialog.h"
#include "scenariomodel.h"
#include "scenarios/scenariostore.h"
#include "server/portalserver.h"
#include "statecolors.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

ScenariosDialog::ScenariosDialog(Sandbox &sandbox, QWidget *parent)
    : QDialog(parent),
      m_sandbox(sandbox),
      m_model(new ScenarioModel(sandbox.scenarios(), this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_view(new QTableView(this)),
      m_emptyLabel(UiHelpers::makeEmptyStateLabel(u"emptyLabel"_s, this)),
      m_errorLabel(new QLabel(this)),
      m_launchButton(new QPushButton(tr("&Launch"), this)),
      m_saveButton(new QPushButton(tr("&Save current…"), this)),
      m_removeButton(new QPushButton(tr("&Remove"), this))
{
    setObjectName(u"scenariosDialog"_s);
    setWindowTitle(tr("Scenarios"));
    m_proxy->setSourceModel(m_model);
    m_view->setObjectName(u"scenariosView"_s);
    m_view->setModel(m_proxy);
    UiHelpers::configureTableView(m_view);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ScenarioModel::NameColumn, Qt::AscendingOrder);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_emptyLabel->setText(tr("No saved scenarios yet. Use Save current… to keep a client, user, patient and "
                             "the current fault rules under a name, then launch them with one click."));
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    QPalette palette = m_errorLabel->palette();
    palette.setColor(QPalette::WindowText, StateColors::bad());
    m_errorLabel->setPalette(palette);
    m_errorLabel->hide();
    m_launchButton->setObjectName(u"launchButton"_s);
    m_launchButton->setToolTip(tr("Apply the scenario's fault rules, create its launch and open the app"));
    m_launchButton->setDefault(true);
    m_saveButton->setObjectName(u"saveButton"_s);
    m_removeButton->setObjectName(u"removeButton"_s);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_launchButton, QDialogButtonBox::ActionRole);
    buttons->addButton(m_saveButton, QDialogButtonBox::ActionRole);
    buttons->addButton(m_removeButton, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_launchButton, &QPushButton::clicked, this, [this] { (void)launchSelected(); });
    connect(m_saveButton, &QPushButton::clicked, this, &ScenariosDialog::saveCurrent);
    connect(m_removeButton, &QPushButton::clicked, this, &ScenariosDialog::removeSelected);
    connect(m_view, &QTableView::doubleClicked, this, [this] { (void)launchSelected(); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ScenariosDialog::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ScenariosDialog::updateButtons);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_emptyLabel);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_errorLabel);
    layout->addWidget(buttons);
    updateButtons();
    resize(720, 360);
}

ScenariosDialog::~ScenariosDialog() = default;

Result<QUrl> ScenariosDialog::launchScenario(Sandbox &sandbox, const QString &name, const UiHelpers::UrlOpener &open)
{
    Result<ScenarioLaunch> launched = sandbox.scenarios().launch(name, sandbox.server().urls().fhirBase);
    if (!launched)
        return badRequest(u"launch"_s, tr("Cannot launch %1: %2").arg(name, launched.error().description));
    if (launched.value().launchUrl.isEmpty())
        return badRequest(u"launch"_s,
                          tr("The launch was created (launch %1), but client %2 registered no launch URL to open.")
                              .arg(launched.value().launchId, launched.value().clientId));
    const QUrl url(launched.value().launchUrl);
    if (!open(url))
        return badRequest(u"launch"_s, tr("No browser could open %1").arg(url.toString()));
    return url;
}

QString ScenariosDialog::selectedName() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(ScenarioModel::NameRole).toString();
}

bool ScenariosDialog::selectScenario(const QString &name)
{
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        if (m_proxy->index(row, 0).data(ScenarioModel::NameRole).toString() == name) {
            m_view->selectRow(row);
            return true;
        }
    }
    return false;
}

QString ScenariosDialog::errorText() const
{
    return m_errorLabel->isHidden() ? QString() : m_errorLabel->text();
}

void ScenariosDialog::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->setVisible(!message.isEmpty());
}

void ScenariosDialog::updateButtons()
{
    const bool selected = !selectedName().isEmpty();
    m_launchButton->setEnabled(selected);
    m_removeButton->setEnabled(selected);
    m_emptyLabel->setVisible(m_model->rowCount() == 0);
    if (!m_model->error().isEmpty())
        showError(m_model->error());
}

bool ScenariosDialog::launchSelected()
{
    const QString name = selectedName();
    if (name.isEmpty()) {
        showError(tr("Select a scenario first."));
        return false;
    }
    Result<QUrl> opened = launchScenario(m_sandbox, name, m_open);
    if (!opened) {
        showError(opened.error().description);
        return false;
    }
    const QUrl url = opened.value();
    showError(QString());
    m_launched = url;
    Q_EMIT launched(url);
    return true;
}

void ScenariosDialog::removeSelected()
{
    const QString name = selectedName();
    if (name.isEmpty()
        || !m_confirm(this, tr("Remove scenario"), tr("Remove the scenario %1? Its fault rules stay.").arg(name),
                      tr("Remove")))
        return;
    Result<bool> removed = m_sandbox.scenarios().remove(name);
    showError(removed ? QString() : removed.error().description);
}

void ScenariosDialog::saveCurrent()
{
    SaveScenarioDialog dialog(m_sandbox, this);
    if (dialog.exec() == QDialog::Accepted)
        (void)selectScenario(dialog.scenario().name);
}
