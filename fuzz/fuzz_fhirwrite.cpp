// SPDX-License-Identifier: Apache-2.0
// FHIR writes through the whole request pipeline (route, body limit, JSON, resource checks, store)
// on a sandbox with an in-memory database: the first byte picks create or update and the type,
// the rest is the body. Whatever the body, the answer is a FHIR answer below 500.

#include "fhir/fhirtypes.h"
#include "fuzzcheck.h"
#include "sandbox.h"
#include "server/portalserver.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdlib>
#include <memory>

namespace {
std::unique_ptr<QCoreApplication> s_application;
std::unique_ptr<Sandbox> s_sandbox;
} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    s_application = std::make_unique<QCoreApplication>(*argc, *argv);
    SandboxOptions options;
    options.database = QStringLiteral(":memory:");
    options.openFhirWrites = true;
    options.samplePatients = 0;
    s_sandbox = std::make_unique<Sandbox>(options);
    const Status opened = s_sandbox->open();
    FUZZ_CHECK(opened);
    // Registered after Qt SQL's own globals exist, so this runs before they are destroyed.
    std::atexit([] {
        s_sandbox.reset();
        s_application.reset();
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QList<Fhir::ResourceDefinition> &types = Fhir::resourceDefinitions();
    const QString type = types.at(data[0] % types.size()).type;
    const bool update = (data[0] & 0x80) != 0;
    HttpRequest request;
    request.method = update ? "PUT" : "POST";
    request.path = QStringLiteral("/api/open-fhir/") + type + (update ? QStringLiteral("/fuzz-1") : QString());
    request.headers = {{"Content-Type", "application/fhir+json"}, {"Host", "127.0.0.1:9000"}};
    request.body = fuzzInput(data + 1, size - 1);
    request.remoteAddress = QHostAddress::LocalHost;
    request.timer.start();
    const HttpResponse response = s_sandbox->server().handle(request);
    FUZZ_CHECK(response.status < 500);
    FUZZ_CHECK(response.status < 300
               || QJsonDocument::fromJson(response.body).object().value(u"resourceType")
                   == QStringLiteral("OperationOutcome"));
    return 0;
}
