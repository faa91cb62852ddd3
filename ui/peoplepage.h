// SPDX-License-Identifier: Apache-2.0
#pragma once

// The People and data tab: the portal's patients with the users who act for them and the size of
// their FHIR record, and the selected patient's record by resource type, with a copy of the URL
// that reads it on the open endpoint. FHIR files dropped on the tab (or chosen with Import…) are
// imported on the core's worker thread, with a progress bar and a summary of what was rejected.

#include "fhir/importsummary.h"

#include <QPointer>
#include <QWidget>

class ColumnFilterProxy;
class FhirImporter;
class QProgressBar;
class PeopleModel;
class QLabel;
class QLineEdit;
class QTableView;
class QToolButton;
class ResourceCountModel;
class Sandbox;

class PeoplePage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeoplePage)

public:
    explicit PeoplePage(Sandbox &sandbox, QWidget *parent = nullptr);
    ~PeoplePage() override;

    PeopleModel *model() const { return m_model; }
    ResourceCountModel *countModel() const { return m_countModel; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    void selectPatient(const QString &patientId);
    QString selectedPatientId() const;
    // The URL of Patient/<id>/$everything on the open endpoint.
    QString everythingUrl() const;
    void setBaseUrl(const QString &baseUrl) { m_baseUrl = baseUrl; }

    // Imports FHIR files (Bundles, NDJSON, single resources, folders) on the core's worker, with
    // the progress bar and, at the end, the summary; false when an import is already running.
    bool importFiles(const QStringList &paths);
    void chooseFilesToImport();
    QString importSummaryText() const;

Q_SIGNALS:
    void importFinished(const ImportSummary &summary);

protected:
    void showEvent(QShowEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void updateDetail();
    void showImportSummary(const ImportSummary &summary);

    Sandbox &m_sandbox;
    PeopleModel *m_model;
    ColumnFilterProxy *m_proxy;
    ResourceCountModel *m_countModel;
    QTableView *m_view;
    QTableView *m_countView;
    QLineEdit *m_filterEdit;
    QLabel *m_summaryLabel;
    QLabel *m_detailLabel;
    QToolButton *m_refreshButton;
    QToolButton *m_copyUrlButton;
    QToolButton *m_importButton;
    QToolButton *m_cancelImportButton;
    QProgressBar *m_progressBar;
    QLabel *m_importLabel;
    QPointer<FhirImporter> m_importer;
    QString m_baseUrl;
};
