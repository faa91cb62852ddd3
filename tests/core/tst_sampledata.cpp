// SPDX-License-Identifier: Apache-2.0
// The FHIR sample records as the store and the apps meet them: the same options give the same
// bytes, the fixture patients are who the portal says they are, every reference resolves, every
// resource carries the security labels the scopes are checked against, and nothing is dated
// after the reference date or before the patient was born. Validation against the FHIR R4
// specification itself is the core/sampledata_valid test (tests/fhir-validation).

#include "fhir/sampledata.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;

namespace {

const QStringList patientTypes{
    u"Patient"_s,           u"Encounter"_s,          u"Condition"_s,    u"Observation"_s,
    u"MedicationRequest"_s, u"AllergyIntolerance"_s, u"Immunization"_s, u"Procedure"_s,
    u"DiagnosticReport"_s,  u"DocumentReference"_s,  u"Coverage"_s,     u"ExplanationOfBenefit"_s,
};
const QStringList sharedTypes{u"Organization"_s, u"Practitioner"_s, u"Medication"_s};
const QStringList fixtureIds{u"smart-1288992"_s, u"smart-1032702"_s, u"smart-1081332"_s};

QByteArray serialized(const QList<QJsonObject> &resources)
{
    QByteArray bytes;
    for (const QJsonObject &resource : resources)
        bytes += QJsonDocument(resource).toJson(QJsonDocument::Compact) + '\n';
    return bytes;
}

QString key(const QJsonObject &resource)
{
    return resource.value(u"resourceType"_s).toString() + u'/' + resource.value(u"id"_s).toString();
}

void walk(const QJsonValue &value, const std::function<void(const QJsonValue &)> &visit)
{
    visit(value);
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            walk(it.value(), visit);
    } else if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            walk(item, visit);
    }
}

QJsonArray security(const QJsonObject &resource)
{
    return resource.value(u"meta"_s).toObject().value(u"security"_s).toArray();
}

QString label(const QJsonObject &resource, const QString &system)
{
    for (const QJsonValue &label : security(resource)) {
        if (label[u"system"_s].toString() == system)
            return label[u"code"_s].toString();
    }
    return {};
}

// "smart-1288992" for a resource labelled Patient/smart-1288992; empty for shared resources.
QString owner(const QJsonObject &resource)
{
    return label(resource, SampleData::usersLabelSystem()).mid(8);
}

QString category(const QJsonObject &resource)
{
    return label(resource, SampleData::categoriesLabelSystem());
}

QString observationCategory(const QJsonObject &observation)
{
    return observation[u"category"_s][0][u"coding"_s][0][u"code"_s].toString();
}

QString codeOf(const QJsonObject &resource)
{
    return resource[u"code"_s][u"coding"_s][0][u"code"_s].toString();
}

QString expectedCategory(const QJsonObject &resource)
{
    static const QHash<QString, QString> byType{
        {u"Patient"_s, u"patient"_s},
        {u"Encounter"_s, u"patient"_s},
        {u"DocumentReference"_s, u"patient"_s},
        {u"MedicationRequest"_s, u"medications"_s},
        {u"AllergyIntolerance"_s, u"allergy"_s},
        {u"Immunization"_s, u"immunizations"_s},
        {u"Condition"_s, u"problems"_s},
        {u"Procedure"_s, u"procedures"_s},
        {u"DiagnosticReport"_s, u"laboratory"_s},
        {u"Coverage"_s, u"coverage"_s},
        {u"ExplanationOfBenefit"_s, u"explanation-of-benefit"_s},
    };
    const QString type = resource[u"resourceType"_s].toString();
    if (type != u"Observation"_s)
        return byType.value(type);
    const QString observation = observationCategory(resource);
    return observation == u"social-history"_s ? u"smoking"_s : observation;
}

// The patient a resource is about, from its own fields (not from its labels).
QString subjectOf(const QJsonObject &resource)
{
    if (resource[u"resourceType"_s].toString() == u"Patient"_s)
        return resource[u"id"_s].toString();
    for (const QString &field : {u"subject"_s, u"patient"_s, u"beneficiary"_s}) {
        const QString reference = resource[field][u"reference"_s].toString();
        if (reference.startsWith(u"Patient/"_s))
            return reference.mid(8);
    }
    return {};
}

void addOptionRows()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("extraPatients");
    QTest::addColumn<QDate>("referenceDate");
    const SampleData::Options defaults;
    QTest::newRow("default") << defaults.seed << defaults.extraPatients << defaults.referenceDate;
    QTest::newRow("other seed") << 7u << 25 << defaults.referenceDate;
    QTest::newRow("fixture patients only") << defaults.seed << 0 << defaults.referenceDate;
    QTest::newRow("a hundred extra patients") << 99u << 100 << defaults.referenceDate;
    QTest::newRow("earlier reference date") << defaults.seed << 10 << QDate(2019, 6, 30);
}

// Generated once per set of options: the data-driven checks share the records of a row.
const QList<QJsonObject> &generated(const SampleData::Options &options)
{
    static QHash<QString, QList<QJsonObject>> cache;
    const QString key
        = u"%1 %2 %3"_s.arg(options.seed).arg(options.extraPatients).arg(options.referenceDate.toString(Qt::ISODate));
    if (!cache.contains(key))
        cache.insert(key, SampleData::generate(options));
    return cache[key];
}

SampleData::Options rowOptions()
{
    QFETCH(quint32, seed);
    QFETCH(int, extraPatients);
    QFETCH(QDate, referenceDate);
    SampleData::Options options;
    options.seed = seed;
    options.extraPatients = extraPatients;
    options.referenceDate = referenceDate;
    return options;
}

} // namespace

class TestSampleData final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameOptionsSameBytes();
    void otherSeedOtherRecordsSameFixturePatients();
    void fixtureHistoriesIgnoreExtraPatients();
    void danielAdams();
    void danielAdamsHistory();
    void sizeAndSpeed();
    void idsAreValidAndUnique_data() { addOptionRows(); }
    void idsAreValidAndUnique();
    void referencesResolve_data() { addOptionRows(); }
    void referencesResolve();
    void securityLabels_data() { addOptionRows(); }
    void securityLabels();
    void everyTypeForEveryPatient_data() { addOptionRows(); }
    void everyTypeForEveryPatient();
    void datesWithinLife_data() { addOptionRows(); }
    void datesWithinLife();
    void observationShapes_data() { addOptionRows(); }
    void observationShapes();
    void patientsMatchResources_data() { addOptionRows(); }
    void patientsMatchResources();
    void providersHaveValidNpis();
};

void TestSampleData::sameOptionsSameBytes()
{
    const QByteArray first = serialized(SampleData::generate());
    QCOMPARE(serialized(SampleData::generate()), first);
}

void TestSampleData::otherSeedOtherRecordsSameFixturePatients()
{
    SampleData::Options other;
    other.seed = 4242;
    const QList<QJsonObject> &base = generated({});
    const QList<QJsonObject> changed = SampleData::generate(other);
    QVERIFY(serialized(base) != serialized(changed));

    QHash<QString, QJsonObject> patients;
    for (const QJsonObject &resource : base) {
        if (resource[u"resourceType"_s] == u"Patient"_s)
            patients.insert(resource[u"id"_s].toString(), resource);
    }
    int found = 0;
    for (const QJsonObject &resource : changed) {
        const QString id = resource[u"id"_s].toString();
        if (resource[u"resourceType"_s] != u"Patient"_s || !fixtureIds.contains(id))
            continue;
        ++found;
        QCOMPARE(resource, patients.value(id)); // demographics do not depend on the seed
    }
    QCOMPARE(found, 3);
    const QList<SampleData::PatientSummary> first = SampleData::patients();
    const QList<SampleData::PatientSummary> second = SampleData::patients(other);
    for (int index = 0; index < 3; ++index) {
        QCOMPARE(second.at(index).id, first.at(index).id);
        QCOMPARE(second.at(index).displayName, first.at(index).displayName);
    }
    QVERIFY(second.at(3).displayName != first.at(3).displayName || second.at(4).displayName != first.at(4).displayName);
}

void TestSampleData::fixtureHistoriesIgnoreExtraPatients()
{
    SampleData::Options none;
    none.extraPatients = 0;
    const QList<QJsonObject> small = SampleData::generate(none);
    const QList<QJsonObject> &large = generated({});
    QCOMPARE(large.mid(0, small.size()), small);
}

void TestSampleData::danielAdams()
{
    const QList<QJsonObject> &resources = generated({});
    const auto patient = std::find_if(resources.cbegin(), resources.cend(), [](const QJsonObject &resource) {
        return key(resource) == u"Patient/smart-1288992"_s;
    });
    QVERIFY(patient != resources.cend());
    const QJsonObject daniel = *patient;
    QCOMPARE(daniel[u"name"_s][0][u"family"_s].toString(), u"Adams"_s);
    QCOMPARE(daniel[u"name"_s][0][u"given"_s][0].toString(), u"Daniel"_s);
    QCOMPARE(daniel[u"gender"_s].toString(), u"male"_s);
    QCOMPARE(daniel[u"birthDate"_s].toString(), u"1925-12-23"_s);
    QCOMPARE(daniel[u"address"_s][0][u"city"_s].toString(), u"Tulsa"_s);
    QCOMPARE(daniel[u"address"_s][0][u"state"_s].toString(), u"OK"_s);
    QVERIFY(!daniel[u"address"_s][0][u"postalCode"_s].toString().isEmpty());
    QVERIFY(!daniel[u"telecom"_s][0][u"value"_s].toString().isEmpty());
    const QJsonObject mrn = daniel[u"identifier"_s][0].toObject();
    QCOMPARE(mrn[u"value"_s].toString(), u"1288992"_s);
    QCOMPARE(mrn[u"type"_s][u"coding"_s][0][u"system"_s].toString(),
             u"http://terminology.hl7.org/CodeSystem/v2-0203"_s);
    QCOMPARE(mrn[u"type"_s][u"coding"_s][0][u"code"_s].toString(), u"MR"_s);

    const QList<SampleData::PatientSummary> summaries = SampleData::patients();
    const QList<QStringList> fixtures{{u"smart-1288992"_s, u"Daniel Adams"_s, u"1925-12-23"_s, u"male"_s},
                                      {u"smart-1032702"_s, u"Amy Shaw"_s, u"1987-02-20"_s, u"female"_s},
                                      {u"smart-1081332"_s, u"Joseph Ross"_s, u"1932-04-15"_s, u"male"_s}};
    for (qsizetype index = 0; index < fixtures.size(); ++index) {
        const SampleData::PatientSummary &summary = summaries.at(index);
        QCOMPARE((QStringList{summary.id, summary.displayName, summary.birthDate, summary.gender}), fixtures.at(index));
    }
}

void TestSampleData::danielAdamsHistory()
{
    for (const quint32 seed : {1288992u, 1u, 77u}) {
        SampleData::Options options;
        options.seed = seed;
        options.extraPatients = 0; // the fixture patients' histories do not depend on it
        QHash<QString, int> counts;
        int total = 0;
        for (const QJsonObject &resource : generated(options)) {
            if (owner(resource) != u"smart-1288992"_s)
                continue;
            ++total;
            const QString type = resource[u"resourceType"_s].toString();
            ++counts[type];
            if (type == u"Observation"_s)
                ++counts[observationCategory(resource)];
        }
        QVERIFY2(total >= 40, qPrintable(u"seed %1: %2 resources"_s.arg(seed).arg(total)));
        QVERIFY2(counts.value(u"vital-signs"_s) >= 5, qPrintable(QString::number(seed)));
        QVERIFY2(counts.value(u"laboratory"_s) >= 3, qPrintable(QString::number(seed)));
        QVERIFY2(counts.value(u"social-history"_s) >= 1, qPrintable(QString::number(seed)));
        for (const QString &type : patientTypes)
            QVERIFY2(counts.value(type) >= 1, qPrintable(u"seed %1: no %2"_s.arg(seed).arg(type)));
    }
}

void TestSampleData::sizeAndSpeed()
{
    QElapsedTimer timer;
    timer.start();
    const QList<QJsonObject> resources = SampleData::generate();
    const qint64 elapsed = timer.elapsed();
    qInfo("%lld resources in %lld ms", qint64(resources.size()), elapsed);
    QVERIFY2(resources.size() >= 1000 && resources.size() <= 3000, qPrintable(QString::number(resources.size())));
    // Well under a second in a release or debug build (about one with sanitizers on a busy
    // machine); the bound catches a blow-up without failing on a loaded CI machine.
    QVERIFY2(elapsed < 10000, qPrintable(QString::number(elapsed)));
}

void TestSampleData::idsAreValidAndUnique()
{
    static const QRegularExpression idPattern(u"^[A-Za-z0-9\\-\\.]{1,64}$"_s);
    QSet<QString> seen;
    for (const QJsonObject &resource : generated(rowOptions())) {
        const QString type = resource[u"resourceType"_s].toString();
        QVERIFY2(patientTypes.contains(type) || sharedTypes.contains(type), qPrintable(type));
        QVERIFY2(idPattern.match(resource[u"id"_s].toString()).hasMatch(), qPrintable(key(resource)));
        QVERIFY2(!seen.contains(key(resource)), qPrintable(key(resource)));
        seen.insert(key(resource));
        QVERIFY2(!resource[u"meta"_s].toObject().contains(u"versionId"_s), qPrintable(key(resource)));
        QVERIFY2(!resource[u"meta"_s].toObject().contains(u"lastUpdated"_s), qPrintable(key(resource)));
    }
}

void TestSampleData::referencesResolve()
{
    const QList<QJsonObject> resources = generated(rowOptions());
    QHash<QString, QString> owners; // Type/id -> patient id ("" for shared)
    for (const QJsonObject &resource : resources)
        owners.insert(key(resource), owner(resource));
    int references = 0;
    for (const QJsonObject &resource : resources) {
        const QString from = owner(resource);
        walk(resource, [&](const QJsonValue &value) {
            if (!value.isObject() || !value.toObject().contains(u"reference"_s))
                return;
            const QString target = value[u"reference"_s].toString();
            ++references;
            QVERIFY2(owners.contains(target), qPrintable(key(resource) + u" -> "_s + target));
            // A patient's resources point only at that patient's resources or shared ones.
            const QString targetOwner = owners.value(target);
            QVERIFY2(targetOwner.isEmpty() || targetOwner == from, qPrintable(key(resource) + u" -> "_s + target));
        });
    }
    QVERIFY(references > resources.size());
}

void TestSampleData::securityLabels()
{
    for (const QJsonObject &resource : generated(rowOptions())) {
        const QString type = resource[u"resourceType"_s].toString();
        if (sharedTypes.contains(type)) {
            QVERIFY2(!resource.contains(u"meta"_s), qPrintable(key(resource)));
            continue;
        }
        const QJsonArray labels = security(resource);
        QCOMPARE(labels.size(), 2);
        QVERIFY2(!owner(resource).isEmpty(), qPrintable(key(resource)));
        QCOMPARE(owner(resource), subjectOf(resource));
        QCOMPARE(category(resource), expectedCategory(resource));
    }
}

void TestSampleData::everyTypeForEveryPatient()
{
    const SampleData::Options options = rowOptions();
    QHash<QString, QSet<QString>> kinds; // patient -> types and observation categories
    for (const QJsonObject &resource : generated(options)) {
        const QString patient = owner(resource);
        if (patient.isEmpty())
            continue;
        kinds[patient].insert(resource[u"resourceType"_s].toString());
        if (resource[u"resourceType"_s] == u"Observation"_s)
            kinds[patient].insert(category(resource));
    }
    QCOMPARE(kinds.size(), 3 + options.extraPatients);
    for (auto it = kinds.cbegin(); it != kinds.cend(); ++it) {
        for (const QString &kind : patientTypes + QStringList{u"vital-signs"_s, u"laboratory"_s, u"smoking"_s})
            QVERIFY2(it.value().contains(kind), qPrintable(it.key() + u" has no "_s + kind));
    }
}

void TestSampleData::datesWithinLife()
{
    const SampleData::Options options = rowOptions();
    static const QRegularExpression datePattern(u"^(\\d{4}-\\d{2}-\\d{2})(T.*)?$"_s);
    static const QRegularExpression timePattern(u"^T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$"_s);
    QHash<QString, QDate> births;
    int dates = 0;
    for (const QJsonObject &resource : generated(options)) {
        if (resource[u"resourceType"_s] == u"Patient"_s)
            births.insert(resource[u"id"_s].toString(),
                          QDate::fromString(resource[u"birthDate"_s].toString(), Qt::ISODate));
        const QDate birth = births.value(owner(resource));
        walk(resource, [&](const QJsonValue &value) {
            const QRegularExpressionMatch match = datePattern.match(value.toString());
            if (!value.isString() || !match.hasMatch())
                return;
            ++dates;
            const QDate date = QDate::fromString(match.captured(1), Qt::ISODate);
            QVERIFY2(date.isValid(), qPrintable(key(resource) + u": "_s + value.toString()));
            QVERIFY2(date <= options.referenceDate, qPrintable(key(resource) + u": "_s + value.toString()));
            QVERIFY2(!birth.isValid() || date >= birth, qPrintable(key(resource) + u": "_s + value.toString()));
            if (match.hasCaptured(2))
                QVERIFY2(timePattern.match(match.captured(2)).hasMatch(), qPrintable(value.toString()));
        });
    }
    QVERIFY(dates > 100);
}

void TestSampleData::observationShapes()
{
    static const QSet<QString> vitalCodes{u"8302-2"_s, u"29463-7"_s, u"39156-5"_s, u"8867-4"_s,
                                          u"9279-1"_s, u"8310-5"_s,  u"85354-9"_s};
    QSet<QString> laboratory;
    QList<QJsonObject> reports;
    for (const QJsonObject &resource : generated(rowOptions())) {
        if (resource[u"resourceType"_s] == u"DiagnosticReport"_s)
            reports.append(resource);
        if (resource[u"resourceType"_s] != u"Observation"_s)
            continue;
        const QString what = observationCategory(resource);
        QCOMPARE(resource[u"status"_s].toString(), u"final"_s);
        QCOMPARE(resource[u"code"_s][u"coding"_s][0][u"system"_s].toString(), u"http://loinc.org"_s);
        if (what == u"vital-signs"_s) {
            QVERIFY2(vitalCodes.contains(codeOf(resource)), qPrintable(key(resource)));
            if (codeOf(resource) == u"85354-9"_s) {
                const QJsonArray components = resource[u"component"_s].toArray();
                QCOMPARE(components.size(), 2);
                QCOMPARE(components[0][u"code"_s][u"coding"_s][0][u"code"_s].toString(), u"8480-6"_s);
                QCOMPARE(components[1][u"code"_s][u"coding"_s][0][u"code"_s].toString(), u"8462-4"_s);
                QCOMPARE(components[0][u"valueQuantity"_s][u"code"_s].toString(), u"mm[Hg]"_s);
                QVERIFY(!resource.contains(u"valueQuantity"_s));
            } else {
                QCOMPARE(resource[u"valueQuantity"_s][u"system"_s].toString(), u"http://unitsofmeasure.org"_s);
                QVERIFY(!resource[u"valueQuantity"_s][u"code"_s].toString().isEmpty());
            }
        } else if (what == u"laboratory"_s) {
            laboratory.insert(key(resource));
            QVERIFY(!resource[u"referenceRange"_s][0].toObject().isEmpty());
            QVERIFY(!resource[u"interpretation"_s][0][u"coding"_s][0][u"code"_s].toString().isEmpty());
        } else {
            QCOMPARE(what, u"social-history"_s);
            QCOMPARE(codeOf(resource), u"72166-2"_s);
            QCOMPARE(resource[u"valueCodeableConcept"_s][u"coding"_s][0][u"system"_s].toString(),
                     u"http://snomed.info/sct"_s);
        }
    }
    for (const QJsonObject &report : std::as_const(reports)) {
        QCOMPARE(report[u"category"_s][0][u"coding"_s][0][u"code"_s].toString(), u"LAB"_s);
        QVERIFY(!report[u"result"_s].toArray().isEmpty());
        for (const QJsonValue &result : report[u"result"_s].toArray())
            QVERIFY2(laboratory.contains(result[u"reference"_s].toString()), qPrintable(key(report)));
    }
}

void TestSampleData::patientsMatchResources()
{
    const SampleData::Options options = rowOptions();
    QList<SampleData::PatientSummary> fromResources;
    for (const QJsonObject &resource : generated(options)) {
        if (resource[u"resourceType"_s] != u"Patient"_s)
            continue;
        const QJsonObject name = resource[u"name"_s][0].toObject();
        fromResources.append({resource[u"id"_s].toString(),
                              name[u"given"_s][0].toString() + u' ' + name[u"family"_s].toString(),
                              resource[u"birthDate"_s].toString(), resource[u"gender"_s].toString()});
    }
    const QList<SampleData::PatientSummary> summaries = SampleData::patients(options);
    QCOMPARE(summaries.size(), 3 + options.extraPatients);
    QCOMPARE(fromResources.size(), summaries.size());
    for (qsizetype index = 0; index < summaries.size(); ++index) {
        QCOMPARE(summaries.at(index).id, fromResources.at(index).id);
        QCOMPARE(summaries.at(index).displayName, fromResources.at(index).displayName);
        QCOMPARE(summaries.at(index).birthDate, fromResources.at(index).birthDate);
        QCOMPARE(summaries.at(index).gender, fromResources.at(index).gender);
    }
    if (options.extraPatients > 0)
        QCOMPARE(summaries.at(3).id, u"smart-sample-001"_s);
}

void TestSampleData::providersHaveValidNpis()
{
    int checked = 0;
    for (const QJsonObject &resource : generated({})) {
        const QString type = resource[u"resourceType"_s].toString();
        if (type != u"Practitioner"_s && type != u"Organization"_s)
            continue;
        const bool payer = resource[u"type"_s][0][u"coding"_s][0][u"code"_s].toString() == u"pay"_s;
        const QJsonObject identifier = resource[u"identifier"_s][0].toObject();
        if (payer) {
            QVERIFY2(identifier.isEmpty(), qPrintable(key(resource))); // health plans have no NPI
            continue;
        }
        QCOMPARE(identifier[u"system"_s].toString(), u"http://hl7.org/fhir/sid/us-npi"_s);
        const QString npi = identifier[u"value"_s].toString();
        QCOMPARE(npi.size(), 10);
        // Luhn over "80840" + the ten digits must come out a multiple of ten.
        const QString digits = u"80840"_s + npi;
        int sum = 0;
        for (qsizetype position = 0; position < digits.size(); ++position) {
            int digit = digits.at(digits.size() - 1 - position).digitValue();
            if (position % 2 == 1)
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            sum += digit;
        }
        QVERIFY2(sum % 10 == 0, qPrintable(key(resource) + u": "_s + npi));
        ++checked;
    }
    QVERIFY(checked >= 10);
}

QTEST_GUILESS_MAIN(TestSampleData)
#include "tst_sampledata.moc"
