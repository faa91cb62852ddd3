// SPDX-License-Identifier: Apache-2.0
#pragma once

// Which SMART discovery the sandbox serves, so that an app's discovery fallbacks can be tested:
// today's SMART App Launch 2 document ("v2"), only what SMART App Launch 1.0 defined ("v1"), no
// smart-configuration at all ("none": apps must use the CapabilityStatement's oauth-uris), or a
// chosen subset ("custom": v1 or v2 with named fields and capabilities left out). Kept in the
// settings table, so that every instance on one database agrees (docs/decisions/0040).

#include "result.h"

#include <QJsonObject>
#include <QStringList>

struct DiscoveryProfile
{
    enum class Kind { V2, V1, None, Custom };

    Kind kind = Kind::V2;
    Kind base = Kind::V2; // custom only: V1 or V2
    QStringList omitFields; // custom only
    QStringList omitCapabilities; // custom only

    static constexpr auto s_settingKey = "discovery_profile";

    // {"profile": "v2"|"v1"|"none"|"custom", "base": "v1"|"v2", "omit_fields": [...],
    // "omit_capabilities": [...]}; a BadRequest error (invalid_request) saying what is wrong.
    static Result<DiscoveryProfile> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
    QString name() const;
    bool operator==(const DiscoveryProfile &other) const = default;

    // False for "none": /.well-known/smart-configuration answers 404.
    bool servesSmartConfiguration() const { return kind != Kind::None; }
    // The smart-configuration document this profile serves, made from the full v2 document.
    QJsonObject apply(QJsonObject document) const;
    // The oauth-uris extension names (register, manage, introspect, revoke) that the
    // CapabilityStatement leaves out because a custom profile omits their field; authorize and
    // token always stay, as the fallback an app is being tested for.
    QStringList omittedOauthUris() const;

    // Everything the v2 document holds, and what SMART App Launch 1.0 defined of it.
    static const QStringList &v2Fields();
    static const QStringList &v1Fields();
    static const QStringList &v2Capabilities();
    static const QStringList &v1Capabilities();
};
