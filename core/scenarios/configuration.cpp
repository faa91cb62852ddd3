// SPDX-License-Identifier: Apache-2.0
#include "configuration.h"

#include "clock.h"
#include "faults/faultrule.h"
#include "faults/faultrules.h"
#include "oauth/client.h"
#include "oauth/clientregistry.h"
#include "oauth/discoveryprofile.h"
#include "oauth/people.h"
#include "sandbox.h"
#include "scenarios/scenariostore.h"
#include "storage/clientstore.h"
#include "storage/database.h"
#include "storage/faultstore.h"
#include "storage/fixtures.h"
#include "storage/jsontext.h"
#include "storage/peoplestore.h"
#include "storage/settingsstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace {

Error invalid(const QString &description)
{
    return badRequest(u"invalid_request"_s, description);
}

QJsonValue nullable(const QString &text)
{
    return text.isNull() ? QJsonValue() : QJsonValue(text);
}

struct Link
{
    QString username;
    QString patientId;
    QString relationship;
};

// Everything a document holds, checked.
struct Parsed
{
    QList<Client> clients;
    QList<User> users;
    QList<Patient> patients;
    QList<Link> links;
    QList<Faults::FaultRule> faults;
    DiscoveryProfile discovery;
    QList<Scenario> scenarios;
};

// The array `key` of objects; an error naming it otherwise.
Result<QList<QJsonObject>> objects(const QJsonObject &document, const QString &key)
{
    if (!document.value(key).isArray())
        return invalid(u"%1 must be an array"_s.arg(key));
    QList<QJsonObject> list;
    const QJsonArray array = document.value(key).toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject())
            return invalid(u"%1[%2] must be an object"_s.arg(key).arg(i));
        list.append(array.at(i).toObject());
    }
    return list;
}

Result<QString> text(const QJsonObject &json, const QString &field, const QString &where, bool required = true)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull()) {
        if (required)
            return invalid(u"%1: %2 is required"_s.arg(where, field));
        return QString();
    }
    if (!value.isString() || (required && value.toString().isEmpty()))
        return invalid(u"%1: %2 must be a non-empty string"_s.arg(where, field));
    return value.toString();
}

Result<Parsed> parse(const QJsonObject &document)
{
    if (document.value(u"format"_s).toString() != QLatin1String(Configuration::s_format))
        return invalid(u"format must be \"%1\" (a file written by GET /admin/config or --export-config)"_s.arg(
            QLatin1String(Configuration::s_format)));
    if (document.value(u"version"_s).toInt() != Configuration::s_version)
        return invalid(u"version must be %1"_s.arg(Configuration::s_version));
    Parsed parsed;
    QSet<QString> seen;

    Result<QList<QJsonObject>> clients = objects(document, u"clients"_s);
    if (!clients)
        return clients.error();
    for (qsizetype i = 0; i < clients.value().size(); ++i) {
        const QJsonObject &json = clients.value().at(i);
        const QString where = u"clients[%1]"_s.arg(i);
        Result<QString> id = text(json, u"client_id"_s, where);
        if (!id)
            return id.error();
        if (seen.contains(u"client:"_s + id.value()))
            return invalid(u"%1: client_id \"%2\" appears twice"_s.arg(where, id.value()));
        seen.insert(u"client:"_s + id.value());
        Result<QString> secret = text(json, u"client_secret"_s, where, false);
        Result<QString> token = text(json, u"registration_access_token"_s, where, false);
        Result<QString> origin = text(json, u"origin"_s, where, false);
        for (const Result<QString> *field : {&secret, &token, &origin}) {
            if (!*field)
                return field->error();
        }
        if (!json.value(u"metadata"_s).isObject())
            return invalid(u"%1: metadata must be an object"_s.arg(where));
        Result<Client> client = ClientRegistry::validate(json.value(u"metadata"_s).toObject());
        if (!client)
            return invalid(u"%1: %2"_s.arg(where, client.error().description));
        Client value = client.value();
        value.id = id.value();
        if (value.name.isEmpty())
            value.name = value.id;
        value.secret = secret.value();
        value.registrationAccessToken = token.value();
        value.origin = origin.value().isEmpty() ? u"http"_s : origin.value();
        value.issuedAtMs = json.value(u"issued_at_ms"_s).toInteger();
        value.updatedAtMs = value.issuedAtMs;
        parsed.clients.append(value);
    }

    Result<QList<QJsonObject>> users = objects(document, u"users"_s);
    if (!users)
        return users.error();
    for (qsizetype i = 0; i < users.value().size(); ++i) {
        const QJsonObject &json = users.value().at(i);
        const QString where = u"users[%1]"_s.arg(i);
        Result<QString> username = text(json, u"username"_s, where);
        Result<QString> name = text(json, u"display_name"_s, where, false);
        Result<QString> hash = text(json, u"password_hash"_s, where);
        for (const Result<QString> *field : {&username, &name, &hash}) {
            if (!*field)
                return field->error();
        }
        if (seen.contains(u"user:"_s + username.value()))
            return invalid(u"%1: username \"%2\" appears twice"_s.arg(where, username.value()));
        seen.insert(u"user:"_s + username.value());
        parsed.users.append(User{username.value(), name.value(), hash.value()});
    }

    Result<QList<QJsonObject>> patients = objects(document, u"patients"_s);
    if (!patients)
        return patients.error();
    for (qsizetype i = 0; i < patients.value().size(); ++i) {
        const QJsonObject &json = patients.value().at(i);
        const QString where = u"patients[%1]"_s.arg(i);
        Result<QString> id = text(json, u"id"_s, where);
        Result<QString> name = text(json, u"display_name"_s, where, false);
        Result<QString> birthDate = text(json, u"birth_date"_s, where, false);
        Result<QString> gender = text(json, u"gender"_s, where, false);
        for (const Result<QString> *field : {&id, &name, &birthDate, &gender}) {
            if (!*field)
                return field->error();
        }
        if (seen.contains(u"patient:"_s + id.value()))
            return invalid(u"%1: id \"%2\" appears twice"_s.arg(where, id.value()));
        seen.insert(u"patient:"_s + id.value());
        parsed.patients.append(Patient{id.value(), name.value(), birthDate.value(), gender.value()});
    }

    Result<QList<QJsonObject>> links = objects(document, u"relationships"_s);
    if (!links)
        return links.error();
    for (qsizetype i = 0; i < links.value().size(); ++i) {
        const QJsonObject &json = links.value().at(i);
        const QString where = u"relationships[%1]"_s.arg(i);
        Result<QString> username = text(json, u"username"_s, where);
        Result<QString> patientId = text(json, u"patient_id"_s, where);
        Result<QString> relationship = text(json, u"relationship"_s, where);
        for (const Result<QString> *field : {&username, &patientId, &relationship}) {
            if (!*field)
                return field->error();
        }
        if (!seen.contains(u"user:"_s + username.value()) || !seen.contains(u"patient:"_s + patientId.value()))
            return invalid(u"%1 links \"%2\" and \"%3\"; both must be in users and patients"_s.arg(
                where, username.value(), patientId.value()));
        if (relationship.value() != u"self"_s && relationship.value() != u"delegate"_s)
            return invalid(u"%1: relationship must be \"self\" or \"delegate\""_s.arg(where));
        parsed.links.append(Link{username.value(), patientId.value(), relationship.value()});
    }

    Result<QList<QJsonObject>> faults = objects(document, u"faults"_s);
    if (!faults)
        return faults.error();
    for (qsizetype i = 0; i < faults.value().size(); ++i) {
        Result<Faults::FaultRule> rule = Faults::FaultRule::fromJson(faults.value().at(i));
        if (!rule)
            return invalid(u"faults[%1]: %2"_s.arg(i).arg(rule.error().description));
        parsed.faults.append(rule.value());
    }

    if (!document.value(u"discovery"_s).isObject())
        return invalid(u"discovery must be an object, as GET /admin/discovery shows it"_s);
    Result<DiscoveryProfile> discovery = DiscoveryProfile::fromJson(document.value(u"discovery"_s).toObject());
    if (!discovery)
        return invalid(u"discovery: %1"_s.arg(discovery.error().description));
    parsed.discovery = discovery.value();

    Result<QList<QJsonObject>> scenarios = objects(document, u"scenarios"_s);
    if (!scenarios)
        return scenarios.error();
    for (qsizetype i = 0; i < scenarios.value().size(); ++i) {
        Result<Scenario> scenario = Scenario::fromJson(scenarios.value().at(i));
        if (!scenario)
            return invalid(u"scenarios[%1]: %2"_s.arg(i).arg(scenario.error().description));
        if (seen.contains(u"scenario:"_s + scenario.value().name))
            return invalid(u"scenarios[%1]: name \"%2\" appears twice"_s.arg(i).arg(scenario.value().name));
        seen.insert(u"scenario:"_s + scenario.value().name);
        parsed.scenarios.append(scenario.value());
    }
    return parsed;
}

} // namespace

namespace Configuration {

Result<QJsonObject> exportJson(const Sandbox &sandbox)
{
    QJsonArray clients;
    Result<QList<Client>> allClients = sandbox.clients().clients();
    if (!allClients)
        return allClients.error();
    for (const Client &client : allClients.value()) {
        clients.append(QJsonObject{{u"client_id"_s, client.id},
                                   {u"client_secret"_s, nullable(client.secret)},
                                   {u"registration_access_token"_s, nullable(client.registrationAccessToken)},
                                   {u"origin"_s, client.origin},
                                   {u"issued_at_ms"_s, client.issuedAtMs},
                                   {u"metadata"_s, client.registrationJson()}});
    }
    QJsonArray users;
    QJsonArray relationships;
    Result<QList<User>> allUsers = sandbox.people().users();
    if (!allUsers)
        return allUsers.error();
    for (const User &user : allUsers.value()) {
        users.append(QJsonObject{{u"username"_s, user.username},
                                 {u"display_name"_s, user.displayName},
                                 {u"password_hash"_s, user.passwordHash}});
        Result<QList<UserPatient>> links = sandbox.people().patientsOf(user.username);
        if (!links)
            return links.error();
        for (const UserPatient &link : links.value()) {
            relationships.append(QJsonObject{{u"username"_s, user.username},
                                             {u"patient_id"_s, link.patient.id},
                                             {u"relationship"_s, link.relationship}});
        }
    }
    QJsonArray patients;
    Result<QList<Patient>> allPatients = sandbox.people().patients();
    if (!allPatients)
        return allPatients.error();
    for (const Patient &patient : allPatients.value()) {
        patients.append(QJsonObject{{u"id"_s, patient.id},
                                    {u"display_name"_s, patient.displayName},
                                    {u"birth_date"_s, patient.birthDate},
                                    {u"gender"_s, patient.gender}});
    }
    QJsonArray faults;
    Result<QList<Faults::FaultRule>> rules = sandbox.faults().list();
    if (!rules)
        return rules.error();
    for (const Faults::FaultRule &rule : rules.value())
        faults.append(rule.toRequestJson());
    Result<DiscoveryProfile> discovery = sandbox.discoveryProfile();
    if (!discovery)
        return discovery.error();
    QJsonArray scenarios;
    Result<QList<Scenario>> saved = sandbox.scenarios().list();
    if (!saved)
        return saved.error();
    for (const Scenario &scenario : saved.value())
        scenarios.append(scenario.toJson());
    return QJsonObject{{u"format"_s, QLatin1String(s_format)},
                       {u"version"_s, s_version},
                       {u"clients"_s, clients},
                       {u"users"_s, users},
                       {u"patients"_s, patients},
                       {u"relationships"_s, relationships},
                       {u"faults"_s, faults},
                       {u"discovery"_s, discovery.value().toJson()},
                       {u"scenarios"_s, scenarios}};
}

Status importJson(Sandbox &sandbox, const QJsonObject &document)
{
    Result<Parsed> parsed = parse(document);
    if (!parsed)
        return parsed.error();
    const Parsed &config = parsed.value();
    const Database &database = sandbox.database();
    const qint64 now = sandbox.clock().nowMs();
    return database.transaction([&]() -> Status {
        if (Status cleared = Fixtures::clearPortal(database); !cleared)
            return cleared;
        const ClientStore clientStore(database);
        for (const Client &client : config.clients) {
            if (Status stored = clientStore.insert(client); !stored)
                return stored;
        }
        const PeopleStore people(database);
        for (const User &user : config.users) {
            if (Status stored = people.insertUser(user); !stored)
                return stored;
        }
        for (const Patient &patient : config.patients) {
            if (Status stored = people.insertPatient(patient); !stored)
                return stored;
        }
        for (qsizetype i = 0; i < config.links.size(); ++i) {
            const Link &link = config.links.at(i);
            if (Status stored = people.link(link.username, link.patientId, link.relationship, int(i)); !stored)
                return stored;
        }
        const FaultStore faultStore(database);
        for (Faults::FaultRule rule : config.faults) {
            rule.createdAtMs = now;
            if (Result<Faults::FaultRule> stored = faultStore.insert(rule); !stored)
                return stored.error();
        }
        if (Status stored = SettingsStore(database).setValue(QString::fromLatin1(DiscoveryProfile::s_settingKey),
                                                             JsonText::fromObject(config.discovery.toJson()));
            !stored)
            return stored;
        return sandbox.scenarios().replaceAll(config.scenarios);
    });
}

Result<QJsonObject> exportToFile(const Sandbox &sandbox, const QString &path)
{
    Result<QJsonObject> exported = exportJson(sandbox);
    if (!exported)
        return exported.error();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(QJsonDocument(exported.value()).toJson(QJsonDocument::Indented)) < 0 || !file.commit())
        return badRequest(u"file"_s, u"Cannot write %1: %2"_s.arg(path, file.errorString()));
    return exported;
}

Result<QJsonObject> importFromFile(Sandbox &sandbox, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return badRequest(u"file"_s, u"Cannot read %1: %2"_s.arg(path, file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject())
        return badRequest(u"file"_s,
                          u"%1 is not a JSON object (%2)"_s.arg(path,
                                                                parseError.error == QJsonParseError::NoError
                                                                    ? u"an array or value"_s
                                                                    : parseError.errorString()));
    if (Status imported = sandbox.importConfiguration(document.object()); !imported) {
        Error error = imported.error();
        error.description = u"%1: %2 (nothing was changed)"_s.arg(path, error.description);
        return error;
    }
    return document.object();
}

QString summary(const QJsonObject &document)
{
    QStringList parts;
    for (const QString &key : {u"clients"_s, u"users"_s, u"patients"_s, u"faults"_s, u"scenarios"_s})
        parts.append(u"%1 %2"_s.arg(document.value(key).toArray().size()).arg(key));
    return parts.join(u", "_s);
}

} // namespace Configuration
