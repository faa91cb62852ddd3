// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small cache of values read from the database, for the lookups every request makes (a token
// by its string, the client and people of a debug token). An entry is trusted only while the
// database's DataStamp is the one taken before the entry was read: any statement that may change
// rows, any rollback and any commit on another connection empties the cache, so it can never
// answer with a row that has changed. Without a stamp (PostgreSQL) it holds nothing.
// docs/decisions/0023-read-caches.md explains why. One thread only.

#include "database.h"

#include <QHash>
#include <QString>

#include <optional>

template<typename Value>
class RowCache final
{
public:
    // Past this many entries the cache starts again empty.
    static constexpr qsizetype s_maxEntries = 4096;

    // The value kept for `key`, when the data has not changed since it was read; `stamp` is the
    // database's stamp now (Database::dataStamp()).
    const Value *find(const QString &key, const std::optional<DataStamp> &stamp)
    {
        if (!stamp || *stamp != m_stamp) {
            m_values.clear();
            m_stamp = stamp.value_or(DataStamp{});
            return nullptr;
        }
        const auto it = m_values.constFind(key);
        return it == m_values.cend() ? nullptr : &it.value();
    }

    // Keeps `value`, read after `stamp` was taken; find() with that stamp came first.
    void insert(const QString &key, Value value, const std::optional<DataStamp> &stamp)
    {
        if (!stamp || *stamp != m_stamp)
            return;
        if (m_values.size() >= s_maxEntries)
            m_values.clear();
        m_values.insert(key, std::move(value));
    }

    qsizetype size() const { return m_values.size(); }

private:
    DataStamp m_stamp; // generation 0: matches no stamp of a real database
    QHash<QString, Value> m_values;
};
