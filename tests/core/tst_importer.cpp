// SPDX-License-Identifier: Apache-2.0
// FHIR import as a user runs it, on SQLite and PostgreSQL: Synthea-style transaction Bundles whose
// urn:uuid and conditional references become searchable "Type/id" references, collection and
// searchset Bundles, NDJSON whose bad lines are reported by line and cost only themselves, new
// versions on re-import, imported patients in the portal's list, files that cannot be read, and
// an import on a worker thread while the main thread goes on answering.

#include "clock.h"
#include "coretestdatabase.h"
#include "fhir/fhirservice.h"
#include "fhir/importer.h"
#include "sandbox.h"
#include "storage/database.h"
#include "storage/peoplestore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

namespace {

const auto s_base = u"http://127.0.0.1:9000/api/open-fhir"_s;
const auto s_npi = u"http://hl7.org/fhir/sid/us-npi"_s;

struct OpenedSandbox
{
    std::unique_ptr<Sandbox> sandbox;
    QString error;
};

OpenedSandbox openSandbox(const QString &location)
{
    SandboxOptions options;
    options.database = location;
    options.samplePatients = 0;
    OpenedSandbox opened;
    opened.sandbox = std::make_unique<Sandbox>(options, new ManualClock(TestSupport::s_epochMs));
    if (Status status = opened.sandbox->open(); !status)
        opened.error = status.error().description;
    return opened;
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject reference(const QString &target)
{
    return QJsonObject{{u"reference"_s, target}};
}

QJsonObject patient(const QString &id, const QString &given, const QString &family)
{
    QJsonObject resource{{u"resourceType"_s, u"Patient"_s},
                         {u"name"_s, QJsonArray{QJsonObject{{u"given"_s, QJsonArray{given}}, {u"family"_s, family}}}},
                         {u"gender"_s, u"female"_s},
                         {u"birthDate"_s, u"1980-02-03"_s}};
    if (!id.isEmpty())
        resource.insert(u"id"_s, id);
    return resource;
}

QJsonObject observation(const QString &id, const QString &subject, const QString &code = u"4548-4"_s)
{
    QJsonObject resource{
        {u"resourceType"_s, u"Observation"_s},
        {u"status"_s, u"final"_s},
        {u"code"_s,
         QJsonObject{{u"coding"_s, QJsonArray{QJsonObject{{u"system"_s, u"http://loinc.org"_s}, {u"code"_s, code}}}}}},
        {u"subject"_s, reference(subject)}};
    if (!id.isEmpty())
        resource.insert(u"id"_s, id);
    return resource;
}

QJsonObject practitioner(const QString &id, const QString &npi)
{
    return QJsonObject{
        {u"resourceType"_s, u"Practitioner"_s},
        {u"id"_s, id},
        {u"identifier"_s, QJsonArray{QJsonObject{{u"system"_s, s_npi}, {u"value"_s, npi}}}},
    };
}

QJsonObject entry(const QJsonObject &resource, const QString &fullUrl, const QString &method = {},
                  const QString &url = {}, const QString &ifNoneExist = {})
{
    QJsonObject object{{u"resource"_s, resource}};
    if (!fullUrl.isEmpty())
        object.insert(u"fullUrl"_s, fullUrl);
    if (!method.isEmpty()) {
        QJsonObject request{{u"method"_s, method}, {u"url"_s, url}};
        if (!ifNoneExist.isEmpty())
            request.insert(u"ifNoneExist"_s, ifNoneExist);
        object.insert(u"request"_s, request);
    }
    return object;
}

QByteArray bundle(const QString &type, const QJsonArray &entries)
{
    return compact(QJsonObject{{u"resourceType"_s, u"Bundle"_s}, {u"type"_s, type}, {u"entry"_s, entries}});
}

// The Observations a search for the patient finds, as FhirService answers it.
int observationsOf(Sandbox &sandbox, const QString &patientId)
{
    Result<FhirAnswer> answer = sandbox.fhir().search(Fhir::AccessPolicy::open(false), u"Observation"_s,
                                                      {{u"patient"_s, patientId}}, s_base, true);
    return answer ? answer.value().body.value(u"total"_s).toInt(-1) : -2;
}

QJsonObject readResource(Sandbox &sandbox, const QString &type, const QString &id)
{
    Result<std::optional<StoredResource>> stored = sandbox.fhir().store().read(type, id);
    return stored && stored.value() ? stored.value()->content : QJsonObject();
}

QStringList rejections(const ImportFileResult &file)
{
    QStringList list;
    for (const ImportRejection &rejection : file.rejected)
        list.append(rejection.where + u": "_s + rejection.reason);
    return list;
}

} // namespace

#define OPEN_SANDBOX(name) \
    CORE_TEST_DATABASE(name##Database) \
    OpenedSandbox name##Opened = openSandbox(name##Database->location()); \
    QVERIFY2(name##Opened.error.isEmpty(), qPrintable(name##Opened.error)); \
    Sandbox &name = *name##Opened.sandbox;

// For tests of what does not depend on the engine.
#define OPEN_SQLITE_SANDBOX(name) \
    const std::unique_ptr<TestSupport::TestDatabase> name##Database = CoreTest::makeDatabase(u"sqlite"_s); \
    OpenedSandbox name##Opened = openSandbox(name##Database->location()); \
    QVERIFY2(name##Opened.error.isEmpty(), qPrintable(name##Opened.error)); \
    Sandbox &name = *name##Opened.sandbox;

class tst_Importer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void transactionResolvesReferences_data() { CoreTest::addEngineData(); }
    void transactionResolvesReferences();
    void transactionEntriesThatAreRefused();
    void collectionAndSearchsetBundles();
    void ndjsonKeepsTheValidLines_data() { CoreTest::addEngineData(); }
    void ndjsonKeepsTheValidLines();
    void reimportMakesNewVersions_data() { CoreTest::addEngineData(); }
    void reimportMakesNewVersions();
    void syntheaFolderSharedBundlesFirst();
    void filesThatCannotBeImported();
    void emptyFiles();
    void progressAndFinished();
    void workerThreadKeepsMainThreadFree_data() { CoreTest::addEngineData(); }
    void workerThreadKeepsMainThreadFree();
    void memoryDatabaseImportsOnCallerThread();
    void cancelStopsAfterTheChunk();
    void bigNdjson_data() { CoreTest::addEngineData(); }
    void bigNdjson();
};

void tst_Importer::transactionResolvesReferences()
{
    OPEN_SANDBOX(sandbox)
    QTemporaryDir dir;
    const QString patientUuid = u"b0a6e0c4-6f37-4b8e-9c59-0f0f0d6a1c01"_s;
    const QString encounterUuid = u"b0a6e0c4-6f37-4b8e-9c59-0f0f0d6a1c02"_s;
    // As Synthea writes it: urn:uuid fullUrls and references, POST, conditional references to
    // shared practitioners.
    QJsonObject encounter{
        {u"resourceType"_s, u"Encounter"_s},
        {u"id"_s, encounterUuid},
        {u"status"_s, u"finished"_s},
        {u"subject"_s, reference(u"urn:uuid:"_s + patientUuid)},
        {u"participant"_s,
         QJsonArray{QJsonObject{{u"individual"_s, reference(u"Practitioner?identifier="_s + s_npi + u"|111"_s)}}}}};
    QJsonObject withEncounter = observation({}, u"urn:uuid:"_s + patientUuid, u"8302-2"_s);
    withEncounter.insert(u"encounter"_s, reference(u"urn:uuid:"_s + encounterUuid));
    const QJsonArray entries{
        entry(practitioner(u"pr-1"_s, u"111"_s), u"urn:uuid:pr-1"_s, u"POST"_s, u"Practitioner"_s,
              u"identifier="_s + s_npi + u"|111"_s),
        entry(patient({}, u"Ada"_s, u"Lovelace"_s), u"urn:uuid:"_s + patientUuid, u"POST"_s, u"Patient"_s),
        entry(encounter, u"urn:uuid:"_s + encounterUuid, u"POST"_s, u"Encounter"_s),
        entry(observation({}, u"urn:uuid:"_s + patientUuid), u"urn:uuid:c0a6e0c4-0000-4000-8000-000000000003"_s,
              u"POST"_s, u"Observation"_s),
        entry(withEncounter, u"urn:uuid:c0a6e0c4-0000-4000-8000-000000000004"_s, u"POST"_s, u"Observation"_s),
        entry(observation(u"obs-put"_s, u"Patient/"_s + patientUuid), {}, u"PUT"_s, u"Observation/obs-put"_s),
    };
    const QString file = writeFile(dir, u"ada.json"_s, bundle(u"transaction"_s, entries));

    FhirImporter importer(sandbox.database(), sandbox.clock());
    const ImportSummary summary = importer.importFiles({file});
    QCOMPARE(summary.files.size(), 1);
    const ImportFileResult &result = summary.files.first();
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QCOMPARE(result.format, u"bundle (transaction)"_s);
    QCOMPARE(rejections(result), QStringList());
    QCOMPARE(
        result.imported,
        (QMap<QString, int>{{u"Encounter"_s, 1}, {u"Observation"_s, 3}, {u"Patient"_s, 1}, {u"Practitioner"_s, 1}}));
    QVERIFY(summary.isComplete());
    QCOMPARE(result.notes, QStringList());

    // The patient kept the id of its urn:uuid; references to it are Patient/<id> and searchable.
    QCOMPARE(readResource(sandbox, u"Patient"_s, patientUuid).value(u"id"_s).toString(), patientUuid);
    QCOMPARE(observationsOf(sandbox, patientUuid), 3);
    const QJsonObject storedEncounter = readResource(sandbox, u"Encounter"_s, encounterUuid);
    QCOMPARE(storedEncounter[u"subject"_s][u"reference"_s].toString(), u"Patient/"_s + patientUuid);
    QCOMPARE(storedEncounter[u"participant"_s][0][u"individual"_s][u"reference"_s].toString(), u"Practitioner/pr-1"_s);
    const QJsonObject fourth = readResource(sandbox, u"Observation"_s, u"c0a6e0c4-0000-4000-8000-000000000004"_s);
    QCOMPARE(fourth[u"encounter"_s][u"reference"_s].toString(), u"Encounter/"_s + encounterUuid);

    // Again: the conditional create finds its practitioner, the rest become version 2.
    const ImportSummary again = importer.importFiles({file});
    QCOMPARE(again.files.first().unchanged, 1);
    QCOMPARE(again.files.first().importedCount(), 5);
    QCOMPARE(readResource(sandbox, u"Patient"_s, patientUuid)[u"meta"_s][u"versionId"_s].toString(), u"2"_s);
    QCOMPARE(readResource(sandbox, u"Practitioner"_s, u"pr-1"_s)[u"meta"_s][u"versionId"_s].toString(), u"1"_s);
}

void tst_Importer::transactionEntriesThatAreRefused()
{
    OPEN_SQLITE_SANDBOX(sandbox)
    QTemporaryDir dir;
    QJsonObject noResource{{u"request"_s, QJsonObject{{u"method"_s, u"POST"_s}, {u"url"_s, u"Patient"_s}}}};
    const QJsonArray entries{
        entry(patient(u"p-1"_s, u"Kept"_s, u"One"_s), {}, u"PUT"_s, u"Patient/p-1"_s),
        entry(patient(u"p-2"_s, u"Wrong"_s, u"Id"_s), {}, u"PUT"_s, u"Patient/p-3"_s),
        entry(patient(u"p-4"_s, u"Read"_s, u"Only"_s), {}, u"GET"_s, u"Patient/p-4"_s),
        noResource,
        entry(observation(u"o-1"_s, u"urn:uuid:not-in-this-bundle"_s), {}, u"POST"_s, u"Patient"_s),
        entry(observation(u"o-2"_s, u"urn:uuid:not-in-this-bundle"_s), {}, u"POST"_s, u"Observation"_s),
        QJsonObject{{u"request"_s, QJsonObject{{u"method"_s, u"DELETE"_s}, {u"url"_s, u"Patient/p-1"_s}}}},
        QJsonObject{{u"request"_s, QJsonObject{{u"method"_s, u"DELETE"_s}, {u"url"_s, u"Patient?name=x"_s}}}},
        QJsonObject{{u"request"_s, QJsonObject{{u"method"_s, u"DELETE"_s}, {u"url"_s, u"Observation/none"_s}}}},
    };
    const QString file = writeFile(dir, u"mixed.json"_s, bundle(u"batch"_s, entries));
    const ImportSummary summary = FhirImporter(sandbox.database(), sandbox.clock()).importFiles({file});
    const ImportFileResult &result = summary.files.first();
    QCOMPARE(rejections(result),
             (QStringList{u"entry[1]: the resource's id 'p-2' differs from request.url's 'p-3'"_s,
                          u"entry[2]: request.method GET is not imported (only PUT, POST and DELETE)"_s,
                          u"entry[3]: the entry has no resource with a resourceType"_s,
                          u"entry[4]: request.url names Patient, but the resource is a Observation"_s,
                          u"entry[7]: a conditional delete (Patient?name=x) is not imported"_s}));
    QCOMPARE(result.imported, (QMap<QString, int>{{u"Observation"_s, 1}, {u"Patient"_s, 1}}));
    QCOMPARE(result.deleted, 1);
    QCOMPARE(result.notes,
             QStringList{u"1 reference points at no entry of the Bundle and was kept as written "
                         "(urn:uuid:not-in-this-bundle)"_s});
    Result<std::optional<StoredResource>> deleted = sandbox.fhir().store().read(u"Patient"_s, u"p-1"_s);
    QVERIFY(deleted.ok() && deleted.value());
    QVERIFY(deleted.value()->deleted);
    QCOMPARE(deleted.value()->versionId, 2);
    QVERIFY(!summary.isComplete());
}

void tst_Importer::collectionAndSearchsetBundles()
{
    OPEN_SQLITE_SANDBOX(sandbox)
    QTemporaryDir dir;
    const QString collection = writeFile(
        dir, u"collection.json"_s,
        bundle(u"collection"_s,
               {entry(patient(u"col-1"_s, u"Grace"_s, u"Hopper"_s), u"http://elsewhere.example/fhir/Patient/col-1"_s),
                entry(observation({}, u"http://elsewhere.example/fhir/Patient/col-1"_s),
                      u"http://elsewhere.example/fhir/Observation/col-obs"_s),
                entry(QJsonObject{{u"resourceType"_s, u"Basic"_s}, {u"id"_s, u"b-1"_s}}, {})}));
    QJsonObject outcome{
        {u"resource"_s, QJsonObject{{u"resourceType"_s, u"OperationOutcome"_s}, {u"issue"_s, QJsonArray{}}}},
        {u"search"_s, QJsonObject{{u"mode"_s, u"outcome"_s}}}};
    const QString searchset = writeFile(dir, u"searchset.json"_s,
                                        bundle(u"searchset"_s,
                                               {entry(observation(u"ss-1"_s, u"Patient/col-1"_s), {}),
                                                entry(observation(u"ss-2"_s, u"Patient/col-1"_s), {}), outcome}));
    const ImportSummary summary
        = FhirImporter(sandbox.database(), sandbox.clock()).importFiles({collection, searchset});
    QCOMPARE(summary.files.size(), 2);
    QCOMPARE(summary.files[0].format, u"bundle (collection)"_s);
    QCOMPARE(summary.files[0].imported, (QMap<QString, int>{{u"Observation"_s, 1}, {u"Patient"_s, 1}}));
    QCOMPARE(rejections(summary.files[0]),
             QStringList{u"entry[2]: Basic is not a resource type the sandbox stores (its CapabilityStatement lists "
                         "them)"_s});
    // The id came from the fullUrl, and the absolute reference to the other entry became relative.
    QCOMPARE(readResource(sandbox, u"Observation"_s, u"col-obs"_s)[u"subject"_s][u"reference"_s].toString(),
             u"Patient/col-1"_s);
    QCOMPARE(summary.files[1].format, u"bundle (searchset)"_s);
    QCOMPARE(summary.files[1].imported, (QMap<QString, int>{{u"Observation"_s, 2}}));
    QCOMPARE(summary.files[1].rejectedCount, 0);
    QCOMPARE(observationsOf(sandbox, u"col-1"_s), 3);
}

void tst_Importer::ndjsonKeepsTheValidLines()
{
    OPEN_SANDBOX(sandbox)
    QTemporaryDir dir;
    // With a byte order mark, as some Windows tools write it.
    const QByteArray lines = "\xEF\xBB\xBF" + compact(patient(u"nd-1"_s, u"Alan"_s, u"Turing"_s)) + '\n'
        + compact(observation(u"nd-obs-1"_s, u"Patient/nd-1"_s)) + "\r\n" + "{\"resourceType\": \"Observation\", \n"
        + "\n" + "{\"resourceType\":\"Foo\",\"id\":\"f-1\"}\n" + compact(observation(u"bad id!"_s, u"Patient/nd-1"_s))
        + '\n' + compact(observation({}, u"Patient/nd-1"_s)) + '\n' + "[1, 2]\n";
    // Named .json, found to be NDJSON by its content.
    const QString file = writeFile(dir, u"export.json"_s, lines);
    const ImportSummary summary = FhirImporter(sandbox.database(), sandbox.clock()).importFiles({file});
    const ImportFileResult &result = summary.files.first();
    QCOMPARE(result.format, u"ndjson"_s);
    QCOMPARE(result.imported, (QMap<QString, int>{{u"Observation"_s, 2}, {u"Patient"_s, 1}}));
    QCOMPARE(rejections(result),
             (QStringList{u"line 3: not valid JSON: unterminated object at column 32"_s,
                          u"line 5: Foo is not a resource type the sandbox stores (its CapabilityStatement lists "
                          "them)"_s,
                          u"line 6: The resource id must be 1 to 64 of A-Z, a-z, 0-9, '-' and '.'"_s,
                          u"line 8: not a FHIR resource (a JSON object)"_s}));
    QCOMPARE(result.rejectedCount, 4);
    QCOMPARE(result.rejected.first().file, file);
    QCOMPARE(summary.rejected(), 4);
    QCOMPARE(observationsOf(sandbox, u"nd-1"_s), 2);
}

void tst_Importer::reimportMakesNewVersions()
{
    OPEN_SANDBOX(sandbox)
    QTemporaryDir dir;
    const QString file = writeFile(dir, u"two.ndjson"_s,
                                   compact(patient(u"re-1"_s, u"Ada"_s, u"First"_s)) + '\n'
                                       + compact(observation(u"re-obs"_s, u"Patient/re-1"_s))
                                       + '\n'
                                       // The same resource twice in one chunk: versions 1 and 2.
                                       + compact(observation(u"re-obs"_s, u"Patient/re-1"_s, u"2339-0"_s)) + '\n');
    FhirImporter importer(sandbox.database(), sandbox.clock());
    QVERIFY(importer.importFiles({file}).isComplete());
    QCOMPARE(readResource(sandbox, u"Observation"_s, u"re-obs"_s)[u"meta"_s][u"versionId"_s].toString(), u"2"_s);
    QCOMPARE(readResource(sandbox, u"Observation"_s, u"re-obs"_s)[u"code"_s][u"coding"_s][0][u"code"_s].toString(),
             u"2339-0"_s);
    QVERIFY(importer.importFiles({file}).isComplete());
    QCOMPARE(readResource(sandbox, u"Patient"_s, u"re-1"_s)[u"meta"_s][u"versionId"_s].toString(), u"2"_s);
    Result<QList<StoredResource>> history = sandbox.fhir().store().history(u"Observation"_s, u"re-obs"_s);
    QVERIFY(history.ok());
    QCOMPARE(history.value().size(), 4);
    QCOMPARE(observationsOf(sandbox, u"re-1"_s), 1);

    // The imported patient is in the portal's list, so tokens can be minted for them.
    Result<std::optional<Patient>> listed = sandbox.people().findPatient(u"re-1"_s);
    QVERIFY(listed.ok() && listed.value());
    QCOMPARE(listed.value()->displayName, u"Ada First"_s);
    QCOMPARE(listed.value()->birthDate, u"1980-02-03"_s);
}

void tst_Importer::syntheaFolderSharedBundlesFirst()
{
    OPEN_SQLITE_SANDBOX(sandbox)
    QTemporaryDir dir;
    const QString patientUuid = u"d1a6e0c4-6f37-4b8e-9c59-0f0f0d6a1c01"_s;
    QJsonObject withPerformer = observation({}, u"urn:uuid:"_s + patientUuid);
    withPerformer.insert(u"performer"_s,
                         QJsonArray{reference(u"Practitioner?identifier="_s + s_npi + u"|222"_s),
                                    reference(u"Practitioner?identifier="_s + s_npi + u"|999"_s)});
    // "Aaron..." sorts before "practitionerInformation...", but shared bundles go first.
    writeFile(dir, u"Aaron697_Smith.json"_s,
              bundle(u"transaction"_s,
                     {entry(patient({}, u"Aaron"_s, u"Smith"_s), u"urn:uuid:"_s + patientUuid, u"POST"_s, u"Patient"_s),
                      entry(withPerformer, u"urn:uuid:e1"_s, u"POST"_s, u"Observation"_s)}));
    writeFile(dir, u"practitionerInformation1.json"_s,
              bundle(u"transaction"_s,
                     {entry(practitioner(u"pr-222"_s, u"222"_s), u"urn:uuid:pr-222"_s, u"POST"_s, u"Practitioner"_s,
                            u"identifier="_s + s_npi + u"|222"_s)}));
    writeFile(dir, u"notes.txt"_s, "not FHIR");
    const ImportSummary summary = FhirImporter(sandbox.database(), sandbox.clock()).importFiles({dir.path()});
    QCOMPARE(summary.files.size(), 2);
    QVERIFY(summary.files[0].file.endsWith(u"practitionerInformation1.json"_s));
    QCOMPARE(summary.files[1].notes,
             QStringList{u"1 conditional reference matched no single resource and was kept as written "
                         "(Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|999)"_s});
    Result<QList<StoredResource>> found
        = sandbox.fhir().store().find(StoreQuery{u"Observation"_s, {}, {}, {}, 1000, 0});
    QVERIFY(found.ok());
    bool checked = false;
    for (const StoredResource &resource : found.value()) {
        if (resource.content[u"subject"_s][u"reference"_s].toString() != u"Patient/"_s + patientUuid)
            continue;
        QCOMPARE(resource.content[u"performer"_s][0][u"reference"_s].toString(), u"Practitioner/pr-222"_s);
        QCOMPARE(resource.content[u"performer"_s][1][u"reference"_s].toString(),
                 u"Practitioner?identifier="_s + s_npi + u"|999"_s);
        checked = true;
    }
    QVERIFY(checked);
}

void tst_Importer::filesThatCannotBeImported()
{
    OPEN_SQLITE_SANDBOX(sandbox)
    QTemporaryDir dir;
    const QString missing = dir.filePath(u"missing.json"_s);
    const QString unreadable = writeFile(dir, u"unreadable.json"_s, compact(patient(u"u-1"_s, u"U"_s, u"R"_s)));
    QFile::setPermissions(unreadable, QFileDevice::Permissions());
    const bool runsAsRoot = QFile(unreadable).open(QIODevice::ReadOnly);
    const QString garbage = writeFile(dir, u"garbage.json"_s, "{\n  \"resourceType\": \"Patient\",\n  oops\n}");
    const QString history = writeFile(dir, u"history.json"_s, bundle(u"history"_s, {}));
    const QString array = writeFile(dir, u"array.json"_s, "[{\"resourceType\":\"Patient\"}]");
    QByteArray large = bundle(u"collection"_s, {entry(patient(u"big-1"_s, u"Big"_s, u"Bundle"_s), {})});
    const QString tooLarge = writeFile(dir, u"large.json"_s, large + QByteArray(2048, ' '));
    const QString good = writeFile(dir, u"good.json"_s, compact(patient(u"good-1"_s, u"Good"_s, u"File"_s)));

    FhirImporter importer(sandbox.database(), sandbox.clock());
    importer.setMaxDocumentBytes(2048);
    const ImportSummary summary = importer.importFiles({missing, unreadable, garbage, history, array, tooLarge, good});
    QCOMPARE(summary.files.size(), 7);
    QCOMPARE(summary.files[0].error, u"cannot be opened: No such file or directory"_s);
    if (!runsAsRoot)
        QCOMPARE(summary.files[1].error, u"cannot be opened: Permission denied"_s);
    QCOMPARE(summary.files[2].error, u"is not valid JSON: unterminated object at line 3, column 4"_s);
    QCOMPARE(summary.files[3].error,
             u"is a Bundle of type 'history'; import reads transaction, batch, collection and searchset "
             "Bundles"_s);
    QCOMPARE(summary.files[4].error, u"is not a FHIR resource or Bundle (a JSON object)"_s);
    QVERIFY2(summary.files[5].error.startsWith(u"is 0 MiB; a JSON document is read whole"_s),
             qPrintable(summary.files[5].error));
    QVERIFY(summary.files[5].error.contains(u"NDJSON"_s));
    QCOMPARE(summary.files[6].error, QString());
    QCOMPARE(summary.files[6].format, u"resource"_s);
    QCOMPARE(summary.imported(), runsAsRoot ? 2 : 1);
    QCOMPARE(summary.failedFiles(), runsAsRoot ? 5 : 6);
    QVERIFY(!summary.isComplete());
}

void tst_Importer::emptyFiles()
{
    OPEN_SQLITE_SANDBOX(sandbox)
    QTemporaryDir dir;
    const QString json = writeFile(dir, u"empty.json"_s, {});
    const QString ndjson = writeFile(dir, u"blank.ndjson"_s, "\n\n  \n");
    const QString bundleFile = writeFile(dir, u"bundle.json"_s, bundle(u"transaction"_s, {}));
    const ImportSummary summary
        = FhirImporter(sandbox.database(), sandbox.clock()).importFiles({json, ndjson, bundleFile});
    QCOMPARE(summary.files.size(), 3);
    QCOMPARE(summary.files[0].format, u"empty"_s);
    QCOMPARE(summary.files[1].format, u"ndjson"_s);
    for (const ImportFileResult &file : summary.files) {
        QCOMPARE(file.error, QString());
        QCOMPARE(file.notes, QStringList{u"The file holds no resources."_s});
    }
    QCOMPARE(summary.imported(), 0);
    QVERIFY(summary.isComplete());
}

void tst_Importer::progressAndFinished()
{
    OPEN_SQLITE_SANDBOX(sandbox)
    QTemporaryDir dir;
    QByteArray lines;
    for (int i = 0; i < 300; ++i)
        lines += compact(observation(u"pf-%1"_s.arg(i), u"Patient/smart-1288992"_s)) + '\n';
    const QString file = writeFile(dir, u"progress.ndjson"_s, lines);
    FhirImporter importer(sandbox.database(), sandbox.clock());
    importer.setChunkSize(50);
    QSignalSpy progressed(&importer, &FhirImporter::progressed);
    QSignalSpy finished(&importer, &FhirImporter::finished);
    const ImportSummary summary = importer.importFiles({file});
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().value<ImportSummary>().imported(), 300);
    QVERIFY(!progressed.isEmpty());
    const QList<QVariant> last = progressed.last();
    QCOMPARE(last.at(0).toLongLong(), lines.size());
    QCOMPARE(last.at(1).toLongLong(), lines.size());
    QCOMPARE(last.at(2).toInt(), 300);
    QVERIFY(!summary.onWorkerThread);
    QVERIFY(summary.durationMs >= 0);
}

void tst_Importer::workerThreadKeepsMainThreadFree()
{
    CORE_TEST_DATABASE(database)
    // Writes from two threads wait for each other; none fails and is retried.
    QTest::failOnWarning(QRegularExpression(u"locked|refused"_s));
    SandboxOptions options;
    options.database = database->location();
    options.samplePatients = 0;
    TestSupport::RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QTemporaryDir dir;
    QByteArray lines;
    for (int i = 0; i < 1000; ++i)
        lines += compact(observation(u"wt-%1"_s.arg(i), u"Patient/smart-1288992"_s)) + '\n';
    const QString file = writeFile(dir, u"worker.ndjson"_s, lines);

    FhirImporter importer(running.sandbox().database(), running.sandbox().clock());
    importer.setChunkSize(100);
    QVERIFY(importer.usesWorkerThread());
    QThread *importThread = nullptr;
    int steps = 0;
    QSemaphore inFirstChunk;
    QSemaphore mayGoOn;
    importer.setStepHook([&] {
        if (++steps != 2)
            return;
        // The file is open; the first chunk waits until the main thread has answered a request.
        importThread = QThread::currentThread();
        inFirstChunk.release();
        mayGoOn.acquire();
    });
    QSignalSpy finished(&importer, &FhirImporter::finished);
    QVERIFY(importer.start({file}));
    QVERIFY(!importer.start({file})); // one at a time
    inFirstChunk.acquire();
    QVERIFY(importer.isRunning());
    const TestSupport::Reply status = running.http().get(u"/admin/status"_s);
    QCOMPARE(status.status, 200);
    QVERIFY(importer.isRunning());
    mayGoOn.release();
    QVERIFY(finished.wait(60'000));
    QVERIFY(!importer.isRunning());
    QVERIFY(importThread != nullptr);
    QVERIFY(importThread != QThread::currentThread());
    const ImportSummary summary = finished.first().first().value<ImportSummary>();
    QVERIFY(summary.onWorkerThread);
    QCOMPARE(summary.imported(), 1000);
    const TestSupport::Reply read = running.http().get(u"/api/open-fhir/Observation/wt-999"_s);
    QCOMPARE(read.status, 200);

    // A second import with the same importer: a new thread, which gets a connection of its own.
    QVERIFY(importer.start({file}));
    QVERIFY(finished.wait(60'000));
    QCOMPARE(finished.last().first().value<ImportSummary>().imported(), 1000);
}

void tst_Importer::memoryDatabaseImportsOnCallerThread()
{
    OpenedSandbox opened = openSandbox(u":memory:"_s);
    QVERIFY2(opened.error.isEmpty(), qPrintable(opened.error));
    QTemporaryDir dir;
    const QString file = writeFile(dir, u"memory.ndjson"_s,
                                   compact(patient(u"mem-1"_s, u"In"_s, u"Memory"_s)) + '\n'
                                       + compact(observation(u"mem-obs"_s, u"Patient/mem-1"_s)) + '\n');
    // Through the facade, as the window does.
    FhirImporter *importer = opened.sandbox->importFiles({file});
    QVERIFY(!importer->usesWorkerThread());
    QThread *importThread = nullptr;
    importer->setStepHook([&] { importThread = QThread::currentThread(); });
    QSignalSpy finished(importer, &FhirImporter::finished);
    QVERIFY(importer->isRunning());
    QVERIFY(finished.isEmpty()); // nothing happened before the event loop ran
    QVERIFY(finished.wait(60'000));
    QCOMPARE(importThread, QThread::currentThread());
    const ImportSummary summary = finished.first().first().value<ImportSummary>();
    QVERIFY(!summary.onWorkerThread);
    QCOMPARE(summary.imported(), 2);
    QCOMPARE(observationsOf(*opened.sandbox, u"mem-1"_s), 1);
}

void tst_Importer::cancelStopsAfterTheChunk()
{
    OPEN_SQLITE_SANDBOX(sandbox)
    QTemporaryDir dir;
    QByteArray lines;
    for (int i = 0; i < 500; ++i)
        lines += compact(observation(u"cx-%1"_s.arg(i), u"Patient/smart-1288992"_s)) + '\n';
    const QString file = writeFile(dir, u"cancel.ndjson"_s, lines);
    // Through the facade; the sandbox deletes it (waiting for its thread) if the test fails.
    FhirImporter *importer = new FhirImporter(sandbox.database(), sandbox.clock(), &sandbox);
    importer->setChunkSize(100);
    int steps = 0;
    // Step 1 opens the file, steps 2 and 3 write a chunk each; cancelled during step 3.
    importer->setStepHook([&] {
        if (++steps == 3)
            importer->cancel();
    });
    QSignalSpy finished(importer, &FhirImporter::finished);
    QVERIFY(importer->start({file}));
    QVERIFY(finished.wait(60'000));
    const ImportSummary summary = finished.first().first().value<ImportSummary>();
    QVERIFY(summary.cancelled);
    QVERIFY(!summary.isComplete());
    QCOMPARE(summary.imported(), 200);
    QCOMPARE(summary.files.size(), 1);
}

void tst_Importer::bigNdjson()
{
    OPEN_SANDBOX(sandbox)
    QTemporaryDir dir;
    constexpr int count = 20'000;
    {
        QFile file(dir.filePath(u"big.ndjson"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < count; ++i)
            file.write(compact(observation(u"big-%1"_s.arg(i), u"Patient/smart-1081332"_s)) + '\n');
    }
    QElapsedTimer timer;
    timer.start();
    FhirImporter importer(sandbox.database(), sandbox.clock());
    QSignalSpy finished(&importer, &FhirImporter::finished);
    QVERIFY(importer.start({dir.filePath(u"big.ndjson"_s)}));
    QVERIFY(finished.wait(300'000));
    const ImportSummary summary = finished.first().first().value<ImportSummary>();
    QCOMPARE(summary.imported(), count);
    QVERIFY(summary.isComplete());
    QCOMPARE(sandbox.fhir().store().count(StoreQuery{u"Observation"_s, {}, {}, {}, 0, 0}).value() >= count, true);
    qInfo("%d resources in %lld ms: %lld resources/s", count, timer.elapsed(),
          timer.elapsed() > 0 ? count * 1000LL / timer.elapsed() : 0LL);
}

QTEST_GUILESS_MAIN(tst_Importer)
#include "tst_importer.moc"
