// SPDX-License-Identifier: Apache-2.0
#pragma once

// The real smart-sandbox executable in a child process, for tests that need what only a process
// has: two instances on one database, kill -9, file permissions, HTTPS as a client meets it.

#include <QProcess>
#include <QStringList>

namespace TestSupport {

class ServerProcess final
{
    Q_DISABLE_COPY_MOVE(ServerProcess)

public:
    // `program` is the executable (the tests get its path from CMake); `wrapper`, when given, runs
    // it (e.g. {"runuser", "-u", "nobody", "--"}).
    explicit ServerProcess(QString program, QStringList wrapper = {});
    ~ServerProcess();

    void setEnvironment(const QProcessEnvironment &environment) { m_process.setProcessEnvironment(environment); }
    // Starts the server and waits for the line that says where it listens; false when it exited
    // or said nothing within 60 seconds (output() then says why).
    bool start(const QStringList &arguments);
    // The two halves of start(), for starting several servers at the same moment.
    bool launch(const QStringList &arguments);
    bool waitUntilListening();
    quint16 port() const { return m_port; }
    QString scheme() const { return m_scheme; }
    // Everything it printed so far, standard output and error.
    QString output();
    // SIGTERM, and waits for a clean exit (code 0).
    bool stop();
    // SIGKILL: no flush, no clean-up, as a crash or the OOM killer would end it.
    void kill();
    qint64 processId() const { return m_process.processId(); }

private:
    QString m_program;
    QStringList m_wrapper;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
    QString m_scheme;
};

} // namespace TestSupport
