// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Clients table: one row per registered client, live on the ClientRegistry's signals, so a
// client that registers over HTTP appears at once.

#include "oauth/client.h"

#include <QAbstractTableModel>
#include <QList>

class Sandbox;

class ClientModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientModel)

public:
    enum Column {
        NameColumn,
        ClientIdColumn,
        TypeColumn,
        TokenFormatColumn,
        RedirectUrisColumn,
        ScopeColumn,
        RegisteredColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, ClientIdRole, ClientRole };
    enum class Type { Public, Confidential, Asymmetric, Backend };

    explicit ClientModel(Sandbox &sandbox, QObject *parent = nullptr);
    ~ClientModel() override;

    // Reads every client again (at start and after a reset).
    void reload();

    const Client &client(int row) const { return m_clients.at(row); }
    int rowOf(const QString &clientId) const;
    static Type typeOf(const Client &client);
    static QString typeName(Type type);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // A client arrived from outside the window (over HTTP): worth a notice.
    void clientArrived(const Client &client);
    void loadFailed(const QString &message);

private:
    void add(const Client &client);
    void remove(const QString &clientId);
    void update(const Client &client);

    Sandbox &m_sandbox;
    QList<Client> m_clients;
};
