// SPDX-License-Identifier: Apache-2.0
#pragma once

// The server bar's clock: the sandbox's "now" in UTC (updated every second) with how far it has
// travelled, and the time travel actions (+1 min, +1 h, +1 day, a custom duration, back to now).
// They move the offset of the sandbox Clock; every countdown, expiry and introspection follows
// because they all read that clock.

#include <QPointer>
#include <QTimer>
#include <QWidget>

class Clock;
class QAction;
class QLabel;
class QMenu;
class QToolButton;
class TimeTravelDialog;

class TimeTravelWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimeTravelWidget)

public:
    explicit TimeTravelWidget(Clock &clock, QWidget *parent = nullptr);
    ~TimeTravelWidget() override;

    // The menu with every time travel action (the button's, and the main window's Time menu).
    QMenu *menu() const { return m_menu; }
    QLabel *clockLabel() const { return m_clockLabel; }

    // Moves the clock by `seconds` (negative: back).
    void travel(qint64 seconds);
    void backToNow();
    // Opens the custom duration dialog (not modal); travels when it is accepted.
    TimeTravelDialog *openCustomDialog();
    // "now" as the label shows it, and the offset as "+1 h 0 min" (empty when there is none).
    QString clockText() const;
    static QString offsetText(qint64 offsetMs);

Q_SIGNALS:
    void travelled(qint64 offsetMs);

private:
    QAction *makeAction(const QString &name, const QString &text, const QString &toolTip);
    void updateClock();

    Clock &m_clock;
    QLabel *m_clockLabel;
    QToolButton *m_travelButton;
    QMenu *m_menu;
    QAction *m_backAction = nullptr;
    QTimer m_ticker;
    QPointer<TimeTravelDialog> m_dialog;
};
