// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include "clientmodel.h"
#include "clientspage.h"
#include "discoverydialog.h"
#include "faultspage.h"
#include "flowspage.h"
#include "launchdialog.h"
#include "mintdialog.h"
#include "peoplepage.h"
#include "sandbox.h"
#include "scenarios/configuration.h"
#include "scenariosmenu.h"
#include "selfcheckdialog.h"
#include "server/portalserver.h"
#include "server/requestlogentry.h"
#include "settingsdialog.h"
#include "statecolors.h"
#include "timetravelwidget.h"
#include "tokenmodel.h"
#include "tokenspage.h"
#include "trafficpage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

const auto s_geometryKey = "mainWindow/geometry"_L1;
const auto s_stateKey = "mainWindow/state"_L1;
const auto s_tabKey = "mainWindow/tab"_L1;

} // namespace

MainWindow::MainWindow(Sandbox &sandbox, QWidget *parent)
    : QMainWindow(parent),
      m_sandbox(sandbox),
      m_settings(new QSettings(UiHelpers::settingsOrganization(), QCoreApplication::applicationName(), this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("SMART Sandbox"));
    setWindowIcon(UiHelpers::applicationIcon());

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"tabWidget"_s);
    m_tabs->setDocumentMode(true);
    m_trafficPage = new TrafficPage(sandbox, m_tabs);
    m_tokensPage = new TokensPage(sandbox, m_tabs);
    m_clientsPage = new ClientsPage(sandbox, m_tabs);
    m_peoplePage = new PeoplePage(sandbox, m_tabs);
    m_faultsPage = new FaultsPage(sandbox, m_tabs);
    m_flowsPage = new FlowsPage(sandbox, m_tabs);
    m_tabs->addTab(m_trafficPage, tr("&Traffic"));
    m_tabs->addTab(m_flowsPage, tr("F&lows"));
    m_tabs->addTab(m_tokensPage, tr("T&okens"));
    m_tabs->addTab(m_clientsPage, tr("&Clients"));
    m_tabs->addTab(m_peoplePage, tr("&People and data"));
    m_tabs->addTab(m_faultsPage, tr("&Faults"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(createServerBar());
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    createActions();

    connect(&sandbox.server(), &PortalServer::listeningChanged, this, &MainWindow::updateServerState);
    connect(m_clientsPage->model(), &ClientModel::clientArrived, this, [this](const Client &client) {
        statusBar()->showMessage(tr("Client \"%1\" registered over HTTP (%2)")
                                     .arg(client.name.isEmpty() ? client.id : client.name, client.id),
                                 8000);
    });
    connect(m_trafficPage, &TrafficPage::reported, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    connect(m_flowsPage, &FlowsPage::exchangeRequested, this, [this](const RequestLogEntry &entry) {
        if (m_trafficPage->showExchange(entry.sequence))
            m_tabs->setCurrentWidget(m_trafficPage);
        else
            statusBar()->showMessage(tr("That exchange is no longer in the Traffic table."), 8000);
    });
    connect(m_clientsPage, &ClientsPage::reported, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    connect(m_faultsPage, &FaultsPage::reported, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    connect(m_timeTravel, &TimeTravelWidget::travelled, this, [this](qint64 offsetMs) {
        statusBar()->showMessage(
            offsetMs == 0
                ? tr("The sandbox clock is back to real time.")
                : tr("The sandbox clock now runs %1 from real time.").arg(TimeTravelWidget::offsetText(offsetMs)),
            8000);
    });
    connect(&sandbox, &Sandbox::resetDone, this,
            [this] { statusBar()->showMessage(tr("The sandbox is back to its sample data."), 8000); });
    updateServerState();

    resize(1280, 800);
    const QSettings settings(UiHelpers::settings());
    restoreGeometry(settings.value(s_geometryKey).toByteArray());
    restoreState(settings.value(s_stateKey).toByteArray());
    m_tabs->setCurrentIndex(qBound(0, settings.value(s_tabKey, 0).toInt(), m_tabs->count() - 1));
}

MainWindow::~MainWindow() = default;

void MainWindow::setConfirmer(UiHelpers::Confirmer confirmer)
{
    m_confirm = confirmer;
    m_trafficPage->setConfirmer(confirmer);
    m_tokensPage->setConfirmer(confirmer);
    m_faultsPage->setConfirmer(confirmer);
    m_clientsPage->setConfirmer(std::move(confirmer));
}

QString MainWindow::fhirBaseUrl() const
{
    return m_baseUrl + u"/api/fhir"_s;
}

QString MainWindow::smartConfigurationUrl() const
{
    return m_baseUrl + u"/api/fhir/.well-known/smart-configuration"_s;
}

QString MainWindow::registerUrl() const
{
    return m_baseUrl + u"/oauth/register"_s;
}

QWidget *MainWindow::createServerBar()
{
    auto *bar = new QWidget(this);
    bar->setObjectName(u"serverBarWidget"_s);
    bar->setAutoFillBackground(true);
    bar->setBackgroundRole(QPalette::AlternateBase);
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(10, 6, 10, 6);

    m_stateLabel = new QLabel(bar);
    m_stateLabel->setObjectName(u"stateLabel"_s);
    QFont bold = m_stateLabel->font();
    bold.setBold(true);
    m_stateLabel->setFont(bold);
    layout->addWidget(m_stateLabel);
    layout->addSpacing(12);

    const auto addUrl = [&](const QString &caption, const QString &name, const QString &toolTip,
                            QString (MainWindow::*url)() const, int stretch) {
        auto *label = new QLabel(caption, bar);
        auto *edit = new QLineEdit(bar);
        edit->setObjectName(name + u"Edit"_s);
        edit->setReadOnly(true);
        edit->setToolTip(toolTip);
        edit->setMinimumWidth(edit->fontMetrics().horizontalAdvance(u"http://127.0.0.1:9000/api/fhir"_s) + 16);
        label->setBuddy(edit);
        layout->addWidget(label);
        layout->addWidget(edit, stretch);
        layout->addWidget(UiHelpers::makeCopyButton(
            u"copy"_s + name.at(0).toUpper() + name.mid(1) + u"Button"_s, tr("Copy %1").arg(toolTip),
            [this, url] { return (this->*url)(); }, bar));
        layout->addSpacing(8);
        return edit;
    };
    m_fhirBaseEdit = addUrl(tr("FHIR base"), u"fhirBase"_s, tr("the FHIR base URL an app is given as iss"),
                            &MainWindow::fhirBaseUrl, 2);
    m_smartConfigurationEdit = addUrl(tr("SMART configuration"), u"smartConfiguration"_s,
                                      tr("the SMART discovery document (.well-known/smart-configuration)"),
                                      &MainWindow::smartConfigurationUrl, 3);
    m_registerEdit = addUrl(tr("Register"), u"register"_s, tr("the dynamic client registration endpoint (RFC 7591)"),
                            &MainWindow::registerUrl, 2);
    m_timeTravel = new TimeTravelWidget(m_sandbox.clock(), bar);
    layout->addWidget(m_timeTravel);
    return bar;
}

void MainWindow::createActions()
{
    m_startStopAction = new QAction(this);
    m_startStopAction->setObjectName(u"startStopAction"_s);
    connect(m_startStopAction, &QAction::triggered, this, &MainWindow::toggleListening);

    m_mintAction = new QAction(QIcon::fromTheme(u"list-add"_s), tr("&Mint token…"), this);
    m_mintAction->setObjectName(u"mintAction"_s);
    m_mintAction->setShortcut(Qt::CTRL | Qt::Key_T);
    m_mintAction->setToolTip(tr("Mint a token for any client, user and patient (Ctrl+T)"));
    connect(m_mintAction, &QAction::triggered, this, &MainWindow::openMintDialog);

    m_launchAction = new QAction(QIcon::fromTheme(u"internet-web-browser"_s), tr("EHR l&aunch…"), this);
    m_launchAction->setObjectName(u"launchAction"_s);
    m_launchAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_L);
    m_launchAction->setToolTip(
        tr("Open an app in the browser as an EHR would, with a chosen user, patient and encounter (Ctrl+Shift+L)"));
    connect(m_launchAction, &QAction::triggered, this, [this] { (void)openLaunchDialog(); });

    m_resetAction = new QAction(QIcon::fromTheme(u"edit-clear-all"_s), tr("&Reset…"), this);
    m_resetAction->setObjectName(u"resetAction"_s);
    m_resetAction->setToolTip(tr("Return to the sample clients, users and patients"));
    connect(m_resetAction, &QAction::triggered, this, [this] { (void)resetSandbox(); });

    m_selfCheckAction = new QAction(QIcon::fromTheme(u"dialog-ok"_s), tr("Run self-chec&k"), this);
    m_selfCheckAction->setObjectName(u"selfCheckAction"_s);
    m_selfCheckAction->setToolTip(tr("Check the running server's authorization and FHIR endpoints as an app would"));
    connect(m_selfCheckAction, &QAction::triggered, this, [this] { (void)runSelfCheck(); });

    auto *discoveryAction = new QAction(tr("&Discovery profile…"), this);
    discoveryAction->setObjectName(u"discoveryAction"_s);
    discoveryAction->setToolTip(tr("Serve SMART 2, SMART 1.0, no or a partial smart-configuration"));
    connect(discoveryAction, &QAction::triggered, this, &MainWindow::openDiscoveryDialog);
    auto *settingsAction = new QAction(QIcon::fromTheme(u"preferences-system"_s), tr("Settin&gs…"), this);
    settingsAction->setObjectName(u"settingsAction"_s);
    settingsAction->setShortcut(QKeySequence::Preferences);
    settingsAction->setMenuRole(QAction::PreferencesRole);
    settingsAction->setToolTip(tr("Port, bind address, base URL, upstream FHIR server, database, admin key, log cap"));
    connect(settingsAction, &QAction::triggered, this, [this] { (void)openSettingsDialog(); });

    auto *exportAction = new QAction(tr("E&xport configuration…"), this);
    exportAction->setObjectName(u"exportConfigurationAction"_s);
    exportAction->setToolTip(tr("Save clients, people, fault rules, discovery profile and scenarios to a JSON file"));
    connect(exportAction, &QAction::triggered, this, [this] { (void)exportConfiguration(); });
    auto *importAction = new QAction(tr("Import config&uration…"), this);
    importAction->setObjectName(u"importConfigurationAction"_s);
    importAction->setToolTip(tr("Replace clients, people, fault rules, discovery profile and scenarios with a "
                                "JSON file written by Export configuration"));
    connect(importAction, &QAction::triggered, this, [this] { (void)importConfiguration(); });

    auto *findAction = new QAction(tr("Fin&d"), this);
    findAction->setObjectName(u"findAction"_s);
    findAction->setShortcut(QKeySequence::Find);
    connect(findAction, &QAction::triggered, this, &MainWindow::focusFilter);

    auto *quitAction = new QAction(QIcon::fromTheme(u"application-exit"_s), tr("&Quit"), this);
    quitAction->setObjectName(u"quitAction"_s);
    quitAction->setShortcut(QKeySequence::Quit);
    quitAction->setMenuRole(QAction::QuitRole);
    connect(quitAction, &QAction::triggered, this, &QWidget::close);

    auto *aboutAction = new QAction(tr("&About SMART Sandbox"), this);
    aboutAction->setObjectName(u"aboutAction"_s);
    aboutAction->setMenuRole(QAction::AboutRole);
    connect(aboutAction, &QAction::triggered, this, &MainWindow::showAbout);

    QMenu *sandboxMenu = menuBar()->addMenu(tr("&Sandbox"));
    sandboxMenu->addAction(m_startStopAction);
    sandboxMenu->addAction(m_mintAction);
    sandboxMenu->addAction(m_launchAction);
    sandboxMenu->addSeparator();
    sandboxMenu->addAction(discoveryAction);
    sandboxMenu->addAction(m_selfCheckAction);
    sandboxMenu->addSeparator();
    sandboxMenu->addAction(exportAction);
    sandboxMenu->addAction(importAction);
    sandboxMenu->addSeparator();
    sandboxMenu->addAction(m_resetAction);
    sandboxMenu->addAction(settingsAction);
    sandboxMenu->addSeparator();
    sandboxMenu->addAction(quitAction);
    QMenu *editMenu = menuBar()->addMenu(tr("&Edit"));
    editMenu->addAction(findAction);
    menuBar()->addMenu(m_timeTravel->menu());
    menuBar()->addMenu(new ScenariosMenu(m_sandbox, this));
    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(aboutAction);

    QToolBar *toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName(u"mainToolBar"_s);
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->addAction(m_startStopAction);
    toolBar->addAction(m_mintAction);
    toolBar->addAction(m_launchAction);
    toolBar->addAction(m_resetAction);
}

void MainWindow::setFileChoosers(UiHelpers::SaveFileChooser save, UiHelpers::OpenFileChooser open)
{
    m_chooseSaveFile = std::move(save);
    m_chooseOpenFile = std::move(open);
}

bool MainWindow::exportConfiguration()
{
    const QString path = m_chooseSaveFile(this, tr("Export configuration"), u"sandbox-configuration.json"_s,
                                          tr("JSON files (*.json)"));
    if (path.isEmpty())
        return false;
    Result<QJsonObject> exported = Configuration::exportToFile(m_sandbox, path);
    if (!exported)
        QMessageBox::warning(this, tr("Export configuration"), exported.error().description);
    return exported.ok();
}

bool MainWindow::importConfiguration()
{
    const QString path = m_chooseOpenFile(this, tr("Import configuration"), tr("JSON files (*.json)"));
    if (path.isEmpty()
        || !m_confirm(this, tr("Import configuration"),
                      tr("Replace every client, user, patient, fault rule and scenario with the contents of %1? "
                         "Signed-in sessions and issued tokens end.")
                          .arg(path),
                      tr("Import")))
        return false;
    Result<QJsonObject> imported = Configuration::importFromFile(m_sandbox, path);
    if (!imported)
        QMessageBox::warning(this, tr("Import configuration"), imported.error().description);
    return imported.ok();
}

void MainWindow::updateServerState()
{
    const PortalServer &server = m_sandbox.server();
    const bool listening = server.isListening();
    if (listening)
        m_baseUrl = server.baseUrl();
    QPalette palette = m_stateLabel->palette();
    palette.setColor(QPalette::WindowText, listening ? StateColors::good() : StateColors::bad());
    m_stateLabel->setPalette(palette);
    m_stateLabel->setText(listening ? tr("● Running") : tr("● Stopped"));
    m_stateLabel->setToolTip(listening ? tr("Listening on %1").arg(m_baseUrl) : tr("Not listening; start the server"));
    m_startStopAction->setText(listening ? tr("Stop ser&ver") : tr("Start ser&ver"));
    m_startStopAction->setIcon(QIcon::fromTheme(listening ? u"media-playback-stop"_s : u"media-playback-start"_s));
    m_selfCheckAction->setEnabled(listening);
    m_fhirBaseEdit->setText(fhirBaseUrl());
    m_smartConfigurationEdit->setText(smartConfigurationUrl());
    m_registerEdit->setText(registerUrl());
    for (QLineEdit *edit : {m_fhirBaseEdit, m_smartConfigurationEdit, m_registerEdit})
        edit->setCursorPosition(0);
    m_trafficPage->setBaseUrl(m_baseUrl);
    m_tokensPage->setBaseUrl(m_baseUrl);
    m_clientsPage->setBaseUrl(m_baseUrl);
    m_peoplePage->setBaseUrl(m_baseUrl);
    setWindowTitle(listening ? tr("SMART Sandbox — %1").arg(m_baseUrl) : tr("SMART Sandbox (stopped)"));
}

void MainWindow::toggleListening()
{
    if (m_sandbox.server().isListening()) {
        m_sandbox.stop();
        return;
    }
    if (Result<quint16> port = m_sandbox.start(); !port)
        QMessageBox::warning(this, tr("Start server"),
                             tr("The server cannot listen: %1").arg(port.error().description));
}

void MainWindow::openMintDialog()
{
    auto *dialog = new MintDialog(m_sandbox, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &MintDialog::tokenMinted, this, [this](const TokenView &token) {
        m_tokensPage->selectToken(token.token.id);
        m_tabs->setCurrentWidget(m_tokensPage);
    });
    dialog->show();
}

SelfCheckDialog *MainWindow::runSelfCheck()
{
    auto *dialog = new SelfCheckDialog(QUrl(m_sandbox.server().baseUrl()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    dialog->run();
    return dialog;
}

void MainWindow::openDiscoveryDialog()
{
    auto *dialog = new DiscoveryDialog(m_sandbox, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        statusBar()->showMessage(tr("Discovery profile: %1").arg(dialog->profile().name()), 8000);
    });
    dialog->show();
}

LaunchDialog *MainWindow::openLaunchDialog()
{
    auto *dialog = new LaunchDialog(m_sandbox, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &LaunchDialog::launched, this,
            [this](const QUrl &url) { statusBar()->showMessage(tr("Opened %1").arg(url.toString()), 8000); });
    dialog->show();
    return dialog;
}

SettingsDialog *MainWindow::openSettingsDialog()
{
    if (auto *open = findChild<SettingsDialog *>(); open) {
        open->raise();
        open->activateWindow();
        return open;
    }
    auto *dialog = new SettingsDialog(m_sandbox, *m_settings, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::applied, this,
            [this] { statusBar()->showMessage(tr("Settings applied; clients, tokens and the log are kept."), 8000); });
    dialog->show();
    return dialog;
}

QString MainWindow::resetQuestion() const
{
    int added = 0;
    const ClientModel *clients = m_clientsPage->model();
    for (int row = 0; row < clients->rowCount(); ++row)
        added += clients->client(row).origin != "fixture"_L1 ? 1 : 0;
    const int tokens = m_tokensPage->model()->rowCount();
    return tr("Reset returns the sandbox to its sample clients, users and patients. This is lost:") + u"\n\n• "_s
        + tr("%n client(s) registered or changed since the start", nullptr, added) + u"\n• "_s
        + tr("%n token(s), with the approvals they were issued under", nullptr, tokens) + u"\n\n"_s
        + tr("The request log is kept.");
}

bool MainWindow::resetSandbox()
{
    if (!m_confirm(this, tr("Reset the sandbox"), resetQuestion(), tr("Reset")))
        return false;
    if (Status status = m_sandbox.reset(); !status) {
        QMessageBox::critical(this, tr("Reset"), tr("The reset failed: %1").arg(status.error().description));
        return false;
    }
    return true;
}

void MainWindow::focusFilter()
{
    QLineEdit *edit = nullptr;
    if (m_tabs->currentWidget() == m_trafficPage)
        edit = m_trafficPage->filterEdit();
    else if (m_tabs->currentWidget() == m_tokensPage)
        edit = m_tokensPage->filterEdit();
    else if (m_tabs->currentWidget() == m_clientsPage)
        edit = m_clientsPage->filterEdit();
    else if (m_tabs->currentWidget() == m_peoplePage)
        edit = m_peoplePage->filterEdit();
    if (!edit)
        return;
    edit->setFocus(Qt::ShortcutFocusReason);
    edit->selectAll();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About SMART Sandbox"),
        tr("<h3>SMART Sandbox %1</h3>"
           "<p>A local SMART on FHIR server for developing and testing apps: an OAuth 2 authorization server, "
           "FHIR R4 endpoints and a live view of every request.</p>"
           "<p>Built with Qt %2. Licensed under the Apache License 2.0.</p>")
            .arg(QStringLiteral(SANDBOX_VERSION), QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings(UiHelpers::settings());
    settings.setValue(s_geometryKey, saveGeometry());
    settings.setValue(s_stateKey, saveState());
    settings.setValue(s_tabKey, m_tabs->currentIndex());
    QMainWindow::closeEvent(event);
}
