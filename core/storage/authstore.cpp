// SPDX-License-Identifier: Apache-2.0
#include "authstore.h"

#include "database.h"
#include "jsontext.h"

using namespace Qt::StringLiterals;

namespace {

QString text(const QSqlRecord &record, int index)
{
    return record.isNull(index) ? QString() : record.value(index).toString();
}

Status done(const Result<int> &result)
{
    if (!result)
        return result.error();
    return Done{};
}

const auto s_requestColumns = u"request_id, client_id, redirect_uri, scope, state, nonce, code_challenge, "
                              "code_challenge_method, aud, launch_id, username, patient_id, encounter_id, csrf_token, "
                              "findings, created_at, expires_at"_s;

const auto s_codeColumns = u"code, approval_id, client_id, redirect_uri, scope, code_challenge, "
                           "code_challenge_method, nonce, launch_context, created_at, expires_at, used_at"_s;

} // namespace

Status AuthStore::insertRequest(const AuthorizationRequest &request) const
{
    return done(m_database.change(
        u"INSERT INTO authorization_requests (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(
            s_requestColumns),
        {request.id, request.clientId, request.redirectUri, request.scope, Database::nullable(request.state),
         Database::nullable(request.nonce), Database::nullable(request.codeChallenge),
         Database::nullable(request.codeChallengeMethod), request.aud, Database::nullable(request.launchId),
         Database::nullable(request.username), Database::nullable(request.patientId),
         Database::nullable(request.encounterId), request.csrfToken, JsonText::fromStringList(request.findings),
         request.createdAtMs, request.expiresAtMs}));
}

Result<std::optional<AuthorizationRequest>> AuthStore::findRequest(const QString &requestId) const
{
    auto record = m_database.one(u"SELECT %1 FROM authorization_requests WHERE request_id = ?"_s.arg(s_requestColumns),
                                 {requestId});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<AuthorizationRequest>();
    const QSqlRecord &row = *record.value();
    AuthorizationRequest request;
    request.id = row.value(0).toString();
    request.clientId = row.value(1).toString();
    request.redirectUri = row.value(2).toString();
    request.scope = row.value(3).toString();
    request.state = text(row, 4);
    request.nonce = text(row, 5);
    request.codeChallenge = text(row, 6);
    request.codeChallengeMethod = text(row, 7);
    request.aud = row.value(8).toString();
    request.launchId = text(row, 9);
    request.username = text(row, 10);
    request.patientId = text(row, 11);
    request.encounterId = text(row, 12);
    request.csrfToken = row.value(13).toString();
    request.findings = JsonText::toStringList(row.value(14).toString());
    request.createdAtMs = row.value(15).toLongLong();
    request.expiresAtMs = row.value(16).toLongLong();
    return std::optional<AuthorizationRequest>(request);
}

Status AuthStore::updateRequestSubject(const QString &requestId, const QString &username,
                                       const QString &patientId) const
{
    return done(
        m_database.change(u"UPDATE authorization_requests SET username = ?, patient_id = ? WHERE request_id = ?"_s,
                          {Database::nullable(username), Database::nullable(patientId), requestId}));
}

Status AuthStore::deleteRequest(const QString &requestId) const
{
    return done(m_database.change(u"DELETE FROM authorization_requests WHERE request_id = ?"_s, {requestId}));
}

Status AuthStore::insertCode(const AuthorizationCode &code) const
{
    return done(m_database.change(
        u"INSERT INTO authorization_codes (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(s_codeColumns),
        {code.code, code.approvalId, code.clientId, code.redirectUri, code.scope,
         Database::nullable(code.codeChallenge), Database::nullable(code.codeChallengeMethod),
         Database::nullable(code.nonce), JsonText::fromObject(code.launchContext), code.createdAtMs, code.expiresAtMs,
         Database::nullable(code.usedAtMs, code.usedAtMs == 0)}));
}

Result<std::optional<AuthorizationCode>> AuthStore::findCode(const QString &code) const
{
    auto record = m_database.one(u"SELECT %1 FROM authorization_codes WHERE code = ?"_s.arg(s_codeColumns), {code});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<AuthorizationCode>();
    const QSqlRecord &row = *record.value();
    AuthorizationCode result;
    result.code = row.value(0).toString();
    result.approvalId = row.value(1).toString();
    result.clientId = row.value(2).toString();
    result.redirectUri = row.value(3).toString();
    result.scope = row.value(4).toString();
    result.codeChallenge = text(row, 5);
    result.codeChallengeMethod = text(row, 6);
    result.nonce = text(row, 7);
    result.launchContext = JsonText::toObject(row.value(8).toString());
    result.createdAtMs = row.value(9).toLongLong();
    result.expiresAtMs = row.value(10).toLongLong();
    result.usedAtMs = row.isNull(11) ? 0 : row.value(11).toLongLong();
    return std::optional<AuthorizationCode>(result);
}

Result<bool> AuthStore::useCode(const QString &code, qint64 nowMs) const
{
    Result<int> changed = m_database.change(
        u"UPDATE authorization_codes SET used_at = ? WHERE code = ? AND used_at IS NULL"_s, {nowMs, code});
    if (!changed)
        return changed.error();
    return changed.value() == 1;
}

Status AuthStore::insertLaunch(const Launch &launch) const
{
    return done(m_database.change(
        u"INSERT INTO launches (launch_id, client_id, username, patient_id, encounter_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
        {launch.id, launch.clientId, launch.username, Database::nullable(launch.patientId),
         Database::nullable(launch.encounterId), launch.createdAtMs, launch.expiresAtMs}));
}

Result<std::optional<Launch>> AuthStore::findLaunch(const QString &launchId) const
{
    auto record = m_database.one(u"SELECT launch_id, client_id, username, patient_id, encounter_id, created_at, "
                                 "expires_at FROM launches WHERE launch_id = ?"_s,
                                 {launchId});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<Launch>();
    const QSqlRecord &row = *record.value();
    return std::optional<Launch>(Launch{row.value(0).toString(), row.value(1).toString(), row.value(2).toString(),
                                        text(row, 3), text(row, 4), row.value(5).toLongLong(),
                                        row.value(6).toLongLong()});
}

Status AuthStore::insertSession(const PortalSession &session) const
{
    return done(
        m_database.change(u"INSERT INTO sessions (session_id, username, created_at, expires_at) VALUES (?, ?, ?, ?)"_s,
                          {session.id, session.username, session.createdAtMs, session.expiresAtMs}));
}

Result<std::optional<PortalSession>> AuthStore::findSession(const QString &sessionId) const
{
    auto record = m_database.one(
        u"SELECT session_id, username, created_at, expires_at FROM sessions WHERE session_id = ?"_s, {sessionId});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<PortalSession>();
    const QSqlRecord &row = *record.value();
    return std::optional<PortalSession>(PortalSession{row.value(0).toString(), row.value(1).toString(),
                                                      row.value(2).toLongLong(), row.value(3).toLongLong()});
}

Status AuthStore::deleteSession(const QString &sessionId) const
{
    return done(m_database.change(u"DELETE FROM sessions WHERE session_id = ?"_s, {sessionId}));
}

Result<bool> AuthStore::rememberAssertion(const QString &clientId, const QString &jti, qint64 expiresAtMs) const
{
    Result<int> inserted
        = m_database.change(u"INSERT INTO used_assertions (client_id, jti, expires_at) VALUES (?, ?, ?) "
                            "ON CONFLICT (client_id, jti) DO NOTHING"_s,
                            {clientId, jti, expiresAtMs});
    if (!inserted)
        return inserted.error();
    return inserted.value() == 1;
}

Status AuthStore::purgeExpired(qint64 nowMs) const
{
    return m_database.transaction([&]() -> Status {
        for (const QString &table : {u"authorization_requests"_s, u"sessions"_s, u"launches"_s, u"used_assertions"_s}) {
            if (Status status = done(m_database.change(u"DELETE FROM %1 WHERE expires_at < ?"_s.arg(table), {nowMs}));
                !status)
                return status;
        }
        return Done{};
    });
}
