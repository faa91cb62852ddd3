// SPDX-License-Identifier: Apache-2.0
#pragma once

// Turns SIGINT and SIGTERM into a clean QCoreApplication::quit() (through a self-pipe, the only
// async-signal-safe way), so that a stopped sandbox writes its queued request log first.

#include <QObject>

class QSocketNotifier;

class SignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void stopRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};
