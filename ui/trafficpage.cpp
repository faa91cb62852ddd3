// SPDX-License-Identifier: Apache-2.0
#include "trafficpage.h"

#include "clientnames.h"
#include "columnfilterproxy.h"
#include "exchangeview.h"
#include "requestlogmodel.h"
#include "sandbox.h"
#include "server/har.h"
#include "server/portalserver.h"
#include "server/replayrequest.h"
#include "server/requestlog.h"
#include "server/requestreplayer.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSaveFile>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

const auto s_harFolderKey = "traffic/harFolder"_L1;

QToolButton *actionButton(QAction *action, const QString &objectName, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setDefaultAction(action);
    return button;
}

} // namespace

TrafficPage::TrafficPage(Sandbox &sandbox, QWidget *parent)
    : QWidget(parent),
      m_sandbox(sandbox),
      m_model(new RequestLogModel(sandbox.requestLog(), this)),
      m_proxy(new ColumnFilterProxy({RequestLogModel::MethodColumn, RequestLogModel::PathColumn,
                                     RequestLogModel::StatusColumn, RequestLogModel::ClientColumn},
                                    this)),
      m_replayer(new RequestReplayer(sandbox.server(), this)),
      m_stack(new QStackedWidget(this)),
      m_emptyLabel(UiHelpers::makeEmptyStateLabel(u"trafficEmptyLabel"_s, this)),
      m_view(new QTableView(this)),
      m_filterEdit(new QLineEdit(this)),
      m_pauseButton(new QToolButton(this)),
      m_followButton(new QToolButton(this)),
      m_exchangeView(new ExchangeView(sandbox, this))
{
    setObjectName(u"trafficPage"_s);
    m_model->setClientNames(ClientNames::of(sandbox));
    m_proxy->setSourceModel(m_model);

    m_filterEdit->setObjectName(u"filterEdit"_s);
    m_filterEdit->setPlaceholderText(tr("Filter by path, method, status or client (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &ColumnFilterProxy::setFilterText);

    m_pauseButton->setObjectName(u"pauseButton"_s);
    m_pauseButton->setText(tr("Pause"));
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolTip(tr("Hold new requests back; they appear when you resume"));
    connect(m_pauseButton, &QToolButton::toggled, this, [this](bool paused) { m_model->setPaused(paused); });

    m_followButton->setObjectName(u"followButton"_s);
    m_followButton->setText(tr("Follow newest"));
    m_followButton->setCheckable(true);
    m_followButton->setChecked(true);
    m_followButton->setToolTip(tr("Scroll to each new request as it arrives"));

    m_copyCurlAction = makeAction(u"copyCurlAction"_s, tr("Copy as curl"),
                                  tr("Copy a curl command that sends this request again (Ctrl+Shift+C; Ctrl+C in the "
                                     "table)"),
                                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), &TrafficPage::copyCurrentAsCurl);
    m_copyCurlAction->setIcon(QIcon::fromTheme(u"edit-copy"_s));
    m_replayAction
        = makeAction(u"replayAction"_s, tr("Replay"), tr("Send this request again to the running server (Ctrl+R)"),
                     QKeySequence(Qt::CTRL | Qt::Key_R), &TrafficPage::replayCurrent);
    m_replayAction->setIcon(QIcon::fromTheme(u"view-refresh"_s));
    m_exportAction = makeAction(u"exportHarAction"_s, tr("Export HAR…"),
                                tr("Save the requests shown (all that match the filter) as an HTTP Archive (Ctrl+S)"),
                                QKeySequence::Save, nullptr);
    connect(m_exportAction, &QAction::triggered, this, [this] { (void)exportHar(false); });
    m_exportSelectedAction = makeAction(u"exportSelectedHarAction"_s, tr("Export selected as HAR…"),
                                        tr("Save the selected requests as an HTTP Archive"), {}, nullptr);
    connect(m_exportSelectedAction, &QAction::triggered, this, [this] { (void)exportHar(true); });
    m_clearAction = makeAction(u"clearAction"_s, tr("Clear…"), tr("Delete every logged request"), {}, nullptr);
    m_clearAction->setIcon(QIcon::fromTheme(u"edit-clear-all"_s));
    connect(m_clearAction, &QAction::triggered, this, [this] { (void)clearLog(); });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_pauseButton);
    bar->addWidget(m_followButton);
    bar->addWidget(actionButton(m_copyCurlAction, u"copyCurlButton"_s, this));
    bar->addWidget(actionButton(m_replayAction, u"replayButton"_s, this));
    bar->addWidget(actionButton(m_exportAction, u"exportHarButton"_s, this));
    bar->addWidget(actionButton(m_clearAction, u"clearButton"_s, this));

    m_view->setObjectName(u"trafficView"_s);
    m_view->setModel(m_proxy);
    UiHelpers::configureTableView(m_view);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection); // several rows for a HAR file
    m_view->horizontalHeader()->setSectionResizeMode(RequestLogModel::PathColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(RequestLogModel::FindingsColumn, m_view->fontMetrics().horizontalAdvance(u"⚠"_s) + 16);
    m_view->setColumnWidth(RequestLogModel::TimeColumn, m_view->fontMetrics().horizontalAdvance(u"00:00:00.000000"_s));
    UiHelpers::addViewAction(m_view, tr("Copy as curl"), QKeySequence::Copy, [this] { copyCurrentAsCurl(); });
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &position) {
        QMenu menu(this);
        menu.addActions({m_copyCurlAction, m_replayAction});
        menu.addSeparator();
        menu.addActions({m_exportSelectedAction, m_exportAction});
        menu.addSeparator();
        menu.addAction(m_clearAction);
        menu.exec(m_view->viewport()->mapToGlobal(position));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &TrafficPage::showSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TrafficPage::updateActions);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_followButton->isChecked())
            m_view->scrollToBottom();
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, &TrafficPage::updateEmptyState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TrafficPage::updateEmptyState);

    connect(m_replayer, &RequestReplayer::replayed, this,
            [this](quint64, int status) { Q_EMIT reported(tr("Replayed: the server answered %1").arg(status)); });
    connect(m_replayer, &RequestReplayer::replayFailed, this, [this](quint64, const QString &description) {
        Q_EMIT reported(tr("The replay failed: %1").arg(description));
    });

    m_stack->addWidget(m_emptyLabel);
    m_stack->addWidget(m_view);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(u"trafficSplitter"_s);
    splitter->addWidget(m_stack);
    splitter->addWidget(m_exchangeView);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);
    updateEmptyState();
    updateActions();
}

TrafficPage::~TrafficPage() = default;

QAction *TrafficPage::makeAction(const QString &name, const QString &text, const QString &toolTip,
                                 const QKeySequence &shortcut, void (TrafficPage::*slot)())
{
    auto *action = new QAction(text, this);
    action->setObjectName(name);
    action->setToolTip(toolTip);
    action->setShortcut(shortcut);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    if (slot)
        connect(action, &QAction::triggered, this, slot);
    QWidget::addAction(action);
    return action;
}

void TrafficPage::setBaseUrl(const QString &baseUrl)
{
    m_baseUrl = baseUrl;
    m_emptyLabel->setText(tr("No traffic yet: point your app at %1").arg(baseUrl + u"/api/fhir"_s));
}

void TrafficPage::updateEmptyState()
{
    m_stack->setCurrentWidget(m_model->rowCount() == 0 ? static_cast<QWidget *>(m_emptyLabel) : m_view);
    updateActions();
}

void TrafficPage::updateActions()
{
    const bool current = m_view->selectionModel()->currentIndex().isValid();
    m_copyCurlAction->setEnabled(current);
    m_replayAction->setEnabled(current);
    m_exportAction->setEnabled(m_model->rowCount() > 0);
    m_exportSelectedAction->setEnabled(m_view->selectionModel()->hasSelection());
    m_clearAction->setEnabled(m_model->rowCount() > 0);
}

std::optional<RequestLogEntry> TrafficPage::currentEntry() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid())
        return std::nullopt;
    return m_model->entry(m_proxy->mapToSource(current).row());
}

QList<RequestLogEntry> TrafficPage::selectedEntries() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QList<RequestLogEntry> entries;
    for (const QModelIndex &row : std::as_const(rows))
        entries.append(m_model->entry(m_proxy->mapToSource(row).row()));
    return entries;
}

QList<RequestLogEntry> TrafficPage::shownEntries() const
{
    QList<RequestLogEntry> entries;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        entries.append(m_model->entry(m_proxy->mapToSource(m_proxy->index(row, 0)).row()));
    return entries;
}

bool TrafficPage::showExchange(quint64 sequence)
{
    m_model->flushPending();
    int row = m_model->rowCount() - 1;
    while (row >= 0 && m_model->entry(row).sequence != sequence)
        --row;
    if (row < 0)
        return false;
    const QModelIndex source = m_model->index(row, RequestLogModel::PathColumn);
    if (!m_proxy->mapFromSource(source).isValid())
        m_filterEdit->clear();
    const QModelIndex shown = m_proxy->mapFromSource(source);
    if (!shown.isValid())
        return false;
    m_view->selectionModel()->setCurrentIndex(shown, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(shown);
    return true;
}

QString TrafficPage::curlCommand(const RequestLogEntry &entry) const
{
    const QString origin = m_baseUrl.isEmpty() ? m_sandbox.server().baseUrl() : m_baseUrl;
    return ReplayRequest::fromEntry(entry, origin).curlCommand();
}

void TrafficPage::copyCurrentAsCurl()
{
    const std::optional<RequestLogEntry> entry = currentEntry();
    if (!entry)
        return;
    UiHelpers::copyToClipboard(curlCommand(*entry));
    Q_EMIT reported(entry->requestBodyTruncated()
                        ? tr("Copied as curl; the log kept only part of the body, so the command sends less")
                        : tr("Copied %1 %2 as curl").arg(entry->method, entry->path));
}

void TrafficPage::replayCurrent()
{
    const std::optional<RequestLogEntry> entry = currentEntry();
    if (!entry)
        return;
    if (Status started = m_replayer->replay(*entry); !started) {
        Q_EMIT reported(started.error().description);
        return;
    }
    Q_EMIT reported(tr("Replaying %1 %2…").arg(entry->method, entry->path));
}

bool TrafficPage::exportHar(bool selectedOnly)
{
    const QList<RequestLogEntry> entries = selectedOnly ? selectedEntries() : shownEntries();
    if (entries.isEmpty()) {
        Q_EMIT reported(tr("There are no requests to export"));
        return false;
    }
    QSettings settings = UiHelpers::settings();
    const QString folder
        = settings.value(s_harFolderKey, QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
              .toString();
    const QString suggested = QDir(folder).filePath(
        u"smart-sandbox-%1.har"_s.arg(QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s)));
    const QString fileName = m_chooseFile(this, tr("Export HAR"), suggested, tr("HTTP Archive (*.har);;All files (*)"));
    if (fileName.isEmpty())
        return false;
    settings.setValue(s_harFolderKey, QFileInfo(fileName).absolutePath());
    return writeHar(fileName, entries);
}

bool TrafficPage::writeHar(const QString &fileName, const QList<RequestLogEntry> &entries)
{
    const QString origin = m_baseUrl.isEmpty() ? m_sandbox.server().baseUrl() : m_baseUrl;
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(QJsonDocument(Har::document(entries, origin)).toJson(QJsonDocument::Indented)) < 0
        || !file.commit()) {
        Q_EMIT reported(tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(fileName), file.errorString()));
        return false;
    }
    Q_EMIT reported(
        tr("Exported %n request(s) to %1", nullptr, int(entries.size())).arg(QDir::toNativeSeparators(fileName)));
    return true;
}

bool TrafficPage::clearLog()
{
    if (!m_confirm(this, tr("Clear the request log"),
                   tr("Delete every logged request, here and in the database? This cannot be undone."), tr("Clear")))
        return false;
    if (Status cleared = m_sandbox.requestLog().clear(); !cleared) {
        Q_EMIT reported(tr("The request log was not cleared: %1").arg(cleared.error().description));
        return false;
    }
    m_exchangeView->clear();
    return true;
}

void TrafficPage::showSelected()
{
    updateActions();
    if (const std::optional<RequestLogEntry> entry = currentEntry())
        m_exchangeView->showEntry(*entry);
    else
        m_exchangeView->clear();
}
