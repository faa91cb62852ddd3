// SPDX-License-Identifier: Apache-2.0
#include "fhirtypes.h"

#include <QHash>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Fhir {

namespace {

using Type = ParameterType;

SearchParameter token(const QString &name, const QString &paths, const QString &documentation)
{
    return {name, Type::Token, paths, documentation};
}

SearchParameter date(const QString &name, const QString &paths, const QString &documentation)
{
    return {name, Type::Date, paths, documentation};
}

SearchParameter string(const QString &name, const QString &paths, const QString &documentation)
{
    return {name, Type::String, paths, documentation};
}

SearchParameter reference(const QString &name, const QString &paths, const QString &documentation,
                          const QStringList &targets = {})
{
    return {name, Type::Reference, paths, documentation, targets};
}

SearchParameter patientOf(const QString &paths)
{
    return reference(u"patient"_s, paths, u"The patient the resource is about"_s, {u"Patient"_s});
}

SearchParameter subjectOf(const QString &paths)
{
    return reference(u"subject"_s, paths, u"Who or what the resource is about"_s);
}

SearchParameter encounterOf(const QString &paths)
{
    return reference(u"encounter"_s, paths, u"The encounter the resource belongs to"_s, {u"Encounter"_s});
}

SearchParameter statusOf(const QString &paths)
{
    return token(u"status"_s, paths, u"The status of the resource"_s);
}

SearchParameter categoryOf(const QString &paths)
{
    return token(u"category"_s, paths, u"A classification of the resource"_s);
}

SearchParameter codeOf(const QString &paths)
{
    return token(u"code"_s, paths, u"What the resource is about, as system|code"_s);
}

SearchParameter identifier()
{
    return token(u"identifier"_s, u"identifier"_s, u"A business identifier, as system|value"_s);
}

QList<ResourceDefinition> buildDefinitions()
{
    QList<ResourceDefinition> list = {
        {u"AllergyIntolerance"_s,
         {patientOf(u"patient"_s), categoryOf(u"category"_s), codeOf(u"code"_s),
          token(u"clinical-status"_s, u"clinicalStatus"_s, u"active, inactive or resolved"_s),
          date(u"date"_s, u"recordedDate"_s, u"When the allergy was recorded"_s), identifier()},
         {u"patient"_s}},
        {u"CarePlan"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), categoryOf(u"category"_s), statusOf(u"status"_s),
          encounterOf(u"encounter"_s), date(u"date"_s, u"period"_s, u"When the plan applies"_s)},
         {u"patient"_s}},
        {u"CareTeam"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), categoryOf(u"category"_s), statusOf(u"status"_s),
          encounterOf(u"encounter"_s), date(u"date"_s, u"period"_s, u"When the team is active"_s)},
         {u"patient"_s}},
        {u"Claim"_s,
         {patientOf(u"patient"_s), statusOf(u"status"_s), date(u"created"_s, u"created"_s, u"When it was created"_s),
          reference(u"provider"_s, u"provider"_s, u"The provider that submitted it"_s), identifier()},
         {u"patient"_s}},
        {u"Condition"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), categoryOf(u"category"_s), codeOf(u"code"_s),
          token(u"clinical-status"_s, u"clinicalStatus"_s, u"active, recurrence, remission, resolved..."_s),
          encounterOf(u"encounter"_s), date(u"onset-date"_s, u"onset[x]"_s, u"When the condition began"_s),
          date(u"recorded-date"_s, u"recordedDate"_s, u"When the condition was recorded"_s), identifier()},
         {u"patient"_s}},
        {u"Coverage"_s,
         {patientOf(u"beneficiary"_s),
          reference(u"beneficiary"_s, u"beneficiary"_s, u"The covered person"_s, {u"Patient"_s}),
          reference(u"subscriber"_s, u"subscriber"_s, u"The subscriber"_s),
          reference(u"payor"_s, u"payor"_s, u"Who pays"_s), statusOf(u"status"_s),
          token(u"type"_s, u"type"_s, u"The kind of coverage"_s), identifier()},
         {u"beneficiary"_s, u"subscriber"_s}},
        {u"Device"_s,
         {patientOf(u"patient"_s), statusOf(u"status"_s), token(u"type"_s, u"type"_s, u"The kind of device"_s),
          identifier()},
         {u"patient"_s}},
        {u"DiagnosticReport"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), categoryOf(u"category"_s), codeOf(u"code"_s),
          statusOf(u"status"_s), encounterOf(u"encounter"_s),
          date(u"date"_s, u"effective[x]"_s, u"The clinically relevant time"_s),
          reference(u"result"_s, u"result"_s, u"The observations in the report"_s, {u"Observation"_s}),
          reference(u"performer"_s, u"performer"_s, u"Who is responsible"_s), identifier()},
         {u"subject"_s}},
        {u"DocumentReference"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), categoryOf(u"category"_s),
          token(u"type"_s, u"type"_s, u"The kind of document"_s), statusOf(u"status"_s),
          date(u"date"_s, u"date"_s, u"When the reference was created"_s),
          date(u"period"_s, u"context.period"_s, u"The time of service documented"_s),
          reference(u"encounter"_s, u"context.encounter"_s, u"The encounter documented"_s, {u"Encounter"_s}),
          reference(u"author"_s, u"author"_s, u"Who wrote the document"_s), identifier()},
         {u"subject"_s}},
        {u"Encounter"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), statusOf(u"status"_s),
          token(u"class"_s, u"class"_s, u"Inpatient, ambulatory, emergency..."_s),
          token(u"type"_s, u"type"_s, u"The specific kind of encounter"_s),
          date(u"date"_s, u"period"_s, u"When the encounter took place"_s),
          reference(u"practitioner"_s, u"participant.individual"_s, u"A practitioner involved"_s, {u"Practitioner"_s}),
          reference(u"participant"_s, u"participant.individual"_s, u"Anyone involved"_s),
          reference(u"service-provider"_s, u"serviceProvider"_s, u"The organization responsible"_s,
                    {u"Organization"_s}),
          identifier()},
         {u"subject"_s}},
        {u"ExplanationOfBenefit"_s,
         {patientOf(u"patient"_s), statusOf(u"status"_s), date(u"created"_s, u"created"_s, u"When it was created"_s),
          reference(u"coverage"_s, u"insurance.coverage"_s, u"The coverage used"_s, {u"Coverage"_s}),
          reference(u"provider"_s, u"provider"_s, u"The provider of the services"_s),
          reference(u"insurer"_s, u"insurer"_s, u"The insurer"_s, {u"Organization"_s}), identifier()},
         {u"patient"_s}},
        {u"Goal"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s),
          token(u"lifecycle-status"_s, u"lifecycleStatus"_s, u"proposed, active, completed..."_s)},
         {u"patient"_s}},
        {u"ImagingStudy"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), statusOf(u"status"_s), encounterOf(u"encounter"_s),
          date(u"started"_s, u"started"_s, u"When the study started"_s), identifier()},
         {u"patient"_s}},
        {u"Immunization"_s,
         {patientOf(u"patient"_s), statusOf(u"status"_s),
          token(u"vaccine-code"_s, u"vaccineCode"_s, u"The vaccine, as system|code (CVX)"_s),
          date(u"date"_s, u"occurrence[x]"_s, u"When the vaccine was given"_s),
          reference(u"performer"_s, u"performer.actor"_s, u"Who gave the vaccine"_s), identifier()},
         {u"patient"_s}},
        {u"Location"_s,
         {string(u"name"_s, u"name"_s, u"The location's name"_s),
          reference(u"organization"_s, u"managingOrganization"_s, u"The organization responsible"_s,
                    {u"Organization"_s}),
          identifier()},
         {}},
        {u"Medication"_s, {codeOf(u"code"_s), statusOf(u"status"_s), identifier()}, {}},
        {u"MedicationAdministration"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), statusOf(u"status"_s),
          codeOf(u"medicationCodeableConcept"_s),
          reference(u"medication"_s, u"medicationReference"_s, u"The medication given"_s, {u"Medication"_s}),
          date(u"effective-time"_s, u"effective[x]"_s, u"When it was given"_s)},
         {u"patient"_s}},
        {u"MedicationRequest"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), statusOf(u"status"_s), categoryOf(u"category"_s),
          codeOf(u"medicationCodeableConcept"_s), token(u"intent"_s, u"intent"_s, u"proposal, plan, order..."_s),
          date(u"authoredon"_s, u"authoredOn"_s, u"When the prescription was written"_s),
          reference(u"medication"_s, u"medicationReference"_s, u"The medication prescribed"_s, {u"Medication"_s}),
          reference(u"requester"_s, u"requester"_s, u"Who asked for it"_s), encounterOf(u"encounter"_s), identifier()},
         {u"subject"_s}},
        {u"Observation"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), categoryOf(u"category"_s), codeOf(u"code"_s),
          statusOf(u"status"_s), encounterOf(u"encounter"_s),
          date(u"date"_s, u"effective[x]"_s, u"The clinically relevant time"_s),
          token(u"component-code"_s, u"component.code"_s, u"The code of a component"_s),
          reference(u"performer"_s, u"performer"_s, u"Who is responsible"_s), identifier()},
         {u"subject"_s, u"performer"_s}},
        {u"Organization"_s,
         {string(u"name"_s, u"name|alias"_s, u"A name or alias"_s),
          token(u"type"_s, u"type"_s, u"The kind of organization"_s), identifier()},
         {}},
        {u"Patient"_s,
         {string(u"name"_s, u"name"_s, u"Any part of a name"_s),
          string(u"family"_s, u"name.family"_s, u"The family name"_s),
          string(u"given"_s, u"name.given"_s, u"A given name"_s),
          token(u"gender"_s, u"gender"_s, u"male, female, other or unknown"_s),
          date(u"birthdate"_s, u"birthDate"_s, u"The date of birth"_s),
          string(u"address-city"_s, u"address.city"_s, u"A city of an address"_s),
          string(u"address-state"_s, u"address.state"_s, u"A state of an address"_s),
          reference(u"general-practitioner"_s, u"generalPractitioner"_s, u"The patient's nominated care provider"_s),
          reference(u"organization"_s, u"managingOrganization"_s, u"The custodian of the record"_s,
                    {u"Organization"_s}),
          identifier()},
         {}},
        {u"Practitioner"_s,
         {string(u"name"_s, u"name"_s, u"Any part of a name"_s),
          string(u"family"_s, u"name.family"_s, u"The family name"_s),
          string(u"given"_s, u"name.given"_s, u"A given name"_s), identifier()},
         {}},
        {u"PractitionerRole"_s,
         {reference(u"practitioner"_s, u"practitioner"_s, u"The practitioner"_s, {u"Practitioner"_s}),
          reference(u"organization"_s, u"organization"_s, u"The organization"_s, {u"Organization"_s}),
          token(u"role"_s, u"code"_s, u"The role"_s), identifier()},
         {}},
        {u"Procedure"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), codeOf(u"code"_s), statusOf(u"status"_s),
          categoryOf(u"category"_s), encounterOf(u"encounter"_s),
          date(u"date"_s, u"performed[x]"_s, u"When the procedure was performed"_s),
          reference(u"performer"_s, u"performer.actor"_s, u"Who performed it"_s), identifier()},
         {u"subject"_s}},
        {u"Provenance"_s,
         {reference(u"target"_s, u"target"_s, u"What the provenance is about"_s), patientOf(u"target"_s),
          date(u"recorded"_s, u"recorded"_s, u"When it was recorded"_s)},
         {u"patient"_s}},
        {u"QuestionnaireResponse"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), statusOf(u"status"_s),
          date(u"authored"_s, u"authored"_s, u"When it was answered"_s), encounterOf(u"encounter"_s)},
         {u"subject"_s}},
        {u"RelatedPerson"_s,
         {patientOf(u"patient"_s), string(u"name"_s, u"name"_s, u"Any part of a name"_s)},
         {u"patient"_s}},
        {u"ServiceRequest"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), statusOf(u"status"_s), categoryOf(u"category"_s),
          codeOf(u"code"_s), encounterOf(u"encounter"_s),
          date(u"authored"_s, u"authoredOn"_s, u"When the request was made"_s)},
         {u"subject"_s}},
        {u"Specimen"_s,
         {patientOf(u"subject"_s), subjectOf(u"subject"_s), statusOf(u"status"_s),
          token(u"type"_s, u"type"_s, u"The kind of specimen"_s)},
         {u"subject"_s}},
        {u"SupplyDelivery"_s, {patientOf(u"patient"_s), statusOf(u"status"_s)}, {u"patient"_s}},
    };
    std::sort(list.begin(), list.end(),
              [](const ResourceDefinition &a, const ResourceDefinition &b) { return a.type < b.type; });
    return list;
}

} // namespace

const QList<ResourceDefinition> &resourceDefinitions()
{
    static const QList<ResourceDefinition> list = buildDefinitions();
    return list;
}

const ResourceDefinition *definition(const QString &type)
{
    static const QHash<QString, const ResourceDefinition *> index = [] {
        QHash<QString, const ResourceDefinition *> byType;
        for (const ResourceDefinition &definition : resourceDefinitions())
            byType.insert(definition.type, &definition);
        return byType;
    }();
    return index.value(type);
}

bool isSupportedType(const QString &type)
{
    return definition(type) != nullptr;
}

const QList<SearchParameter> &commonParameters()
{
    static const QList<SearchParameter> list = {
        token(u"_id"_s, QString(), u"The logical id of the resource"_s),
        date(u"_lastUpdated"_s, QString(), u"When the resource version last changed"_s),
        token(u"_security"_s, u"meta.security"_s, u"A security label, as system|code"_s),
    };
    return list;
}

const SearchParameter *searchParameter(const QString &type, const QString &name)
{
    for (const SearchParameter &parameter : commonParameters()) {
        if (parameter.name == name)
            return &parameter;
    }
    const ResourceDefinition *found = definition(type);
    if (!found)
        return nullptr;
    for (const SearchParameter &parameter : found->parameters) {
        if (parameter.name == name)
            return &parameter;
    }
    return nullptr;
}

bool isValidId(const QString &id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    return std::all_of(id.cbegin(), id.cend(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'-'
            || c == u'.';
    });
}

} // namespace Fhir
