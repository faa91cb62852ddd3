// SPDX-License-Identifier: Apache-2.0
#pragma once

// The CapabilityStatement of GET metadata, built from the same tables that drive indexing and
// search, so that it lists exactly the types, interactions and search parameters that work, with
// the SMART oauth-uris extension and the SMART-on-FHIR service coding in rest[0].security.

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Fhir {

struct CapabilityOptions
{
    QString base; // the server's origin (issuer)
    QString fhirBase; // this endpoint's base URL
    QString version; // the sandbox's version
    QString instant; // "date" of the statement
    bool writes = true; // create, update and delete are offered
    bool secured = true; // /api/fhir (bearer tokens) rather than /api/open-fhir
    QStringList omitOauthUris; // oauth-uris names left out (the discovery profile)
};

QJsonObject capabilityStatement(const CapabilityOptions &options);
// rest[0].security alone: what an upstream server's statement gets in its place.
QJsonObject smartSecurity(const CapabilityOptions &options);

} // namespace Fhir
