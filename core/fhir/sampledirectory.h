// SPDX-License-Identifier: Apache-2.0
#pragma once

// The resources the sample patients share: clinics and hospitals in four regions, their doctors,
// three payers and the Medication of every drug the histories prescribe. Fixed tables, the same
// for every seed, so that their ids are stable.

#include "terminology.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace SampleDirectory {

// Where patients live and are seen. Each region has one clinic and one hospital.
struct City
{
    QLatin1String name;
    QLatin1String state;
    QLatin1String postalCode;
};
int regionCount();
QList<City> cities(int region);
QString areaCode(int region); // telephone

QString clinicId(int region);
QString hospitalId(int region);
// The clinic's doctors (two per region), and the hospital's emergency physician.
QString clinicPractitionerId(int region, int which);
QString emergencyPractitionerId(int region);
QString practitionerName(const QString &practitionerId); // "Dr. Given Family"
QString organizationName(const QString &organizationId);

QString medicareId();
QString commercialPayerId(int which); // 0 or 1

QString medicationId(Terminology::Medication medication);

// Organizations, then Practitioners, then Medications.
QList<QJsonObject> resources();

// A valid National Provider Identifier: the nine digits given plus the Luhn check digit
// computed with the 80840 prefix, as CMS specifies.
QString npi(int nineDigits);

} // namespace SampleDirectory
