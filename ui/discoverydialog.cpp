// SPDX-License-Identifier: Apache-2.0
#include "discoverydialog.h"

#include "sandbox.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

QListWidget *makeList(const QString &objectName, QWidget *parent)
{
    auto *list = new QListWidget(parent);
    list->setObjectName(objectName);
    return list;
}

// Ticked rows are what the document keeps; unticked ones are omitted.
QStringList unticked(const QListWidget *list)
{
    QStringList names;
    for (int row = 0; row < list->count(); ++row) {
        if (list->item(row)->checkState() == Qt::Unchecked)
            names.append(list->item(row)->text());
    }
    return names;
}

} // namespace

DiscoveryDialog::DiscoveryDialog(Sandbox &sandbox, QWidget *parent)
    : QDialog(parent),
      m_sandbox(sandbox),
      m_profileCombo(new QComboBox(this)),
      m_baseCombo(new QComboBox(this)),
      m_customWidget(new QWidget(this)),
      m_fieldsList(makeList(u"fieldsList"_s, m_customWidget)),
      m_capabilitiesList(makeList(u"capabilitiesList"_s, m_customWidget)),
      m_errorLabel(new QLabel(this))
{
    setObjectName(u"discoveryDialog"_s);
    setWindowTitle(tr("Discovery profile"));
    m_profileCombo->setObjectName(u"profileCombo"_s);
    m_profileCombo->addItem(tr("SMART App Launch 2 (everything)"), u"v2"_s);
    m_profileCombo->addItem(tr("SMART App Launch 1.0 names only"), u"v1"_s);
    m_profileCombo->addItem(tr("None: no smart-configuration (404)"), u"none"_s);
    m_profileCombo->addItem(tr("Custom: leave out fields and capabilities"), u"custom"_s);
    m_baseCombo->setObjectName(u"baseCombo"_s);
    m_baseCombo->addItem(tr("SMART App Launch 2"), u"v2"_s);
    m_baseCombo->addItem(tr("SMART App Launch 1.0"), u"v1"_s);
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->hide();

    auto *customLayout = new QFormLayout(m_customWidget);
    customLayout->setContentsMargins(0, 0, 0, 0);
    customLayout->addRow(tr("Start from"), m_baseCombo);
    auto *lists = new QHBoxLayout;
    auto *fieldsColumn = new QVBoxLayout;
    fieldsColumn->addWidget(new QLabel(tr("Fields served (untick to leave out)"), m_customWidget));
    fieldsColumn->addWidget(m_fieldsList);
    auto *capabilitiesColumn = new QVBoxLayout;
    capabilitiesColumn->addWidget(new QLabel(tr("Capabilities served"), m_customWidget));
    capabilitiesColumn->addWidget(m_capabilitiesList);
    lists->addLayout(fieldsColumn);
    lists->addLayout(capabilitiesColumn);
    customLayout->addRow(lists);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton *resetButton = buttons->addButton(tr("Back to &v2"), QDialogButtonBox::ResetRole);
    resetButton->setObjectName(u"resetProfileButton"_s);
    connect(resetButton, &QPushButton::clicked, this, [this] { setProfile(DiscoveryProfile{}); });
    connect(buttons, &QDialogButtonBox::accepted, this, &DiscoveryDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&Serve"), m_profileCombo);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("What /.well-known/smart-configuration says, so that an app's discovery "
                                    "fallbacks can be tested. The CapabilityStatement keeps its oauth-uris."),
                                 this));
    layout->addLayout(form);
    layout->addWidget(m_customWidget, 1);
    layout->addWidget(m_errorLabel);
    layout->addWidget(buttons);

    connect(m_profileCombo, &QComboBox::currentIndexChanged, this, &DiscoveryDialog::updateCustom);
    connect(m_baseCombo, &QComboBox::currentIndexChanged, this, [this] {
        const bool v1 = m_baseCombo->currentData() == u"v1"_s;
        fillLists(v1 ? DiscoveryProfile::v1Fields() : DiscoveryProfile::v2Fields(),
                  v1 ? DiscoveryProfile::v1Capabilities() : DiscoveryProfile::v2Capabilities(), DiscoveryProfile{});
    });
    Result<DiscoveryProfile> current = m_sandbox.discoveryProfile();
    setProfile(current ? current.value() : DiscoveryProfile{});
}

DiscoveryDialog::~DiscoveryDialog() = default;

void DiscoveryDialog::fillLists(const QStringList &fields, const QStringList &capabilities,
                                const DiscoveryProfile &profile)
{
    const auto fill = [](QListWidget *list, const QStringList &names, const QStringList &omitted) {
        list->clear();
        for (const QString &name : names) {
            auto *item = new QListWidgetItem(name, list);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            item->setCheckState(omitted.contains(name) ? Qt::Unchecked : Qt::Checked);
        }
    };
    fill(m_fieldsList, fields, profile.omitFields);
    fill(m_capabilitiesList, capabilities, profile.omitCapabilities);
}

void DiscoveryDialog::setProfile(const DiscoveryProfile &profile)
{
    const QJsonObject json = profile.toJson();
    {
        const QSignalBlocker blockBase(m_baseCombo);
        m_baseCombo->setCurrentIndex(m_baseCombo->findData(json.value(u"base"_s).toString(u"v2"_s)));
    }
    const bool v1 = profile.kind == DiscoveryProfile::Kind::Custom && profile.base == DiscoveryProfile::Kind::V1;
    fillLists(v1 ? DiscoveryProfile::v1Fields() : DiscoveryProfile::v2Fields(),
              v1 ? DiscoveryProfile::v1Capabilities() : DiscoveryProfile::v2Capabilities(), profile);
    m_profileCombo->setCurrentIndex(m_profileCombo->findData(profile.name()));
    updateCustom();
}

DiscoveryProfile DiscoveryDialog::profile() const
{
    const QString name = m_profileCombo->currentData().toString();
    QJsonObject json{{u"profile"_s, name}};
    if (name == u"custom"_s) {
        json.insert(u"base"_s, m_baseCombo->currentData().toString());
        json.insert(u"omit_fields"_s, QJsonArray::fromStringList(unticked(m_fieldsList)));
        json.insert(u"omit_capabilities"_s, QJsonArray::fromStringList(unticked(m_capabilitiesList)));
    }
    Result<DiscoveryProfile> parsed = DiscoveryProfile::fromJson(json);
    return parsed ? parsed.value() : DiscoveryProfile{};
}

void DiscoveryDialog::updateCustom()
{
    m_customWidget->setEnabled(m_profileCombo->currentData() == u"custom"_s);
}

bool DiscoveryDialog::apply()
{
    Status stored = m_sandbox.setDiscoveryProfile(profile());
    m_errorLabel->setVisible(!stored);
    if (!stored)
        m_errorLabel->setText(tr("The profile cannot be stored: %1").arg(stored.error().description));
    return bool(stored);
}

void DiscoveryDialog::accept()
{
    if (apply())
        QDialog::accept();
}
