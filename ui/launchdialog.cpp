// SPDX-License-Identifier: Apache-2.0
#include "launchdialog.h"

#include "fhir/fhirservice.h"
#include "oauth/authorizationservice.h"
#include "oauth/clientregistry.h"
#include "sandbox.h"
#include "server/portalserver.h"
#include "statecolors.h"
#include "storage/peoplestore.h"
#include "uihelpers.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

constexpr int s_launchUriRole = Qt::UserRole + 1;

// "2025-03-02 · Check-up (enc-12)" from an Encounter resource.
QString encounterText(const QJsonObject &encounter)
{
    const QString start = encounter.value(u"period"_s).toObject().value(u"start"_s).toString().left(10);
    const QJsonObject type = encounter.value(u"type"_s).toArray().at(0).toObject();
    QString kind = type.value(u"text"_s).toString();
    if (kind.isEmpty())
        kind = type.value(u"coding"_s).toArray().at(0).toObject().value(u"display"_s).toString();
    if (kind.isEmpty())
        kind = encounter.value(u"class"_s).toObject().value(u"display"_s).toString();
    QStringList parts;
    for (const QString &part : {start, kind}) {
        if (!part.isEmpty())
            parts.append(part);
    }
    parts.append(u"(%1)"_s.arg(encounter.value(u"id"_s).toString()));
    return parts.join(u" · "_s);
}

} // namespace

LaunchDialog::LaunchDialog(Sandbox &sandbox, QWidget *parent)
    : QDialog(parent),
      m_sandbox(sandbox),
      m_clientCombo(new QComboBox(this)),
      m_launchUriEdit(new QLineEdit(this)),
      m_userCombo(new QComboBox(this)),
      m_patientCombo(new QComboBox(this)),
      m_encounterCombo(new QComboBox(this)),
      m_emptyLabel(new QLabel(this)),
      m_errorLabel(new QLabel(this)),
      m_resultEdit(new QLineEdit(this)),
      m_launchButton(new QPushButton(tr("Launch"), this))
{
    setObjectName(u"launchDialog"_s);
    setWindowTitle(tr("EHR launch"));
    m_clientCombo->setObjectName(u"clientCombo"_s);
    m_clientCombo->setToolTip(tr("Clients that registered a launch URL (launch_uri)"));
    m_launchUriEdit->setObjectName(u"launchUriEdit"_s);
    m_launchUriEdit->setReadOnly(true);
    m_launchUriEdit->setToolTip(tr("The app's launch URL; the browser opens it with iss and launch"));
    m_userCombo->setObjectName(u"userCombo"_s);
    m_userCombo->setToolTip(tr("The clinician or person who launches the app"));
    m_patientCombo->setObjectName(u"patientCombo"_s);
    m_patientCombo->setToolTip(tr("The patients this user may act for"));
    m_encounterCombo->setObjectName(u"encounterCombo"_s);
    m_encounterCombo->setToolTip(tr("The patient's encounters in the built-in FHIR data; optional"));
    m_emptyLabel->setObjectName(u"emptyLabel"_s);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setText(tr("No client has a launch URL yet. On the Clients tab, register a client (or edit one) "
                             "and fill in its Launch URL, such as http://localhost:3000/launch."));
    m_emptyLabel->hide();
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    QPalette palette = m_errorLabel->palette();
    palette.setColor(QPalette::WindowText, StateColors::bad());
    m_errorLabel->setPalette(palette);
    m_errorLabel->hide();
    m_resultEdit->setObjectName(u"resultEdit"_s);
    m_resultEdit->setReadOnly(true);
    m_resultEdit->setPlaceholderText(tr("The URL the browser opens appears here"));
    m_launchButton->setObjectName(u"launchButton"_s);
    m_launchButton->setDefault(true);
    m_launchButton->setToolTip(tr("Create the launch context and open the app in the browser"));

    auto *resultRow = new QHBoxLayout;
    resultRow->addWidget(m_resultEdit, 1);
    resultRow->addWidget(UiHelpers::makeCopyButton(
        u"copyResultButton"_s, tr("Copy the launch URL"), [this] { return m_resultEdit->text(); }, this));

    auto *form = new QFormLayout;
    form->addRow(tr("&Client:"), m_clientCombo);
    form->addRow(tr("Launch URL:"), m_launchUriEdit);
    form->addRow(tr("&User:"), m_userCombo);
    form->addRow(tr("&Patient:"), m_patientCombo);
    form->addRow(tr("&Encounter:"), m_encounterCombo);
    form->addRow(tr("Opened:"), resultRow);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_launchButton, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_launchButton, &QPushButton::clicked, this, [this] { (void)launch(); });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_emptyLabel);
    layout->addLayout(form);
    layout->addWidget(m_errorLabel);
    layout->addStretch(1);
    layout->addWidget(buttons);

    loadClients();
    loadUsers();
    loadPatients();
    clientChanged();
    connect(m_clientCombo, &QComboBox::currentIndexChanged, this, &LaunchDialog::clientChanged);
    // A client registered, edited or deleted meanwhile (here or over HTTP) shows at once.
    const auto reloadClients = [this] {
        const QString current = m_clientCombo->currentData().toString();
        {
            const QSignalBlocker blocker(m_clientCombo);
            loadClients();
            (void)selectClient(current);
        }
        clientChanged();
    };
    connect(&sandbox.clients(), &ClientRegistry::clientRegistered, this, reloadClients);
    connect(&sandbox.clients(), &ClientRegistry::clientUpdated, this, reloadClients);
    connect(&sandbox.clients(), &ClientRegistry::clientRemoved, this, reloadClients);
    connect(m_userCombo, &QComboBox::currentIndexChanged, this, &LaunchDialog::loadPatients);
    connect(m_patientCombo, &QComboBox::currentIndexChanged, this, &LaunchDialog::loadEncounters);
    resize(640, sizeHint().height());
}

LaunchDialog::~LaunchDialog() = default;

void LaunchDialog::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->setVisible(!message.isEmpty());
}

void LaunchDialog::loadClients()
{
    m_clientCombo->clear();
    Result<QList<Client>> clients = m_sandbox.clients().clients();
    if (!clients) {
        showError(clients.error().description);
        return;
    }
    for (const Client &client : clients.value()) {
        if (client.launchUri().isEmpty())
            continue;
        m_clientCombo->addItem(
            client.name.isEmpty() || client.name == client.id ? client.id : tr("%1 (%2)").arg(client.name, client.id),
            client.id);
        m_clientCombo->setItemData(m_clientCombo->count() - 1, client.launchUri(), s_launchUriRole);
    }
    m_emptyLabel->setVisible(m_clientCombo->count() == 0);
}

void LaunchDialog::loadUsers()
{
    m_userCombo->clear();
    Result<QList<User>> users = m_sandbox.people().users();
    if (!users) {
        showError(users.error().description);
        return;
    }
    for (const User &user : users.value())
        m_userCombo->addItem(user.displayName.isEmpty() ? user.username
                                                        : tr("%1 (%2)").arg(user.displayName, user.username),
                             user.username);
}

void LaunchDialog::loadPatients()
{
    const QSignalBlocker blocker(m_patientCombo);
    m_patientCombo->clear();
    m_patientCombo->addItem(tr("None: the app asks for one"), QString());
    Result<QList<UserPatient>> patients = m_sandbox.people().patientsOf(m_userCombo->currentData().toString());
    if (patients) {
        for (const UserPatient &link : patients.value()) {
            const QString name = link.patient.displayName.isEmpty() ? link.patient.id : link.patient.displayName;
            const QString relationship = link.relationship == "self"_L1 ? tr("self") : tr("represented");
            m_patientCombo->addItem(tr("%1 (%2, %3)").arg(name, link.patient.id, relationship), link.patient.id);
        }
    }
    // The user's own record (or first patient) is the usual choice.
    m_patientCombo->setCurrentIndex(m_patientCombo->count() > 1 ? 1 : 0);
    loadEncounters();
}

void LaunchDialog::loadEncounters()
{
    m_encounterCombo->clear();
    m_encounterCombo->addItem(tr("None"), QString());
    const QString patientId = m_patientCombo->currentData().toString();
    m_encounterCombo->setEnabled(!patientId.isEmpty());
    if (patientId.isEmpty())
        return;
    Result<FhirAnswer> found
        = m_sandbox.fhir().search(Fhir::AccessPolicy::open(false), u"Encounter"_s,
                                  {{u"patient"_s, patientId}, {u"_sort"_s, u"-date"_s}, {u"_count"_s, u"100"_s}},
                                  m_sandbox.server().baseUrl() + u"/api/fhir"_s, false);
    if (!found || found.value().status != 200)
        return;
    for (const QJsonValue &entry : found.value().body.value(u"entry"_s).toArray()) {
        const QJsonObject encounter = entry.toObject().value(u"resource"_s).toObject();
        if (encounter.value(u"resourceType"_s).toString() == "Encounter"_L1)
            m_encounterCombo->addItem(encounterText(encounter), encounter.value(u"id"_s).toString());
    }
}

void LaunchDialog::clientChanged()
{
    m_launchUriEdit->setText(m_clientCombo->currentData(s_launchUriRole).toString());
    m_launchUriEdit->setCursorPosition(0);
    m_launchButton->setEnabled(m_clientCombo->count() > 0);
}

bool LaunchDialog::selectClient(const QString &clientId)
{
    return UiHelpers::selectData(m_clientCombo, clientId);
}

bool LaunchDialog::selectUser(const QString &username)
{
    return UiHelpers::selectData(m_userCombo, username);
}

bool LaunchDialog::selectPatient(const QString &patientId)
{
    return UiHelpers::selectData(m_patientCombo, patientId);
}

bool LaunchDialog::selectEncounter(const QString &encounterId)
{
    return UiHelpers::selectData(m_encounterCombo, encounterId);
}

int LaunchDialog::clientCount() const
{
    return m_clientCombo->count();
}

QStringList LaunchDialog::encounterIds() const
{
    QStringList ids;
    for (int index = 1; index < m_encounterCombo->count(); ++index)
        ids.append(m_encounterCombo->itemData(index).toString());
    return ids;
}

bool LaunchDialog::launch()
{
    if (!m_sandbox.server().isListening()) {
        showError(tr("The server is stopped, so the app could not reach it: start it first (Sandbox ▸ Start server)."));
        return false;
    }
    const QString clientId = m_clientCombo->currentData().toString();
    Result<std::optional<Client>> client = m_sandbox.clients().find(clientId);
    if (!client || !client.value()) {
        showError(client ? tr("The client is no longer registered.") : client.error().description);
        return false;
    }
    Result<Launch> created = m_sandbox.authorization().createLaunch(
        clientId, m_userCombo->currentData().toString(), m_patientCombo->currentData().toString(),
        m_encounterCombo->isEnabled() ? m_encounterCombo->currentData().toString() : QString());
    if (!created) {
        showError(created.error().description);
        return false;
    }
    const QString iss = m_sandbox.server().baseUrl() + u"/api/fhir"_s;
    m_launched = QUrl(AuthorizationService::launchUrl(*client.value(), iss, created.value().id));
    m_resultEdit->setText(m_launched.toString());
    m_resultEdit->setCursorPosition(0);
    if (!m_open(m_launched)) {
        showError(tr("No browser could be opened; copy the URL above into one."));
    } else {
        showError({});
    }
    Q_EMIT launched(m_launched);
    return true;
}
