// SPDX-License-Identifier: Apache-2.0
#include "fixtures.h"

#include "clientstore.h"
#include "database.h"
#include "fhir/resourcestore.h"
#include "fhir/sampledata.h"
#include "oauth/secrets.h"
#include "peoplestore.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>

using namespace Qt::StringLiterals;

namespace {

Result<QJsonObject> fixtureDocument()
{
    QFile file(u":/fixtures/portal.json"_s);
    if (!file.open(QIODevice::ReadOnly))
        return storageError(u"The built-in fixtures are missing"_s);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        return storageError(u"The built-in fixtures are not valid JSON: %1"_s.arg(error.errorString()));
    return document.object();
}

QStringList stringList(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list.append(item.toString());
    return list;
}

Status loadFixtures(const Database &database, const QJsonObject &fixtures, qint64 nowMs)
{
    const PeopleStore people(database);
    for (const QJsonValue &value : fixtures.value(u"patients"_s).toArray()) {
        const QJsonObject patient = value.toObject();
        if (Status status
            = people.insertPatient(Patient{patient[u"id"_s].toString(), patient[u"display_name"_s].toString(),
                                           patient[u"birth_date"_s].toString(), patient[u"gender"_s].toString()});
            !status)
            return status;
    }
    for (const QJsonValue &value : fixtures.value(u"users"_s).toArray()) {
        const QJsonObject user = value.toObject();
        const QString username = user[u"username"_s].toString();
        if (Status status = people.insertUser(User{username, user[u"display_name"_s].toString(),
                                                   Secrets::hashPassword(user[u"password"_s].toString())});
            !status)
            return status;
        int position = 0;
        for (const QJsonValue &link : user[u"patients"_s].toArray()) {
            if (Status status
                = people.link(username, link[u"id"_s].toString(), link[u"relationship"_s].toString(), position++);
                !status)
                return status;
        }
    }
    const ClientStore clients(database);
    for (const QJsonValue &value : fixtures.value(u"clients"_s).toArray()) {
        const QJsonObject json = value.toObject();
        Client client;
        client.id = json[u"client_id"_s].toString();
        client.secret = json[u"client_secret"_s].toString();
        client.name = json[u"client_name"_s].toString();
        client.redirectUris = stringList(json[u"redirect_uris"_s]);
        client.scope = json[u"scope"_s].toString();
        client.securityLabels = defaultSecurityLabels();
        client.tokenEndpointAuthMethod = u"client_secret_basic"_s;
        client.grantTypes = {u"authorization_code"_s, u"refresh_token"_s};
        client.metadata = QJsonObject{{u"response_types"_s, QJsonArray{u"code"_s}}};
        client.origin = u"fixture"_s;
        client.issuedAtMs = nowMs;
        client.updatedAtMs = nowMs;
        if (Status status = clients.insert(client); !status)
            return status;
    }
    return Done{};
}

// The generated records for a number of extra patients. Generation is deterministic, so each
// size is made once per process and kept: tests and repeated resets pay for it once.
QList<QJsonObject> sampleResources(int samplePatients)
{
    static QMutex mutex;
    static QHash<int, QList<QJsonObject>> cache;
    QMutexLocker locker(&mutex);
    auto it = cache.find(samplePatients);
    if (it == cache.end()) {
        SampleData::Options options;
        options.extraPatients = samplePatients;
        it = cache.insert(samplePatients, SampleData::generate(options));
    }
    return it.value();
}

Status loadSampleData(const Database &database, qint64 nowMs, int samplePatients)
{
    const ResourceStore store(database);
    if (Status cleared = store.clear(); !cleared)
        return cleared;
    if (Status inserted = store.insertNew(sampleResources(samplePatients), nowMs); !inserted)
        return inserted;
    // The generated patients join the portal's patient list, so that tokens can name them.
    const PeopleStore people(database);
    SampleData::Options options;
    options.extraPatients = samplePatients;
    for (const SampleData::PatientSummary &patient : SampleData::patients(options)) {
        if (Status saved
            = people.savePatient(Patient{patient.id, patient.displayName, patient.birthDate, patient.gender});
            !saved)
            return saved;
    }
    return Done{};
}

} // namespace

namespace Fixtures {

Status clearPortal(const Database &database)
{
    // Children first, so that the order works with or without ON DELETE CASCADE.
    const QStringList statements = {u"DELETE FROM used_assertions"_s, u"DELETE FROM authorization_requests"_s,
                                    u"DELETE FROM sessions"_s,        u"DELETE FROM launches"_s,
                                    u"DELETE FROM tokens"_s,          u"DELETE FROM authorization_codes"_s,
                                    u"DELETE FROM approvals"_s,       u"DELETE FROM user_patients"_s,
                                    u"DELETE FROM clients"_s,         u"DELETE FROM users"_s,
                                    u"DELETE FROM patients"_s,        u"DELETE FROM fault_rules"_s,
                                    u"DELETE FROM scenarios"_s};
    return database.runScript(statements);
}

Status reset(const Database &database, qint64 nowMs, int samplePatients)
{
    Result<QJsonObject> fixtures = fixtureDocument();
    if (!fixtures)
        return fixtures.error();
    return database.transaction([&]() -> Status {
        if (Status status = clearPortal(database); !status)
            return status;
        if (Status status = loadFixtures(database, fixtures.value(), nowMs); !status)
            return status;
        return loadSampleData(database, nowMs, samplePatients);
    });
}

} // namespace Fixtures
