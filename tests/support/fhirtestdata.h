// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small FHIR record set whose every search answer is known by heart: the three fixture
// patients, a practitioner, an organization, a medication, five observations (Daniel: o1 vital
// signs 2020-01-01, o2 laboratory 2021-06-15, o4 smoking 2019-05-05; Amy: o3 laboratory, amended;
// Joseph: o5), and Daniel's condition c1, medication request mr1, encounter e1 and coverage cov1.

#include <QJsonObject>
#include <QList>
#include <QString>

namespace TestSupport {

inline const QString s_daniel = QStringLiteral("smart-1288992");
inline const QString s_amy = QStringLiteral("smart-1032702");
inline const QString s_joseph = QStringLiteral("smart-1081332");

QList<QJsonObject> fhirTestData();
QJsonObject testObservation(const QString &id, const QString &patient, const QString &category, const QString &code,
                            const QString &when, const QString &status, const QString &label);
QJsonObject testPatient(const QString &id, const QString &family, const QString &given, const QString &gender,
                        const QString &birthDate);

} // namespace TestSupport
