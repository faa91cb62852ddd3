// SPDX-License-Identifier: Apache-2.0
#include "flowtimeline.h"

#include "requestlogmodel.h"
#include "statecolors.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

constexpr int s_margin = 8;
constexpr int s_boxWidth = 76;
constexpr int s_gap = 4;
constexpr int s_laneHeight = 40;

} // namespace

FlowTimeline::FlowTimeline(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAccessibleName(tr("Flow timeline"));
}

FlowTimeline::~FlowTimeline() = default;

void FlowTimeline::setFlow(const std::optional<LaunchFlow> &flow)
{
    m_flow = flow;
    updateGeometry();
    update();
}

QList<QRect> FlowTimeline::stepRects() const
{
    QList<QRect> rects;
    if (!m_flow || m_flow->steps.isEmpty())
        return rects;
    const qint64 start = m_flow->startedAtMs();
    const qint64 span = std::max<qint64>(1, m_flow->endedAtMs() - start);
    const qsizetype count = m_flow->steps.size();
    // The width the time scale may use once every box has its own room.
    const int usable = std::max(0, width() - 2 * s_margin - int(count) * (s_boxWidth + s_gap));
    int nextFree = s_margin;
    for (const FlowStep &step : m_flow->steps) {
        const int byTime = s_margin + int(double(step.entry.startedAtMs - start) / double(span) * usable);
        const int x = std::max(byTime, nextFree);
        rects.append(QRect(x, s_margin, s_boxWidth, s_laneHeight));
        nextFree = x + s_boxWidth + s_gap;
    }
    return rects;
}

int FlowTimeline::stepAt(const QPoint &point) const
{
    const QList<QRect> rects = stepRects();
    for (qsizetype i = 0; i < rects.size(); ++i) {
        if (rects.at(i).contains(point))
            return int(i);
    }
    return -1;
}

QString FlowTimeline::stepToolTip(int step) const
{
    if (!m_flow || step < 0 || step >= m_flow->steps.size())
        return {};
    const RequestLogEntry &entry = m_flow->steps.at(step).entry;
    QString text = u"%1: %2 %3 → %4"_s
                       .arg(m_flow->steps.at(step).name(), entry.method,
                            entry.query.isEmpty() ? entry.path : entry.path + u'?' + entry.query)
                       .arg(entry.status);
    if (const QString findings = RequestLogModel::findingsText(entry); !findings.isEmpty())
        text += u'\n' + findings;
    return text;
}

QSize FlowTimeline::sizeHint() const
{
    const int steps = m_flow ? int(m_flow->steps.size()) : 0;
    return {2 * s_margin + std::max(1, steps) * (s_boxWidth + s_gap), s_laneHeight + 2 * s_margin};
}

QSize FlowTimeline::minimumSizeHint() const
{
    return {s_boxWidth + 2 * s_margin, s_laneHeight + 2 * s_margin};
}

QColor FlowTimeline::fillOf(const FlowStep &step) const
{
    if (step.failed())
        return StateColors::bad();
    if (step.entry.status >= 300)
        return palette().color(QPalette::Highlight);
    return StateColors::good();
}

void FlowTimeline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    if (!m_flow || m_flow->steps.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("Select a flow to see its timeline."));
        return;
    }
    const QList<QRect> rects = stepRects();
    // The lane.
    painter.setPen(QPen(palette().color(QPalette::Mid), 2));
    const int laneY = s_margin + s_laneHeight / 2;
    painter.drawLine(s_margin, laneY, rects.constLast().right(), laneY);
    for (qsizetype i = 0; i < rects.size(); ++i) {
        const FlowStep &step = m_flow->steps.at(i);
        const QRect box = rects.at(i);
        const QColor fill = fillOf(step);
        painter.setPen(fill.darker(130));
        painter.setBrush(fill);
        painter.drawRoundedRect(box, 4, 4);
        painter.setPen(fill.lightness() < 128 ? Qt::white : Qt::black);
        painter.drawText(box.adjusted(2, 2, -2, -2), Qt::AlignCenter,
                         step.name() + u'\n' + QString::number(step.entry.status));
        if (!step.entry.findings.isEmpty()) {
            const QRect marker(box.right() - 13, box.top() - 6, 14, 14);
            painter.setPen(Qt::NoPen);
            painter.setBrush(StateColors::warning());
            painter.drawEllipse(marker);
            painter.setPen(Qt::white);
            painter.drawText(marker, Qt::AlignCenter, u"!"_s);
        }
    }
}

void FlowTimeline::mouseReleaseEvent(QMouseEvent *event)
{
    const int step = event->button() == Qt::LeftButton ? stepAt(event->position().toPoint()) : -1;
    if (step >= 0) {
        const RequestLogEntry entry = m_flow->steps.at(step).entry; // the slot may replace the flow
        Q_EMIT stepClicked(entry);
    }
    QWidget::mouseReleaseEvent(event);
}

bool FlowTimeline::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const QString text = stepToolTip(stepAt(help->pos()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}
