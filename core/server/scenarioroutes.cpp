// SPDX-License-Identifier: Apache-2.0
// Saved launch scenarios over /admin/scenarios and the configuration document over /admin/config
// (core/scenarios does the work).

#include "portalserver.h"

#include "sandbox.h"
#include "scenarios/scenariostore.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

HttpResponse unknownScenario(const QString &name)
{
    return HttpResponse::error(404, u"not_found"_s, u"There is no scenario named \"%1\""_s.arg(name));
}

} // namespace

HttpResponse PortalServer::adminScenarios(const HttpRequest &request)
{
    ScenarioStore &scenarios = m_sandbox.scenarios();
    if (request.method == "GET") {
        Result<QList<Scenario>> all = scenarios.list();
        if (!all)
            return Http::errorResponse(all.error());
        QJsonArray array;
        for (const Scenario &scenario : all.value())
            array.append(scenario.toJson());
        return HttpResponse::json(array);
    }
    Result<QJsonObject> body = Http::parseJsonObject(request.body, u"invalid_request"_s);
    if (!body)
        return Http::errorResponse(body.error());
    Result<Scenario> scenario = Scenario::fromJson(body.value());
    if (!scenario)
        return Http::errorResponse(scenario.error());
    Result<std::optional<Scenario>> existing = scenarios.find(scenario.value().name);
    if (!existing)
        return Http::errorResponse(existing.error());
    if (Status saved = scenarios.save(scenario.value()); !saved)
        return Http::errorResponse(saved.error());
    HttpResponse response = HttpResponse::json(scenario.value().toJson(), existing.value() ? 200 : 201);
    response.setHeader("Location", "/admin/scenarios/" + scenario.value().name.toUtf8());
    return response;
}

HttpResponse PortalServer::adminScenario(const HttpRequest &request)
{
    const QString name = request.pathParameters.value(u"name"_s);
    ScenarioStore &scenarios = m_sandbox.scenarios();
    if (request.method == "DELETE") {
        Result<bool> removed = scenarios.remove(name);
        if (!removed)
            return Http::errorResponse(removed.error());
        return removed.value() ? HttpResponse::empty(204) : unknownScenario(name);
    }
    Result<std::optional<Scenario>> found = scenarios.find(name);
    if (!found)
        return Http::errorResponse(found.error());
    if (!found.value())
        return unknownScenario(name);
    return HttpResponse::json(found.value()->toJson());
}

HttpResponse PortalServer::adminScenarioLaunch(const HttpRequest &request)
{
    Result<ScenarioLaunch> launch
        = m_sandbox.scenarios().launch(request.pathParameters.value(u"name"_s), fhirBase(request));
    if (!launch)
        return Http::errorResponse(launch.error());
    HttpResponse response = HttpResponse::json(launch.value().toJson());
    response.clientId = launch.value().clientId;
    return response;
}

HttpResponse PortalServer::adminConfig(const HttpRequest &request)
{
    if (request.method == "GET") {
        Result<QJsonObject> exported = m_sandbox.exportConfiguration();
        return exported ? HttpResponse::json(exported.value()) : Http::errorResponse(exported.error());
    }
    Result<QJsonObject> body = Http::parseJsonObject(request.body, u"invalid_request"_s);
    if (!body)
        return Http::errorResponse(body.error());
    if (Status imported = m_sandbox.importConfiguration(body.value()); !imported)
        return Http::errorResponse(imported.error());
    return HttpResponse::empty(204);
}
