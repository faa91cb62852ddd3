// SPDX-License-Identifier: Apache-2.0
// Runs a fuzz target's entry function over every file of its corpus without libFuzzer, so the
// normal (GCC) build replays the committed corpus as a regression test. Arguments are files or
// folders; it fails when a folder is empty, so a corpus that goes missing is noticed.

#include "fuzzcheck.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cstdio>

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int inputs = 0;
    for (int i = 1; i < argc; ++i) {
        const QFileInfo argument(QString::fromLocal8Bit(argv[i]));
        QStringList files;
        if (argument.isDir()) {
            const QDir dir(argument.filePath());
            for (const QString &name : dir.entryList(QDir::Files, QDir::Name))
                files.append(dir.filePath(name));
        } else {
            files.append(argument.filePath());
        }
        for (const QString &path : files) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
                return 1;
            }
            const QByteArray input = file.readAll();
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(input.constData()),
                                   static_cast<size_t>(input.size()));
            ++inputs;
        }
    }
    std::printf("%d inputs ran without a crash\n", inputs);
    return inputs > 0 ? 0 : 1;
}
