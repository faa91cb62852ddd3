// SPDX-License-Identifier: Apache-2.0
#pragma once

// "EHR launch": what an EHR does when a clinician opens an app from a chart. Pick a client that
// registered a launch URL, a user, one of that user's patients and optionally one of the
// patient's encounters; the launch context is created through AuthorizationService::createLaunch
// (as POST /admin/launch does) and the browser opens <launch URL>?iss=<FHIR base>&launch=<id>.

#include "uihelpers.h"

#include <QDialog>
#include <QUrl>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class Sandbox;

class LaunchDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LaunchDialog)

public:
    explicit LaunchDialog(Sandbox &sandbox, QWidget *parent = nullptr);
    ~LaunchDialog() override;

    // Replaces the browser (tests capture the URL instead).
    void setUrlOpener(UiHelpers::UrlOpener opener) { m_open = std::move(opener); }

    bool selectClient(const QString &clientId);
    bool selectUser(const QString &username);
    bool selectPatient(const QString &patientId);
    // An empty id selects "no encounter".
    bool selectEncounter(const QString &encounterId);
    int clientCount() const;
    QStringList encounterIds() const;

    // Creates the launch and opens the browser; false (with the reason shown) when refused.
    bool launch();
    QUrl launchedUrl() const { return m_launched; }

Q_SIGNALS:
    void launched(const QUrl &url);

private:
    void loadClients();
    void loadUsers();
    void loadPatients();
    void loadEncounters();
    void clientChanged();
    void showError(const QString &message);

    Sandbox &m_sandbox;
    UiHelpers::UrlOpener m_open = UiHelpers::desktopUrlOpener();
    QComboBox *m_clientCombo;
    QLineEdit *m_launchUriEdit;
    QComboBox *m_userCombo;
    QComboBox *m_patientCombo;
    QComboBox *m_encounterCombo;
    QLabel *m_emptyLabel;
    QLabel *m_errorLabel;
    QLineEdit *m_resultEdit;
    QPushButton *m_launchButton;
    QUrl m_launched;
};
