// SPDX-License-Identifier: Apache-2.0
#include "samplehistory.h"

#include "sampledirectory.h"

#include <algorithm>
#include <array>
#include <cmath>

using namespace Qt::StringLiterals;
using Terminology::Condition;
using Terminology::EncounterKind;
using Terminology::Lab;
using Terminology::Medication;
using Terminology::Procedure;
using Terminology::Vaccine;
using Terminology::VitalSign;

namespace {

double rounded(double value, int decimals)
{
    double scale = 1;
    for (int digit = 0; digit < decimals; ++digit)
        scale *= 10;
    return std::round(value * scale) / scale;
}

bool isInfection(Condition condition)
{
    return condition != Condition::SprainOfAnkle;
}

} // namespace

SampleHistory::SampleHistory(const SamplePerson &person, QDate referenceDate, const SampleRandom &random)
    : m_person(person),
      m_referenceDate(referenceDate),
      m_random(random),
      m_chart(person, referenceDate),
      m_weightKg(person.weightKg)
{ }

QDateTime SampleHistory::visitTime(QDate date)
{
    static const std::array<int, 4> quarters = {0, 15, 30, 45};
    return QDateTime(date, QTime(m_random.between(8, 16), m_random.pick(quarters)), Qt::UTC);
}

bool SampleHistory::visitOn(QDate date) const
{
    return std::any_of(m_visits.cbegin(), m_visits.cend(),
                       [date](const PlannedVisit &visit) { return visit.start.date() == date; });
}

void SampleHistory::plan()
{
    // Check-ups every two years or so, from five to eight years back (never before the
    // 18th birthday) until ten days before the reference date, so that results are back by then.
    const QDate adult = m_person.birthDate.addYears(18);
    m_historyStart = std::max(m_referenceDate.addYears(-m_random.between(5, 8)), adult);
    const QDate last = m_referenceDate.addDays(-10);
    QDate date = std::min(m_historyStart.addDays(m_random.between(0, 120)), last);
    int checkUps = 0;
    do {
        PlannedVisit visit;
        visit.start = visitTime(date);
        visit.checkUp = checkUps++;
        m_visits.append(visit);
        date = date.addDays(m_random.between(600, 900));
    } while (date <= last);

    // Chronic conditions: known before the history starts (recorded at the first check-up) or
    // diagnosed at a later one.
    for (const Condition condition : std::as_const(m_person.conditions)) {
        const bool known = checkUps < 3 || m_random.chance(0.5);
        const int at = known ? 0 : m_random.between(1, checkUps - 1);
        PlannedVisit &diagnosis = m_visits[at];
        diagnosis.diagnoses.append(condition);
        const QDate diagnosed = diagnosis.start.date();
        m_diagnosisDates.insert(condition, diagnosed);
        QDate onset = diagnosed.addDays(known ? -m_random.between(200, 3650) : -m_random.between(0, 60));
        onset = std::max(onset, adult);
        m_onsets.insert(condition, QDateTime(onset, QTime(12, 0), Qt::UTC));
    }

    // One follow-up visit about three months after a check-up that found something new.
    for (qsizetype index = 1; index < checkUps; ++index) {
        const QList<Condition> found = m_visits.at(index).diagnoses;
        const QDate followUp = m_visits.at(index).start.date().addDays(m_random.between(80, 110));
        if (found.isEmpty() || followUp > last || visitOn(followUp))
            continue;
        PlannedVisit visit;
        visit.start = visitTime(followUp);
        visit.kind = EncounterKind::FollowUp;
        visit.followUpOf = found;
        m_visits.append(visit);
    }

    // One or two acute illnesses at random times.
    const int age = m_person.ageAt(m_referenceDate);
    QList<Condition> pool{Condition::StreptococcalSoreThroat, Condition::AcuteBronchitis, Condition::ViralSinusitis,
                          Condition::ViralSinusitis,          Condition::SprainOfAnkle,   Condition::Pneumonia};
    if (age < 45)
        pool.append(Condition::OtitisMedia);
    if (age >= 65)
        pool.append(Condition::Pneumonia);
    const qint64 span = m_historyStart.daysTo(last);
    const int illnesses = m_random.between(1, 2);
    for (int illness = 0; illness < illnesses; ++illness) {
        QDate day = span > 40 ? m_historyStart.addDays(m_random.between(20, int(span))) : last;
        while (visitOn(day) && day > m_historyStart)
            day = day.addDays(-1);
        PlannedVisit visit;
        visit.acute = m_random.pick(pool);
        const bool emergency = (visit.acute == Condition::Pneumonia && (age >= 65 || m_random.chance(0.5)))
            || (visit.acute == Condition::SprainOfAnkle && m_random.chance(0.3));
        visit.kind = emergency ? EncounterKind::Emergency : EncounterKind::Symptom;
        visit.start = visitTime(day);
        m_visits.append(visit);
    }

    std::stable_sort(m_visits.begin(), m_visits.end(),
                     [](const PlannedVisit &a, const PlannedVisit &b) { return a.start < b.start; });
}

QList<QJsonObject> SampleHistory::write()
{
    plan();
    m_chart.addPatient();
    writeCoverage();
    for (const PlannedVisit &visit : std::as_const(m_visits)) {
        switch (visit.kind) {
        case EncounterKind::CheckUp: writeCheckUp(visit); break;
        case EncounterKind::FollowUp: writeFollowUp(visit); break;
        case EncounterKind::Symptom:
        case EncounterKind::Emergency: writeAcute(visit); break;
        }
    }
    return m_chart.takeResources();
}

void SampleHistory::writeCoverage()
{
    // Medicare for those 65 or older when the history starts, a commercial plan for the others;
    // in force from before the first visit.
    const bool medicare = m_person.ageAt(m_historyStart) >= 65;
    QDate start = m_historyStart.addDays(-m_random.between(30, 400));
    start = std::max(start, m_person.birthDate.addYears(medicare ? 65 : 18));
    const QString payer
        = medicare ? SampleDirectory::medicareId() : SampleDirectory::commercialPayerId(m_random.between(0, 1));
    QString member;
    for (int character = 0; character < 11; ++character) {
        static const QString alphabet = u"ACDEFGHJKMNPQRTUVWXY0123456789"_s;
        member.append(alphabet.at(character == 0 ? m_random.between(21, 29) : m_random.between(0, 29)));
    }
    m_chart.addCoverage(start, medicare, payer, member);
}

void SampleHistory::writeCheckUp(const PlannedVisit &visit)
{
    const QDate date = visit.start.date();
    const int age = m_person.ageAt(date);
    SampleChart::Visit encounter;
    encounter.kind = EncounterKind::CheckUp;
    encounter.start = visit.start;
    encounter.minutes = 40;
    encounter.practitionerId = SampleDirectory::clinicPractitionerId(m_person.region, m_person.doctor);
    encounter.organizationId = SampleDirectory::clinicId(m_person.region);
    encounter.reason = u"Routine check-up"_s;
    m_chart.openEncounter(encounter);

    if (visit.checkUp > 0)
        m_weightKg = qBound(40.0, m_weightKg + m_random.normal(0, 1.5), 180.0);
    writeVitalSigns(date, EncounterKind::CheckUp, false);
    m_chart.addSmokingStatus(m_person.smoking);
    if (visit.checkUp == 0) {
        for (const Terminology::Allergen allergen : std::as_const(m_person.allergies))
            m_chart.addAllergy(allergen);
        if (m_person.allergies.isEmpty())
            m_chart.addNoKnownAllergy();
    }

    const bool basicMetabolic = visit.checkUp == 0 || hasBy(Condition::Type2Diabetes, date)
        || hasBy(Condition::ChronicKidneyDisease, date) || m_random.chance(0.3);
    const bool lipid = age >= 40
        && (visit.checkUp % 2 == 0 || hasBy(Condition::Hyperlipidemia, date)
            || hasBy(Condition::CoronaryArteriosclerosis, date));
    const bool hemoglobinA1c = hasBy(Condition::Type2Diabetes, date) || hasBy(Condition::Prediabetes, date)
        || (age >= 45 && m_random.chance(0.25));
    writeLabs(date, basicMetabolic, lipid, hemoglobinA1c);

    for (const Condition condition : visit.diagnoses)
        diagnose(condition);

    writeImmunizations(visit);
    if (visit.checkUp == 0 || m_random.chance(0.35))
        m_chart.addProcedure(Procedure::DepressionScreening);
    if (visit.checkUp > 0 && !m_ongoing.isEmpty() && m_random.chance(0.5))
        m_chart.addProcedure(Procedure::MedicationReconciliation);
    if (age >= 65 && visit.diagnoses.isEmpty() && m_random.chance(0.2))
        m_chart.addProcedure(Procedure::Electrocardiogram);

    if (m_person.smoking == Terminology::SmokingStatus::SmokesDaily)
        m_chart.addNote(u"Counseled on quitting smoking; offered nicotine replacement."_s);
    if (!m_ongoing.isEmpty())
        m_chart.addNote(u"Continue current medications."_s);
    m_chart.addNote(u"Next check-up in one to two years."_s);
    m_chart.closeEncounter();
}

void SampleHistory::writeFollowUp(const PlannedVisit &visit)
{
    const QDate date = visit.start.date();
    const auto about = [&visit](Condition first, Condition second) {
        return visit.followUpOf.contains(first) || visit.followUpOf.contains(second);
    };
    SampleChart::Visit encounter;
    encounter.kind = EncounterKind::FollowUp;
    encounter.start = visit.start;
    encounter.minutes = 20;
    encounter.practitionerId = SampleDirectory::clinicPractitionerId(m_person.region, m_person.doctor);
    encounter.organizationId = SampleDirectory::clinicId(m_person.region);
    QStringList names;
    for (const Condition condition : visit.followUpOf) {
        names.append(QString(Terminology::condition(condition).snomed.display).toLower());
        encounter.reasonConditionIds.append(m_conditionIds.value(condition));
    }
    encounter.reason = u"Follow-up of %1"_s.arg(names.join(u" and "_s));
    m_chart.openEncounter(encounter);

    m_weightKg = qBound(40.0, m_weightKg + m_random.normal(0, 0.8), 180.0);
    writeVitalSigns(date, EncounterKind::FollowUp, false);
    writeLabs(date, about(Condition::ChronicKidneyDisease, Condition::EssentialHypertension),
              about(Condition::Hyperlipidemia, Condition::CoronaryArteriosclerosis),
              about(Condition::Type2Diabetes, Condition::Prediabetes));
    if (visit.followUpOf.contains(Condition::AtrialFibrillation))
        m_chart.addProcedure(Procedure::Electrocardiogram, m_conditionIds.value(Condition::AtrialFibrillation));
    for (const Condition condition : visit.followUpOf) {
        m_chart.addNote(u"%1: reviewed three months after diagnosis; plan unchanged."_s.arg(
            Terminology::condition(condition).snomed.display));
    }
    m_chart.closeEncounter();
}

void SampleHistory::writeAcute(const PlannedVisit &visit)
{
    const Condition condition = *visit.acute;
    const bool emergency = visit.kind == EncounterKind::Emergency;
    SampleChart::Visit encounter;
    encounter.kind = visit.kind;
    encounter.start = visit.start;
    encounter.minutes = emergency ? m_random.between(120, 300) : 20;
    const int doctor = m_random.chance(0.7) ? m_person.doctor : 1 - m_person.doctor;
    encounter.practitionerId = emergency ? SampleDirectory::emergencyPractitionerId(m_person.region)
                                         : SampleDirectory::clinicPractitionerId(m_person.region, doctor);
    encounter.organizationId
        = emergency ? SampleDirectory::hospitalId(m_person.region) : SampleDirectory::clinicId(m_person.region);
    encounter.reason = QString(Terminology::condition(condition).snomed.display);
    m_chart.openEncounter(encounter);

    writeVitalSigns(visit.start.date(), visit.kind, isInfection(condition));
    const QDateTime onset
        = std::max(visit.start.addDays(-m_random.between(1, 4)), QDateTime(m_person.birthDate, QTime(0, 0), Qt::UTC));
    QDateTime abatement = visit.start.addDays(m_random.between(7, 21));
    if (abatement.date() > m_referenceDate)
        abatement = QDateTime(); // still active on the reference date
    const QString id = m_chart.addCondition(condition, onset, abatement);

    if (condition == Condition::StreptococcalSoreThroat)
        m_chart.addProcedure(Procedure::ThroatCulture, id);
    if (condition == Condition::Pneumonia || (condition == Condition::AcuteBronchitis && m_random.chance(0.3)))
        m_chart.addProcedure(Procedure::ChestXRay, id);
    treat(condition, id);
    m_chart.addNote(u"Return if not better within a week."_s);
    m_chart.closeEncounter();
}

void SampleHistory::writeVitalSigns(QDate date, EncounterKind kind, bool fever)
{
    // A check-up measures everything; a follow-up weight, pulse and blood pressure; a sick visit
    // pulse, breathing, temperature and blood pressure.
    const bool checkUp = kind == EncounterKind::CheckUp;
    const bool followUp = kind == EncounterKind::FollowUp;
    const double heightM = m_person.heightCm / 100.0;
    const double weight = rounded(m_weightKg, 1);
    if (checkUp)
        m_chart.addVitalSign(VitalSign::BodyHeight, m_person.heightCm);
    if (checkUp || followUp)
        m_chart.addVitalSign(VitalSign::BodyWeight, weight);
    if (checkUp)
        m_chart.addVitalSign(VitalSign::BodyMassIndex, rounded(weight / (heightM * heightM), 1));
    const bool irregular = hasBy(Condition::AtrialFibrillation, date);
    const double rate = m_random.normal(fever ? 90 : 72, 8) + (irregular ? 8 : 0);
    m_chart.addVitalSign(VitalSign::HeartRate, std::round(qBound(52.0, rate, 125.0)));
    if (!followUp) {
        m_chart.addVitalSign(VitalSign::RespiratoryRate, m_random.between(fever ? 16 : 12, fever ? 22 : 18));
        const double temperature = fever ? m_random.normal(38.2, 0.4) : m_random.normal(36.8, 0.2);
        m_chart.addVitalSign(VitalSign::BodyTemperature, rounded(temperature, 1));
    }

    const bool hypertensive = hasBy(Condition::EssentialHypertension, date);
    const bool treated = m_ongoing.contains(Medication::Lisinopril10);
    const int age = m_person.ageAt(date);
    double systolic = m_random.normal(116, 8) + std::max(0, age - 40) * 0.35;
    double diastolic = m_random.normal(75, 6);
    if (hypertensive) {
        systolic += treated ? 8 : 22;
        diastolic += treated ? 4 : 10;
    }
    const int high = int(std::round(qBound(95.0, systolic, 185.0)));
    const int low = qMin(int(std::round(qBound(55.0, diastolic, 110.0))), high - 25);
    m_chart.addBloodPressure(high, low);
}

void SampleHistory::writeLabs(QDate date, bool basicMetabolic, bool lipid, bool hemoglobinA1c)
{
    const bool female = m_person.gender == u"female"_s;
    const bool diabetic = hasBy(Condition::Type2Diabetes, date);
    const bool prediabetic = hasBy(Condition::Prediabetes, date);
    const bool kidneys = hasBy(Condition::ChronicKidneyDisease, date);
    const auto value = [this](double mean, double deviation, double low, double high, int decimals) {
        return rounded(qBound(low, m_random.normal(mean, deviation), high), decimals);
    };
    if (basicMetabolic) {
        const QStringList results{
            m_chart.addLab(Lab::Glucose,
                           diabetic          ? value(150, 25, 110, 260, 0)
                               : prediabetic ? value(106, 5, 100, 125, 0)
                                             : value(88, 6, 72, 99, 0)),
            m_chart.addLab(Lab::UreaNitrogen, kidneys ? value(30, 5, 21, 45, 0) : value(14, 3, 7, 20, 0)),
            m_chart.addLab(Lab::Creatinine,
                           kidneys ? value(1.9, 0.3, 1.4, 2.8, 2) : value(female ? 0.8 : 1.0, 0.12, 0.6, 1.3, 2)),
            m_chart.addLab(Lab::Sodium, value(140, 2, 135, 146, 0)),
            m_chart.addLab(Lab::Potassium, value(kidneys ? 4.9 : 4.3, 0.3, 3.4, 5.6, 1)),
        };
        m_chart.addLabReport(Terminology::LabPanel::BasicMetabolic, results);
    }
    if (lipid) {
        const bool high = hasBy(Condition::Hyperlipidemia, date) || hasBy(Condition::CoronaryArteriosclerosis, date);
        const bool statin
            = m_ongoing.contains(Medication::Simvastatin20) || m_ongoing.contains(Medication::Atorvastatin80);
        const double total
            = high ? (statin ? value(178, 15, 140, 220, 0) : value(238, 18, 205, 300, 0)) : value(182, 18, 130, 225, 0);
        const double triglycerides = high && !statin ? value(195, 35, 120, 320, 0) : value(118, 28, 50, 190, 0);
        const double hdl = value(female ? 58 : 48, 8, 28, 90, 0);
        const double ldl = rounded(std::max(40.0, total - hdl - triglycerides / 5 + m_random.normal(0, 4)), 0);
        const QStringList results{
            m_chart.addLab(Lab::Cholesterol, total),
            m_chart.addLab(Lab::Triglycerides, triglycerides),
            m_chart.addLab(Lab::Hdl, hdl),
            m_chart.addLab(Lab::Ldl, ldl),
        };
        m_chart.addLabReport(Terminology::LabPanel::Lipid, results);
    }
    if (hemoglobinA1c) {
        const double percent = diabetic ? value(7.4, 0.6, 6.5, 10.0, 1)
            : prediabetic               ? value(6.0, 0.15, 5.7, 6.4, 1)
                                        : value(5.2, 0.2, 4.6, 5.6, 1);
        m_chart.addLabReport(Terminology::LabPanel::HemoglobinA1c, {m_chart.addLab(Lab::HemoglobinA1c, percent)});
    }
}

void SampleHistory::writeImmunizations(const PlannedVisit &visit)
{
    const QDate date = visit.start.date();
    const int age = m_person.ageAt(date);
    const auto give = [this](Vaccine vaccine) {
        m_chart.addImmunization(vaccine, lotNumber());
        m_vaccinesGiven.append(vaccine);
    };
    const bool fluSeason = date.month() >= 9 || date.month() <= 3;
    bool given = false;
    if (fluSeason && m_random.chance(age >= 65 ? 0.85 : 0.6)) {
        give(Vaccine::InfluenzaPreservativeFree);
        given = true;
    }
    const bool tetanusGiven = m_vaccinesGiven.contains(Vaccine::Tdap) || m_vaccinesGiven.contains(Vaccine::Td);
    if (!tetanusGiven && ((visit.checkUp == 0 && !given) || m_random.chance(0.15)))
        give(visit.checkUp == 0 ? Vaccine::Tdap : Vaccine::Td);
    if (age >= 65) {
        if (!m_vaccinesGiven.contains(Vaccine::Pneumococcal13)) {
            if (m_random.chance(0.6))
                give(Vaccine::Pneumococcal13);
        } else if (!m_vaccinesGiven.contains(Vaccine::Pneumococcal23)) {
            give(Vaccine::Pneumococcal23);
        }
    }
    if (age >= 50 && !m_vaccinesGiven.contains(Vaccine::ZosterRecombinant) && m_random.chance(0.3))
        give(Vaccine::ZosterRecombinant);
}

void SampleHistory::diagnose(Condition condition)
{
    const QString id = m_chart.addCondition(condition, m_onsets.value(condition), QDateTime());
    m_conditionIds.insert(condition, id);
    if (condition == Condition::Asthma || condition == Condition::Copd)
        m_chart.addProcedure(Procedure::Spirometry, id);
    if (condition == Condition::AtrialFibrillation || condition == Condition::CoronaryArteriosclerosis)
        m_chart.addProcedure(Procedure::Electrocardiogram, id);
    treat(condition, id);
}

void SampleHistory::treat(Condition condition, const QString &conditionId)
{
    const bool statin = m_ongoing.contains(Medication::Simvastatin20) || m_ongoing.contains(Medication::Atorvastatin80);
    switch (condition) {
    case Condition::EssentialHypertension: prescribe(Medication::Lisinopril10, conditionId, 0); break;
    case Condition::Type2Diabetes: prescribe(Medication::MetforminExtendedRelease500, conditionId, 0); break;
    case Condition::Hyperlipidemia:
        if (!statin)
            prescribe(Medication::Simvastatin20, conditionId, 0);
        break;
    case Condition::CoronaryArteriosclerosis:
        if (!statin)
            prescribe(Medication::Atorvastatin80, conditionId, 0);
        prescribe(Medication::Aspirin81, conditionId, 0);
        break;
    case Condition::AtrialFibrillation:
        prescribe(Medication::Warfarin5, conditionId, 0);
        prescribe(Medication::MetoprololSuccinate100, conditionId, 0);
        break;
    case Condition::Asthma:
        prescribe(Medication::AlbuterolInhaler, conditionId, 0);
        prescribe(Medication::FluticasoneInhaler, conditionId, 0);
        break;
    case Condition::Copd: prescribe(Medication::AlbuterolInhaler, conditionId, 0); break;
    case Condition::Osteoarthritis: prescribe(Medication::Acetaminophen325, conditionId, 0); break;
    case Condition::Migraine:
        if (!prescribe(Medication::Ibuprofen200, conditionId, 0))
            prescribe(Medication::Acetaminophen325, conditionId, 0);
        break;
    case Condition::StreptococcalSoreThroat:
        if (!prescribe(Medication::PenicillinV250, conditionId, 10))
            prescribe(Medication::Acetaminophen325, conditionId, 7);
        break;
    case Condition::Pneumonia:
    case Condition::OtitisMedia:
        if (!prescribe(Medication::Amoxicillin250, conditionId, 7))
            prescribe(Medication::Acetaminophen325, conditionId, 7);
        break;
    case Condition::ViralSinusitis:
    case Condition::SprainOfAnkle:
        if (!prescribe(Medication::Ibuprofen200, conditionId, 10))
            prescribe(Medication::Acetaminophen325, conditionId, 10);
        break;
    case Condition::AcuteBronchitis: prescribe(Medication::Acetaminophen325, conditionId, 7); break;
    case Condition::Prediabetes:
    case Condition::Gerd:
    case Condition::ChronicKidneyDisease:
    case Condition::Obesity:
    case Condition::AnxietyDisorder: m_chart.addNote(u"Lifestyle advice given; no medication for now."_s); break;
    }
}

bool SampleHistory::prescribe(Medication medication, const QString &conditionId, int courseDays)
{
    if (!allowed(medication) || (courseDays == 0 && m_ongoing.contains(medication)))
        return false;
    m_chart.addMedicationRequest(medication, conditionId, courseDays);
    if (courseDays == 0)
        m_ongoing.append(medication);
    return true;
}

bool SampleHistory::allowed(Medication medication) const
{
    using Terminology::Allergen;
    const bool penicillinAllergy = m_person.allergies.contains(Allergen::Penicillin);
    const bool nsaidAllergy = m_person.allergies.contains(Allergen::Aspirin);
    const bool anticoagulated = m_ongoing.contains(Medication::Warfarin5);
    const bool kidneys = m_conditionIds.contains(Condition::ChronicKidneyDisease);
    switch (medication) {
    case Medication::Amoxicillin250:
    case Medication::PenicillinV250: return !penicillinAllergy;
    case Medication::Aspirin81: return !nsaidAllergy && !anticoagulated;
    case Medication::Ibuprofen200: return !nsaidAllergy && !anticoagulated && !kidneys;
    default: return true;
    }
}

bool SampleHistory::hasBy(Condition condition, QDate date) const
{
    return m_diagnosisDates.contains(condition) && m_diagnosisDates.value(condition) <= date;
}

QString SampleHistory::lotNumber()
{
    static const QString letters = u"ABCDEFGHJKLMNPRSTUVWXYZ"_s;
    return QString(letters.at(m_random.between(0, 22))) + letters.at(m_random.between(0, 22))
        + QString::number(m_random.between(1000, 9999));
}
