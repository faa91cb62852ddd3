// SPDX-License-Identifier: Apache-2.0
#include "flowgrouper.h"

#include "http.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QString valueOf(const QueryItems &items, const QString &name)
{
    for (const auto &[key, value] : items) {
        if (key == name)
            return value;
    }
    return {};
}

QueryItems formOf(const RequestLogEntry &entry)
{
    return Http::decodeForm(entry.requestBody);
}

QueryItems queryOf(const RequestLogEntry &entry)
{
    return Http::decodeForm(entry.query.toUtf8());
}

// The parameters of a request: its form for a POST, its query otherwise.
QueryItems parametersOf(const RequestLogEntry &entry)
{
    return entry.method == u"POST"_s ? formOf(entry) : queryOf(entry);
}

QByteArray headerOf(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// The query of the Location a response redirected to.
QueryItems redirectQuery(const RequestLogEntry &entry)
{
    const QByteArray location = headerOf(entry.responseHeaders, "Location");
    if (location.isEmpty())
        return {};
    return Http::decodeForm(QUrl::fromEncoded(location).query(QUrl::FullyEncoded).toUtf8());
}

bool isDiscovery(const QString &path)
{
    return path == u"/.well-known/smart-configuration"_s || path == u"/api/fhir/.well-known/smart-configuration"_s
        || path == u"/.well-known/openid-configuration"_s || path == u"/api/fhir/metadata"_s;
}

bool isFhir(const QString &path)
{
    return path == u"/api/fhir"_s || path.startsWith(u"/api/fhir/"_s);
}

QString bearerOf(const RequestLogEntry &entry)
{
    const QByteArray authorization = headerOf(entry.requestHeaders, "Authorization");
    if (!authorization.left(7).toLower().startsWith("bearer "))
        return {};
    return QString::fromLatin1(authorization.mid(7).trimmed());
}

} // namespace

QString FlowStep::kindName(FlowStepKind kind)
{
    switch (kind) {
    case FlowStepKind::Discovery: return u"discovery"_s;
    case FlowStepKind::Authorize: return u"authorize"_s;
    case FlowStepKind::Login: return u"login"_s;
    case FlowStepKind::Picker: return u"picker"_s;
    case FlowStepKind::Consent: return u"consent"_s;
    case FlowStepKind::Token: return u"token"_s;
    case FlowStepKind::Fhir: return u"fhir"_s;
    case FlowStepKind::Refresh: return u"refresh"_s;
    case FlowStepKind::Introspect: return u"introspect"_s;
    case FlowStepKind::Revoke: return u"revoke"_s;
    }
    return {};
}

bool FlowStep::failed() const
{
    if (entry.status >= 400 || entry.status == 0)
        return true;
    if (entry.status >= 300 && entry.status < 400)
        return !valueOf(redirectQuery(entry), u"error"_s).isEmpty();
    return false;
}

qint64 LaunchFlow::startedAtMs() const
{
    return steps.isEmpty() ? 0 : steps.constFirst().entry.startedAtMs;
}

qint64 LaunchFlow::endedAtMs() const
{
    qint64 end = startedAtMs();
    for (const FlowStep &step : steps)
        end = std::max(end, step.entry.startedAtMs + step.entry.durationUs / 1000);
    return end;
}

std::optional<qsizetype> LaunchFlow::failedStep() const
{
    for (qsizetype i = 0; i < steps.size(); ++i) {
        if (steps.at(i).kind != FlowStepKind::Discovery && steps.at(i).failed())
            return i;
    }
    return std::nullopt;
}

LaunchFlow::Outcome LaunchFlow::outcome() const
{
    const bool exchanged = std::any_of(steps.begin(), steps.end(), [](const FlowStep &step) {
        return step.kind == FlowStepKind::Token && !step.failed();
    });
    if (exchanged)
        return Outcome::Completed;
    return failedStep() ? Outcome::Failed : Outcome::InProgress;
}

const LaunchFlow *FlowGrouper::flow(qint64 id) const
{
    if (m_flows.isEmpty())
        return nullptr;
    const qint64 row = id - m_flows.constFirst().id;
    return row >= 0 && row < m_flows.size() ? &m_flows.at(row) : nullptr;
}

LaunchFlow *FlowGrouper::find(const QHash<QString, qint64> &index, const QString &key)
{
    if (key.isEmpty())
        return nullptr;
    const auto it = index.constFind(key);
    if (it == index.constEnd() || m_flows.isEmpty())
        return nullptr;
    const qint64 row = it.value() - m_flows.constFirst().id;
    return row >= 0 && row < m_flows.size() ? &m_flows[row] : nullptr;
}

FlowGrouper::Placement FlowGrouper::append(LaunchFlow &flow, FlowStepKind kind, const RequestLogEntry &entry)
{
    flow.steps.append(FlowStep{kind, entry});
    if (flow.clientId.isEmpty())
        flow.clientId = entry.clientId;
    return Placement{flow.id, false};
}

// The pending authorization id and the code travel in the portal's redirects.
void FlowGrouper::learnRedirect(LaunchFlow &flow, const RequestLogEntry &entry)
{
    const QueryItems query = redirectQuery(entry);
    if (const QString request = valueOf(query, u"request"_s); !request.isEmpty())
        m_byRequestId.insert(request, flow.id);
    if (const QString code = valueOf(query, u"code"_s); !code.isEmpty())
        m_byCode.insert(code, flow.id);
}

void FlowGrouper::learnTokens(LaunchFlow &flow, const RequestLogEntry &entry)
{
    if (!entry.tokenId.isEmpty())
        m_byTokenId.insert(entry.tokenId, flow.id);
    if (entry.status != 200)
        return;
    const QJsonObject body = QJsonDocument::fromJson(entry.responseBody).object();
    for (const QString &name : {u"access_token"_s, u"refresh_token"_s}) {
        if (const QString token = body.value(name).toString(); !token.isEmpty())
            m_byTokenString.insert(token, flow.id);
    }
    if (const QString patient = body.value(u"patient"_s).toString(); !patient.isEmpty())
        flow.patientId = patient;
}

FlowGrouper::Placement FlowGrouper::startFlow(const RequestLogEntry &entry)
{
    LaunchFlow flow;
    flow.id = m_nextId++;
    const QueryItems parameters = parametersOf(entry);
    flow.clientId = entry.clientId.isEmpty() ? valueOf(parameters, u"client_id"_s) : entry.clientId;
    flow.state = valueOf(parameters, u"state"_s);
    flow.remoteAddress = entry.remoteAddress;
    // The discovery that led here: same address, shortly before.
    for (auto it = m_heldDiscovery.begin(); it != m_heldDiscovery.end();) {
        if (it->remoteAddress == entry.remoteAddress && entry.startedAtMs - it->startedAtMs <= s_discoveryWindowMs) {
            flow.steps.append(FlowStep{FlowStepKind::Discovery, *it});
            it = m_heldDiscovery.erase(it);
        } else {
            ++it;
        }
    }
    flow.steps.append(FlowStep{FlowStepKind::Authorize, entry});
    m_flows.append(flow);
    learnRedirect(m_flows.last(), entry);
    return Placement{flow.id, true};
}

FlowGrouper::Placement FlowGrouper::add(const RequestLogEntry &entry)
{
    const QString &path = entry.path;
    if (path == u"/oauth/authorize"_s)
        return startFlow(entry);

    static const QHash<QString, FlowStepKind> portalPages{{u"/oauth/login"_s, FlowStepKind::Login},
                                                          {u"/oauth/picker"_s, FlowStepKind::Picker},
                                                          {u"/oauth/consent"_s, FlowStepKind::Consent}};
    if (const auto page = portalPages.constFind(path); page != portalPages.constEnd()) {
        const QueryItems parameters = parametersOf(entry);
        LaunchFlow *flow = find(m_byRequestId, valueOf(parameters, u"request"_s));
        if (!flow)
            return {};
        if (page.value() == FlowStepKind::Login && entry.method == u"POST"_s && entry.status < 400)
            flow->username = valueOf(parameters, u"username"_s);
        if (page.value() == FlowStepKind::Picker && entry.method == u"POST"_s && entry.status < 400)
            flow->patientId = valueOf(parameters, u"patient_id"_s);
        learnRedirect(*flow, entry);
        return append(*flow, page.value(), entry);
    }

    if (path == u"/oauth/token"_s) {
        const QueryItems form = formOf(entry);
        const QString grant = valueOf(form, u"grant_type"_s);
        LaunchFlow *flow = nullptr;
        FlowStepKind kind = FlowStepKind::Token;
        if (grant == u"authorization_code"_s) {
            flow = find(m_byCode, valueOf(form, u"code"_s));
        } else if (grant == u"refresh_token"_s) {
            flow = find(m_byTokenString, valueOf(form, u"refresh_token"_s));
            kind = FlowStepKind::Refresh;
        }
        if (!flow)
            return {};
        learnTokens(*flow, entry);
        return append(*flow, kind, entry);
    }

    if (path == u"/oauth/introspect"_s || path == u"/oauth/revoke"_s) {
        LaunchFlow *flow = find(m_byTokenString, valueOf(formOf(entry), u"token"_s));
        if (!flow)
            return {};
        return append(*flow, path == u"/oauth/revoke"_s ? FlowStepKind::Revoke : FlowStepKind::Introspect, entry);
    }

    if (isFhir(path)) {
        LaunchFlow *flow = find(m_byTokenId, entry.tokenId);
        if (!flow)
            flow = find(m_byTokenString, bearerOf(entry));
        if (flow)
            return append(*flow, FlowStepKind::Fhir, entry);
    }

    if (isDiscovery(path) && entry.method == u"GET"_s) {
        m_heldDiscovery.append(entry);
        if (m_heldDiscovery.size() > s_heldDiscoveryCap)
            m_heldDiscovery.removeFirst();
    }
    return {};
}

void FlowGrouper::dropOldest()
{
    if (m_flows.isEmpty())
        return;
    const qint64 gone = m_flows.takeFirst().id;
    for (QHash<QString, qint64> *index : {&m_byRequestId, &m_byCode, &m_byTokenId, &m_byTokenString})
        index->removeIf([gone](const QHash<QString, qint64>::iterator it) { return it.value() <= gone; });
}

void FlowGrouper::clear()
{
    m_flows.clear();
    m_byRequestId.clear();
    m_byCode.clear();
    m_byTokenId.clear();
    m_byTokenString.clear();
    m_heldDiscovery.clear();
}

QList<LaunchFlow> FlowGrouper::group(const QList<RequestLogEntry> &entries)
{
    FlowGrouper grouper;
    for (const RequestLogEntry &entry : entries)
        grouper.add(entry);
    return grouper.flows();
}
