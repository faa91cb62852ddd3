// SPDX-License-Identifier: Apache-2.0
#pragma once

// A person at a browser, for tests: follows the portal's redirects, reads hidden form fields,
// signs in, picks a patient and answers the consent page, and stops when the portal sends the
// browser back to the app's redirect URI.

#include "testsupport.h"

#include <QUrlQuery>

namespace TestSupport {

// RFC 7636 values: a verifier and its S256 challenge.
struct Pkce
{
    QString verifier;
    QString challenge;
    static Pkce make();
};

// Where the portal sent the browser back to the app, and what it said.
struct AppRedirect
{
    QString url; // empty when the flow stopped on a page instead
    QUrlQuery query;
    Reply page; // the last page when the flow stopped on one
    QString code() const { return query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded); }
    QString state() const { return query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded); }
    QString error() const { return query.queryItemValue(QStringLiteral("error"), QUrl::FullyDecoded); }
};

class PortalBrowser final
{
public:
    explicit PortalBrowser(HttpClient &http) : m_http(http) { }

    // GET a sandbox path and follow redirects inside the sandbox. Stops at a page, or at a
    // redirect out of the sandbox (the app's redirect URI).
    AppRedirect open(const QString &pathAndQuery);
    // Follows a redirect answer the same way.
    AppRedirect follow(const Reply &reply);

    // The value of a form field (hidden or not) on a page, by name.
    static QString field(const QByteArray &html, const QString &name);

    AppRedirect signIn(const Reply &loginPage, const QString &username,
                       const QString &password = QStringLiteral("demo-password"));
    AppRedirect pickPatient(const Reply &pickerPage, const QString &patientId);
    // Approves with the given scopes ticked (all offered ones when `scopes` is empty), or denies.
    AppRedirect consent(const Reply &consentPage, bool approve, const QStringList &scopes = {},
                        const QString &until = {});

    // Runs a standalone launch from the authorize URL to the app's redirect: signs in,
    // picks `patientId` if the picker appears, approves everything offered.
    AppRedirect authorize(const QString &authorizeQuery, const QString &username, const QString &patientId);

private:
    HttpClient &m_http;
};

// The authorize query for a client, with PKCE, state and the sandbox's FHIR base as aud.
QString authorizeQuery(const QString &base, const QString &clientId, const QString &redirectUri, const QString &scope,
                       const QString &state, const Pkce &pkce, const QList<QPair<QString, QString>> &extra = {});

} // namespace TestSupport
