// SPDX-License-Identifier: Apache-2.0
#pragma once

// The timeline of one launch flow: one lane, a box per step placed by its start time on the
// sandbox clock (pushed right when steps are closer than a box is wide), coloured by status
// class, with a ⚠ marker on steps that have findings. Hovering shows the exchange and its
// findings; clicking a step announces it (the Flows tab then selects it in Traffic).

#include "server/flowgrouper.h"

#include <QWidget>

#include <optional>

class FlowTimeline final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowTimeline)

public:
    explicit FlowTimeline(QWidget *parent = nullptr);
    ~FlowTimeline() override;

    void setFlow(const std::optional<LaunchFlow> &flow);
    const std::optional<LaunchFlow> &flow() const { return m_flow; }
    // Where each step's box is drawn, in step order.
    QList<QRect> stepRects() const;
    // The step under a point, or -1.
    int stepAt(const QPoint &point) const;
    // The tooltip of a step: method, path, status and findings.
    QString stepToolTip(int step) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void stepClicked(const RequestLogEntry &entry);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    bool event(QEvent *event) override;

private:
    QColor fillOf(const FlowStep &step) const;

    std::optional<LaunchFlow> m_flow;
};
