// SPDX-License-Identifier: Apache-2.0
#include "faultrule.h"

#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace Faults {

namespace {

constexpr int s_maxDelayMs = 120'000;
constexpr int s_maxCount = 1'000'000;

const QStringList s_fields = {u"endpoint"_s,  u"method"_s, u"client_id"_s,    u"delayMs"_s, u"status"_s,
                              u"malformed"_s, u"drop"_s,   u"launch_error"_s, u"count"_s,   u"percent"_s};
const QStringList s_methods = {u"GET"_s, u"HEAD"_s, u"POST"_s, u"PUT"_s, u"DELETE"_s, u"PATCH"_s};

Error invalid(const QString &description)
{
    return badRequest(u"invalid_request"_s, description);
}

// A whole number in [low, high] from a JSON value, or an error naming the field.
Result<int> wholeNumber(const QJsonObject &json, const QString &field, int low, int high)
{
    const QJsonValue value = json.value(field);
    const double number = value.toDouble();
    if (!value.isDouble() || number != static_cast<double>(static_cast<qint64>(number)) || number < low
        || number > high)
        return invalid(u"%1 must be a whole number from %2 to %3"_s.arg(field).arg(low).arg(high));
    return static_cast<int>(number);
}

} // namespace

const QList<LaunchErrorInfo> &launchErrors()
{
    static const QList<LaunchErrorInfo> list = {
        {LaunchError::InvalidClient, u"invalid_client"_s, u"/oauth/token"_s,
         u"The token endpoint answers 401 invalid_client"_s},
        {LaunchError::InvalidRedirect, u"invalid_redirect"_s, u"/oauth/authorize"_s,
         u"Authorization shows an error page about the redirect URI and does not redirect"_s},
        {LaunchError::InvalidScope, u"invalid_scope"_s, u"/oauth/authorize"_s,
         u"Authorization redirects to the app with error=invalid_scope"_s},
        {LaunchError::AccessDenied, u"access_denied"_s, u"/oauth/consent"_s,
         u"Whatever the user answers on the consent page, the app gets error=access_denied"_s},
        {LaunchError::ExpiredCode, u"expired_code"_s, u"/oauth/token"_s,
         u"Redeeming the next authorization code answers 400 invalid_grant (code expired)"_s},
        {LaunchError::InvalidGrantRefresh, u"invalid_grant_refresh"_s, u"/oauth/token"_s,
         u"The next refresh answers 400 invalid_grant"_s},
        {LaunchError::ExpiredToken, u"expired_token"_s, u"/api/fhir*"_s,
         u"The next FHIR call with the app's token answers 401 invalid_token (expired)"_s},
        {LaunchError::RevokedToken, u"revoked_token"_s, u"/api/fhir*"_s,
         u"The next FHIR call with the app's token answers 401 invalid_token (revoked)"_s},
        {LaunchError::MissingPatient, u"missing_patient"_s, u"/oauth/token"_s,
         u"The next token response has no patient context"_s},
        {LaunchError::NoRefresh, u"no_refresh"_s, u"/oauth/token"_s,
         u"The next token response has no refresh_token, as without offline_access"_s},
    };
    return list;
}

std::optional<LaunchErrorInfo> launchErrorNamed(const QString &name)
{
    for (const LaunchErrorInfo &info : launchErrors()) {
        if (info.name == name)
            return info;
    }
    return std::nullopt;
}

LaunchErrorInfo launchErrorInfo(LaunchError error)
{
    for (const LaunchErrorInfo &info : launchErrors()) {
        if (info.error == error)
            return info;
    }
    return launchErrors().first();
}

bool FaultRule::matchesPath(const QString &path, const QByteArray &requestMethod) const
{
    if (!method.isEmpty() && method != QLatin1String(requestMethod))
        return false;
    if (endpoint.endsWith(u'*'))
        return path.startsWith(QStringView(endpoint).chopped(1));
    return path == endpoint;
}

QString FaultRule::effectText() const
{
    switch (effect) {
    case Effect::Delay: return u"%1 ms delay"_s.arg(delayMs);
    case Effect::Status: return u"status %1"_s.arg(status);
    case Effect::Malformed: return u"malformed JSON body"_s;
    case Effect::Drop: return u"connection dropped"_s;
    case Effect::LaunchError: return u"launch error %1"_s.arg(launchErrorInfo(launchError).name);
    }
    return {};
}

QString FaultRule::budgetText() const
{
    QString text;
    if (remaining)
        text = *remaining > 0 ? u"next %1"_s.arg(*remaining) : u"used up"_s;
    else
        text = u"until removed"_s;
    if (percent < 100)
        text += u", %1 %"_s.arg(percent);
    return text;
}

QString FaultRule::finding() const
{
    return u"Fault injected by rule %1: %2"_s.arg(id).arg(effectText());
}

bool isFaultFinding(const QString &finding)
{
    return finding.startsWith(u"Fault injected by rule "_s);
}

QJsonObject FaultRule::toJson() const
{
    QJsonObject json{{u"id"_s, id},
                     {u"endpoint"_s, endpoint},
                     {u"method"_s, method.isEmpty() ? QJsonValue() : QJsonValue(method)},
                     {u"client_id"_s, clientId.isEmpty() ? QJsonValue() : QJsonValue(clientId)},
                     {u"percent"_s, percent},
                     {u"remaining"_s, remaining ? QJsonValue(*remaining) : QJsonValue()},
                     {u"hits"_s, hits},
                     {u"description"_s, effectText()}};
    switch (effect) {
    case Effect::Delay: json.insert(u"delayMs"_s, delayMs); break;
    case Effect::Status: json.insert(u"status"_s, status); break;
    case Effect::Malformed: json.insert(u"malformed"_s, true); break;
    case Effect::Drop: json.insert(u"drop"_s, true); break;
    case Effect::LaunchError: json.insert(u"launch_error"_s, launchErrorInfo(launchError).name); break;
    }
    return json;
}

QJsonObject FaultRule::toRequestJson() const
{
    QJsonObject json = toJson();
    for (const QString &field : {u"id"_s, u"hits"_s, u"description"_s, u"remaining"_s, u"method"_s, u"client_id"_s})
        json.remove(field);
    if (!method.isEmpty())
        json.insert(u"method"_s, method);
    if (!clientId.isEmpty())
        json.insert(u"client_id"_s, clientId);
    if (remaining)
        json.insert(u"count"_s, *remaining);
    return json;
}

Result<FaultRule> FaultRule::fromJson(const QJsonObject &json)
{
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!s_fields.contains(it.key()))
            return invalid(u"Unknown field \"%1\"; a fault rule takes %2"_s.arg(it.key(), s_fields.join(u", "_s)));
    }
    FaultRule rule;
    for (const QString &field : {u"endpoint"_s, u"method"_s, u"client_id"_s, u"launch_error"_s}) {
        if (json.contains(field) && !json.value(field).isString())
            return invalid(u"%1 must be a string"_s.arg(field));
    }
    for (const QString &field : {u"malformed"_s, u"drop"_s}) {
        if (json.contains(field) && json.value(field) != QJsonValue(true))
            return invalid(u"%1 must be true when it is given"_s.arg(field));
    }
    const QStringList effects = {u"delayMs"_s, u"status"_s, u"malformed"_s, u"drop"_s, u"launch_error"_s};
    QStringList given;
    for (const QString &field : effects) {
        if (json.contains(field))
            given.append(field);
    }
    if (given.size() != 1)
        return invalid(given.isEmpty()
                           ? u"A fault rule needs one effect: delayMs, status, malformed, drop or launch_error"_s
                           : u"A fault rule has one effect; this one names %1"_s.arg(given.join(u", "_s)));

    rule.clientId = json.value(u"client_id"_s).toString();
    rule.method = json.value(u"method"_s).toString().toUpper();
    if (!rule.method.isEmpty() && !s_methods.contains(rule.method))
        return invalid(u"method must be one of %1"_s.arg(s_methods.join(u", "_s)));

    if (given.first() == u"launch_error"_s) {
        const QString name = json.value(u"launch_error"_s).toString();
        const std::optional<LaunchErrorInfo> info = launchErrorNamed(name);
        if (!info) {
            QStringList names;
            for (const LaunchErrorInfo &known : launchErrors())
                names.append(known.name);
            return invalid(u"Unknown launch_error \"%1\"; use one of %2"_s.arg(name, names.join(u", "_s)));
        }
        if (rule.clientId.isEmpty())
            return invalid(u"A launch_error rule needs the client_id of the app it is for"_s);
        if (json.contains(u"endpoint"_s) || json.contains(u"method"_s))
            return invalid(u"A launch_error rule chooses its own endpoint; leave out endpoint and method"_s);
        rule.effect = Effect::LaunchError;
        rule.launchError = info->error;
        rule.endpoint = info->endpoint;
        rule.remaining = 1;
    } else {
        rule.endpoint = json.value(u"endpoint"_s).toString();
        if (!rule.endpoint.startsWith(u'/'))
            return invalid(u"endpoint must be a path starting with \"/\", such as /oauth/token or /api/fhir/*"_s);
        if (rule.endpoint.indexOf(u'*') >= 0 && rule.endpoint.indexOf(u'*') != rule.endpoint.size() - 1)
            return invalid(u"endpoint may contain \"*\" only at its end (a prefix)"_s);
        if (given.first() == u"delayMs"_s) {
            Result<int> delay = wholeNumber(json, u"delayMs"_s, 1, s_maxDelayMs);
            if (!delay)
                return delay.error();
            rule.effect = Effect::Delay;
            rule.delayMs = delay.value();
        } else if (given.first() == u"status"_s) {
            Result<int> status = wholeNumber(json, u"status"_s, 400, 599);
            if (!status)
                return status.error();
            rule.effect = Effect::Status;
            rule.status = status.value();
        } else if (given.first() == u"malformed"_s) {
            rule.effect = Effect::Malformed;
        } else {
            rule.effect = Effect::Drop;
        }
    }
    if (json.contains(u"count"_s)) {
        Result<int> count = wholeNumber(json, u"count"_s, 1, s_maxCount);
        if (!count)
            return count.error();
        rule.remaining = count.value();
    }
    if (json.contains(u"percent"_s)) {
        Result<int> percent = wholeNumber(json, u"percent"_s, 0, 100);
        if (!percent)
            return percent.error();
        rule.percent = percent.value();
    }
    return rule;
}

} // namespace Faults
