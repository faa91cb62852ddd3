// SPDX-License-Identifier: Apache-2.0
#include "clientstore.h"

#include "database.h"
#include "jsontext.h"

using namespace Qt::StringLiterals;

namespace {

const auto s_columns
    = u"client_id, client_secret, client_name, redirect_uris, scope, security_labels, "
      "token_endpoint_auth_method, grant_types, metadata, origin, issued_at, updated_at, registration_access_token, "
      "access_token_format"_s;

Client fromRecord(const QSqlRecord &record)
{
    Client client;
    client.id = record.value(0).toString();
    client.secret = record.isNull(1) ? QString() : record.value(1).toString();
    client.name = record.value(2).toString();
    client.redirectUris = JsonText::toStringList(record.value(3).toString());
    client.scope = record.value(4).toString();
    client.securityLabels = JsonText::toStringList(record.value(5).toString());
    client.tokenEndpointAuthMethod = record.value(6).toString();
    client.grantTypes = JsonText::toStringList(record.value(7).toString());
    client.metadata = JsonText::toObject(record.value(8).toString());
    client.origin = record.value(9).toString();
    client.issuedAtMs = record.value(10).toLongLong();
    client.updatedAtMs = record.value(11).toLongLong();
    client.registrationAccessToken = record.isNull(12) ? QString() : record.value(12).toString();
    client.accessTokenFormat
        = accessTokenFormatFromName(record.value(13).toString()).value_or(AccessTokenFormat::Opaque);
    return client;
}

} // namespace

Status ClientStore::insert(const Client &client) const
{
    Result<int> inserted = m_database.change(
        u"INSERT INTO clients (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(s_columns),
        {client.id, Database::nullable(client.secret), client.name, JsonText::fromStringList(client.redirectUris),
         client.scope, JsonText::fromStringList(client.securityLabels), client.tokenEndpointAuthMethod,
         JsonText::fromStringList(client.grantTypes), JsonText::fromObject(client.metadata), client.origin,
         client.issuedAtMs, client.updatedAtMs, Database::nullable(client.registrationAccessToken),
         accessTokenFormatName(client.accessTokenFormat)});
    if (!inserted)
        return inserted.error();
    return Done{};
}

Status ClientStore::update(const Client &client) const
{
    Result<int> changed = m_database.change(
        u"UPDATE clients SET client_secret = ?, client_name = ?, redirect_uris = ?, scope = ?, security_labels = ?, "
        "token_endpoint_auth_method = ?, grant_types = ?, metadata = ?, updated_at = ?, access_token_format = ? "
        "WHERE client_id = ?"_s,
        {Database::nullable(client.secret), client.name, JsonText::fromStringList(client.redirectUris), client.scope,
         JsonText::fromStringList(client.securityLabels), client.tokenEndpointAuthMethod,
         JsonText::fromStringList(client.grantTypes), JsonText::fromObject(client.metadata), client.updatedAtMs,
         accessTokenFormatName(client.accessTokenFormat), client.id});
    if (!changed)
        return changed.error();
    if (changed.value() == 0)
        return Error{ErrorKind::NotFound, u"invalid_client_id"_s, u"No client with that client_id"_s};
    return Done{};
}

Result<std::optional<Client>> ClientStore::find(const QString &clientId) const
{
    Result<std::optional<QSqlRecord>> record
        = m_database.one(u"SELECT %1 FROM clients WHERE client_id = ?"_s.arg(s_columns), {clientId});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<Client>();
    return std::optional<Client>(fromRecord(*record.value()));
}

Result<QList<Client>> ClientStore::list() const
{
    Result<QList<QSqlRecord>> records
        = m_database.all(u"SELECT %1 FROM clients ORDER BY issued_at, client_id"_s.arg(s_columns));
    if (!records)
        return records.error();
    QList<Client> clients;
    clients.reserve(records.value().size());
    for (const QSqlRecord &record : records.value())
        clients.append(fromRecord(record));
    return clients;
}

Result<bool> ClientStore::remove(const QString &clientId) const
{
    Result<int> removed = m_database.change(u"DELETE FROM clients WHERE client_id = ?"_s, {clientId});
    if (!removed)
        return removed.error();
    return removed.value() > 0;
}
