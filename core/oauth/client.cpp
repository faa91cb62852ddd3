// SPDX-License-Identifier: Apache-2.0
#include "client.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

QJsonObject Client::registrationJson() const
{
    QJsonObject json = metadata;
    json.insert(u"client_id"_s, id);
    json.insert(u"client_name"_s, name);
    if (!secret.isNull()) {
        json.insert(u"client_secret"_s, secret);
        json.insert(u"client_secret_expires_at"_s, 0);
    } else {
        json.remove(u"client_secret"_s);
        json.remove(u"client_secret_expires_at"_s);
    }
    json.insert(u"client_id_issued_at"_s, issuedAtMs / 1000);
    json.insert(u"redirect_uris"_s, QJsonArray::fromStringList(redirectUris));
    json.insert(u"scope"_s, scope);
    json.insert(u"token_endpoint_auth_method"_s, tokenEndpointAuthMethod);
    json.insert(u"grant_types"_s, QJsonArray::fromStringList(grantTypes));
    json.insert(u"security_labels"_s, QJsonArray::fromStringList(securityLabels));
    json.insert(u"access_token_format"_s, accessTokenFormatName(accessTokenFormat));
    return json;
}

QString accessTokenFormatName(AccessTokenFormat format)
{
    return format == AccessTokenFormat::Jwt ? u"jwt"_s : u"opaque"_s;
}

std::optional<AccessTokenFormat> accessTokenFormatFromName(const QString &name)
{
    if (name == u"opaque"_s)
        return AccessTokenFormat::Opaque;
    if (name == u"jwt"_s)
        return AccessTokenFormat::Jwt;
    return std::nullopt;
}

QStringList defaultSecurityLabels()
{
    return {u"patient"_s,
            u"medications"_s,
            u"allergy"_s,
            u"immunizations"_s,
            u"problems"_s,
            u"procedures"_s,
            u"vital-signs"_s,
            u"laboratory"_s,
            u"smoking"_s,
            u"coverage"_s,
            u"explanation-of-benefit"_s};
}
