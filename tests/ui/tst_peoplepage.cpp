// SPDX-License-Identifier: Apache-2.0
// The People and data tab: the portal's patients with the users who act for them and the size of
// their FHIR records, one patient's record by type, a patient written over FHIR showing after a
// refresh, and a reset bringing the sample data back.

#include "peoplemodel.h"
#include "peoplepage.h"
#include "testsupport.h"
#include "uihelpers.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QJsonArray>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using namespace TestSupport;

class tst_PeoplePage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { UiHelpers::installTranslator(u"en"_s); } // the English plural forms
    void patientsUsersAndRecordSizes();
    void selectedPatientsRecordByType();
    void patientWrittenOverFhirShowsAfterRefresh();
    void resetBringsTheSampleDataBack();
    void importShowsProgressAndRejections();
    void droppedFilesAreImported();
};

namespace {

// An NDJSON file: a new patient, two observations of theirs, and a broken line in between.
QString writeNdjson(const QTemporaryDir &dir)
{
    const QString path = dir.filePath(u"walk-ins.ndjson"_s);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write the test file");
    file.write("{\"resourceType\":\"Patient\",\"id\":\"imported-1\",\"name\":[{\"family\":\"Import\","
               "\"given\":[\"Ida\"]}]}\n");
    file.write("{\"resourceType\":\"Observation\",\"id\":\"imported-obs-1\",\"status\":\"final\",\"code\":{"
               "\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/imported-1\"}}\n");
    file.write("{\"resourceType\": this is not JSON\n");
    file.write("{\"resourceType\":\"Observation\",\"id\":\"imported-obs-2\",\"status\":\"final\",\"code\":{"
               "\"text\":\"y\"},\"subject\":{\"reference\":\"Patient/imported-1\"}}\n");
    return path;
}

} // namespace

void tst_PeoplePage::patientsUsersAndRecordSizes()
{
    SandboxOptions options;
    options.samplePatients = 2;
    RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    PeopleModel model(running.sandbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.userCount(), 2);
    const int daniel = model.rowOf(u"smart-1288992"_s);
    QVERIFY(daniel >= 0);
    QCOMPARE(model.index(daniel, PeopleModel::NameColumn).data().toString(), u"Daniel Adams"_s);
    QCOMPARE(model.index(daniel, PeopleModel::UsersColumn).data().toString(), u"daniel-adams (self)"_s);
    const int amy = model.rowOf(u"smart-1032702"_s);
    QCOMPARE(model.index(amy, PeopleModel::UsersColumn).data().toString(), u"daniel-adams (represents)"_s);
    // The record size is what the open FHIR endpoint holds for the patient.
    const Reply everything = running.http().get(u"/api/open-fhir/Patient/smart-1288992/$everything"_s);
    int inCompartment = 0;
    for (const QJsonValue &entry : everything.json()[u"entry"_s].toArray()) {
        const QString type = entry[u"resource"_s][u"resourceType"_s].toString();
        if (type != u"Practitioner" && type != u"Organization" && type != u"Medication")
            ++inCompartment;
    }
    QVERIFY(inCompartment > 40);
    QCOMPARE(model.index(daniel, PeopleModel::ResourcesColumn).data().toInt(), inCompartment);
    const int generated = model.rowOf(u"smart-sample-002"_s);
    QVERIFY(generated >= 0);
    QVERIFY(model.index(generated, PeopleModel::ResourcesColumn).data().toInt() > 0);
    QVERIFY(model.index(generated, PeopleModel::UsersColumn).data().toString().isEmpty());
}

void tst_PeoplePage::selectedPatientsRecordByType()
{
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    PeoplePage page(running.sandbox());
    page.setBaseUrl(running.http().base());
    QAbstractItemModelTester tester(page.countModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(page.countModel()->rowCount(), 0);
    QVERIFY(!page.findChild<QToolButton *>(u"copyEverythingButton"_s)->isEnabled());

    page.selectPatient(u"smart-1288992"_s);
    QCOMPARE(page.selectedPatientId(), u"smart-1288992"_s);
    const int observations = running.http()
                                 .get(u"/api/open-fhir/Observation?patient=smart-1288992&_summary=count"_s)
                                 .json()[u"total"_s]
                                 .toInt();
    QVERIFY(observations > 0);
    bool found = false;
    for (int row = 0; row < page.countModel()->rowCount(); ++row) {
        if (page.countModel()->index(row, ResourceCountModel::TypeColumn).data().toString() == u"Observation") {
            QCOMPARE(page.countModel()->index(row, ResourceCountModel::CountColumn).data().toInt(), observations);
            found = true;
        }
    }
    QVERIFY(found);
    // Largest first.
    QVERIFY(page.countModel()->index(0, ResourceCountModel::CountColumn).data().toInt()
            >= page.countModel()->index(1, ResourceCountModel::CountColumn).data().toInt());
    QVERIFY(page.findChild<QLabel *>(u"detailLabel"_s)->text().contains(u"Daniel Adams"_s));

    QToolButton *copy = page.findChild<QToolButton *>(u"copyEverythingButton"_s);
    QVERIFY(copy->isEnabled());
    copy->click();
    const QString url = QApplication::clipboard()->text();
    QCOMPARE(url, running.http().base() + u"/api/open-fhir/Patient/smart-1288992/$everything"_s);
    QCOMPARE(running.http().get(url.mid(running.http().base().size())).status, 200);
}

void tst_PeoplePage::patientWrittenOverFhirShowsAfterRefresh()
{
    SandboxOptions options;
    options.openFhirWrites = true;
    RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    PeoplePage page(running.sandbox());
    const int before = page.model()->rowCount();
    const QByteArray patient = "{\"resourceType\":\"Patient\",\"id\":\"walk-in\",\"name\":[{\"family\":\"Doe\","
                               "\"given\":[\"Jane\"]}],\"gender\":\"female\",\"birthDate\":\"1990-05-05\"}";
    QCOMPARE(running.http()
                 .send("PUT", u"/api/open-fhir/Patient/walk-in"_s, patient, {{"Content-Type", "application/fhir+json"}})
                 .status,
             201);
    QCOMPARE(page.model()->rowCount(), before); // not yet read
    page.findChild<QToolButton *>(u"refreshButton"_s)->click();
    QCOMPARE(page.model()->rowCount(), before + 1);
    const int row = page.model()->rowOf(u"walk-in"_s);
    QCOMPARE(page.model()->index(row, PeopleModel::NameColumn).data().toString(), u"Jane Doe"_s);
    QCOMPARE(page.model()->index(row, PeopleModel::ResourcesColumn).data().toInt(), 1);
}

void tst_PeoplePage::resetBringsTheSampleDataBack()
{
    SandboxOptions options;
    options.openFhirWrites = true;
    RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    PeopleModel model(running.sandbox());
    const int daniel = model.rowOf(u"smart-1288992"_s);
    const int size = model.index(daniel, PeopleModel::ResourcesColumn).data().toInt();
    QCOMPARE(running.http().send("DELETE", u"/api/open-fhir/Observation/smart-1288992-obs-001"_s).status, 204);
    model.reload();
    QCOMPARE(model.index(model.rowOf(u"smart-1288992"_s), PeopleModel::ResourcesColumn).data().toInt(), size - 1);
    QVERIFY(running.sandbox().reset());
    QCOMPARE(model.index(model.rowOf(u"smart-1288992"_s), PeopleModel::ResourcesColumn).data().toInt(), size);
}

void tst_PeoplePage::importShowsProgressAndRejections()
{
    QTemporaryDir dir;
    TestDatabase database(TestDatabase::Engine::Sqlite); // a file: the import runs on a worker thread
    SandboxOptions options;
    options.database = database.location();
    RunningSandbox running(options);
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    PeoplePage page(running.sandbox());
    QSignalSpy finished(&page, &PeoplePage::importFinished);
    QVERIFY(page.importFiles({writeNdjson(dir)}));
    QVERIFY(!page.findChild<QToolButton *>(u"importButton"_s)->isEnabled());
    QVERIFY(page.findChild<QProgressBar *>(u"importProgressBar"_s)->isVisibleTo(&page));
    QVERIFY(!page.importFiles({writeNdjson(dir)})); // one import at a time
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30'000);
    const ImportSummary summary = finished.first().first().value<ImportSummary>();
    QCOMPARE(summary.imported(), 3);
    QCOMPARE(summary.rejected(), 1);
    QVERIFY(summary.onWorkerThread);
    QVERIFY2(page.importSummaryText().contains(u"Imported 3 resources; 1 rejected"_s),
             qPrintable(page.importSummaryText()));
    QVERIFY2(page.importSummaryText().contains(u"line 3"_s), qPrintable(page.importSummaryText()));
    QVERIFY(page.findChild<QToolButton *>(u"importButton"_s)->isEnabled());
    QVERIFY(!page.findChild<QProgressBar *>(u"importProgressBar"_s)->isVisibleTo(&page));
    // The imported patient is in the table with their record, and readable over FHIR.
    const int row = page.model()->rowOf(u"imported-1"_s);
    QVERIFY(row >= 0);
    QCOMPARE(page.model()->index(row, PeopleModel::NameColumn).data().toString(), u"Ida Import"_s);
    QCOMPARE(page.model()->index(row, PeopleModel::ResourcesColumn).data().toInt(), 3);
    QCOMPARE(running.http().get(u"/api/open-fhir/Observation?patient=imported-1"_s).json()[u"total"_s].toInt(), 2);
}

void tst_PeoplePage::droppedFilesAreImported()
{
    QTemporaryDir dir;
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    PeoplePage page(running.sandbox());
    QSignalSpy finished(&page, &PeoplePage::importFinished);
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(writeNdjson(dir))});
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&page, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&page, &drop);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30'000);
    QVERIFY(page.model()->rowOf(u"imported-1"_s) >= 0);
}

QTEST_MAIN(tst_PeoplePage)
#include "tst_peoplepage.moc"
