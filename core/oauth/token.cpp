// SPDX-License-Identifier: Apache-2.0
#include "token.h"

using namespace Qt::StringLiterals;

namespace TokenDefects {

QList<TokenDefect> all()
{
    return {TokenDefect::Expired,       TokenDefect::Revoked,     TokenDefect::OtherPatient, TokenDefect::MissingScope,
            TokenDefect::WrongAudience, TokenDefect::WrongIssuer, TokenDefect::BadSignature};
}

QString name(TokenDefect defect)
{
    switch (defect) {
    case TokenDefect::None: return {};
    case TokenDefect::Expired: return u"expired"_s;
    case TokenDefect::Revoked: return u"revoked"_s;
    case TokenDefect::OtherPatient: return u"other_patient"_s;
    case TokenDefect::MissingScope: return u"missing_scope"_s;
    case TokenDefect::WrongAudience: return u"wrong_aud"_s;
    case TokenDefect::WrongIssuer: return u"wrong_iss"_s;
    case TokenDefect::BadSignature: return u"bad_signature"_s;
    }
    return {};
}

std::optional<TokenDefect> fromName(const QString &text)
{
    for (const TokenDefect defect : all()) {
        if (name(defect) == text)
            return defect;
    }
    return std::nullopt;
}

bool needsJwt(TokenDefect defect)
{
    return defect == TokenDefect::WrongAudience || defect == TokenDefect::WrongIssuer
        || defect == TokenDefect::BadSignature;
}

QString consequence(TokenDefect defect)
{
    switch (defect) {
    case TokenDefect::None: return {};
    case TokenDefect::Expired:
        return u"The token expired before it was handed out: FHIR answers 401 (expired), introspection active:false"_s;
    case TokenDefect::Revoked:
        return u"The token was revoked as it was minted: FHIR answers 401 (revoked), introspection active:false"_s;
    case TokenDefect::OtherPatient:
        return u"The token's patient context is another patient than the one asked for: reads of the requested "
               "patient's records answer 404"_s;
    case TokenDefect::MissingScope:
        return u"The token lacks the scopes that read Patient resources: FHIR answers 403 (insufficient_scope)"_s;
    case TokenDefect::WrongAudience:
        return u"The JWT's aud is not this FHIR server: FHIR answers 401, introspection active:false"_s;
    case TokenDefect::WrongIssuer:
        return u"The JWT's iss is not this server: FHIR answers 401, introspection active:false"_s;
    case TokenDefect::BadSignature:
        return u"The JWT's signature does not verify: FHIR answers 401, introspection active:false"_s;
    }
    return {};
}

} // namespace TokenDefects

bool TokenView::accessActive(qint64 nowMs) const
{
    if (token.revokedAtMs != 0 || nowMs >= token.expiresAtMs)
        return false;
    return !hasApproval || approval.revokedAtMs == 0;
}

bool TokenView::refreshActive(qint64 nowMs) const
{
    if (token.refreshToken.isNull() || token.revokedAtMs != 0 || token.refreshUsedAtMs != 0 || !hasApproval)
        return false;
    return approval.revokedAtMs == 0 && nowMs < approval.expiresAtMs;
}
