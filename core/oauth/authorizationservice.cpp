// SPDX-License-Identifier: Apache-2.0
#include "authorizationservice.h"

#include "clock.h"
#include "scopes.h"
#include "secrets.h"
#include "storage/authstore.h"
#include "storage/clientstore.h"
#include "storage/database.h"
#include "storage/peoplestore.h"
#include "storage/tokenstore.h"

#include <QRegularExpression>
#include <QSet>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

QString trimSlash(QString url)
{
    while (url.endsWith(u'/'))
        url.chop(1);
    return url;
}

} // namespace

AuthorizationService::AuthorizationService(const Database &database, const Clock &clock, QObject *parent)
    : QObject(parent),
      m_database(database),
      m_clock(clock),
      m_auth(std::make_unique<AuthStore>(database)),
      m_clients(std::make_unique<ClientStore>(database)),
      m_people(std::make_unique<PeopleStore>(database)),
      m_tokens(std::make_unique<TokenStore>(database))
{ }

AuthorizationService::~AuthorizationService() = default;

QString AuthorizationService::redirectWith(const QString &redirectUri, const QList<QPair<QString, QString>> &parameters)
{
    QString url = redirectUri;
    QString fragment;
    if (const qsizetype hash = url.indexOf(u'#'); hash >= 0) {
        fragment = url.mid(hash);
        url.truncate(hash);
    }
    for (const auto &[name, value] : parameters) {
        if (value.isNull())
            continue;
        url += (url.contains(u'?') ? (url.endsWith(u'?') || url.endsWith(u'&') ? u""_s : u"&"_s) : u"?"_s);
        url += QString::fromLatin1(QUrl::toPercentEncoding(name)) + u'='
            + QString::fromLatin1(QUrl::toPercentEncoding(value));
    }
    return url + fragment;
}

AuthorizeStart AuthorizationService::begin(const QueryItems &parameters, const QString &fhirBase)
{
    AuthorizeStart start;
    QHash<QString, QString> values;
    QSet<QString> repeated;
    for (const auto &[name, value] : parameters) {
        if (values.contains(name))
            repeated.insert(name);
        values.insert(name, value);
    }
    const auto pageError = [&](const QString &code, const QString &description) {
        start.error = badRequest(code, description);
        start.findings.append(description);
        return start;
    };

    const QString clientId = values.value(u"client_id"_s);
    if (clientId.isEmpty())
        return pageError(u"invalid_request"_s, u"The authorization request has no client_id"_s);
    if (repeated.contains(u"client_id"_s) || repeated.contains(u"redirect_uri"_s))
        return pageError(u"invalid_request"_s, u"client_id and redirect_uri may appear only once"_s);
    Result<std::optional<Client>> found = m_clients->find(clientId);
    if (!found) {
        start.error = found.error();
        return start;
    }
    if (!found.value())
        return pageError(u"invalid_client"_s, u"No client is registered with client_id \"%1\""_s.arg(clientId));
    const Client &client = *found.value();

    QString redirectUri = values.value(u"redirect_uri"_s);
    if (redirectUri.isEmpty()) {
        if (client.redirectUris.size() != 1)
            return pageError(u"invalid_request"_s,
                             u"redirect_uri is required: client \"%1\" registered %2 of them"_s.arg(clientId).arg(
                                 client.redirectUris.size()));
        redirectUri = client.redirectUris.first();
        start.findings.append(
            u"The request has no redirect_uri; SMART requires it. The only registered one was used."_s);
    } else if (!client.redirectUris.contains(redirectUri)) {
        return pageError(
            u"invalid_request"_s,
            u"redirect_uri \"%1\" is not registered for client \"%2\"; redirect URIs must match a "
            "registered one exactly (registered: %3)"_s.arg(redirectUri, clientId, client.redirectUris.join(u", "_s)));
    }

    // From here on the redirect URI is trusted: errors go back to the app.
    const QString state = values.contains(u"state"_s) ? values.value(u"state"_s) : QString();
    const auto redirectError = [&](const QString &code, const QString &description) {
        start.error = badRequest(code, description);
        start.findings.append(description);
        start.errorRedirect = redirectWith(
            redirectUri, {{u"error"_s, code}, {u"error_description"_s, description}, {u"state"_s, state}});
        return start;
    };
    if (!repeated.isEmpty())
        return redirectError(
            u"invalid_request"_s,
            u"Parameters may appear only once; repeated: %1"_s.arg(QStringList(repeated.values()).join(u", "_s)));
    if (values.value(u"response_type"_s) != u"code"_s)
        return redirectError(u"unsupported_response_type"_s,
                             u"response_type must be \"code\" (got \"%1\")"_s.arg(values.value(u"response_type"_s)));
    if (!client.grantTypes.contains(u"authorization_code"_s))
        return redirectError(u"unauthorized_client"_s,
                             u"Client \"%1\" is not registered for the authorization_code grant"_s.arg(clientId));
    if (state.isEmpty())
        return redirectError(u"invalid_request"_s,
                             u"state is required (SMART App Launch): an opaque value the app checks on return, "
                             "against CSRF"_s);

    const QString aud = values.value(u"aud"_s);
    if (aud.isEmpty())
        return redirectError(u"invalid_request"_s, u"aud is required: the FHIR base URL, %1"_s.arg(fhirBase));
    if (trimSlash(aud) != trimSlash(fhirBase))
        return redirectError(u"invalid_request"_s,
                             u"aud \"%1\" is not this server's FHIR base URL, %2; no code is issued for another "
                             "audience"_s.arg(aud, fhirBase));

    const QString method = values.value(u"code_challenge_method"_s);
    const QString challenge = values.value(u"code_challenge"_s);
    if (!method.isEmpty() && method != u"S256"_s)
        return redirectError(u"invalid_request"_s,
                             u"code_challenge_method \"%1\" is not supported; SMART requires S256"_s.arg(method));
    if (!challenge.isEmpty()) {
        static const QRegularExpression format(u"^[A-Za-z0-9_-]{43,128}$"_s);
        if (method.isEmpty())
            return redirectError(u"invalid_request"_s, u"code_challenge needs code_challenge_method=S256"_s);
        if (!format.match(challenge).hasMatch())
            return redirectError(
                u"invalid_request"_s,
                u"code_challenge must be the base64url SHA-256 of the code_verifier (43 characters)"_s);
    } else if (!method.isEmpty()) {
        return redirectError(u"invalid_request"_s, u"code_challenge_method was sent without code_challenge"_s);
    } else if (client.isPublic()) {
        return redirectError(
            u"invalid_request"_s,
            u"Public client \"%1\" must use PKCE: send code_challenge and code_challenge_method=S256"_s.arg(clientId));
    } else {
        start.findings.append(u"No PKCE: SMART App Launch 2 requires code_challenge (S256) from every client."_s);
    }

    Result<QList<Scope>> requested = Scopes::parse(values.value(u"scope"_s));
    if (!requested)
        return redirectError(u"invalid_scope"_s, requested.error().description);
    if (requested.value().isEmpty())
        return redirectError(u"invalid_scope"_s, u"scope is required"_s);
    Result<QList<Scope>> registered = Scopes::parse(client.scope);
    if (!registered) {
        start.error = registered.error();
        return start;
    }
    QList<Scope> offered;
    QStringList dropped;
    for (const Scope &scope : requested.value()) {
        const bool covered = std::any_of(registered.value().cbegin(), registered.value().cend(),
                                         [&](const Scope &have) { return have.covers(scope); });
        if (covered)
            offered.append(scope);
        else
            dropped.append(scope.text);
    }
    if (!dropped.isEmpty())
        start.findings.append(
            u"Not registered for client \"%1\", so not offered: %2"_s.arg(clientId, dropped.join(u' ')));
    if (offered.isEmpty())
        return redirectError(u"invalid_scope"_s,
                             u"None of the requested scopes is registered for client \"%1\""_s.arg(clientId));

    AuthorizationRequest request;
    const QString launchId = values.value(u"launch"_s);
    if (!launchId.isEmpty()) {
        Result<std::optional<Launch>> launch = m_auth->findLaunch(launchId);
        if (!launch) {
            start.error = launch.error();
            return start;
        }
        if (!launch.value() || launch.value()->clientId != clientId || launch.value()->expiresAtMs <= m_clock.nowMs())
            return redirectError(u"invalid_request"_s,
                                 u"launch \"%1\" is unknown, expired or for another client"_s.arg(launchId));
        request.launchId = launchId;
        request.username = launch.value()->username;
        request.patientId = launch.value()->patientId;
        request.encounterId = launch.value()->encounterId;
        const bool asksLaunch = std::any_of(offered.cbegin(), offered.cend(),
                                            [](const Scope &scope) { return scope.kind == Scope::Kind::Launch; });
        if (!asksLaunch)
            start.findings.append(
                u"An EHR launch should request the \"launch\" scope along with the launch parameter."_s);
    }

    const qint64 now = m_clock.nowMs();
    request.id = Secrets::randomToken(24);
    request.clientId = clientId;
    request.redirectUri = redirectUri;
    request.scope = Scopes::join(offered);
    request.state = state;
    request.nonce = values.contains(u"nonce"_s) ? values.value(u"nonce"_s) : QString();
    request.codeChallenge = challenge.isEmpty() ? QString() : challenge;
    request.codeChallengeMethod = method.isEmpty() ? QString() : method;
    request.aud = aud;
    request.csrfToken = Secrets::randomToken(24);
    request.findings = start.findings;
    request.createdAtMs = now;
    request.expiresAtMs = now + s_requestLifetimeMs;
    if (Status stored = m_auth->insertRequest(request); !stored) {
        start.error = stored.error();
        return start;
    }
    (void)m_auth->purgeExpired(now);
    start.request = request;
    return start;
}

Result<AuthorizationRequest> AuthorizationService::request(const QString &requestId) const
{
    Result<std::optional<AuthorizationRequest>> found = m_auth->findRequest(requestId);
    if (!found)
        return found.error();
    if (!found.value() || found.value()->expiresAtMs <= m_clock.nowMs())
        return badRequest(u"invalid_request"_s,
                          u"This sign-in has expired or was already finished; start again from the app"_s);
    return *found.value();
}

Result<PortalSession> AuthorizationService::signIn(const QString &username, const QString &password)
{
    Result<std::optional<User>> user = m_people->findUser(username);
    if (!user)
        return user.error();
    if (!user.value() || !Secrets::verifyPassword(password, user.value()->passwordHash))
        return Error{ErrorKind::Unauthorized, u"access_denied"_s, u"The username or password is wrong"_s};
    const qint64 now = m_clock.nowMs();
    PortalSession session{Secrets::randomToken(32), username, now, now + s_sessionLifetimeMs};
    if (Status stored = m_auth->insertSession(session); !stored)
        return stored.error();
    return session;
}

Result<std::optional<PortalSession>> AuthorizationService::session(const QString &sessionId) const
{
    if (sessionId.isEmpty())
        return std::optional<PortalSession>();
    Result<std::optional<PortalSession>> found = m_auth->findSession(sessionId);
    if (found && found.value() && found.value()->expiresAtMs <= m_clock.nowMs())
        return std::optional<PortalSession>();
    return found;
}

Status AuthorizationService::signOut(const QString &sessionId)
{
    return m_auth->deleteSession(sessionId);
}

Result<std::optional<User>> AuthorizationService::user(const QString &username) const
{
    return m_people->findUser(username);
}

Result<QList<UserPatient>> AuthorizationService::patientsOf(const QString &username) const
{
    return m_people->patientsOf(username);
}

Result<std::optional<Client>> AuthorizationService::client(const QString &clientId) const
{
    return m_clients->find(clientId);
}

Result<AuthorizationRequest> AuthorizationService::choose(const QString &requestId, const QString &username,
                                                          const QString &patientId)
{
    Result<AuthorizationRequest> found = request(requestId);
    if (!found)
        return found;
    AuthorizationRequest request = found.value();
    if (!request.launchId.isEmpty() && request.username != username)
        return Error{ErrorKind::Forbidden, u"access_denied"_s,
                     u"This EHR launch is for user \"%1\"; sign in as that user"_s.arg(request.username)};
    // An EHR launch that names a patient binds it; otherwise the person picks one of theirs.
    QString launchPatient;
    if (!request.launchId.isEmpty()) {
        Result<std::optional<Launch>> launch = m_auth->findLaunch(request.launchId);
        if (!launch)
            return launch.error();
        if (launch.value())
            launchPatient = launch.value()->patientId;
    }
    QString patient = launchPatient.isEmpty() ? patientId : launchPatient;
    if (launchPatient.isEmpty()) {
        Result<QList<UserPatient>> patients = m_people->patientsOf(username);
        if (!patients)
            return patients.error();
        if (patient.isEmpty() && patients.value().size() == 1)
            patient = patients.value().first().patient.id;
        if (!patient.isEmpty()) {
            const bool allowed = std::any_of(patients.value().cbegin(), patients.value().cend(),
                                             [&](const UserPatient &link) { return link.patient.id == patient; });
            if (!allowed)
                return Error{ErrorKind::Forbidden, u"access_denied"_s,
                             u"User \"%1\" does not act for patient \"%2\""_s.arg(username, patient)};
        }
    }
    if (Status stored = m_auth->updateRequestSubject(requestId, username, patient); !stored)
        return stored.error();
    request.username = username;
    request.patientId = patient;
    return request;
}

Result<QString> AuthorizationService::approve(const QString &requestId, const QStringList &grantedScopes,
                                              qint64 approvalExpiresAtMs, const QString &baseUrl)
{
    Result<AuthorizationRequest> found = request(requestId);
    if (!found)
        return found.error();
    const AuthorizationRequest &request = found.value();
    if (request.username.isEmpty())
        return badRequest(u"invalid_request"_s, u"Sign in before approving"_s);
    if (Scopes::needsPatient(request.scope) && request.patientId.isEmpty())
        return badRequest(u"invalid_request"_s, u"Choose a patient before approving"_s);
    const QStringList offered = request.scope.split(u' ', Qt::SkipEmptyParts);
    QStringList granted;
    for (const QString &scope : offered) {
        if (grantedScopes.contains(scope))
            granted.append(scope);
    }
    if (granted.isEmpty())
        return deny(requestId);

    Result<std::optional<Client>> client = m_clients->find(request.clientId);
    if (!client)
        return client.error();
    if (!client.value())
        return badRequest(u"invalid_client"_s, u"The client was deleted while signing in"_s);

    const qint64 now = m_clock.nowMs();
    Approval approval;
    approval.id = Secrets::timeOrderedUuid(Secrets::nextTimeOrder(now));
    approval.clientId = request.clientId;
    approval.username = request.username;
    approval.patientId
        = Scopes::needsPatient(granted.join(u' ')) || !request.launchId.isEmpty() ? request.patientId : QString();
    approval.encounterId = request.encounterId;
    approval.scope = granted.join(u' ');
    approval.securityLabels = client.value()->securityLabels;
    approval.createdAtMs = now;
    approval.expiresAtMs = qMax(approvalExpiresAtMs, now + 60 * 1000);

    AuthorizationCode code;
    code.code = Secrets::randomToken(32);
    code.approvalId = approval.id;
    code.clientId = request.clientId;
    code.redirectUri = request.redirectUri;
    code.scope = approval.scope;
    code.codeChallenge = request.codeChallenge;
    code.codeChallengeMethod = request.codeChallengeMethod;
    code.nonce = request.nonce;
    code.launchContext = QJsonObject{{u"need_patient_banner"_s, request.launchId.isEmpty()},
                                     {u"smart_style_url"_s, QString(baseUrl + u"/smart-style.json"_s)}};
    code.createdAtMs = now;
    code.expiresAtMs = now + s_codeLifetimeMs;

    Status stored = m_database.transaction([&]() -> Status {
        if (Status status = m_tokens->insertApproval(approval); !status)
            return status;
        if (Status status = m_auth->insertCode(code); !status)
            return status;
        return m_auth->deleteRequest(requestId);
    });
    if (!stored)
        return stored.error();
    Q_EMIT approvalChanged(approval.id);
    return redirectWith(request.redirectUri, {{u"code"_s, code.code}, {u"state"_s, request.state}});
}

Result<QString> AuthorizationService::deny(const QString &requestId)
{
    Result<AuthorizationRequest> found = request(requestId);
    if (!found)
        return found.error();
    if (Status removed = m_auth->deleteRequest(requestId); !removed)
        return removed.error();
    return redirectWith(found.value().redirectUri,
                        {{u"error"_s, u"access_denied"_s},
                         {u"error_description"_s, u"The user did not approve the request"_s},
                         {u"state"_s, found.value().state}});
}

Result<Launch> AuthorizationService::createLaunch(const QString &clientId, const QString &username,
                                                  const QString &patientId, const QString &encounterId)
{
    Result<std::optional<Client>> client = m_clients->find(clientId);
    if (!client)
        return client.error();
    if (!client.value())
        return badRequest(u"no_client"_s, u"No client with client_id \"%1\""_s.arg(clientId));
    Result<std::optional<User>> user = m_people->findUser(username);
    if (!user)
        return user.error();
    if (!user.value())
        return badRequest(u"no_user"_s, u"No user \"%1\""_s.arg(username));
    if (!patientId.isEmpty()) {
        Result<std::optional<QString>> relationship = m_people->relationship(username, patientId);
        if (!relationship)
            return relationship.error();
        if (!relationship.value())
            return badRequest(u"no_patient_for_user"_s,
                              u"User \"%1\" does not act for patient \"%2\""_s.arg(username, patientId));
    }
    const qint64 now = m_clock.nowMs();
    Launch launch{Secrets::randomToken(16), clientId, username, patientId, encounterId, now, now + s_launchLifetimeMs};
    if (Status stored = m_auth->insertLaunch(launch); !stored)
        return stored.error();
    return launch;
}

QString AuthorizationService::launchUrl(const Client &client, const QString &iss, const QString &launchId)
{
    const QString launchUri = client.launchUri();
    if (launchUri.isEmpty())
        return {};
    return redirectWith(launchUri, {{u"iss"_s, iss}, {u"launch"_s, launchId}});
}

Result<QList<Approval>> AuthorizationService::approvalsOf(const QString &username) const
{
    return m_tokens->approvalsOf(username);
}

Status AuthorizationService::revokeApproval(const QString &username, const QString &approvalId)
{
    Result<QList<Approval>> approvals = m_tokens->approvalsOf(username);
    if (!approvals)
        return approvals.error();
    const bool owned = std::any_of(approvals.value().cbegin(), approvals.value().cend(),
                                   [&](const Approval &approval) { return approval.id == approvalId; });
    if (!owned)
        return Error{ErrorKind::NotFound, u"not_found"_s, u"No such approval for this user"_s};
    Status status = m_tokens->revokeApproval(approvalId, m_clock.nowMs());
    if (status)
        Q_EMIT approvalChanged(approvalId);
    return status;
}
