// SPDX-License-Identifier: Apache-2.0
#include "peoplestore.h"

#include "database.h"

using namespace Qt::StringLiterals;

namespace {

User userFrom(const QSqlRecord &record)
{
    return User{record.value(0).toString(), record.value(1).toString(), record.value(2).toString()};
}

Patient patientFrom(const QSqlRecord &record, int first = 0)
{
    return Patient{record.value(first).toString(), record.value(first + 1).toString(),
                   record.value(first + 2).toString(), record.value(first + 3).toString()};
}

Status asStatus(const Result<int> &result)
{
    if (!result)
        return result.error();
    return Done{};
}

} // namespace

Status PeopleStore::insertUser(const User &user) const
{
    return asStatus(m_database.change(u"INSERT INTO users (username, display_name, password_hash) VALUES (?, ?, ?)"_s,
                                      {user.username, user.displayName, user.passwordHash}));
}

Status PeopleStore::insertPatient(const Patient &patient) const
{
    return asStatus(m_database.change(
        u"INSERT INTO patients (patient_id, display_name, birth_date, gender) VALUES (?, ?, ?, ?)"_s,
        {patient.id, patient.displayName, Database::nullable(patient.birthDate), Database::nullable(patient.gender)}));
}

Status PeopleStore::savePatient(const Patient &patient) const
{
    return m_database.transaction([&]() -> Status {
        Result<int> updated = m_database.change(
            u"UPDATE patients SET display_name = ?, birth_date = ?, gender = ? WHERE patient_id = ?"_s,
            {patient.displayName, Database::nullable(patient.birthDate), Database::nullable(patient.gender),
             patient.id});
        if (!updated)
            return updated.error();
        if (updated.value() > 0)
            return Done{};
        return insertPatient(patient);
    });
}

Status PeopleStore::link(const QString &username, const QString &patientId, const QString &relationship,
                         int position) const
{
    return asStatus(m_database.change(
        u"INSERT INTO user_patients (username, patient_id, relationship, position) VALUES (?, ?, ?, ?)"_s,
        {username, patientId, relationship, position}));
}

Result<std::optional<User>> PeopleStore::findUser(const QString &username) const
{
    auto record
        = m_database.one(u"SELECT username, display_name, password_hash FROM users WHERE username = ?"_s, {username});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<User>();
    return std::optional<User>(userFrom(*record.value()));
}

Result<std::optional<Patient>> PeopleStore::findPatient(const QString &patientId) const
{
    auto record = m_database.one(
        u"SELECT patient_id, display_name, birth_date, gender FROM patients WHERE patient_id = ?"_s, {patientId});
    if (!record)
        return record.error();
    if (!record.value())
        return std::optional<Patient>();
    return std::optional<Patient>(patientFrom(*record.value()));
}

Result<QList<User>> PeopleStore::users() const
{
    auto records = m_database.all(u"SELECT username, display_name, password_hash FROM users ORDER BY username"_s);
    if (!records)
        return records.error();
    QList<User> users;
    for (const QSqlRecord &record : records.value())
        users.append(userFrom(record));
    return users;
}

Result<QList<Patient>> PeopleStore::patients() const
{
    auto records
        = m_database.all(u"SELECT patient_id, display_name, birth_date, gender FROM patients ORDER BY patient_id"_s);
    if (!records)
        return records.error();
    QList<Patient> patients;
    for (const QSqlRecord &record : records.value())
        patients.append(patientFrom(record));
    return patients;
}

Result<QList<UserPatient>> PeopleStore::patientsOf(const QString &username) const
{
    auto records
        = m_database.all(u"SELECT up.username, up.relationship, p.patient_id, p.display_name, p.birth_date, p.gender "
                         "FROM user_patients up JOIN patients p ON p.patient_id = up.patient_id "
                         "WHERE up.username = ? ORDER BY up.position, p.patient_id"_s,
                         {username});
    if (!records)
        return records.error();
    QList<UserPatient> links;
    for (const QSqlRecord &record : records.value())
        links.append(UserPatient{record.value(0).toString(), patientFrom(record, 2), record.value(1).toString()});
    return links;
}

Result<std::optional<QString>> PeopleStore::relationship(const QString &username, const QString &patientId) const
{
    auto value = m_database.scalar(u"SELECT relationship FROM user_patients WHERE username = ? AND patient_id = ?"_s,
                                   {username, patientId});
    if (!value)
        return value.error();
    if (value.value().isNull())
        return std::optional<QString>();
    return std::optional<QString>(value.value().toString());
}
