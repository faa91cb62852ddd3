// SPDX-License-Identifier: Apache-2.0
#pragma once

// Every "now" in the program comes from a Clock. The real clock can be shifted (time travel in the
// UI); tests use ManualClock and move time explicitly instead of sleeping.

#include <QDateTime>
#include <QObject>

class Clock : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Clock)

public:
    explicit Clock(QObject *parent = nullptr);
    ~Clock() override;

    // Milliseconds since the Unix epoch, including the time-travel offset.
    qint64 nowMs() const;
    qint64 nowSeconds() const { return nowMs() / 1000; }
    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC); }

    qint64 offsetMs() const { return m_offsetMs; }
    void setOffsetMs(qint64 offsetMs);

Q_SIGNALS:
    void offsetChanged(qint64 offsetMs);

protected:
    virtual qint64 sourceMs() const;

private:
    qint64 m_offsetMs = 0;
};

// A clock that only moves when told to.
class ManualClock final : public Clock
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManualClock)

public:
    explicit ManualClock(qint64 startMs, QObject *parent = nullptr);

    void setNowMs(qint64 ms) { m_nowMs = ms; }
    void advanceMs(qint64 ms) { m_nowMs += ms; }
    void advanceSeconds(qint64 seconds) { m_nowMs += seconds * 1000; }

protected:
    qint64 sourceMs() const override { return m_nowMs; }

private:
    qint64 m_nowMs;
};
