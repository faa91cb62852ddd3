// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Clients tab: every registered client, live, with the actions on the selected one (register,
// edit, copy id or secret, show the registration JSON, delete after a confirmation, arm a canned
// launch error).

#include "uihelpers.h"

#include <QWidget>

#include <optional>

class ClientDialog;
class ClientModel;
class ColumnFilterProxy;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QToolButton;
class Sandbox;
struct Client;

class ClientsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientsPage)

public:
    explicit ClientsPage(Sandbox &sandbox, QWidget *parent = nullptr);
    ~ClientsPage() override;

    ClientModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    void setConfirmer(UiHelpers::Confirmer confirmer) { m_confirm = std::move(confirmer); }
    void setBaseUrl(const QString &baseUrl);
    std::optional<Client> selectedClient() const;
    void selectClient(const QString &clientId);

    // Opens the register (or edit) dialog, non-modal; a saved client is selected.
    ClientDialog *openRegisterDialog();
    ClientDialog *openEditDialog();
    void copySelectedId();
    void copySelectedSecret();
    void deleteSelected();
    void showSelectedRegistration();
    // Arms one of the canned launch errors (Faults::launchErrors) for the selected client.
    void armLaunchError(const QString &name);
    QToolButton *launchErrorsButton() const { return m_launchErrorsButton; }

Q_SIGNALS:
    // A sentence for the status bar.
    void reported(const QString &text);

private:
    void updateActions();
    void updateEmptyState();
    ClientDialog *showDialog(ClientDialog *dialog);

    Sandbox &m_sandbox;
    ClientModel *m_model;
    ColumnFilterProxy *m_proxy;
    QStackedWidget *m_stack;
    QLabel *m_emptyLabel;
    QTableView *m_view;
    QLineEdit *m_filterEdit;
    QToolButton *m_registerButton;
    QToolButton *m_editButton;
    QToolButton *m_copyIdButton;
    QToolButton *m_copySecretButton;
    QToolButton *m_jsonButton;
    QToolButton *m_deleteButton;
    QToolButton *m_launchErrorsButton;
    UiHelpers::Confirmer m_confirm = UiHelpers::messageBoxConfirmer();
};
