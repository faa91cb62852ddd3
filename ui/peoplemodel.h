// SPDX-License-Identifier: Apache-2.0
#pragma once

// The People and data tables: every patient of the portal with the users who act for them and
// how many FHIR resources their record holds, and (ResourceCountModel) one patient's record by
// resource type. Read from the same stores the HTTP endpoints use; reloaded after a reset, an
// import, or on request.

#include "oauth/people.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QPair>

class Sandbox;

struct PatientRow
{
    Patient patient;
    QList<QPair<QString, QString>> users; // username, relationship ("self", "delegate")
    QHash<QString, int> resourceCounts; // type -> count
    int resourceTotal = 0;
};

class PeopleModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeopleModel)

public:
    enum Column { NameColumn, IdColumn, BirthDateColumn, GenderColumn, UsersColumn, ResourcesColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole, PatientIdRole };

    explicit PeopleModel(Sandbox &sandbox, QObject *parent = nullptr);
    ~PeopleModel() override;

    void reload();
    const PatientRow &patientRow(int row) const { return m_rows.at(row); }
    int rowOf(const QString &patientId) const;
    int userCount() const { return m_userCount; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void loadFailed(const QString &message);

private:
    Sandbox &m_sandbox;
    QList<PatientRow> m_rows;
    int m_userCount = 0;
};

class ResourceCountModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourceCountModel)

public:
    enum Column { TypeColumn, CountColumn, ColumnCount };

    explicit ResourceCountModel(QObject *parent = nullptr) : QAbstractTableModel(parent) { }

    // The counts of one patient's record, largest first.
    void setCounts(const QHash<QString, int> &counts);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<QPair<QString, int>> m_counts;
};
