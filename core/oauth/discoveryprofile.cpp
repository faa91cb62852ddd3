// SPDX-License-Identifier: Apache-2.0
#include "discoveryprofile.h"

#include <QJsonArray>

#include <functional>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

QString kindName(DiscoveryProfile::Kind kind)
{
    switch (kind) {
    case DiscoveryProfile::Kind::V2: return u"v2"_s;
    case DiscoveryProfile::Kind::V1: return u"v1"_s;
    case DiscoveryProfile::Kind::None: return u"none"_s;
    case DiscoveryProfile::Kind::Custom: return u"custom"_s;
    }
    return u"v2"_s;
}

std::optional<DiscoveryProfile::Kind> kindOf(const QString &name)
{
    for (const DiscoveryProfile::Kind kind : {DiscoveryProfile::Kind::V2, DiscoveryProfile::Kind::V1,
                                              DiscoveryProfile::Kind::None, DiscoveryProfile::Kind::Custom}) {
        if (kindName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

Result<QStringList> namesOf(const QJsonObject &json, const QString &key, const QStringList &allowed)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined() || value.isNull())
        return QStringList();
    if (!value.isArray())
        return badRequest(u"invalid_request"_s, u"%1 must be an array of names"_s.arg(key));
    QStringList names;
    for (const QJsonValue &item : value.toArray()) {
        const QString name = item.toString();
        if (!item.isString() || !allowed.contains(name))
            return badRequest(u"invalid_request"_s,
                              u"%1: %2 is not one of %3"_s.arg(key, item.isString() ? name : u"a non-string"_s,
                                                               allowed.join(u", "_s)));
        if (!names.contains(name))
            names.append(name);
    }
    return names;
}

// SMART App Launch 1.0 had no v2 scope syntax (.rs, .cruds) and no backend services.
bool isV1Scope(const QString &scope)
{
    if (scope.startsWith(u"system/"_s))
        return false;
    return !scope.contains(u'/') || scope.startsWith(u"launch/"_s) || scope.endsWith(u".read"_s)
        || scope.endsWith(u".write"_s) || scope.endsWith(u".*"_s);
}

QJsonArray filtered(const QJsonArray &values, const std::function<bool(const QString &)> &keep)
{
    QJsonArray kept;
    for (const QJsonValue &value : values) {
        if (keep(value.toString()))
            kept.append(value);
    }
    return kept;
}

QStringList without(QStringList names, const QStringList &removed)
{
    names.removeIf([&](const QString &name) { return removed.contains(name); });
    return names;
}

} // namespace

const QStringList &DiscoveryProfile::v2Fields()
{
    static const QStringList fields = {u"issuer"_s,
                                       u"jwks_uri"_s,
                                       u"authorization_endpoint"_s,
                                       u"token_endpoint"_s,
                                       u"registration_endpoint"_s,
                                       u"introspection_endpoint"_s,
                                       u"revocation_endpoint"_s,
                                       u"management_endpoint"_s,
                                       u"grant_types_supported"_s,
                                       u"token_endpoint_auth_methods_supported"_s,
                                       u"token_endpoint_auth_signing_alg_values_supported"_s,
                                       u"scopes_supported"_s,
                                       u"response_types_supported"_s,
                                       u"code_challenge_methods_supported"_s,
                                       u"capabilities"_s};
    return fields;
}

// SMART App Launch 1.0 had every field of the v2 document except these (docs/decisions/0040).
const QStringList &DiscoveryProfile::v1Fields()
{
    static const QStringList v2Only
        = {u"issuer"_s, u"jwks_uri"_s, u"grant_types_supported"_s,
           u"token_endpoint_auth_signing_alg_values_supported"_s, u"code_challenge_methods_supported"_s};
    static const QStringList fields = without(v2Fields(), v2Only);
    return fields;
}

const QStringList &DiscoveryProfile::v2Capabilities()
{
    static const QStringList capabilities = {u"launch-ehr"_s,
                                             u"launch-standalone"_s,
                                             u"client-public"_s,
                                             u"client-confidential-symmetric"_s,
                                             u"client-confidential-asymmetric"_s,
                                             u"context-ehr-patient"_s,
                                             u"context-ehr-encounter"_s,
                                             u"context-standalone-patient"_s,
                                             u"context-banner"_s,
                                             u"context-style"_s,
                                             u"permission-offline"_s,
                                             u"permission-online"_s,
                                             u"permission-patient"_s,
                                             u"permission-user"_s,
                                             u"permission-v1"_s,
                                             u"permission-v2"_s,
                                             u"sso-openid-connect"_s,
                                             u"authorize-post"_s};
    return capabilities;
}

// The capabilities SMART App Launch 2.0 added to those of 1.0.
const QStringList &DiscoveryProfile::v1Capabilities()
{
    static const QStringList v2Only = {u"client-confidential-asymmetric"_s, u"permission-online"_s, u"permission-v1"_s,
                                       u"permission-v2"_s, u"authorize-post"_s};
    static const QStringList capabilities = without(v2Capabilities(), v2Only);
    return capabilities;
}

Result<DiscoveryProfile> DiscoveryProfile::fromJson(const QJsonObject &json)
{
    // "fields" and "capabilities" are what GET /admin/discovery adds; they are ignored, so that
    // its answer can be sent back as it is.
    static const QStringList keys
        = {u"profile"_s, u"base"_s, u"omit_fields"_s, u"omit_capabilities"_s, u"fields"_s, u"capabilities"_s};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!keys.contains(it.key()))
            return badRequest(u"invalid_request"_s,
                              u"Unknown field %1; the fields are %2"_s.arg(it.key(), keys.join(u", "_s)));
    }
    const std::optional<Kind> kind = kindOf(json.value(u"profile"_s).toString());
    if (!json.value(u"profile"_s).isString() || !kind)
        return badRequest(u"invalid_request"_s, u"profile must be one of v2, v1, none, custom"_s);
    DiscoveryProfile profile;
    profile.kind = *kind;
    if (profile.kind != Kind::Custom) {
        for (const QString &key : {u"base"_s, u"omit_fields"_s, u"omit_capabilities"_s}) {
            if (json.contains(key))
                return badRequest(u"invalid_request"_s, u"%1 is only for the custom profile"_s.arg(key));
        }
        return profile;
    }
    const QJsonValue base = json.value(u"base"_s);
    if (!base.isUndefined() && base != u"v1"_s && base != u"v2"_s)
        return badRequest(u"invalid_request"_s, u"base must be v1 or v2"_s);
    profile.base = base == u"v1"_s ? Kind::V1 : Kind::V2;
    const bool v1 = profile.base == Kind::V1;
    Result<QStringList> fields = namesOf(json, u"omit_fields"_s, v1 ? v1Fields() : v2Fields());
    if (!fields)
        return fields.error();
    Result<QStringList> capabilities = namesOf(json, u"omit_capabilities"_s, v1 ? v1Capabilities() : v2Capabilities());
    if (!capabilities)
        return capabilities.error();
    profile.omitFields = fields.value();
    profile.omitCapabilities = capabilities.value();
    return profile;
}

QJsonObject DiscoveryProfile::toJson() const
{
    QJsonObject json{{u"profile"_s, kindName(kind)}};
    if (kind == Kind::Custom) {
        json.insert(u"base"_s, kindName(base));
        json.insert(u"omit_fields"_s, QJsonArray::fromStringList(omitFields));
        json.insert(u"omit_capabilities"_s, QJsonArray::fromStringList(omitCapabilities));
    }
    return json;
}

QString DiscoveryProfile::name() const
{
    return kindName(kind);
}

QJsonObject DiscoveryProfile::apply(QJsonObject document) const
{
    const bool v1 = kind == Kind::V1 || (kind == Kind::Custom && base == Kind::V1);
    if (v1) {
        const QStringList keys = document.keys();
        for (const QString &key : keys) {
            if (!v1Fields().contains(key))
                document.remove(key);
        }
        document.insert(u"capabilities"_s, filtered(document.value(u"capabilities"_s).toArray(), [](const QString &c) {
                            return v1Capabilities().contains(c);
                        }));
        document.insert(u"scopes_supported"_s, filtered(document.value(u"scopes_supported"_s).toArray(), &isV1Scope));
        // private_key_jwt came with client-confidential-asymmetric in 2.0.
        document.insert(u"token_endpoint_auth_methods_supported"_s,
                        filtered(document.value(u"token_endpoint_auth_methods_supported"_s).toArray(),
                                 [](const QString &method) { return method.startsWith(u"client_secret_"_s); }));
    }
    if (kind == Kind::Custom) {
        for (const QString &field : omitFields)
            document.remove(field);
        if (document.contains(u"capabilities"_s))
            document.insert(u"capabilities"_s,
                            filtered(document.value(u"capabilities"_s).toArray(),
                                     [this](const QString &c) { return !omitCapabilities.contains(c); }));
    }
    return document;
}

QStringList DiscoveryProfile::omittedOauthUris() const
{
    if (kind != Kind::Custom)
        return {};
    // authorize and token stay: they are what an app falls back to (docs/decisions/0040).
    static const QList<QPair<QString, QString>> uris = {{u"registration_endpoint"_s, u"register"_s},
                                                        {u"management_endpoint"_s, u"manage"_s},
                                                        {u"introspection_endpoint"_s, u"introspect"_s},
                                                        {u"revocation_endpoint"_s, u"revoke"_s}};
    QStringList omitted;
    for (const auto &[field, uri] : uris) {
        if (omitFields.contains(field))
            omitted.append(uri);
    }
    return omitted;
}
