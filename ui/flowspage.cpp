// SPDX-License-Identifier: Apache-2.0
#include "flowspage.h"

#include "clientnames.h"
#include "flowmodel.h"
#include "flowtimeline.h"
#include "sandbox.h"
#include "server/requestlog.h"
#include "uihelpers.h"

#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

FlowsPage::FlowsPage(Sandbox &sandbox, QWidget *parent)
    : QWidget(parent),
      m_clientNames(ClientNames::of(sandbox)),
      m_model(new FlowModel(sandbox.requestLog(), this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_view(new QTableView(this)),
      m_timeline(new FlowTimeline(this)),
      m_findingsLabel(new QLabel(this))
{
    setObjectName(u"flowsPage"_s);
    m_model->setClientNames(m_clientNames);
    m_proxy->setSourceModel(m_model);

    m_view->setObjectName(u"flowsView"_s);
    m_view->setModel(m_proxy);
    UiHelpers::configureTableView(m_view);
    m_view->horizontalHeader()->setSectionResizeMode(FlowModel::ClientColumn, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(FlowModel::StatusColumn, QHeaderView::ResizeToContents);

    m_timeline->setObjectName(u"flowTimeline"_s);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_timeline);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    scroll->setFixedHeight(m_timeline->sizeHint().height() + 24);

    m_findingsLabel->setObjectName(u"flowFindingsLabel"_s);
    m_findingsLabel->setWordWrap(true);
    m_findingsLabel->setTextFormat(Qt::PlainText);
    m_findingsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_findingsLabel->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    auto *hint = new QLabel(tr("Click a step to show the exchange in Traffic."), detail);
    hint->setForegroundRole(QPalette::PlaceholderText);
    detailLayout->addWidget(scroll);
    detailLayout->addWidget(hint);
    detailLayout->addWidget(m_findingsLabel, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_view);
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &FlowsPage::showSelected);
    connect(m_model, &FlowModel::flowExtended, this, [this](qint64 flowId) {
        if (flowId == m_shownFlowId)
            showSelected();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &FlowsPage::showSelected);
    connect(m_timeline, &FlowTimeline::stepClicked, this, &FlowsPage::exchangeRequested);
    showSelected();
}

FlowsPage::~FlowsPage() = default;

void FlowsPage::showSelected()
{
    const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
    const LaunchFlow *flow = current.isValid() ? &m_model->flow(current.row()) : nullptr;
    m_shownFlowId = flow ? flow->id : 0;
    m_timeline->setFlow(flow ? std::optional<LaunchFlow>(*flow) : std::nullopt);
    QStringList lines;
    if (flow) {
        lines.append(tr("Flow of %1: %2").arg(m_clientNames->nameAndId(flow->clientId), FlowModel::outcomeText(*flow)));
        for (const FlowStep &step : flow->steps) {
            for (const QString &finding : step.entry.findings)
                lines.append(u"%1 (%2 %3): %4"_s.arg(step.name(), step.entry.method, step.entry.path, finding));
        }
    }
    m_findingsLabel->setText(lines.join(u'\n'));
}
