// SPDX-License-Identifier: Apache-2.0
// Form and query decoding (application/x-www-form-urlencoded), the request helpers built on it
// (query values, cookies, bearer tokens) and BodyText, which must give back the bytes it was given.

#include "fuzzcheck.h"
#include "server/bodytext.h"
#include "server/http.h"

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = fuzzInput(data, size);
    const QueryItems items = Http::decodeForm(input);
    for (const auto &[name, value] : items) {
        FUZZ_CHECK(name.size() <= input.size());
        FUZZ_CHECK(value.size() <= input.size());
    }
    Http::decodeFormComponent(input);

    HttpRequest request;
    request.rawQuery = input;
    const QueryItems query = request.queryItems();
    FUZZ_CHECK(query.size() == items.size());
    if (!query.isEmpty())
        request.queryValue(query.first().first);
    request.headers = {{"Cookie", input}, {"Authorization", input}, {"X-Other", input}};
    request.cookie(QStringLiteral("sandbox_session"));
    request.bearerToken();
    request.header("authorization");

    const BodyText text = BodyText::encode(input);
    FUZZ_CHECK(text.decode() == input);
    return 0;
}
