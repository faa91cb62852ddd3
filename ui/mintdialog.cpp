// SPDX-License-Identifier: Apache-2.0
#include "mintdialog.h"

#include "defecttext.h"
#include "oauth/clientregistry.h"
#include "oauth/scopes.h"
#include "oauth/tokenservice.h"
#include "sandbox.h"
#include "server/portalserver.h"
#include "statecolors.h"
#include "storage/peoplestore.h"
#include "uihelpers.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 s_customLifetime = 0;
constexpr int s_scopeRole = Qt::UserRole + 1;
constexpr int s_jwtRole = Qt::UserRole + 2;

void colourAsError(QLabel *label)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, StateColors::bad());
    label->setPalette(palette);
    label->setWordWrap(true);
}

} // namespace

MintDialog::MintDialog(Sandbox &sandbox, QWidget *parent)
    : QDialog(parent),
      m_sandbox(sandbox),
      m_clientCombo(new QComboBox(this)),
      m_userCombo(new QComboBox(this)),
      m_patientCombo(new QComboBox(this)),
      m_scopeEdit(new QLineEdit(this)),
      m_scopeErrorLabel(new QLabel(this)),
      m_lifetimeCombo(new QComboBox(this)),
      m_lifetimeSpin(new QSpinBox(this)),
      m_defectCombo(new QComboBox(this)),
      m_mintButton(new QPushButton(tr("Mint"), this)),
      m_errorLabel(new QLabel(this)),
      m_result(new QWidget(this)),
      m_accessTokenEdit(new QLineEdit(m_result)),
      m_refreshTokenEdit(new QLineEdit(m_result)),
      m_curlEdit(new QLineEdit(m_result)),
      m_defectLabel(new QLabel(m_result))
{
    setObjectName(u"mintDialog"_s);
    setWindowTitle(tr("Mint token"));
    m_clientCombo->setObjectName(u"clientCombo"_s);
    m_userCombo->setObjectName(u"userCombo"_s);
    m_patientCombo->setObjectName(u"patientCombo"_s);
    m_scopeEdit->setObjectName(u"scopeEdit"_s);
    m_scopeEdit->setToolTip(tr("Space-separated SMART scopes; empty means the client's registered scope"));
    m_scopeErrorLabel->setObjectName(u"scopeErrorLabel"_s);
    colourAsError(m_scopeErrorLabel);
    m_scopeErrorLabel->hide();
    m_lifetimeCombo->setObjectName(u"lifetimeCombo"_s);
    m_lifetimeSpin->setObjectName(u"lifetimeSpin"_s);
    m_mintButton->setObjectName(u"mintButton"_s);
    m_mintButton->setDefault(true);
    m_errorLabel->setObjectName(u"errorLabel"_s);
    colourAsError(m_errorLabel);
    m_errorLabel->hide();

    m_lifetimeCombo->addItem(tr("1 minute"), qint64(60));
    m_lifetimeCombo->addItem(tr("5 minutes"), qint64(300));
    m_lifetimeCombo->addItem(tr("1 hour"), qint64(3600));
    m_lifetimeCombo->addItem(tr("Custom"), s_customLifetime);
    m_lifetimeCombo->setCurrentIndex(2);
    const int maxLifetime = int(DebugTokenRequest::s_maxLifetime);
    m_lifetimeSpin->setRange(-maxLifetime, maxLifetime);
    m_lifetimeSpin->setValue(3600);
    m_lifetimeSpin->setSuffix(tr(" s"));
    m_lifetimeSpin->setToolTip(tr("Seconds; a negative lifetime mints a token that has already expired"));
    m_defectCombo->setObjectName(u"defectCombo"_s);
    m_defectCombo->setToolTip(tr("Break the token on purpose, to see how an app handles a token that fails"));
    m_defectCombo->addItem(DefectText::name(TokenDefect::None), int(TokenDefect::None));
    for (const TokenDefect defect : TokenDefects::all()) {
        m_defectCombo->addItem(DefectText::name(defect), int(defect));
        m_defectCombo->setItemData(m_defectCombo->count() - 1, DefectText::consequence(defect), Qt::ToolTipRole);
    }
    m_defectLabel->setObjectName(u"defectLabel"_s);
    m_defectLabel->setWordWrap(true);
    m_defectLabel->hide();
    auto *lifetimeRow = new QHBoxLayout;
    lifetimeRow->addWidget(m_lifetimeCombo);
    lifetimeRow->addWidget(m_lifetimeSpin, 1);

    auto *form = new QFormLayout;
    form->addRow(tr("&Client:"), m_clientCombo);
    form->addRow(tr("&User:"), m_userCombo);
    form->addRow(tr("&Patient:"), m_patientCombo);
    form->addRow(tr("&Scope:"), m_scopeEdit);
    form->addRow(QString(), m_scopeErrorLabel);
    auto *lifetimeLabel = new QLabel(tr("&Access lifetime:"), this);
    lifetimeLabel->setBuddy(m_lifetimeCombo);
    form->addRow(lifetimeLabel, lifetimeRow);
    form->addRow(tr("&Defect:"), m_defectCombo);

    auto *resultForm = new QFormLayout(m_result);
    resultForm->setContentsMargins(0, 0, 0, 0);
    const auto addResultRow = [&](const QString &label, QLineEdit *edit, const QString &name) {
        edit->setObjectName(name + u"Edit"_s);
        edit->setReadOnly(true);
        edit->setFont(UiHelpers::monospaceFont());
        auto *row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(UiHelpers::makeCopyButton(
            u"copy"_s + name.at(0).toUpper() + name.mid(1) + u"Button"_s, tr("Copy to the clipboard"),
            [edit] { return edit->text(); }, m_result));
        resultForm->addRow(label, row);
    };
    addResultRow(tr("Access token:"), m_accessTokenEdit, u"accessToken"_s);
    addResultRow(tr("Refresh token:"), m_refreshTokenEdit, u"refreshToken"_s);
    addResultRow(tr("curl:"), m_curlEdit, u"curl"_s);
    resultForm->addRow(QString(), m_defectLabel);
    m_result->setObjectName(u"resultWidget"_s);
    m_result->setEnabled(false);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_mintButton, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_mintButton, &QPushButton::clicked, this, [this] { (void)mint(); });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_errorLabel);
    layout->addSpacing(8);
    layout->addWidget(m_result);
    layout->addStretch(1);
    layout->addWidget(buttons);

    loadClients();
    loadUsers();
    loadPatients();
    clientChanged();
    updateLifetime();
    connect(m_clientCombo, &QComboBox::currentIndexChanged, this, &MintDialog::clientChanged);
    connect(m_userCombo, &QComboBox::currentIndexChanged, this, &MintDialog::loadPatients);
    connect(m_scopeEdit, &QLineEdit::textChanged, this, &MintDialog::validateScope);
    connect(m_lifetimeCombo, &QComboBox::currentIndexChanged, this, &MintDialog::updateLifetime);
    resize(720, sizeHint().height());
}

MintDialog::~MintDialog() = default;

void MintDialog::loadClients()
{
    m_clientCombo->clear();
    Result<QList<Client>> clients = m_sandbox.clients().clients();
    if (!clients) {
        m_errorLabel->setText(clients.error().description);
        m_errorLabel->show();
        return;
    }
    for (const Client &client : clients.value()) {
        if (client.grantTypes.contains("client_credentials"_L1) && !client.grantTypes.contains("authorization_code"_L1))
            continue; // a backend service has no user to mint for
        m_clientCombo->addItem(client.name.isEmpty() ? client.id : tr("%1 (%2)").arg(client.name, client.id),
                               client.id);
        m_clientCombo->setItemData(m_clientCombo->count() - 1, client.scope, s_scopeRole);
        m_clientCombo->setItemData(m_clientCombo->count() - 1, client.accessTokenFormat == AccessTokenFormat::Jwt,
                                   s_jwtRole);
    }
}

void MintDialog::loadUsers()
{
    m_userCombo->clear();
    Result<QList<User>> users = m_sandbox.people().users();
    if (!users)
        return;
    for (const User &user : users.value())
        m_userCombo->addItem(user.displayName.isEmpty() ? user.username
                                                        : tr("%1 (%2)").arg(user.displayName, user.username),
                             user.username);
}

void MintDialog::loadPatients()
{
    m_patientCombo->clear();
    Result<QList<UserPatient>> patients = m_sandbox.people().patientsOf(m_userCombo->currentData().toString());
    if (!patients)
        return;
    for (const UserPatient &link : patients.value()) {
        const QString name = link.patient.displayName.isEmpty() ? link.patient.id : link.patient.displayName;
        const QString relationship = link.relationship == "self"_L1 ? tr("self") : tr("represented");
        m_patientCombo->addItem(tr("%1 (%2, %3)").arg(name, link.patient.id, relationship), link.patient.id);
    }
}

void MintDialog::clientChanged()
{
    m_scopeEdit->setText(m_clientCombo->currentData(s_scopeRole).toString());
    validateScope();
    updateDefects();
}

void MintDialog::updateDefects()
{
    const bool jwt = m_clientCombo->currentData(s_jwtRole).toBool();
    auto *items = qobject_cast<QStandardItemModel *>(m_defectCombo->model());
    for (int row = 0; row < m_defectCombo->count(); ++row) {
        const auto defect = TokenDefect(m_defectCombo->itemData(row).toInt());
        if (!TokenDefects::needsJwt(defect))
            continue;
        if (QStandardItem *item = items ? items->item(row) : nullptr)
            item->setEnabled(jwt);
        m_defectCombo->setItemData(row,
                                   jwt ? DefectText::consequence(defect)
                                       : tr("Only for clients with JWT access tokens (access_token_format \"jwt\")"),
                                   Qt::ToolTipRole);
    }
    if (!defectAvailable(TokenDefect(m_defectCombo->currentData().toInt())))
        m_defectCombo->setCurrentIndex(0);
}

bool MintDialog::defectAvailable(TokenDefect defect) const
{
    const int row = m_defectCombo->findData(int(defect));
    const auto *items = qobject_cast<const QStandardItemModel *>(m_defectCombo->model());
    const QStandardItem *item = items && row >= 0 ? items->item(row) : nullptr;
    return item && item->isEnabled();
}

bool MintDialog::selectDefect(TokenDefect defect)
{
    if (!defectAvailable(defect))
        return false;
    m_defectCombo->setCurrentIndex(m_defectCombo->findData(int(defect)));
    return true;
}

QString MintDialog::scopeError() const
{
    return m_scopeErrorLabel->isHidden() ? QString() : m_scopeErrorLabel->text();
}

void MintDialog::validateScope()
{
    const QString text = m_scopeEdit->text();
    Result<QList<Scope>> parsed = Scopes::parse(text);
    const bool ok = text.trimmed().isEmpty() || parsed.ok();
    m_scopeErrorLabel->setText(ok ? QString() : parsed.error().description);
    m_scopeErrorLabel->setVisible(!ok);
    m_mintButton->setEnabled(ok && m_clientCombo->count() > 0);
}

void MintDialog::updateLifetime()
{
    const qint64 seconds = m_lifetimeCombo->currentData().toLongLong();
    m_lifetimeSpin->setEnabled(seconds == s_customLifetime);
    if (seconds != s_customLifetime)
        m_lifetimeSpin->setValue(int(seconds));
}

bool MintDialog::selectClient(const QString &clientId)
{
    return UiHelpers::selectData(m_clientCombo, clientId);
}

bool MintDialog::selectUser(const QString &username)
{
    return UiHelpers::selectData(m_userCombo, username);
}

bool MintDialog::selectPatient(const QString &patientId)
{
    return UiHelpers::selectData(m_patientCombo, patientId);
}

void MintDialog::setScope(const QString &scope)
{
    m_scopeEdit->setText(scope);
}

void MintDialog::setAccessLifetime(qint64 seconds)
{
    const int index = m_lifetimeCombo->findData(seconds);
    m_lifetimeCombo->setCurrentIndex(index >= 0 ? index : m_lifetimeCombo->findData(s_customLifetime));
    m_lifetimeSpin->setValue(int(seconds));
}

DebugTokenRequest MintDialog::request() const
{
    DebugTokenRequest request;
    request.clientId = m_clientCombo->currentData().toString();
    request.username = m_userCombo->currentData().toString();
    request.patientId = m_patientCombo->currentData().toString();
    request.accessLifetimeSeconds = m_lifetimeSpin->value();
    if (!m_scopeEdit->text().trimmed().isEmpty())
        request.scope = m_scopeEdit->text().simplified();
    request.defect = TokenDefect(m_defectCombo->currentData().toInt());
    return request;
}

QString MintDialog::curlCommand() const
{
    if (!m_minted)
        return {};
    return u"curl -H 'Authorization: Bearer %1' %2/api/fhir/Patient/%3"_s.arg(
        m_minted->token.accessToken, m_sandbox.server().baseUrl(), m_requestedPatientId);
}

bool MintDialog::mint()
{
    if (!scopeError().isEmpty())
        return false;
    const DebugTokenRequest asked = request();
    Result<TokenView> minted = m_sandbox.tokens().mintDebugToken(asked, m_sandbox.server().urls());
    if (!minted) {
        m_errorLabel->setText(minted.error().description);
        m_errorLabel->show();
        return false;
    }
    m_errorLabel->hide();
    m_minted = minted.value();
    m_requestedPatientId = asked.patientId;
    m_defectLabel->setText(
        asked.defect == TokenDefect::None
            ? QString()
            : tr("Defect: %1. %2").arg(DefectText::name(asked.defect), DefectText::consequence(asked.defect)));
    m_defectLabel->setVisible(asked.defect != TokenDefect::None);
    m_accessTokenEdit->setText(m_minted->token.accessToken);
    m_refreshTokenEdit->setText(m_minted->token.refreshToken);
    m_curlEdit->setText(curlCommand());
    for (QLineEdit *edit : {m_accessTokenEdit, m_refreshTokenEdit, m_curlEdit})
        edit->setCursorPosition(0);
    m_result->setEnabled(true);
    Q_EMIT tokenMinted(*m_minted);
    return true;
}
