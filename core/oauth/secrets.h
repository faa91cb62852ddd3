// SPDX-License-Identifier: Apache-2.0
#pragma once

// Random identifiers and secrets, constant-time comparison and password hashing. All randomness
// comes from QRandomGenerator::system(), the operating system's CSPRNG.

#include <QByteArrayView>
#include <QString>
#include <QtGlobal>

namespace Secrets {

// `bytes` random bytes as unpadded base64url (32 bytes: 256 bits, 43 characters).
QString randomToken(int bytes = 32);
// A random (version 4) UUID in its canonical lower-case form, for ids a person may read.
QString randomUuid();

// For the keys of rows that are inserted often (approvals, tokens): keys made one after another
// sort one after another, so that each database index grows at its end (a new page now and then)
// instead of at a random leaf per row, or in the middle of its last leaves (docs/decisions/0071).
// A TimeOrder is a time in milliseconds since 1970 (48 bits) and a sequence number (12 bits).
struct TimeOrder
{
    qint64 unixMs = 0;
    int sequence = 0;
};
// The next of a strictly increasing series, shared by the whole process: `unixMs` with sequence
// 0, or, when that is not after the last one given (the same millisecond, a clock moved back),
// the last one plus one.
TimeOrder nextTimeOrder(qint64 unixMs);
// A version 7 UUID (RFC 9562 section 5.7; the sequence in rand_a, as its section 6.2 method 1
// describes), then 62 random bits.
QString timeOrderedUuid(const TimeOrder &order);
// Ten characters that encode the order (60 bits) in an alphabet whose byte order is the order,
// then randomToken(bytes); the whole is in base64url's alphabet, 42 characters by default. The
// prefix tells only what the token's issue time already tells its holder; the secret is the 192
// random bits, 64 more than RFC 6749 section 10.10 asks (2^-128 at most for a guess).
QString timeOrderedToken(const TimeOrder &order, int bytes = 24);
// True when both are equal, in time that depends only on their lengths.
bool constantTimeEquals(QByteArrayView left, QByteArrayView right);
bool constantTimeEquals(const QString &left, const QString &right);

// PBKDF2-HMAC-SHA256 with a random salt: "pbkdf2-sha256$ITERATIONS$SALT$HASH" (base64).
QString hashPassword(const QString &password);
bool verifyPassword(const QString &password, const QString &encoded);

} // namespace Secrets
