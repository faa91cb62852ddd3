// SPDX-License-Identifier: Apache-2.0
#include "serverprocess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>

#include <csignal>

using namespace Qt::StringLiterals;

namespace TestSupport {

namespace {

constexpr int s_timeoutMs = 60'000;

} // namespace

ServerProcess::ServerProcess(QString program, QStringList wrapper)
    : m_program(std::move(program)), m_wrapper(std::move(wrapper))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

ServerProcess::~ServerProcess()
{
    if (m_process.state() != QProcess::NotRunning)
        kill();
}

bool ServerProcess::start(const QStringList &arguments)
{
    return launch(arguments) && waitUntilListening();
}

bool ServerProcess::launch(const QStringList &arguments)
{
    m_output.clear();
    m_port = 0;
    if (m_wrapper.isEmpty()) {
        m_process.start(m_program, arguments);
    } else {
        m_process.start(m_wrapper.first(), m_wrapper.mid(1) + QStringList{m_program} + arguments);
    }
    return m_process.waitForStarted(s_timeoutMs);
}

bool ServerProcess::waitUntilListening()
{
    static const QRegularExpression listening(u"listening on (https?)://[^:]+:(\\d+)"_s);
    const QDeadlineTimer deadline(s_timeoutMs);
    while (m_process.state() == QProcess::Running && !deadline.hasExpired()) {
        if (!m_process.waitForReadyRead(int(deadline.remainingTime())))
            break;
        m_output += m_process.readAll();
        // The startup lines end with how to stop it; the port is in the first one.
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(m_output));
        if (match.hasMatch() && m_output.contains("to stop.")) {
            m_scheme = match.captured(1);
            m_port = quint16(match.captured(2).toUInt());
            return true;
        }
    }
    m_output += m_process.readAll();
    return false;
}

QString ServerProcess::output()
{
    m_output += m_process.readAll();
    return QString::fromUtf8(m_output);
}

bool ServerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return false;
    // Through a wrapper (runuser), the signal goes to the wrapper, which passes it on.
    ::kill(pid_t(m_process.processId()), SIGTERM);
    const bool finished = m_process.waitForFinished(s_timeoutMs);
    m_output += m_process.readAll();
    return finished && m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
}

void ServerProcess::kill()
{
    m_process.kill();
    m_process.waitForFinished(s_timeoutMs);
    m_output += m_process.readAll();
}

} // namespace TestSupport
