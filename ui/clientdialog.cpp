// SPDX-License-Identifier: Apache-2.0
#include "clientdialog.h"

#include "oauth/clientregistry.h"
#include "sandbox.h"
#include "statecolors.h"
#include "uihelpers.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStringListModel>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

// The fields this dialog owns; editing replaces them and keeps every other stored field.
const QStringList &ownedFields()
{
    static const QStringList fields = {
        u"client_name"_s, u"redirect_uris"_s,    u"token_endpoint_auth_method"_s,
        u"grant_types"_s, u"response_types"_s,   u"scope"_s,
        u"launch_uri"_s,  u"jwks_uri"_s,         u"jwks"_s,
        u"contacts"_s,    u"logo_uri"_s,         u"client_uri"_s,
        u"software_id"_s, u"software_version"_s,
    };
    return fields;
}

QString stringsOf(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list.append(item.toString());
    return list.join(u", "_s);
}

} // namespace

ClientDialog::ClientDialog(Sandbox &sandbox, QWidget *parent) : QDialog(parent), m_sandbox(sandbox)
{
    build();
    setWindowTitle(tr("Register client"));
    m_codeGrantCheck->setChecked(true);
    m_refreshGrantCheck->setChecked(true);
    m_codeResponseCheck->setChecked(true);
    m_authMethodCombo->setCurrentIndex(m_authMethodCombo->findData(u"none"_s));
    m_scopeEdit->setText(u"launch launch/patient openid fhirUser offline_access patient/*.rs"_s);
    validate();
}

ClientDialog::ClientDialog(Sandbox &sandbox, const Client &client, QWidget *parent)
    : QDialog(parent), m_sandbox(sandbox), m_editing(client)
{
    build();
    setWindowTitle(tr("Edit client %1").arg(client.name.isEmpty() ? client.id : client.name));
    fill(client);
    validate();
}

ClientDialog::~ClientDialog() = default;

void ClientDialog::build()
{
    setObjectName(u"clientDialog"_s);
    const auto lineEdit = [this](const QString &name, const QString &placeholder, const QString &toolTip) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholder);
        edit->setToolTip(toolTip);
        edit->setClearButtonEnabled(true);
        connect(edit, &QLineEdit::textChanged, this, &ClientDialog::validate);
        return edit;
    };
    m_nameEdit = lineEdit(u"nameEdit"_s, tr("My SMART app"), tr("client_name: what the consent page shows"));

    // Redirect URIs: a list, with a line to type the next one.
    m_redirectModel = new QStringListModel(this);
    m_redirectView = new QListView(this);
    m_redirectView->setObjectName(u"redirectUrisView"_s);
    m_redirectView->setModel(m_redirectModel);
    m_redirectView->setToolTip(tr("redirect_uris: where the sandbox may send the browser back; double-click to edit"));
    m_redirectView->setMaximumHeight(m_redirectView->fontMetrics().height() * 5);
    m_redirectEdit = new QLineEdit(this);
    m_redirectEdit->setObjectName(u"redirectUriEdit"_s);
    m_redirectEdit->setPlaceholderText(tr("http://localhost:3000/callback, then Enter"));
    connect(m_redirectEdit, &QLineEdit::textChanged, this, &ClientDialog::validate);
    auto *addRedirect = new QToolButton(this);
    addRedirect->setObjectName(u"addRedirectUriButton"_s);
    addRedirect->setText(tr("Add"));
    addRedirect->setToolTip(tr("Add the URI to the list"));
    auto *removeRedirect = new QToolButton(this);
    removeRedirect->setObjectName(u"removeRedirectUriButton"_s);
    removeRedirect->setText(tr("Remove"));
    removeRedirect->setToolTip(tr("Remove the selected URI (Delete)"));
    removeRedirect->setShortcut(QKeySequence::Delete);
    connect(addRedirect, &QToolButton::clicked, this, [this] {
        addRedirectUri(m_redirectEdit->text().trimmed());
        m_redirectEdit->clear();
    });
    // Enter in the URI line adds the URI instead of pressing the dialog's default button.
    m_redirectEdit->installEventFilter(this);
    m_addRedirectButton = addRedirect;
    connect(removeRedirect, &QToolButton::clicked, this, [this] {
        if (const QModelIndex current = m_redirectView->currentIndex(); current.isValid())
            m_redirectModel->removeRow(current.row());
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_redirectModel, signal, this, &ClientDialog::validate);
    connect(m_redirectModel, &QAbstractItemModel::dataChanged, this, &ClientDialog::validate);
    auto *redirectLine = new QHBoxLayout;
    redirectLine->addWidget(m_redirectEdit, 1);
    redirectLine->addWidget(addRedirect);
    redirectLine->addWidget(removeRedirect);
    auto *redirectBox = new QVBoxLayout;
    redirectBox->addWidget(m_redirectView);
    redirectBox->addLayout(redirectLine);

    m_authMethodCombo = new QComboBox(this);
    m_authMethodCombo->setObjectName(u"authMethodCombo"_s);
    m_authMethodCombo->setToolTip(tr("token_endpoint_auth_method: how the app proves who it is at the token endpoint"));
    m_authMethodCombo->addItem(tr("none (public app: browser or phone, PKCE only)"), u"none"_s);
    m_authMethodCombo->addItem(tr("client_secret_basic (confidential: secret in the Authorization header)"),
                               u"client_secret_basic"_s);
    m_authMethodCombo->addItem(tr("client_secret_post (confidential: secret in the form)"), u"client_secret_post"_s);
    m_authMethodCombo->addItem(tr("private_key_jwt (asymmetric: a signed assertion, SMART's preferred way)"),
                               u"private_key_jwt"_s);
    connect(m_authMethodCombo, &QComboBox::currentIndexChanged, this, &ClientDialog::updateKeyFields);
    connect(m_authMethodCombo, &QComboBox::currentIndexChanged, this, &ClientDialog::validate);

    const auto check = [this](const QString &name, const QString &text, const QString &toolTip) {
        auto *box = new QCheckBox(text, this);
        box->setObjectName(name);
        box->setToolTip(toolTip);
        connect(box, &QCheckBox::toggled, this, &ClientDialog::validate);
        return box;
    };
    m_codeGrantCheck = check(u"codeGrantCheck"_s, u"authorization_code"_s, tr("A person signs in and approves"));
    m_refreshGrantCheck = check(u"refreshGrantCheck"_s, u"refresh_token"_s, tr("The app may refresh its tokens"));
    m_clientCredentialsCheck = check(u"clientCredentialsCheck"_s, u"client_credentials"_s,
                                     tr("A backend service without a person (SMART Backend Services)"));
    m_codeResponseCheck = check(u"codeResponseCheck"_s, u"code"_s, tr("response_types: SMART uses \"code\""));
    // The code flow and the "code" response type go together; a backend service has neither.
    connect(m_codeGrantCheck, &QCheckBox::toggled, m_codeResponseCheck, &QCheckBox::setChecked);
    auto *grants = new QHBoxLayout;
    for (QCheckBox *box : {m_codeGrantCheck, m_refreshGrantCheck, m_clientCredentialsCheck})
        grants->addWidget(box);
    grants->addStretch(1);

    m_scopeEdit = lineEdit(u"scopeEdit"_s, tr("launch openid fhirUser patient/*.rs"),
                           tr("scope: the most the app may ask for, space-separated; empty: the sandbox default"));
    m_scopeHelperButton = new QToolButton(this);
    m_scopeHelperButton->setObjectName(u"scopeHelperButton"_s);
    m_scopeHelperButton->setText(tr("Add scope"));
    m_scopeHelperButton->setToolTip(tr("Add a common SMART scope"));
    m_scopeHelperButton->setPopupMode(QToolButton::InstantPopup);
    auto *scopeMenu = new QMenu(m_scopeHelperButton);
    const QList<QPair<QString, QString>> common = {
        {u"launch"_s, tr("EHR launch context")},
        {u"launch/patient"_s, tr("standalone launch: pick a patient")},
        {u"launch/encounter"_s, tr("standalone launch: an encounter")},
        {u"openid fhirUser"_s, tr("who signed in (id_token)")},
        {u"offline_access"_s, tr("refresh tokens that outlive the session")},
        {u"online_access"_s, tr("refresh tokens while the session lasts")},
        {u"patient/*.rs"_s, tr("read and search the patient's data (SMART v2)")},
        {u"patient/*.read"_s, tr("read the patient's data (SMART v1)")},
        {u"user/*.rs"_s, tr("read and search what the user may see")},
        {u"system/*.rs"_s, tr("backend services: read and search everything")},
    };
    for (const auto &[scope, meaning] : common) {
        QAction *action = scopeMenu->addAction(tr("%1 — %2").arg(scope, meaning));
        action->setData(scope);
        connect(action, &QAction::triggered, this, [this, action] { addScope(action->data().toString()); });
    }
    m_scopeHelperButton->setMenu(scopeMenu);
    auto *scopeLine = new QHBoxLayout;
    scopeLine->addWidget(m_scopeEdit, 1);
    scopeLine->addWidget(m_scopeHelperButton);

    m_launchUriEdit = lineEdit(u"launchUriEdit"_s, tr("http://localhost:3000/launch"),
                               tr("launch_uri (sandbox extension): the app's EHR launch URL, opened by "
                                  "Sandbox ▸ EHR launch with iss and launch"));
    m_jwksUriEdit = lineEdit(u"jwksUriEdit"_s, tr("https://app.example.org/.well-known/jwks.json"),
                             tr("jwks_uri: where the sandbox fetches the app's public keys"));
    m_jwksEdit = new QPlainTextEdit(this);
    m_jwksEdit->setObjectName(u"jwksEdit"_s);
    m_jwksEdit->setPlaceholderText(tr("or paste the JWK Set: {\"keys\": [ … ]}"));
    m_jwksEdit->setToolTip(tr("jwks: the app's public keys, instead of jwks_uri"));
    m_jwksEdit->setFont(UiHelpers::monospaceFont());
    m_jwksEdit->setMaximumHeight(m_jwksEdit->fontMetrics().height() * 5);
    connect(m_jwksEdit, &QPlainTextEdit::textChanged, this, &ClientDialog::validate);

    m_contactsEdit = lineEdit(u"contactsEdit"_s, tr("dev@example.org, ops@example.org"),
                              tr("contacts: e-mail addresses, separated by commas"));
    m_logoUriEdit = lineEdit(u"logoUriEdit"_s, tr("https://app.example.org/logo.png"), tr("logo_uri"));
    m_clientUriEdit
        = lineEdit(u"clientUriEdit"_s, tr("https://app.example.org/"), tr("client_uri: the app's home page"));
    m_softwareIdEdit = lineEdit(u"softwareIdEdit"_s, QString(), tr("software_id: the same for every install"));
    m_softwareVersionEdit = lineEdit(u"softwareVersionEdit"_s, QString(), tr("software_version"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_nameEdit);
    auto *redirectLabel = new QLabel(tr("&Redirect URIs:"), this);
    redirectLabel->setBuddy(m_redirectEdit);
    form->addRow(redirectLabel, redirectBox);
    form->addRow(tr("&Authentication:"), m_authMethodCombo);
    auto *grantLabel = new QLabel(tr("&Grant types:"), this);
    grantLabel->setBuddy(m_codeGrantCheck);
    form->addRow(grantLabel, grants);
    form->addRow(tr("Response types:"), m_codeResponseCheck);
    auto *scopeLabel = new QLabel(tr("&Scope:"), this);
    scopeLabel->setBuddy(m_scopeEdit);
    form->addRow(scopeLabel, scopeLine);
    form->addRow(tr("&Launch URL:"), m_launchUriEdit);
    form->addRow(tr("&JWKS URL:"), m_jwksUriEdit);
    auto *jwksLabel = new QLabel(tr("JW&KS:"), this);
    jwksLabel->setBuddy(m_jwksEdit);
    form->addRow(jwksLabel, m_jwksEdit);

    auto *about = new QGroupBox(tr("About the app (optional)"), this);
    auto *aboutForm = new QFormLayout(about);
    aboutForm->addRow(tr("Con&tacts:"), m_contactsEdit);
    aboutForm->addRow(tr("L&ogo URL:"), m_logoUriEdit);
    aboutForm->addRow(tr("&Home page:"), m_clientUriEdit);
    aboutForm->addRow(tr("Software &ID:"), m_softwareIdEdit);
    aboutForm->addRow(tr("Software &version:"), m_softwareVersionEdit);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    QPalette palette = m_errorLabel->palette();
    palette.setColor(QPalette::WindowText, StateColors::bad());
    m_errorLabel->setPalette(palette);
    m_errorLabel->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_saveButton = buttons->addButton(m_editing ? tr("Save") : tr("Register"), QDialogButtonBox::AcceptRole);
    m_saveButton->setObjectName(u"saveButton"_s);
    m_saveButton->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &ClientDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(about);
    layout->addWidget(m_errorLabel);
    layout->addStretch(1);
    layout->addWidget(buttons);
    updateKeyFields();
    resize(720, sizeHint().height());
}

bool ClientDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_redirectEdit && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Return || key == Qt::Key_Enter) {
            m_addRedirectButton->click();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void ClientDialog::fill(const Client &client)
{
    const QJsonObject &stored = client.metadata;
    m_nameEdit->setText(client.name == client.id ? QString() : client.name);
    m_redirectModel->setStringList(client.redirectUris);
    m_authMethodCombo->setCurrentIndex(qMax(0, m_authMethodCombo->findData(client.tokenEndpointAuthMethod)));
    setGrantTypes(client.grantTypes);
    m_codeResponseCheck->setChecked(stored.value(u"response_types"_s).toArray().contains(u"code"_s));
    m_scopeEdit->setText(client.scope);
    m_launchUriEdit->setText(stored.value(u"launch_uri"_s).toString());
    m_jwksUriEdit->setText(stored.value(u"jwks_uri"_s).toString());
    if (stored.value(u"jwks"_s).isObject())
        m_jwksEdit->setPlainText(
            QString::fromUtf8(QJsonDocument(stored.value(u"jwks"_s).toObject()).toJson(QJsonDocument::Indented)));
    m_contactsEdit->setText(stringsOf(stored.value(u"contacts"_s)));
    m_logoUriEdit->setText(stored.value(u"logo_uri"_s).toString());
    m_clientUriEdit->setText(stored.value(u"client_uri"_s).toString());
    m_softwareIdEdit->setText(stored.value(u"software_id"_s).toString());
    m_softwareVersionEdit->setText(stored.value(u"software_version"_s).toString());
}

QJsonObject ClientDialog::metadata() const
{
    QJsonObject json = m_editing ? m_editing->metadata : QJsonObject();
    for (const QString &field : ownedFields())
        json.remove(field);
    const auto putText = [&json](const QString &field, const QLineEdit *edit) {
        if (const QString text = edit->text().trimmed(); !text.isEmpty())
            json.insert(field, text);
    };
    putText(u"client_name"_s, m_nameEdit);
    QStringList redirects;
    // The URI still in the line counts too: it is checked as it is typed, and not lost on Register.
    for (const QString &uri : m_redirectModel->stringList() + QStringList{m_redirectEdit->text()}) {
        if (!uri.trimmed().isEmpty() && !redirects.contains(uri.trimmed()))
            redirects.append(uri.trimmed());
    }
    json.insert(u"redirect_uris"_s, QJsonArray::fromStringList(redirects));
    json.insert(u"token_endpoint_auth_method"_s, m_authMethodCombo->currentData().toString());
    QStringList grants;
    if (m_codeGrantCheck->isChecked())
        grants.append(u"authorization_code"_s);
    if (m_refreshGrantCheck->isChecked())
        grants.append(u"refresh_token"_s);
    if (m_clientCredentialsCheck->isChecked())
        grants.append(u"client_credentials"_s);
    json.insert(u"grant_types"_s, QJsonArray::fromStringList(grants));
    if (m_codeResponseCheck->isChecked())
        json.insert(u"response_types"_s, QJsonArray{u"code"_s});
    json.insert(u"scope"_s, m_scopeEdit->text().simplified());
    putText(u"launch_uri"_s, m_launchUriEdit);
    if (m_authMethodCombo->currentData().toString() == "private_key_jwt"_L1) {
        putText(u"jwks_uri"_s, m_jwksUriEdit);
        if (const QString text = m_jwksEdit->toPlainText().trimmed(); !text.isEmpty()) {
            // Text that is not JSON goes as a string, so the registry's own rule names the problem.
            const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
            json.insert(u"jwks"_s, document.isObject() ? QJsonValue(document.object()) : QJsonValue(text));
        }
    }
    const QStringList contacts = m_contactsEdit->text().split(QRegularExpression(u"[,;\\s]+"_s), Qt::SkipEmptyParts);
    if (!contacts.isEmpty())
        json.insert(u"contacts"_s, QJsonArray::fromStringList(contacts));
    putText(u"logo_uri"_s, m_logoUriEdit);
    putText(u"client_uri"_s, m_clientUriEdit);
    putText(u"software_id"_s, m_softwareIdEdit);
    putText(u"software_version"_s, m_softwareVersionEdit);
    return json;
}

QString ClientDialog::validationError() const
{
    Result<Client> checked = ClientRegistry::validate(metadata());
    return checked ? QString() : checked.error().description;
}

void ClientDialog::validate()
{
    const QString problem = validationError();
    m_errorLabel->setText(problem);
    m_errorLabel->setVisible(!problem.isEmpty());
    m_saveButton->setEnabled(problem.isEmpty());
    m_saveButton->setToolTip(problem);
}

void ClientDialog::updateKeyFields()
{
    const bool asymmetric = m_authMethodCombo->currentData().toString() == "private_key_jwt"_L1;
    m_jwksUriEdit->setEnabled(asymmetric);
    m_jwksEdit->setEnabled(asymmetric);
}

void ClientDialog::addScope(const QString &scope)
{
    QStringList scopes = m_scopeEdit->text().split(u' ', Qt::SkipEmptyParts);
    for (const QString &part : scope.split(u' ')) {
        if (!scopes.contains(part))
            scopes.append(part);
    }
    m_scopeEdit->setText(scopes.join(u' '));
}

void ClientDialog::setClientName(const QString &name)
{
    m_nameEdit->setText(name);
}

void ClientDialog::setRedirectUris(const QStringList &uris)
{
    m_redirectModel->setStringList(uris);
    validate();
}

QStringList ClientDialog::redirectUris() const
{
    return m_redirectModel->stringList();
}

void ClientDialog::addRedirectUri(const QString &uri)
{
    if (uri.isEmpty() || m_redirectModel->stringList().contains(uri))
        return;
    const int row = m_redirectModel->rowCount();
    m_redirectModel->insertRows(row, 1);
    m_redirectModel->setData(m_redirectModel->index(row), uri);
}

void ClientDialog::setAuthMethod(const QString &method)
{
    m_authMethodCombo->setCurrentIndex(m_authMethodCombo->findData(method));
}

void ClientDialog::setGrantTypes(const QStringList &grants)
{
    m_codeGrantCheck->setChecked(grants.contains(u"authorization_code"_s));
    m_refreshGrantCheck->setChecked(grants.contains(u"refresh_token"_s));
    m_clientCredentialsCheck->setChecked(grants.contains(u"client_credentials"_s));
}

void ClientDialog::setScope(const QString &scope)
{
    m_scopeEdit->setText(scope);
}

void ClientDialog::setLaunchUri(const QString &uri)
{
    m_launchUriEdit->setText(uri);
}

void ClientDialog::setJwksUri(const QString &uri)
{
    m_jwksUriEdit->setText(uri);
}

void ClientDialog::setJwks(const QString &json)
{
    m_jwksEdit->setPlainText(json);
}

bool ClientDialog::save()
{
    Result<Client> saved = m_editing ? m_sandbox.clients().update(m_editing->id, metadata())
                                     : m_sandbox.clients().registerClient(metadata(), u"ui"_s);
    if (!saved) {
        m_errorLabel->setText(saved.error().description);
        m_errorLabel->show();
        return false;
    }
    m_saved = saved.value();
    Q_EMIT clientSaved(*m_saved);
    return true;
}

void ClientDialog::accept()
{
    if (save())
        QDialog::accept();
}
