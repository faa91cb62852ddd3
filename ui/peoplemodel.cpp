// SPDX-License-Identifier: Apache-2.0
#include "peoplemodel.h"

#include "fhir/fhirservice.h"
#include "fhir/resourcestore.h"
#include "sandbox.h"
#include "storage/peoplestore.h"

#include <QLocale>

#include <algorithm>

using namespace Qt::StringLiterals;

PeopleModel::PeopleModel(Sandbox &sandbox, QObject *parent) : QAbstractTableModel(parent), m_sandbox(sandbox)
{
    connect(&sandbox, &Sandbox::resetDone, this, &PeopleModel::reload);
    reload();
}

PeopleModel::~PeopleModel() = default;

void PeopleModel::reload()
{
    Result<QList<Patient>> patients = m_sandbox.people().patients();
    Result<QList<User>> users = m_sandbox.people().users();
    Result<QHash<QString, QHash<QString, int>>> counts = m_sandbox.fhir().store().compartmentCounts();
    if (!patients || !users || !counts) {
        Q_EMIT loadFailed(!patients ? patients.error().description
                                    : (!users ? users.error().description : counts.error().description));
        return;
    }
    QList<PatientRow> rows;
    QHash<QString, int> rowById;
    for (const Patient &patient : patients.value()) {
        PatientRow row{patient, {}, counts.value().value(patient.id), 0};
        for (const int count : std::as_const(row.resourceCounts))
            row.resourceTotal += count;
        rowById.insert(patient.id, int(rows.size()));
        rows.append(row);
    }
    for (const User &user : users.value()) {
        Result<QList<UserPatient>> linked = m_sandbox.people().patientsOf(user.username);
        if (!linked)
            continue;
        for (const UserPatient &link : linked.value()) {
            if (const auto it = rowById.constFind(link.patient.id); it != rowById.constEnd())
                rows[it.value()].users.append({user.username, link.relationship});
        }
    }
    beginResetModel();
    m_rows = std::move(rows);
    m_userCount = int(users.value().size());
    endResetModel();
}

int PeopleModel::rowOf(const QString &patientId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).patient.id == patientId)
            return row;
    }
    return -1;
}

int PeopleModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PeopleModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PeopleModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PatientRow &row = m_rows.at(index.row());
    if (role == PatientIdRole)
        return row.patient.id;
    if (role == Qt::TextAlignmentRole && index.column() == ResourcesColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case NameColumn: return row.patient.displayName;
    case IdColumn: return row.patient.id;
    case BirthDateColumn:
        if (role == Qt::DisplayRole) {
            const QDate date = QDate::fromString(row.patient.birthDate, Qt::ISODate);
            return date.isValid() ? QLocale().toString(date, QLocale::ShortFormat) : row.patient.birthDate;
        }
        return row.patient.birthDate;
    case GenderColumn: return row.patient.gender;
    case UsersColumn: {
        QStringList users;
        for (const auto &[username, relationship] : row.users)
            users.append(relationship == u"self" ? tr("%1 (self)").arg(username) : tr("%1 (represents)").arg(username));
        if (users.isEmpty() && role == Qt::ToolTipRole)
            return tr("No user acts for this patient; tokens for it need a user who does, or a backend client.");
        return users.join(u", "_s);
    }
    case ResourcesColumn:
        if (role == Qt::ToolTipRole)
            return tr("%n FHIR resource(s) in this patient's record", nullptr, row.resourceTotal);
        return row.resourceTotal;
    }
    return {};
}

QVariant PeopleModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Patient");
    case IdColumn: return tr("ID");
    case BirthDateColumn: return tr("Born");
    case GenderColumn: return tr("Gender");
    case UsersColumn: return tr("Users");
    case ResourcesColumn: return tr("Resources");
    }
    return {};
}

void ResourceCountModel::setCounts(const QHash<QString, int> &counts)
{
    QList<QPair<QString, int>> sorted;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        sorted.append({it.key(), it.value()});
    std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    beginResetModel();
    m_counts = std::move(sorted);
    endResetModel();
}

int ResourceCountModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_counts.size());
}

int ResourceCountModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ResourceCountModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &[type, count] = m_counts.at(index.row());
    if (role == Qt::TextAlignmentRole && index.column() == CountColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    return index.column() == TypeColumn ? QVariant(type) : QVariant(count);
}

QVariant ResourceCountModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == TypeColumn ? tr("Resource type") : tr("Count");
}
