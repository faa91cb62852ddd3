// SPDX-License-Identifier: Apache-2.0
// SampleChart, continued: what closing an encounter writes, namely the Encounter itself, its
// clinical note (DocumentReference) and its claim (ExplanationOfBenefit).
#include "samplechart.h"

#include "sampledirectory.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace SampleJson;
namespace T = Terminology;

QString SampleChart::closeEncounter()
{
    Q_ASSERT(m_encounterIndex >= 0);
    const QDateTime end = m_visit.start.addSecs(60 * qint64(m_visit.minutes));
    QJsonObject encounter = startWithId("Encounter"_L1, m_encounterId, "patient"_L1);
    encounter.insert(u"status"_s, u"finished"_s);
    encounter.insert(u"class"_s, T::toJson(T::encounterClass(m_visit.kind)));
    encounter.insert(u"type"_s, QJsonArray{T::codeable({T::encounterType(m_visit.kind)})});
    encounter.insert(u"subject"_s, patientReference());
    const QJsonObject period{{u"start"_s, dateTime(m_visit.start)}, {u"end"_s, dateTime(end)}};
    encounter.insert(u"participant"_s,
                     QJsonArray{QJsonObject{{u"type"_s, QJsonArray{T::codeable({T::primaryPerformer()})}},
                                            {u"period"_s, period},
                                            {u"individual"_s, practitionerReference()}}});
    encounter.insert(u"period"_s, period);
    if (!m_visit.reasonConditionIds.isEmpty()) {
        QJsonArray reasons;
        for (const QString &id : std::as_const(m_visit.reasonConditionIds))
            reasons.append(reference("Condition"_L1, id));
        encounter.insert(u"reasonReference"_s, reasons);
    }
    if (!m_diagnosisIds.isEmpty()) {
        QJsonArray diagnoses;
        for (qsizetype index = 0; index < m_diagnosisIds.size(); ++index) {
            diagnoses.append(QJsonObject{{u"condition"_s, reference("Condition"_L1, m_diagnosisIds.at(index))},
                                         {u"rank"_s, int(index + 1)}});
        }
        encounter.insert(u"diagnosis"_s, diagnoses);
    }
    encounter.insert(u"serviceProvider"_s,
                     reference("Organization"_L1, m_visit.organizationId,
                               SampleDirectory::organizationName(m_visit.organizationId)));
    m_resources[m_encounterIndex] = encounter;

    writeNote(m_encounterId, end);
    writeClaim(m_encounterId, end);
    m_encounterIndex = -1;
    return m_encounterId;
}

void SampleChart::writeNote(const QString &encounterId, const QDateTime &end)
{
    const T::Document kind
        = m_visit.kind == T::EncounterKind::CheckUp ? T::Document::HistoryAndPhysical : T::Document::ProgressNote;
    const T::Coding type = T::documentType(kind);
    QStringList lines{
        QString(type.display),
        u"Patient: %1, %2, born %3 (MRN %4)"_s.arg(m_person.displayName(), m_person.gender,
                                                   m_person.birthDate.toString(Qt::ISODate), m_person.mrn),
        u"Date: %1 to %2 UTC"_s.arg(m_visit.start.toString(u"yyyy-MM-dd HH:mm"_s), end.toString(u"HH:mm"_s)),
        u"Seen by: %1, %2"_s.arg(SampleDirectory::practitionerName(m_visit.practitionerId),
                                 SampleDirectory::organizationName(m_visit.organizationId)),
        u"Reason for visit: %1"_s.arg(m_visit.reason),
    };
    const auto section = [&lines](const QString &title, const QStringList &items) {
        if (items.isEmpty())
            return;
        lines.append(QString());
        lines.append(title);
        for (const QString &item : items)
            lines.append(u"- "_s + item);
    };
    section(u"Vital signs:"_s, m_vitalsText);
    section(u"Findings:"_s, m_findingsText);
    section(u"Assessment and plan:"_s, m_planText);
    const QByteArray text = lines.join(u'\n').toUtf8() + '\n';

    QJsonObject resource = start("DocumentReference"_L1, "doc"_L1, "patient"_L1);
    resource.insert(u"status"_s, u"current"_s);
    resource.insert(u"docStatus"_s, u"final"_s);
    resource.insert(u"type"_s, T::codeable({type}));
    resource.insert(u"category"_s, QJsonArray{T::codeable({T::clinicalNoteCategory()})});
    resource.insert(u"subject"_s, patientReference());
    resource.insert(u"date"_s, dateTime(end));
    resource.insert(u"author"_s, QJsonArray{practitionerReference()});
    resource.insert(u"custodian"_s,
                    reference("Organization"_L1, m_visit.organizationId,
                              SampleDirectory::organizationName(m_visit.organizationId)));
    resource.insert(u"description"_s, u"%1, %2"_s.arg(type.display, m_visit.reason));
    resource.insert(u"content"_s,
                    QJsonArray{QJsonObject{{u"attachment"_s,
                                            QJsonObject{
                                                {u"contentType"_s, u"text/plain"_s},
                                                {u"language"_s, u"en-US"_s},
                                                {u"data"_s, QString::fromLatin1(text.toBase64())},
                                                {u"size"_s, int(text.size())},
                                                {u"title"_s, QString(type.display)},
                                                {u"creation"_s, dateTime(end)},
                                            }}}});
    resource.insert(
        u"context"_s,
        QJsonObject{{u"encounter"_s, QJsonArray{reference("Encounter"_L1, encounterId)}},
                    {u"period"_s, QJsonObject{{u"start"_s, dateTime(m_visit.start)}, {u"end"_s, dateTime(end)}}}});
    append(resource);
}

void SampleChart::writeClaim(const QString &encounterId, const QDateTime &end)
{
    const bool institutional = m_visit.kind == T::EncounterKind::Emergency;
    QJsonObject resource = start("ExplanationOfBenefit"_L1, "eob"_L1, "explanation-of-benefit"_L1);
    resource.insert(u"status"_s, u"active"_s);
    resource.insert(u"type"_s, T::codeable({T::claimType(institutional)}));
    resource.insert(u"use"_s, u"claim"_s);
    resource.insert(u"patient"_s, patientReference());
    resource.insert(u"billablePeriod"_s, QJsonObject{{u"start"_s, dateTime(m_visit.start)}, {u"end"_s, dateTime(end)}});
    resource.insert(u"created"_s, dateTime(end));
    resource.insert(u"insurer"_s,
                    reference("Organization"_L1, m_payerId, SampleDirectory::organizationName(m_payerId)));
    resource.insert(u"provider"_s,
                    reference("Organization"_L1, m_visit.organizationId,
                              SampleDirectory::organizationName(m_visit.organizationId)));
    resource.insert(u"outcome"_s, u"complete"_s);
    resource.insert(u"careTeam"_s,
                    QJsonArray{QJsonObject{{u"sequence"_s, 1}, {u"provider"_s, practitionerReference()}}});
    QJsonArray diagnoses;
    QJsonArray diagnosisSequences;
    for (qsizetype index = 0; index < m_diagnosisIds.size(); ++index) {
        diagnoses.append(QJsonObject{{u"sequence"_s, int(index + 1)},
                                     {u"diagnosisReference"_s, reference("Condition"_L1, m_diagnosisIds.at(index))}});
        diagnosisSequences.append(int(index + 1));
    }
    if (!diagnoses.isEmpty())
        resource.insert(u"diagnosis"_s, diagnoses);
    resource.insert(
        u"insurance"_s,
        QJsonArray{QJsonObject{{u"focal"_s, true}, {u"coverage"_s, reference("Coverage"_L1, m_coverageId)}}});
    QJsonArray items;
    double total = 0;
    for (qsizetype index = 0; index < m_bill.size(); ++index) {
        const BillLine &line = m_bill.at(index);
        QJsonObject item{{u"sequence"_s, int(index + 1)},
                         {u"careTeamSequence"_s, QJsonArray{1}},
                         {u"productOrService"_s, T::codeable({line.service})},
                         {u"servicedDate"_s, m_visit.start.date().toString(Qt::ISODate)},
                         {u"encounter"_s, QJsonArray{reference("Encounter"_L1, encounterId)}},
                         {u"net"_s, money(line.amount)}};
        if (index == 0 && !diagnosisSequences.isEmpty())
            item.insert(u"diagnosisSequence"_s, diagnosisSequences);
        items.append(item);
        total += line.amount;
    }
    resource.insert(u"item"_s, items);
    const double paid = std::round(total * 80) / 100; // the plan pays 80 %
    resource.insert(
        u"total"_s,
        QJsonArray{
            QJsonObject{{u"category"_s, T::codeable({T::adjudication("submitted"_L1)})}, {u"amount"_s, money(total)}},
            QJsonObject{{u"category"_s, T::codeable({T::adjudication("benefit"_L1)})}, {u"amount"_s, money(paid)}}});
    resource.insert(
        u"payment"_s,
        QJsonObject{{u"date"_s,
                     end.date().addDays(14) <= m_referenceDate ? end.date().addDays(14).toString(Qt::ISODate)
                                                               : m_referenceDate.toString(Qt::ISODate)},
                    {u"amount"_s, money(paid)}});
    append(resource);
}
