// SPDX-License-Identifier: Apache-2.0
// The handlers of the documented portal API: client registration, debug tokens, debug
// introspection, and the admin surface. Each reads the request into a plain value, calls a
// service and renders the answer; errors go through Http::errorResponse.

#include "clock.h"
#include "oauth/clientregistry.h"
#include "oauth/tokenservice.h"
#include "portalserver.h"
#include "requestlog.h"
#include "sandbox.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

// The reference server's error shape: RFC 6749 keys, and the same text under "description".
HttpResponse referenceError(const Error &error)
{
    HttpResponse response = HttpResponse::json(QJsonObject{{u"error"_s, error.code},
                                                           {u"error_description"_s, error.description},
                                                           {u"description"_s, error.description}},
                                               Http::statusFor(error.kind));
    return response;
}

QJsonObject debugTokenJson(const TokenView &view)
{
    return QJsonObject{
        {u"access_token"_s, view.token.accessToken},
        {u"refresh_token"_s, view.token.refreshToken},
        {u"token_type"_s, u"Bearer"_s},
        {u"expires_in"_s, (view.token.expiresAtMs - view.token.issuedAtMs) / 1000},
        {u"scope"_s, view.token.scope},
        {u"patient"_s, view.approval.patientId},
        {u"client_id"_s, view.token.clientId},
        {u"username"_s, view.approval.username},
        {u"approval_expires"_s, view.approval.expiresAtMs / 1000},
    };
}

QJsonObject introspectionJson(const FoundToken &found, qint64 nowMs)
{
    const TokenView &view = found.view;
    return QJsonObject{
        {u"access_expires"_s, Http::httpDate(view.token.expiresAtMs)},
        {u"access_token"_s, view.token.accessToken},
        {u"active"_s, found.active(nowMs)},
        {u"approval_expires"_s,
         view.hasApproval ? QJsonValue(Http::httpDate(view.approval.expiresAtMs)) : QJsonValue()},
        {u"client_id"_s, view.token.clientId},
        {u"refresh_token"_s, view.token.refreshToken.isNull() ? QJsonValue() : view.token.refreshToken},
        {u"scope"_s, view.token.scope},
        {u"security_labels"_s, QJsonArray::fromStringList(view.approval.securityLabels)},
        {u"token_type"_s, u"Bearer"_s},
        {u"username"_s, view.approval.username.isEmpty() ? QJsonValue() : view.approval.username},
        {u"patient"_s, view.approval.patientId.isEmpty() ? QJsonValue() : view.approval.patientId},
        {u"revoked"_s, view.token.revokedAtMs != 0 || view.approval.revokedAtMs != 0},
    };
}

} // namespace

HttpResponse PortalServer::home(const HttpRequest &request)
{
    const QString base = baseUrl(request);
    return HttpResponse::json(QJsonObject{
        {u"name"_s, u"SMART Sandbox"_s},
        {u"version"_s, QStringLiteral(SANDBOX_VERSION)},
        {u"endpoints"_s,
         QJsonObject{{u"register"_s, QString(base + u"/oauth/register"_s)},
                     {u"debug_token"_s, QString(base + u"/oauth/debug/token"_s)},
                     {u"debug_introspect"_s, QString(base + u"/oauth/debug/introspect"_s)},
                     {u"admin_status"_s, QString(base + u"/admin/status"_s)},
                     {u"admin_reset"_s, QString(base + u"/admin/reset"_s)},
                     {u"admin_requests"_s, QString(base + u"/admin/requests"_s)}}},
    });
}

HttpResponse PortalServer::registerClient(const HttpRequest &request)
{
    Result<QJsonObject> metadata = Http::parseJsonObject(request.body, u"invalid_client_metadata"_s);
    if (!metadata)
        return referenceError(metadata.error());
    Result<Client> client = m_sandbox.clients().registerClient(metadata.value(), u"http"_s);
    if (!client)
        return referenceError(client.error());
    HttpResponse response = HttpResponse::json(clientInformation(client.value(), request), 201);
    response.clientId = client.value().id;
    return response;
}

HttpResponse PortalServer::mintDebugToken(const HttpRequest &request)
{
    Result<QJsonObject> body = Http::parseJsonObject(request.body, u"invalid_request"_s);
    if (!body)
        return referenceError(body.error());
    Result<DebugTokenRequest> parsed = DebugTokenRequest::fromJson(body.value());
    if (!parsed)
        return referenceError(parsed.error());
    Result<TokenView> minted = m_sandbox.tokens().mintDebugToken(parsed.value());
    if (!minted) {
        HttpResponse response = referenceError(minted.error());
        response.clientId = parsed.value().clientId;
        return response;
    }
    HttpResponse response = HttpResponse::json(debugTokenJson(minted.value()));
    response.clientId = minted.value().token.clientId;
    response.tokenId = minted.value().token.id;
    return response;
}

HttpResponse PortalServer::introspectDebug(const HttpRequest &request)
{
    Result<FoundToken> found = m_sandbox.tokens().find(request.queryValue(u"token"_s));
    if (!found)
        return referenceError(found.error());
    HttpResponse response = HttpResponse::json(introspectionJson(found.value(), m_sandbox.clock().nowMs()));
    response.clientId = found.value().view.token.clientId;
    response.tokenId = found.value().view.token.id;
    return response;
}

HttpResponse PortalServer::adminReset(const HttpRequest &)
{
    if (Status reset = m_sandbox.reset(); !reset)
        return Http::errorResponse(reset.error());
    Result<QJsonObject> status = m_sandbox.statusJson(baseUrl());
    if (!status)
        return Http::errorResponse(status.error());
    return HttpResponse::json(QJsonObject{{u"reset"_s, true}, {u"counts"_s, status.value().value(u"counts"_s)}});
}

HttpResponse PortalServer::adminStatus(const HttpRequest &request)
{
    Result<QJsonObject> status = m_sandbox.statusJson(baseUrl(request));
    if (!status)
        return Http::errorResponse(status.error());
    return HttpResponse::json(status.value());
}

HttpResponse PortalServer::adminRequests(const HttpRequest &request)
{
    const QString limitText = request.queryValue(u"limit"_s);
    int limit = 100;
    if (!limitText.isNull()) {
        bool ok = false;
        limit = limitText.toInt(&ok);
        if (!ok || limit < 1 || limit > 10'000)
            return HttpResponse::error(400, u"invalid_request"_s, u"limit must be a whole number from 1 to 10000"_s);
    }
    RequestLog &log = m_sandbox.requestLog();
    // A database that refuses writes (read-only, full) still shows what it holds.
    if (Status flushed = log.flush(); !flushed && flushed.error().kind != ErrorKind::Unavailable)
        return Http::errorResponse(flushed.error());
    Result<QList<RequestLogEntry>> entries = log.newest(limit);
    if (!entries)
        return Http::errorResponse(entries.error());
    QJsonArray array;
    for (const RequestLogEntry &entry : entries.value())
        array.append(entry.toJson());
    return HttpResponse::json(QJsonObject{{u"requests"_s, array}});
}
