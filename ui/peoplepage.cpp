// SPDX-License-Identifier: Apache-2.0
#include "peoplepage.h"

#include "columnfilterproxy.h"
#include "peoplemodel.h"
#include "uihelpers.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
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
                                                  this))
{
    setObjectName(u"peoplePage"_s);
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
