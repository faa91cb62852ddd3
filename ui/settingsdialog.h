// SPDX-License-Identifier: Apache-2.0
#pragma once

// Settings: the server options (port, bind address, base URL, upstream FHIR URL, database, admin
// key, request log cap), kept with QSettings. Apply restarts the listener through
// Sandbox::reconfigure without losing clients, tokens or the request log; a different database
// is saved for the next start, and the dialog says so.

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSpinBox;
class Sandbox;

class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    // `settings` is where the options are saved; it must outlive the dialog.
    SettingsDialog(Sandbox &sandbox, QSettings &settings, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    // Checks the fields, applies them to the running sandbox and saves them; false (with the
    // reason shown) when a field is invalid or the new listener cannot start.
    bool apply();
    // What the dialog last said besides errors ("restarted on …", "the database changes at the
    // next start").
    QString notice() const;

    void accept() override;

Q_SIGNALS:
    void applied();

private:
    void load();
    void showError(const QString &message);

    Sandbox &m_sandbox;
    QSettings &m_settings;
    QSpinBox *m_portSpin;
    QLineEdit *m_bindEdit;
    QLineEdit *m_baseUrlEdit;
    QLineEdit *m_upstreamEdit;
    QLineEdit *m_databaseEdit;
    QLineEdit *m_adminKeyEdit;
    QSpinBox *m_logCapSpin;
    QLabel *m_noticeLabel;
    QLabel *m_errorLabel;
    QPushButton *m_applyButton;
};
