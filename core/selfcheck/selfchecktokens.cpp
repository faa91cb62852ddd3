// SPDX-License-Identifier: Apache-2.0
// The checks of SelfCheck that use the code and the tokens: the token response, the id_token,
// FHIR with and without the token, introspection, refresh, revocation, code reuse, and the
// client's deletion at the end (which also tidies up after the check).

#include "oauth/jose.h"
#include "oauth/secrets.h"
#include "selfcheck.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

QByteArray bearer(const QString &token)
{
    return "Bearer " + token.toLatin1();
}

} // namespace

void SelfCheck::redeemCode(const QString &verifier, Handler handler)
{
    postForm(m_smartConfiguration.value(u"token_endpoint"_s).toString(),
             {{u"grant_type"_s, u"authorization_code"_s},
              {u"code"_s, m_code},
              {u"redirect_uri"_s, m_redirectUri},
              {u"client_id"_s, m_clientId},
              {u"code_verifier"_s, verifier}},
             std::move(handler));
}

void SelfCheck::expectInvalidGrant(const QString &name, const QString &rule, const QString &verifier,
                                   std::function<void()> next)
{
    redeemCode(verifier, [this, name, rule, next](const Reply &reply) {
        const bool ok = reply.status == 400 && reply.json().value(u"error"_s) == u"invalid_grant"_s;
        report(name, rule, ok, ok ? u"400 invalid_grant"_s : u"expected 400 invalid_grant, got "_s + reply.describe());
        next();
    });
}

void SelfCheck::checkWrongVerifier(std::function<void()> next)
{
    const QString name = u"token: wrong code_verifier"_s;
    const QString rule = u"RFC 7636 section 4.6 (invalid_grant)"_s;
    if (m_code.isEmpty()) {
        notRun(name, rule, u"no authorization code"_s);
        return next();
    }
    // Another well-formed verifier: refused before the code is spent.
    expectInvalidGrant(name, rule, Secrets::randomToken(32), std::move(next));
}

void SelfCheck::checkTokenResponse(std::function<void()> next)
{
    const QString name = u"token: authorization code + PKCE"_s;
    const QString rule = u"RFC 6749 section 5.1; SMART App Launch 2.0 token response"_s;
    if (m_code.isEmpty()) {
        notRun(name, rule, u"no authorization code"_s);
        return next();
    }
    redeemCode(m_verifier, [this, name, rule, next](const Reply &reply) {
        const QJsonObject json = reply.json();
        QStringList problems;
        if (reply.status != 200 || !reply.isJson()) {
            problems.append(u"expected 200 with JSON, got "_s + reply.describe());
        } else {
            for (const QString &field :
                 {u"access_token"_s, u"scope"_s, u"patient"_s, u"refresh_token"_s, u"id_token"_s}) {
                if (!json.value(field).isString() || json.value(field).toString().isEmpty())
                    problems.append(field + u" missing"_s);
            }
            if (json.value(u"token_type"_s).toString().compare(u"bearer"_s, Qt::CaseInsensitive) != 0)
                problems.append(u"token_type is not Bearer"_s);
            if (!json.value(u"expires_in"_s).isDouble())
                problems.append(u"expires_in is not a number"_s);
            if (!reply.header("cache-control").contains("no-store"))
                problems.append(u"no Cache-Control: no-store"_s);
        }
        if (problems.isEmpty()) {
            m_tokenResponse = json;
            m_accessToken = json.value(u"access_token"_s).toString();
            m_refreshToken = json.value(u"refresh_token"_s).toString();
            m_patient = json.value(u"patient"_s).toString();
        }
        report(name, rule, problems.isEmpty(),
               problems.isEmpty() ? u"patient %1, scope %2"_s.arg(m_patient, json.value(u"scope"_s).toString())
                                  : problems.join(u"; "_s));
        next();
    });
}

void SelfCheck::checkIdToken(std::function<void()> next)
{
    const QString name = u"id_token"_s;
    const QString rule = u"OpenID Connect Core 1.0 section 3.1.3.7"_s;
    const QString idToken = m_tokenResponse.value(u"id_token"_s).toString();
    if (idToken.isEmpty() || m_jwks.isEmpty()) {
        notRun(name, rule, u"needs an id_token and the JWKS"_s);
        return next();
    }
    Result<Jose::Decoded> verified = Jose::verify(idToken, m_jwks, {u"RS256"_s});
    QStringList problems;
    if (!verified) {
        problems.append(u"signature not valid with the JWKS: "_s + verified.error().description);
    } else {
        const QJsonObject claims = verified.value().payload;
        if (claims.value(u"iss"_s).toString() != m_smartConfiguration.value(u"issuer"_s).toString())
            problems.append(u"iss is not the issuer"_s);
        const QJsonValue aud = claims.value(u"aud"_s);
        if (aud.toString() != m_clientId && !aud.toArray().contains(m_clientId))
            problems.append(u"aud is not the client_id"_s);
        if (claims.value(u"nonce"_s).toString() != m_nonce)
            problems.append(u"nonce is not the one sent"_s);
        if (claims.value(u"exp"_s).toInteger() <= claims.value(u"iat"_s).toInteger())
            problems.append(u"exp is not after iat"_s);
    }
    report(name, rule, problems.isEmpty(),
           problems.isEmpty() ? u"RS256 signature, iss, aud and nonce as expected"_s : problems.join(u"; "_s));
    next();
}

void SelfCheck::checkFhirRead(std::function<void()> next)
{
    const QString name = u"FHIR: read the patient"_s;
    const QString rule = u"FHIR R4 read; SMART patient launch context"_s;
    if (m_accessToken.isEmpty()) {
        notRun(name, rule, u"no access token"_s);
        return next();
    }
    get(m_fhirBase + u"/Patient/"_s + m_patient,
        [this, name, rule, next](const Reply &reply) {
            const QJsonObject json = reply.json();
            const bool ok = reply.status == 200 && json.value(u"resourceType"_s) == u"Patient"_s
                && json.value(u"id"_s).toString() == m_patient;
            report(name, rule, ok, ok ? u"Patient/%1"_s.arg(m_patient) : reply.describe());
            next();
        },
        {{"Authorization", bearer(m_accessToken)}, {"Accept", "application/fhir+json"}});
}

void SelfCheck::checkFhirSearch(std::function<void()> next)
{
    const QString name = u"FHIR: search"_s;
    const QString rule = u"FHIR R4 search (searchset Bundle)"_s;
    if (m_accessToken.isEmpty()) {
        notRun(name, rule, u"no access token"_s);
        return next();
    }
    get(m_fhirBase + u"/Observation?patient="_s + m_patient + u"&_count=5"_s,
        [this, name, rule, next](const Reply &reply) {
            const QJsonObject json = reply.json();
            const bool ok = reply.status == 200 && json.value(u"resourceType"_s) == u"Bundle"_s
                && json.value(u"type"_s) == u"searchset"_s;
            report(name, rule, ok,
                   ok ? u"Bundle with %1 entries (total %2)"_s.arg(json.value(u"entry"_s).toArray().size())
                            .arg(json.value(u"total"_s).toInt())
                      : reply.describe());
            next();
        },
        {{"Authorization", bearer(m_accessToken)}});
}

void SelfCheck::checkFhirWithoutToken(std::function<void()> next)
{
    get(m_fhirBase + u"/Patient/"_s + (m_patient.isEmpty() ? u"smart-1288992"_s : m_patient),
        [this, next](const Reply &reply) {
            const bool ok = reply.status == 401 && reply.header("www-authenticate").startsWith("Bearer");
            report(u"FHIR: no token"_s, u"RFC 6750 section 3 (401 with WWW-Authenticate: Bearer)"_s, ok,
                   ok ? QString::fromLatin1(reply.header("www-authenticate"))
                      : u"expected 401 with a Bearer challenge, got "_s + reply.describe());
            next();
        });
}

void SelfCheck::checkIntrospection(std::function<void()> next)
{
    const QString name = u"introspection: active token"_s;
    const QString rule = u"RFC 7662 section 2.2"_s;
    const QString endpoint = m_smartConfiguration.value(u"introspection_endpoint"_s).toString();
    if (m_accessToken.isEmpty()) {
        notRun(name, rule, u"no access token"_s);
        return next();
    }
    postForm(endpoint.isEmpty() ? u"/oauth/introspect"_s : endpoint,
             {{u"token"_s, m_accessToken}, {u"client_id"_s, m_clientId}}, [this, name, rule, next](const Reply &reply) {
                 const QJsonObject json = reply.json();
                 const bool ok = reply.status == 200 && json.value(u"active"_s) == true
                     && json.value(u"client_id"_s) == m_clientId && json.value(u"scope"_s).isString()
                     && json.value(u"exp"_s).isDouble();
                 report(name, rule, ok, ok ? u"active, client_id, scope and exp"_s : reply.describe());
                 next();
             });
}

void SelfCheck::checkIntrospectionInactive(std::function<void()> next)
{
    const QString endpoint = m_smartConfiguration.value(u"introspection_endpoint"_s).toString();
    postForm(endpoint.isEmpty() ? u"/oauth/introspect"_s : endpoint,
             {{u"token"_s, u"not-a-token-"_s + Secrets::randomToken(16)}, {u"client_id"_s, m_clientId}},
             [this, next](const Reply &reply) {
                 const bool ok = reply.status == 200 && reply.json() == QJsonObject{{u"active"_s, false}};
                 report(u"introspection: unknown token"_s, u"RFC 7662 section 2.2 ({\"active\": false})"_s, ok,
                        ok ? u"{\"active\": false}"_s : reply.describe());
                 next();
             });
}

void SelfCheck::checkRefresh(std::function<void()> next)
{
    const QString name = u"token: refresh"_s;
    const QString rule = u"RFC 6749 section 6"_s;
    if (m_refreshToken.isEmpty()) {
        notRun(name, rule, u"no refresh token"_s);
        return next();
    }
    postForm(
        m_smartConfiguration.value(u"token_endpoint"_s).toString(),
        {{u"grant_type"_s, u"refresh_token"_s}, {u"refresh_token"_s, m_refreshToken}, {u"client_id"_s, m_clientId}},
        [this, name, rule, next](const Reply &reply) {
            const QJsonObject json = reply.json();
            const QString access = json.value(u"access_token"_s).toString();
            const bool ok = reply.status == 200 && !access.isEmpty() && access != m_accessToken
                && json.value(u"token_type"_s).toString().compare(u"bearer"_s, Qt::CaseInsensitive) == 0;
            if (ok) {
                m_accessToken = access;
                if (json.contains(u"refresh_token"_s))
                    m_refreshToken = json.value(u"refresh_token"_s).toString();
            }
            report(name, rule, ok, ok ? u"a new access token"_s : reply.describe());
            next();
        });
}

void SelfCheck::checkRevocation(std::function<void()> next)
{
    const QString name = u"revocation"_s;
    const QString rule = u"RFC 7009 sections 2.1 and 2.2"_s;
    const QString endpoint = m_smartConfiguration.value(u"revocation_endpoint"_s).toString();
    const QString introspection = m_smartConfiguration.value(u"introspection_endpoint"_s).toString();
    if (m_accessToken.isEmpty()) {
        notRun(name, rule, u"no access token"_s);
        return next();
    }
    postForm(endpoint.isEmpty() ? u"/oauth/revoke"_s : endpoint,
             {{u"token"_s, m_accessToken}, {u"client_id"_s, m_clientId}},
             [this, name, rule, next, introspection](const Reply &reply) {
                 if (reply.status != 200) {
                     report(name, rule, false, u"expected 200, got "_s + reply.describe());
                     return next();
                 }
                 postForm(introspection.isEmpty() ? u"/oauth/introspect"_s : introspection,
                          {{u"token"_s, m_accessToken}, {u"client_id"_s, m_clientId}},
                          [this, name, rule, next](const Reply &after) {
                              const bool ok = after.status == 200 && after.json().value(u"active"_s) == false;
                              report(name, rule, ok,
                                     ok ? u"200, and the token introspects as inactive"_s
                                        : u"the revoked token still introspects as "_s + after.describe());
                              next();
                          });
             });
}

void SelfCheck::checkCodeReuse(std::function<void()> next)
{
    const QString name = u"token: code used twice"_s;
    const QString rule = u"RFC 6749 section 4.1.2 (single-use codes, invalid_grant)"_s;
    if (m_tokenResponse.isEmpty()) {
        notRun(name, rule, u"no redeemed authorization code"_s);
        return next();
    }
    expectInvalidGrant(name, rule, m_verifier, std::move(next));
}

void SelfCheck::checkDeleteClient(std::function<void()> next)
{
    const QString name = u"registration: delete the client"_s;
    const QString rule = u"RFC 7592 section 2.3"_s;
    if (m_registrationUri.isEmpty() || m_registrationToken.isEmpty()) {
        notRun(name, rule, u"no registration_client_uri and registration_access_token"_s);
        return next();
    }
    send("DELETE", m_registrationUri, {}, {{"Authorization", bearer(m_registrationToken)}},
         [this, name, rule, next](const Reply &reply) {
             report(name, rule, reply.status == 204, reply.status == 204 ? u"204"_s : reply.describe());
             next();
         });
}
