// SPDX-License-Identifier: Apache-2.0
#include "secrets.h"

#include <QCryptographicHash>
#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace {

constexpr int s_passwordIterations = 10000;

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator *generator = QRandomGenerator::system();
    int filled = 0;
    while (filled < count) {
        const quint32 word = generator->generate();
        for (int i = 0; i < 4 && filled < count; ++i)
            bytes[filled++] = static_cast<char>((word >> (8 * i)) & 0xff);
    }
    return bytes;
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
    const QString hex = QString::fromLatin1(bytes.toHex());
    return hex.mid(0, 8) + u'-' + hex.mid(8, 4) + u'-' + hex.mid(12, 4) + u'-' + hex.mid(16, 4) + u'-' + hex.mid(20);
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
