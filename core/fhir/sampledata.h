// SPDX-License-Identifier: Apache-2.0
#pragma once

// The sandbox's FHIR R4 sample records: the three fixture patients of the portal (Daniel Adams,
// Amy Shaw, Joseph Ross) and any number of made-up ones, each with years of plausible history,
// coded with real LOINC, SNOMED CT, RxNorm, CVX and ICD-10-CM codes. Deterministic: the same
// Options give byte-identical resources on every run and platform, so tests and screenshots can
// name ids and values. docs/sample-data.md says what is generated and how it is validated.
//
// Security labels (meta.security), read by the store to enforce SMART scopes:
//   * every resource in a patient's compartment carries
//       {"system": "http://smarthealthit.org/security/users", "code": "Patient/<patient id>"}
//     and exactly one category label {"system": "http://smarthealthit.org/security/categories",
//     "code": <category>}, the category being
//       patient                 Patient, Encounter, DocumentReference
//       medications             MedicationRequest
//       allergy                 AllergyIntolerance
//       immunizations           Immunization
//       problems                Condition
//       procedures              Procedure
//       vital-signs             Observation with category vital-signs
//       laboratory              Observation with category laboratory, DiagnosticReport
//       smoking                 Observation of smoking status (LOINC 72166-2)
//       coverage                Coverage
//       explanation-of-benefit  ExplanationOfBenefit
//   * the shared resources (Organization, Practitioner, Medication) carry no meta.security at all.

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace SampleData {

struct Options
{
    quint32 seed = 1288992; // same seed, same records
    int extraPatients = 25; // patients generated beyond the three fixture patients
    QDate referenceDate = QDate(2026, 1, 15); // "today" for histories; never the wall clock
};

// Every generated resource (Patient, Practitioner, Organization, Medication, Encounter, Condition,
// Observation, MedicationRequest, AllergyIntolerance, Immunization, Procedure, DiagnosticReport,
// DocumentReference, Coverage, ExplanationOfBenefit), shared resources first, then each patient's
// in the order they happened. Each is a complete FHIR R4 JSON object with resourceType and id;
// references are relative ("Type/id") and all resolve within the list. meta.versionId and
// meta.lastUpdated are not set (the store sets them). Nothing is dated after referenceDate or
// before the patient's birth.
QList<QJsonObject> generate(const Options &options = {});

// The generated patients for the portal's patient table, in the order generate() writes them.
struct PatientSummary
{
    QString id;
    QString displayName; // "Given Family"
    QString birthDate; // YYYY-MM-DD
    QString gender; // FHIR administrative gender: male, female
};
QList<PatientSummary> patients(const Options &options = {});

// The label systems above, for the store and the tests.
QString usersLabelSystem();
QString categoriesLabelSystem();

} // namespace SampleData
