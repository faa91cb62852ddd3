// SPDX-License-Identifier: Apache-2.0
#pragma once

// The authorization endpoint's logic (RFC 6749 section 4.1 with PKCE and SMART launch context),
// without HTML or sockets: checks an authorization request, carries it through sign-in, patient
// picker and consent, and ends it in a code (or access_denied) for the app's redirect URI. Also
// the portal's sessions, EHR launches and a user's list of authorized apps.

#include "authorization.h"
#include "client.h"
#include "people.h"
#include "result.h"
#include "server/http.h"
#include "token.h"

#include <QObject>

#include <memory>
#include <optional>

class AuthStore;
class ClientStore;
class Clock;
class Database;
class PeopleStore;
class TokenStore;

// The result of checking an authorization request. Either a stored request to continue with, or
// an error: shown on a page when the redirect URI cannot be trusted, sent back to the app
// otherwise (RFC 6749 section 4.1.2.1).
struct AuthorizeStart
{
    std::optional<AuthorizationRequest> request;
    Error error;
    QString errorRedirect; // the app's URI with error, error_description and state; empty: show a page
    QStringList findings;
};

class AuthorizationService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuthorizationService)

public:
    static constexpr qint64 s_requestLifetimeMs = 30 * 60 * 1000;
    static constexpr qint64 s_codeLifetimeMs = 60 * 1000;
    static constexpr qint64 s_sessionLifetimeMs = 8 * 60 * 60 * 1000;
    static constexpr qint64 s_launchLifetimeMs = 60 * 60 * 1000;
    static constexpr qint64 s_defaultApprovalDays = 90;

    AuthorizationService(const Database &database, const Clock &clock, QObject *parent = nullptr);
    ~AuthorizationService() override;

    // Checks the parameters of GET or POST /oauth/authorize against the client's registration.
    // `fhirBase` is what aud must be.
    AuthorizeStart begin(const QueryItems &parameters, const QString &fhirBase);
    Result<AuthorizationRequest> request(const QString &requestId) const;

    Result<PortalSession> signIn(const QString &username, const QString &password);
    Result<std::optional<PortalSession>> session(const QString &sessionId) const;
    Status signOut(const QString &sessionId);
    Result<std::optional<User>> user(const QString &username) const;
    Result<QList<UserPatient>> patientsOf(const QString &username) const;
    Result<std::optional<Client>> client(const QString &clientId) const;

    // Binds the signed-in user to the request and, when they act for one patient only (or the
    // patient is given), that patient. Refuses a patient the user may not act for.
    Result<AuthorizationRequest> choose(const QString &requestId, const QString &username, const QString &patientId);
    // Creates the approval and the code; the URL to send the browser to.
    Result<QString> approve(const QString &requestId, const QStringList &grantedScopes, qint64 approvalExpiresAtMs,
                            const QString &baseUrl);
    // The URL that tells the app the person said no (access_denied with the app's state).
    Result<QString> deny(const QString &requestId);

    // EHR launch: context for one client, user, patient and encounter; `launch` in an
    // authorization request picks it up.
    Result<Launch> createLaunch(const QString &clientId, const QString &username, const QString &patientId,
                                const QString &encounterId);

    // Where a browser goes to start an EHR launch: the client's launch URI with iss and launch;
    // empty when the client registered no launch URI.
    static QString launchUrl(const Client &client, const QString &iss, const QString &launchId);
    Result<QList<Approval>> approvalsOf(const QString &username) const;
    // Revokes one of the user's approvals (and every token under it).
    Status revokeApproval(const QString &username, const QString &approvalId);

    // Appends code/error parameters to a redirect URI, keeping its own query.
    static QString redirectWith(const QString &redirectUri, const QList<QPair<QString, QString>> &parameters);

Q_SIGNALS:
    void approvalChanged(const QString &approvalId);

private:
    const Database &m_database;
    const Clock &m_clock;
    std::unique_ptr<AuthStore> m_auth;
    std::unique_ptr<ClientStore> m_clients;
    std::unique_ptr<PeopleStore> m_people;
    std::unique_ptr<TokenStore> m_tokens;
};
