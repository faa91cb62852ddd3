// SPDX-License-Identifier: Apache-2.0
#pragma once

// HTTP Archive (HAR 1.2) export of request log entries, which browsers' developer tools, Postman
// and HAR viewers open. Bodies that are not UTF-8 text are written as base64 (content.encoding for
// responses, "_encoding" for request bodies, which HAR 1.2 has no field for); findings, client and
// token travel as "_findings", "_clientId" and "_tokenId".

#include "requestlogentry.h"

#include <QJsonObject>
#include <QList>

namespace Har {

// {"log": {"version": "1.2", "creator": {...}, "entries": [...]}}; `origin` makes the URLs
// absolute ("http://127.0.0.1:9000").
QJsonObject document(const QList<RequestLogEntry> &entries, const QString &origin);
// One entry of log.entries.
QJsonObject entry(const RequestLogEntry &entry, const QString &origin);

} // namespace Har
