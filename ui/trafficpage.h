// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Traffic tab: every exchange live in a filterable table (findings marked), with pause and
// "follow newest", a detail pane (ExchangeView), and the actions on the selected exchanges: copy
// as curl, replay against the running server, export as HAR and clear. The work is core's
// (ReplayRequest, RequestReplayer, Har, RequestLog); this page picks the rows and shows results.

#include "uihelpers.h"

#include <QWidget>

#include <optional>

class ColumnFilterProxy;
class ExchangeView;
class QAction;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QToolButton;
class RequestLogModel;
class RequestReplayer;
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
    ExchangeView *exchangeView() const { return m_exchangeView; }
    RequestReplayer *replayer() const { return m_replayer; }
    // The origin curl commands and HAR files use, and the FHIR base the empty state names.
    void setBaseUrl(const QString &baseUrl);
    void setConfirmer(UiHelpers::Confirmer confirmer) { m_confirm = std::move(confirmer); }
    void setSaveFileChooser(UiHelpers::SaveFileChooser chooser) { m_chooseFile = std::move(chooser); }

    // The exchange in the current row, and the selected ones in table order.
    std::optional<RequestLogEntry> currentEntry() const;
    QList<RequestLogEntry> selectedEntries() const;
    // Every exchange the table shows (the filter applies), in table order.
    QList<RequestLogEntry> shownEntries() const;
    QString curlCommand(const RequestLogEntry &entry) const;
    // Selects the exchange with this sequence number (clearing the filter if it hides it); false
    // when the table no longer holds it.
    bool showExchange(quint64 sequence);

    void copyCurrentAsCurl();
    void replayCurrent();
    // Writes a HAR file of the shown (or the selected) exchanges, asking where; false when
    // cancelled or failed (the reason went to `reported`).
    bool exportHar(bool selectedOnly);
    bool writeHar(const QString &fileName, const QList<RequestLogEntry> &entries);
    // Asks, then deletes every logged request (the database table too).
    bool clearLog();

Q_SIGNALS:
    // A line for the status bar: what an action did or why it failed.
    void reported(const QString &text);

private:
    QAction *makeAction(const QString &name, const QString &text, const QString &toolTip, const QKeySequence &shortcut,
                        void (TrafficPage::*slot)());
    void showSelected();
    void updateActions();
    void updateEmptyState();

    Sandbox &m_sandbox;
    RequestLogModel *m_model;
    ColumnFilterProxy *m_proxy;
    RequestReplayer *m_replayer;
    QStackedWidget *m_stack;
    QLabel *m_emptyLabel;
    QTableView *m_view;
    QLineEdit *m_filterEdit;
    QToolButton *m_pauseButton;
    QToolButton *m_followButton;
    ExchangeView *m_exchangeView;
    QAction *m_copyCurlAction = nullptr;
    QAction *m_replayAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_exportSelectedAction = nullptr;
    QAction *m_clearAction = nullptr;
    QString m_baseUrl;
    UiHelpers::Confirmer m_confirm = UiHelpers::messageBoxConfirmer();
    UiHelpers::SaveFileChooser m_chooseFile = UiHelpers::fileDialogSaveChooser();
};
