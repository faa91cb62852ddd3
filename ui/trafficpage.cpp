// SPDX-License-Identifier: Apache-2.0
#include "trafficpage.h"

#include "columnfilterproxy.h"
#include "requestlogmodel.h"
#include "sandbox.h"
#include "server/requestlog.h"
#include "statecolors.h"
#include "uihelpers.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStackedWidget>
#include <QStringDecoder>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QString describeBody(const HeaderList &headers, const QByteArray &body, qint64 size, bool truncated)
{
    if (size == 0)
        return TrafficPage::tr("(no body)");
    QString text;
    const QByteArray type = headerValue(headers, "content-type").toLower();
    QJsonParseError error{};
    const QJsonDocument json = truncated ? QJsonDocument() : QJsonDocument::fromJson(body, &error);
    if (!json.isNull() && error.error == QJsonParseError::NoError) {
        text = QString::fromUtf8(json.toJson(QJsonDocument::Indented)).trimmed();
    } else if (type.contains("application/x-www-form-urlencoded")) {
        const QUrlQuery query(QString::fromUtf8(body));
        for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded))
            text += key + u" = "_s + value + u'\n';
        text = text.trimmed();
    } else {
        QStringDecoder decoder(QStringDecoder::Utf8);
        text = decoder.decode(body);
        if (decoder.hasError())
            text = TrafficPage::tr("(%n byte(s) of binary data)", nullptr, int(qMin<qint64>(size, INT_MAX)));
    }
    if (truncated)
        text += u'\n' + TrafficPage::tr("… cut at %1 of %2 bytes").arg(body.size()).arg(size);
    return text;
}

QString describeHeaders(const HeaderList &headers)
{
    QString text;
    for (const auto &[key, value] : headers)
        text += QString::fromLatin1(key) + u": "_s + QString::fromUtf8(value) + u'\n';
    return text;
}

} // namespace

TrafficPage::TrafficPage(Sandbox &sandbox, QWidget *parent)
    : QWidget(parent),
      m_sandbox(sandbox),
      m_model(new RequestLogModel(sandbox.requestLog(), this)),
      m_proxy(new ColumnFilterProxy({RequestLogModel::MethodColumn, RequestLogModel::PathColumn,
                                     RequestLogModel::StatusColumn, RequestLogModel::ClientColumn},
                                    this)),
      m_stack(new QStackedWidget(this)),
      m_emptyLabel(UiHelpers::makeEmptyStateLabel(u"trafficEmptyLabel"_s, this)),
      m_view(new QTableView(this)),
      m_filterEdit(new QLineEdit(this)),
      m_pauseButton(new QToolButton(this)),
      m_followButton(new QToolButton(this)),
      m_summaryLabel(new QLabel(this)),
      m_findingsLabel(new QLabel(this)),
      m_requestEdit(new QPlainTextEdit(this)),
      m_responseEdit(new QPlainTextEdit(this))
{
    setObjectName(u"trafficPage"_s);
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

    auto *clearButton = new QToolButton(this);
    clearButton->setObjectName(u"clearButton"_s);
    clearButton->setText(tr("Clear"));
    clearButton->setToolTip(tr("Delete every logged request"));
    connect(clearButton, &QToolButton::clicked, this, [this] { (void)m_sandbox.requestLog().clear(); });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_pauseButton);
    bar->addWidget(m_followButton);
    bar->addWidget(clearButton);

    m_view->setObjectName(u"trafficView"_s);
    m_view->setModel(m_proxy);
    UiHelpers::configureTableView(m_view);
    m_view->horizontalHeader()->setSectionResizeMode(RequestLogModel::PathColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(RequestLogModel::TimeColumn, m_view->fontMetrics().horizontalAdvance(u"00:00:00.000000"_s));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &TrafficPage::showSelected);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_followButton->isChecked())
            m_view->scrollToBottom();
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, &TrafficPage::updateEmptyState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TrafficPage::updateEmptyState);

    m_stack->addWidget(m_emptyLabel);
    m_stack->addWidget(m_view);

    m_summaryLabel->setObjectName(u"summaryLabel"_s);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summaryLabel->setText(tr("Select a request to see its headers and bodies."));
    m_findingsLabel->setObjectName(u"findingsLabel"_s);
    m_findingsLabel->setWordWrap(true);
    m_findingsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_findingsLabel->hide();
    QFont bold = m_findingsLabel->font();
    bold.setBold(true);
    m_findingsLabel->setFont(bold);

    auto *sides = new QTabWidget(this);
    sides->setObjectName(u"exchangeTabWidget"_s);
    sides->setDocumentMode(true);
    for (QPlainTextEdit *edit : {m_requestEdit, m_responseEdit}) {
        edit->setReadOnly(true);
        edit->setFont(UiHelpers::monospaceFont());
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    m_requestEdit->setObjectName(u"requestEdit"_s);
    m_responseEdit->setObjectName(u"responseEdit"_s);
    sides->addTab(m_requestEdit, tr("Request"));
    sides->addTab(m_responseEdit, tr("Response"));

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_summaryLabel);
    detailLayout->addWidget(m_findingsLabel);
    detailLayout->addWidget(sides, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(u"trafficSplitter"_s);
    splitter->addWidget(m_stack);
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);
    updateEmptyState();
}

TrafficPage::~TrafficPage() = default;

void TrafficPage::setFhirBase(const QString &fhirBase)
{
    m_fhirBase = fhirBase;
    m_emptyLabel->setText(tr("No traffic yet: point your app at %1").arg(fhirBase));
}

void TrafficPage::updateEmptyState()
{
    m_stack->setCurrentWidget(m_model->rowCount() == 0 ? static_cast<QWidget *>(m_emptyLabel) : m_view);
}

QString TrafficPage::describeRequest(const RequestLogEntry &entry)
{
    const QString target = entry.query.isEmpty() ? entry.path : entry.path + u'?' + entry.query;
    return entry.method + u' ' + target + u'\n' + describeHeaders(entry.requestHeaders) + u'\n'
        + describeBody(entry.requestHeaders, entry.requestBody, entry.requestBodySize, entry.requestBodyTruncated());
}

QString TrafficPage::describeResponse(const RequestLogEntry &entry)
{
    return QString::number(entry.status) + u'\n' + describeHeaders(entry.responseHeaders) + u'\n'
        + describeBody(entry.responseHeaders, entry.responseBody, entry.responseBodySize,
                       entry.responseBodyTruncated());
}

void TrafficPage::showSelected()
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_summaryLabel->setText(tr("Select a request to see its headers and bodies."));
        m_findingsLabel->hide();
        m_requestEdit->clear();
        m_responseEdit->clear();
        return;
    }
    const auto entry = current.data(RequestLogModel::EntryRole).value<RequestLogEntry>();
    const QString duration = QLocale().toString(double(entry.durationUs) / 1000.0, 'f', 1);
    QString summary = tr("%1 %2 → %3 in %4 ms").arg(entry.method, entry.path).arg(entry.status).arg(duration);
    if (!entry.clientId.isEmpty())
        summary += u"  ·  "_s + tr("client %1").arg(entry.clientId);
    m_summaryLabel->setText(summary);
    if (entry.findings.isEmpty()) {
        m_findingsLabel->hide();
    } else {
        QPalette palette = m_findingsLabel->palette();
        palette.setColor(QPalette::WindowText, StateColors::warning());
        m_findingsLabel->setPalette(palette);
        QString text = tr("%n finding(s):", nullptr, int(entry.findings.size()));
        for (const QString &finding : entry.findings)
            text += u"\n• "_s + finding;
        m_findingsLabel->setText(text);
        m_findingsLabel->show();
    }
    m_requestEdit->setPlainText(describeRequest(entry));
    m_responseEdit->setPlainText(describeResponse(entry));
}
