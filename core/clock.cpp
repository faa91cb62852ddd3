// SPDX-License-Identifier: Apache-2.0
#include "clock.h"

Clock::Clock(QObject *parent) : QObject(parent)
{ }

Clock::~Clock() = default;

qint64 Clock::nowMs() const
{
    return sourceMs() + m_offsetMs;
}

void Clock::setOffsetMs(qint64 offsetMs)
{
    if (offsetMs == m_offsetMs)
        return;
    m_offsetMs = offsetMs;
    Q_EMIT offsetChanged(offsetMs);
}

qint64 Clock::sourceMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

ManualClock::ManualClock(qint64 startMs, QObject *parent) : Clock(parent), m_nowMs(startMs)
{ }
