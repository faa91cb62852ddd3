// SPDX-License-Identifier: Apache-2.0
#pragma once

// The FHIR JSON the endpoints write besides resources: OperationOutcome (the one error format of
// the FHIR API) and Bundles (searchset, history) with their links and entries.

#include "fhir/resourcestore.h"
#include "result.h"

#include <QJsonArray>
#include <QJsonObject>

namespace Fhir {

// An OperationOutcome with one issue. `code` is a FHIR issue-type (not-found, invalid,
// forbidden, login, security, not-supported, processing, exception, ...).
QJsonObject operationOutcome(const QString &severity, const QString &code, const QString &diagnostics);
// The issue-type for a domain error.
QString issueType(const Error &error);

struct BundleLink
{
    QString relation;
    QString url;
};

// A searchset entry: fullUrl, resource, search.mode ("match", "include" or "outcome").
QJsonObject searchEntry(const QString &base, const QJsonObject &resource, const QString &mode);
QJsonObject bundle(const QString &type, const QJsonArray &entries, const QList<BundleLink> &links,
                   std::optional<int> total);
// A history entry: the version, or its deletion, with request and response.
QJsonObject historyEntry(const QString &base, const StoredResource &version, bool first);

// W/"3"
QByteArray etag(int versionId);

} // namespace Fhir
