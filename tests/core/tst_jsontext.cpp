// SPDX-License-Identifier: Apache-2.0
// Lists kept as JSON text in the database: written by hand for speed, so they must be exactly
// what QJsonDocument wrote before (rows written by older versions compare equal), and read back.

#include "storage/jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestJsonText final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fromStringList_data();
    void fromStringList();
};

void TestJsonText::fromStringList_data()
{
    QTest::addColumn<QStringList>("list");

    QTest::newRow("empty") << QStringList();
    QTest::newRow("one") << QStringList{u"https://app.example.org/callback"_s};
    QTest::newRow("several") << QStringList{u"authorization_code"_s, u"refresh_token"_s};
    QTest::newRow("empty and null strings") << QStringList{u""_s, QString()};
    QTest::newRow("escapes") << QStringList{u"quote \" backslash \\ slash /"_s, u"\b\f\n\r\t"_s,
                                            u"nul \u0000 unit \u001f del \u007f"_s};
    QTest::newRow("non-ASCII") << QStringList{u"J\u00fcrgen"_s, u"\u20ac \U0001F600"_s, u"\u2028\u2029"_s};
    QTest::newRow("lone surrogates") << QStringList{QString(QChar(0xd83d)), QString(u"x"_s + QChar(0xde00) + u"y"_s)};
}

void TestJsonText::fromStringList()
{
    QFETCH(QStringList, list);

    const QString text = JsonText::fromStringList(list);
    QCOMPARE(text, QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact)));
    QStringList expected;
    for (const QString &item : std::as_const(list))
        expected.append(item.isNull() ? u""_s : item);
    QCOMPARE(JsonText::toStringList(text), expected);
}

QTEST_GUILESS_MAIN(TestJsonText)
#include "tst_jsontext.moc"
