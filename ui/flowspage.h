// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Flows tab: the launch flows found in the live request log (FlowModel) and, for the
// selected one, its timeline (FlowTimeline) and the findings of its steps. Clicking a step asks
// for that exchange to be shown in Traffic.

#include <QWidget>

class ClientNames;
class FlowModel;
class FlowTimeline;
class QLabel;
class QSortFilterProxyModel;
class QTableView;
class Sandbox;
struct RequestLogEntry;

class FlowsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowsPage)

public:
    explicit FlowsPage(Sandbox &sandbox, QWidget *parent = nullptr);
    ~FlowsPage() override;

    FlowModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    FlowTimeline *timeline() const { return m_timeline; }
    QLabel *findingsLabel() const { return m_findingsLabel; }

Q_SIGNALS:
    // A step of the timeline was clicked: show that exchange.
    void exchangeRequested(const RequestLogEntry &entry);

private:
    void showSelected();

    const ClientNames *m_clientNames;
    FlowModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    FlowTimeline *m_timeline;
    QLabel *m_findingsLabel;
    qint64 m_shownFlowId = 0;
};
