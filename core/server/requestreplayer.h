// SPDX-License-Identifier: Apache-2.0
#pragma once

// Sends a logged request again to this sandbox's own listener, without waiting: the answer comes
// back as a signal, and the exchange is logged like any other, so it appears in the traffic view.
// Redirects are not followed and no cookies are added or kept: one replay is one exchange.

#include "requestlogentry.h"
#include "result.h"

#include <QObject>

class PortalServer;
class QNetworkAccessManager;

class RequestReplayer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestReplayer)

public:
    static constexpr int s_timeoutMs = 30'000;

    explicit RequestReplayer(const PortalServer &server, QObject *parent = nullptr);
    ~RequestReplayer() override;

    // The origin the listener answers on ("http://127.0.0.1:9000"); empty when it is not listening.
    QString listenerOrigin() const;
    // Starts sending; not_listening (503) when the server is stopped. `replayed` or
    // `replayFailed` follow.
    Status replay(const RequestLogEntry &entry);
    int pendingCount() const { return m_pending; }

Q_SIGNALS:
    // The server answered (any status); `sequence` is the entry that was replayed.
    void replayed(quint64 sequence, int status);
    // The connection failed or timed out.
    void replayFailed(quint64 sequence, const QString &description);

private:
    const PortalServer &m_server;
    QNetworkAccessManager *m_network;
    int m_pending = 0;
};
