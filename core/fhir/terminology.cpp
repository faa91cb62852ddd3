// SPDX-License-Identifier: Apache-2.0
#include "terminology.h"

#include <QJsonArray>

#include <array>

using namespace Qt::StringLiterals;

namespace Terminology {

namespace {

constexpr QLatin1String observationCategorySystem("http://terminology.hl7.org/CodeSystem/observation-category");
constexpr QLatin1String v3ActCode("http://terminology.hl7.org/CodeSystem/v3-ActCode");

constexpr Coding snomedCode(const char *code, const char *display)
{
    return {snomed, QLatin1String(code), QLatin1String(display)};
}
constexpr Coding loincCode(const char *code, const char *display)
{
    return {loinc, QLatin1String(code), QLatin1String(display)};
}
constexpr Coding icd10Code(const char *code, const char *display)
{
    return {icd10cm, QLatin1String(code), QLatin1String(display)};
}
constexpr Coding rxnormCode(const char *code, const char *display)
{
    return {rxnorm, QLatin1String(code), QLatin1String(display)};
}

// Indexed by Condition.
const std::array<ConditionCodes, 20> conditions = {{
    {snomedCode("59621000", "Essential hypertension"), icd10Code("I10", "Essential (primary) hypertension")},
    {snomedCode("44054006", "Diabetes mellitus type 2"),
     icd10Code("E11.9", "Type 2 diabetes mellitus without complications")},
    {snomedCode("15777000", "Prediabetes"), icd10Code("R73.03", "Prediabetes")},
    {snomedCode("55822004", "Hyperlipidemia"), icd10Code("E78.5", "Hyperlipidemia, unspecified")},
    {snomedCode("53741008", "Coronary arteriosclerosis"),
     icd10Code("I25.10", "Atherosclerotic heart disease of native coronary artery without angina pectoris")},
    {snomedCode("49436004", "Atrial fibrillation"), icd10Code("I48.91", "Unspecified atrial fibrillation")},
    {snomedCode("195967001", "Asthma"), icd10Code("J45.909", "Unspecified asthma, uncomplicated")},
    {snomedCode("13645005", "Chronic obstructive lung disease"),
     icd10Code("J44.9", "Chronic obstructive pulmonary disease, unspecified")},
    {snomedCode("396275006", "Osteoarthritis"), icd10Code("M19.90", "Unspecified osteoarthritis, unspecified site")},
    {snomedCode("37796009", "Migraine"),
     icd10Code("G43.909", "Migraine, unspecified, not intractable, without status migrainosus")},
    {snomedCode("235595009", "Gastroesophageal reflux disease"),
     icd10Code("K21.9", "Gastro-esophageal reflux disease without esophagitis")},
    {snomedCode("709044004", "Chronic kidney disease"), icd10Code("N18.9", "Chronic kidney disease, unspecified")},
    {snomedCode("414916001", "Obesity"), icd10Code("E66.9", "Obesity, unspecified")},
    {snomedCode("197480006", "Anxiety disorder"), icd10Code("F41.9", "Anxiety disorder, unspecified")},
    {snomedCode("43878008", "Streptococcal sore throat"), icd10Code("J02.0", "Streptococcal pharyngitis")},
    {snomedCode("10509002", "Acute bronchitis"), icd10Code("J20.9", "Acute bronchitis, unspecified")},
    {snomedCode("444814009", "Viral sinusitis"), icd10Code("J01.90", "Acute sinusitis, unspecified")},
    {snomedCode("233604007", "Pneumonia"), icd10Code("J18.9", "Pneumonia, unspecified organism")},
    {snomedCode("65363002", "Otitis media"), icd10Code("H66.90", "Otitis media, unspecified, unspecified ear")},
    {snomedCode("44465007", "Sprain of ankle"),
     icd10Code("S93.409A", "Sprain of unspecified ligament of unspecified ankle, initial encounter")},
}};

// Indexed by Medication. RxNorm's own spelling of each clinical drug (SCD) name.
const std::array<MedicationUse, medicationCount> medications = {{
    {rxnormCode("314076", "lisinopril 10 MG Oral Tablet"), "Take 1 tablet by mouth once daily"_L1, 1, "tablet"_L1, 1, 1,
     "d"_L1, false, true},
    {rxnormCode("860975", "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"),
     "Take 1 tablet by mouth once daily with the evening meal"_L1, 1, "tablet"_L1, 1, 1, "d"_L1, false, true},
    {rxnormCode("312961", "simvastatin 20 MG Oral Tablet"), "Take 1 tablet by mouth once daily in the evening"_L1, 1,
     "tablet"_L1, 1, 1, "d"_L1, false, true},
    {rxnormCode("259255", "atorvastatin 80 MG Oral Tablet"), "Take 1 tablet by mouth once daily"_L1, 1, "tablet"_L1, 1,
     1, "d"_L1, false, true},
    {rxnormCode("308416", "aspirin 81 MG Delayed Release Oral Tablet"),
     "Take 1 tablet by mouth once daily; swallow whole"_L1, 1, "tablet"_L1, 1, 1, "d"_L1, false, true},
    {rxnormCode("855332", "warfarin sodium 5 MG Oral Tablet"),
     "Take 1 tablet by mouth once daily in the evening, or as the anticoagulation clinic directs"_L1, 1, "tablet"_L1, 1,
     1, "d"_L1, false, true},
    {rxnormCode("866412", "24 HR metoprolol succinate 100 MG Extended Release Oral Tablet"),
     "Take 1 tablet by mouth once daily; do not crush or chew"_L1, 1, "tablet"_L1, 1, 1, "d"_L1, false, true},
    {rxnormCode("745679", "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"),
     "Inhale 2 puffs every 4 hours as needed for wheezing or shortness of breath"_L1, 2, "puff"_L1, 1, 4, "h"_L1, true,
     false},
    {rxnormCode("895994", "120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler"),
     "Inhale 2 puffs twice daily; rinse the mouth after each use"_L1, 2, "puff"_L1, 2, 1, "d"_L1, false, false},
    {rxnormCode("313782", "acetaminophen 325 MG Oral Tablet"),
     "Take 2 tablets by mouth every 6 hours as needed for pain or fever; no more than 8 tablets a day"_L1, 2,
     "tablet"_L1, 1, 6, "h"_L1, true, true},
    {rxnormCode("310965", "ibuprofen 200 MG Oral Tablet"),
     "Take 2 tablets by mouth every 6 hours as needed for pain, with food"_L1, 2, "tablet"_L1, 1, 6, "h"_L1, true,
     true},
    {rxnormCode("308182", "amoxicillin 250 MG Oral Capsule"),
     "Take 2 capsules by mouth three times daily for 7 days"_L1, 2, "capsule"_L1, 3, 1, "d"_L1, false, true},
    {rxnormCode("834061", "penicillin V potassium 250 MG Oral Tablet"),
     "Take 2 tablets by mouth twice daily for 10 days"_L1, 2, "tablet"_L1, 2, 1, "d"_L1, false, true},
}};

// Indexed by Allergen.
const std::array<AllergenCodes, 10> allergens = {{
    {snomedCode("764146007", "Penicillin"), "medication"_L1, "low"_L1, snomedCode("247472004", "Wheal"), "mild"_L1},
    {snomedCode("387458008", "Aspirin"), "medication"_L1, "low"_L1, snomedCode("402387002", "Allergic angioedema"),
     "moderate"_L1},
    {snomedCode("762952008", "Peanut"), "food"_L1, "high"_L1, snomedCode("39579001", "Anaphylaxis"), "severe"_L1},
    {snomedCode("735029006", "Shellfish"), "food"_L1, "high"_L1, snomedCode("271807003", "Eruption of skin"),
     "moderate"_L1},
    {snomedCode("111088007", "Latex"), "environment"_L1, "low"_L1, snomedCode("418290006", "Itching"), "mild"_L1},
    {snomedCode("256277009", "Grass pollen"), "environment"_L1, "low"_L1, snomedCode("76067001", "Sneezing"),
     "mild"_L1},
    {snomedCode("782576004", "Tree pollen"), "environment"_L1, "low"_L1, snomedCode("878820003", "Rhinoconjunctivitis"),
     "moderate"_L1},
    {snomedCode("264287008", "Animal dander"), "environment"_L1, "low"_L1, snomedCode("49727002", "Cough"), "mild"_L1},
    {snomedCode("260147004", "House dust mite"), "environment"_L1, "low"_L1, snomedCode("76067001", "Sneezing"),
     "mild"_L1},
    {snomedCode("288328004", "Bee venom"), "environment"_L1, "high"_L1, snomedCode("39579001", "Anaphylaxis"),
     "severe"_L1},
}};

// Indexed by VitalSign: LOINC, UCUM code, unit as people write it (as in the FHIR vital signs profile).
const std::array<VitalSignCodes, 6> vitalSigns = {{
    {loincCode("8302-2", "Body height"), "cm"_L1, "cm"_L1},
    {loincCode("29463-7", "Body weight"), "kg"_L1, "kg"_L1},
    {loincCode("39156-5", "Body mass index (BMI) [Ratio]"), "kg/m2"_L1, "kg/m2"_L1},
    {loincCode("8867-4", "Heart rate"), "/min"_L1, "beats/minute"_L1},
    {loincCode("9279-1", "Respiratory rate"), "/min"_L1, "breaths/minute"_L1},
    {loincCode("8310-5", "Body temperature"), "Cel"_L1, "C"_L1},
}};

// Indexed by Lab: adult reference ranges as US laboratories commonly print them.
const std::array<LabCodes, 10> labs = {{
    {loincCode("2339-0", "Glucose [Mass/volume] in Blood"), "mg/dL"_L1, 70, 99, 0},
    {loincCode("6299-2", "Urea nitrogen [Mass/volume] in Blood"), "mg/dL"_L1, 7, 20, 0},
    {loincCode("2160-0", "Creatinine [Mass/volume] in Serum or Plasma"), "mg/dL"_L1, 0.6, 1.3, 2},
    {loincCode("2947-0", "Sodium [Moles/volume] in Blood"), "mmol/L"_L1, 136, 145, 0},
    {loincCode("6298-4", "Potassium [Moles/volume] in Blood"), "mmol/L"_L1, 3.5, 5.1, 1},
    {loincCode("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"), "mg/dL"_L1, -1, 199, 0},
    {loincCode("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma"), "mg/dL"_L1, -1, 149, 0},
    {loincCode("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma"), "mg/dL"_L1, 40, -1, 0},
    {loincCode("18262-6", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay"), "mg/dL"_L1, -1, 99,
     0},
    {loincCode("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"), "%"_L1, -1, 5.6, 1},
}};

template<typename Table, typename Enum>
const auto &entry(const Table &table, Enum value)
{
    return table.at(static_cast<std::size_t>(value));
}

} // namespace

QJsonObject toJson(const Coding &coding)
{
    return {{u"system"_s, QString(coding.system)},
            {u"code"_s, QString(coding.code)},
            {u"display"_s, QString(coding.display)}};
}

QJsonObject codeable(std::initializer_list<Coding> codings, const QString &text)
{
    QJsonArray array;
    for (const Coding &coding : codings)
        array.append(toJson(coding));
    const QString shown = text.isEmpty() && codings.size() > 0 ? QString(codings.begin()->display) : text;
    return {{u"coding"_s, array}, {u"text"_s, shown}};
}

QJsonObject quantity(double value, QLatin1String ucumCode, QLatin1String unit)
{
    return {{u"value"_s, value},
            {u"unit"_s, QString(unit.isEmpty() ? ucumCode : unit)},
            {u"system"_s, QString(ucum)},
            {u"code"_s, QString(ucumCode)}};
}

const ConditionCodes &condition(Condition condition)
{
    return entry(conditions, condition);
}

bool isChronic(Condition condition)
{
    return condition < Condition::StreptococcalSoreThroat;
}

const MedicationUse &medication(Medication medication)
{
    return entry(medications, medication);
}

Medication medicationAt(int index)
{
    return static_cast<Medication>(index);
}

Coding vaccine(Vaccine vaccine)
{
    switch (vaccine) {
    case Vaccine::InfluenzaPreservativeFree:
        return {cvx, "140"_L1, "Influenza, seasonal, injectable, preservative free"_L1};
    case Vaccine::Td: return {cvx, "113"_L1, "Td (adult) preservative free"_L1};
    case Vaccine::Tdap: return {cvx, "115"_L1, "Tdap"_L1};
    case Vaccine::Pneumococcal13: return {cvx, "133"_L1, "Pneumococcal conjugate PCV 13"_L1};
    case Vaccine::Pneumococcal23: return {cvx, "33"_L1, "pneumococcal polysaccharide vaccine, 23 valent"_L1};
    case Vaccine::ZosterRecombinant: return {cvx, "187"_L1, "zoster recombinant"_L1};
    }
    Q_UNREACHABLE();
}

const AllergenCodes &allergen(Allergen allergen)
{
    return entry(allergens, allergen);
}

Coding noKnownAllergy()
{
    return snomedCode("716186003", "No known allergy");
}

const VitalSignCodes &vitalSign(VitalSign vitalSign)
{
    return entry(vitalSigns, vitalSign);
}

Coding bloodPressurePanel()
{
    return loincCode("85354-9", "Blood pressure panel with all children optional");
}

Coding systolicBloodPressure()
{
    return loincCode("8480-6", "Systolic blood pressure");
}

Coding diastolicBloodPressure()
{
    return loincCode("8462-4", "Diastolic blood pressure");
}

const LabCodes &lab(Lab lab)
{
    return entry(labs, lab);
}

Coding labPanel(LabPanel panel)
{
    switch (panel) {
    case LabPanel::BasicMetabolic: return loincCode("51990-0", "Basic metabolic panel - Blood");
    case LabPanel::Lipid: return loincCode("57698-3", "Lipid panel with direct LDL - Serum or Plasma");
    case LabPanel::HemoglobinA1c: return lab(Lab::HemoglobinA1c).loinc;
    }
    Q_UNREACHABLE();
}

Coding smokingStatusCode()
{
    return loincCode("72166-2", "Tobacco smoking status");
}

Coding smokingStatus(SmokingStatus status)
{
    switch (status) {
    case SmokingStatus::NeverSmoker: return snomedCode("266919005", "Never smoker");
    case SmokingStatus::ExSmoker: return snomedCode("8517006", "Ex-smoker");
    case SmokingStatus::SmokesDaily: return snomedCode("449868002", "Smokes tobacco daily");
    }
    Q_UNREACHABLE();
}

Coding procedure(Procedure procedure)
{
    switch (procedure) {
    case Procedure::DepressionScreening: return snomedCode("171207006", "Depression screening");
    case Procedure::MedicationReconciliation: return snomedCode("430193006", "Medication reconciliation");
    case Procedure::Electrocardiogram: return snomedCode("29303009", "Electrocardiographic procedure");
    case Procedure::Spirometry: return snomedCode("127783003", "Spirometry");
    case Procedure::ThroatCulture: return snomedCode("117015009", "Throat culture");
    case Procedure::ChestXRay: return snomedCode("399208008", "Plain chest X-ray");
    }
    Q_UNREACHABLE();
}

Coding encounterType(EncounterKind kind)
{
    switch (kind) {
    case EncounterKind::CheckUp: return snomedCode("185349003", "Encounter for check up");
    case EncounterKind::Symptom: return snomedCode("185345009", "Encounter for symptom");
    case EncounterKind::FollowUp: return snomedCode("390906007", "Follow-up encounter");
    case EncounterKind::Emergency: return snomedCode("50849002", "Emergency room admission");
    }
    Q_UNREACHABLE();
}

Coding encounterClass(EncounterKind kind)
{
    if (kind == EncounterKind::Emergency)
        return {v3ActCode, "EMER"_L1, "emergency"_L1};
    return {v3ActCode, "AMB"_L1, "ambulatory"_L1};
}

Coding documentType(Document document)
{
    if (document == Document::HistoryAndPhysical)
        return loincCode("34117-2", "History and physical note");
    return loincCode("11506-3", "Progress note");
}

Coding observationCategory(QLatin1String code)
{
    if (code == "vital-signs"_L1)
        return {observationCategorySystem, code, "Vital Signs"_L1};
    if (code == "laboratory"_L1)
        return {observationCategorySystem, code, "Laboratory"_L1};
    Q_ASSERT(code == "social-history"_L1);
    return {observationCategorySystem, code, "Social History"_L1};
}

Coding conditionCategory(QLatin1String code)
{
    const QLatin1String system("http://terminology.hl7.org/CodeSystem/condition-category");
    if (code == "problem-list-item"_L1)
        return {system, code, "Problem List Item"_L1};
    Q_ASSERT(code == "encounter-diagnosis"_L1);
    return {system, code, "Encounter Diagnosis"_L1};
}

Coding conditionClinicalStatus(QLatin1String code)
{
    const QLatin1String system("http://terminology.hl7.org/CodeSystem/condition-clinical");
    if (code == "active"_L1)
        return {system, code, "Active"_L1};
    Q_ASSERT(code == "resolved"_L1);
    return {system, code, "Resolved"_L1};
}

Coding conditionConfirmed()
{
    return {"http://terminology.hl7.org/CodeSystem/condition-ver-status"_L1, "confirmed"_L1, "Confirmed"_L1};
}

Coding allergyClinicalActive()
{
    return {"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"_L1, "active"_L1, "Active"_L1};
}

Coding allergyConfirmed()
{
    return {"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"_L1, "confirmed"_L1, "Confirmed"_L1};
}

Coding interpretation(QLatin1String code)
{
    const QLatin1String system("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation");
    if (code == "L"_L1)
        return {system, code, "Low"_L1};
    if (code == "H"_L1)
        return {system, code, "High"_L1};
    Q_ASSERT(code == "N"_L1);
    return {system, code, "Normal"_L1};
}

Coding laboratoryReportCategory()
{
    return {"http://terminology.hl7.org/CodeSystem/v2-0074"_L1, "LAB"_L1, "Laboratory"_L1};
}

Coding clinicalNoteCategory()
{
    return {"http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"_L1, "clinical-note"_L1,
            "Clinical Note"_L1};
}

Coding identifierType(QLatin1String code)
{
    const QLatin1String system("http://terminology.hl7.org/CodeSystem/v2-0203");
    if (code == "MR"_L1)
        return {system, code, "Medical record number"_L1};
    if (code == "NPI"_L1)
        return {system, code, "National provider identifier"_L1};
    Q_ASSERT(code == "MB"_L1);
    return {system, code, "Member Number"_L1};
}

Coding primaryPerformer()
{
    return {"http://terminology.hl7.org/CodeSystem/v3-ParticipationType"_L1, "PPRF"_L1, "primary performer"_L1};
}

Coding coverageType(bool publicHealthcare)
{
    if (publicHealthcare)
        return {v3ActCode, "PUBLICPOL"_L1, "public healthcare"_L1};
    return {v3ActCode, "HIP"_L1, "health insurance plan policy"_L1};
}

Coding selfRelationship()
{
    return {"http://terminology.hl7.org/CodeSystem/subscriber-relationship"_L1, "self"_L1, "Self"_L1};
}

Coding organizationType(bool payer)
{
    const QLatin1String system("http://terminology.hl7.org/CodeSystem/organization-type");
    if (payer)
        return {system, "pay"_L1, "Payer"_L1};
    return {system, "prov"_L1, "Healthcare Provider"_L1};
}

Coding claimType(bool institutional)
{
    const QLatin1String system("http://terminology.hl7.org/CodeSystem/claim-type");
    if (institutional)
        return {system, "institutional"_L1, "Institutional"_L1};
    return {system, "professional"_L1, "Professional"_L1};
}

Coding adjudication(QLatin1String code)
{
    const QLatin1String system("http://terminology.hl7.org/CodeSystem/adjudication");
    if (code == "submitted"_L1)
        return {system, code, "Submitted Amount"_L1};
    Q_ASSERT(code == "benefit"_L1);
    return {system, code, "Benefit Amount"_L1};
}

Coding oralRoute()
{
    return snomedCode("26643006", "Oral route");
}

Coding intramuscularRoute()
{
    return {"http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"_L1, "IM"_L1,
            "Injection, intramuscular"_L1};
}

Coding orderedDose()
{
    return {"http://terminology.hl7.org/CodeSystem/dose-rate-type"_L1, "ordered"_L1, "Ordered"_L1};
}

Coding outpatientMedication()
{
    return {"http://terminology.hl7.org/CodeSystem/medicationrequest-category"_L1, "outpatient"_L1, "Outpatient"_L1};
}

} // namespace Terminology
