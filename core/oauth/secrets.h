// SPDX-License-Identifier: Apache-2.0
#pragma once

// Random identifiers and secrets, constant-time comparison and password hashing. All randomness
// comes from QRandomGenerator::system(), the operating system's CSPRNG.

#include <QByteArrayView>
#include <QString>

namespace Secrets {

// `bytes` random bytes as unpadded base64url (32 bytes: 256 bits, 43 characters).
QString randomToken(int bytes = 32);
// A random (version 4) UUID in its canonical lower-case form, for ids a person may read.
QString randomUuid();
// True when both are equal, in time that depends only on their lengths.
bool constantTimeEquals(QByteArrayView left, QByteArrayView right);
bool constantTimeEquals(const QString &left, const QString &right);

// PBKDF2-HMAC-SHA256 with a random salt: "pbkdf2-sha256$ITERATIONS$SALT$HASH" (base64).
QString hashPassword(const QString &password);
bool verifyPassword(const QString &password, const QString &encoded);

} // namespace Secrets
