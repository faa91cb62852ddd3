// SPDX-License-Identifier: Apache-2.0
#include "serverkeys.h"

#include "jose.h"
#include "storage/jsontext.h"
#include "storage/settingsstore.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

const auto s_keySetting = u"signing_key_rs256"_s;

} // namespace

Status ServerKeys::load(const QJsonObject &initialKey)
{
    const SettingsStore settings(m_database);
    Result<QString> stored = settings.value(s_keySetting);
    if (!stored)
        return stored.error();
    QString text = stored.value();
    if (text.isNull()) {
        Result<QJsonObject> generated = initialKey.isEmpty() ? Jose::generateKey(u"RS256"_s) : initialKey;
        if (!generated)
            return generated.error();
        Result<QString> kept = settings.valueOrInsert(s_keySetting, JsonText::fromObject(generated.value()));
        if (!kept)
            return kept.error();
        text = kept.value();
    }
    m_signingKey = JsonText::toObject(text);
    if (m_signingKey.value(u"kty"_s).toString() != u"RSA"_s || !m_signingKey.contains(u"d"_s))
        return storageError(
            u"The stored signing key is damaged; delete the setting %1 to make a new one"_s.arg(s_keySetting));
    return Done{};
}

QJsonObject ServerKeys::jwks() const
{
    return QJsonObject{{u"keys"_s, QJsonArray{Jose::publicKey(m_signingKey)}}};
}

Result<QString> ServerKeys::sign(const QJsonObject &claims) const
{
    return Jose::sign(claims, m_signingKey);
}

Result<Jose::Decoded> ServerKeys::verify(const QString &compact) const
{
    return Jose::verify(compact, jwks(), {m_signingKey.value(u"alg"_s).toString(u"RS256"_s)});
}
