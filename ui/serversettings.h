// SPDX-License-Identifier: Apache-2.0
#pragma once

// The server options the Settings dialog keeps with QSettings (group "server"): port, bind
// address, base URL, upstream FHIR URL, database, admin key and request log cap. At start the
// saved values fill in every option the command line did not give; the command line wins.

#include <QStringList>

class QSettings;
struct SandboxOptions;

namespace ServerSettings {

// Writes the options the dialog manages.
void save(QSettings &settings, const SandboxOptions &options);
// Copies the saved values into `options`, except those whose command-line option is in
// `givenOptions` ("port", "bind", "base-url", "upstream", "db", "admin-key", "log-cap"). Saved
// values that are no longer valid are skipped.
void load(const QSettings &settings, SandboxOptions &options, const QStringList &givenOptions);
// Whether any server option has been saved.
bool hasSaved(const QSettings &settings);

} // namespace ServerSettings
