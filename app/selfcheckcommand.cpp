// SPDX-License-Identifier: Apache-2.0
#include "selfcheckcommand.h"

#include "commandline.h"
#include "sandbox.h"
#include "selfcheck/selfcheck.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTemporaryDir>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

void print(FILE *stream, const QString &text)
{
    std::fputs(qUtf8Printable(text), stream);
    std::fflush(stream);
}

} // namespace

int runSelfCheck(const QString &url, const SandboxOptions &options)
{
    std::unique_ptr<QTemporaryDir> folder;
    std::unique_ptr<Sandbox> own;
    QString target = url;
    if (target.isEmpty()) {
        folder = std::make_unique<QTemporaryDir>();
        if (!folder->isValid()) {
            print(stderr, u"smart-sandbox: error: Cannot make a temporary folder: %1\n"_s.arg(folder->errorString()));
            return ExitDatabase;
        }
        SandboxOptions ownOptions = options;
        ownOptions.database = folder->filePath(u"self-check.sqlite"_s);
        ownOptions.bindAddress = QHostAddress::LocalHost;
        ownOptions.port = 0;
        ownOptions.baseUrl.clear();
        ownOptions.adminKey.clear();
        ownOptions.logFile.clear();
        ownOptions.upstream.clear();
        ownOptions.samplePatients = 0; // the fixture patients are enough, and start faster
        own = std::make_unique<Sandbox>(ownOptions);
        if (Status opened = own->open(); !opened) {
            print(stderr, u"smart-sandbox: error: %1\n"_s.arg(opened.error().description));
            return ExitDatabase;
        }
        Result<quint16> port = own->start();
        if (!port) {
            print(stderr, u"smart-sandbox: error: %1\n"_s.arg(port.error().description));
            return ExitNetwork;
        }
        target = u"http://127.0.0.1:%1"_s.arg(port.value());
    }
    print(stdout, u"Checking %1%2\n"_s.arg(target, own ? u" (a sandbox of its own, temporary database)"_s : QString()));

    SelfCheck check{QUrl(target)};
    QEventLoop loop;
    QObject::connect(&check, &SelfCheck::finished, &loop, &QEventLoop::quit);
    check.start();
    if (check.isRunning())
        loop.exec();
    print(stdout, SelfCheck::table(check.results()));
    if (own)
        own->stop();
    switch (check.outcome()) {
    case SelfCheck::Outcome::Passed: return ExitOk;
    case SelfCheck::Outcome::Failed: return ExitSelfCheckFailed;
    case SelfCheck::Outcome::Unreachable: return ExitSelfCheckUnreachable;
    }
    return ExitSelfCheckFailed;
}
