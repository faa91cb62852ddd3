// SPDX-License-Identifier: Apache-2.0
#pragma once

// The code tables behind the sample data: every LOINC, SNOMED CT, RxNorm, CVX, ICD-10-CM and HL7
// code the generator writes, with its display, in one place, so that a display is checked and
// corrected once. The sample data refers to entries by enum; nothing else spells a code.

#include <QJsonObject>
#include <QLatin1String>
#include <QString>

#include <initializer_list>

namespace Terminology {

inline constexpr QLatin1String loinc("http://loinc.org");
inline constexpr QLatin1String snomed("http://snomed.info/sct");
inline constexpr QLatin1String rxnorm("http://www.nlm.nih.gov/research/umls/rxnorm");
inline constexpr QLatin1String cvx("http://hl7.org/fhir/sid/cvx");
inline constexpr QLatin1String icd10cm("http://hl7.org/fhir/sid/icd-10-cm");
inline constexpr QLatin1String ucum("http://unitsofmeasure.org");
inline constexpr QLatin1String npi("http://hl7.org/fhir/sid/us-npi");

struct Coding
{
    QLatin1String system;
    QLatin1String code;
    QLatin1String display;
};

// {"system", "code", "display"}
QJsonObject toJson(const Coding &coding);
// A CodeableConcept with these codings; its text is the first display unless given.
QJsonObject codeable(std::initializer_list<Coding> codings, const QString &text = {});
// A UCUM Quantity: {"value", "unit", "system", "code"}.
QJsonObject quantity(double value, QLatin1String ucumCode, QLatin1String unit = {});

// --- Conditions: SNOMED CT for the record, ICD-10-CM for billing -------------------------------
enum class Condition {
    // chronic
    EssentialHypertension,
    Type2Diabetes,
    Prediabetes,
    Hyperlipidemia,
    CoronaryArteriosclerosis,
    AtrialFibrillation,
    Asthma,
    Copd,
    Osteoarthritis,
    Migraine,
    Gerd,
    ChronicKidneyDisease,
    Obesity,
    AnxietyDisorder,
    // acute, resolved after a few weeks
    StreptococcalSoreThroat,
    AcuteBronchitis,
    ViralSinusitis,
    Pneumonia,
    OtitisMedia,
    SprainOfAnkle,
};
struct ConditionCodes
{
    Coding snomed;
    Coding icd10;
};
const ConditionCodes &condition(Condition condition);
bool isChronic(Condition condition);

// --- Medications: RxNorm clinical drugs and how each is taken -----------------------------------
enum class Medication {
    Lisinopril10,
    MetforminExtendedRelease500,
    Simvastatin20,
    Atorvastatin80,
    Aspirin81,
    Warfarin5,
    MetoprololSuccinate100,
    AlbuterolInhaler,
    FluticasoneInhaler,
    Acetaminophen325,
    Ibuprofen200,
    Amoxicillin250,
    PenicillinV250,
};
inline constexpr int medicationCount = 13;
struct MedicationUse
{
    Coding rxnorm;
    QLatin1String instruction; // Dosage.text
    double dose; // per administration
    QLatin1String doseUnit; // "tablet", "puff", ...
    int frequency; // Timing.repeat: `frequency` times per `period` `periodUnit`
    double period;
    QLatin1String periodUnit; // "d" or "h"
    bool asNeeded;
    bool oral;
};
const MedicationUse &medication(Medication medication);
Medication medicationAt(int index); // 0 .. medicationCount - 1, for listing them all

// --- Immunizations (CVX) ----------------------------------------------------------------------
enum class Vaccine { InfluenzaPreservativeFree, Td, Tdap, Pneumococcal13, Pneumococcal23, ZosterRecombinant };
Coding vaccine(Vaccine vaccine);

// --- Allergies: SNOMED CT substances with a typical reaction -----------------------------------
enum class Allergen {
    Penicillin,
    Aspirin,
    Peanut,
    Shellfish,
    Latex,
    GrassPollen,
    TreePollen,
    AnimalDander,
    DustMite,
    BeeVenom
};
struct AllergenCodes
{
    Coding substance;
    QLatin1String category; // AllergyIntolerance.category: medication, food, environment
    QLatin1String criticality; // low, high
    Coding reaction; // a SNOMED CT finding or disorder
    QLatin1String severity; // mild, moderate, severe
};
const AllergenCodes &allergen(Allergen allergen);
Coding noKnownAllergy();

// --- Observations ------------------------------------------------------------------------------
enum class VitalSign { BodyHeight, BodyWeight, BodyMassIndex, HeartRate, RespiratoryRate, BodyTemperature };
struct VitalSignCodes
{
    Coding loinc;
    QLatin1String ucumCode;
    QLatin1String unit;
};
const VitalSignCodes &vitalSign(VitalSign vitalSign);
Coding bloodPressurePanel();
Coding systolicBloodPressure();
Coding diastolicBloodPressure();

enum class Lab {
    Glucose,
    UreaNitrogen,
    Creatinine,
    Sodium,
    Potassium,
    Cholesterol,
    Triglycerides,
    Hdl,
    Ldl,
    HemoglobinA1c
};
struct LabCodes
{
    Coding loinc;
    QLatin1String ucumCode;
    double low; // reference range; a negative bound is left out
    double high;
    int decimals;
};
const LabCodes &lab(Lab lab);
enum class LabPanel { BasicMetabolic, Lipid, HemoglobinA1c };
Coding labPanel(LabPanel panel);

enum class SmokingStatus { NeverSmoker, ExSmoker, SmokesDaily };
Coding smokingStatusCode();
Coding smokingStatus(SmokingStatus status);

// --- Procedures, encounters and documents -------------------------------------------------------
enum class Procedure {
    DepressionScreening,
    MedicationReconciliation,
    Electrocardiogram,
    Spirometry,
    ThroatCulture,
    ChestXRay
};
Coding procedure(Procedure procedure);

enum class EncounterKind { CheckUp, Symptom, FollowUp, Emergency };
Coding encounterType(EncounterKind kind);
Coding encounterClass(EncounterKind kind); // v3-ActCode AMB or EMER

enum class Document { HistoryAndPhysical, ProgressNote };
Coding documentType(Document document);

// --- HL7 terminology (terminology.hl7.org) -------------------------------------------------------
Coding observationCategory(QLatin1String code); // vital-signs, laboratory, social-history
Coding conditionCategory(QLatin1String code); // problem-list-item, encounter-diagnosis
Coding conditionClinicalStatus(QLatin1String code); // active, resolved
Coding conditionConfirmed();
Coding allergyClinicalActive();
Coding allergyConfirmed();
Coding interpretation(QLatin1String code); // L, N, H
Coding laboratoryReportCategory(); // v2-0074 LAB
Coding clinicalNoteCategory(); // US Core clinical-note
Coding identifierType(QLatin1String code); // v2-0203 MR, NPI, MB
Coding primaryPerformer(); // v3-ParticipationType PPRF
Coding coverageType(bool publicHealthcare); // v3-ActCode PUBLICPOL or HIP
Coding selfRelationship(); // subscriber-relationship self
Coding organizationType(bool payer); // organization-type prov or pay
Coding claimType(bool institutional); // claim-type professional or institutional
Coding adjudication(QLatin1String code); // submitted, benefit
Coding oralRoute();
Coding intramuscularRoute();
Coding orderedDose(); // dose-rate-type ordered
Coding outpatientMedication(); // medicationrequest-category outpatient

} // namespace Terminology
