// SPDX-License-Identifier: Apache-2.0
#pragma once

// How a client's access tokens look: random strings (the default) or RFC 9068 JWTs signed with
// the server key (docs/decisions/0035). A client chooses it; every token row records it.

#include <QString>

#include <optional>

enum class AccessTokenFormat { Opaque, Jwt };

QString accessTokenFormatName(AccessTokenFormat format);
// "opaque" or "jwt"; nullopt for anything else.
std::optional<AccessTokenFormat> accessTokenFormatFromName(const QString &name);
