// SPDX-License-Identifier: Apache-2.0
#pragma once

// "Register client" and "Edit client": every RFC 7591 field that matters for a SMART app, checked
// as it is typed by ClientRegistry::validate (the rules POST /oauth/register applies), and saved
// through ClientRegistry::registerClient or ClientRegistry::update (what PUT
// /oauth/register/{id} calls). Fields the dialog does not show are kept when editing.

#include "oauth/client.h"

#include <QDialog>
#include <QJsonObject>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QStringListModel;
class QToolButton;
class Sandbox;

class ClientDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientDialog)

public:
    // Registers a new client.
    explicit ClientDialog(Sandbox &sandbox, QWidget *parent = nullptr);
    // Edits `client`, prefilled with its registration.
    ClientDialog(Sandbox &sandbox, const Client &client, QWidget *parent = nullptr);
    ~ClientDialog() override;

    bool isEditing() const { return m_editing.has_value(); }

    // The registration the fields describe, as POST /oauth/register would receive it.
    QJsonObject metadata() const;
    // Why the registration would be refused, or an empty string when it would be accepted.
    QString validationError() const;

    void setClientName(const QString &name);
    void setRedirectUris(const QStringList &uris);
    QStringList redirectUris() const;
    void addRedirectUri(const QString &uri);
    void setAuthMethod(const QString &method);
    void setGrantTypes(const QStringList &grants);
    void setScope(const QString &scope);
    void setLaunchUri(const QString &uri);
    void setJwksUri(const QString &uri);
    void setJwks(const QString &json);

    // Registers or updates with the current fields; false (with the reason shown) when refused.
    bool save();
    std::optional<Client> savedClient() const { return m_saved; }

    void accept() override;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

Q_SIGNALS:
    void clientSaved(const Client &client);

private:
    void build();
    void fill(const Client &client);
    void validate();
    void updateKeyFields();
    void addScope(const QString &scope);

    Sandbox &m_sandbox;
    std::optional<Client> m_editing;
    std::optional<Client> m_saved;
    QLineEdit *m_nameEdit = nullptr;
    QStringListModel *m_redirectModel = nullptr;
    QListView *m_redirectView = nullptr;
    QLineEdit *m_redirectEdit = nullptr;
    QToolButton *m_addRedirectButton = nullptr;
    QComboBox *m_authMethodCombo = nullptr;
    QCheckBox *m_codeGrantCheck = nullptr;
    QCheckBox *m_refreshGrantCheck = nullptr;
    QCheckBox *m_clientCredentialsCheck = nullptr;
    QCheckBox *m_codeResponseCheck = nullptr;
    QLineEdit *m_scopeEdit = nullptr;
    QToolButton *m_scopeHelperButton = nullptr;
    QLineEdit *m_launchUriEdit = nullptr;
    QLineEdit *m_jwksUriEdit = nullptr;
    QPlainTextEdit *m_jwksEdit = nullptr;
    QLineEdit *m_contactsEdit = nullptr;
    QLineEdit *m_logoUriEdit = nullptr;
    QLineEdit *m_clientUriEdit = nullptr;
    QLineEdit *m_softwareIdEdit = nullptr;
    QLineEdit *m_softwareVersionEdit = nullptr;
    QLabel *m_errorLabel = nullptr;
    QPushButton *m_saveButton = nullptr;
};
