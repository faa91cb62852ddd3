// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Traffic tab: every exchange live in a filterable table, with pause and "follow newest",
// and a detail pane with the selected exchange's findings, headers and bodies.

#include <QWidget>

class ColumnFilterProxy;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QStackedWidget;
class QTableView;
class QToolButton;
class RequestLogModel;
class Sandbox;
struct RequestLogEntry;

class TrafficPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficPage)

public:
    explicit TrafficPage(Sandbox &sandbox, QWidget *parent = nullptr);
    ~TrafficPage() override;

    RequestLogModel *model() const { return m_model; }
    ColumnFilterProxy *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    // The FHIR base that the empty state tells the user to point an app at.
    void setFhirBase(const QString &fhirBase);

    // What the detail pane shows for one side of an exchange: the first line, the headers and the
    // body (JSON pretty-printed, forms as fields, binary as a size).
    static QString describeRequest(const RequestLogEntry &entry);
    static QString describeResponse(const RequestLogEntry &entry);

private:
    void showSelected();
    void updateEmptyState();

    Sandbox &m_sandbox;
    RequestLogModel *m_model;
    ColumnFilterProxy *m_proxy;
    QStackedWidget *m_stack;
    QLabel *m_emptyLabel;
    QTableView *m_view;
    QLineEdit *m_filterEdit;
    QToolButton *m_pauseButton;
    QToolButton *m_followButton;
    QLabel *m_summaryLabel;
    QLabel *m_findingsLabel;
    QPlainTextEdit *m_requestEdit;
    QPlainTextEdit *m_responseEdit;
    QString m_fhirBase;
};
