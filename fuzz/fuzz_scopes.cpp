// SPDX-License-Identifier: Apache-2.0
// The SMART scope grammar (v1 and v2): parsing, matching, describing, and the promise that a
// parsed scope string joins back to a string that parses to the same scopes.

#include "fuzzcheck.h"
#include "oauth/scopes.h"

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(fuzzInput(data, size));
    Scopes::needsPatient(text);
    static_cast<void>(Scopes::parseOne(text));
    const Result<QList<Scope>> parsed = Scopes::parse(text);
    if (!parsed)
        return 0;
    const QList<Scope> &scopes = parsed.value();
    for (const Scope &scope : scopes) {
        Scopes::describe(scope);
        FUZZ_CHECK(scope.covers(scope));
    }
    const QString joined = Scopes::join(scopes);
    const Result<QList<Scope>> again = Scopes::parse(joined);
    FUZZ_CHECK(again);
    FUZZ_CHECK(Scopes::join(again.value()) == joined);
    FUZZ_CHECK(Scopes::uncovered(scopes, scopes).isEmpty());
    return 0;
}
