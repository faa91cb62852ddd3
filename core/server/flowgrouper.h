// SPDX-License-Identifier: Apache-2.0
#pragma once

// Groups the request log into launch flows: everything one app launch did, from discovery and
// /oauth/authorize through sign-in, picker and consent to the code exchange, then the FHIR calls,
// refreshes, introspection and revocation of the tokens it got. It works only from what the log
// recorded (pending authorization ids in the portal's redirects and forms, codes, token ids and
// token strings in the token responses), so it can group live traffic and a saved log alike
// (docs/decisions/0065-flow-grouping-from-the-log.md).

#include "requestlogentry.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

enum class FlowStepKind { Discovery, Authorize, Login, Picker, Consent, Token, Fhir, Refresh, Introspect, Revoke };

struct FlowStep
{
    FlowStepKind kind = FlowStepKind::Fhir;
    RequestLogEntry entry;

    // "discovery", "authorize", … "revoke".
    static QString kindName(FlowStepKind kind);
    QString name() const { return kindName(kind); }
    // An error status, or a redirect that sends the app an OAuth error (denied consent, a refused
    // authorize request).
    bool failed() const;
};

struct LaunchFlow
{
    enum class Outcome { InProgress, Completed, Failed };

    qint64 id = 0; // counts up from 1 in the order flows started
    QString clientId;
    QString username;
    QString patientId;
    QString state; // the app's state parameter
    QString remoteAddress;
    QList<FlowStep> steps;

    qint64 startedAtMs() const;
    qint64 endedAtMs() const;
    // Completed once a code was exchanged for tokens; otherwise failed when a step failed.
    Outcome outcome() const;
    // The first failed step (discovery aside), if any: where a failed flow stopped.
    std::optional<qsizetype> failedStep() const;
};

class FlowGrouper final
{
public:
    // Discovery requests this long before an authorize request from the same address join its flow.
    static constexpr qint64 s_discoveryWindowMs = 5 * 60 * 1000;
    static constexpr qsizetype s_heldDiscoveryCap = 50;

    struct Placement
    {
        qint64 flowId = 0; // 0: the entry belongs to no flow (yet)
        bool created = false;
    };

    // Takes the next entry of the log (in the order it was recorded).
    Placement add(const RequestLogEntry &entry);
    const QList<LaunchFlow> &flows() const { return m_flows; }
    // The flow with this id, or nullptr when there is none (any more).
    const LaunchFlow *flow(qint64 id) const;
    // Forgets the oldest flow (callers cap how many they keep).
    void dropOldest();
    void clear();

    // Groups a whole log at once.
    static QList<LaunchFlow> group(const QList<RequestLogEntry> &entries);

private:
    LaunchFlow *find(const QHash<QString, qint64> &index, const QString &key);
    Placement append(LaunchFlow &flow, FlowStepKind kind, const RequestLogEntry &entry);
    Placement startFlow(const RequestLogEntry &entry);
    void learnTokens(LaunchFlow &flow, const RequestLogEntry &entry);
    void learnRedirect(LaunchFlow &flow, const RequestLogEntry &entry);

    QList<LaunchFlow> m_flows;
    qint64 m_nextId = 1;
    QHash<QString, qint64> m_byRequestId; // pending authorization request id
    QHash<QString, qint64> m_byCode;
    QHash<QString, qint64> m_byTokenId;
    QHash<QString, qint64> m_byTokenString; // access and refresh token values
    QList<RequestLogEntry> m_heldDiscovery;
};
