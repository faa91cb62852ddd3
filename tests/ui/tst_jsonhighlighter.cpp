// SPDX-License-Identifier: Apache-2.0
// The JSON colouring of the traffic inspector: keys, strings, numbers and literals each get their
// format (digits inside strings stay string), prose and dates around JSON values stay plain, and
// in an HTTP message only the body is coloured while header names are bold.

#include "jsonhighlighter.h"

#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

using namespace Qt::StringLiterals;

namespace {

// The format that covers `column` of a block, or a default format when none does.
QTextCharFormat formatAt(const QTextBlock &block, int column)
{
    const QList<QTextLayout::FormatRange> ranges = block.layout()->formats();
    for (const QTextLayout::FormatRange &range : ranges) {
        if (column >= range.start && column < range.start + range.length)
            return range.format;
    }
    return {};
}

QTextBlock line(const QTextDocument &document, int number)
{
    return document.findBlockByNumber(number);
}

} // namespace

class tst_JsonHighlighter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void coloursJson();
    void leavesProseAlone();
    void coloursOnlyTheBodyOfAMessage();
};

void tst_JsonHighlighter::coloursJson()
{
    QTextDocument document;
    JsonHighlighter highlighter(&document);
    document.setPlainText(u"{\n    \"exp\": 1768474800,\n    \"sub\": \"user 42\",\n    \"active\": false\n}"_s);
    highlighter.rehighlight(); // a new highlighter colours on the next event loop turn; now, please
    const QTextBlock exp = line(document, 1);
    QCOMPARE(formatAt(exp, 4).foreground(), highlighter.keyFormat().foreground()); // "exp"
    QCOMPARE(formatAt(exp, 12).foreground(), highlighter.numberFormat().foreground());
    const QTextBlock sub = line(document, 2);
    QCOMPARE(formatAt(sub, 11).foreground(), highlighter.stringFormat().foreground());
    QCOMPARE(formatAt(sub, 17).foreground(), highlighter.stringFormat().foreground()); // the 4 of "user 42"
    QCOMPARE(formatAt(line(document, 3), 14).foreground(), highlighter.literalFormat().foreground());
    QVERIFY(highlighter.keyFormat().foreground() != highlighter.stringFormat().foreground());
}

void tst_JsonHighlighter::leavesProseAlone()
{
    QTextDocument document;
    JsonHighlighter highlighter(&document);
    document.setPlainText(
        u"Payload: 2 claims\n{\n    \"a\": [1,\n        {\"b\": 2}]\n}\n  exp  15 January 2026 true"_s);
    highlighter.rehighlight();
    QVERIFY(!formatAt(line(document, 0), 9).hasProperty(QTextFormat::ForegroundBrush)); // the 2 of the prose
    QCOMPARE(formatAt(line(document, 2), 10).foreground(), highlighter.numberFormat().foreground());
    QCOMPARE(formatAt(line(document, 3), 14).foreground(), highlighter.numberFormat().foreground()); // still inside
    QVERIFY(!formatAt(line(document, 5), 7).hasProperty(QTextFormat::ForegroundBrush)); // after the value closed
    QVERIFY(!formatAt(line(document, 5), 23).hasProperty(QTextFormat::ForegroundBrush));
}

void tst_JsonHighlighter::coloursOnlyTheBodyOfAMessage()
{
    QTextDocument document;
    JsonHighlighter highlighter(&document, JsonHighlighter::Mode::HttpMessage);
    document.setPlainText(u"200\nContent-Type: application/json\nX-Count: 5\n\n{\"n\": 5}"_s);
    highlighter.rehighlight();
    QCOMPARE(formatAt(line(document, 0), 0).fontWeight(), int(QFont::Bold)); // the status line
    QCOMPARE(formatAt(line(document, 1), 0).fontWeight(), int(QFont::Bold)); // a header name
    QVERIFY(formatAt(line(document, 1), 20).fontWeight() != int(QFont::Bold)); // its value
    QVERIFY(!formatAt(line(document, 2), 9).hasProperty(QTextFormat::ForegroundBrush)); // 5 in a header
    const QTextBlock body = line(document, 4);
    QCOMPARE(formatAt(body, 1).foreground(), highlighter.keyFormat().foreground());
    QCOMPARE(formatAt(body, 6).foreground(), highlighter.numberFormat().foreground());
}

QTEST_MAIN(tst_JsonHighlighter)
#include "tst_jsonhighlighter.moc"
