// SPDX-License-Identifier: Apache-2.0
#pragma once

// A body as text that both databases and JSON can hold without loss: UTF-8 text as it is,
// anything else (binary, invalid UTF-8, NUL bytes) as base64.

#include <QByteArray>
#include <QString>

struct BodyText
{
    QString text;
    QString encoding; // "utf-8" or "base64"

    static BodyText encode(const QByteArray &body);
    QByteArray decode() const;
};
