// SPDX-License-Identifier: Apache-2.0
#pragma once

// One sample patient's chart written as FHIR R4 resources. SampleHistory decides what happens
// and when; this class gives each event an id, its references, its security labels and the FHIR
// shape, and keeps the resources in the order they happened. Encounters are opened, filled and
// closed: closing one writes its Encounter, clinical note (DocumentReference) and claim
// (ExplanationOfBenefit) from what was added in between.

#include "samplepeople.h"
#include "terminology.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

// JSON pieces every sample resource uses.
namespace SampleJson {
QJsonObject reference(QLatin1String type, const QString &id, const QString &display = {}); // {"reference": "Type/id"}
QString dateTime(const QDateTime &moment); // FHIR dateTime in UTC: 2019-03-04T09:30:00Z
QJsonObject money(double value); // US dollars
} // namespace SampleJson

class SampleChart final
{
public:
    SampleChart(const SamplePerson &person, QDate referenceDate);

    void addPatient();
    void addCoverage(QDate start, bool publicHealthcare, const QString &payerId, const QString &memberId);

    struct Visit
    {
        Terminology::EncounterKind kind = Terminology::EncounterKind::CheckUp;
        QDateTime start; // UTC
        int minutes = 30;
        QString practitionerId;
        QString organizationId;
        QString reason; // for the note, e.g. "Annual check-up"
        QStringList reasonConditionIds; // Encounter.reasonReference
    };
    void openEncounter(const Visit &visit);
    // Closes the open encounter; returns its id.
    QString closeEncounter();

    // Within the open encounter (`abatement` invalid: still active).
    QString addCondition(Terminology::Condition condition, const QDateTime &onset, const QDateTime &abatement);
    void addVitalSign(Terminology::VitalSign vitalSign, double value);
    void addBloodPressure(int systolic, int diastolic);
    void addSmokingStatus(Terminology::SmokingStatus status);
    QString addLab(Terminology::Lab lab, double value); // returns the Observation id
    void addLabReport(Terminology::LabPanel panel, const QStringList &observationIds);
    void addAllergy(Terminology::Allergen allergen);
    void addNoKnownAllergy();
    void addImmunization(Terminology::Vaccine vaccine, const QString &lotNumber);
    void addProcedure(Terminology::Procedure procedure, const QString &reasonConditionId = {});
    // `courseDays` 0: taken until stopped (status active); otherwise completed once the course
    // ended before the reference date.
    void addMedicationRequest(Terminology::Medication medication, const QString &reasonConditionId, int courseDays);
    // A line of the clinical note, under "Assessment and plan".
    void addNote(const QString &line);

    QList<QJsonObject> takeResources();

private:
    QString nextId(QLatin1String kind);
    QJsonObject start(QLatin1String resourceType, QLatin1String idKind, QLatin1String category);
    QJsonObject startWithId(QLatin1String resourceType, const QString &id, QLatin1String category) const;
    QJsonObject patientReference() const;
    QJsonObject encounterReference() const;
    QJsonObject practitionerReference() const;
    QString now(int minutesLater = 0) const; // a dateTime within the open encounter
    QJsonObject observation(QLatin1String category, const Terminology::Coding &code, int minutesLater);
    void bill(const Terminology::Coding &service, double amount);
    void append(const QJsonObject &resource);
    void writeNote(const QString &encounterId, const QDateTime &end);
    void writeClaim(const QString &encounterId, const QDateTime &end);

    SamplePerson m_person;
    QDate m_referenceDate;
    QList<QJsonObject> m_resources;
    QMap<QString, int> m_counters;
    QString m_coverageId;
    QString m_payerId;

    // The open encounter
    Visit m_visit;
    QString m_encounterId;
    qsizetype m_encounterIndex = -1;
    int m_minute = 0; // minutes since the start; each event moves it on
    QStringList m_diagnosisIds;
    QStringList m_vitalsText;
    QStringList m_findingsText;
    QStringList m_planText;
    struct BillLine
    {
        Terminology::Coding service;
        double amount;
    };
    QList<BillLine> m_bill;
};
