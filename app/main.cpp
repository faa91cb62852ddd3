// SPDX-License-Identifier: Apache-2.0
// smart-sandbox: parses the command line, opens the sandbox and runs it, with windows or without.

#include "commandline.h"
#include "sandbox.h"
#include "server/portalserver.h"
#include "signalwatcher.h"
#include "storage/database.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

void printLine(FILE *stream, const QString &text)
{
    std::fputs(qUtf8Printable(text + u'\n'), stream);
    std::fflush(stream);
}

int fail(const QString &message, int code)
{
    printLine(stderr, u"smart-sandbox: error: "_s + message);
    return code;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"smart-sandbox"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(SANDBOX_VERSION));

    const CommandLine commandLine = CommandLine::parse(QCoreApplication::arguments());
    switch (commandLine.outcome) {
    case CommandLine::Outcome::ShowHelp:
    case CommandLine::Outcome::ShowVersion: printLine(stdout, commandLine.text.trimmed()); return ExitOk;
    case CommandLine::Outcome::Error:
        printLine(stderr, u"smart-sandbox: error: %1"_s.arg(commandLine.text));
        printLine(stderr, u"Try 'smart-sandbox --help'."_s);
        return ExitUsage;
    case CommandLine::Outcome::Run: break;
    }
    if (!commandLine.headless)
        printLine(stdout, u"The SMART Sandbox window is not built yet; running headless (as with --headless)."_s);

    Sandbox sandbox(commandLine.options);
    if (Status opened = sandbox.open(); !opened)
        return fail(opened.error().description, opened.error().code == u"log_file"_s ? ExitLogFile : ExitDatabase);
    Result<quint16> port = sandbox.start();
    if (!port)
        return fail(port.error().description, ExitNetwork);

    const QString base = sandbox.server().baseUrl();
    printLine(stdout, u"SMART Sandbox %1 listening on %2"_s.arg(QStringLiteral(SANDBOX_VERSION), base));
    printLine(stdout, u"  database  %1"_s.arg(sandbox.database().location().displayName()));
    printLine(stdout, u"  register  POST %1/oauth/register"_s.arg(base));
    printLine(stdout, u"  token     POST %1/oauth/debug/token"_s.arg(base));
    printLine(stdout, u"  status    GET  %1/admin/status"_s.arg(base));
    printLine(stdout, u"Press Ctrl+C to stop."_s);

    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::stopRequested, &app, [] { QCoreApplication::quit(); });
    const int code = QCoreApplication::exec();
    sandbox.stop();
    return code;
}
