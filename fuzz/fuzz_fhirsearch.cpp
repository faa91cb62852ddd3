// SPDX-License-Identifier: Apache-2.0
// FHIR search parameters as a client sends them: the first byte picks the resource type and
// strictness, the rest is the query string. Also a SMART v2 scope restriction on the same type.

#include "fhir/fhirsearch.h"
#include "fhir/fhirtypes.h"
#include "fuzzcheck.h"
#include "server/http.h"

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QList<Fhir::ResourceDefinition> &types = Fhir::resourceDefinitions();
    const QString type = types.at(data[0] % types.size()).type;
    const bool strict = (data[0] & 0x80) != 0;
    const QByteArray query = fuzzInput(data + 1, size - 1);
    const Result<Fhir::SearchRequest> search = Fhir::parseSearch(type, Http::decodeForm(query), strict);
    if (search) {
        FUZZ_CHECK(search.value().count >= 0 && search.value().count <= Fhir::s_maxCount);
        FUZZ_CHECK(search.value().offset >= 0);
    }
    static_cast<void>(Fhir::conditionsFromQuery(type, QString::fromUtf8(query)));
    return 0;
}
