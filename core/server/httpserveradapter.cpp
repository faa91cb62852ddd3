// SPDX-License-Identifier: Apache-2.0
#include "httpserveradapter.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QTcpServer>

using namespace Qt::StringLiterals;

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

} // namespace

HttpServerAdapter::HttpServerAdapter(Handler handler, Completed completed, QObject *parent)
    : QAbstractHttpServer(parent), m_handler(std::move(handler)), m_completed(std::move(completed))
{ }

HttpServerAdapter::~HttpServerAdapter() = default;

Result<quint16> HttpServerAdapter::start(const QHostAddress &address, quint16 port)
{
    stop();
    auto *listener = new QTcpServer(this);
    if (!listener->listen(address, port)) {
        const QString reason = listener->errorString();
        delete listener;
        return Error{ErrorKind::Unavailable, u"listen_failed"_s,
                     u"Cannot listen on %1 port %2: %3"_s.arg(address.toString()).arg(port).arg(reason)};
    }
    bind(listener); // QAbstractHttpServer takes ownership
    m_listener = listener;
    return m_listener->serverPort();
}

void HttpServerAdapter::stop()
{
    if (m_listener) {
        m_listener->close();
        m_listener->deleteLater();
        m_listener = nullptr;
    }
}

bool HttpServerAdapter::isListening() const
{
    return m_listener && m_listener->isListening();
}

quint16 HttpServerAdapter::port() const
{
    return isListening() ? m_listener->serverPort() : 0;
}

bool HttpServerAdapter::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpRequest plain;
    plain.timer.start();
    plain.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
    plain.method = methodName(request.method());
    const QUrl url = request.url();
    plain.path = url.path(QUrl::FullyDecoded);
    plain.rawQuery = url.query(QUrl::FullyEncoded).toLatin1();
    plain.headers = request.headers();
    plain.body = request.body();
    plain.remoteAddress = request.remoteAddress();

    const HttpResponse answer = m_handler(plain);

    QHttpServerResponse response(answer.contentType, answer.body,
                                 static_cast<QHttpServerResponse::StatusCode>(answer.status));
    for (const auto &[name, value] : answer.headers)
        response.addHeader(name, value);
    response.write(makeResponder(request, socket));

    if (m_completed)
        m_completed(plain, answer);
    return true;
}

void HttpServerAdapter::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Not reached: handleRequest() answers every request. Kept to satisfy the interface.
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
}
