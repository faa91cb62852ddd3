// SPDX-License-Identifier: Apache-2.0
#pragma once

// Finds the JSON Web Tokens in one logged exchange (a bearer token, JWT-valued query parameters,
// form fields such as client_assertion, and JSON fields such as id_token), decodes them and checks
// their signatures where the key is known: the sandbox's own key for what it signed, a client's
// registered key set (jwks, or a jwks_uri already fetched) for what that client signed. The
// window's traffic inspector shows the result; nothing here fetches or draws.

#include "server/requestlogentry.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

class ClientRegistry;
class JwksCache;
class ServerKeys;

struct InspectedJwt
{
    enum class Place { AuthorizationHeader, RequestQuery, RequestForm, RequestJson, ResponseJson };
    enum class Signature { Valid, Invalid, NotChecked };
    enum class Key { Unknown, Server, Client };

    Place place = Place::AuthorizationHeader;
    QString name; // the parameter or field ("client_assertion", "id_token"); "Authorization" for the header
    QString compact;
    QJsonObject header;
    QJsonObject payload;
    Signature signature = Signature::NotChecked;
    Key key = Key::Unknown;
    QString keyId; // the kid that chose the key, when there is one
    QString clientId; // the client whose keys were used (Key::Client)
    QString error; // why the signature is not valid (Signature::Invalid)
};

class JwtInspector final
{
    Q_DISABLE_COPY_MOVE(JwtInspector)

public:
    // Claims that hold NumericDate values (seconds since the epoch), which a viewer shows as dates.
    static const QStringList &timeClaims();

    JwtInspector(const ServerKeys &serverKeys, const ClientRegistry &clients, const JwksCache &keySets);

    // Every JWT of the exchange, in the order request header, query, body, then response body.
    QList<InspectedJwt> inspect(const RequestLogEntry &entry) const;
    // Decodes one token and checks its signature; nullopt when `text` is not a JWS in compact form.
    std::optional<InspectedJwt> inspect(const QString &text, InspectedJwt::Place place, const QString &name) const;

    // Three base64url parts whose first is a JSON header with "alg".
    static bool looksLikeJwt(const QString &text);

private:
    void check(InspectedJwt &jwt) const;

    const ServerKeys &m_serverKeys;
    const ClientRegistry &m_clients;
    const JwksCache &m_keySets;
};
