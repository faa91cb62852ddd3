// SPDX-License-Identifier: Apache-2.0
#include "clientmodel.h"

#include "oauth/clientregistry.h"
#include "sandbox.h"

#include <QDateTime>
#include <QLocale>

using namespace Qt::StringLiterals;

ClientModel::ClientModel(Sandbox &sandbox, QObject *parent) : QAbstractTableModel(parent), m_sandbox(sandbox)
{
    connect(&sandbox.clients(), &ClientRegistry::clientRegistered, this, &ClientModel::add);
    connect(&sandbox.clients(), &ClientRegistry::clientRemoved, this, &ClientModel::remove);
    connect(&sandbox.clients(), &ClientRegistry::clientUpdated, this, &ClientModel::update);
    connect(&sandbox, &Sandbox::resetDone, this, &ClientModel::reload);
    reload();
}

ClientModel::~ClientModel() = default;

void ClientModel::reload()
{
    Result<QList<Client>> clients = m_sandbox.clients().clients();
    if (!clients) {
        Q_EMIT loadFailed(clients.error().description);
        return;
    }
    beginResetModel();
    m_clients = std::move(clients).value();
    endResetModel();
}

void ClientModel::add(const Client &client)
{
    if (const int row = rowOf(client.id); row >= 0) {
        update(client);
        return;
    }
    const int row = int(m_clients.size());
    beginInsertRows({}, row, row);
    m_clients.append(client);
    endInsertRows();
    if (client.origin == "http"_L1)
        Q_EMIT clientArrived(client);
}

void ClientModel::remove(const QString &clientId)
{
    const int row = rowOf(clientId);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_clients.removeAt(row);
    endRemoveRows();
}

void ClientModel::update(const Client &client)
{
    const int row = rowOf(client.id);
    if (row < 0) {
        add(client);
        return;
    }
    m_clients[row] = client;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int ClientModel::rowOf(const QString &clientId) const
{
    for (int row = 0; row < m_clients.size(); ++row) {
        if (m_clients.at(row).id == clientId)
            return row;
    }
    return -1;
}

ClientModel::Type ClientModel::typeOf(const Client &client)
{
    if (client.grantTypes.contains("client_credentials"_L1))
        return Type::Backend;
    if (client.isPublic())
        return Type::Public;
    if (client.tokenEndpointAuthMethod == "private_key_jwt"_L1)
        return Type::Asymmetric;
    return Type::Confidential;
}

QString ClientModel::typeName(Type type)
{
    switch (type) {
    case Type::Public: return tr("public");
    case Type::Confidential: return tr("confidential");
    case Type::Asymmetric: return tr("asymmetric");
    case Type::Backend: return tr("backend");
    }
    return {};
}

int ClientModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_clients.size());
}

int ClientModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClientModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Client &client = m_clients.at(index.row());
    switch (role) {
    case ClientIdRole: return client.id;
    case ClientRole: return QVariant::fromValue(client);
    case SortRole:
        if (index.column() == RegisteredColumn)
            return client.issuedAtMs;
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (index.column() == RedirectUrisColumn)
            return client.redirectUris.join(u'\n');
        if (index.column() == TypeColumn)
            return tr("token_endpoint_auth_method: %1").arg(client.tokenEndpointAuthMethod);
        if (index.column() == TokenFormatColumn)
            return client.accessTokenFormat == AccessTokenFormat::Jwt
                ? tr("Access tokens are JWTs signed by the sandbox (RFC 9068)")
                : tr("Access tokens are random strings");
        return data(index, Qt::DisplayRole);
    case Qt::DisplayRole: break;
    default: return {};
    }
    switch (index.column()) {
    case NameColumn: return client.name;
    case ClientIdColumn: return client.id;
    case TypeColumn: return typeName(typeOf(client));
    case TokenFormatColumn: return client.accessTokenFormat == AccessTokenFormat::Jwt ? tr("JWT") : tr("opaque");
    case RedirectUrisColumn: return client.redirectUris.join(u' ');
    case ScopeColumn: return client.scope;
    case RegisteredColumn:
        return QLocale().toString(QDateTime::fromMSecsSinceEpoch(client.issuedAtMs).toLocalTime(),
                                  QLocale::ShortFormat);
    default: return {};
    }
}

QVariant ClientModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Name");
    case ClientIdColumn: return tr("Client ID");
    case TypeColumn: return tr("Type");
    case TokenFormatColumn: return tr("Access tokens");
    case RedirectUrisColumn: return tr("Redirect URIs");
    case ScopeColumn: return tr("Scope");
    case RegisteredColumn: return tr("Registered");
    default: return {};
    }
}
