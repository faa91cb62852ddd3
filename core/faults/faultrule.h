// SPDX-License-Identifier: Apache-2.0
#pragma once

// One fault injection rule: which requests it matches (an endpoint, optionally a method and a
// client), what it does to them (one effect) and how often (a budget). Rules are values; the
// FaultRules service stores them and decides, request by request, which one applies.

#include "result.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace Faults {

enum class Effect {
    Delay, // answer normally, delayMs later
    Status, // answer with `status` and the body the endpoint's spec names
    Malformed, // answer normally but with a truncated, invalid JSON body
    Drop, // close the connection without an answer
    LaunchError, // one of the canned SMART launch errors (see LaunchError)
};

// The errors a SMART app must handle, each reproducible for one client in one click.
enum class LaunchError {
    InvalidClient, // token endpoint: 401 invalid_client
    InvalidRedirect, // authorize: an error page, no redirect
    InvalidScope, // authorize: redirect with error=invalid_scope
    AccessDenied, // consent: redirect with error=access_denied, as if the user said no
    ExpiredCode, // token endpoint, authorization_code grant: 400 invalid_grant (code expired)
    InvalidGrantRefresh, // token endpoint, refresh_token grant: 400 invalid_grant
    ExpiredToken, // FHIR API: 401 invalid_token, "The access token has expired"
    RevokedToken, // FHIR API: 401 invalid_token, "The access token was revoked"
    MissingPatient, // token response without "patient"
    NoRefresh, // token response without "refresh_token"
};

struct LaunchErrorInfo
{
    LaunchError error;
    QString name; // as the admin API spells it, e.g. "access_denied"
    QString endpoint; // where the rule applies
    QString summary; // one sentence: what the app will receive
};

// All ten, in the order the UI offers them.
const QList<LaunchErrorInfo> &launchErrors();
std::optional<LaunchErrorInfo> launchErrorNamed(const QString &name);
LaunchErrorInfo launchErrorInfo(LaunchError error);

struct FaultRule
{
    qint64 id = 0; // 0 until stored
    QString endpoint; // an exact path, or a prefix ending in "*"
    QString method; // upper case; empty: any method
    QString clientId; // empty: any client
    Effect effect = Effect::Status;
    int delayMs = 0; // Effect::Delay
    int status = 0; // Effect::Status
    LaunchError launchError = LaunchError::AccessDenied; // Effect::LaunchError
    // Budget: at most `remaining` more requests (nullopt: no count), each with `percent` chance.
    std::optional<int> remaining;
    int percent = 100;
    int hits = 0; // requests this rule has touched
    qint64 createdAtMs = 0;

    // Whether the rule covers a request to `path` with `method` (before the client is known).
    bool matchesPath(const QString &path, const QByteArray &method) const;
    bool exhausted() const { return remaining && *remaining <= 0; }
    // "503 Service Unavailable", "800 ms delay", "launch error access_denied", ...
    QString effectText() const;
    // "next 2", "50 %", "until removed", "used up"
    QString budgetText() const;
    // The request log finding of an exchange this rule touched: "Fault injected by rule N: ...".
    QString finding() const;

    // The rule as the admin API shows it.
    QJsonObject toJson() const;
    // The rule as POST /admin/faults takes it (no id or hits; its remaining budget as count).
    QJsonObject toRequestJson() const;
    // A rule from the admin API's JSON; an invalid_request error naming the problem otherwise.
    static Result<FaultRule> fromJson(const QJsonObject &json);
};

// Whether a request log finding says a fault rule touched the exchange (the Traffic mark).
bool isFaultFinding(const QString &finding);

} // namespace Faults

Q_DECLARE_METATYPE(Faults::FaultRule)
