// SPDX-License-Identifier: Apache-2.0
#include "oauthflow.h"

#include "oauth/secrets.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace TestSupport {

Pkce Pkce::make()
{
    Pkce pkce;
    pkce.verifier = Secrets::randomToken(32);
    pkce.challenge = QString::fromLatin1(QCryptographicHash::hash(pkce.verifier.toLatin1(), QCryptographicHash::Sha256)
                                             .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    return pkce;
}

QString authorizeQuery(const QString &base, const QString &clientId, const QString &redirectUri, const QString &scope,
                       const QString &state, const Pkce &pkce, const QList<QPair<QString, QString>> &extra)
{
    QList<QPair<QString, QString>> items = {{u"response_type"_s, u"code"_s},
                                            {u"client_id"_s, clientId},
                                            {u"redirect_uri"_s, redirectUri},
                                            {u"scope"_s, scope},
                                            {u"state"_s, state},
                                            {u"aud"_s, base + u"/api/fhir"_s}};
    if (!pkce.challenge.isEmpty()) {
        items.append({u"code_challenge"_s, pkce.challenge});
        items.append({u"code_challenge_method"_s, u"S256"_s});
    }
    items += extra;
    QString query;
    for (const auto &[name, value] : items) {
        if (value.isNull())
            continue;
        query += (query.isEmpty() ? u"?"_s : u"&"_s) + QString::fromLatin1(QUrl::toPercentEncoding(name)) + u'='
            + QString::fromLatin1(QUrl::toPercentEncoding(value));
    }
    return u"/oauth/authorize"_s + query;
}

AppRedirect PortalBrowser::open(const QString &pathAndQuery)
{
    return follow(m_http.get(pathAndQuery));
}

AppRedirect PortalBrowser::follow(const Reply &first)
{
    Reply reply = first;
    for (int hops = 0; hops < 10; ++hops) {
        if (reply.status != 302 && reply.status != 303)
            break;
        QString location = QString::fromUtf8(reply.header("Location"));
        if (location.startsWith(m_http.base()))
            location = location.mid(m_http.base().size());
        else if (location.startsWith(m_http.publicBase()))
            location = location.mid(m_http.publicBase().size());
        if (!location.startsWith(u'/')) {
            AppRedirect redirect;
            redirect.url = location;
            redirect.query = QUrlQuery(QUrl(location).query(QUrl::FullyEncoded));
            redirect.page = reply;
            return redirect;
        }
        reply = m_http.get(location);
    }
    AppRedirect stopped;
    stopped.page = reply;
    return stopped;
}

QString PortalBrowser::field(const QByteArray &html, const QString &name)
{
    const QRegularExpression pattern(u"name=\"%1\"[^>]*value=\"([^\"]*)\""_s.arg(QRegularExpression::escape(name)));
    const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(html));
    if (!match.hasMatch())
        return {};
    QString value = match.captured(1);
    value.replace(u"&quot;"_s, u"\""_s).replace(u"&lt;"_s, u"<"_s).replace(u"&gt;"_s, u">"_s);
    value.replace(u"&#39;"_s, u"'"_s).replace(u"&amp;"_s, u"&"_s);
    return value;
}

AppRedirect PortalBrowser::signIn(const Reply &loginPage, const QString &username, const QString &password)
{
    return follow(m_http.postForm(u"/oauth/login"_s,
                                  {{u"request"_s, field(loginPage.body, u"request"_s)},
                                   {u"next"_s, field(loginPage.body, u"next"_s)},
                                   {u"csrf"_s, field(loginPage.body, u"csrf"_s)},
                                   {u"username"_s, username},
                                   {u"password"_s, password}}));
}

AppRedirect PortalBrowser::pickPatient(const Reply &pickerPage, const QString &patientId)
{
    return follow(m_http.postForm(u"/oauth/picker"_s,
                                  {{u"request"_s, field(pickerPage.body, u"request"_s)},
                                   {u"csrf"_s, field(pickerPage.body, u"csrf"_s)},
                                   {u"patient_id"_s, patientId}}));
}

AppRedirect PortalBrowser::consent(const Reply &consentPage, bool approve, const QStringList &scopes,
                                   const QString &until)
{
    QList<QPair<QString, QString>> fields
        = {{u"request"_s, field(consentPage.body, u"request"_s)},
           {u"csrf"_s, field(consentPage.body, u"csrf"_s)},
           {u"decision"_s, approve ? u"approve"_s : u"deny"_s},
           {u"expires"_s, until.isEmpty() ? field(consentPage.body, u"expires"_s) : until}};
    QStringList ticked = scopes;
    if (ticked.isEmpty()) {
        static const QRegularExpression offered(u"name=\"scope\" value=\"([^\"]*)\""_s);
        QRegularExpressionMatchIterator it = offered.globalMatch(QString::fromUtf8(consentPage.body));
        while (it.hasNext())
            ticked.append(it.next().captured(1));
    }
    for (const QString &scope : std::as_const(ticked))
        fields.append({u"scope"_s, scope});
    return follow(m_http.postForm(u"/oauth/consent"_s, fields));
}

AppRedirect PortalBrowser::authorize(const QString &authorizeQuery, const QString &username, const QString &patientId)
{
    AppRedirect step = open(authorizeQuery);
    for (int pages = 0; pages < 4 && step.url.isEmpty(); ++pages) {
        const QByteArray &html = step.page.body;
        if (html.contains("id=\"sign-in\""))
            step = signIn(step.page, username);
        else if (html.contains("data-patient-id"))
            step = pickPatient(step.page, patientId);
        else if (html.contains("id=\"authorize\""))
            step = consent(step.page, true);
        else
            break;
    }
    return step;
}

} // namespace TestSupport
