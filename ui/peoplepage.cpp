// SPDX-License-Identifier: Apache-2.0
#include "peoplepage.h"

#include "columnfilterproxy.h"
#include "fhir/importer.h"
#include "peoplemodel.h"
#include "sandbox.h"
#include "uihelpers.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

PeoplePage::PeoplePage(Sandbox &sandbox, QWidget *parent)
    : QWidget(parent),
      m_sandbox(sandbox),
      m_model(new PeopleModel(sandbox, this)),
      m_proxy(new ColumnFilterProxy({PeopleModel::NameColumn, PeopleModel::IdColumn, PeopleModel::UsersColumn}, this)),
      m_countModel(new ResourceCountModel(this)),
      m_view(new QTableView(this)),
      m_countView(new QTableView(this)),
      m_filterEdit(new QLineEdit(this)),
      m_summaryLabel(new QLabel(this)),
      m_detailLabel(new QLabel(this)),
      m_refreshButton(UiHelpers::makeActionButton(u"refreshButton"_s, tr("Refresh"),
                                                  tr("Read the patients and their records again"), this)),
      m_copyUrlButton(UiHelpers::makeActionButton(u"copyEverythingButton"_s, tr("Copy $everything URL"),
                                                  tr("Copy the open endpoint's Patient/$everything URL of the "
                                                     "selected patient"),
                                                  this)),
      m_importButton(UiHelpers::makeActionButton(
          u"importButton"_s, tr("Import…"),
          tr("Import FHIR Bundles or NDJSON files (Synthea output, Bulk Data exports); you can also drop them here"),
          this)),
      m_cancelImportButton(UiHelpers::makeActionButton(u"cancelImportButton"_s, tr("Cancel"),
                                                       tr("Stop the import after the current "
                                                          "chunk; what was written stays"),
                                                       this)),
      m_progressBar(new QProgressBar(this)),
      m_importLabel(new QLabel(this))
{
    setObjectName(u"peoplePage"_s);
    setAcceptDrops(true);
    m_progressBar->setObjectName(u"importProgressBar"_s);
    m_progressBar->setVisible(false);
    m_cancelImportButton->setVisible(false);
    m_importLabel->setObjectName(u"importLabel"_s);
    m_importLabel->setWordWrap(true);
    m_importLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_importLabel->setText(tr("Drop FHIR Bundles or NDJSON files here to import them."));
    connect(m_importButton, &QToolButton::clicked, this, &PeoplePage::chooseFilesToImport);
    connect(m_cancelImportButton, &QToolButton::clicked, this, [this] {
        if (m_importer)
            m_importer->cancel();
    });
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(PeopleModel::SortRole);
    m_filterEdit->setObjectName(u"filterEdit"_s);
    m_filterEdit->setPlaceholderText(tr("Filter by patient, ID or user (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &ColumnFilterProxy::setFilterText);
    connect(m_refreshButton, &QToolButton::clicked, m_model, &PeopleModel::reload);
    connect(m_copyUrlButton, &QToolButton::clicked, this, [this] {
        if (const QString url = everythingUrl(); !url.isEmpty())
            UiHelpers::copyToClipboard(url);
    });
    connect(m_model, &PeopleModel::loadFailed, this,
            [this](const QString &message) { QMessageBox::warning(this, tr("People and data"), message); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_summaryLabel->setText(tr("%n patient(s)", nullptr, m_model->rowCount()) + u", "_s
                                + tr("%n user(s)", nullptr, m_model->userCount()));
        updateDetail();
    });

    m_summaryLabel->setObjectName(u"summaryLabel"_s);
    m_detailLabel->setObjectName(u"detailLabel"_s);
    m_detailLabel->setWordWrap(true);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_summaryLabel);
    bar->addWidget(m_refreshButton);
    bar->addWidget(m_copyUrlButton);
    bar->addWidget(m_importButton);
    auto *importBar = new QHBoxLayout;
    importBar->addWidget(m_importLabel, 1);
    importBar->addWidget(m_progressBar);
    importBar->addWidget(m_cancelImportButton);

    m_view->setObjectName(u"peopleView"_s);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(PeopleModel::IdColumn, Qt::AscendingOrder);
    UiHelpers::configureTableView(m_view);
    m_view->horizontalHeader()->setSectionResizeMode(PeopleModel::UsersColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(PeopleModel::NameColumn, 180);
    m_view->setColumnWidth(PeopleModel::IdColumn, 160);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &PeoplePage::updateDetail);

    m_countView->setObjectName(u"resourceCountView"_s);
    m_countView->setModel(m_countModel);
    UiHelpers::configureTableView(m_countView);
    m_countView->horizontalHeader()->setSectionResizeMode(ResourceCountModel::TypeColumn, QHeaderView::Stretch);

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detailLabel);
    detailLayout->addWidget(m_countView, 1);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(u"peopleSplitter"_s);
    splitter->addWidget(m_view);
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);
    layout->addLayout(importBar);
    m_summaryLabel->setText(tr("%n patient(s)", nullptr, m_model->rowCount()) + u", "_s
                            + tr("%n user(s)", nullptr, m_model->userCount()));
    updateDetail();
}

PeoplePage::~PeoplePage() = default;

void PeoplePage::showEvent(QShowEvent *event)
{
    // Records change over HTTP too (FHIR writes, imports): read them again when the tab is shown.
    const QString selected = selectedPatientId();
    m_model->reload();
    if (!selected.isEmpty())
        selectPatient(selected);
    QWidget::showEvent(event);
}

void PeoplePage::selectPatient(const QString &patientId)
{
    const int row = m_model->rowOf(patientId);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

QString PeoplePage::selectedPatientId() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid())
        return {};
    return m_model->patientRow(m_proxy->mapToSource(current).row()).patient.id;
}

QString PeoplePage::everythingUrl() const
{
    const QString id = selectedPatientId();
    if (id.isEmpty())
        return {};
    return m_baseUrl + u"/api/open-fhir/Patient/"_s + id + u"/$everything"_s;
}

void PeoplePage::updateDetail()
{
    const QString id = selectedPatientId();
    m_copyUrlButton->setEnabled(!id.isEmpty());
    if (id.isEmpty()) {
        m_countModel->setCounts({});
        m_detailLabel->setText(tr("Select a patient to see their record by resource type."));
        return;
    }
    const PatientRow &row = m_model->patientRow(m_model->rowOf(id));
    m_countModel->setCounts(row.resourceCounts);
    m_detailLabel->setText(
        tr("%1 (%2): %n FHIR resource(s)", nullptr, row.resourceTotal).arg(row.patient.displayName, row.patient.id));
}

bool PeoplePage::importFiles(const QStringList &paths)
{
    if (paths.isEmpty() || (m_importer && m_importer->isRunning()))
        return false;
    FhirImporter *importer = m_sandbox.importFiles(paths);
    m_importer = importer;
    m_progressBar->setRange(0, 0);
    m_progressBar->setVisible(true);
    m_cancelImportButton->setVisible(true);
    m_importButton->setEnabled(false);
    m_importLabel->setText(tr("Importing %n file(s)…", nullptr, int(paths.size())));
    connect(importer, &FhirImporter::progressed, this, [this](qint64 done, qint64 total, int resources) {
        // Bytes can exceed an int: show per mille.
        m_progressBar->setRange(0, 1000);
        m_progressBar->setValue(total > 0 ? int(done * 1000 / total) : 0);
        m_importLabel->setText(tr("Importing… %n resource(s) so far", nullptr, resources));
    });
    connect(importer, &FhirImporter::finished, this, [this, importer](const ImportSummary &summary) {
        showImportSummary(summary);
        importer->deleteLater();
        Q_EMIT importFinished(summary);
    });
    return true;
}

void PeoplePage::chooseFilesToImport()
{
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Import FHIR data"),
                                                            UiHelpers::settings().value(u"import/folder"_s).toString(),
                                                            tr("FHIR JSON (*.json *.ndjson *.jsonl);;All files (*)"));
    if (paths.isEmpty())
        return;
    UiHelpers::settings().setValue(u"import/folder"_s, QFileInfo(paths.first()).absolutePath());
    importFiles(paths);
}

QString PeoplePage::importSummaryText() const
{
    return m_importLabel->text();
}

void PeoplePage::showImportSummary(const ImportSummary &summary)
{
    m_progressBar->setVisible(false);
    m_cancelImportButton->setVisible(false);
    m_importButton->setEnabled(true);
    QString text = tr("Imported %n resource(s)", nullptr, summary.imported());
    if (summary.rejected() > 0)
        text += u"; "_s + tr("%n rejected", nullptr, summary.rejected());
    if (summary.failedFiles() > 0)
        text += u"; "_s + tr("%n file(s) could not be read", nullptr, summary.failedFiles());
    if (summary.cancelled)
        text += u"; "_s + tr("cancelled");
    if (!summary.databaseError.isEmpty())
        text += u"; "_s + summary.databaseError;
    QStringList details;
    for (const ImportFileResult &file : summary.files) {
        const QString name = QFileInfo(file.file).fileName();
        if (!file.error.isEmpty())
            details.append(u"%1 %2"_s.arg(name, file.error));
        for (const ImportRejection &rejection : file.rejected.mid(0, 5))
            details.append(u"%1 %2: %3"_s.arg(name, rejection.where, rejection.reason));
    }
    if (!details.isEmpty())
        text += u":\n"_s + details.join(u'\n');
    m_importLabel->setText(text);
    m_importLabel->setToolTip(details.join(u'\n'));
    const QString selected = selectedPatientId();
    m_model->reload();
    if (!selected.isEmpty())
        selectPatient(selected);
}

void PeoplePage::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (std::any_of(urls.cbegin(), urls.cend(), [](const QUrl &url) { return url.isLocalFile(); }))
        event->acceptProposedAction();
}

void PeoplePage::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    }
    if (importFiles(paths))
        event->acceptProposedAction();
}
