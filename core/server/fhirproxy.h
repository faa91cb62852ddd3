// SPDX-License-Identifier: Apache-2.0
#pragma once

// Upstream mode: /api/fhir/ and /api/open-fhir/ answered by a real FHIR server instead of the
// built-in store, with the same enforcement. Type and interaction are checked before anything is
// sent; searches are narrowed to the token's patient and v2 restriction; every resource that
// comes back is checked again (reads by id, search and $everything entries, includes), so the
// upstream server's own rules never matter. The CapabilityStatement gets the sandbox's SMART
// security block, and every absolute URL of the upstream server becomes the sandbox's, so paging
// links work through the sandbox. Replies arrive asynchronously: the event loop never waits.

#include "fhir/accesspolicy.h"
#include "http.h"

#include <QObject>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

class FhirProxy final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FhirProxy)

public:
    static constexpr int s_timeoutMs = 30'000;

    // `upstream`: the upstream server's FHIR base, e.g. http://hapi.example/fhir.
    explicit FhirProxy(const QUrl &upstream, QObject *parent = nullptr);
    ~FhirProxy() override;

    QUrl upstream() const { return m_upstream; }

    struct Call
    {
        QByteArray method;
        QStringList segments; // the path below the FHIR base; empty for the base itself
        QByteArray rawQuery;
        QByteArray body;
        HeaderList headers; // the client's request headers (a few are passed on)
        QString base; // the sandbox's FHIR base for this endpoint
        QString issuer; // the sandbox's origin, for the security block
        Fhir::AccessPolicy policy = Fhir::AccessPolicy::open(false);
    };

    // Sends the call upstream and answers through `reply` when the upstream server has answered
    // (or at once, when the policy refuses before anything is sent).
    void forward(const Call &call, std::function<void(HttpResponse)> reply);

private:
    HttpResponse translate(const Call &call, QNetworkReply *reply) const;

    QUrl m_upstream;
    QString m_upstreamBase; // without a trailing slash
    QNetworkAccessManager *m_network;
};
