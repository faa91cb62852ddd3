// SPDX-License-Identifier: Apache-2.0
#pragma once

// The main window: a server bar that is always visible (state, the URLs an app needs, the
// sandbox clock with time travel, start and stop), tabs for Traffic, Flows, Tokens, Clients, People and
// Faults, and the
// sandbox-wide actions (mint, reset, about).

#include "uihelpers.h"

#include <QMainWindow>

class ClientsPage;
class LaunchDialog;
class FaultsPage;
class FlowsPage;
class PeoplePage;
class SelfCheckDialog;
class QAction;
class QLabel;
class QLineEdit;
class QSettings;
class QTabWidget;
class QToolButton;
class Sandbox;
class SettingsDialog;
class TimeTravelWidget;
class TokensPage;
class TrafficPage;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(Sandbox &sandbox, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Replaces the question asked before destructive actions (tests answer it themselves).
    void setConfirmer(UiHelpers::Confirmer confirmer);

    QString baseUrl() const { return m_baseUrl; }
    QString fhirBaseUrl() const;
    QString smartConfigurationUrl() const;
    QString registerUrl() const;

    TrafficPage *trafficPage() const { return m_trafficPage; }
    TokensPage *tokensPage() const { return m_tokensPage; }
    ClientsPage *clientsPage() const { return m_clientsPage; }
    PeoplePage *peoplePage() const { return m_peoplePage; }
    FaultsPage *faultsPage() const { return m_faultsPage; }
    FlowsPage *flowsPage() const { return m_flowsPage; }
    QTabWidget *tabWidget() const { return m_tabs; }
    TimeTravelWidget *timeTravelWidget() const { return m_timeTravel; }

    // Asks, then returns the sandbox to its fixtures; false when declined or failed.
    bool resetSandbox();
    void toggleListening();
    void openMintDialog();
    // "Run self-check": the checks against the running server, in a dialog that shows the table.
    SelfCheckDialog *runSelfCheck();
    void openDiscoveryDialog();
    LaunchDialog *openLaunchDialog();
    SettingsDialog *openSettingsDialog();
    // Sandbox > Export/Import configuration: asks for a file (the chooser is replaceable for tests).
    bool exportConfiguration();
    bool importConfiguration();
    void setFileChoosers(UiHelpers::SaveFileChooser save, UiHelpers::OpenFileChooser open);
    void focusFilter();
    void showAbout();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *createServerBar();
    void createActions();
    void updateServerState();
    QString resetQuestion() const;

    Sandbox &m_sandbox;
    UiHelpers::Confirmer m_confirm = UiHelpers::messageBoxConfirmer();
    QString m_baseUrl;
    QTabWidget *m_tabs = nullptr;
    TrafficPage *m_trafficPage = nullptr;
    TokensPage *m_tokensPage = nullptr;
    ClientsPage *m_clientsPage = nullptr;
    PeoplePage *m_peoplePage = nullptr;
    FaultsPage *m_faultsPage = nullptr;
    FlowsPage *m_flowsPage = nullptr;
    QLabel *m_stateLabel = nullptr;
    TimeTravelWidget *m_timeTravel = nullptr;
    QLineEdit *m_fhirBaseEdit = nullptr;
    QLineEdit *m_smartConfigurationEdit = nullptr;
    QLineEdit *m_registerEdit = nullptr;
    QAction *m_startStopAction = nullptr;
    QAction *m_mintAction = nullptr;
    QAction *m_launchAction = nullptr;
    QAction *m_resetAction = nullptr;
    QAction *m_selfCheckAction = nullptr;
    UiHelpers::SaveFileChooser m_chooseSaveFile = UiHelpers::fileDialogSaveChooser();
    UiHelpers::OpenFileChooser m_chooseOpenFile = UiHelpers::fileDialogOpenChooser();
    QSettings *m_settings;
};
