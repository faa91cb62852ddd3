// SPDX-License-Identifier: Apache-2.0
#include "clientspage.h"

#include "clientdialog.h"
#include "clientmodel.h"
#include "columnfilterproxy.h"
#include "faults/faultrules.h"
#include "oauth/clientregistry.h"
#include "sandbox.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

ClientsPage::ClientsPage(Sandbox &sandbox, QWidget *parent)
    : QWidget(parent),
      m_sandbox(sandbox),
      m_model(new ClientModel(sandbox, this)),
      m_proxy(new ColumnFilterProxy({ClientModel::NameColumn, ClientModel::ClientIdColumn, ClientModel::TypeColumn,
                                     ClientModel::RedirectUrisColumn, ClientModel::ScopeColumn},
                                    this)),
      m_stack(new QStackedWidget(this)),
      m_emptyLabel(UiHelpers::makeEmptyStateLabel(u"clientsEmptyLabel"_s, this)),
      m_view(new QTableView(this)),
      m_filterEdit(new QLineEdit(this)),
      m_registerButton(UiHelpers::makeActionButton(u"registerButton"_s, tr("Register…"),
                                                   tr("Register a new client, as POST /oauth/register does (Ctrl+N)"),
                                                   this)),
      m_editButton(
          UiHelpers::makeActionButton(u"editButton"_s, tr("Edit…"), tr("Change the client's registration (F2)"), this)),
      m_copyIdButton(
          UiHelpers::makeActionButton(u"copyIdButton"_s, tr("Copy ID"), tr("Copy the client_id (Ctrl+C)"), this)),
      m_copySecretButton(
          UiHelpers::makeActionButton(u"copySecretButton"_s, tr("Copy secret"), tr("Copy the client_secret"), this)),
      m_jsonButton(UiHelpers::makeActionButton(u"registrationButton"_s, tr("Registration JSON"),
                                               tr("Show the client information response (RFC 7591)"), this)),
      m_deleteButton(
          UiHelpers::makeActionButton(u"deleteButton"_s, tr("Delete…"), tr("Delete the client (Delete)"), this)),
      m_launchErrorsButton(UiHelpers::makeActionButton(
          u"launchErrorsButton"_s, tr("Launch errors"),
          tr("Make this app's next launch fail the way a SMART app must handle (once)"), this))
{
    setObjectName(u"clientsPage"_s);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ClientModel::SortRole);

    m_filterEdit->setObjectName(u"filterEdit"_s);
    m_filterEdit->setPlaceholderText(tr("Filter by name, client ID, type, redirect URI or scope (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &ColumnFilterProxy::setFilterText);

    m_registerButton->setIcon(QIcon::fromTheme(u"list-add"_s));
    m_registerButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_registerButton->setShortcut(QKeySequence::New);
    connect(m_registerButton, &QToolButton::clicked, this, [this] { (void)openRegisterDialog(); });
    connect(m_editButton, &QToolButton::clicked, this, [this] { (void)openEditDialog(); });
    connect(m_copyIdButton, &QToolButton::clicked, this, &ClientsPage::copySelectedId);
    connect(m_copySecretButton, &QToolButton::clicked, this, &ClientsPage::copySelectedSecret);
    connect(m_jsonButton, &QToolButton::clicked, this, &ClientsPage::showSelectedRegistration);
    connect(m_deleteButton, &QToolButton::clicked, this, &ClientsPage::deleteSelected);

    auto *launchErrors = new QMenu(m_launchErrorsButton);
    launchErrors->setObjectName(u"launchErrorsMenu"_s);
    launchErrors->setToolTipsVisible(true);
    for (const Faults::LaunchErrorInfo &info : Faults::launchErrors()) {
        QAction *action = launchErrors->addAction(info.name, this, [this, name = info.name] { armLaunchError(name); });
        action->setObjectName(info.name + u"Action"_s);
        action->setToolTip(info.summary);
    }
    m_launchErrorsButton->setMenu(launchErrors);
    m_launchErrorsButton->setPopupMode(QToolButton::InstantPopup);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filterEdit, 1);
    for (QToolButton *button : {m_registerButton, m_editButton, m_copyIdButton, m_copySecretButton, m_jsonButton,
                                m_launchErrorsButton, m_deleteButton})
        bar->addWidget(button);

    m_view->setObjectName(u"clientsView"_s);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ClientModel::RegisteredColumn, Qt::AscendingOrder);
    UiHelpers::configureTableView(m_view);
    m_view->horizontalHeader()->setSectionResizeMode(ClientModel::ScopeColumn, QHeaderView::Stretch);
    // Wide enough for a date and time in the user's short format.
    m_view->setColumnWidth(ClientModel::RegisteredColumn,
                           m_view->fontMetrics().horizontalAdvance(
                               QLocale().toString(QDateTime(QDate(2026, 12, 28), QTime(23, 59)), QLocale::ShortFormat))
                               + 24);
    m_view->setColumnWidth(ClientModel::NameColumn, 200);
    m_view->setColumnWidth(ClientModel::ClientIdColumn, 220);
    m_view->setColumnWidth(ClientModel::RedirectUrisColumn, 260);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ClientsPage::updateActions);
    connect(m_view, &QTableView::doubleClicked, this, &ClientsPage::showSelectedRegistration);

    UiHelpers::addViewAction(m_view, tr("Copy ID"), QKeySequence::Copy, [this] { copySelectedId(); });
    UiHelpers::addViewAction(m_view, tr("Delete…"), QKeySequence::Delete, [this] { deleteSelected(); });
    UiHelpers::addViewAction(m_view, tr("Edit…"), QKeySequence(Qt::Key_F2), [this] { (void)openEditDialog(); });

    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, &ClientsPage::updateEmptyState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ClientsPage::updateEmptyState);
    connect(m_model, &ClientModel::loadFailed, this,
            [this](const QString &message) { QMessageBox::warning(this, tr("Clients"), message); });

    m_stack->addWidget(m_emptyLabel);
    m_stack->addWidget(m_view);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);
    setBaseUrl({});
    updateEmptyState();
    updateActions();
}

ClientsPage::~ClientsPage() = default;

void ClientsPage::setBaseUrl(const QString &baseUrl)
{
    m_emptyLabel->setText(tr("No clients. Press Register… (Ctrl+N), or let an app register itself with POST %1.")
                              .arg(baseUrl + u"/oauth/register"_s));
}

ClientDialog *ClientsPage::openRegisterDialog()
{
    return showDialog(new ClientDialog(m_sandbox, this));
}

ClientDialog *ClientsPage::openEditDialog()
{
    const std::optional<Client> client = selectedClient();
    if (!client)
        return nullptr;
    return showDialog(new ClientDialog(m_sandbox, *client, this));
}

ClientDialog *ClientsPage::showDialog(ClientDialog *dialog)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ClientDialog::clientSaved, this, [this](const Client &client) { selectClient(client.id); });
    dialog->show();
    return dialog;
}

std::optional<Client> ClientsPage::selectedClient() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid())
        return std::nullopt;
    return m_model->client(m_proxy->mapToSource(current).row());
}

void ClientsPage::selectClient(const QString &clientId)
{
    const int row = m_model->rowOf(clientId);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void ClientsPage::copySelectedId()
{
    if (const std::optional<Client> client = selectedClient())
        UiHelpers::copyToClipboard(client->id);
}

void ClientsPage::copySelectedSecret()
{
    if (const std::optional<Client> client = selectedClient(); client && !client->secret.isEmpty())
        UiHelpers::copyToClipboard(client->secret);
}

void ClientsPage::deleteSelected()
{
    const std::optional<Client> client = selectedClient();
    if (!client)
        return;
    const QString name = client->name.isEmpty() ? client->id : client->name;
    if (!m_confirm(
            this, tr("Delete client"),
            tr("Delete the client \"%1\" (%2)? Apps using its client_id can no longer sign in.").arg(name, client->id),
            tr("Delete")))
        return;
    if (Result<bool> removed = m_sandbox.clients().remove(client->id); !removed)
        QMessageBox::warning(this, tr("Clients"), removed.error().description);
}

void ClientsPage::showSelectedRegistration()
{
    const std::optional<Client> client = selectedClient();
    if (!client)
        return;
    UiHelpers::showJsonDialog(this, u"registrationDialog"_s,
                              tr("Registration of %1").arg(client->name.isEmpty() ? client->id : client->name),
                              client->registrationJson());
}

void ClientsPage::armLaunchError(const QString &name)
{
    const std::optional<Client> client = selectedClient();
    if (!client)
        return;
    Result<Faults::FaultRule> rule
        = Faults::FaultRule::fromJson(QJsonObject{{u"client_id"_s, client->id}, {u"launch_error"_s, name}});
    Result<Faults::FaultRule> added = rule ? m_sandbox.faults().add(rule.value()) : rule;
    if (!added) {
        QMessageBox::warning(this, tr("Launch errors"), added.error().description);
        return;
    }
    Q_EMIT reported(tr("Launch error %1 armed for \"%2\" (rule %3): %4")
                        .arg(name, client->name.isEmpty() ? client->id : client->name)
                        .arg(added.value().id)
                        .arg(Faults::launchErrorInfo(added.value().launchError).summary));
}

void ClientsPage::updateActions()
{
    const std::optional<Client> client = selectedClient();
    m_editButton->setEnabled(client.has_value());
    m_copyIdButton->setEnabled(client.has_value());
    m_copySecretButton->setEnabled(client && !client->secret.isEmpty());
    m_jsonButton->setEnabled(client.has_value());
    m_deleteButton->setEnabled(client.has_value());
    m_launchErrorsButton->setEnabled(client.has_value());
}

void ClientsPage::updateEmptyState()
{
    m_stack->setCurrentWidget(m_model->rowCount() == 0 ? static_cast<QWidget *>(m_emptyLabel) : m_view);
}
