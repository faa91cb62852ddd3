// SPDX-License-Identifier: Apache-2.0
// The handlers of the documented portal API: client registration, debug tokens, debug
// introspection, and the admin surface. Each reads the request into a plain value, calls a
// service and renders the answer; errors go through Http::errorResponse.

#include "clock.h"
#include "jsonwriter.h"
#include "oauth/clientregistry.h"
#include "oauth/tokenservice.h"
#include "portalserver.h"
#include "requestlog.h"
#include "sandbox.h"

#include <QJsonArray>
#include <QJsonDocument>

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

// Both answers are written with JsonWriter, keys in sorted order as QJsonObject had them.
QByteArray debugTokenJson(const TokenView &view, const DebugTokenRequest &request)
{
    const bool defective = view.token.defect != TokenDefect::None;
    JsonWriter json;
    json.string("access_token"_L1, view.token.accessToken)
        .string("access_token_format"_L1, accessTokenFormatName(view.token.format))
        .number("approval_expires"_L1, view.approval.expiresAtMs / 1000)
        .string("client_id"_L1, view.token.clientId);
    if (defective)
        json.string("defect"_L1, TokenDefects::name(view.token.defect))
            .string("defect_description"_L1, TokenDefects::consequence(view.token.defect));
    json.number("expires_in"_L1, (view.token.expiresAtMs - view.token.issuedAtMs) / 1000)
        .string("patient"_L1, view.approval.patientId)
        .string("refresh_token"_L1, view.token.refreshToken);
    if (defective && view.token.defect == TokenDefect::OtherPatient)
        json.string("requested_patient"_L1, request.patientId);
    return json.string("scope"_L1, view.token.scope)
        .string("token_type"_L1, u"Bearer")
        .string("username"_L1, view.approval.username)
        .finish();
}

QByteArray introspectionJson(const FoundToken &found, qint64 nowMs)
{
    const TokenView &view = found.view;
    JsonWriter json;
    json.string("access_expires"_L1, Http::httpDate(view.token.expiresAtMs))
        .string("access_token"_L1, view.token.accessToken)
        .string("access_token_format"_L1, accessTokenFormatName(view.token.format))
        .boolean("active"_L1, found.active(nowMs))
        .stringOrNull("approval_expires"_L1, view.hasApproval ? Http::httpDate(view.approval.expiresAtMs) : QString(),
                      !view.hasApproval)
        .string("client_id"_L1, view.token.clientId);
    if (view.token.defect != TokenDefect::None)
        json.string("defect"_L1, TokenDefects::name(view.token.defect));
    json.stringOrNull("patient"_L1, view.approval.patientId, view.approval.patientId.isEmpty())
        .stringOrNull("refresh_token"_L1, view.token.refreshToken, view.token.refreshToken.isNull());
    if (!found.rejection.isEmpty())
        json.string("rejection"_L1, found.rejection);
    return json.boolean("revoked"_L1, view.token.revokedAtMs != 0 || view.approval.revokedAtMs != 0)
        .string("scope"_L1, view.token.scope)
        .strings("security_labels"_L1, view.approval.securityLabels)
        .string("token_type"_L1, u"Bearer")
        .stringOrNull("username"_L1, view.approval.username, view.approval.username.isEmpty())
        .finish();
}

} // namespace

HttpResponse PortalServer::home(const HttpRequest &request)
{
    // The answer depends on the base URL only: made once per base (the Host header picks it, so
    // the cache is bounded), it skips a QJsonObject and toJson per request.
    const QString base = baseUrl(request);
    if (const auto cached = m_homeBodies.constFind(base); cached != m_homeBodies.cend())
        return HttpResponse::jsonText(cached.value());
    if (m_homeBodies.size() >= 16)
        m_homeBodies.clear();
    const QByteArray body
        = QJsonDocument(QJsonObject{
                            {u"name"_s, u"SMART Sandbox"_s},
                            {u"version"_s, QStringLiteral(SANDBOX_VERSION)},
                            {u"endpoints"_s,
                             QJsonObject{{u"register"_s, QString(base + u"/oauth/register"_s)},
                                         {u"debug_token"_s, QString(base + u"/oauth/debug/token"_s)},
                                         {u"debug_introspect"_s, QString(base + u"/oauth/debug/introspect"_s)},
                                         {u"admin_status"_s, QString(base + u"/admin/status"_s)},
                                         {u"admin_reset"_s, QString(base + u"/admin/reset"_s)},
                                         {u"admin_requests"_s, QString(base + u"/admin/requests"_s)}}},
                        })
              .toJson(QJsonDocument::Compact);
    m_homeBodies.insert(base, body);
    return HttpResponse::jsonText(body);
}

HttpResponse PortalServer::registerClient(const HttpRequest &request)
{
    Result<QJsonObject> metadata = Http::parseJsonObject(request.body, u"invalid_client_metadata"_s);
    if (!metadata)
        return referenceError(metadata.error());
    Result<Client> client = m_sandbox.clients().registerClient(metadata.value(), u"http"_s);
    if (!client)
        return referenceError(client.error());
    HttpResponse response = HttpResponse::jsonText(clientInformation(client.value(), request), 201);
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
    Result<TokenView> minted = m_sandbox.tokens().mintDebugToken(parsed.value(), urls(request));
    if (!minted) {
        HttpResponse response = referenceError(minted.error());
        response.clientId = parsed.value().clientId;
        return response;
    }
    HttpResponse response = HttpResponse::jsonText(debugTokenJson(minted.value(), parsed.value()));
    response.clientId = minted.value().token.clientId;
    response.tokenId = minted.value().token.id;
    return response;
}

HttpResponse PortalServer::introspectDebug(const HttpRequest &request)
{
    Result<FoundToken> found = m_sandbox.tokens().findVerified(request.queryValue(u"token"_s), urls(request));
    if (!found)
        return referenceError(found.error());
    HttpResponse response = HttpResponse::jsonText(introspectionJson(found.value(), m_sandbox.clock().nowMs()));
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
