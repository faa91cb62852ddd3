// SPDX-License-Identifier: Apache-2.0
#include "timetravelwidget.h"

#include "clock.h"
#include "statecolors.h"
#include "timetraveldialog.h"
#include "tokenmodel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QToolButton>

using namespace Qt::StringLiterals;

TimeTravelWidget::TimeTravelWidget(Clock &clock, QWidget *parent)
    : QWidget(parent),
      m_clock(clock),
      m_clockLabel(new QLabel(this)),
      m_travelButton(new QToolButton(this)),
      m_menu(new QMenu(tr("T&ime"), this))
{
    setObjectName(u"timeTravelWidget"_s);
    m_clockLabel->setObjectName(u"clockLabel"_s);
    m_clockLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    const QList<QPair<qint64, QAction *>> steps = {
        {60, makeAction(u"travelMinuteAction"_s, tr("+1 &minute"), tr("Move the sandbox clock one minute ahead"))},
        {3600, makeAction(u"travelHourAction"_s, tr("+1 hou&r"), tr("Move the sandbox clock one hour ahead"))},
        {86400, makeAction(u"travelDayAction"_s, tr("+1 &day"), tr("Move the sandbox clock one day ahead"))},
    };
    for (const auto &[seconds, action] : steps)
        connect(action, &QAction::triggered, this, [this, seconds = seconds] { travel(seconds); });
    QAction *custom
        = makeAction(u"travelCustomAction"_s, tr("C&ustom…"), tr("Move the sandbox clock by a duration you choose"));
    connect(custom, &QAction::triggered, this, [this] { (void)openCustomDialog(); });
    m_menu->addSeparator();
    m_backAction = makeAction(u"backToNowAction"_s, tr("&Back to now"), tr("Return the sandbox clock to real time"));
    m_backAction->setIcon(QIcon::fromTheme(u"go-home"_s));
    connect(m_backAction, &QAction::triggered, this, &TimeTravelWidget::backToNow);

    m_travelButton->setObjectName(u"timeTravelButton"_s);
    m_travelButton->setText(tr("Time travel"));
    m_travelButton->setToolTip(tr("Move the sandbox clock: tokens, codes and approvals expire as if time had passed"));
    m_travelButton->setIcon(QIcon::fromTheme(u"appointment-new"_s));
    m_travelButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_travelButton->setPopupMode(QToolButton::InstantPopup);
    m_travelButton->setMenu(m_menu);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_clockLabel);
    layout->addWidget(m_travelButton);

    m_ticker.setInterval(1000);
    connect(&m_ticker, &QTimer::timeout, this, &TimeTravelWidget::updateClock);
    m_ticker.start();
    connect(&m_clock, &Clock::offsetChanged, this, &TimeTravelWidget::updateClock);
    updateClock();
}

TimeTravelWidget::~TimeTravelWidget() = default;

QAction *TimeTravelWidget::makeAction(const QString &name, const QString &text, const QString &toolTip)
{
    auto *action = m_menu->addAction(text);
    action->setObjectName(name);
    action->setToolTip(toolTip);
    action->setStatusTip(toolTip);
    return action;
}

void TimeTravelWidget::travel(qint64 seconds)
{
    m_clock.setOffsetMs(m_clock.offsetMs() + seconds * 1000);
    Q_EMIT travelled(m_clock.offsetMs());
}

void TimeTravelWidget::backToNow()
{
    m_clock.setOffsetMs(0);
    Q_EMIT travelled(0);
}

TimeTravelDialog *TimeTravelWidget::openCustomDialog()
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return m_dialog;
    }
    m_dialog = new TimeTravelDialog(window());
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, [this, dialog = m_dialog] {
        if (dialog && dialog->seconds() != 0)
            travel(dialog->seconds());
    });
    m_dialog->open();
    return m_dialog;
}

QString TimeTravelWidget::offsetText(qint64 offsetMs)
{
    if (offsetMs == 0)
        return {};
    const qint64 seconds = (qAbs(offsetMs) + 500) / 1000;
    return (offsetMs > 0 ? u"+"_s : u"−"_s) + TokenModel::formatDuration(seconds);
}

QString TimeTravelWidget::clockText() const
{
    const QDateTime now = m_clock.now();
    const QLocale locale;
    const QString time
        = locale.toString(now.date(), QLocale::ShortFormat) + u' ' + locale.toString(now.time(), u"HH:mm:ss"_s);
    const QString offset = offsetText(m_clock.offsetMs());
    return offset.isEmpty() ? tr("%1 UTC").arg(time) : tr("%1 UTC (travelled %2)").arg(time, offset);
}

void TimeTravelWidget::updateClock()
{
    const bool travelled = m_clock.offsetMs() != 0;
    m_clockLabel->setText(clockText());
    m_clockLabel->setToolTip(travelled ? tr("The sandbox clock is moved from real time; Back to now undoes it")
                                       : tr("The sandbox clock, which every expiry and countdown reads"));
    QPalette palette = m_clockLabel->palette();
    palette.setColor(QPalette::WindowText,
                     travelled ? StateColors::warning() : this->palette().color(QPalette::WindowText));
    m_clockLabel->setPalette(palette);
    QFont font = m_clockLabel->font();
    font.setBold(travelled);
    m_clockLabel->setFont(font);
    m_backAction->setEnabled(travelled);
}
