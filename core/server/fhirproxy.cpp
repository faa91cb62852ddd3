// SPDX-License-Identifier: Apache-2.0
#include "fhirproxy.h"

#include "fhir/capabilitystatement.h"
#include "fhir/fhirjson.h"
#include "fhir/fhirtypes.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>

using namespace Qt::StringLiterals;
using Fhir::Interaction;

Q_LOGGING_CATEGORY(lcProxy, "sandbox.fhir.proxy", QtInfoMsg)

namespace {

constexpr char s_fhirJson[] = "application/fhir+json; charset=utf-8";

HttpResponse outcome(int status, const QString &code, const QString &diagnostics)
{
    HttpResponse response;
    response.status = status;
    response.contentType = s_fhirJson;
    response.body = QJsonDocument(Fhir::operationOutcome(u"error"_s, code, diagnostics)).toJson(QJsonDocument::Compact);
    return response;
}

HttpResponse refusal(const Error &error)
{
    return outcome(Http::statusFor(error.kind), Fhir::issueType(error), error.description);
}

enum class Kind { Metadata, Search, Read, History, Everything, Create, Update, Delete, Other };

Kind kindOf(const QByteArray &method, const QStringList &segments)
{
    const bool reading = method == "GET" || method == "HEAD";
    const qsizetype count = segments.size();
    if (count == 0)
        return reading ? Kind::Search : Kind::Other; // paging links to the base (?_getpages=...)
    if (count == 1 && segments.first() == u"metadata")
        return reading ? Kind::Metadata : Kind::Other;
    if (count == 1)
        return reading ? Kind::Search : (method == "POST" ? Kind::Create : Kind::Other);
    if (count == 2 && segments.at(1) == u"_search")
        return method == "POST" ? Kind::Search : Kind::Other;
    if (count == 2) {
        if (reading)
            return Kind::Read;
        if (method == "PUT")
            return Kind::Update;
        if (method == "DELETE")
            return Kind::Delete;
        return Kind::Other;
    }
    if (count == 3 && segments.at(0) == u"Patient" && segments.at(2) == u"$everything")
        return reading ? Kind::Everything : Kind::Other;
    if (count == 3 && segments.at(2) == u"_history")
        return reading ? Kind::History : Kind::Other;
    if (count == 4 && segments.at(2) == u"_history")
        return reading ? Kind::Read : Kind::Other;
    return Kind::Other;
}

// Every string that starts with the upstream base now starts with the sandbox's.
QJsonValue rewrite(const QJsonValue &value, const QString &from, const QString &to)
{
    if (value.isString()) {
        const QString text = value.toString();
        if (text.startsWith(from)
            && (text.size() == from.size() || text.at(from.size()) == u'/' || text.at(from.size()) == u'?'))
            return QString(to + text.mid(from.size()));
        return value;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            array[i] = rewrite(array.at(i), from, to);
        return array;
    }
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            it.value() = rewrite(it.value(), from, to);
        return object;
    }
    return value;
}

QByteArray encodeQuery(const QList<QPair<QString, QString>> &items)
{
    QByteArrayList parts;
    for (const auto &[name, value] : items)
        parts.append(QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value, "|,:/"));
    return parts.join('&');
}

} // namespace

FhirProxy::FhirProxy(const QUrl &upstream, QObject *parent)
    : QObject(parent), m_upstream(upstream), m_network(new QNetworkAccessManager(this))
{
    m_upstreamBase = upstream.toString(QUrl::FullyEncoded);
    while (m_upstreamBase.endsWith(u'/'))
        m_upstreamBase.chop(1);
    m_network->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

FhirProxy::~FhirProxy() = default;

void FhirProxy::forward(const Call &call, std::function<void(HttpResponse)> reply)
{
    const Kind kind = kindOf(call.method, call.segments);
    const QString type = call.segments.value(0);
    QByteArray query = call.rawQuery;

    // Refuse before sending what the policy can refuse on its own.
    auto refuseUnless = [&](Interaction interaction) -> bool {
        if (kind == Kind::Search && call.segments.isEmpty())
            return false; // a paging link: its entries are checked on the way back
        Result<QList<SqlCondition>> allowed = call.policy.conditions(type, interaction);
        if (!allowed) {
            reply(refusal(allowed.error()));
            return true;
        }
        return false;
    };
    switch (kind) {
    case Kind::Other: {
        HttpResponse response = outcome(
            405, u"not-supported"_s,
            u"The sandbox does not forward %1 %2"_s.arg(QString::fromLatin1(call.method), call.segments.join(u'/')));
        reply(std::move(response));
        return;
    }
    case Kind::Metadata: break;
    case Kind::Search: {
        if (refuseUnless(Interaction::Search))
            return;
        const QList<QPair<QString, QString>> narrowing = call.policy.narrowing(type);
        if (!narrowing.isEmpty())
            query = query.isEmpty() ? encodeQuery(narrowing) : query + '&' + encodeQuery(narrowing);
        break;
    }
    case Kind::Read:
    case Kind::History:
        if (refuseUnless(Interaction::Read))
            return;
        break;
    case Kind::Everything:
        if (refuseUnless(Interaction::Read))
            return;
        break;
    case Kind::Create:
    case Kind::Update: {
        const QJsonObject resource = QJsonDocument::fromJson(call.body).object();
        if (resource.value(u"resourceType"_s).toString() != type) {
            reply(outcome(400, u"invalid"_s, u"The body must be a %1 resource in JSON"_s.arg(type)));
            return;
        }
        if (Status allowed
            = call.policy.allowsWrite(resource, kind == Kind::Create ? Interaction::Create : Interaction::Update);
            !allowed) {
            reply(refusal(allowed.error()));
            return;
        }
        break;
    }
    case Kind::Delete:
        if (refuseUnless(Interaction::Delete))
            return;
        if (!call.policy.isOpen()) {
            // Which record would go is only known upstream; behind a token, deleting needs a look first.
            reply(outcome(405, u"not-supported"_s,
                          u"In upstream mode, /api/fhir does not forward DELETE; use the upstream server directly"_s));
            return;
        }
        break;
    }

    QUrl url(m_upstreamBase + (call.segments.isEmpty() ? QString() : u'/' + call.segments.join(u'/')));
    if (!query.isEmpty())
        url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setTransferTimeout(s_timeoutMs);
    request.setRawHeader("Accept", "application/fhir+json");
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      u"SMART Sandbox/%1"_s.arg(QCoreApplication::applicationVersion()));
    for (const auto &[name, value] : call.headers) {
        const QByteArray lower = name.toLower();
        if (lower == "content-type" || lower == "if-match" || lower == "if-none-match" || lower == "if-modified-since"
            || lower == "prefer")
            request.setRawHeader(name, value);
    }
    QNetworkReply *networkReply = m_network->sendCustomRequest(request, call.method, call.body);
    QPointer<FhirProxy> self(this);
    connect(networkReply, &QNetworkReply::finished, this, [self, call, networkReply, reply] {
        networkReply->deleteLater();
        if (!self)
            return;
        reply(self->translate(call, networkReply));
    });
}

HttpResponse FhirProxy::translate(const Call &call, QNetworkReply *networkReply) const
{
    const QVariant statusAttribute = networkReply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusAttribute.isValid()) {
        qCWarning(lcProxy) << "upstream" << networkReply->url() << "failed:" << networkReply->errorString();
        return outcome(
            502, u"transient"_s,
            u"The upstream FHIR server at %1 did not answer: %2"_s.arg(m_upstreamBase, networkReply->errorString()));
    }
    const int status = statusAttribute.toInt();
    const QByteArray body = networkReply->readAll();
    HttpResponse response;
    response.status = status;
    for (const QByteArray &name : {QByteArray("ETag"), QByteArray("Last-Modified")}) {
        if (networkReply->hasRawHeader(name))
            response.setHeader(name, networkReply->rawHeader(name));
    }
    for (const QByteArray &name : {QByteArray("Location"), QByteArray("Content-Location")}) {
        if (networkReply->hasRawHeader(name)) {
            QString location = QString::fromUtf8(networkReply->rawHeader(name));
            if (location.startsWith(m_upstreamBase))
                location = call.base + location.mid(m_upstreamBase.size());
            response.setHeader(name, location.toUtf8());
        }
    }
    if (body.isEmpty())
        return response;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return outcome(
            502, u"transient"_s,
            u"The upstream FHIR server at %1 answered HTTP %2 without FHIR JSON"_s.arg(m_upstreamBase).arg(status));
    QJsonObject json = document.object();
    const Kind kind = kindOf(call.method, call.segments);
    const QString resourceType = json.value(u"resourceType"_s).toString();

    if (kind == Kind::Metadata && resourceType == u"CapabilityStatement") {
        Fhir::CapabilityOptions options;
        options.base = call.issuer;
        options.fhirBase = call.base;
        options.secured = !call.policy.isOpen();
        QJsonArray rest = json.value(u"rest"_s).toArray();
        QJsonObject first = rest.isEmpty() ? QJsonObject{{u"mode"_s, u"server"_s}} : rest.first().toObject();
        first.insert(u"security"_s, Fhir::smartSecurity(options));
        if (rest.isEmpty())
            rest.append(first);
        else
            rest[0] = first;
        json.insert(u"rest"_s, rest);
    } else if (status >= 200 && status < 300 && resourceType == u"Bundle") {
        // Searches, $everything and history: drop every entry the caller may not see.
        QJsonArray kept;
        qsizetype dropped = 0;
        for (const QJsonValue &entry : json.value(u"entry"_s).toArray()) {
            const QJsonObject resource = entry.toObject().value(u"resource"_s).toObject();
            const bool outcomeEntry = resource.value(u"resourceType"_s).toString() == u"OperationOutcome";
            if (resource.isEmpty() || outcomeEntry || call.policy.allowsRead(resource))
                kept.append(entry);
            else
                ++dropped;
        }
        if (dropped > 0) {
            response.findings.append(u"%1 upstream entries were withheld: the token may not see them"_s.arg(dropped));
            if (kept.isEmpty())
                json.remove(u"entry"_s);
            else
                json.insert(u"entry"_s, kept);
        }
    } else if (status >= 200 && status < 300 && kind == Kind::Read) {
        if (Status allowed = call.policy.allowsRead(json); !allowed)
            return refusal(allowed.error());
    }
    json = rewrite(json, m_upstreamBase, call.base).toObject();
    response.contentType = s_fhirJson;
    response.body = QJsonDocument(json).toJson(QJsonDocument::Compact);
    return response;
}
