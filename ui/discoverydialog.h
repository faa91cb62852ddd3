// SPDX-License-Identifier: Apache-2.0
#pragma once

// "Discovery profile": which SMART discovery the sandbox serves (v2, v1, none, or a custom subset
// of fields and capabilities), set through the same Sandbox call as PUT /admin/discovery.

#include "oauth/discoveryprofile.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QListWidget;
class QWidget;
class Sandbox;

class DiscoveryDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiscoveryDialog)

public:
    explicit DiscoveryDialog(Sandbox &sandbox, QWidget *parent = nullptr);
    ~DiscoveryDialog() override;

    // What the fields say now.
    DiscoveryProfile profile() const;
    void setProfile(const DiscoveryProfile &profile);
    // Stores the profile; false (with the reason shown) when the sandbox refused.
    bool apply();

    void accept() override;

private:
    void updateCustom();
    void fillLists(const QStringList &fields, const QStringList &capabilities, const DiscoveryProfile &profile);

    Sandbox &m_sandbox;
    QComboBox *m_profileCombo;
    QComboBox *m_baseCombo;
    QWidget *m_customWidget;
    QListWidget *m_fieldsList;
    QListWidget *m_capabilitiesList;
    QLabel *m_errorLabel;
};
