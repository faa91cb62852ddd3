// SPDX-License-Identifier: Apache-2.0
#include "configcommand.h"

#include "commandline.h"
#include "scenarios/configuration.h"

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

void printLine(FILE *stream, const QString &text)
{
    std::fputs(qUtf8Printable(text + u'\n'), stream);
    std::fflush(stream);
}

int failed(const Error &error)
{
    printLine(stderr, u"smart-sandbox: error: "_s + error.description);
    return error.kind == ErrorKind::Storage ? ExitDatabase : ExitImportFailed;
}

} // namespace

int runExportConfig(Sandbox &sandbox, const QString &path)
{
    Result<QJsonObject> exported = Configuration::exportToFile(sandbox, path);
    if (!exported)
        return failed(exported.error());
    printLine(stdout, u"Exported the configuration to %1: %2"_s.arg(path, Configuration::summary(exported.value())));
    return ExitOk;
}

int runImportConfig(Sandbox &sandbox, const QString &path)
{
    Result<QJsonObject> imported = Configuration::importFromFile(sandbox, path);
    if (!imported)
        return failed(imported.error());
    printLine(stdout, u"Imported the configuration from %1: %2"_s.arg(path, Configuration::summary(imported.value())));
    return ExitOk;
}
