// SPDX-License-Identifier: Apache-2.0
// trivial-httpserver PORT: answers GET / with a small fixed JSON object on 127.0.0.1:PORT
// (0 picks a free port) and prints "listening on http://127.0.0.1:N".

#include <QCoreApplication>
#include <QHttpServer>
#include <QHttpServerResponse>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const quint16 wanted = argc > 1 ? quint16(QByteArray(argv[1]).toUInt()) : 0;
    QHttpServer server;
    server.route("/",
                 [] { return QHttpServerResponse("application/json", QByteArray(R"({"name":"trivial","ok":true})")); });
    const quint16 port = server.listen(QHostAddress::LocalHost, wanted);
    if (port == 0) {
        std::fprintf(stderr, "trivial-httpserver: cannot listen on port %u\n", unsigned(wanted));
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%u\n", unsigned(port));
    std::fflush(stdout);
    return app.exec();
}
