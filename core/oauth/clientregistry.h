// SPDX-License-Identifier: Apache-2.0
#pragma once

// Client registration (RFC 7591): validates metadata, assigns credentials, stores the client and
// announces it. The HTTP route and the UI's dialog both register through here.

#include "client.h"
#include "result.h"

#include <QJsonObject>
#include <QObject>

#include <optional>

class Clock;
class ClientStore;
class Database;

class ClientRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientRegistry)

public:
    ClientRegistry(const Database &database, const Clock &clock, QObject *parent = nullptr);
    ~ClientRegistry() override;

    // Checks RFC 7591 metadata and turns it into a client without credentials. Errors are
    // invalid_redirect_uri or invalid_client_metadata with a description naming the field.
    static Result<Client> validate(const QJsonObject &metadata);

    // Validates, assigns client_id (and client_secret unless public), stores and announces.
    Result<Client> registerClient(const QJsonObject &metadata, const QString &origin);
    Result<std::optional<Client>> find(const QString &clientId) const;
    Result<QList<Client>> clients() const;
    Result<bool> remove(const QString &clientId);
    // RFC 7592: replaces a client's metadata (client_id, secret and registration token stay).
    Result<Client> update(const QString &clientId, const QJsonObject &metadata);

Q_SIGNALS:
    void clientRegistered(const Client &client);
    void clientRemoved(const QString &clientId);
    void clientUpdated(const Client &client);

private:
    const Clock &m_clock;
    std::unique_ptr<ClientStore> m_store;
};
