// SPDX-License-Identifier: Apache-2.0
#include "tokenstore.h"

#include "database.h"
#include "jsontext.h"

using namespace Qt::StringLiterals;

namespace {

const auto s_approvalColumns = u"approval_id, client_id, username, patient_id, scope, security_labels, created_at, "
                               "expires_at, revoked_at, encounter_id"_s;

// The token's columns, then (from column 12) the approval's in s_approvalColumns order.
const auto s_select
    = u"SELECT t.token_id, t.access_token, t.refresh_token, t.approval_id, t.client_id, t.scope, t.origin, "
      "t.issued_at, t.expires_at, t.revoked_at, t.refresh_used_at, t.code, "
      "a.approval_id, a.client_id, a.username, a.patient_id, a.scope, a.security_labels, a.created_at, "
      "a.expires_at, a.revoked_at, a.encounter_id "
      "FROM tokens t LEFT JOIN approvals a ON a.approval_id = t.approval_id "_s;

QString optionalText(const QSqlRecord &record, int index)
{
    return record.isNull(index) ? QString() : record.value(index).toString();
}

// An approval from `s_approvalColumns`, read from column `first` on.
Approval approvalFrom(const QSqlRecord &record, int first = 0)
{
    Approval approval;
    approval.id = record.value(first + 0).toString();
    approval.clientId = record.value(first + 1).toString();
    approval.username = optionalText(record, first + 2);
    approval.patientId = optionalText(record, first + 3);
    approval.scope = record.value(first + 4).toString();
    approval.securityLabels = JsonText::toStringList(record.value(first + 5).toString());
    approval.createdAtMs = record.value(first + 6).toLongLong();
    approval.expiresAtMs = record.value(first + 7).toLongLong();
    approval.revokedAtMs = record.isNull(first + 8) ? 0 : record.value(first + 8).toLongLong();
    approval.encounterId = optionalText(record, first + 9);
    return approval;
}

TokenView viewFrom(const QSqlRecord &record)
{
    TokenView view;
    TokenRecord &token = view.token;
    token.id = record.value(0).toString();
    token.accessToken = record.value(1).toString();
    token.refreshToken = optionalText(record, 2);
    token.approvalId = optionalText(record, 3);
    token.clientId = record.value(4).toString();
    token.scope = record.value(5).toString();
    token.origin = record.value(6).toString();
    token.issuedAtMs = record.value(7).toLongLong();
    token.expiresAtMs = record.value(8).toLongLong();
    token.revokedAtMs = record.isNull(9) ? 0 : record.value(9).toLongLong();
    token.refreshUsedAtMs = record.isNull(10) ? 0 : record.value(10).toLongLong();
    token.code = optionalText(record, 11);
    view.hasApproval = !record.isNull(12);
    if (view.hasApproval)
        view.approval = approvalFrom(record, 12);
    return view;
}

} // namespace

Status TokenStore::insertApproval(const Approval &approval) const
{
    Result<int> inserted = m_database.change(
        u"INSERT INTO approvals (approval_id, client_id, username, patient_id, scope, security_labels, "
        "created_at, expires_at, revoked_at, encounter_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
        {approval.id, approval.clientId, Database::nullable(approval.username), Database::nullable(approval.patientId),
         approval.scope, JsonText::fromStringList(approval.securityLabels), approval.createdAtMs, approval.expiresAtMs,
         Database::nullable(approval.revokedAtMs, approval.revokedAtMs == 0),
         Database::nullable(approval.encounterId)});
    if (!inserted)
        return inserted.error();
    return Done{};
}

Status TokenStore::insertToken(const TokenRecord &token) const
{
    Result<int> inserted = m_database.change(
        u"INSERT INTO tokens (token_id, access_token, refresh_token, approval_id, client_id, scope, origin, "
        "issued_at, expires_at, revoked_at, refresh_used_at, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
        {token.id, token.accessToken, Database::nullable(token.refreshToken), Database::nullable(token.approvalId),
         token.clientId, token.scope, token.origin, token.issuedAtMs, token.expiresAtMs,
         Database::nullable(token.revokedAtMs, token.revokedAtMs == 0),
         Database::nullable(token.refreshUsedAtMs, token.refreshUsedAtMs == 0), Database::nullable(token.code)});
    if (!inserted)
        return inserted.error();
    return Done{};
}

Result<std::optional<TokenView>> TokenStore::findWhere(const QString &condition, const QString &value) const
{
    Result<std::optional<QSqlRecord>> record = m_database.one(s_select + u"WHERE "_s + condition, {value});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<TokenView>();
    return std::optional<TokenView>(viewFrom(*record.value()));
}

Result<std::optional<TokenView>> TokenStore::findByAccessToken(const QString &accessToken) const
{
    return findWhere(u"t.access_token = ?"_s, accessToken);
}

Result<std::optional<TokenView>> TokenStore::findByRefreshToken(const QString &refreshToken) const
{
    return findWhere(u"t.refresh_token = ?"_s, refreshToken);
}

Result<std::optional<TokenView>> TokenStore::findById(const QString &tokenId) const
{
    return findWhere(u"t.token_id = ?"_s, tokenId);
}

Result<QList<TokenView>> TokenStore::list() const
{
    Result<QList<QSqlRecord>> records = m_database.all(s_select + u"ORDER BY t.issued_at DESC, t.token_id"_s);
    if (!records)
        return records.error();
    QList<TokenView> views;
    views.reserve(records.value().size());
    for (const QSqlRecord &record : records.value())
        views.append(viewFrom(record));
    return views;
}

Result<bool> TokenStore::revokeToken(const QString &tokenId, qint64 nowMs) const
{
    Result<int> changed = m_database.change(
        u"UPDATE tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL"_s, {nowMs, tokenId});
    if (!changed)
        return changed.error();
    return changed.value() > 0;
}

Result<bool> TokenStore::setTokenExpiry(const QString &tokenId, qint64 expiresAtMs) const
{
    // Never lengthens: an already expired token keeps its real expiry.
    Result<int> changed = m_database.change(u"UPDATE tokens SET expires_at = ? WHERE token_id = ? AND expires_at > ?"_s,
                                            {expiresAtMs, tokenId, expiresAtMs});
    if (!changed)
        return changed.error();
    return changed.value() > 0;
}

Result<bool> TokenStore::extendTokenExpiry(const QString &tokenId, qint64 expiresAtMs) const
{
    Result<int> changed = m_database.change(
        u"UPDATE tokens SET expires_at = ? WHERE token_id = ? AND revoked_at IS NULL AND expires_at < ?"_s,
        {expiresAtMs, tokenId, expiresAtMs});
    if (!changed)
        return changed.error();
    return changed.value() > 0;
}

Result<bool> TokenStore::spendRefreshToken(const QString &tokenId, qint64 nowMs) const
{
    Result<int> changed = m_database.change(
        u"UPDATE tokens SET refresh_used_at = ? WHERE token_id = ? AND refresh_used_at IS NULL"_s, {nowMs, tokenId});
    if (!changed)
        return changed.error();
    return changed.value() == 1;
}

Result<int> TokenStore::revokeIssuedFromCode(const QString &code, qint64 nowMs) const
{
    return m_database.change(u"UPDATE tokens SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL"_s,
                             {nowMs, code});
}

Status TokenStore::revokeApproval(const QString &approvalId, qint64 nowMs) const
{
    return m_database.transaction([&]() -> Status {
        Result<int> approval = m_database.change(
            u"UPDATE approvals SET revoked_at = ? WHERE approval_id = ? AND revoked_at IS NULL"_s, {nowMs, approvalId});
        if (!approval)
            return approval.error();
        Result<int> tokens = m_database.change(
            u"UPDATE tokens SET revoked_at = ? WHERE approval_id = ? AND revoked_at IS NULL"_s, {nowMs, approvalId});
        if (!tokens)
            return tokens.error();
        return Done{};
    });
}

Result<std::optional<Approval>> TokenStore::findApproval(const QString &approvalId) const
{
    Result<std::optional<QSqlRecord>> record
        = m_database.one(u"SELECT %1 FROM approvals WHERE approval_id = ?"_s.arg(s_approvalColumns), {approvalId});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<Approval>();
    return std::optional<Approval>(approvalFrom(*record.value()));
}

Result<QList<Approval>> TokenStore::approvalsOf(const QString &username) const
{
    Result<QList<QSqlRecord>> records = m_database.all(
        u"SELECT %1 FROM approvals WHERE username = ? ORDER BY created_at DESC, approval_id"_s.arg(s_approvalColumns),
        {username});
    if (!records)
        return records.error();
    QList<Approval> approvals;
    for (const QSqlRecord &record : records.value())
        approvals.append(approvalFrom(record));
    return approvals;
}
