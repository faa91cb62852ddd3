// SPDX-License-Identifier: Apache-2.0
#include "samplepeople.h"

#include "sampledirectory.h"

#include <array>
#include <cmath>

using namespace Qt::StringLiterals;
using Terminology::Allergen;
using Terminology::Condition;
using Terminology::SmokingStatus;

namespace {

const std::array<QLatin1String, 32> maleNames = {
    "James"_L1,   "Robert"_L1, "John"_L1,        "Michael"_L1, "William"_L1, "David"_L1,   "Richard"_L1, "Thomas"_L1,
    "Charles"_L1, "Joseph"_L1, "Christopher"_L1, "Daniel"_L1,  "Matthew"_L1, "Anthony"_L1, "Mark"_L1,    "Steven"_L1,
    "Paul"_L1,    "Andrew"_L1, "Joshua"_L1,      "Kenneth"_L1, "Kevin"_L1,   "Brian"_L1,   "George"_L1,  "Edward"_L1,
    "Ronald"_L1,  "Carlos"_L1, "Luis"_L1,        "Samuel"_L1,  "Henry"_L1,   "Walter"_L1,  "Raymond"_L1, "Marcus"_L1,
};

const std::array<QLatin1String, 32> femaleNames = {
    "Mary"_L1,    "Patricia"_L1, "Jennifer"_L1, "Linda"_L1, "Elizabeth"_L1, "Barbara"_L1,  "Susan"_L1,  "Jessica"_L1,
    "Sarah"_L1,   "Karen"_L1,    "Lisa"_L1,     "Nancy"_L1, "Betty"_L1,     "Margaret"_L1, "Sandra"_L1, "Ashley"_L1,
    "Dorothy"_L1, "Kimberly"_L1, "Emily"_L1,    "Donna"_L1, "Michelle"_L1,  "Carol"_L1,    "Amanda"_L1, "Melissa"_L1,
    "Deborah"_L1, "Maria"_L1,    "Rosa"_L1,     "Grace"_L1, "Evelyn"_L1,    "Ruth"_L1,     "Helen"_L1,  "Angela"_L1,
};

const std::array<QLatin1String, 48> familyNames = {
    "Smith"_L1,  "Johnson"_L1,   "Williams"_L1, "Brown"_L1,     "Jones"_L1,   "Garcia"_L1,   "Miller"_L1,
    "Davis"_L1,  "Rodriguez"_L1, "Martinez"_L1, "Hernandez"_L1, "Lopez"_L1,   "Wilson"_L1,   "Anderson"_L1,
    "Taylor"_L1, "Moore"_L1,     "Jackson"_L1,  "Martin"_L1,    "Lee"_L1,     "Thompson"_L1, "White"_L1,
    "Harris"_L1, "Clark"_L1,     "Lewis"_L1,    "Robinson"_L1,  "Walker"_L1,  "Young"_L1,    "Allen"_L1,
    "King"_L1,   "Wright"_L1,    "Scott"_L1,    "Torres"_L1,    "Hill"_L1,    "Green"_L1,    "Baker"_L1,
    "Nelson"_L1, "Carter"_L1,    "Mitchell"_L1, "Roberts"_L1,   "Turner"_L1,  "Phillips"_L1, "Campbell"_L1,
    "Parker"_L1, "Evans"_L1,     "Edwards"_L1,  "Collins"_L1,   "Stewart"_L1, "Morris"_L1,
};

const std::array<QLatin1String, 16> streets = {
    "Maple Street"_L1,      "Oak Avenue"_L1,    "Cedar Lane"_L1,     "Elm Street"_L1,
    "Walnut Drive"_L1,      "Pine Road"_L1,     "Park Avenue"_L1,    "Lincoln Street"_L1,
    "Washington Avenue"_L1, "Hickory Court"_L1, "Meadow Lane"_L1,    "Sunset Boulevard"_L1,
    "Willow Way"_L1,        "Ridge Road"_L1,    "Lakeview Drive"_L1, "Highland Avenue"_L1,
};

// Allergies by how often they are recorded; penicillin and pollen most.
const std::array<Allergen, 12> allergenPool = {
    Allergen::Penicillin, Allergen::Penicillin, Allergen::GrassPollen,  Allergen::GrassPollen,
    Allergen::DustMite,   Allergen::TreePollen, Allergen::AnimalDander, Allergen::Shellfish,
    Allergen::Peanut,     Allergen::Latex,      Allergen::BeeVenom,     Allergen::Aspirin,
};

double rounded(double value, int decimals)
{
    const double scale = decimals == 2 ? 100.0 : decimals == 1 ? 10.0 : 1.0;
    return std::round(value * scale) / scale;
}

QString phoneNumber(int region, int lastTwo)
{
    return u"(%1) 555-01%2"_s.arg(SampleDirectory::areaCode(region)).arg(lastTwo, 2, 10, QLatin1Char('0'));
}

QList<SamplePerson> fixturePeople()
{
    SamplePerson daniel;
    daniel.id = u"smart-1288992"_s;
    daniel.mrn = u"1288992"_s;
    daniel.given = u"Daniel"_s;
    daniel.family = u"Adams"_s;
    daniel.gender = u"male"_s;
    daniel.birthDate = QDate(1925, 12, 23);
    daniel.line = u"1418 East 21st Street"_s;
    daniel.city = u"Tulsa"_s;
    daniel.state = u"OK"_s;
    daniel.postalCode = u"74114"_s;
    daniel.phone = phoneNumber(0, 47);
    daniel.email = u"daniel.adams@example.com"_s;
    daniel.region = 0;
    daniel.doctor = 0;
    daniel.smoking = SmokingStatus::ExSmoker;
    daniel.conditions = {Condition::EssentialHypertension, Condition::Hyperlipidemia, Condition::Type2Diabetes,
                         Condition::Osteoarthritis, Condition::ChronicKidneyDisease};
    daniel.allergies = {Allergen::Penicillin};
    daniel.heightCm = 175.3;
    daniel.weightKg = 81.6;

    SamplePerson amy;
    amy.id = u"smart-1032702"_s;
    amy.mrn = u"1032702"_s;
    amy.given = u"Amy"_s;
    amy.family = u"Shaw"_s;
    amy.gender = u"female"_s;
    amy.birthDate = QDate(1987, 2, 20);
    amy.line = u"907 West Houston Street"_s;
    amy.city = u"Broken Arrow"_s;
    amy.state = u"OK"_s;
    amy.postalCode = u"74012"_s;
    amy.phone = phoneNumber(0, 63);
    amy.email = u"amy.shaw@example.com"_s;
    amy.region = 0;
    amy.doctor = 1;
    amy.smoking = SmokingStatus::NeverSmoker;
    amy.conditions = {Condition::Asthma, Condition::Migraine};
    amy.allergies = {Allergen::Peanut, Allergen::GrassPollen};
    amy.heightCm = 165.1;
    amy.weightKg = 61.2;

    SamplePerson joseph;
    joseph.id = u"smart-1081332"_s;
    joseph.mrn = u"1081332"_s;
    joseph.given = u"Joseph"_s;
    joseph.family = u"Ross"_s;
    joseph.gender = u"male"_s;
    joseph.birthDate = QDate(1932, 4, 15);
    joseph.line = u"2716 NW 46th Street"_s;
    joseph.city = u"Oklahoma City"_s;
    joseph.state = u"OK"_s;
    joseph.postalCode = u"73112"_s;
    joseph.phone = phoneNumber(1, 29);
    joseph.email = u"joseph.ross@example.com"_s;
    joseph.region = 1;
    joseph.doctor = 0;
    joseph.smoking = SmokingStatus::ExSmoker;
    joseph.conditions = {Condition::Copd, Condition::AtrialFibrillation, Condition::EssentialHypertension,
                         Condition::CoronaryArteriosclerosis};
    joseph.heightCm = 172.7;
    joseph.weightKg = 77.1;

    return {daniel, amy, joseph};
}

// The chronic conditions someone of this age, sex and habit is diagnosed with, by rough US
// prevalence. Only plausibility matters here, not epidemiology.
QList<Condition> drawConditions(SampleRandom &random, const SamplePerson &person, int age)
{
    const bool smoked = person.smoking != SmokingStatus::NeverSmoker;
    QList<Condition> conditions;
    const auto maybe = [&](Condition condition, double probability) {
        if (random.chance(probability))
            conditions.append(condition);
    };
    maybe(Condition::EssentialHypertension, age >= 60 ? 0.55 : age >= 40 ? 0.3 : 0.08);
    maybe(Condition::Hyperlipidemia, age >= 50 ? 0.4 : age >= 35 ? 0.2 : 0.05);
    maybe(Condition::Type2Diabetes, age >= 50 ? 0.2 : age >= 35 ? 0.1 : 0.03);
    if (!conditions.contains(Condition::Type2Diabetes) && age >= 35)
        maybe(Condition::Prediabetes, 0.15);
    if (age >= 60)
        maybe(Condition::CoronaryArteriosclerosis, smoked ? 0.3 : 0.12);
    if (age >= 65)
        maybe(Condition::AtrialFibrillation, 0.1);
    maybe(Condition::Asthma, 0.08);
    if (smoked && age >= 50)
        maybe(Condition::Copd, 0.25);
    maybe(Condition::Osteoarthritis, age >= 55 ? 0.35 : age >= 40 ? 0.1 : 0.0);
    maybe(Condition::Migraine, person.gender == u"female"_s && age < 60 ? 0.15 : 0.04);
    maybe(Condition::Gerd, 0.1);
    if (age >= 65) {
        const bool atRisk
            = conditions.contains(Condition::Type2Diabetes) || conditions.contains(Condition::EssentialHypertension);
        maybe(Condition::ChronicKidneyDisease, atRisk ? 0.22 : 0.08);
    }
    maybe(Condition::AnxietyDisorder, 0.1);
    return conditions;
}

SamplePerson madeUpPerson(SampleRandom random, int number, QDate referenceDate)
{
    SamplePerson person;
    person.id = u"smart-sample-%1"_s.arg(number, 3, 10, QLatin1Char('0'));
    person.mrn = QString::number(3100000 + number * 37);
    const bool female = random.chance(0.5);
    person.gender = female ? u"female"_s : u"male"_s;
    person.given = QString(female ? random.pick(femaleNames) : random.pick(maleNames));
    person.family = QString(random.pick(familyNames));
    const int age = random.between(21, 92);
    person.birthDate = referenceDate.addYears(-age).addDays(-random.between(1, 364));

    person.region = random.between(0, SampleDirectory::regionCount() - 1);
    person.doctor = random.between(0, 1);
    const SampleDirectory::City city = random.pick(SampleDirectory::cities(person.region));
    person.line = u"%1 %2"_s.arg(random.between(100, 9899)).arg(random.pick(streets));
    person.city = QString(city.name);
    person.state = QString(city.state);
    person.postalCode = QString(city.postalCode);
    person.phone = phoneNumber(person.region, random.between(0, 99));
    person.email = u"%1.%2%3@example.com"_s.arg(person.given.toLower(), person.family.toLower()).arg(number);

    const double smoking = random.uniform();
    person.smoking = smoking < 0.55          ? SmokingStatus::NeverSmoker
        : smoking < (age < 35 ? 0.75 : 0.85) ? SmokingStatus::ExSmoker
                                             : SmokingStatus::SmokesDaily;

    person.heightCm = rounded(female ? random.normal(163, 6.5) : random.normal(176, 7), 1);
    const double bodyMassIndex = random.normal(27.5, 4.0);
    const double heightM = person.heightCm / 100.0;
    person.weightKg = rounded(bodyMassIndex * heightM * heightM, 1);

    person.conditions = drawConditions(random, person, age);
    if (bodyMassIndex >= 30)
        person.conditions.append(Condition::Obesity);

    if (random.chance(0.65)) {
        const int count = random.chance(0.3) ? 2 : 1;
        while (person.allergies.size() < count) {
            const Allergen allergen = random.pick(allergenPool);
            if (!person.allergies.contains(allergen))
                person.allergies.append(allergen);
        }
    }
    return person;
}

} // namespace

int SamplePerson::ageAt(QDate date) const
{
    int age = date.year() - birthDate.year();
    if (date.month() < birthDate.month() || (date.month() == birthDate.month() && date.day() < birthDate.day()))
        --age;
    return age;
}

namespace SamplePeople {

QList<SamplePerson> people(quint32 seed, int extraPatients, QDate referenceDate)
{
    QList<SamplePerson> list = fixturePeople();
    const SampleRandom root(seed);
    for (int number = 1; number <= extraPatients; ++number)
        list.append(madeUpPerson(root.fork(u"person %1"_s.arg(number)), number, referenceDate));
    return list;
}

} // namespace SamplePeople
