// SPDX-License-Identifier: Apache-2.0
// smart-sandbox: parses the command line, opens the sandbox and runs it, with windows or without.

#include "commandline.h"
#include "configcommand.h"
#include "importcommand.h"
#include "mainwindow.h"
#include "oauth/token.h"
#include "sandbox.h"
#include "scenarios/scenariostore.h"
#include "selfcheckcommand.h"
#include "server/portalserver.h"
#include "server/requestlog.h"
#include "serversettings.h"
#include "signalwatcher.h"
#include "storage/database.h"
#include "uihelpers.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QLocale>
#include <QMessageBox>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

void printLine(FILE *stream, const QString &text)
{
    std::fputs(qUtf8Printable(text + u'\n'), stream);
    std::fflush(stream);
}

// Whether a window can be shown: on X11 and Wayland desktops only when a display is named (or
// the platform is chosen explicitly, as with QT_QPA_PLATFORM=offscreen); elsewhere always.
bool displayAvailable()
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
#else
    return true;
#endif
}

QStringList argumentsOf(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

} // namespace

int main(int argc, char *argv[])
{
    // The command line decides whether this is a GUI application, so it is read before one exists;
    // it is read again once the translator is in place, so that --help speaks the chosen language.
    const QStringList arguments = argumentsOf(argc, argv);
    CommandLine commandLine = CommandLine::parse(arguments);
    const bool gui = commandLine.outcome == CommandLine::Outcome::Run && !commandLine.headless
        && commandLine.importFiles.isEmpty() && !commandLine.selfCheck && commandLine.exportConfig.isEmpty()
        && commandLine.importConfig.isEmpty() && displayAvailable();
    std::unique_ptr<QCoreApplication> app
        = gui ? std::make_unique<QApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(u"smart-sandbox"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(SANDBOX_VERSION));
    if (!commandLine.language.isEmpty())
        QLocale::setDefault(QLocale(commandLine.language)); // dates and numbers follow --lang too
    UiHelpers::installTranslator(commandLine.language);
    commandLine = CommandLine::parse(arguments);
    if (gui) {
        QGuiApplication::setApplicationDisplayName(QCoreApplication::translate("main", "SMART Sandbox"));
        QGuiApplication::setWindowIcon(UiHelpers::applicationIcon());
    }

    switch (commandLine.outcome) {
    case CommandLine::Outcome::ShowHelp:
    case CommandLine::Outcome::ShowVersion: printLine(stdout, commandLine.text.trimmed()); return ExitOk;
    case CommandLine::Outcome::Error:
        printLine(stderr, u"smart-sandbox: error: %1"_s.arg(commandLine.text));
        printLine(stderr, u"Try 'smart-sandbox --help'."_s);
        return ExitUsage;
    case CommandLine::Outcome::Run: break;
    }
    if (commandLine.selfCheck)
        return runSelfCheck(commandLine.selfCheckUrl, commandLine.options);
    const bool oneShot = !commandLine.importFiles.isEmpty() || !commandLine.exportConfig.isEmpty()
        || !commandLine.importConfig.isEmpty();
    if (!commandLine.headless && !gui && !oneShot)
        printLine(
            stdout,
            u"No display found ($DISPLAY and $WAYLAND_DISPLAY are unset); running headless (as with --headless)."_s);

    // In GUI mode a startup error is also shown in a box; the stderr line and exit code stay the same.
    const auto fail = [gui](const QString &message, int code) {
        printLine(stderr, u"smart-sandbox: error: "_s + message);
        if (gui)
            QMessageBox::critical(nullptr, QCoreApplication::translate("main", "SMART Sandbox cannot start"), message);
        return code;
    };

    // The windowed app starts with what its Settings dialog saved, under the command line's options.
    SandboxOptions options = commandLine.options;
    if (gui)
        ServerSettings::load(UiHelpers::settings(), options, commandLine.givenOptions);
    Sandbox sandbox(options);
    if (Status opened = sandbox.open(); !opened)
        return fail(opened.error().description, opened.error().code == u"log_file"_s ? ExitLogFile : ExitDatabase);
    if (!commandLine.importFiles.isEmpty())
        return runImport(sandbox, commandLine.importFiles);
    if (!commandLine.exportConfig.isEmpty())
        return runExportConfig(sandbox, commandLine.exportConfig);
    if (!commandLine.importConfig.isEmpty())
        return runImportConfig(sandbox, commandLine.importConfig);
    Result<quint16> port = sandbox.start();
    if (!port)
        return fail(port.error().description, ExitNetwork);

    // Watched before the startup lines go out: a supervisor (or a test) that reads them may
    // send SIGTERM at once, and must get a clean stop rather than the default termination.
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::stopRequested, app.get(), [] { QCoreApplication::quit(); });
    const QString base = sandbox.server().baseUrl();
    printLine(
        stdout,
        u"SMART Sandbox %1 listening on %2"_s.arg(QStringLiteral(SANDBOX_VERSION), sandbox.server().listenerUrl()));
    if (base != sandbox.server().listenerUrl())
        printLine(stdout, u"  base url  %1"_s.arg(base));
    printLine(stdout, u"  instance  %1"_s.arg(sandbox.requestLog().instance()));
    printLine(stdout,
              u"  database  %1%2"_s.arg(sandbox.database().location().displayName(),
                                        sandbox.database().isReadOnly()
                                            ? u" (read-only: answers reads, refuses changes with 503)"_s
                                            : QString()));
    if (&sandbox.requestLogDatabase() != &sandbox.database())
        printLine(stdout, u"  log       %1"_s.arg(sandbox.requestLogDatabase().location().displayName()));
    if (!sandbox.tlsCertificateFile().isEmpty())
        printLine(stdout, u"  tls cert  %1"_s.arg(sandbox.tlsCertificateFile()));
    printLine(stdout, u"  register  POST %1/oauth/register"_s.arg(base));
    printLine(stdout, u"  token     POST %1/oauth/debug/token"_s.arg(base));
    printLine(stdout, u"  status    GET  %1/admin/status"_s.arg(base));
    printLine(stdout, gui ? u"Close the window or press Ctrl+C to stop."_s : u"Press Ctrl+C to stop."_s);

    std::unique_ptr<MainWindow> window;
    if (gui) {
        window = std::make_unique<MainWindow>(sandbox);
        window->show();
    }
    if (!commandLine.scenario.isEmpty()) {
        Result<ScenarioLaunch> launched
            = sandbox.scenarios().launch(commandLine.scenario, sandbox.server().urls().fhirBase);
        if (!launched) {
            window.reset();
            sandbox.stop();
            return fail(u"Cannot launch scenario \"%1\": %2"_s.arg(commandLine.scenario, launched.error().description),
                        ExitScenario);
        }
        if (launched.value().launchUrl.isEmpty())
            printLine(stdout,
                      u"launch: (client %1 registered no launch_uri) iss=%2 launch=%3"_s.arg(
                          launched.value().clientId, launched.value().iss, launched.value().launchId));
        else
            printLine(stdout, u"launch: "_s + launched.value().launchUrl);
        if (gui && !launched.value().launchUrl.isEmpty())
            QDesktopServices::openUrl(QUrl(launched.value().launchUrl));
    }
    const int code = QCoreApplication::exec();
    window.reset();
    sandbox.stop();
    return code;
}
