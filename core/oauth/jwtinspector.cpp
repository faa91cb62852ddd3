// SPDX-License-Identifier: Apache-2.0
#include "jwtinspector.h"

#include "clientregistry.h"
#include "jose.h"
#include "jwkscache.h"
#include "server/http.h"
#include "serverkeys.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool isBase64Url(QStringView text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool valid = (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || u == u'-'
            || u == u'_';
        if (!valid)
            return false;
    }
    return true;
}

const QStringList &signatureAlgorithms()
{
    static const QStringList algorithms
        = {u"RS256"_s, u"RS384"_s, u"RS512"_s, u"PS256"_s, u"PS384"_s, u"PS512"_s, u"ES256"_s, u"ES384"_s, u"ES512"_s};
    return algorithms;
}

} // namespace

const QStringList &JwtInspector::timeClaims()
{
    static const QStringList claims = {u"iat"_s, u"nbf"_s, u"exp"_s, u"auth_time"_s};
    return claims;
}

JwtInspector::JwtInspector(const ServerKeys &serverKeys, const ClientRegistry &clients, const JwksCache &keySets)
    : m_serverKeys(serverKeys), m_clients(clients), m_keySets(keySets)
{ }

bool JwtInspector::looksLikeJwt(const QString &text)
{
    const QList<QStringView> parts = QStringView(text).split(u'.');
    if (parts.size() != 3 || parts.at(0).isEmpty() || parts.at(1).isEmpty())
        return false;
    for (const QStringView part : parts) {
        if (!isBase64Url(part))
            return false;
    }
    Result<Jose::Decoded> decoded = Jose::decode(text);
    return decoded && decoded.value().header.value(u"alg"_s).isString();
}

std::optional<InspectedJwt> JwtInspector::inspect(const QString &text, InspectedJwt::Place place,
                                                  const QString &name) const
{
    if (!looksLikeJwt(text))
        return std::nullopt;
    Result<Jose::Decoded> decoded = Jose::decode(text);
    InspectedJwt jwt;
    jwt.place = place;
    jwt.name = name;
    jwt.compact = text;
    jwt.header = decoded.value().header;
    jwt.payload = decoded.value().payload;
    check(jwt);
    return jwt;
}

QList<InspectedJwt> JwtInspector::inspect(const RequestLogEntry &entry) const
{
    QList<InspectedJwt> found;
    const auto add = [&](const QString &text, InspectedJwt::Place place, const QString &name) {
        if (std::optional<InspectedJwt> jwt = inspect(text, place, name))
            found.append(std::move(*jwt));
    };
    const auto addJsonFields = [&](const QByteArray &body, bool truncated, InspectedJwt::Place place) {
        if (truncated)
            return;
        const QJsonObject object = QJsonDocument::fromJson(body).object();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (it.value().isString())
                add(it.value().toString(), place, it.key());
        }
    };

    const QByteArray authorization = headerValue(entry.requestHeaders, "authorization").trimmed();
    if (authorization.size() > 7 && authorization.first(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        add(QString::fromLatin1(authorization.sliced(7).trimmed()), InspectedJwt::Place::AuthorizationHeader,
            u"Authorization"_s);
    for (const auto &[key, value] : Http::decodeForm(entry.query.toUtf8()))
        add(value, InspectedJwt::Place::RequestQuery, key);
    const QByteArray contentType = headerValue(entry.requestHeaders, "content-type").toLower();
    if (contentType.contains("application/x-www-form-urlencoded")) {
        if (!entry.requestBodyTruncated()) {
            for (const auto &[key, value] : Http::decodeForm(entry.requestBody))
                add(value, InspectedJwt::Place::RequestForm, key);
        }
    } else {
        addJsonFields(entry.requestBody, entry.requestBodyTruncated(), InspectedJwt::Place::RequestJson);
    }
    addJsonFields(entry.responseBody, entry.responseBodyTruncated(), InspectedJwt::Place::ResponseJson);
    return found;
}

void JwtInspector::check(InspectedJwt &jwt) const
{
    jwt.keyId = jwt.header.value(u"kid"_s).toString();
    QJsonObject keySet;
    if (!jwt.keyId.isEmpty() && jwt.keyId == m_serverKeys.keyId()) {
        jwt.key = InspectedJwt::Key::Server;
    } else {
        // A client signs its assertions with iss = sub = its client_id.
        const QString issuer = jwt.payload.value(u"iss"_s).toString();
        Result<std::optional<Client>> client
            = issuer.isEmpty() ? Result<std::optional<Client>>(std::nullopt) : m_clients.find(issuer);
        if (client && client.value()) {
            keySet = client.value()->metadata.value(u"jwks"_s).toObject();
            const QString jwksUri = client.value()->metadata.value(u"jwks_uri"_s).toString();
            if (keySet.isEmpty() && !jwksUri.isEmpty())
                keySet = m_keySets.keys(jwksUri).value_or(QJsonObject());
            if (!keySet.isEmpty()) {
                jwt.key = InspectedJwt::Key::Client;
                jwt.clientId = issuer;
            }
        }
    }
    if (jwt.key == InspectedJwt::Key::Unknown)
        return;
    Result<Jose::Decoded> verified = jwt.key == InspectedJwt::Key::Server
        ? m_serverKeys.verify(jwt.compact)
        : Jose::verify(jwt.compact, keySet, signatureAlgorithms());
    jwt.signature = verified ? InspectedJwt::Signature::Valid : InspectedJwt::Signature::Invalid;
    if (!verified)
        jwt.error = verified.error().description;
}
