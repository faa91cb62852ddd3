// SPDX-License-Identifier: Apache-2.0
#include "settingsdialog.h"

#include "sandbox.h"
#include "server/portalserver.h"
#include "serversettings.h"
#include "statecolors.h"
#include "storage/database.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::StringLiterals;

SettingsDialog::SettingsDialog(Sandbox &sandbox, QSettings &settings, QWidget *parent)
    : QDialog(parent),
      m_sandbox(sandbox),
      m_settings(settings),
      m_portSpin(new QSpinBox(this)),
      m_bindEdit(new QLineEdit(this)),
      m_baseUrlEdit(new QLineEdit(this)),
      m_upstreamEdit(new QLineEdit(this)),
      m_databaseEdit(new QLineEdit(this)),
      m_adminKeyEdit(new QLineEdit(this)),
      m_logCapSpin(new QSpinBox(this)),
      m_noticeLabel(new QLabel(this)),
      m_errorLabel(new QLabel(this)),
      m_applyButton(nullptr)
{
    setObjectName(u"settingsDialog"_s);
    setWindowTitle(tr("Settings"));
    m_portSpin->setObjectName(u"portSpin"_s);
    m_portSpin->setRange(0, 65535);
    m_portSpin->setSpecialValueText(tr("any free port"));
    m_portSpin->setToolTip(tr("The port the server listens on (--port); 0 picks a free one"));
    m_bindEdit->setObjectName(u"bindEdit"_s);
    m_bindEdit->setToolTip(tr("The address to listen on (--bind): 127.0.0.1 keeps the sandbox to this computer"));
    m_baseUrlEdit->setObjectName(u"baseUrlEdit"_s);
    m_baseUrlEdit->setPlaceholderText(tr("empty: each request's Host"));
    m_baseUrlEdit->setToolTip(tr("The public origin written into every URL the server gives out (--base-url)"));
    m_upstreamEdit->setObjectName(u"upstreamEdit"_s);
    m_upstreamEdit->setPlaceholderText(tr("empty: the built-in FHIR data"));
    m_upstreamEdit->setToolTip(
        tr("Serve /api/fhir from this FHIR server, with the sandbox's access control (--upstream)"));
    m_databaseEdit->setObjectName(u"databaseEdit"_s);
    m_databaseEdit->setToolTip(tr("A SQLite file, :memory: or a postgresql:// URL (--db); used from the next start"));
    m_adminKeyEdit->setObjectName(u"adminKeyEdit"_s);
    m_adminKeyEdit->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_adminKeyEdit->setPlaceholderText(tr("empty: admin endpoints on loopback only"));
    m_adminKeyEdit->setToolTip(tr("Require this key on the admin endpoints, and allow them off loopback (--admin-key); "
                                  "at least 8 characters"));
    m_logCapSpin->setObjectName(u"logCapSpin"_s);
    m_logCapSpin->setRange(1, 100'000'000);
    m_logCapSpin->setToolTip(tr("Keep at most this many exchanges in the request log (--log-cap)"));
    m_noticeLabel->setObjectName(u"noticeLabel"_s);
    m_noticeLabel->setWordWrap(true);
    m_noticeLabel->hide();
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    QPalette palette = m_errorLabel->palette();
    palette.setColor(QPalette::WindowText, StateColors::bad());
    m_errorLabel->setPalette(palette);
    m_errorLabel->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Port:"), m_portSpin);
    form->addRow(tr("&Bind address:"), m_bindEdit);
    form->addRow(tr("Base &URL:"), m_baseUrlEdit);
    form->addRow(tr("Up&stream FHIR URL:"), m_upstreamEdit);
    form->addRow(tr("&Database:"), m_databaseEdit);
    form->addRow(tr("&Admin key:"), m_adminKeyEdit);
    form->addRow(tr("Request &log cap:"), m_logCapSpin);
    auto *note = new QLabel(tr("Options given on the command line win over these at the next start."), this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);

    auto *buttons
        = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);
    m_applyButton = buttons->button(QDialogButtonBox::Apply);
    m_applyButton->setObjectName(u"applyButton"_s);
    m_applyButton->setToolTip(tr("Save and restart the listener; clients, tokens and the request log stay"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(u"okButton"_s);
    connect(m_applyButton, &QPushButton::clicked, this, [this] { (void)apply(); });
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_noticeLabel);
    layout->addWidget(m_errorLabel);
    layout->addStretch(1);
    layout->addWidget(buttons);
    load();
    resize(560, sizeHint().height());
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::load()
{
    const SandboxOptions &options = m_sandbox.options();
    // With --port 0 the listener's actual port is the one to keep.
    const bool anyPort = options.port == 0 && m_sandbox.server().isListening();
    m_portSpin->setValue(anyPort ? m_sandbox.server().port() : options.port);
    m_bindEdit->setText(options.bindAddress.toString());
    m_baseUrlEdit->setText(options.baseUrl);
    m_upstreamEdit->setText(options.upstream);
    // A database saved for the next start is what the field shows.
    const QString saved = m_settings.value(u"server/database"_s).toString();
    m_databaseEdit->setText(saved.isEmpty() ? options.database : saved);
    m_adminKeyEdit->setText(options.adminKey);
    m_logCapSpin->setValue(int(qMin<qint64>(options.logCap, m_logCapSpin->maximum())));
}

QString SettingsDialog::notice() const
{
    return m_noticeLabel->isHidden() ? QString() : m_noticeLabel->text();
}

void SettingsDialog::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->setVisible(!message.isEmpty());
}

bool SettingsDialog::apply()
{
    SandboxOptions options = m_sandbox.options();
    options.port = quint16(m_portSpin->value());
    const QString bind = m_bindEdit->text().trimmed();
    if (bind == "localhost"_L1) {
        options.bindAddress = QHostAddress::LocalHost;
    } else if (!options.bindAddress.setAddress(bind)) {
        showError(tr("The bind address must be an IP address such as 127.0.0.1 or ::1."));
        return false;
    }
    for (auto [edit, target] :
         {std::pair{m_baseUrlEdit, &options.baseUrl}, std::pair{m_upstreamEdit, &options.upstream}}) {
        const QString text = edit->text().trimmed();
        if (text.isEmpty()) {
            target->clear();
            continue;
        }
        Result<QString> normalized = Sandbox::normalizeBaseUrl(text);
        if (!normalized) {
            showError(tr("%1 must be an absolute http or https URL without query or fragment, not \"%2\".")
                          .arg(edit == m_baseUrlEdit ? tr("The base URL") : tr("The upstream FHIR URL"), text));
            return false;
        }
        *target = normalized.value();
    }
    options.adminKey = m_adminKeyEdit->text();
    if (!options.adminKey.isEmpty() && options.adminKey.size() < 8) {
        showError(tr("The admin key must be at least 8 characters long, or empty."));
        return false;
    }
    const QString database = m_databaseEdit->text().trimmed();
    if (Result<DatabaseLocation> location = DatabaseLocation::parse(database); database.isEmpty() || !location) {
        showError(database.isEmpty() ? tr("The database needs a file name, :memory: or a postgresql:// URL.")
                                     : location.error().description);
        return false;
    }
    options.logCap = m_logCapSpin->value();

    Result<quint16> port = m_sandbox.reconfigure(options);
    if (!port) {
        showError(tr("The server cannot listen with these settings, so it keeps the previous ones: %1")
                      .arg(port.error().description));
        return false;
    }
    showError({});
    SandboxOptions saved = m_sandbox.options();
    saved.database = database;
    ServerSettings::save(m_settings, saved);

    QStringList notes;
    if (m_sandbox.server().isListening())
        notes.append(tr("Listening on %1.").arg(m_sandbox.server().baseUrl()));
    if (database != m_sandbox.options().database)
        notes.append(
            tr("The database changes to %1 at the next start; until then this one stays in use.").arg(database));
    m_noticeLabel->setText(notes.join(u' '));
    m_noticeLabel->setVisible(!notes.isEmpty());
    Q_EMIT applied();
    return true;
}

void SettingsDialog::accept()
{
    if (apply())
        QDialog::accept();
}
