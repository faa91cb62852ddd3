// SPDX-License-Identifier: Apache-2.0
#pragma once

// The settings table: small named values the server keeps with its state (not the UI's QSettings).

#include "result.h"

#include <QString>

class Database;

class SettingsStore final
{
    Q_DISABLE_COPY_MOVE(SettingsStore)

public:
    explicit SettingsStore(const Database &database) : m_database(database) { }

    // The value, or a null QString when the key is not set.
    Result<QString> value(const QString &key) const;
    Status setValue(const QString &key, const QString &value) const;
    // Sets the value unless the key is already set (then the stored one wins); returns the value
    // that is stored afterwards. Two instances racing on one database agree on one value.
    Result<QString> valueOrInsert(const QString &key, const QString &value) const;

private:
    const Database &m_database;
};
