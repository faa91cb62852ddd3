// SPDX-License-Identifier: Apache-2.0
// The pages a person clicks through: /oauth/authorize, sign-in, the patient picker, consent, the
// list of authorized apps, and sign-out. Forms carry a CSRF token; the session is a cookie that
// scripts cannot read. The logic lives in AuthorizationService; this file renders and routes.

#include "clock.h"
#include "oauth/authorizationservice.h"
#include "oauth/scopes.h"
#include "oauth/secrets.h"
#include "pagerenderer.h"
#include "portalserver.h"
#include "sandbox.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>

using namespace Qt::StringLiterals;

namespace {

const auto s_sessionCookie = u"smart_sandbox_session"_s;
const auto s_loginCsrfCookie = u"smart_sandbox_login"_s;

QHash<QString, QStringList> formValues(const QByteArray &body)
{
    QHash<QString, QStringList> values;
    for (const auto &[name, value] : Http::decodeForm(body))
        values[name].append(value);
    return values;
}

QString first(const QHash<QString, QStringList> &values, const QString &name)
{
    const QStringList list = values.value(name);
    return list.isEmpty() ? QString() : list.first();
}

// A CSRF token tied to a session, for forms outside an authorization request (/apps).
QString sessionCsrf(const QString &sessionId)
{
    return QString::fromLatin1(QCryptographicHash::hash((u"csrf:"_s + sessionId).toUtf8(), QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString findingsBox(const QStringList &findings)
{
    if (findings.isEmpty())
        return {};
    QString items;
    for (const QString &finding : findings)
        items += u"<li>"_s + PageRenderer::escape(finding) + u"</li>"_s;
    return u"<div class=\"findings\"><strong>For the app's developer:</strong><ul>"_s + items + u"</ul></div>"_s;
}

} // namespace

HttpResponse PortalServer::messagePage(int status, const QString &heading, const QString &message,
                                       const QStringList &findings)
{
    HttpResponse response = HttpResponse::html(
        PageRenderer::page(u"message"_s, heading,
                           {{u"heading"_s, heading}, {u"message"_s, message}, {u"details"_s, findingsBox(findings)}}),
        status);
    response.findings = findings;
    return response;
}

std::optional<PortalSession> PortalServer::sessionOf(const HttpRequest &request) const
{
    Result<std::optional<PortalSession>> session = m_sandbox.authorization().session(request.cookie(s_sessionCookie));
    return session ? session.value() : std::nullopt;
}

QString PortalServer::accountLine(const std::optional<PortalSession> &session) const
{
    if (!session)
        return {};
    return u"<span class=\"account\">%1 · <a href=\"/apps\">Your apps</a> · <a href=\"/logout\">Sign out</a></span>"_s
        .arg(PageRenderer::escape(session->username));
}

HttpResponse PortalServer::portalCss(const HttpRequest &)
{
    QFile file(u":/portal/portal.css"_s);
    if (!file.open(QIODevice::ReadOnly))
        return HttpResponse::error(404, u"not_found"_s, u"The stylesheet is missing"_s);
    return HttpResponse{200, "text/css; charset=utf-8", file.readAll(), {}, {}, {}, {}, false};
}

HttpResponse PortalServer::authorize(const HttpRequest &request)
{
    if (request.method == "POST" && !request.header("content-type").startsWith("application/x-www-form-urlencoded"))
        return messagePage(400, tr("The app sent a bad request"),
                           tr("A POST to the authorization endpoint must be an HTML form "
                              "(application/x-www-form-urlencoded)."));
    const QueryItems parameters = request.method == "POST" ? Http::decodeForm(request.body) : request.queryItems();
    AuthorizeStart start = m_sandbox.authorization().begin(parameters, fhirBase(request));
    HttpResponse response;
    if (start.request) {
        response = continueFlow(*start.request, sessionOf(request));
    } else if (!start.errorRedirect.isEmpty()) {
        response = HttpResponse::redirect(start.errorRedirect, 302);
    } else if (start.error.kind == ErrorKind::Storage || start.error.kind == ErrorKind::Unavailable) {
        response = Http::errorResponse(start.error);
    } else {
        response = messagePage(400, tr("The app sent a request that cannot be answered"), start.error.description);
    }
    for (const auto &[name, value] : parameters) {
        if (name == u"client_id"_s)
            response.clientId = value;
    }
    response.findings = start.findings;
    return response;
}

HttpResponse PortalServer::continueFlow(AuthorizationRequest authorization, const std::optional<PortalSession> &session)
{
    const QString query = u"?request="_s + authorization.id;
    if (!session || (!authorization.launchId.isEmpty() && session->username != authorization.username))
        return HttpResponse::redirect(u"/oauth/login"_s + query);
    if (authorization.username != session->username || authorization.patientId.isEmpty()) {
        Result<AuthorizationRequest> chosen
            = m_sandbox.authorization().choose(authorization.id, session->username, authorization.patientId);
        if (!chosen)
            return messagePage(403, tr("This sign-in cannot continue"), chosen.error().description);
        authorization = chosen.value();
    }
    if (Scopes::needsPatient(authorization.scope) && authorization.patientId.isEmpty())
        return HttpResponse::redirect(u"/oauth/picker"_s + query);
    return HttpResponse::redirect(u"/oauth/consent"_s + query);
}

HttpResponse PortalServer::loginPage(const HttpRequest &request)
{
    return renderLogin(request, request.queryValue(u"request"_s), request.queryValue(u"next"_s), {}, 200);
}

HttpResponse PortalServer::renderLogin(const HttpRequest &, const QString &requestId, const QString &next,
                                       const QString &error, int status)
{
    QString csrf;
    QString username = u"daniel-adams"_s;
    QString intro = tr("Sign in to your patient portal.");
    QString cancel;
    HttpResponse response;
    if (!requestId.isEmpty()) {
        Result<AuthorizationRequest> authorization = m_sandbox.authorization().request(requestId);
        if (!authorization)
            return messagePage(400, tr("This sign-in has expired"), authorization.error().description);
        csrf = authorization.value().csrfToken;
        if (!authorization.value().username.isEmpty())
            username = authorization.value().username;
        Result<std::optional<Client>> client = m_sandbox.authorization().client(authorization.value().clientId);
        const QString name = client && client.value() ? client.value()->name : authorization.value().clientId;
        intro = tr("<strong>%1</strong> wants to connect to your records. Sign in to continue.")
                    .arg(PageRenderer::escape(name));
        cancel
            = u"<button id=\"cancel\" type=\"submit\" formaction=\"/oauth/consent\" formnovalidate name=\"decision\" "
              "value=\"deny\" class=\"secondary\">Do not approve</button>"_s;
    } else {
        csrf = Secrets::randomToken(24);
        response.setHeader("Set-Cookie",
                           (s_loginCsrfCookie + u'=' + csrf + u"; Path=/; HttpOnly; SameSite=Strict"_s).toLatin1());
    }
    const QString errorHtml
        = error.isEmpty() ? QString() : u"<p class=\"error\">"_s + PageRenderer::escape(error) + u"</p>"_s;
    const HeaderList headers = response.headers;
    response = HttpResponse::html(PageRenderer::page(u"login"_s, tr("Sign in"),
                                                     {{u"intro"_s, intro},
                                                      {u"error"_s, errorHtml},
                                                      {u"request"_s, requestId},
                                                      {u"next"_s, next},
                                                      {u"csrf"_s, csrf},
                                                      {u"username"_s, username},
                                                      {u"password"_s, u"demo-password"_s},
                                                      {u"cancel"_s, cancel}}),
                                  status);
    response.headers += headers;
    return response;
}

HttpResponse PortalServer::loginSubmit(const HttpRequest &request)
{
    const QHash<QString, QStringList> form = formValues(request.body);
    const QString requestId = first(form, u"request"_s);
    QString next = first(form, u"next"_s);
    if (!next.startsWith(u'/') || next.startsWith(u"//"_s) || next.contains(u'\\'))
        next = u"/apps"_s;
    const QString csrf = first(form, u"csrf"_s);
    std::optional<AuthorizationRequest> authorization;
    if (!requestId.isEmpty()) {
        Result<AuthorizationRequest> found = m_sandbox.authorization().request(requestId);
        if (!found)
            return messagePage(400, tr("This sign-in has expired"), found.error().description);
        if (!Secrets::constantTimeEquals(csrf, found.value().csrfToken))
            return messagePage(403, tr("The form is out of date"), tr("Reload the page and try again."),
                               {u"A sign-in form was posted without its CSRF token."_s});
        authorization = found.value();
    } else {
        const QString cookie = request.cookie(s_loginCsrfCookie);
        if (cookie.isEmpty() || !Secrets::constantTimeEquals(csrf, cookie))
            return messagePage(403, tr("The form is out of date"), tr("Reload the page and try again."),
                               {u"A sign-in form was posted without its CSRF token."_s});
    }
    Result<PortalSession> session
        = m_sandbox.authorization().signIn(first(form, u"username"_s), first(form, u"password"_s));
    if (!session)
        return renderLogin(request, requestId, next, session.error().description, 401);
    const QByteArray cookie
        = (s_sessionCookie + u'=' + session.value().id + u"; Path=/; HttpOnly; SameSite=Lax"_s).toLatin1();
    HttpResponse response;
    if (authorization) {
        response = continueFlow(*authorization, session.value());
    } else {
        response = HttpResponse::redirect(next);
    }
    response.setHeader("Set-Cookie", cookie);
    return response;
}

HttpResponse PortalServer::pickerPage(const HttpRequest &request)
{
    const std::optional<PortalSession> session = sessionOf(request);
    Result<AuthorizationRequest> authorization = m_sandbox.authorization().request(request.queryValue(u"request"_s));
    if (!authorization)
        return messagePage(400, tr("This sign-in has expired"), authorization.error().description);
    if (!session || authorization.value().username != session->username)
        return HttpResponse::redirect(u"/oauth/login?request="_s + authorization.value().id);
    Result<QList<UserPatient>> patients = m_sandbox.authorization().patientsOf(session->username);
    if (!patients)
        return Http::errorResponse(patients.error());
    QString buttons;
    for (const UserPatient &link : patients.value()) {
        const QString label = link.relationship == u"self"_s ? tr("%1 (Yourself)").arg(link.patient.displayName)
                                                             : link.patient.displayName;
        buttons += u"<button type=\"submit\" name=\"patient_id\" value=\"%1\" data-patient-id=\"%1\">%2</button>"_s.arg(
            PageRenderer::escape(link.patient.id), PageRenderer::escape(label));
    }
    Result<std::optional<Client>> client = m_sandbox.authorization().client(authorization.value().clientId);
    return HttpResponse::html(PageRenderer::page(
        u"picker"_s, tr("Who are you representing?"),
        {{u"client"_s, client && client.value() ? client.value()->name : authorization.value().clientId},
         {u"request"_s, authorization.value().id},
         {u"csrf"_s, authorization.value().csrfToken},
         {u"patients"_s, buttons}},
        accountLine(session)));
}

HttpResponse PortalServer::pickerSubmit(const HttpRequest &request)
{
    const QHash<QString, QStringList> form = formValues(request.body);
    const std::optional<PortalSession> session = sessionOf(request);
    Result<AuthorizationRequest> authorization = m_sandbox.authorization().request(first(form, u"request"_s));
    if (!authorization)
        return messagePage(400, tr("This sign-in has expired"), authorization.error().description);
    if (!Secrets::constantTimeEquals(first(form, u"csrf"_s), authorization.value().csrfToken))
        return messagePage(403, tr("The form is out of date"), tr("Reload the page and try again."));
    if (!session)
        return HttpResponse::redirect(u"/oauth/login?request="_s + authorization.value().id);
    Result<AuthorizationRequest> chosen
        = m_sandbox.authorization().choose(authorization.value().id, session->username, first(form, u"patient_id"_s));
    if (!chosen)
        return messagePage(403, tr("That patient cannot be chosen"), chosen.error().description);
    return continueFlow(chosen.value(), session);
}

HttpResponse PortalServer::consentPage(const HttpRequest &request)
{
    const std::optional<PortalSession> session = sessionOf(request);
    Result<AuthorizationRequest> authorization = m_sandbox.authorization().request(request.queryValue(u"request"_s));
    if (!authorization)
        return messagePage(400, tr("This sign-in has expired"), authorization.error().description);
    const AuthorizationRequest &pending = authorization.value();
    if (!session || pending.username != session->username)
        return HttpResponse::redirect(u"/oauth/login?request="_s + pending.id);
    if (Scopes::needsPatient(pending.scope) && pending.patientId.isEmpty())
        return HttpResponse::redirect(u"/oauth/picker?request="_s + pending.id);

    QString scopes;
    for (const QString &text : pending.scope.split(u' ', Qt::SkipEmptyParts)) {
        Result<Scope> scope = Scopes::parseOne(text);
        const QString description = scope ? Scopes::describe(scope.value()) : text;
        scopes += u"<label class=\"scope\"><input type=\"checkbox\" name=\"scope\" value=\"%1\" checked> "
                  "<span>%2 <code>%1</code></span></label>"_s.arg(PageRenderer::escape(text),
                                                                  PageRenderer::escape(description));
    }
    QString who = tr("You are signed in as %1.").arg(PageRenderer::escape(session->username));
    if (!pending.patientId.isEmpty()) {
        Result<QList<UserPatient>> patients = m_sandbox.authorization().patientsOf(session->username);
        if (patients) {
            for (const UserPatient &link : patients.value()) {
                if (link.patient.id != pending.patientId)
                    continue;
                who += u' '
                    + (link.relationship == u"self"_s
                           ? tr("The app will see your own record.")
                           : tr("The app will see the record of <strong>%1</strong>, whom you represent.")
                                 .arg(PageRenderer::escape(link.patient.displayName)));
            }
        }
    }
    const QDate today = m_sandbox.clock().now().date();
    Result<std::optional<Client>> client = m_sandbox.authorization().client(pending.clientId);
    HttpResponse response = HttpResponse::html(PageRenderer::page(
        u"consent"_s, tr("Share your records?"),
        {{u"client"_s, client && client.value() ? client.value()->name : pending.clientId},
         {u"who"_s, who},
         {u"request"_s, pending.id},
         {u"csrf"_s, pending.csrfToken},
         {u"scopes"_s, scopes},
         {u"expires"_s, today.addDays(AuthorizationService::s_defaultApprovalDays).toString(Qt::ISODate)},
         {u"today"_s, today.toString(Qt::ISODate)},
         {u"findings"_s, findingsBox(pending.findings)}},
        accountLine(session)));
    response.clientId = pending.clientId;
    return response;
}

HttpResponse PortalServer::consentSubmit(const HttpRequest &request)
{
    const QHash<QString, QStringList> form = formValues(request.body);
    const std::optional<PortalSession> session = sessionOf(request);
    Result<AuthorizationRequest> authorization = m_sandbox.authorization().request(first(form, u"request"_s));
    if (!authorization)
        return messagePage(400, tr("This sign-in has expired"), authorization.error().description);
    const AuthorizationRequest &pending = authorization.value();
    if (!Secrets::constantTimeEquals(first(form, u"csrf"_s), pending.csrfToken))
        return messagePage(403, tr("The form is out of date"), tr("Reload the page and try again."),
                           {u"A consent form was posted without its CSRF token."_s});
    HttpResponse response;
    if (first(form, u"decision"_s) == u"deny"_s) {
        Result<QString> url = m_sandbox.authorization().deny(pending.id);
        if (!url)
            return Http::errorResponse(url.error());
        response = HttpResponse::redirect(url.value(), 302);
    } else {
        if (!session || pending.username != session->username)
            return HttpResponse::redirect(u"/oauth/login?request="_s + pending.id);
        const QDate until = QDate::fromString(first(form, u"expires"_s), Qt::ISODate);
        const qint64 expires = until.isValid()
            ? QDateTime(until, QTime(23, 59, 59), Qt::UTC).toMSecsSinceEpoch()
            : m_sandbox.clock().nowMs() + AuthorizationService::s_defaultApprovalDays * 24 * 3600 * 1000;
        Result<QString> url
            = m_sandbox.authorization().approve(pending.id, form.value(u"scope"_s), expires, baseUrl(request));
        if (!url)
            return messagePage(400, tr("This approval cannot be completed"), url.error().description);
        response = HttpResponse::redirect(url.value(), 302);
    }
    response.clientId = pending.clientId;
    return response;
}

HttpResponse PortalServer::appsPage(const HttpRequest &request)
{
    const std::optional<PortalSession> session = sessionOf(request);
    if (!session)
        return HttpResponse::redirect(u"/oauth/login?next=/apps"_s);
    Result<QList<Approval>> approvals = m_sandbox.authorization().approvalsOf(session->username);
    if (!approvals)
        return Http::errorResponse(approvals.error());
    const qint64 now = m_sandbox.clock().nowMs();
    QString rows;
    for (const Approval &approval : approvals.value()) {
        Result<std::optional<Client>> client = m_sandbox.authorization().client(approval.clientId);
        const QString name = client && client.value() ? client.value()->name : approval.clientId;
        QString status;
        QString action;
        if (approval.revokedAtMs != 0) {
            status = tr("Revoked");
        } else if (approval.expiresAtMs <= now) {
            status = tr("Expired");
        } else {
            status = tr("Sharing");
            action
                = u"<form method=\"post\" action=\"/apps/revoke\"><input type=\"hidden\" name=\"csrf\" value=\"%1\">"
                  "<button type=\"submit\" class=\"danger\" name=\"approval_id\" value=\"%2\">%3</button></form>"_s.arg(
                      sessionCsrf(session->id), PageRenderer::escape(approval.id), tr("Revoke"));
        }
        rows += u"<tr><td>%1</td><td>%2</td><td><code>%3</code></td><td>%4</td><td>%5</td><td>%6</td></tr>"_s.arg(
            PageRenderer::escape(name), PageRenderer::escape(approval.patientId), PageRenderer::escape(approval.scope),
            QDateTime::fromMSecsSinceEpoch(approval.expiresAtMs, Qt::UTC).date().toString(Qt::ISODate), status, action);
    }
    const QString table = rows.isEmpty()
        ? u"<p>"_s + tr("You have not authorized any app yet.") + u"</p>"_s
        : u"<table><tr><th>%1</th><th>%2</th><th>%3</th><th>%4</th><th>%5</th><th></th></tr>"_s.arg(
              tr("App"), tr("Patient"), tr("Shares"), tr("Until"), tr("Status"))
            + rows + u"</table>"_s;
    return HttpResponse::html(PageRenderer::page(
        u"apps"_s, tr("Your apps"), {{u"user"_s, session->username}, {u"apps"_s, table}}, accountLine(session)));
}

HttpResponse PortalServer::appsRevoke(const HttpRequest &request)
{
    const std::optional<PortalSession> session = sessionOf(request);
    if (!session)
        return HttpResponse::redirect(u"/oauth/login?next=/apps"_s);
    const QHash<QString, QStringList> form = formValues(request.body);
    if (!Secrets::constantTimeEquals(first(form, u"csrf"_s), sessionCsrf(session->id)))
        return messagePage(403, tr("The form is out of date"), tr("Reload the page and try again."),
                           {u"A revoke form was posted without its CSRF token."_s});
    if (Status revoked = m_sandbox.authorization().revokeApproval(session->username, first(form, u"approval_id"_s));
        !revoked)
        return messagePage(Http::statusFor(revoked.error().kind), tr("Nothing was revoked"),
                           revoked.error().description);
    return HttpResponse::redirect(u"/apps"_s);
}

HttpResponse PortalServer::logout(const HttpRequest &request)
{
    const QString sessionId = request.cookie(s_sessionCookie);
    if (!sessionId.isEmpty())
        (void)m_sandbox.authorization().signOut(sessionId);
    HttpResponse response = messagePage(200, tr("Signed out"), tr("You are signed out of the portal."));
    response.setHeader("Set-Cookie", (s_sessionCookie + u"=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"_s).toLatin1());
    return response;
}
