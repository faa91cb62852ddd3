// SPDX-License-Identifier: Apache-2.0
// Launch flows as the Flows tab shows them: a real standalone launch (discovery, authorize,
// sign-in, picker, consent, code exchange, FHIR calls, refresh, introspection, revocation) is
// driven against a running sandbox, and what the request log recorded is grouped into one flow
// with its steps in order; a refused code exchange leaves a flow that failed at "token".

#include "oauthflow.h"
#include "server/flowgrouper.h"
#include "server/requestlog.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

const auto s_redirect = u"http://localhost:3000/callback"_s;
const auto s_scope = u"launch/patient openid fhirUser offline_access patient/*.rs"_s;

QString registerPublicClient(RunningSandbox &running, const QString &name)
{
    return running.http()
        .postJson(u"/oauth/register"_s,
                  QJsonObject{{u"client_name"_s, name},
                              {u"redirect_uris"_s, QJsonArray{s_redirect}},
                              {u"token_endpoint_auth_method"_s, u"none"_s},
                              {u"scope"_s, s_scope}})
        .json()[u"client_id"_s]
        .toString();
}

Reply exchange(RunningSandbox &running, const QString &clientId, const QString &code, const QString &verifier)
{
    return running.http().postForm(u"/oauth/token"_s,
                                   {{u"grant_type"_s, u"authorization_code"_s},
                                    {u"code"_s, code},
                                    {u"redirect_uri"_s, s_redirect},
                                    {u"client_id"_s, clientId},
                                    {u"code_verifier"_s, verifier}});
}

QList<RequestLogEntry> logged(RunningSandbox &running)
{
    RequestLog &log = running.sandbox().requestLog();
    if (!log.flush())
        return {};
    return log.newest(1000).value();
}

QStringList stepNames(const LaunchFlow &flow)
{
    QStringList names;
    for (const FlowStep &step : flow.steps)
        names.append(step.name() + u' ' + step.entry.method);
    return names;
}

} // namespace

class tst_FlowGrouper final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wholeLaunchIsOneFlow();
    void refusedExchangeFailsAtToken();
    void interleavedLaunchesStayApart();
};

void tst_FlowGrouper::wholeLaunchIsOneFlow()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running, u"Flow App"_s);
    QCOMPARE(running.http().get(u"/api/fhir/.well-known/smart-configuration"_s).status, 200);

    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    const AppRedirect done
        = browser.authorize(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"flow-1"_s, pkce),
                            u"daniel-adams"_s, u"smart-1032702"_s);
    QVERIFY(!done.code().isEmpty());
    const Reply token = exchange(running, clientId, done.code(), pkce.verifier);
    QCOMPARE(token.status, 200);
    const QByteArray bearer = "Bearer " + token.json()[u"access_token"_s].toString().toLatin1();
    QCOMPARE(running.http().get(u"/api/fhir/Patient/smart-1032702"_s, {{"Authorization", bearer}}).status, 200);
    QVERIFY(running.http().get(u"/api/fhir/Patient/smart-1288992"_s, {{"Authorization", bearer}}).status >= 400);
    const Reply refreshed = running.http().postForm(u"/oauth/token"_s,
                                                    {{u"grant_type"_s, u"refresh_token"_s},
                                                     {u"refresh_token"_s, token.json()[u"refresh_token"_s].toString()},
                                                     {u"client_id"_s, clientId}});
    QCOMPARE(refreshed.status, 200);
    const QString fresh = refreshed.json()[u"access_token"_s].toString();
    QCOMPARE(
        running.http()
            .get(u"/api/fhir/Observation?patient=smart-1032702"_s, {{"Authorization", "Bearer " + fresh.toLatin1()}})
            .status,
        200);
    QCOMPARE(running.http()
                 .postForm(u"/oauth/introspect"_s, {{u"token"_s, fresh}, {u"client_id"_s, clientId}})
                 .json()[u"active"_s]
                 .toBool(),
             true);
    QCOMPARE(running.http()
                 .postForm(u"/oauth/revoke"_s,
                           {{u"token"_s, refreshed.json()[u"refresh_token"_s].toString()}, {u"client_id"_s, clientId}})
                 .status,
             200);
    // Unrelated traffic stays out of the flow.
    running.http().get(u"/apps"_s);

    const QList<LaunchFlow> flows = FlowGrouper::group(logged(running));
    QCOMPARE(flows.size(), 1);
    const LaunchFlow &flow = flows.constFirst();
    QCOMPARE(stepNames(flow),
             QStringList({u"discovery GET"_s, u"authorize GET"_s, u"login GET"_s, u"login POST"_s, u"picker GET"_s,
                          u"picker POST"_s, u"consent GET"_s, u"consent POST"_s, u"token POST"_s, u"fhir GET"_s,
                          u"fhir GET"_s, u"refresh POST"_s, u"fhir GET"_s, u"introspect POST"_s, u"revoke POST"_s}));
    QCOMPARE(flow.clientId, clientId);
    QCOMPARE(flow.username, u"daniel-adams"_s);
    QCOMPARE(flow.patientId, u"smart-1032702"_s);
    QCOMPARE(flow.state, u"flow-1"_s);
    QCOMPARE(flow.outcome(), LaunchFlow::Outcome::Completed);
    // The refused read is a failed step of a completed flow, with its own status.
    QVERIFY(flow.steps.at(10).entry.status >= 400);
    QVERIFY(flow.steps.at(10).failed());
    QVERIFY(!flow.steps.at(9).failed());
    QCOMPARE(flow.steps.at(8).entry.tokenId, flow.steps.at(9).entry.tokenId);
    QVERIFY(flow.steps.at(11).entry.tokenId != flow.steps.at(8).entry.tokenId); // rotated on refresh
    QCOMPARE(flow.steps.at(12).entry.tokenId, flow.steps.at(11).entry.tokenId);
}

void tst_FlowGrouper::refusedExchangeFailsAtToken()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString clientId = registerPublicClient(running, u"Flow App"_s);
    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    const AppRedirect done
        = browser.authorize(authorizeQuery(running.http().base(), clientId, s_redirect, s_scope, u"flow-2"_s, pkce),
                            u"joseph-ross"_s, QString());
    QVERIFY(!done.code().isEmpty());
    QCOMPARE(exchange(running, clientId, done.code(), Pkce::make().verifier).status, 400);

    const QList<LaunchFlow> flows = FlowGrouper::group(logged(running));
    QCOMPARE(flows.size(), 1);
    const LaunchFlow &flow = flows.constFirst();
    QCOMPARE(stepNames(flow),
             QStringList({u"authorize GET"_s, u"login GET"_s, u"login POST"_s, u"consent GET"_s, u"consent POST"_s,
                          u"token POST"_s}));
    QCOMPARE(flow.outcome(), LaunchFlow::Outcome::Failed);
    QCOMPARE(flow.failedStep(), std::optional<qsizetype>(5));
    const FlowStep &failed = flow.steps.at(5);
    QCOMPARE(failed.entry.status, 400);
    QVERIFY(failed.entry.findings.join(u'\n').contains(u"code_verifier"_s));
}

void tst_FlowGrouper::interleavedLaunchesStayApart()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    const QString first = registerPublicClient(running, u"First"_s);
    const QString second = registerPublicClient(running, u"Second"_s);
    PortalBrowser browser(running.http());
    const Pkce pkce = Pkce::make();
    // Both apps start before either finishes; the second is denied at consent.
    AppRedirect one = browser.open(authorizeQuery(running.http().base(), first, s_redirect, s_scope, u"a"_s, pkce));
    AppRedirect two = browser.open(authorizeQuery(running.http().base(), second, s_redirect, s_scope, u"b"_s, pkce));
    one = browser.signIn(one.page, u"joseph-ross"_s);
    two = browser.signIn(two.page, u"joseph-ross"_s);
    two = browser.consent(two.page, false);
    QCOMPARE(two.error(), u"access_denied"_s);
    one = browser.consent(one.page, true);
    QCOMPARE(exchange(running, first, one.code(), pkce.verifier).status, 200);

    const QList<LaunchFlow> flows = FlowGrouper::group(logged(running));
    QCOMPARE(flows.size(), 2);
    QCOMPARE(flows.at(0).clientId, first);
    QCOMPARE(flows.at(0).outcome(), LaunchFlow::Outcome::Completed);
    QCOMPARE(flows.at(0).steps.constLast().name(), u"token"_s);
    QCOMPARE(flows.at(1).clientId, second);
    QCOMPARE(flows.at(1).outcome(), LaunchFlow::Outcome::Failed);
    QCOMPARE(flows.at(1).steps.at(*flows.at(1).failedStep()).name(), u"consent"_s);
    QCOMPARE(stepNames(flows.at(1)),
             QStringList({u"authorize GET"_s, u"login GET"_s, u"login POST"_s, u"consent GET"_s, u"consent POST"_s}));
}

QTEST_GUILESS_MAIN(tst_FlowGrouper)
#include "tst_flowgrouper.moc"
