// SPDX-License-Identifier: Apache-2.0
#include "capabilitystatement.h"

#include "fhirtypes.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace Fhir {

namespace {

QString typeName(ParameterType type)
{
    switch (type) {
    case ParameterType::Token: return u"token"_s;
    case ParameterType::Reference: return u"reference"_s;
    case ParameterType::Date: return u"date"_s;
    case ParameterType::String: return u"string"_s;
    }
    return u"string"_s;
}

QJsonObject searchParam(const SearchParameter &parameter)
{
    return QJsonObject{{u"name"_s, parameter.name},
                       {u"type"_s, typeName(parameter.type)},
                       {u"documentation"_s, parameter.documentation}};
}

} // namespace

QJsonObject smartSecurity(const CapabilityOptions &options)
{
    auto uri = [](const QString &name, const QString &url) {
        return QJsonObject{{u"url"_s, name}, {u"valueUri"_s, url}};
    };
    QJsonArray uris;
    const QList<QPair<QString, QString>> endpoints
        = {{u"authorize"_s, u"/oauth/authorize"_s},   {u"token"_s, u"/oauth/token"_s},
           {u"register"_s, u"/oauth/register"_s},     {u"manage"_s, u"/apps"_s},
           {u"introspect"_s, u"/oauth/introspect"_s}, {u"revoke"_s, u"/oauth/revoke"_s}};
    for (const auto &[name, path] : endpoints) {
        if (!options.omitOauthUris.contains(name))
            uris.append(uri(name, options.base + path));
    }
    const QJsonObject oauthUris{
        {u"url"_s, u"http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"_s},
        {u"extension"_s, uris},
    };
    return QJsonObject{
        {u"cors"_s, true},
        {u"extension"_s, QJsonArray{oauthUris}},
        {u"service"_s,
         QJsonArray{QJsonObject{
             {u"coding"_s,
              QJsonArray{QJsonObject{{u"system"_s, u"http://terminology.hl7.org/CodeSystem/restful-security-service"_s},
                                     {u"code"_s, u"SMART-on-FHIR"_s},
                                     {u"display"_s, u"SMART-on-FHIR"_s}}}},
             {u"text"_s, u"OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)"_s}}}},
        {u"description"_s,
         options.secured ? u"Every request needs an access token from the sandbox's authorization server "
                           "(Authorization: Bearer)."_s
                         : u"This is the sandbox's open endpoint: it needs no token. The same data, secured, is at "
                           "/api/fhir."_s},
    };
}

namespace {

// rest[0].resource: the same for every request but for `writes`. Built once per variant: it was
// half of the time of GET metadata (bench/RESULTS.md, "UI responsiveness").
QJsonArray buildResources(bool writes)
{
    QJsonArray resources;
    for (const ResourceDefinition &definition : resourceDefinitions()) {
        QJsonArray interactions;
        QStringList codes{u"read"_s, u"vread"_s, u"history-instance"_s, u"search-type"_s};
        if (writes)
            codes << u"create"_s << u"update"_s << u"delete"_s;
        for (const QString &code : codes)
            interactions.append(QJsonObject{{u"code"_s, code}});
        QJsonArray params;
        for (const SearchParameter &parameter : commonParameters())
            params.append(searchParam(parameter));
        QJsonArray includes;
        for (const SearchParameter &parameter : definition.parameters) {
            params.append(searchParam(parameter));
            if (parameter.type == ParameterType::Reference)
                includes.append(QString(definition.type + u':' + parameter.name));
        }
        QJsonArray revIncludes;
        for (const ResourceDefinition &other : resourceDefinitions()) {
            for (const SearchParameter &parameter : other.parameters) {
                if (parameter.type == ParameterType::Reference
                    && (parameter.targets.isEmpty() || parameter.targets.contains(definition.type)))
                    revIncludes.append(QString(other.type + u':' + parameter.name));
            }
        }
        QJsonObject resource{
            {u"type"_s, definition.type}, {u"interaction"_s, interactions}, {u"versioning"_s, u"versioned"_s},
            {u"readHistory"_s, true},     {u"updateCreate"_s, writes},      {u"conditionalRead"_s, u"full-support"_s},
            {u"searchParam"_s, params},
        };
        if (!includes.isEmpty())
            resource.insert(u"searchInclude"_s, includes);
        if (!revIncludes.isEmpty())
            resource.insert(u"searchRevInclude"_s, revIncludes);
        if (definition.type == u"Patient") {
            resource.insert(u"operation"_s,
                            QJsonArray{QJsonObject{
                                {u"name"_s, u"everything"_s},
                                {u"definition"_s, u"http://hl7.org/fhir/OperationDefinition/Patient-everything"_s}}});
        }
        resources.append(resource);
    }
    return resources;
}

const QJsonArray &resourcesOffered(bool writes)
{
    static const QJsonArray withWrites = buildResources(true);
    static const QJsonArray readOnly = buildResources(false);
    return writes ? withWrites : readOnly;
}

} // namespace

QJsonObject capabilityStatement(const CapabilityOptions &options)
{
    const QJsonArray &resources = resourcesOffered(options.writes);
    return QJsonObject{
        {u"resourceType"_s, u"CapabilityStatement"_s},
        {u"status"_s, u"active"_s},
        {u"date"_s, options.instant},
        {u"publisher"_s, u"SMART Sandbox"_s},
        {u"kind"_s, u"instance"_s},
        {u"software"_s, QJsonObject{{u"name"_s, u"SMART Sandbox"_s}, {u"version"_s, options.version}}},
        {u"implementation"_s,
         QJsonObject{{u"description"_s,
                      options.secured ? u"SMART Sandbox FHIR API (secured)"_s : u"SMART Sandbox FHIR API (open)"_s},
                     {u"url"_s, options.fhirBase}}},
        {u"fhirVersion"_s, u"4.0.1"_s},
        {u"format"_s, QJsonArray{u"application/fhir+json"_s, u"json"_s}},
        {u"rest"_s,
         QJsonArray{QJsonObject{
             {u"mode"_s, u"server"_s}, {u"security"_s, smartSecurity(options)}, {u"resource"_s, resources}}}},
    };
}

} // namespace Fhir
