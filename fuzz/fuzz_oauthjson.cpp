// SPDX-License-Identifier: Apache-2.0
// The JSON bodies of the OAuth surface: RFC 7591 client registration metadata and the debug token
// request, from the raw body as /oauth/register and /oauth/debug/token read it.

#include "fuzzcheck.h"
#include "oauth/client.h"
#include "oauth/clientregistry.h"
#include "oauth/tokenservice.h"
#include "server/http.h"

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzzInput(data, size);
    const Result<QJsonObject> json = Http::parseJsonObject(body, QStringLiteral("invalid_client_metadata"));
    if (!json) {
        FUZZ_CHECK(!json.error().code.isEmpty());
        return 0;
    }
    const Result<Client> client = ClientRegistry::validate(json.value());
    if (!client)
        FUZZ_CHECK(!client.error().description.isEmpty());
    const Result<DebugTokenRequest> debug = DebugTokenRequest::fromJson(json.value());
    if (debug) {
        FUZZ_CHECK(debug.value().accessLifetimeSeconds <= DebugTokenRequest::s_maxLifetime);
        FUZZ_CHECK(debug.value().accessLifetimeSeconds >= -DebugTokenRequest::s_maxLifetime);
    }
    return 0;
}
