// SPDX-License-Identifier: Apache-2.0
// The checks of SelfCheck, in the order they run. Later checks use what earlier ones learned
// (the registered client, the code, the tokens); when that is missing they report "not run".

#include "oauth/secrets.h"
#include "selfcheck.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

const auto s_scope = u"launch/patient openid fhirUser offline_access patient/*.read"_s;
// The fixture user the check signs in as (README, "Built-in fixtures").
const auto s_username = u"daniel-adams"_s;
const auto s_password = u"demo-password"_s;

QStringList stringsOf(const QJsonValue &value)
{
    QStringList strings;
    for (const QJsonValue &item : value.toArray())
        strings.append(item.toString());
    return strings;
}

// A hidden or visible form field's value on a portal page.
QString formField(const QByteArray &html, const QString &name)
{
    const QRegularExpression pattern(u"name=\"%1\"[^>]*value=\"([^\"]*)\""_s.arg(QRegularExpression::escape(name)));
    QString value = pattern.match(QString::fromUtf8(html)).captured(1);
    value.replace(u"&quot;"_s, u"\""_s).replace(u"&lt;"_s, u"<"_s).replace(u"&gt;"_s, u">"_s);
    return value.replace(u"&#39;"_s, u"'"_s).replace(u"&amp;"_s, u"&"_s);
}

QString pkceChallenge(const QString &verifier)
{
    return QString::fromLatin1(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

QList<SelfCheck::Step> SelfCheck::steps()
{
    auto step = [this](void (SelfCheck::*check)(std::function<void()>)) {
        return Step([this, check](std::function<void()> next) { (this->*check)(std::move(next)); });
    };
    return {step(&SelfCheck::checkSmartConfiguration),
            step(&SelfCheck::checkSmartConfigurationUnderFhirBase),
            step(&SelfCheck::checkOpenidConfiguration),
            step(&SelfCheck::checkCapabilityStatement),
            step(&SelfCheck::checkJwks),
            step(&SelfCheck::checkRegistration),
            step(&SelfCheck::checkRegistrationError),
            step(&SelfCheck::checkAuthorization),
            step(&SelfCheck::checkWrongVerifier),
            step(&SelfCheck::checkTokenResponse),
            step(&SelfCheck::checkIdToken),
            step(&SelfCheck::checkFhirRead),
            step(&SelfCheck::checkFhirSearch),
            step(&SelfCheck::checkFhirWithoutToken),
            step(&SelfCheck::checkIntrospection),
            step(&SelfCheck::checkIntrospectionInactive),
            step(&SelfCheck::checkRefresh),
            step(&SelfCheck::checkRevocation),
            step(&SelfCheck::checkCodeReuse),
            step(&SelfCheck::checkDeleteClient)};
}

void SelfCheck::checkSmartConfiguration(std::function<void()> next)
{
    m_fhirBase = m_base.toString() + u"/api/fhir"_s;
    get(u"/.well-known/smart-configuration"_s, [this, next](const Reply &reply) {
        const QString name = u"discovery: smart-configuration"_s;
        const QString rule = u"SMART App Launch 2.0, Conformance: required metadata"_s;
        if (!reply.networkError.isEmpty()) {
            m_unreachable = true;
            report(name, rule, false, u"cannot reach %1: %2"_s.arg(m_base.toString(), reply.networkError));
            return next();
        }
        if (reply.status != 200 || !reply.isJson()) {
            report(name, rule, false, u"expected 200 with a JSON object, got "_s + reply.describe());
            return next();
        }
        const QJsonObject json = reply.json();
        QStringList problems;
        for (const QString &field : {u"authorization_endpoint"_s, u"token_endpoint"_s}) {
            if (!json.value(field).isString())
                problems.append(field + u" missing"_s);
        }
        if (!json.value(u"capabilities"_s).isArray())
            problems.append(u"capabilities missing"_s);
        if (!stringsOf(json.value(u"grant_types_supported"_s)).contains(u"authorization_code"_s))
            problems.append(u"grant_types_supported lacks authorization_code"_s);
        if (!stringsOf(json.value(u"code_challenge_methods_supported"_s)).contains(u"S256"_s))
            problems.append(u"code_challenge_methods_supported lacks S256"_s);
        if (stringsOf(json.value(u"capabilities"_s)).contains(u"sso-openid-connect"_s)
            && (!json.value(u"issuer"_s).isString() || !json.value(u"jwks_uri"_s).isString()))
            problems.append(u"sso-openid-connect without issuer and jwks_uri"_s);
        if (problems.isEmpty())
            m_smartConfiguration = json;
        report(name, rule, problems.isEmpty(),
               problems.isEmpty() ? u"%1 capabilities"_s.arg(json.value(u"capabilities"_s).toArray().size())
                                  : problems.join(u"; "_s));
        next();
    });
}

void SelfCheck::checkSmartConfigurationUnderFhirBase(std::function<void()> next)
{
    get(m_fhirBase + u"/.well-known/smart-configuration"_s, [this, next](const Reply &reply) {
        const QString name = u"discovery: under the FHIR base"_s;
        const QString rule = u"SMART App Launch 2.0: [base]/.well-known/smart-configuration"_s;
        if (reply.status != 200 || !reply.isJson())
            report(name, rule, false, u"expected 200 with JSON, got "_s + reply.describe());
        else if (m_smartConfiguration.isEmpty())
            notRun(name, rule, u"no valid smart-configuration at the root to compare with"_s);
        else
            report(name, rule, reply.json() == m_smartConfiguration,
                   reply.json() == m_smartConfiguration ? u"same document as at the root"_s
                                                        : u"differs from the document at the root"_s);
        next();
    });
}

void SelfCheck::checkOpenidConfiguration(std::function<void()> next)
{
    get(u"/.well-known/openid-configuration"_s, [this, next](const Reply &reply) {
        const QString name = u"discovery: openid-configuration"_s;
        const QString rule = u"OpenID Connect Discovery 1.0, sections 3 and 4.3"_s;
        if (reply.status != 200 || !reply.isJson()) {
            report(name, rule, false, u"expected 200 with JSON, got "_s + reply.describe());
            return next();
        }
        const QJsonObject json = reply.json();
        QStringList problems;
        for (const QString &field :
             {u"issuer"_s, u"authorization_endpoint"_s, u"jwks_uri"_s, u"response_types_supported"_s,
              u"subject_types_supported"_s, u"id_token_signing_alg_values_supported"_s}) {
            if (!json.contains(field))
                problems.append(field + u" missing"_s);
        }
        if (json.value(u"issuer"_s).toString() != m_base.toString())
            problems.append(u"issuer %1 is not %2"_s.arg(json.value(u"issuer"_s).toString(), m_base.toString()));
        if (!m_smartConfiguration.isEmpty() && json.value(u"issuer"_s) != m_smartConfiguration.value(u"issuer"_s))
            problems.append(u"issuer differs from the smart-configuration's"_s);
        if (!stringsOf(json.value(u"id_token_signing_alg_values_supported"_s)).contains(u"RS256"_s))
            problems.append(u"id_token_signing_alg_values_supported lacks RS256"_s);
        report(name, rule, problems.isEmpty(),
               problems.isEmpty() ? json.value(u"issuer"_s).toString() : problems.join(u"; "_s));
        next();
    });
}

void SelfCheck::checkCapabilityStatement(std::function<void()> next)
{
    get(m_fhirBase + u"/metadata"_s, [this, next](const Reply &reply) {
        const QString name = u"FHIR: CapabilityStatement"_s;
        const QString rule = u"FHIR R4 capabilities; SMART oauth-uris extension"_s;
        const QJsonObject json = reply.json();
        if (reply.status != 200 || json.value(u"resourceType"_s) != u"CapabilityStatement"_s) {
            report(name, rule, false, u"expected a CapabilityStatement, got "_s + reply.describe());
            return next();
        }
        QHash<QString, QString> uris;
        const QJsonArray extensions = json[u"rest"_s][0][u"security"_s][u"extension"_s].toArray();
        for (const QJsonValue &extension : extensions) {
            if (extension[u"url"_s].toString().endsWith(u"/StructureDefinition/oauth-uris"_s)) {
                for (const QJsonValue &uri : extension[u"extension"_s].toArray())
                    uris.insert(uri[u"url"_s].toString(), uri[u"valueUri"_s].toString());
            }
        }
        QStringList problems;
        if (!uris.contains(u"authorize"_s) || !uris.contains(u"token"_s))
            problems.append(u"oauth-uris lacks authorize or token"_s);
        else if (!m_smartConfiguration.isEmpty()
                 && (uris.value(u"authorize"_s) != m_smartConfiguration.value(u"authorization_endpoint"_s).toString()
                     || uris.value(u"token"_s) != m_smartConfiguration.value(u"token_endpoint"_s).toString()))
            problems.append(u"oauth-uris disagree with the smart-configuration's endpoints"_s);
        report(name, rule, problems.isEmpty(),
               problems.isEmpty()
                   ? u"fhirVersion %1, %2 oauth-uris"_s.arg(json.value(u"fhirVersion"_s).toString()).arg(uris.size())
                   : problems.join(u"; "_s));
        next();
    });
}

void SelfCheck::checkJwks(std::function<void()> next)
{
    const QString name = u"JWKS"_s;
    const QString rule = u"RFC 7517 section 5; no private members (RFC 7518 section 6.3.2)"_s;
    const QString uri = m_smartConfiguration.value(u"jwks_uri"_s).toString();
    if (uri.isEmpty()) {
        notRun(name, rule, u"no jwks_uri in the smart-configuration"_s);
        return next();
    }
    get(uri, [this, name, rule, next](const Reply &reply) {
        const QJsonArray keys = reply.json().value(u"keys"_s).toArray();
        QStringList problems;
        if (reply.status != 200 || keys.isEmpty())
            problems.append(u"expected a key set, got "_s + reply.describe());
        for (const QJsonValue &key : keys) {
            if (!key[u"kty"_s].isString() || !key[u"kid"_s].isString())
                problems.append(u"a key without kty or kid"_s);
            for (const QString &member : {u"d"_s, u"p"_s, u"q"_s, u"dp"_s, u"dq"_s, u"qi"_s}) {
                if (key.toObject().contains(member))
                    problems.append(u"a key publishes its private member %1"_s.arg(member));
            }
        }
        if (problems.isEmpty())
            m_jwks = reply.json();
        report(name, rule, problems.isEmpty(),
               problems.isEmpty() ? u"%1 public key(s)"_s.arg(keys.size()) : problems.join(u"; "_s));
        next();
    });
}

void SelfCheck::checkRegistration(std::function<void()> next)
{
    m_redirectUri = u"http://127.0.0.1:9/self-check/callback"_s;
    const QString endpoint = m_smartConfiguration.value(u"registration_endpoint"_s).toString();
    const QJsonObject metadata{{u"client_name"_s, u"SMART Sandbox self-check"_s},
                               {u"redirect_uris"_s, QJsonArray{m_redirectUri}},
                               {u"token_endpoint_auth_method"_s, u"none"_s},
                               {u"scope"_s, s_scope}};
    send("POST", endpoint.isEmpty() ? u"/oauth/register"_s : endpoint, QJsonDocument(metadata).toJson(),
         {{"Content-Type", "application/json"}}, [this, next](const Reply &reply) {
             const QJsonObject json = reply.json();
             const bool ok = reply.status == 201 && json.value(u"client_id"_s).isString()
                 && stringsOf(json.value(u"redirect_uris"_s)) == QStringList{m_redirectUri};
             if (ok) {
                 m_clientId = json.value(u"client_id"_s).toString();
                 m_registrationUri = json.value(u"registration_client_uri"_s).toString();
                 m_registrationToken = json.value(u"registration_access_token"_s).toString();
             }
             report(u"registration: public client"_s, u"RFC 7591 section 3.2.1"_s, ok,
                    ok ? u"client_id %1"_s.arg(m_clientId) : reply.describe());
             next();
         });
}

void SelfCheck::checkRegistrationError(std::function<void()> next)
{
    const QString endpoint = m_smartConfiguration.value(u"registration_endpoint"_s).toString();
    send("POST", endpoint.isEmpty() ? u"/oauth/register"_s : endpoint,
         R"({"client_name":"self-check","redirect_uris":"not a list"})", {{"Content-Type", "application/json"}},
         [this, next](const Reply &reply) {
             const QString error = reply.json().value(u"error"_s).toString();
             const bool ok
                 = reply.status == 400 && (error == u"invalid_redirect_uri"_s || error == u"invalid_client_metadata"_s);
             report(u"registration: bad metadata"_s, u"RFC 7591 section 3.2.2"_s, ok,
                    ok ? u"400 %1"_s.arg(error) : u"expected 400 invalid_redirect_uri, got "_s + reply.describe());
             next();
         });
}

void SelfCheck::checkAuthorization(std::function<void()> next)
{
    const QString name = u"authorize: sign-in, picker, consent"_s;
    const QString rule = u"RFC 6749 section 4.1.2 (code and state)"_s;
    if (m_clientId.isEmpty() || m_smartConfiguration.isEmpty()) {
        notRun(name, rule, u"needs the discovery document and a registered client"_s);
        return next();
    }
    m_state = Secrets::randomToken(16);
    m_nonce = Secrets::randomToken(16);
    m_verifier = Secrets::randomToken(32);
    QString url = m_smartConfiguration.value(u"authorization_endpoint"_s).toString();
    const QList<QPair<QString, QString>> parameters = {{u"response_type"_s, u"code"_s},
                                                       {u"client_id"_s, m_clientId},
                                                       {u"redirect_uri"_s, m_redirectUri},
                                                       {u"scope"_s, s_scope},
                                                       {u"state"_s, m_state},
                                                       {u"aud"_s, m_fhirBase},
                                                       {u"nonce"_s, m_nonce},
                                                       {u"code_challenge"_s, pkceChallenge(m_verifier)},
                                                       {u"code_challenge_method"_s, u"S256"_s}};
    for (const auto &[key, value] : parameters)
        url += (url.contains(u'?') ? u'&' : u'?') + key + u'=' + QString::fromLatin1(QUrl::toPercentEncoding(value));
    get(url, [this, next](const Reply &reply) { followPortal(reply, 0, next); });
}

// Plays the person at the browser: follows redirects inside the sandbox, signs in, picks the
// first patient, approves every offered scope, and stops at the redirect back to the app.
void SelfCheck::followPortal(const Reply &reply, int hops, std::function<void()> next)
{
    const QString name = u"authorize: sign-in, picker, consent"_s;
    const QString rule = u"RFC 6749 section 4.1.2 (code and state)"_s;
    auto again = [this, hops, next](const Reply &following) { followPortal(following, hops + 1, next); };
    if (hops > 12) {
        report(name, rule, false, u"more than 12 pages or redirects"_s);
        return next();
    }
    if (reply.status == 302 || reply.status == 303) {
        const QString location = QString::fromUtf8(reply.header("location"));
        if (location.startsWith(m_redirectUri)) {
            const QUrlQuery query(QUrl(location).query(QUrl::FullyEncoded));
            m_code = query.queryItemValue(u"code"_s, QUrl::FullyDecoded);
            const QString state = query.queryItemValue(u"state"_s, QUrl::FullyDecoded);
            const bool ok = !m_code.isEmpty() && state == m_state;
            report(name, rule, ok,
                   ok ? u"code received, state returned unchanged"_s
                      : u"redirect without a code or with another state: "_s + location.left(200));
            return next();
        }
        if (location.startsWith(u'/') || location.startsWith(m_base.toString()))
            return get(location, again);
        report(name, rule, false, u"redirected away from the sandbox: "_s + location.left(200));
        return next();
    }
    const QByteArray &html = reply.body;
    if (reply.status == 200 && html.contains("id=\"sign-in\"")) {
        return postForm(u"/oauth/login"_s,
                        {{u"request"_s, formField(html, u"request"_s)},
                         {u"next"_s, formField(html, u"next"_s)},
                         {u"csrf"_s, formField(html, u"csrf"_s)},
                         {u"username"_s, s_username},
                         {u"password"_s, s_password}},
                        again);
    }
    if (reply.status == 200 && html.contains("data-patient-id=")) {
        static const QRegularExpression patient(u"data-patient-id=\"([^\"]+)\""_s);
        return postForm(u"/oauth/picker"_s,
                        {{u"request"_s, formField(html, u"request"_s)},
                         {u"csrf"_s, formField(html, u"csrf"_s)},
                         {u"patient_id"_s, patient.match(QString::fromUtf8(html)).captured(1)}},
                        again);
    }
    if (reply.status == 200 && html.contains("id=\"authorize\"")) {
        QList<QPair<QString, QString>> fields = {{u"request"_s, formField(html, u"request"_s)},
                                                 {u"csrf"_s, formField(html, u"csrf"_s)},
                                                 {u"decision"_s, u"approve"_s},
                                                 {u"expires"_s, formField(html, u"expires"_s)}};
        static const QRegularExpression offered(u"name=\"scope\" value=\"([^\"]*)\""_s);
        QRegularExpressionMatchIterator it = offered.globalMatch(QString::fromUtf8(html));
        while (it.hasNext())
            fields.append({u"scope"_s, it.next().captured(1)});
        return postForm(u"/oauth/consent"_s, fields, again);
    }
    report(name, rule, false, u"stopped on "_s + reply.describe());
    next();
}
