// SPDX-License-Identifier: Apache-2.0
#pragma once

// What happens to one sample patient over the years before the reference date: yearly check-ups
// (vital signs, smoking status, labs, vaccines, screening), chronic conditions diagnosed and
// treated and followed up, and a few acute illnesses. The plan is drawn from the patient's own
// random stream first, then played through a SampleChart in date order.

#include "samplechart.h"
#include "samplepeople.h"
#include "samplerandom.h"
#include "terminology.h"

#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>

#include <optional>

class SampleHistory final
{
public:
    SampleHistory(const SamplePerson &person, QDate referenceDate, const SampleRandom &random);

    // The patient's resources: Patient, Coverage, then each encounter with what belongs to it.
    QList<QJsonObject> write();

private:
    struct PlannedVisit
    {
        QDateTime start;
        Terminology::EncounterKind kind = Terminology::EncounterKind::CheckUp;
        int checkUp = -1; // the how-manieth check-up, from 0
        QList<Terminology::Condition> diagnoses; // chronic conditions first recorded here
        QList<Terminology::Condition> followUpOf; // conditions diagnosed at the last check-up
        std::optional<Terminology::Condition> acute;
    };

    void plan();
    QDateTime visitTime(QDate date);
    bool visitOn(QDate date) const;
    void writeCoverage();
    void writeCheckUp(const PlannedVisit &visit);
    void writeFollowUp(const PlannedVisit &visit);
    void writeAcute(const PlannedVisit &visit);

    void writeVitalSigns(QDate date, Terminology::EncounterKind kind, bool fever);
    void writeLabs(QDate date, bool basicMetabolic, bool lipid, bool hemoglobinA1c);
    void writeImmunizations(const PlannedVisit &visit);
    void diagnose(Terminology::Condition condition);
    void treat(Terminology::Condition condition, const QString &conditionId);
    bool prescribe(Terminology::Medication medication, const QString &conditionId, int courseDays);
    bool allowed(Terminology::Medication medication) const;
    bool hasBy(Terminology::Condition condition, QDate date) const;
    QString lotNumber();

    SamplePerson m_person;
    QDate m_referenceDate;
    SampleRandom m_random;
    SampleChart m_chart;

    QDate m_historyStart;
    QList<PlannedVisit> m_visits;
    QMap<Terminology::Condition, QDate> m_diagnosisDates;
    QMap<Terminology::Condition, QDateTime> m_onsets;
    QMap<Terminology::Condition, QString> m_conditionIds;
    QList<Terminology::Medication> m_ongoing; // long-term prescriptions so far
    QList<Terminology::Vaccine> m_vaccinesGiven;
    double m_weightKg = 70;
};
