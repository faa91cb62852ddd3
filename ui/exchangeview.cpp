// SPDX-License-Identifier: Apache-2.0
#include "exchangeview.h"

#include "clientnames.h"
#include "clock.h"
#include "jsonhighlighter.h"
#include "oauth/jwtinspector.h"
#include "requestlogmodel.h"
#include "sandbox.h"
#include "statecolors.h"
#include "tokenmodel.h"
#include "uihelpers.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QStringDecoder>
#include <QTabWidget>
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
        return ExchangeView::tr("(no body)");
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
            text = ExchangeView::tr("(%n byte(s) of binary data)", nullptr, int(qMin<qint64>(size, INT_MAX)));
    }
    if (truncated)
        text += u'\n' + ExchangeView::tr("… cut at %1 of %2 bytes").arg(body.size()).arg(size);
    return text;
}

QString describeHeaders(const HeaderList &headers)
{
    QString text;
    for (const auto &[key, value] : headers)
        text += QString::fromLatin1(key) + u": "_s + QString::fromUtf8(value) + u'\n';
    return text;
}

QString describePlace(const InspectedJwt &jwt)
{
    switch (jwt.place) {
    case InspectedJwt::Place::AuthorizationHeader: return ExchangeView::tr("Bearer token in the Authorization header");
    case InspectedJwt::Place::RequestQuery: return ExchangeView::tr("Query parameter %1").arg(jwt.name);
    case InspectedJwt::Place::RequestForm: return ExchangeView::tr("Form field %1 of the request").arg(jwt.name);
    case InspectedJwt::Place::RequestJson: return ExchangeView::tr("Field %1 of the request body").arg(jwt.name);
    case InspectedJwt::Place::ResponseJson: return ExchangeView::tr("Field %1 of the response").arg(jwt.name);
    }
    return jwt.name;
}

QString indentedJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)).trimmed();
}

} // namespace

ExchangeView::ExchangeView(Sandbox &sandbox, QWidget *parent)
    : QWidget(parent),
      m_sandbox(sandbox),
      m_summaryLabel(new QLabel(this)),
      m_findingsLabel(new QLabel(this)),
      m_tabs(new QTabWidget(this)),
      m_requestEdit(new QPlainTextEdit(this)),
      m_responseEdit(new QPlainTextEdit(this)),
      m_jwtEdit(new QPlainTextEdit(this))
{
    setObjectName(u"exchangeView"_s);
    m_summaryLabel->setObjectName(u"summaryLabel"_s);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_findingsLabel->setObjectName(u"findingsLabel"_s);
    m_findingsLabel->setWordWrap(true);
    m_findingsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_findingsLabel->font();
    bold.setBold(true);
    m_findingsLabel->setFont(bold);

    m_tabs->setObjectName(u"exchangeTabWidget"_s);
    m_tabs->setDocumentMode(true);
    for (QPlainTextEdit *edit : {m_requestEdit, m_responseEdit, m_jwtEdit}) {
        edit->setReadOnly(true);
        edit->setFont(UiHelpers::monospaceFont());
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    new JsonHighlighter(m_requestEdit->document(), JsonHighlighter::Mode::HttpMessage);
    new JsonHighlighter(m_responseEdit->document(), JsonHighlighter::Mode::HttpMessage);
    new JsonHighlighter(m_jwtEdit->document(), JsonHighlighter::Mode::Json);
    m_requestEdit->setObjectName(u"requestEdit"_s);
    m_responseEdit->setObjectName(u"responseEdit"_s);
    m_jwtEdit->setObjectName(u"jwtEdit"_s);
    m_tabs->addTab(m_requestEdit, tr("Request"));
    m_tabs->addTab(m_responseEdit, tr("Response"));
    m_tabs->addTab(m_jwtEdit, tr("JWTs"));
    m_tabs->setTabToolTip(2, tr("Every JSON Web Token in the exchange, decoded, with its signature checked"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summaryLabel);
    layout->addWidget(m_findingsLabel);
    layout->addWidget(m_tabs, 1);

    // Relative times follow the clock while someone can read them; a hidden pane costs nothing.
    m_jwtTicker.setInterval(1000);
    connect(&m_jwtTicker, &QTimer::timeout, this, [this] {
        if (m_jwtEdit->isVisible())
            refreshJwtTimes();
    });
    connect(&sandbox.clock(), &Clock::offsetChanged, this, &ExchangeView::refreshJwtTimes);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentWidget() == m_jwtEdit)
            refreshJwtTimes();
    });
    clear();
}

ExchangeView::~ExchangeView() = default;

void ExchangeView::clear()
{
    m_summaryLabel->setText(tr("Select a request to see its headers, bodies and tokens."));
    m_findingsLabel->hide();
    m_requestEdit->clear();
    m_responseEdit->clear();
    m_jwtEdit->clear();
    m_jwts.clear();
    m_jwtTicker.stop();
    m_tabs->setTabText(2, tr("JWTs"));
}

void ExchangeView::showEntry(const RequestLogEntry &entry)
{
    const QString duration = QLocale().toString(double(entry.durationUs) / 1000.0, 'f', 1);
    QString summary = tr("%1 %2 → %3 in %4 ms").arg(entry.method, entry.path).arg(entry.status).arg(duration);
    if (!entry.clientId.isEmpty())
        summary += u"  ·  "_s + tr("client %1").arg(ClientNames::of(m_sandbox)->nameAndId(entry.clientId));
    m_summaryLabel->setText(summary);
    if (entry.findings.isEmpty()) {
        m_findingsLabel->hide();
    } else {
        QPalette palette = m_findingsLabel->palette();
        palette.setColor(QPalette::WindowText, StateColors::warning());
        m_findingsLabel->setPalette(palette);
        m_findingsLabel->setText(RequestLogModel::findingsText(entry));
        m_findingsLabel->show();
    }
    m_requestEdit->setPlainText(describeRequest(entry));
    m_responseEdit->setPlainText(describeResponse(entry));

    const JwtInspector inspector(m_sandbox.keys(), m_sandbox.clients(), m_sandbox.clientKeySets());
    m_jwts = inspector.inspect(entry);
    m_jwtEdit->clear();
    refreshJwtTimes();
    if (m_jwts.isEmpty())
        m_jwtTicker.stop();
    else
        m_jwtTicker.start();
    m_tabs->setTabText(2, tr("JWTs (%1)").arg(m_jwts.size()));
}

void ExchangeView::refreshJwtTimes()
{
    QStringList parts;
    for (const InspectedJwt &jwt : std::as_const(m_jwts))
        parts.append(describeJwt(jwt, m_sandbox.clock().nowMs()));
    const QString text = parts.isEmpty() ? tr("No JSON Web Token in this exchange.")
                                         : parts.join(u"\n\n"_s + QString(40, u'─') + u"\n\n"_s);
    if (text == m_jwtEdit->toPlainText())
        return;
    // Rewriting keeps the reader's place.
    const int vertical = m_jwtEdit->verticalScrollBar()->value();
    const int horizontal = m_jwtEdit->horizontalScrollBar()->value();
    m_jwtEdit->setPlainText(text);
    m_jwtEdit->verticalScrollBar()->setValue(vertical);
    m_jwtEdit->horizontalScrollBar()->setValue(horizontal);
}

QString ExchangeView::describeRequest(const RequestLogEntry &entry)
{
    const QString target = entry.query.isEmpty() ? entry.path : entry.path + u'?' + entry.query;
    return entry.method + u' ' + target + u'\n' + describeHeaders(entry.requestHeaders) + u'\n'
        + describeBody(entry.requestHeaders, entry.requestBody, entry.requestBodySize, entry.requestBodyTruncated());
}

QString ExchangeView::describeResponse(const RequestLogEntry &entry)
{
    return QString::number(entry.status) + u'\n' + describeHeaders(entry.responseHeaders) + u'\n'
        + describeBody(entry.responseHeaders, entry.responseBody, entry.responseBodySize,
                       entry.responseBodyTruncated());
}

QString ExchangeView::describeSignature(const InspectedJwt &jwt)
{
    const bool server = jwt.key == InspectedJwt::Key::Server;
    switch (jwt.signature) {
    case InspectedJwt::Signature::Valid:
        return server ? tr("✔ Signature valid: signed with this sandbox's key (kid %1)").arg(jwt.keyId)
                      : tr("✔ Signature valid: checked with the keys client %1 registered").arg(jwt.clientId);
    case InspectedJwt::Signature::Invalid:
        return server ? tr("✘ Signature NOT valid for this sandbox's key: %1").arg(jwt.error)
                      : tr("✘ Signature NOT valid for the keys client %1 registered: %2").arg(jwt.clientId, jwt.error);
    case InspectedJwt::Signature::NotChecked: return tr("Signature not checked: key unknown");
    }
    return {};
}

QString ExchangeView::describeJwt(const InspectedJwt &jwt, qint64 nowMs)
{
    QString text = describePlace(jwt) + u'\n' + describeSignature(jwt) + u"\n\n"_s + tr("Header:") + u'\n'
        + indentedJson(jwt.header) + u"\n\n"_s + tr("Payload:") + u'\n' + indentedJson(jwt.payload);
    QStringList times;
    for (const QString &claim : JwtInspector::timeClaims()) {
        const QJsonValue value = jwt.payload.value(claim);
        if (!value.isDouble())
            continue;
        const qint64 seconds = qint64(value.toDouble());
        const QString date = QLocale().toString(QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC), QLocale::LongFormat);
        const qint64 delta = seconds - nowMs / 1000;
        const QString relative = delta >= 0 ? tr("in %1").arg(TokenModel::formatDuration(delta))
                                            : tr("%1 ago").arg(TokenModel::formatDuration(-delta));
        times.append(u"  "_s + claim.leftJustified(10) + date + u"  ("_s + relative + u')');
    }
    if (!times.isEmpty())
        text += u"\n\n"_s + tr("Times (UTC, relative to the sandbox clock):") + u'\n' + times.join(u'\n');
    return text;
}
