// SPDX-License-Identifier: Apache-2.0
#pragma once

// The registered clients' names by id, for the tables that name the client a row belongs to
// (Traffic, Tokens, Flows): a developer knows "My Test App", not "c2f0…". One per Sandbox, live
// on the ClientRegistry's signals. A client registering adds a name without telling anyone: no
// row can name a client before it exists, so a flood of registrations repaints nothing.

#include <QHash>
#include <QObject>
#include <QString>

class Sandbox;
struct Client;

class ClientNames final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientNames)

public:
    // The sandbox's instance, made on first use and owned by the sandbox.
    static ClientNames *of(Sandbox &sandbox);

    // The client's name; its id when the client is gone, unknown or named after its id.
    QString displayName(const QString &clientId) const;
    // "Growth Chart (14dc3910-…)" in full; the id alone when there is no name to add.
    QString nameAndId(const QString &clientId) const;
    // What a tooltip says about the client: its name and its id.
    QString toolTip(const QString &clientId) const;

Q_SIGNALS:
    // The name shown for clientId changed (renamed or removed); an empty id: any may have (reset).
    void changed(const QString &clientId);

private:
    explicit ClientNames(Sandbox &sandbox);
    void reload();
    void add(const Client &client);
    void update(const Client &client);
    void remove(const QString &clientId);

    Sandbox &m_sandbox;
    QHash<QString, QString> m_names;
};
