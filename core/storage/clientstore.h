// SPDX-License-Identifier: Apache-2.0
#pragma once

// The clients table.

#include "oauth/client.h"
#include "result.h"

#include <optional>

class Database;

class ClientStore final
{
    Q_DISABLE_COPY_MOVE(ClientStore)

public:
    explicit ClientStore(const Database &database) : m_database(database) { }

    Status insert(const Client &client) const;
    Status update(const Client &client) const;
    Result<std::optional<Client>> find(const QString &clientId) const;
    Result<QList<Client>> list() const;
    Result<bool> remove(const QString &clientId) const;

private:
    const Database &m_database;
};
