// SPDX-License-Identifier: Apache-2.0
// Random tokens and ids, constant-time comparison and password hashing: what a client app receives
// as secrets and what a stored password hash must accept and refuse.

#include "oauth/secrets.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QUuid>

#include <cstring>

using namespace Qt::StringLiterals;

class TestSecrets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomToken_data();
    void randomToken();
    void randomTokenDefault();
    void randomTokenUsesWholeAlphabet();
    void randomTokensAreUnique();
    void randomUuid();
    void randomUuidsAreUnique();
    void drawsOfEverySizeDiffer();
    void timeOrderedUuid();
    void timeOrderedUuidsSortByTime();
    void timeOrderedToken_data();
    void timeOrderedToken();
    void timeOrderedTokensSortByTime();
    void nextTimeOrderRises();
    void constantTimeEqualsBytes_data();
    void constantTimeEqualsBytes();
    void constantTimeEqualsStrings_data();
    void constantTimeEqualsStrings();
    void hashPasswordFormat();
    void verifyPassword_data();
    void verifyPassword();
    void verifyPasswordKnownVectors_data();
    void verifyPasswordKnownVectors();
};

namespace {

const QRegularExpression &base64UrlPattern()
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_-]*$"_s);
    return pattern;
}

} // namespace

void TestSecrets::randomToken_data()
{
    QTest::addColumn<int>("bytes");
    QTest::addColumn<int>("length"); // unpadded base64: ceil(bytes * 8 / 6)

    QTest::newRow("1 byte") << 1 << 2;
    QTest::newRow("2 bytes") << 2 << 3;
    QTest::newRow("3 bytes") << 3 << 4;
    QTest::newRow("6 bytes") << 6 << 8;
    QTest::newRow("9 bytes") << 9 << 12;
    QTest::newRow("16 bytes") << 16 << 22;
    QTest::newRow("32 bytes") << 32 << 43;
    QTest::newRow("33 bytes") << 33 << 44;
    QTest::newRow("64 bytes") << 64 << 86;
}

void TestSecrets::randomToken()
{
    QFETCH(int, bytes);
    QFETCH(int, length);

    for (int draw = 0; draw < 50; ++draw) {
        const QString token = Secrets::randomToken(bytes);
        QCOMPARE(token.size(), length);
        QVERIFY2(base64UrlPattern().match(token).hasMatch(), qPrintable(token));
        QVERIFY(!token.contains(u'='));
        const QByteArray decoded = QByteArray::fromBase64(
            token.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        QCOMPARE(decoded.size(), bytes);
    }
}

void TestSecrets::randomTokenDefault()
{
    // 256 bits of entropy: 43 characters.
    QCOMPARE(Secrets::randomToken().size(), 43);
}

void TestSecrets::randomTokenUsesWholeAlphabet()
{
    // Over 1000 tokens (43,000 characters) every one of the 64 characters appears; in particular
    // '-' and '_' (base64url) rather than '+' and '/' (base64). The chance that a fair generator
    // misses one is below 64 * (63/64)^43000, far below 1e-290.
    QSet<QChar> seen;
    for (int draw = 0; draw < 1000; ++draw) {
        const QString token = Secrets::randomToken();
        for (const QChar c : token)
            seen.insert(c);
    }
    QCOMPARE(seen.size(), 64);
    QVERIFY(seen.contains(u'-'));
    QVERIFY(seen.contains(u'_'));
    QVERIFY(!seen.contains(u'+'));
    QVERIFY(!seen.contains(u'/'));
}

void TestSecrets::randomTokensAreUnique()
{
    QSet<QString> tokens;
    for (int draw = 0; draw < 10000; ++draw)
        tokens.insert(Secrets::randomToken());
    QCOMPARE(tokens.size(), 10000);

    // Even short tokens differ: 8 bytes, 10000 draws; a collision has a chance of about 3e-12.
    QSet<QString> shortTokens;
    for (int draw = 0; draw < 10000; ++draw)
        shortTokens.insert(Secrets::randomToken(8));
    QCOMPARE(shortTokens.size(), 10000);
}

void TestSecrets::randomUuid()
{
    static const QRegularExpression canonical(
        u"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"_s);
    QSet<QChar> variantDigits;
    for (int draw = 0; draw < 500; ++draw) {
        const QString id = Secrets::randomUuid();
        QVERIFY2(canonical.match(id).hasMatch(), qPrintable(id));
        const QUuid uuid = QUuid::fromString(id);
        QVERIFY(!uuid.isNull());
        QCOMPARE(uuid.version(), QUuid::Random);
        QCOMPARE(uuid.variant(), QUuid::DCE);
        QCOMPARE(uuid.toString(QUuid::WithoutBraces), id);
        variantDigits.insert(id.at(19));
    }
    // The two variant bits are fixed, the other two random: all of 8, 9, a and b occur.
    QCOMPARE(variantDigits.size(), 4);
}

void TestSecrets::randomUuidsAreUnique()
{
    QSet<QString> ids;
    for (int draw = 0; draw < 10000; ++draw)
        ids.insert(Secrets::randomUuid());
    QCOMPARE(ids.size(), 10000);
}

void TestSecrets::drawsOfEverySizeDiffer()
{
    // Draws of every size from 1 to 40 bytes, and some past the per-thread pool's 256: each one
    // starts where the last ended or on a fresh pool, so a pool that served a byte twice, or a
    // wiped byte, shows as a repeated draw.
    QSet<QString> draws;
    int drawn = 0;
    for (int round = 0; round < 40; ++round) {
        for (int bytes = 8; bytes <= 40; ++bytes) {
            draws.insert(Secrets::randomToken(bytes));
            ++drawn;
        }
        draws.insert(Secrets::randomToken(300 + round));
        ++drawn;
        (void)Secrets::randomToken(1 + round % 7); // moves where the next draw starts
    }
    QCOMPARE(draws.size(), drawn);
    for (const QString &draw : std::as_const(draws))
        QVERIFY2(!draw.startsWith(u"AAAAAAAAAA"_s), qPrintable(draw)); // ten zero bytes' worth of bits
}

void TestSecrets::timeOrderedUuid()
{
    // RFC 9562's example of a version 7 UUID (appendix A.6): 2022-02-22 14:22:22 -05:00, that is
    // 1645557742000 ms, with rand_a 0xcc3: 017F22E2-79B0-7CC3-98C4-DC0C0C07398F.
    static const QRegularExpression canonical(u"^017f22e2-79b0-7cc3-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"_s);
    QSet<QString> ids;
    QSet<QChar> variantDigits;
    for (int draw = 0; draw < 500; ++draw) {
        const QString id = Secrets::timeOrderedUuid({1645557742000, 0xcc3});
        QVERIFY2(canonical.match(id).hasMatch(), qPrintable(id));
        const QUuid uuid = QUuid::fromString(id);
        QVERIFY(!uuid.isNull());
        QCOMPARE(uuid.variant(), QUuid::DCE);
        QCOMPARE(uuid.toString(QUuid::WithoutBraces), id);
        ids.insert(id);
        variantDigits.insert(id.at(19));
    }
    // 62 random bits: no two alike, even for one order.
    QCOMPARE(ids.size(), 500);
    QCOMPARE(variantDigits.size(), 4);
    QVERIFY(Secrets::timeOrderedUuid({}).startsWith(u"00000000-0000-7000-"_s));
}

namespace {

// Orders from the first to the last there is, through every bit of the time and the sequence.
QList<Secrets::TimeOrder> risingOrders()
{
    QList<Secrets::TimeOrder> orders{{0, 0}};
    for (int bit = 0; bit < 12; ++bit)
        orders.append({0, (1 << (bit + 1)) - 1});
    for (int bit = 0; bit < 48; ++bit)
        orders.append({(qint64(1) << (bit + 1)) - 1, 4095});
    return orders;
}

} // namespace

void TestSecrets::timeOrderedUuidsSortByTime()
{
    const QList<Secrets::TimeOrder> orders = risingOrders();
    for (qsizetype i = 1; i < orders.size(); ++i) {
        const QString previous = Secrets::timeOrderedUuid(orders.at(i - 1));
        const QString next = Secrets::timeOrderedUuid(orders.at(i));
        QVERIFY2(previous < next, qPrintable(previous + u" < "_s + next));
    }
}

void TestSecrets::timeOrderedToken_data()
{
    QTest::addColumn<qint64>("unixMs");
    QTest::addColumn<int>("sequence");
    QTest::addColumn<QString>("prefix");

    QTest::newRow("first") << qint64(0) << 0 << u"----------"_s;
    QTest::newRow("sequence 1") << qint64(0) << 1 << u"---------0"_s;
    QTest::newRow("1 ms") << qint64(1) << 0 << u"-------0--"_s;
    QTest::newRow("last") << (qint64(1) << 48) - 1 << 4095 << u"zzzzzzzzzz"_s;
    // (1645557742000 << 12 | 0xcc3) in 6-bit groups: 0 23 60 34 56 39 38 48 51 3.
    QTest::newRow("RFC 9562's time") << qint64(1645557742000) << 0xcc3 << u"-MwXsbakn2"_s;
}

void TestSecrets::timeOrderedToken()
{
    QFETCH(qint64, unixMs);
    QFETCH(int, sequence);
    QFETCH(QString, prefix);

    const QString token = Secrets::timeOrderedToken({unixMs, sequence});
    QCOMPARE(token.left(10), prefix);
    QCOMPARE(token.size(), 10 + 32); // the prefix, then 192 random bits
    QVERIFY2(base64UrlPattern().match(token).hasMatch(), qPrintable(token));
    QCOMPARE(Secrets::timeOrderedToken({unixMs, sequence}, 32).size(), 10 + 43);
    QVERIFY(Secrets::timeOrderedToken({unixMs, sequence}) != token);
}

void TestSecrets::timeOrderedTokensSortByTime()
{
    const QList<Secrets::TimeOrder> orders = risingOrders();
    for (qsizetype i = 1; i < orders.size(); ++i) {
        const QByteArray previous = Secrets::timeOrderedToken(orders.at(i - 1)).toLatin1();
        const QByteArray next = Secrets::timeOrderedToken(orders.at(i)).toLatin1();
        // Byte order, as SQLite's BINARY collation compares.
        QVERIFY2(std::memcmp(previous.constData(), next.constData(), 10) < 0,
                 QByteArray(previous + " < " + next).constData());
    }
}

void TestSecrets::nextTimeOrderRises()
{
    // Nothing else in this test asks for one, and no clock reads 2100 yet.
    const qint64 time = 4102444800000; // 2100-01-01
    const auto check = [](const Secrets::TimeOrder &order, qint64 unixMs, int sequence) {
        return order.unixMs == unixMs && order.sequence == sequence;
    };
    QVERIFY(check(Secrets::nextTimeOrder(time), time, 0));
    QVERIFY(check(Secrets::nextTimeOrder(time), time, 1)); // the same millisecond
    QVERIFY(check(Secrets::nextTimeOrder(time - 60'000), time, 2)); // a clock moved back
    QVERIFY(check(Secrets::nextTimeOrder(time + 1), time + 1, 0));
    // Past 4096 in one millisecond, the order moves on to the next millisecond.
    for (int sequence = 1; sequence < 4096; ++sequence)
        QVERIFY(check(Secrets::nextTimeOrder(time + 1), time + 1, sequence));
    QVERIFY(check(Secrets::nextTimeOrder(time + 1), time + 2, 0));
    QVERIFY(check(Secrets::nextTimeOrder(time + 2), time + 2, 1));
}

void TestSecrets::constantTimeEqualsBytes_data()
{
    QTest::addColumn<QByteArray>("left");
    QTest::addColumn<QByteArray>("right");
    QTest::addColumn<bool>("equal");

    QTest::newRow("same") << QByteArray("demo-secret-s4s") << QByteArray("demo-secret-s4s") << true;
    QTest::newRow("both empty") << QByteArray() << QByteArray("") << true;
    QTest::newRow("with NUL bytes") << QByteArray("a\0b", 3) << QByteArray("a\0b", 3) << true;
    QTest::newRow("last byte differs") << QByteArray("demo-secret-s4s") << QByteArray("demo-secret-s4t") << false;
    QTest::newRow("first byte differs") << QByteArray("demo-secret-s4s") << QByteArray("Demo-secret-s4s") << false;
    QTest::newRow("one bit differs") << QByteArray("\x01", 1) << QByteArray("\x03", 1) << false;
    QTest::newRow("prefix") << QByteArray("demo-secret") << QByteArray("demo-secret-s4s") << false;
    QTest::newRow("longer") << QByteArray("demo-secret-s4s!") << QByteArray("demo-secret-s4s") << false;
    QTest::newRow("empty vs text") << QByteArray() << QByteArray("x") << false;
    QTest::newRow("NUL vs empty") << QByteArray("\0", 1) << QByteArray() << false;
}

void TestSecrets::constantTimeEqualsBytes()
{
    QFETCH(QByteArray, left);
    QFETCH(QByteArray, right);
    QFETCH(bool, equal);

    QCOMPARE(Secrets::constantTimeEquals(QByteArrayView(left), QByteArrayView(right)), equal);
    QCOMPARE(Secrets::constantTimeEquals(QByteArrayView(right), QByteArrayView(left)), equal);
}

void TestSecrets::constantTimeEqualsStrings_data()
{
    QTest::addColumn<QString>("left");
    QTest::addColumn<QString>("right");
    QTest::addColumn<bool>("equal");

    QTest::newRow("same ascii") << u"api-secret"_s << u"api-secret"_s << true;
    QTest::newRow("same non-ascii") << u"pässwörd €"_s << u"pässwörd €"_s << true;
    QTest::newRow("case differs") << u"api-secret"_s << u"API-secret"_s << false;
    QTest::newRow("accent differs") << u"pässwörd"_s << u"passwörd"_s << false;
    // Same number of UTF-16 units, different number of UTF-8 bytes.
    QTest::newRow("same length in chars only") << u"é"_s << u"e"_s << false;
    QTest::newRow("null vs empty") << QString() << QString(u""_s) << true;
    QTest::newRow("empty vs text") << QString() << u"x"_s << false;
}

void TestSecrets::constantTimeEqualsStrings()
{
    QFETCH(QString, left);
    QFETCH(QString, right);
    QFETCH(bool, equal);

    QCOMPARE(Secrets::constantTimeEquals(left, right), equal);
    QCOMPARE(Secrets::constantTimeEquals(right, left), equal);
}

void TestSecrets::hashPasswordFormat()
{
    const QString first = Secrets::hashPassword(u"demo-password"_s);
    const QString second = Secrets::hashPassword(u"demo-password"_s);

    const QStringList parts = first.split(u'$');
    QCOMPARE(parts.size(), 4);
    QCOMPARE(parts.at(0), u"pbkdf2-sha256"_s);
    bool ok = false;
    QVERIFY(parts.at(1).toInt(&ok) >= 10000);
    QVERIFY(ok);
    QCOMPARE(QByteArray::fromBase64(parts.at(2).toLatin1(), QByteArray::AbortOnBase64DecodingErrors).size(), 16);
    QCOMPARE(QByteArray::fromBase64(parts.at(3).toLatin1(), QByteArray::AbortOnBase64DecodingErrors).size(), 32);
    // A fresh salt each time: the same password never gives the same hash, yet both verify.
    QVERIFY(first != second);
    QVERIFY(!first.contains(u"demo-password"_s));
    QVERIFY(Secrets::verifyPassword(u"demo-password"_s, first));
    QVERIFY(Secrets::verifyPassword(u"demo-password"_s, second));
}

void TestSecrets::verifyPassword_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("encoded");
    QTest::addColumn<bool>("accepted");

    const QString hash = Secrets::hashPassword(u"demo-password"_s);
    const QStringList parts = hash.split(u'$');
    const auto withPart = [&](int index, const QString &value) {
        QStringList changed = parts;
        changed[index] = value;
        return changed.join(u'$');
    };
    // Flips one base64 character of the hash (A<->B changes exactly one bit of the digest).
    QString tamperedHash = parts.at(3);
    tamperedHash[0] = tamperedHash.at(0) == u'A' ? u'B' : u'A';
    QString tamperedSalt = parts.at(2);
    tamperedSalt[0] = tamperedSalt.at(0) == u'A' ? u'B' : u'A';

    QTest::newRow("right password") << u"demo-password"_s << hash << true;
    QTest::newRow("wrong password") << u"demo-passwort"_s << hash << false;
    QTest::newRow("empty password") << QString(u""_s) << hash << false;
    QTest::newRow("password with suffix") << u"demo-password "_s << hash << false;
    QTest::newRow("upper case password") << u"DEMO-PASSWORD"_s << hash << false;
    QTest::newRow("tampered hash") << u"demo-password"_s << withPart(3, tamperedHash) << false;
    QTest::newRow("tampered salt") << u"demo-password"_s << withPart(2, tamperedSalt) << false;
    QTest::newRow("tampered iterations") << u"demo-password"_s << withPart(1, u"10001"_s) << false;
    QTest::newRow("truncated hash") << u"demo-password"_s << withPart(3, parts.at(3).left(20)) << false;
    QTest::newRow("empty hash") << u"demo-password"_s << withPart(3, QString(u""_s)) << false;
    QTest::newRow("other algorithm") << u"demo-password"_s << withPart(0, u"pbkdf2-sha1"_s) << false;
    QTest::newRow("iterations not a number") << u"demo-password"_s << withPart(1, u"many"_s) << false;
    QTest::newRow("zero iterations") << u"demo-password"_s << withPart(1, u"0"_s) << false;
    QTest::newRow("negative iterations") << u"demo-password"_s << withPart(1, u"-10000"_s) << false;
    QTest::newRow("absurd iterations") << u"demo-password"_s << withPart(1, u"2000000000"_s) << false;
    QTest::newRow("three parts") << u"demo-password"_s << parts.mid(0, 3).join(u'$') << false;
    QTest::newRow("five parts") << u"demo-password"_s << (hash + u"$extra"_s) << false;
    QTest::newRow("plain text stored") << u"demo-password"_s << u"demo-password"_s << false;
    QTest::newRow("empty encoding") << u"demo-password"_s << QString(u""_s) << false;
    QTest::newRow("only separators") << u"demo-password"_s << u"$$$"_s << false;

    const QString empty = Secrets::hashPassword(QString(u""_s));
    QTest::newRow("empty password hashed, right") << QString(u""_s) << empty << true;
    QTest::newRow("empty password hashed, wrong") << u" "_s << empty << false;
    const QString unicode = Secrets::hashPassword(u"pässwörd €"_s);
    QTest::newRow("unicode password, right") << u"pässwörd €"_s << unicode << true;
    QTest::newRow("unicode password, decomposed") << u"pa\u0308sswo\u0308rd €"_s << unicode << false;
}

void TestSecrets::verifyPassword()
{
    QFETCH(QString, password);
    QFETCH(QString, encoded);
    QFETCH(bool, accepted);

    QCOMPARE(Secrets::verifyPassword(password, encoded), accepted);
}

void TestSecrets::verifyPasswordKnownVectors_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("encoded");
    QTest::addColumn<bool>("accepted");

    // Well-known PBKDF2-HMAC-SHA256 values ("password", "salt"), and one computed independently
    // with Python's hashlib, written in the documented encoding.
    QTest::newRow("1 iteration") << u"password"_s
                                 << u"pbkdf2-sha256$1$c2FsdA==$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs="_s << true;
    QTest::newRow("2 iterations") << u"password"_s
                                  << u"pbkdf2-sha256$2$c2FsdA==$rk0Mla9rRtMtCt/5KPBt0CowP47zwlHf1uLYWpVHTEM="_s << true;
    QTest::newRow("4096 iterations") << u"password"_s
                                     << u"pbkdf2-sha256$4096$c2FsdA==$xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o="_s
                                     << true;
    QTest::newRow("UTF-8 password") << u"pässwörd"_s
                                    << u"pbkdf2-sha256$10000$MDEyMzQ1Njc4OWFiY2RlZg==$"
                                       "JOUI+PDl6IKz7XzgSqg3b4CApuXExkk5ZlYy5QWfFGE="_s
                                    << true;
    QTest::newRow("vector with wrong iteration count")
        << u"password"_s << u"pbkdf2-sha256$3$c2FsdA==$rk0Mla9rRtMtCt/5KPBt0CowP47zwlHf1uLYWpVHTEM="_s << false;
    QTest::newRow("vector with wrong password")
        << u"Password"_s << u"pbkdf2-sha256$1$c2FsdA==$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs="_s << false;
}

void TestSecrets::verifyPasswordKnownVectors()
{
    QFETCH(QString, password);
    QFETCH(QString, encoded);
    QFETCH(bool, accepted);

    QCOMPARE(Secrets::verifyPassword(password, encoded), accepted);
}

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
