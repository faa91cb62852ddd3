// SPDX-License-Identifier: Apache-2.0
#pragma once

// The self-check: conformance checks of a running sandbox's authorization server and FHIR
// endpoints, made over plain HTTP as an app would make them (QNetworkAccessManager, no event-loop
// nesting). Each check names the rule it tests and reports pass or fail with a detail. Used by
// `smart-sandbox --self-check` and by the window's "Run self-check".

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>

class QNetworkAccessManager;

struct CheckResult
{
    QString name; // e.g. "token: PKCE wrong verifier"
    QString rule; // e.g. "RFC 7636 section 4.6"
    bool passed = false;
    QString detail;
};

class SelfCheck final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SelfCheck)

public:
    enum class Outcome { Passed, Failed, Unreachable };

    // `base`: the sandbox's origin, such as http://127.0.0.1:9000.
    explicit SelfCheck(const QUrl &base, QObject *parent = nullptr);
    ~SelfCheck() override;

    // Starts the checks; checkFinished() follows for each, then finished() once.
    void start();
    bool isRunning() const { return m_running; }
    const QList<CheckResult> &results() const { return m_results; }
    Outcome outcome() const { return m_outcome; }

    // The results as a plain-text table: check, result, detail (the rule first).
    static QString table(const QList<CheckResult> &results);

Q_SIGNALS:
    void checkFinished(const CheckResult &result);
    void finished(SelfCheck::Outcome outcome);

private:
    struct Reply
    {
        int status = 0;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QString networkError; // empty unless the request did not get an answer
        QByteArray header(QByteArrayView name) const;
        QJsonObject json() const;
        bool isJson() const;
        // "HTTP 404 {...}": the status and the start of the body, for a failed check's detail.
        QString describe() const;
    };
    using Step = std::function<void(std::function<void()> next)>;
    using Handler = std::function<void(const Reply &)>;

    // Relative paths are resolved against the base.
    void send(const QByteArray &method, const QString &url, const QByteArray &body,
              const QList<QPair<QByteArray, QByteArray>> &headers, Handler handler);
    void get(const QString &url, Handler handler, const QList<QPair<QByteArray, QByteArray>> &headers = {});
    void postForm(const QString &url, const QList<QPair<QString, QString>> &fields, Handler handler);
    // POST token_endpoint with grant_type=authorization_code for the code this run received.
    void redeemCode(const QString &verifier, Handler handler);
    // The code again (with `verifier`) must be refused with 400 invalid_grant.
    void expectInvalidGrant(const QString &name, const QString &rule, const QString &verifier,
                            std::function<void()> next);
    void report(const QString &name, const QString &rule, bool passed, const QString &detail);
    // A check that cannot run because an earlier one failed.
    void notRun(const QString &name, const QString &rule, const QString &missing);
    void runNext();
    void finish();

    // The checks, in order (selfcheckchecks.cpp).
    QList<Step> steps();
    void checkSmartConfiguration(std::function<void()> next);
    void checkSmartConfigurationUnderFhirBase(std::function<void()> next);
    void checkOpenidConfiguration(std::function<void()> next);
    void checkCapabilityStatement(std::function<void()> next);
    void checkJwks(std::function<void()> next);
    void checkRegistration(std::function<void()> next);
    void checkRegistrationError(std::function<void()> next);
    void checkAuthorization(std::function<void()> next);
    void followPortal(const Reply &reply, int hops, std::function<void()> next);
    void checkWrongVerifier(std::function<void()> next);
    void checkTokenResponse(std::function<void()> next);
    void checkIdToken(std::function<void()> next);
    void checkFhirRead(std::function<void()> next);
    void checkFhirSearch(std::function<void()> next);
    void checkFhirWithoutToken(std::function<void()> next);
    void checkIntrospection(std::function<void()> next);
    void checkIntrospectionInactive(std::function<void()> next);
    void checkRefresh(std::function<void()> next);
    void checkRevocation(std::function<void()> next);
    void checkCodeReuse(std::function<void()> next);
    void checkDeleteClient(std::function<void()> next);

    QUrl m_base;
    QNetworkAccessManager *m_network;
    bool m_running = false;
    bool m_unreachable = false;
    Outcome m_outcome = Outcome::Passed;
    QList<CheckResult> m_results;
    QList<Step> m_steps;
    qsizetype m_nextStep = 0;

    // What the checks learn and hand on.
    QJsonObject m_smartConfiguration;
    QJsonObject m_jwks;
    QString m_fhirBase;
    QString m_clientId;
    QString m_registrationUri;
    QString m_registrationToken;
    QString m_redirectUri;
    QString m_state;
    QString m_nonce;
    QString m_verifier;
    QString m_code;
    QJsonObject m_tokenResponse;
    QString m_accessToken;
    QString m_refreshToken;
    QString m_patient;
};
