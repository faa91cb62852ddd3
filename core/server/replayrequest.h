// SPDX-License-Identifier: Apache-2.0
#pragma once

// A logged request made ready to send again: its URL on a given origin, the headers that matter
// (not Host, Content-Length or the hop-by-hop ones, which the sender sets itself) and its body.
// The window copies it as a curl command and replays it through RequestReplayer.

#include "requestlogentry.h"

struct ReplayRequest
{
    QByteArray method;
    QString url; // as text: the origin, the path percent-encoded, the query exactly as it was sent
    HeaderList headers;
    QByteArray body;
    qint64 originalBodySize = 0; // larger than body.size() when the log cut the body

    bool bodyTruncated() const { return body.size() < originalBodySize; }

    // `origin` is where to send it: "http://127.0.0.1:9000" (a path, as in a --base-url, is kept).
    static ReplayRequest fromEntry(const RequestLogEntry &entry, const QString &origin);
    // Whether a logged header is sent again; false for the ones a client sets per connection.
    static bool isReplayedHeader(QByteArrayView name);
    // `text` as one POSIX shell word: in single quotes, each ' written as '\''.
    static QString shellQuote(const QString &text);

    // One line that runs as is in a POSIX shell. A body that is not UTF-8 text (or holds NUL
    // bytes) is piped in by printf; a body the log cut ends the line with a comment saying so.
    QString curlCommand() const;
};
