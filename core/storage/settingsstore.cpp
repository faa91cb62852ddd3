// SPDX-License-Identifier: Apache-2.0
#include "settingsstore.h"

#include "database.h"

using namespace Qt::StringLiterals;

Result<QString> SettingsStore::value(const QString &key) const
{
    Result<QVariant> value = m_database.scalar(u"SELECT value FROM settings WHERE key = ?"_s, {key});
    if (!value)
        return value.error();
    return value.value().isNull() ? QString() : value.value().toString();
}

Status SettingsStore::setValue(const QString &key, const QString &value) const
{
    Result<int> changed = m_database.change(
        u"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s,
        {key, value});
    if (!changed)
        return changed.error();
    return Done{};
}

Result<QString> SettingsStore::valueOrInsert(const QString &key, const QString &value) const
{
    Result<int> inserted = m_database.change(
        u"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"_s, {key, value});
    if (!inserted)
        return inserted.error();
    return this->value(key);
}
