// SPDX-License-Identifier: Apache-2.0
#pragma once

// Who the sample patients are before anything happens to them: the three fixture patients as the
// portal knows them, then made-up ones drawn from the seed (names, birth dates, addresses, habits,
// the chronic conditions they will be diagnosed with and their allergies).

#include "samplerandom.h"
#include "terminology.h"

#include <QDate>
#include <QList>
#include <QString>

struct SamplePerson
{
    QString id;
    QString mrn;
    QString given;
    QString family;
    QString gender; // male, female
    QDate birthDate;
    QString line;
    QString city;
    QString state;
    QString postalCode;
    QString phone;
    QString email;
    int region = 0; // SampleDirectory region: clinic, hospital, doctors
    int doctor = 0; // which of the region's two clinic doctors
    Terminology::SmokingStatus smoking = Terminology::SmokingStatus::NeverSmoker;
    QList<Terminology::Condition> conditions; // chronic; diagnosed before or during the history
    QList<Terminology::Allergen> allergies; // none: "no known allergy" is recorded
    double heightCm = 170;
    double weightKg = 70;

    QString displayName() const { return given + QLatin1Char(' ') + family; }
    int ageAt(QDate date) const;
    bool has(Terminology::Condition condition) const { return conditions.contains(condition); }
};

namespace SamplePeople {

// The fixture patients first (fixed, whatever the seed), then `extraPatients` made-up ones with
// ids smart-sample-001, smart-sample-002, ...
QList<SamplePerson> people(quint32 seed, int extraPatients, QDate referenceDate);

} // namespace SamplePeople
