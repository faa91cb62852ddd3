// SPDX-License-Identifier: Apache-2.0
#include "fhirtestdata.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace TestSupport {

namespace {

QJsonArray labels(const QString &patient, const QString &category)
{
    QJsonArray security;
    if (!patient.isEmpty())
        security.append(QJsonObject{{u"system"_s, u"http://smarthealthit.org/security/users"_s},
                                    {u"code"_s, QString(u"Patient/"_s + patient)}});
    security.append(
        QJsonObject{{u"system"_s, u"http://smarthealthit.org/security/categories"_s}, {u"code"_s, category}});
    return security;
}

QJsonObject coding(const QString &system, const QString &code)
{
    return QJsonObject{{u"coding"_s, QJsonArray{QJsonObject{{u"system"_s, system}, {u"code"_s, code}}}}};
}

QJsonObject ref(const QString &reference)
{
    return QJsonObject{{u"reference"_s, reference}};
}

} // namespace

QJsonObject testObservation(const QString &id, const QString &patient, const QString &category, const QString &code,
                            const QString &when, const QString &status, const QString &label)
{
    return QJsonObject{
        {u"resourceType"_s, u"Observation"_s},
        {u"id"_s, id},
        {u"meta"_s, QJsonObject{{u"security"_s, labels(patient, label)}}},
        {u"status"_s, status},
        {u"category"_s, QJsonArray{coding(u"http://terminology.hl7.org/CodeSystem/observation-category"_s, category)}},
        {u"code"_s, coding(u"http://loinc.org"_s, code)},
        {u"subject"_s, ref(u"Patient/"_s + patient)},
        {u"effectiveDateTime"_s, when},
    };
}

QJsonObject testPatient(const QString &id, const QString &family, const QString &given, const QString &gender,
                        const QString &birthDate)
{
    return QJsonObject{
        {u"resourceType"_s, u"Patient"_s},
        {u"id"_s, id},
        {u"meta"_s, QJsonObject{{u"security"_s, labels(id, u"patient"_s)}}},
        {u"name"_s, QJsonArray{QJsonObject{{u"family"_s, family}, {u"given"_s, QJsonArray{given}}}}},
        {u"gender"_s, gender},
        {u"birthDate"_s, birthDate},
    };
}

// A small record set whose every search answer is known by heart.
QList<QJsonObject> fhirTestData()
{
    return {
        testPatient(s_daniel, u"Adams"_s, u"Daniel"_s, u"male"_s, u"1925-12-23"_s),
        testPatient(s_amy, u"Shaw"_s, u"Amy"_s, u"female"_s, u"1987-02-20"_s),
        testPatient(s_joseph, u"Ross"_s, u"Joseph"_s, u"male"_s, u"1932-04-15"_s),
        QJsonObject{{u"resourceType"_s, u"Practitioner"_s},
                    {u"id"_s, u"pr1"_s},
                    {u"name"_s, QJsonArray{QJsonObject{{u"family"_s, u"Careful"_s}}}}},
        QJsonObject{{u"resourceType"_s, u"Organization"_s}, {u"id"_s, u"org1"_s}, {u"name"_s, u"Tulsa Clinic"_s}},
        QJsonObject{{u"resourceType"_s, u"Medication"_s},
                    {u"id"_s, u"med1"_s},
                    {u"code"_s, coding(u"http://www.nlm.nih.gov/research/umls/rxnorm"_s, u"860975"_s)}},
        testObservation(u"o1"_s, s_daniel, u"vital-signs"_s, u"8867-4"_s, u"2020-01-01T10:00:00Z"_s, u"final"_s,
                        u"vital-signs"_s),
        testObservation(u"o2"_s, s_daniel, u"laboratory"_s, u"4548-4"_s, u"2021-06-15"_s, u"final"_s, u"laboratory"_s),
        testObservation(u"o3"_s, s_amy, u"laboratory"_s, u"4548-4"_s, u"2022-03-01T08:00:00+02:00"_s, u"amended"_s,
                        u"laboratory"_s),
        testObservation(u"o4"_s, s_daniel, u"social-history"_s, u"72166-2"_s, u"2019-05-05"_s, u"final"_s,
                        u"smoking"_s),
        testObservation(u"o5"_s, s_joseph, u"vital-signs"_s, u"8867-4"_s, u"2018-07-07"_s, u"final"_s,
                        u"vital-signs"_s),
        QJsonObject{{u"resourceType"_s, u"Condition"_s},
                    {u"id"_s, u"c1"_s},
                    {u"meta"_s, QJsonObject{{u"security"_s, labels(s_daniel, u"problems"_s)}}},
                    {u"subject"_s, ref(u"Patient/"_s + s_daniel)},
                    {u"code"_s, coding(u"http://snomed.info/sct"_s, u"44054006"_s)},
                    {u"onsetDateTime"_s, u"2010-04-01"_s}},
        QJsonObject{{u"resourceType"_s, u"MedicationRequest"_s},
                    {u"id"_s, u"mr1"_s},
                    {u"meta"_s, QJsonObject{{u"security"_s, labels(s_daniel, u"medications"_s)}}},
                    {u"status"_s, u"active"_s},
                    {u"intent"_s, u"order"_s},
                    {u"subject"_s, ref(u"Patient/"_s + s_daniel)},
                    {u"medicationReference"_s, ref(u"Medication/med1"_s)},
                    {u"requester"_s, ref(u"Practitioner/pr1"_s)},
                    {u"authoredOn"_s, u"2020-02-02"_s}},
        QJsonObject{
            {u"resourceType"_s, u"Encounter"_s},
            {u"id"_s, u"e1"_s},
            {u"meta"_s, QJsonObject{{u"security"_s, labels(s_daniel, u"patient"_s)}}},
            {u"status"_s, u"finished"_s},
            {u"subject"_s, ref(u"Patient/"_s + s_daniel)},
            {u"period"_s, QJsonObject{{u"start"_s, u"2020-01-01T09:00:00Z"_s}, {u"end"_s, u"2020-01-01T11:00:00Z"_s}}},
            {u"serviceProvider"_s, ref(u"Organization/org1"_s)}},
        QJsonObject{{u"resourceType"_s, u"Coverage"_s},
                    {u"id"_s, u"cov1"_s},
                    {u"meta"_s, QJsonObject{{u"security"_s, labels(s_daniel, u"coverage"_s)}}},
                    {u"status"_s, u"active"_s},
                    {u"beneficiary"_s, ref(u"Patient/"_s + s_daniel)},
                    {u"payor"_s, QJsonArray{ref(u"Organization/org1"_s)}}},
    };
}

} // namespace TestSupport
