// SPDX-License-Identifier: Apache-2.0
#include "secrets.h"

#include <QCryptographicHash>
#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QStringList>
#include <QVarLengthArray>

#include <algorithm>
#include <array>
#include <atomic>

using namespace Qt::StringLiterals;

namespace {

constexpr int s_passwordIterations = 10000;
constexpr quint64 s_timeMask = 0xffff'ffff'ffffULL; // 48 bits of milliseconds: until the year 10889

QByteArray randomBytes(int count)
{
    // Served from a small pool per thread that one fillRange() call refills. Each call into the
    // system generator (RDRAND where the CPU has it) costs about 150 ns before its first word on a
    // virtual Xeon, as much as six more words; a debug token takes its 80 bytes in four calls.
    // A byte is handed out once and then wiped from the pool.
    struct Pool
    {
        std::array<quint32, 64> words{};
        qsizetype used = sizeof(words);
    };
    thread_local Pool pool;
    constexpr qsizetype capacity = sizeof(Pool::words);
    if (count > capacity) {
        QVarLengthArray<quint32, 16> words((count + 3) / 4);
        QRandomGenerator::system()->fillRange(words.data(), words.size());
        return QByteArray(reinterpret_cast<const char *>(words.constData()), count);
    }
    char *bytes = reinterpret_cast<char *>(pool.words.data());
    if (capacity - pool.used < count) {
        QRandomGenerator::system()->fillRange(pool.words.data(), qsizetype(pool.words.size()));
        pool.used = 0;
    }
    QByteArray taken(bytes + pool.used, count);
    std::fill_n(bytes + pool.used, count, '\0');
    pool.used += count;
    return taken;
}

// 16 bytes as the 8-4-4-4-12 hex form of RFC 9562.
QString uuidText(const QByteArray &bytes)
{
    static constexpr char s_hex[] = "0123456789abcdef";
    QString text(36, Qt::Uninitialized);
    QChar *out = text.data();
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *out++ = u'-';
        const auto byte = static_cast<unsigned char>(bytes.at(i));
        *out++ = QLatin1Char(s_hex[byte >> 4]);
        *out++ = QLatin1Char(s_hex[byte & 0x0f]);
    }
    return text;
}

QByteArray derive(const QString &password, const QByteArray &salt, int iterations)
{
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, password.toUtf8(), salt, iterations, 32);
}

} // namespace

namespace Secrets {

QString randomToken(int bytes)
{
    return QString::fromLatin1(
        randomBytes(bytes).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString randomUuid()
{
    QByteArray bytes = randomBytes(16);
    bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
    return uuidText(bytes);
}

TimeOrder nextTimeOrder(qint64 unixMs)
{
    // (time << 12 | sequence), the last one given.
    static std::atomic<quint64> s_last{0};
    const quint64 wanted = (quint64(std::max<qint64>(unixMs, 0)) & s_timeMask) << 12;
    quint64 last = s_last.load(std::memory_order_relaxed);
    quint64 next = 0;
    do {
        next = std::max(wanted, last + 1);
    } while (!s_last.compare_exchange_weak(last, next, std::memory_order_relaxed));
    return TimeOrder{qint64((next >> 12) & s_timeMask), int(next & 0xfff)};
}

QString timeOrderedUuid(const TimeOrder &order)
{
    QByteArray bytes = randomBytes(16);
    const quint64 time = quint64(order.unixMs) & s_timeMask;
    for (int i = 0; i < 6; ++i)
        bytes[i] = static_cast<char>((time >> (8 * (5 - i))) & 0xff);
    bytes[6] = static_cast<char>(0x70 | ((order.sequence >> 8) & 0x0f));
    bytes[7] = static_cast<char>(order.sequence & 0xff);
    bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
    return uuidText(bytes);
}

QString timeOrderedToken(const TimeOrder &order, int bytes)
{
    // base64url's 64 characters in ASCII order, so that comparing bytes compares orders.
    static constexpr char s_sorted[] = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    static_assert(sizeof(s_sorted) == 65);
    const quint64 value = ((quint64(order.unixMs) & s_timeMask) << 12) | quint64(order.sequence & 0xfff);
    QString token(10, Qt::Uninitialized);
    for (int i = 0; i < 10; ++i)
        token[i] = QLatin1Char(s_sorted[(value >> (6 * (9 - i))) & 0x3f]);
    return token + randomToken(bytes);
}

bool constantTimeEquals(QByteArrayView left, QByteArrayView right)
{
    if (left.size() != right.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < left.size(); ++i)
        difference |= static_cast<unsigned char>(left[i] ^ right[i]);
    return difference == 0;
}

bool constantTimeEquals(const QString &left, const QString &right)
{
    return constantTimeEquals(QByteArrayView(left.toUtf8()), QByteArrayView(right.toUtf8()));
}

QString hashPassword(const QString &password)
{
    const QByteArray salt = randomBytes(16);
    return u"pbkdf2-sha256$%1$%2$%3"_s.arg(s_passwordIterations)
        .arg(QString::fromLatin1(salt.toBase64()),
             QString::fromLatin1(derive(password, salt, s_passwordIterations).toBase64()));
}

bool verifyPassword(const QString &password, const QString &encoded)
{
    const QStringList parts = encoded.split(u'$');
    if (parts.size() != 4 || parts.at(0) != u"pbkdf2-sha256"_s)
        return false;
    bool ok = false;
    const int iterations = parts.at(1).toInt(&ok);
    if (!ok || iterations < 1 || iterations > 10'000'000)
        return false;
    const QByteArray salt = QByteArray::fromBase64(parts.at(2).toLatin1());
    const QByteArray expected = QByteArray::fromBase64(parts.at(3).toLatin1());
    return constantTimeEquals(QByteArrayView(derive(password, salt, iterations)), QByteArrayView(expected));
}

} // namespace Secrets
