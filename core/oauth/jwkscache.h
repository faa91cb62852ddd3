// SPDX-License-Identifier: Apache-2.0
#pragma once

// Client key sets registered by URL (jwks_uri, for private_key_jwt): fetched over HTTP without
// blocking, kept five minutes, fetched again when an assertion names a key id the cached set
// lacks (key rotation). Concurrent requests for one URL share one fetch.

#include "result.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <optional>

class QNetworkAccessManager;

class JwksCache final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JwksCache)

public:
    static constexpr qint64 s_maxAgeMs = 5 * 60 * 1000;
    static constexpr qint64 s_maxBytes = 256 * 1024;
    static constexpr int s_timeoutMs = 5000;

    explicit JwksCache(QObject *parent = nullptr);
    ~JwksCache() override;

    // The key set fetched from `uri` within the last five minutes, if any.
    std::optional<QJsonObject> keys(const QString &uri) const;
    // Why the last fetch of `uri` failed; empty when it did not.
    QString lastError(const QString &uri) const;
    // Fetches `uri` (again); `done` runs on the main thread when the answer or an error is in.
    void fetch(const QString &uri, std::function<void()> done);

private:
    struct Entry
    {
        QJsonObject keys;
        QElapsedTimer age;
        QString error;
    };
    void finish(const QString &uri, const QByteArray &body, const QString &error);

    QNetworkAccessManager *m_network;
    QHash<QString, Entry> m_entries;
    QHash<QString, QList<std::function<void()>>> m_waiting;
};
