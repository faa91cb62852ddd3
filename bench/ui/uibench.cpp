// SPDX-License-Identifier: Apache-2.0
// bench-ui: is the window ever frozen? Runs the main window (offscreen) on its own sandbox and
// measures two things, reported in bench/RESULTS.md ("UI responsiveness"):
//  1. the longest stall of the UI event loop while a client thread sends a steady RATE requests a
//     second for SECONDS (a 2 ms heartbeat timer on the UI thread; a stall is how late it fires);
//  2. how long the Traffic page's filter takes on a request log of ENTRIES rows, per keystroke
//     (text set in the filter box until the view has been laid out and painted again).
// Prints one line per figure. The server answers on the UI thread, as in the app.
//
//   QT_QPA_PLATFORM=offscreen bench-ui [--rate 2000] [--seconds 10] [--entries 100000] [--flush-ms N]
//                                      [--external PORT_FILE [--warm-up S]]
//
// --external leaves the traffic to another process (bench/ui.sh runs wrk with bench/ui/paced.lua):
// the sandbox's port is written to PORT_FILE, the heartbeat starts after S seconds (default 2) and
// runs for SECONDS, and the rate reported is the requests the sandbox logged meanwhile. A client
// thread in this process cannot send 2,000 requests a second on two CPUs that the UI thread also
// needs, so that is how the stall target is measured.
//
// --flush-ms sets how often the request log writes to the database (the app's default otherwise);
// a value longer than the run keeps the writes out of it, to tell their stalls from the UI's.

#include "mainwindow.h"
#include "requestlogmodel.h"
#include "sandbox.h"
#include "server/requestlog.h"
#include "trafficpage.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

// Sends `rate` GET requests a second from its own thread, at most `inFlight` at a time, over
// several network managers: one keeps at most 6 connections to a host, too few for the rate
// when each answer waits for the UI thread to be scheduled.
class LoadDriver final : public QObject
{
public:
    LoadDriver(QString base, int rate) : m_base(std::move(base)), m_rate(rate) { }

    void start()
    {
        for (int i = 0; i < s_managers; ++i)
            m_networks.append(new QNetworkAccessManager(this));
        m_timer = new QTimer(this);
        m_timer->setTimerType(Qt::PreciseTimer);
        m_timer->setInterval(10);
        connect(m_timer, &QTimer::timeout, this, &LoadDriver::tick);
        m_clock.start();
        m_timer->start();
    }
    void stop()
    {
        m_timer->stop();
        for (QNetworkAccessManager *network : std::as_const(m_networks))
            network->deleteLater();
    }

    std::atomic<qint64> sent = 0;
    std::atomic<qint64> answered = 0;
    std::atomic<qint64> failed = 0;

private:
    void tick()
    {
        // Catch up to where the rate says we should be, so a late tick does not lower the rate.
        const qint64 due = m_clock.elapsed() * m_rate / 1000;
        static const QList<QString> paths = {u"/api/fhir/.well-known/smart-configuration"_s, u"/api/fhir/metadata"_s,
                                             u"/.well-known/jwks.json"_s, u"/no/such/path"_s};
        while (sent < due && sent - answered - failed < s_inFlight) {
            QNetworkRequest request(QUrl(m_base + paths.at(int(sent % paths.size()))));
            QNetworkReply *reply = m_networks.at(int(sent % s_managers))->get(request);
            ++sent;
            connect(reply, &QNetworkReply::finished, this, [this, reply] {
                const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                (status > 0 ? answered : failed)++;
                reply->deleteLater();
            });
        }
    }

    static constexpr qint64 s_inFlight = 128;
    static constexpr int s_managers = 8;
    QString m_base;
    int m_rate;
    QElapsedTimer m_clock;
    QList<QNetworkAccessManager *> m_networks;
    QTimer *m_timer = nullptr;
};

// Fires every 2 ms on the UI thread; each firing later than that is a stall of that length.
class Heartbeat final : public QObject
{
public:
    Heartbeat()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(s_intervalMs);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_stallsUs.push_back(std::max<qint64>(0, (now - m_last) / 1000 - s_intervalMs * 1000));
            m_last = now;
        });
    }
    void start()
    {
        m_stallsUs.clear();
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    std::vector<qint64> stalls() const { return m_stallsUs; }

private:
    static constexpr int s_intervalMs = 2;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<qint64> m_stallsUs;
};

qint64 percentile(std::vector<qint64> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(std::min(values.size() - 1, size_t(double(values.size()) * p)));
}

RequestLogEntry syntheticEntry(int i, qint64 startMs)
{
    static const QList<QString> paths = {u"/api/fhir/Patient/smart-1288992"_s,
                                         u"/api/fhir/Observation"_s,
                                         u"/oauth/token"_s,
                                         u"/oauth/introspect"_s,
                                         u"/api/fhir/metadata"_s,
                                         u"/oauth/authorize"_s,
                                         u"/api/fhir/Condition"_s,
                                         u"/no/such/path"_s};
    static const QList<QString> clients = {u"growth-chart"_s, u"test-suite"_s, u"bp-centiles"_s, {}};
    static const QList<int> statuses = {200, 200, 200, 201, 302, 400, 401, 404};
    RequestLogEntry entry;
    entry.sequence = quint64(i + 1);
    entry.startedAtMs = startMs + i;
    entry.durationUs = 300 + i % 5000;
    entry.method = i % 5 == 0 ? u"POST"_s : u"GET"_s;
    entry.path = paths.at(i % paths.size());
    entry.query = i % 3 == 0 ? u"patient=smart-%1&_count=50"_s.arg(1000000 + i % 977) : QString();
    entry.status = statuses.at((i / 3) % statuses.size());
    entry.clientId = clients.at(i % clients.size());
    return entry;
}

int intOption(const QStringList &arguments, const QString &name, int fallback)
{
    const qsizetype at = arguments.indexOf(name);
    return at >= 0 && at + 1 < arguments.size() ? arguments.at(at + 1).toInt() : fallback;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    const int rate = intOption(arguments, u"--rate"_s, 2000);
    const int seconds = intOption(arguments, u"--seconds"_s, 10);
    const int entries = intOption(arguments, u"--entries"_s, 100'000);
    const int flushMs = intOption(arguments, u"--flush-ms"_s, 0);
    const qsizetype externalAt = arguments.indexOf(u"--external"_s);
    const QString portFile
        = externalAt >= 0 && externalAt + 1 < arguments.size() ? arguments.at(externalAt + 1) : QString();
    const int warmUp = intOption(arguments, u"--warm-up"_s, 2);
    QStandardPaths::setTestModeEnabled(true);

    QTemporaryDir folder;
    SandboxOptions options;
    options.database = folder.filePath(u"bench.sqlite"_s);
    options.port = 0;
    Sandbox sandbox(options);
    if (Status opened = sandbox.open(); !opened) {
        std::fprintf(stderr, "bench-ui: %s\n", qUtf8Printable(opened.error().description));
        return 1;
    }
    Result<quint16> port = sandbox.start();
    if (!port) {
        std::fprintf(stderr, "bench-ui: %s\n", qUtf8Printable(port.error().description));
        return 1;
    }
    if (flushMs > 0)
        sandbox.requestLog().setFlushInterval(flushMs);
    MainWindow window(sandbox);
    window.resize(1400, 860);
    window.show();
    QCoreApplication::processEvents();

    // 1. Stalls under steady client traffic.
    Heartbeat heartbeat;
    if (!portFile.isEmpty()) {
        QFile file(portFile);
        if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray::number(*port) + '\n') < 0) {
            std::fprintf(stderr, "bench-ui: cannot write %s\n", qUtf8Printable(portFile));
            return 1;
        }
        file.close();
        qint64 logged = 0;
        bool measuring = false;
        QObject::connect(&sandbox.requestLog(), &RequestLog::requestLogged, &app, [&] {
            if (measuring)
                ++logged;
        });
        QTimer::singleShot(warmUp * 1000, &app, [&] {
            measuring = true;
            heartbeat.start();
        });
        // After the measured seconds, wait for the traffic to end (a second without a request)
        // before the filter is timed.
        QTimer quiet;
        quiet.setSingleShot(true);
        quiet.setInterval(1000);
        QObject::connect(&quiet, &QTimer::timeout, &app, &QCoreApplication::quit);
        QObject::connect(&sandbox.requestLog(), &RequestLog::requestLogged, &quiet, [&quiet] {
            if (quiet.isActive())
                quiet.start();
        });
        QTimer::singleShot((warmUp + seconds) * 1000, &app, [&] {
            heartbeat.stop();
            measuring = false;
            quiet.start();
        });
        QCoreApplication::exec();
        std::printf("load: %d s of external traffic (rate asked %d req/s): %lld requests answered (%.0f req/s)\n",
                    seconds, rate, logged, double(logged) / seconds);
    } else {
        QThread loadThread;
        LoadDriver driver(u"http://127.0.0.1:%1"_s.arg(*port), rate);
        driver.moveToThread(&loadThread);
        loadThread.start();
        heartbeat.start();
        QMetaObject::invokeMethod(&driver, &LoadDriver::start, Qt::QueuedConnection);
        QTimer::singleShot(seconds * 1000, &app, [&] {
            heartbeat.stop();
            QMetaObject::invokeMethod(&driver, &LoadDriver::stop, Qt::BlockingQueuedConnection);
            QCoreApplication::quit();
        });
        QCoreApplication::exec();
        loadThread.quit();
        loadThread.wait();
        std::printf("load: %d s at %d req/s asked: %lld sent, %lld answered (%.0f req/s), %lld failed\n", seconds, rate,
                    qint64(driver.sent), qint64(driver.answered), double(driver.answered) / seconds,
                    qint64(driver.failed));
    }
    const std::vector<qint64> stalls = heartbeat.stalls();
    const qint64 over50 = std::count_if(stalls.begin(), stalls.end(), [](qint64 us) { return us > 50'000; });
    std::printf("stall: max %.1f ms, p99 %.1f ms, p999 %.1f ms, %lld of %zu heartbeats later than 50 ms\n",
                double(percentile(stalls, 1.0)) / 1000, double(percentile(stalls, 0.99)) / 1000,
                double(percentile(stalls, 0.999)) / 1000, over50, stalls.size());

    // 2. Filtering a full request log.
    TrafficPage *traffic = window.trafficPage();
    window.tabWidget()->setCurrentWidget(traffic);
    traffic->filterEdit()->clear();
    traffic->model()->setRowLimit(entries);
    const qint64 startMs = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < entries; ++i)
        Q_EMIT sandbox.requestLog().requestLogged(syntheticEntry(i, startMs)); // as record() announces them
    traffic->model()->flushPending();
    QCoreApplication::processEvents();
    std::printf("log: %d rows in the model, %d shown\n", traffic->model()->rowCount(),
                traffic->view()->model()->rowCount());
    qint64 worstUs = 0;
    for (const QString &text : {u"p"_s, u"pa"_s, u"pat"_s, u"pati"_s, u"patient"_s, u"patient=smart-1000"_s,
                                u"patient"_s, u"404"_s, u"growth"_s, u"zzz"_s, QString()}) {
        QElapsedTimer timer;
        timer.start();
        traffic->filterEdit()->setText(text); // as typing it does
        traffic->view()->repaint();
        QCoreApplication::processEvents();
        const qint64 us = timer.nsecsElapsed() / 1000;
        worstUs = std::max(worstUs, us);
        std::printf("filter \"%s\": %.1f ms, %d rows shown\n", qUtf8Printable(text), double(us) / 1000,
                    traffic->view()->model()->rowCount());
    }
    std::printf("filter: worst %.1f ms on %d entries\n", double(worstUs) / 1000, entries);
    return 0;
}
