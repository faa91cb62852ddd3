// SPDX-License-Identifier: Apache-2.0
#include "clientnames.h"

#include "oauth/clientregistry.h"
#include "sandbox.h"

using namespace Qt::StringLiterals;

ClientNames *ClientNames::of(Sandbox &sandbox)
{
    if (auto *names = sandbox.findChild<ClientNames *>(QString(), Qt::FindDirectChildrenOnly))
        return names;
    return new ClientNames(sandbox);
}

ClientNames::ClientNames(Sandbox &sandbox) : QObject(&sandbox), m_sandbox(sandbox)
{
    connect(&sandbox.clients(), &ClientRegistry::clientRegistered, this, &ClientNames::add);
    connect(&sandbox.clients(), &ClientRegistry::clientUpdated, this, &ClientNames::update);
    connect(&sandbox.clients(), &ClientRegistry::clientRemoved, this, &ClientNames::remove);
    connect(&sandbox, &Sandbox::resetDone, this, [this] {
        reload();
        Q_EMIT changed(QString());
    });
    reload();
}

QString ClientNames::displayName(const QString &clientId) const
{
    const QString name = m_names.value(clientId);
    return name.isEmpty() ? clientId : name;
}

QString ClientNames::nameAndId(const QString &clientId) const
{
    const QString name = m_names.value(clientId);
    if (name.isEmpty() || name == clientId)
        return clientId;
    return u"%1 (%2)"_s.arg(name, clientId);
}

QString ClientNames::toolTip(const QString &clientId) const
{
    if (clientId.isEmpty())
        return {};
    const QString name = m_names.value(clientId);
    if (name.isEmpty() || name == clientId)
        return tr("client_id: %1").arg(clientId);
    return tr("%1\nclient_id: %2").arg(name, clientId);
}

void ClientNames::reload()
{
    m_names.clear();
    // A database that cannot be read leaves the ids showing; the Clients tab says why.
    if (Result<QList<Client>> clients = m_sandbox.clients().clients()) {
        for (const Client &client : std::as_const(clients.value()))
            m_names.insert(client.id, client.name);
    }
}

void ClientNames::add(const Client &client)
{
    m_names.insert(client.id, client.name);
}

void ClientNames::update(const Client &client)
{
    const auto known = m_names.constFind(client.id);
    if (known != m_names.constEnd() && *known == client.name)
        return;
    m_names.insert(client.id, client.name);
    Q_EMIT changed(client.id);
}

void ClientNames::remove(const QString &clientId)
{
    if (m_names.remove(clientId))
        Q_EMIT changed(clientId);
}
