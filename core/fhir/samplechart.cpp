// SPDX-License-Identifier: Apache-2.0
#include "samplechart.h"

#include "sampledata.h"
#include "sampledirectory.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::StringLiterals;
namespace T = Terminology;

namespace SampleJson {

QJsonObject reference(QLatin1String type, const QString &id, const QString &display)
{
    QJsonObject object{{u"reference"_s, QString(QString(type) + u'/' + id)}};
    if (!display.isEmpty())
        object.insert(u"display"_s, display);
    return object;
}

QString dateTime(const QDateTime &moment)
{
    return moment.toUTC().toString(Qt::ISODate);
}

QJsonObject money(double value)
{
    return {{u"value"_s, std::round(value * 100) / 100}, {u"currency"_s, u"USD"_s}};
}

} // namespace SampleJson

namespace {

using namespace SampleJson;

QString number(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

// What the visit itself is billed at (US dollars); services add their own lines.
double price(T::EncounterKind kind)
{
    switch (kind) {
    case T::EncounterKind::CheckUp: return 185;
    case T::EncounterKind::Symptom: return 125;
    case T::EncounterKind::FollowUp: return 110;
    case T::EncounterKind::Emergency: return 720;
    }
    Q_UNREACHABLE();
}

} // namespace

SampleChart::SampleChart(const SamplePerson &person, QDate referenceDate)
    : m_person(person), m_referenceDate(referenceDate)
{ }

QString SampleChart::nextId(QLatin1String kind)
{
    const int count = ++m_counters[QString(kind)];
    return u"%1-%2-%3"_s.arg(m_person.id, kind).arg(count, 3, 10, QLatin1Char('0'));
}

QJsonObject SampleChart::startWithId(QLatin1String resourceType, const QString &id, QLatin1String category) const
{
    const QJsonArray security{
        QJsonObject{{u"system"_s, SampleData::usersLabelSystem()}, {u"code"_s, QString(u"Patient/"_s + m_person.id)}},
        QJsonObject{{u"system"_s, SampleData::categoriesLabelSystem()}, {u"code"_s, QString(category)}}};
    return {
        {u"resourceType"_s, QString(resourceType)}, {u"id"_s, id}, {u"meta"_s, QJsonObject{{u"security"_s, security}}}};
}

QJsonObject SampleChart::start(QLatin1String resourceType, QLatin1String idKind, QLatin1String category)
{
    return startWithId(resourceType, nextId(idKind), category);
}

QJsonObject SampleChart::patientReference() const
{
    return reference("Patient"_L1, m_person.id, m_person.displayName());
}

QJsonObject SampleChart::encounterReference() const
{
    return reference("Encounter"_L1, m_encounterId);
}

QJsonObject SampleChart::practitionerReference() const
{
    return reference("Practitioner"_L1, m_visit.practitionerId,
                     SampleDirectory::practitionerName(m_visit.practitionerId));
}

QString SampleChart::now(int minutesLater) const
{
    const int minute = qMin(m_minute + minutesLater, m_visit.minutes);
    return dateTime(m_visit.start.addSecs(60 * qint64(minute)));
}

void SampleChart::append(const QJsonObject &resource)
{
    m_resources.append(resource);
}

void SampleChart::addPatient()
{
    QJsonObject patient = startWithId("Patient"_L1, m_person.id, "patient"_L1);
    patient.insert(u"identifier"_s,
                   QJsonArray{QJsonObject{{u"use"_s, u"usual"_s},
                                          {u"type"_s, T::codeable({T::identifierType("MR"_L1)})},
                                          {u"system"_s, u"http://hospital.smarthealthit.org"_s},
                                          {u"value"_s, m_person.mrn}}});
    patient.insert(u"active"_s, true);
    patient.insert(u"name"_s,
                   QJsonArray{QJsonObject{{u"use"_s, u"official"_s},
                                          {u"family"_s, m_person.family},
                                          {u"given"_s, QJsonArray{m_person.given}}}});
    patient.insert(
        u"telecom"_s,
        QJsonArray{QJsonObject{{u"system"_s, u"phone"_s}, {u"value"_s, m_person.phone}, {u"use"_s, u"home"_s}},
                   QJsonObject{{u"system"_s, u"email"_s}, {u"value"_s, m_person.email}, {u"use"_s, u"home"_s}}});
    patient.insert(u"gender"_s, m_person.gender);
    patient.insert(u"birthDate"_s, m_person.birthDate.toString(Qt::ISODate));
    patient.insert(u"address"_s,
                   QJsonArray{QJsonObject{{u"use"_s, u"home"_s},
                                          {u"type"_s, u"physical"_s},
                                          {u"line"_s, QJsonArray{m_person.line}},
                                          {u"city"_s, m_person.city},
                                          {u"state"_s, m_person.state},
                                          {u"postalCode"_s, m_person.postalCode},
                                          {u"country"_s, u"US"_s}}});
    patient.insert(u"communication"_s,
                   QJsonArray{QJsonObject{
                       {u"language"_s, T::codeable({{"urn:ietf:bcp:47"_L1, "en-US"_L1, "English (United States)"_L1}})},
                       {u"preferred"_s, true}}});
    const QString doctor = SampleDirectory::clinicPractitionerId(m_person.region, m_person.doctor);
    patient.insert(u"generalPractitioner"_s,
                   QJsonArray{reference("Practitioner"_L1, doctor, SampleDirectory::practitionerName(doctor))});
    const QString clinic = SampleDirectory::clinicId(m_person.region);
    patient.insert(u"managingOrganization"_s,
                   reference("Organization"_L1, clinic, SampleDirectory::organizationName(clinic)));
    append(patient);
}

void SampleChart::addCoverage(QDate start, bool publicHealthcare, const QString &payerId, const QString &memberId)
{
    QJsonObject coverage = this->start("Coverage"_L1, "coverage"_L1, "coverage"_L1);
    m_coverageId = coverage.value(u"id"_s).toString();
    m_payerId = payerId;
    coverage.insert(u"status"_s, u"active"_s);
    coverage.insert(u"type"_s, T::codeable({T::coverageType(publicHealthcare)}));
    coverage.insert(u"subscriber"_s, patientReference());
    coverage.insert(u"subscriberId"_s, memberId);
    coverage.insert(u"beneficiary"_s, patientReference());
    coverage.insert(u"relationship"_s, T::codeable({T::selfRelationship()}));
    coverage.insert(u"period"_s, QJsonObject{{u"start"_s, start.toString(Qt::ISODate)}});
    coverage.insert(u"payor"_s,
                    QJsonArray{reference("Organization"_L1, payerId, SampleDirectory::organizationName(payerId))});
    append(coverage);
}

void SampleChart::openEncounter(const Visit &visit)
{
    Q_ASSERT(m_encounterIndex < 0);
    m_visit = visit;
    m_encounterId = nextId("enc"_L1);
    m_encounterIndex = m_resources.size();
    m_resources.append(QJsonObject()); // written when the encounter closes
    m_minute = 0;
    m_diagnosisIds.clear();
    m_vitalsText.clear();
    m_findingsText.clear();
    m_planText.clear();
    m_bill.clear();
    bill(T::encounterType(visit.kind), price(visit.kind));
}

QString SampleChart::addCondition(T::Condition condition, const QDateTime &onset, const QDateTime &abatement)
{
    const bool chronic = T::isChronic(condition);
    const T::ConditionCodes &codes = T::condition(condition);
    QJsonObject resource = start("Condition"_L1, "cond"_L1, "problems"_L1);
    const bool resolved = abatement.isValid();
    resource.insert(u"clinicalStatus"_s,
                    T::codeable({T::conditionClinicalStatus(resolved ? "resolved"_L1 : "active"_L1)}));
    resource.insert(u"verificationStatus"_s, T::codeable({T::conditionConfirmed()}));
    resource.insert(
        u"category"_s,
        QJsonArray{T::codeable({T::conditionCategory(chronic ? "problem-list-item"_L1 : "encounter-diagnosis"_L1)})});
    resource.insert(u"code"_s, T::codeable({codes.snomed, codes.icd10}));
    resource.insert(u"subject"_s, patientReference());
    resource.insert(u"encounter"_s, encounterReference());
    resource.insert(u"onsetDateTime"_s, dateTime(onset));
    if (resolved)
        resource.insert(u"abatementDateTime"_s, dateTime(abatement));
    resource.insert(u"recordedDate"_s, now());
    resource.insert(u"recorder"_s, practitionerReference());
    resource.insert(u"asserter"_s, practitionerReference());
    const QString id = resource.value(u"id"_s).toString();
    m_diagnosisIds.append(id);
    m_findingsText.append(
        u"%1 (%2, ICD-10-CM %3)"_s.arg(codes.snomed.display, chronic ? u"chronic"_s : u"acute"_s, codes.icd10.code));
    append(resource);
    return id;
}

QJsonObject SampleChart::observation(QLatin1String category, const T::Coding &code, int minutesLater)
{
    const QLatin1String label = category == "social-history"_L1 ? "smoking"_L1 : category;
    QJsonObject resource = start("Observation"_L1, "obs"_L1, label);
    resource.insert(u"status"_s, u"final"_s);
    resource.insert(u"category"_s, QJsonArray{T::codeable({T::observationCategory(category)})});
    resource.insert(u"code"_s, T::codeable({code}));
    resource.insert(u"subject"_s, patientReference());
    resource.insert(u"encounter"_s, encounterReference());
    resource.insert(u"effectiveDateTime"_s, now(minutesLater));
    resource.insert(u"issued"_s, now(minutesLater));
    resource.insert(u"performer"_s, QJsonArray{practitionerReference()});
    return resource;
}

void SampleChart::addVitalSign(T::VitalSign vitalSign, double value)
{
    const T::VitalSignCodes &codes = T::vitalSign(vitalSign);
    QJsonObject resource = observation("vital-signs"_L1, codes.loinc, 0);
    resource.insert(u"valueQuantity"_s, T::quantity(value, codes.ucumCode, codes.unit));
    append(resource);
    m_vitalsText.append(u"%1 %2 %3"_s.arg(codes.loinc.display, QString::number(value), codes.unit));
    m_minute += 1;
}

void SampleChart::addBloodPressure(int systolic, int diastolic)
{
    QJsonObject resource = observation("vital-signs"_L1, T::bloodPressurePanel(), 0);
    const auto component = [](const T::Coding &code, int value) {
        return QJsonObject{{u"code"_s, T::codeable({code})},
                           {u"valueQuantity"_s, T::quantity(value, "mm[Hg]"_L1, "mmHg"_L1)}};
    };
    resource.insert(
        u"component"_s,
        QJsonArray{component(T::systolicBloodPressure(), systolic), component(T::diastolicBloodPressure(), diastolic)});
    append(resource);
    m_vitalsText.append(u"Blood pressure %1/%2 mmHg"_s.arg(systolic).arg(diastolic));
    m_minute += 1;
}

void SampleChart::addSmokingStatus(T::SmokingStatus status)
{
    QJsonObject resource = observation("social-history"_L1, T::smokingStatusCode(), 0);
    const T::Coding answer = T::smokingStatus(status);
    resource.insert(u"valueCodeableConcept"_s, T::codeable({answer}));
    append(resource);
    m_findingsText.append(u"Tobacco smoking status: %1"_s.arg(answer.display));
    m_minute += 1;
}

QString SampleChart::addLab(T::Lab lab, double value)
{
    const T::LabCodes &codes = T::lab(lab);
    QJsonObject resource = observation("laboratory"_L1, codes.loinc, 15);
    // Results come back the next morning.
    resource.insert(u"issued"_s, dateTime(m_visit.start.addDays(1).addSecs(-3600)));
    resource.remove(u"performer"_s);
    resource.insert(u"valueQuantity"_s, T::quantity(value, codes.ucumCode));
    QJsonObject range;
    if (codes.low >= 0)
        range.insert(u"low"_s, T::quantity(codes.low, codes.ucumCode));
    if (codes.high >= 0)
        range.insert(u"high"_s, T::quantity(codes.high, codes.ucumCode));
    resource.insert(u"referenceRange"_s, QJsonArray{range});
    const QLatin1String flag = codes.low >= 0 && value < codes.low ? "L"_L1
        : codes.high >= 0 && value > codes.high                    ? "H"_L1
                                                                   : "N"_L1;
    resource.insert(u"interpretation"_s, QJsonArray{T::codeable({T::interpretation(flag)})});
    append(resource);
    if (flag != "N"_L1)
        m_findingsText.append(u"%1: %2 %3 (%4)"_s.arg(codes.loinc.display, number(value, codes.decimals),
                                                      codes.ucumCode, T::interpretation(flag).display));
    return resource.value(u"id"_s).toString();
}

void SampleChart::addLabReport(T::LabPanel panel, const QStringList &observationIds)
{
    QJsonObject resource = start("DiagnosticReport"_L1, "report"_L1, "laboratory"_L1);
    const T::Coding code = T::labPanel(panel);
    resource.insert(u"status"_s, u"final"_s);
    resource.insert(u"category"_s, QJsonArray{T::codeable({T::laboratoryReportCategory()})});
    resource.insert(u"code"_s, T::codeable({code}));
    resource.insert(u"subject"_s, patientReference());
    resource.insert(u"encounter"_s, encounterReference());
    resource.insert(u"effectiveDateTime"_s, now(15));
    resource.insert(u"issued"_s, dateTime(m_visit.start.addDays(1).addSecs(-3600)));
    resource.insert(u"performer"_s,
                    QJsonArray{reference("Organization"_L1, m_visit.organizationId,
                                         SampleDirectory::organizationName(m_visit.organizationId))});
    QJsonArray results;
    for (const QString &id : observationIds)
        results.append(reference("Observation"_L1, id));
    resource.insert(u"result"_s, results);
    append(resource);
    m_planText.append(u"Ordered: %1."_s.arg(code.display));
    bill(code, panel == T::LabPanel::Lipid ? 60 : panel == T::LabPanel::BasicMetabolic ? 45 : 35);
    m_minute += 2;
}

void SampleChart::addAllergy(T::Allergen allergen)
{
    const T::AllergenCodes &codes = T::allergen(allergen);
    QJsonObject resource = start("AllergyIntolerance"_L1, "allergy"_L1, "allergy"_L1);
    resource.insert(u"clinicalStatus"_s, T::codeable({T::allergyClinicalActive()}));
    resource.insert(u"verificationStatus"_s, T::codeable({T::allergyConfirmed()}));
    resource.insert(u"type"_s, u"allergy"_s);
    resource.insert(u"category"_s, QJsonArray{QString(codes.category)});
    resource.insert(u"criticality"_s, QString(codes.criticality));
    resource.insert(u"code"_s, T::codeable({codes.substance}));
    resource.insert(u"patient"_s, patientReference());
    resource.insert(u"encounter"_s, encounterReference());
    resource.insert(u"recordedDate"_s, now());
    resource.insert(u"recorder"_s, practitionerReference());
    resource.insert(u"reaction"_s,
                    QJsonArray{QJsonObject{{u"manifestation"_s, QJsonArray{T::codeable({codes.reaction})}},
                                           {u"severity"_s, QString(codes.severity)}}});
    append(resource);
    m_findingsText.append(
        u"Allergy: %1 (reaction: %2, %3)"_s.arg(codes.substance.display, codes.reaction.display, codes.severity));
}

void SampleChart::addNoKnownAllergy()
{
    QJsonObject resource = start("AllergyIntolerance"_L1, "allergy"_L1, "allergy"_L1);
    resource.insert(u"clinicalStatus"_s, T::codeable({T::allergyClinicalActive()}));
    resource.insert(u"verificationStatus"_s, T::codeable({T::allergyConfirmed()}));
    resource.insert(u"code"_s, T::codeable({T::noKnownAllergy()}));
    resource.insert(u"patient"_s, patientReference());
    resource.insert(u"encounter"_s, encounterReference());
    resource.insert(u"recordedDate"_s, now());
    resource.insert(u"recorder"_s, practitionerReference());
    append(resource);
    m_findingsText.append(u"No known allergies."_s);
}

void SampleChart::addImmunization(T::Vaccine vaccine, const QString &lotNumber)
{
    const T::Coding code = T::vaccine(vaccine);
    QJsonObject resource = start("Immunization"_L1, "imm"_L1, "immunizations"_L1);
    resource.insert(u"status"_s, u"completed"_s);
    resource.insert(u"vaccineCode"_s, T::codeable({code}));
    resource.insert(u"patient"_s, patientReference());
    resource.insert(u"encounter"_s, encounterReference());
    resource.insert(u"occurrenceDateTime"_s, now(10));
    resource.insert(u"recorded"_s, now(10));
    resource.insert(u"primarySource"_s, true);
    resource.insert(u"lotNumber"_s, lotNumber);
    resource.insert(u"route"_s, T::codeable({T::intramuscularRoute()}));
    resource.insert(u"doseQuantity"_s, T::quantity(0.5, "mL"_L1));
    resource.insert(u"performer"_s, QJsonArray{QJsonObject{{u"actor"_s, practitionerReference()}}});
    append(resource);
    m_planText.append(u"Immunization given: %1 (lot %2)."_s.arg(code.display, lotNumber));
    bill(code, 40);
    m_minute += 2;
}

void SampleChart::addProcedure(T::Procedure procedure, const QString &reasonConditionId)
{
    const T::Coding code = T::procedure(procedure);
    QJsonObject resource = start("Procedure"_L1, "proc"_L1, "procedures"_L1);
    resource.insert(u"status"_s, u"completed"_s);
    resource.insert(u"code"_s, T::codeable({code}));
    resource.insert(u"subject"_s, patientReference());
    resource.insert(u"encounter"_s, encounterReference());
    resource.insert(u"performedPeriod"_s, QJsonObject{{u"start"_s, now(5)}, {u"end"_s, now(15)}});
    resource.insert(u"performer"_s, QJsonArray{QJsonObject{{u"actor"_s, practitionerReference()}}});
    if (!reasonConditionId.isEmpty())
        resource.insert(u"reasonReference"_s, QJsonArray{reference("Condition"_L1, reasonConditionId)});
    append(resource);
    m_planText.append(u"Procedure: %1."_s.arg(code.display));
    static const QMap<QString, double> prices{{u"171207006"_s, 25}, {u"430193006"_s, 20}, {u"29303009"_s, 60},
                                              {u"127783003"_s, 90}, {u"117015009"_s, 35}, {u"399208008"_s, 110}};
    bill(code, prices.value(QString(code.code), 50));
    m_minute += 5;
}

void SampleChart::addMedicationRequest(T::Medication medication, const QString &reasonConditionId, int courseDays)
{
    const T::MedicationUse &use = T::medication(medication);
    QJsonObject resource = start("MedicationRequest"_L1, "medreq"_L1, "medications"_L1);
    const bool finished = courseDays > 0 && m_visit.start.date().addDays(courseDays) < m_referenceDate;
    resource.insert(u"status"_s, finished ? u"completed"_s : u"active"_s);
    resource.insert(u"intent"_s, u"order"_s);
    resource.insert(u"category"_s, QJsonArray{T::codeable({T::outpatientMedication()})});
    resource.insert(u"medicationReference"_s,
                    reference("Medication"_L1, SampleDirectory::medicationId(medication), QString(use.rxnorm.display)));
    resource.insert(u"subject"_s, patientReference());
    resource.insert(u"encounter"_s, encounterReference());
    resource.insert(u"authoredOn"_s, now());
    resource.insert(u"requester"_s, practitionerReference());
    if (!reasonConditionId.isEmpty())
        resource.insert(u"reasonReference"_s, QJsonArray{reference("Condition"_L1, reasonConditionId)});
    QJsonObject dosage{
        {u"sequence"_s, 1},
        {u"text"_s, QString(use.instruction)},
        {u"timing"_s,
         QJsonObject{{u"repeat"_s,
                      QJsonObject{{u"frequency"_s, use.frequency},
                                  {u"period"_s, use.period},
                                  {u"periodUnit"_s, QString(use.periodUnit)}}}}},
        {u"asNeededBoolean"_s, use.asNeeded},
        {u"doseAndRate"_s,
         QJsonArray{QJsonObject{
             {u"type"_s, T::codeable({T::orderedDose()})},
             {u"doseQuantity"_s, QJsonObject{{u"value"_s, use.dose}, {u"unit"_s, QString(use.doseUnit)}}}}}}};
    if (use.oral)
        dosage.insert(u"route"_s, T::codeable({T::oralRoute()}));
    resource.insert(u"dosageInstruction"_s, QJsonArray{dosage});
    if (courseDays > 0) {
        resource.insert(u"dispenseRequest"_s,
                        QJsonObject{{u"expectedSupplyDuration"_s,
                                     QJsonObject{{u"value"_s, courseDays},
                                                 {u"unit"_s, u"days"_s},
                                                 {u"system"_s, QString(T::ucum)},
                                                 {u"code"_s, u"d"_s}}}});
    }
    append(resource);
    m_planText.append(u"Prescribed %1: %2."_s.arg(use.rxnorm.display, use.instruction));
    m_minute += 2;
}

void SampleChart::addNote(const QString &line)
{
    m_planText.append(line);
}

void SampleChart::bill(const T::Coding &service, double amount)
{
    m_bill.append({service, amount});
}

QList<QJsonObject> SampleChart::takeResources()
{
    Q_ASSERT(m_encounterIndex < 0);
    return std::exchange(m_resources, {});
}
