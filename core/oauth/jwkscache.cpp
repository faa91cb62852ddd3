// SPDX-License-Identifier: Apache-2.0
#include "jwkscache.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

using namespace Qt::StringLiterals;

JwksCache::JwksCache(QObject *parent) : QObject(parent), m_network(new QNetworkAccessManager(this))
{
    m_network->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

JwksCache::~JwksCache() = default;

std::optional<QJsonObject> JwksCache::keys(const QString &uri) const
{
    const auto it = m_entries.constFind(uri);
    if (it == m_entries.constEnd() || it->keys.isEmpty() || !it->age.isValid() || it->age.elapsed() > s_maxAgeMs)
        return std::nullopt;
    return it->keys;
}

QString JwksCache::lastError(const QString &uri) const
{
    return m_entries.value(uri).error;
}

void JwksCache::fetch(const QString &uri, std::function<void()> done)
{
    QList<std::function<void()>> &waiting = m_waiting[uri];
    waiting.append(std::move(done));
    if (waiting.size() > 1)
        return; // a fetch of this URL is already on its way
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"https"_s && url.scheme() != u"http"_s)) {
        finish(uri, {}, u"jwks_uri is not an http(s) URL"_s);
        return;
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(s_timeoutMs);
    request.setRawHeader("Accept", "application/jwk-set+json, application/json");
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > s_maxBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, uri] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError)
            finish(uri, {}, u"fetching %1 failed: %2"_s.arg(uri, reply->errorString()));
        else if (status != 200)
            finish(uri, {}, u"fetching %1 answered HTTP %2"_s.arg(uri).arg(status));
        else
            finish(uri, reply->read(s_maxBytes + 1), {});
    });
}

void JwksCache::finish(const QString &uri, const QByteArray &body, const QString &error)
{
    Entry &entry = m_entries[uri];
    entry.error = error;
    if (error.isEmpty()) {
        const QJsonObject keys = QJsonDocument::fromJson(body).object();
        if (body.size() > s_maxBytes)
            entry.error = u"%1 is larger than %2 bytes"_s.arg(uri).arg(s_maxBytes);
        else if (!keys.value(u"keys"_s).isArray())
            entry.error = u"%1 is not a JSON Web Key Set (no \"keys\" array)"_s.arg(uri);
        else {
            entry.keys = keys;
            entry.age.start();
        }
    }
    const QList<std::function<void()>> waiting = m_waiting.take(uri);
    for (const auto &done : waiting)
        done();
}
