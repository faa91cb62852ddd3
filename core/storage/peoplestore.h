// SPDX-License-Identifier: Apache-2.0
#pragma once

// The users, patients and user_patients tables.

#include "oauth/people.h"
#include "result.h"

#include <optional>

class Database;

class PeopleStore final
{
    Q_DISABLE_COPY_MOVE(PeopleStore)

public:
    explicit PeopleStore(const Database &database) : m_database(database) { }

    Status insertUser(const User &user) const;
    Status insertPatient(const Patient &patient) const;
    // Inserts the patient, or updates the one with that id (a Patient written through FHIR).
    Status savePatient(const Patient &patient) const;
    // Links a user to a patient they may act for; position orders the patient picker.
    Status link(const QString &username, const QString &patientId, const QString &relationship, int position) const;

    Result<std::optional<User>> findUser(const QString &username) const;
    Result<std::optional<Patient>> findPatient(const QString &patientId) const;
    Result<QList<User>> users() const;
    Result<QList<Patient>> patients() const;
    // The patients a user may act for, their own record first.
    Result<QList<UserPatient>> patientsOf(const QString &username) const;
    // The relationship of a user to a patient, or nothing when they are not linked.
    Result<std::optional<QString>> relationship(const QString &username, const QString &patientId) const;

private:
    const Database &m_database;
};
