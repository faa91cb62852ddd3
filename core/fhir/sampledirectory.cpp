// SPDX-License-Identifier: Apache-2.0
#include "sampledirectory.h"

#include <QJsonArray>

#include <array>

using namespace Qt::StringLiterals;

namespace SampleDirectory {

namespace {

struct Organization
{
    QLatin1String id;
    QLatin1String name;
    QLatin1String line;
    QLatin1String city;
    QLatin1String state;
    QLatin1String postalCode;
    QLatin1String phone;
    int npiBase; // 0 for payers, which have no NPI
};

struct Practitioner
{
    QLatin1String id;
    QLatin1String given;
    QLatin1String family;
    QLatin1String gender;
    int organization; // index into organizations
    int npiBase;
};

// Per region: clinic (2 * region), hospital (2 * region + 1). Then the payers.
const std::array<Organization, 11> organizations = {{
    {"org-green-country-family-medicine"_L1, "Green Country Family Medicine"_L1, "2412 South Utica Avenue"_L1,
     "Tulsa"_L1, "OK"_L1, "74114"_L1, "(918) 555-0110"_L1, 184752301},
    {"org-arkansas-river-medical-center"_L1, "Arkansas River Medical Center"_L1, "8840 South Yale Avenue"_L1,
     "Tulsa"_L1, "OK"_L1, "74137"_L1, "(918) 555-0120"_L1, 184752302},
    {"org-prairie-health-partners"_L1, "Prairie Health Partners"_L1, "3219 NW 63rd Street"_L1, "Oklahoma City"_L1,
     "OK"_L1, "73116"_L1, "(405) 555-0110"_L1, 184752303},
    {"org-north-canadian-regional-hospital"_L1, "North Canadian Regional Hospital"_L1, "5120 West Memorial Road"_L1,
     "Oklahoma City"_L1, "OK"_L1, "73142"_L1, "(405) 555-0120"_L1, 184752304},
    {"org-front-range-primary-care"_L1, "Front Range Primary Care"_L1, "1844 East 17th Avenue"_L1, "Denver"_L1, "CO"_L1,
     "80218"_L1, "(303) 555-0110"_L1, 184752305},
    {"org-platte-valley-hospital"_L1, "Platte Valley Hospital"_L1, "960 West 10th Avenue"_L1, "Denver"_L1, "CO"_L1,
     "80204"_L1, "(303) 555-0120"_L1, 184752306},
    {"org-scioto-family-physicians"_L1, "Scioto Family Physicians"_L1, "1730 East Broad Street"_L1, "Columbus"_L1,
     "OH"_L1, "43203"_L1, "(614) 555-0110"_L1, 184752307},
    {"org-olentangy-general-hospital"_L1, "Olentangy General Hospital"_L1, "4120 Olentangy River Road"_L1,
     "Columbus"_L1, "OH"_L1, "43214"_L1, "(614) 555-0120"_L1, 184752308},
    {"org-medicare"_L1, "Medicare"_L1, {}, {}, {}, {}, {}, 0},
    {"org-heartland-mutual-health"_L1, "Heartland Mutual Health"_L1, {}, {}, {}, {}, {}, 0},
    {"org-summit-blue-health-plan"_L1, "Summit Blue Health Plan"_L1, {}, {}, {}, {}, {}, 0},
}};
constexpr int payerBase = 8;

// Per region: two clinic doctors (3 * region, 3 * region + 1), one emergency physician.
const std::array<Practitioner, 12> practitioners = {{
    {"practitioner-sarah-whitfield"_L1, "Sarah"_L1, "Whitfield"_L1, "female"_L1, 0, 298410001},
    {"practitioner-michael-okafor"_L1, "Michael"_L1, "Okafor"_L1, "male"_L1, 0, 298410002},
    {"practitioner-james-holloway"_L1, "James"_L1, "Holloway"_L1, "male"_L1, 1, 298410003},
    {"practitioner-laura-benson"_L1, "Laura"_L1, "Benson"_L1, "female"_L1, 2, 298410004},
    {"practitioner-david-nguyen"_L1, "David"_L1, "Nguyen"_L1, "male"_L1, 2, 298410005},
    {"practitioner-rachel-moreno"_L1, "Rachel"_L1, "Moreno"_L1, "female"_L1, 3, 298410006},
    {"practitioner-emily-carter"_L1, "Emily"_L1, "Carter"_L1, "female"_L1, 4, 298410007},
    {"practitioner-robert-lindqvist"_L1, "Robert"_L1, "Lindqvist"_L1, "male"_L1, 4, 298410008},
    {"practitioner-thomas-reyes"_L1, "Thomas"_L1, "Reyes"_L1, "male"_L1, 5, 298410009},
    {"practitioner-priya-raman"_L1, "Priya"_L1, "Raman"_L1, "female"_L1, 6, 298410010},
    {"practitioner-kevin-walsh"_L1, "Kevin"_L1, "Walsh"_L1, "male"_L1, 6, 298410011},
    {"practitioner-hannah-becker"_L1, "Hannah"_L1, "Becker"_L1, "female"_L1, 7, 298410012},
}};

const std::array<std::array<City, 6>, 4> regionCities = {{
    {{{"Tulsa"_L1, "OK"_L1, "74105"_L1},
      {"Tulsa"_L1, "OK"_L1, "74112"_L1},
      {"Broken Arrow"_L1, "OK"_L1, "74012"_L1},
      {"Owasso"_L1, "OK"_L1, "74055"_L1},
      {"Jenks"_L1, "OK"_L1, "74037"_L1},
      {"Sand Springs"_L1, "OK"_L1, "74063"_L1}}},
    {{{"Oklahoma City"_L1, "OK"_L1, "73112"_L1},
      {"Oklahoma City"_L1, "OK"_L1, "73118"_L1},
      {"Edmond"_L1, "OK"_L1, "73034"_L1},
      {"Norman"_L1, "OK"_L1, "73069"_L1},
      {"Moore"_L1, "OK"_L1, "73160"_L1},
      {"Yukon"_L1, "OK"_L1, "73099"_L1}}},
    {{{"Denver"_L1, "CO"_L1, "80205"_L1},
      {"Denver"_L1, "CO"_L1, "80210"_L1},
      {"Aurora"_L1, "CO"_L1, "80012"_L1},
      {"Lakewood"_L1, "CO"_L1, "80226"_L1},
      {"Englewood"_L1, "CO"_L1, "80110"_L1},
      {"Arvada"_L1, "CO"_L1, "80002"_L1}}},
    {{{"Columbus"_L1, "OH"_L1, "43201"_L1},
      {"Columbus"_L1, "OH"_L1, "43209"_L1},
      {"Dublin"_L1, "OH"_L1, "43017"_L1},
      {"Westerville"_L1, "OH"_L1, "43081"_L1},
      {"Grove City"_L1, "OH"_L1, "43123"_L1},
      {"Hilliard"_L1, "OH"_L1, "43026"_L1}}},
}};

QJsonArray addressOf(const Organization &organization)
{
    return {QJsonObject{{u"use"_s, u"work"_s},
                        {u"line"_s, QJsonArray{QString(organization.line)}},
                        {u"city"_s, QString(organization.city)},
                        {u"state"_s, QString(organization.state)},
                        {u"postalCode"_s, QString(organization.postalCode)},
                        {u"country"_s, u"US"_s}}};
}

QJsonArray npiIdentifier(int base)
{
    return {QJsonObject{{u"use"_s, u"official"_s},
                        {u"type"_s, Terminology::codeable({Terminology::identifierType("NPI"_L1)})},
                        {u"system"_s, QString(Terminology::npi)},
                        {u"value"_s, npi(base)}}};
}

QJsonObject organizationResource(const Organization &organization)
{
    const bool payer = organization.npiBase == 0;
    QJsonObject resource{{u"resourceType"_s, u"Organization"_s},
                         {u"id"_s, QString(organization.id)},
                         {u"active"_s, true},
                         {u"type"_s, QJsonArray{Terminology::codeable({Terminology::organizationType(payer)})}},
                         {u"name"_s, QString(organization.name)}};
    if (!payer) {
        resource.insert(u"identifier"_s, npiIdentifier(organization.npiBase));
        resource.insert(u"telecom"_s,
                        QJsonArray{QJsonObject{{u"system"_s, u"phone"_s},
                                               {u"value"_s, QString(organization.phone)},
                                               {u"use"_s, u"work"_s}}});
        resource.insert(u"address"_s, addressOf(organization));
    }
    return resource;
}

QJsonObject practitionerResource(const Practitioner &practitioner)
{
    const Organization &organization = organizations.at(std::size_t(practitioner.organization));
    return {{u"resourceType"_s, u"Practitioner"_s},
            {u"id"_s, QString(practitioner.id)},
            {u"identifier"_s, npiIdentifier(practitioner.npiBase)},
            {u"active"_s, true},
            {u"name"_s,
             QJsonArray{QJsonObject{{u"use"_s, u"official"_s},
                                    {u"family"_s, QString(practitioner.family)},
                                    {u"given"_s, QJsonArray{QString(practitioner.given)}},
                                    {u"prefix"_s, QJsonArray{u"Dr."_s}}}}},
            {u"telecom"_s,
             QJsonArray{QJsonObject{
                 {u"system"_s, u"phone"_s}, {u"value"_s, QString(organization.phone)}, {u"use"_s, u"work"_s}}}},
            {u"address"_s, addressOf(organization)},
            {u"gender"_s, QString(practitioner.gender)}};
}

} // namespace

int regionCount()
{
    return int(regionCities.size());
}

QList<City> cities(int region)
{
    const auto &list = regionCities.at(std::size_t(region));
    return QList<City>(list.begin(), list.end());
}

QString areaCode(int region)
{
    static const std::array<QLatin1String, 4> codes = {"918"_L1, "405"_L1, "303"_L1, "614"_L1};
    return QString(codes.at(std::size_t(region)));
}

QString clinicId(int region)
{
    return QString(organizations.at(std::size_t(2 * region)).id);
}

QString hospitalId(int region)
{
    return QString(organizations.at(std::size_t(2 * region + 1)).id);
}

QString clinicPractitionerId(int region, int which)
{
    return QString(practitioners.at(std::size_t(3 * region + which)).id);
}

QString emergencyPractitionerId(int region)
{
    return QString(practitioners.at(std::size_t(3 * region + 2)).id);
}

QString practitionerName(const QString &practitionerId)
{
    for (const Practitioner &practitioner : practitioners) {
        if (practitioner.id == practitionerId)
            return u"Dr. %1 %2"_s.arg(practitioner.given, practitioner.family);
    }
    return {};
}

QString organizationName(const QString &organizationId)
{
    for (const Organization &organization : organizations) {
        if (organization.id == organizationId)
            return QString(organization.name);
    }
    return {};
}

QString medicareId()
{
    return QString(organizations.at(payerBase).id);
}

QString commercialPayerId(int which)
{
    return QString(organizations.at(std::size_t(payerBase + 1 + which)).id);
}

QString medicationId(Terminology::Medication medication)
{
    return u"medication-"_s + QString(Terminology::medication(medication).rxnorm.code);
}

QList<QJsonObject> resources()
{
    QList<QJsonObject> list;
    for (const Organization &organization : organizations)
        list.append(organizationResource(organization));
    for (const Practitioner &practitioner : practitioners)
        list.append(practitionerResource(practitioner));
    for (int index = 0; index < Terminology::medicationCount; ++index) {
        const Terminology::Medication medication = Terminology::medicationAt(index);
        list.append(QJsonObject{{u"resourceType"_s, u"Medication"_s},
                                {u"id"_s, medicationId(medication)},
                                {u"code"_s, Terminology::codeable({Terminology::medication(medication).rxnorm})},
                                {u"status"_s, u"active"_s}});
    }
    return list;
}

QString npi(int nineDigits)
{
    const QString base = u"%1"_s.arg(nineDigits, 9, 10, QLatin1Char('0'));
    int sum = 24; // the doubled and summed digits of the prefix 80840
    for (int position = 0; position < 9; ++position) {
        int digit = base.at(8 - position).digitValue();
        if (position % 2 == 0) { // rightmost digit first: doubled
            digit *= 2;
            if (digit > 9)
                digit -= 9;
        }
        sum += digit;
    }
    return base + QString::number((10 - sum % 10) % 10);
}

} // namespace SampleDirectory
