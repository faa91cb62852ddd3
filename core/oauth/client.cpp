// SPDX-License-Identifier: Apache-2.0
#include "client.h"

#include "jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <iterator>

using namespace Qt::StringLiterals;

QJsonObject Client::registrationJson() const
{
    return QJsonDocument::fromJson(registrationJsonText()).object();
}

QByteArray Client::registrationJsonText(QStringView registrationClientUri, QStringView registrationAccessToken) const
{
    // The members the sandbox sets, in key order. A metadata member with one of these keys gives
    // way to it, even where the member is left out (a public client has no secret).
    static constexpr QLatin1String fixed[] = {
        "access_token_format"_L1,
        "client_id"_L1,
        "client_id_issued_at"_L1,
        "client_name"_L1,
        "client_secret"_L1,
        "client_secret_expires_at"_L1,
        "grant_types"_L1,
        "redirect_uris"_L1,
        "registration_access_token"_L1,
        "registration_client_uri"_L1,
        "scope"_L1,
        "security_labels"_L1,
        "token_endpoint_auth_method"_L1,
    };
    JsonWriter json;
    const auto write = [&](qsizetype index) {
        const QLatin1String key = fixed[index];
        switch (index) {
        case 0: json.string(key, accessTokenFormatName(accessTokenFormat)); break;
        case 1: json.string(key, id); break;
        case 2: json.number(key, issuedAtMs / 1000); break;
        case 3: json.string(key, name); break;
        case 4:
            if (!secret.isNull())
                json.string(key, secret);
            break;
        case 5:
            if (!secret.isNull())
                json.number(key, 0);
            break;
        case 6: json.strings(key, grantTypes); break;
        case 7: json.strings(key, redirectUris); break;
        case 8:
            if (!registrationAccessToken.isEmpty())
                json.string(key, registrationAccessToken);
            break;
        case 9:
            if (!registrationClientUri.isEmpty())
                json.string(key, registrationClientUri);
            break;
        case 10: json.string(key, scope); break;
        case 11: json.strings(key, securityLabels); break;
        case 12: json.string(key, tokenEndpointAuthMethod); break;
        }
    };
    constexpr qsizetype count = std::size(fixed);
    qsizetype next = 0;
    for (auto it = metadata.constBegin(); it != metadata.constEnd(); ++it) {
        const QString key = it.key();
        for (; next < count && fixed[next] < key; ++next)
            write(next);
        if (next < count && fixed[next] == key)
            continue; // written when the loop passes it
        json.value(key, it.value());
    }
    for (; next < count; ++next)
        write(next);
    return json.finish();
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
