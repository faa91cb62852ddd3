// SPDX-License-Identifier: Apache-2.0
#include "scopes.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSet>

using namespace Qt::StringLiterals;

namespace {

Error invalidScope(const QString &token, const QString &why)
{
    return badRequest(u"invalid_scope"_s, u"The scope \"%1\" %2"_s.arg(token, why));
}

const QRegularExpression &resourceScopePattern()
{
    // context / type . permissions [? query]
    static const QRegularExpression pattern(
        uR"(^(patient|user|system)/(\*|[A-Z][A-Za-z]{0,63})\.([A-Za-z*]+)(?:\?([\x21\x23-\x5B\x5D-\x7E]*))?$)"_s);
    return pattern;
}

std::optional<Scope::Permissions> permissionsFromV2(const QString &letters)
{
    static const QString order = u"cruds"_s;
    Scope::Permissions permissions;
    qsizetype last = -1;
    for (const QChar letter : letters) {
        const qsizetype index = order.indexOf(letter);
        if (index < 0 || index <= last)
            return std::nullopt; // unknown letter, repeated or out of order
        last = index;
        permissions |= static_cast<Scope::Permission>(1 << index);
    }
    return permissions;
}

} // namespace

bool Scope::covers(const Scope &requested) const
{
    if (kind != requested.kind)
        return false;
    if (kind != Kind::Resource)
        return text == requested.text;
    if (context != requested.context)
        return false;
    if (resourceType != u"*"_s && resourceType != requested.resourceType)
        return false;
    if ((permissions & requested.permissions) != requested.permissions)
        return false;
    return query.isEmpty() || query == requested.query;
}

namespace Scopes {

Result<Scope> parseOne(const QString &text)
{
    Scope scope;
    scope.text = text;
    if (text == u"launch"_s) {
        scope.kind = Scope::Kind::Launch;
        return scope;
    }
    if (text.startsWith(u"launch/"_s)) {
        static const QRegularExpression contextName(u"^launch/[A-Za-z][A-Za-z0-9_-]{0,63}$"_s);
        if (!contextName.match(text).hasMatch())
            return invalidScope(text, u"is not a launch context request such as launch/patient"_s);
        scope.kind = Scope::Kind::LaunchContext;
        return scope;
    }
    if (text == u"openid"_s) {
        scope.kind = Scope::Kind::OpenId;
        return scope;
    }
    if (text == u"fhirUser"_s) {
        scope.kind = Scope::Kind::FhirUser;
        return scope;
    }
    if (text == u"profile"_s) {
        scope.kind = Scope::Kind::Profile;
        return scope;
    }
    if (text == u"offline_access"_s) {
        scope.kind = Scope::Kind::OfflineAccess;
        return scope;
    }
    if (text == u"online_access"_s) {
        scope.kind = Scope::Kind::OnlineAccess;
        return scope;
    }
    const QRegularExpressionMatch match = resourceScopePattern().match(text);
    if (!match.hasMatch())
        return invalidScope(text,
                            u"is not a SMART scope (expected e.g. patient/Observation.read, "
                            "patient/*.rs, launch/patient, openid, fhirUser or offline_access)"_s);
    scope.kind = Scope::Kind::Resource;
    scope.context = match.captured(1);
    scope.resourceType = match.captured(2);
    const QString permissions = match.captured(3);
    scope.query = match.captured(4);
    if (permissions == u"read"_s) {
        scope.permissions = Scope::Permission::Read | Scope::Permission::Search;
    } else if (permissions == u"write"_s) {
        scope.permissions = Scope::Permission::Create | Scope::Permission::Update | Scope::Permission::Delete;
    } else if (permissions == u"*"_s) {
        scope.permissions = Scope::Permission::Create | Scope::Permission::Read | Scope::Permission::Update
            | Scope::Permission::Delete | Scope::Permission::Search;
    } else if (const auto v2 = permissionsFromV2(permissions)) {
        scope.permissions = *v2;
        scope.v2Syntax = true;
    } else {
        return invalidScope(
            text, u"has permissions \"%1\"; use read, write, * or letters of cruds in that order"_s.arg(permissions));
    }
    if (match.hasCaptured(4) && !scope.v2Syntax)
        return invalidScope(text, u"has a query, which only SMART v2 (.cruds) scopes may have"_s);
    if (match.hasCaptured(4) && scope.query.isEmpty())
        return invalidScope(text, u"ends with an empty query"_s);
    return scope;
}

Result<QList<Scope>> parse(const QString &scopeString)
{
    QList<Scope> scopes;
    QSet<QString> seen;
    const QStringList tokens = scopeString.split(u' ', Qt::SkipEmptyParts);
    for (const QString &token : tokens) {
        if (seen.contains(token))
            continue;
        Result<Scope> scope = parseOne(token);
        if (!scope)
            return scope.error();
        seen.insert(token);
        scopes.append(std::move(scope).value());
    }
    return scopes;
}

QStringList uncovered(const QList<Scope> &requested, const QList<Scope> &granted)
{
    QStringList missing;
    for (const Scope &want : requested) {
        const bool covered
            = std::any_of(granted.cbegin(), granted.cend(), [&](const Scope &have) { return have.covers(want); });
        if (!covered)
            missing.append(want.text);
    }
    return missing;
}

bool needsPatient(const QString &scopeString)
{
    const QStringList tokens = scopeString.split(u' ', Qt::SkipEmptyParts);
    return std::any_of(tokens.cbegin(), tokens.cend(), [](const QString &token) {
        return token == u"launch/patient"_s || token.startsWith(u"patient/"_s);
    });
}

QString join(const QList<Scope> &scopes)
{
    QStringList texts;
    texts.reserve(scopes.size());
    for (const Scope &scope : scopes)
        texts.append(scope.text);
    return texts.join(u' ');
}

QString describe(const Scope &scope)
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("Scopes", text); };
    switch (scope.kind) {
    case Scope::Kind::Launch: return tr("Open within your health record system, with its context");
    case Scope::Kind::LaunchContext:
        if (scope.text == u"launch/patient"_s)
            return tr("Know which patient's record you chose");
        if (scope.text == u"launch/encounter"_s)
            return tr("Know which visit (encounter) is open");
        return tr("Know the launch context \"%1\"").arg(scope.text.mid(7));
    case Scope::Kind::OpenId: return tr("Confirm who you are (sign you in)");
    case Scope::Kind::FhirUser:
    case Scope::Kind::Profile: return tr("Know who you are: your name and your own record");
    case Scope::Kind::OfflineAccess: return tr("Keep access when you are not using the app, until the date below");
    case Scope::Kind::OnlineAccess: return tr("Keep access while you are using the app");
    case Scope::Kind::Resource: break;
    }
    QStringList verbs;
    const auto has = [&](Scope::Permission permission) { return scope.permissions.testFlag(permission); };
    if (has(Scope::Permission::Read))
        verbs.append(tr("read"));
    if (has(Scope::Permission::Search))
        verbs.append(tr("search"));
    if (has(Scope::Permission::Create))
        verbs.append(tr("add to"));
    if (has(Scope::Permission::Update))
        verbs.append(tr("change"));
    if (has(Scope::Permission::Delete))
        verbs.append(tr("delete"));
    QString what = scope.resourceType == u"*"_s ? tr("all records") : tr("records of type %1").arg(scope.resourceType);
    QString whose;
    if (scope.context == u"patient"_s)
        whose = tr("of the chosen patient");
    else if (scope.context == u"user"_s)
        whose = tr("that you can see");
    else
        whose = tr("of every patient (system access)");
    QString verbText = verbs.join(u", "_s);
    if (!verbText.isEmpty())
        verbText[0] = verbText[0].toUpper();
    QString text = verbText + u' ' + what + u' ' + whose;
    if (!scope.query.isEmpty())
        text += tr(", only where %1").arg(scope.query);
    return text;
}

QString defaultClientScope()
{
    return u"launch/patient patient/*.read offline_access openid fhirUser"_s;
}

} // namespace Scopes
