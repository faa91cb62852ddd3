// SPDX-License-Identifier: Apache-2.0
#include "requestreplayer.h"

#include "portalserver.h"
#include "replayrequest.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QUrl>

using namespace Qt::StringLiterals;

RequestReplayer::RequestReplayer(const PortalServer &server, QObject *parent)
    : QObject(parent), m_server(server), m_network(new QNetworkAccessManager(this))
{
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network->setTransferTimeout(s_timeoutMs);
}

RequestReplayer::~RequestReplayer() = default;

QString RequestReplayer::listenerOrigin() const
{
    if (!m_server.isListening())
        return {};
    return m_server.listenerUrl();
}

Status RequestReplayer::replay(const RequestLogEntry &entry)
{
    const QString origin = listenerOrigin();
    if (origin.isEmpty())
        return Error{ErrorKind::Unavailable, u"not_listening"_s,
                     u"The server is stopped; start it to replay a request"_s};
    const ReplayRequest replay = ReplayRequest::fromEntry(entry, origin);
    QNetworkRequest request(QUrl(replay.url, QUrl::TolerantMode));
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    for (const auto &[name, value] : replay.headers)
        request.setRawHeader(name, value);
    const QSslCertificate certificate = m_server.tlsCertificate();
    if (!certificate.isNull()) {
        // Our own listener: trust exactly its certificate, whatever names it was made for.
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates({certificate});
        request.setSslConfiguration(configuration);
    }
    QNetworkReply *reply = m_network->sendCustomRequest(request, replay.method, replay.body);
    if (!certificate.isNull())
        reply->ignoreSslErrors({QSslError(QSslError::HostNameMismatch, certificate)});
    ++m_pending;
    const quint64 sequence = entry.sequence;
    connect(reply, &QNetworkReply::finished, this, [this, reply, sequence] {
        --m_pending;
        reply->deleteLater();
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (status.isValid())
            Q_EMIT replayed(sequence, status.toInt());
        else
            Q_EMIT replayFailed(sequence, reply->errorString());
    });
    return Done{};
}
