// SPDX-License-Identifier: Apache-2.0
#include "jsonhighlighter.h"

#include "statecolors.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

// Block states in an HTTP message: the head, then the body at a JSON bracket depth (1 + depth).
constexpr int s_headState = 0;
constexpr int s_bodyState = 1;

// { and [ minus } and ] outside strings.
int bracketBalance(const QString &text)
{
    int balance = 0;
    bool inString = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inString) {
            if (c == u'\\')
                ++i;
            else if (c == u'"')
                inString = false;
        } else if (c == u'"') {
            inString = true;
        } else if (c == u'{' || c == u'[') {
            ++balance;
        } else if (c == u'}' || c == u']') {
            --balance;
        }
    }
    return balance;
}

QColor keyColor()
{
    return StateColors::darkPalette() ? QColor(0x8c, 0xb4, 0xff) : QColor(0x1a, 0x5f, 0xb4);
}

QColor literalColor()
{
    return StateColors::darkPalette() ? QColor(0xdc, 0x8a, 0xdd) : QColor(0x81, 0x3d, 0x9c);
}

} // namespace

JsonHighlighter::JsonHighlighter(QTextDocument *document, Mode mode) : QSyntaxHighlighter(document), m_mode(mode)
{
    m_key.setForeground(keyColor());
    m_string.setForeground(StateColors::good());
    m_number.setForeground(StateColors::warning());
    m_literal.setForeground(literalColor());
    m_literal.setFontWeight(QFont::Bold);
    m_headerName.setFontWeight(QFont::Bold);
}

JsonHighlighter::~JsonHighlighter() = default;

void JsonHighlighter::highlightBlock(const QString &text)
{
    const int previous = previousBlockState();
    if (m_mode == Mode::Json) {
        setCurrentBlockState(highlightJson(text, qMax(0, previous)));
        return;
    }
    if (previous >= s_bodyState) {
        setCurrentBlockState(s_bodyState + highlightJson(text, previous - s_bodyState));
        return;
    }
    // The head: the first line, then "Name: value" lines until the first blank line.
    setCurrentBlockState(text.trimmed().isEmpty() && previous == s_headState ? s_bodyState : s_headState);
    if (previous != s_headState) {
        setFormat(0, int(text.size()), m_headerName); // the request or status line
        return;
    }
    const qsizetype colon = text.indexOf(u':');
    if (colon > 0)
        setFormat(0, int(colon), m_headerName);
}

int JsonHighlighter::highlightJson(const QString &text, int depth)
{
    const QString trimmed = text.trimmed();
    if (depth <= 0 && !trimmed.startsWith(u'{') && !trimmed.startsWith(u'['))
        return 0;
    static const QRegularExpression number(u"-?\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b"_s);
    static const QRegularExpression literal(u"\\b(?:true|false|null)\\b"_s);
    static const QRegularExpression string(u"\"(?:[^\"\\\\]|\\\\.)*\"(\\s*:)?"_s);
    for (auto it = number.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        setFormat(int(match.capturedStart()), int(match.capturedLength()), m_number);
    }
    for (auto it = literal.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        setFormat(int(match.capturedStart()), int(match.capturedLength()), m_literal);
    }
    // Strings last: digits and words inside them are string, not number or literal.
    for (auto it = string.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        const bool isKey = match.capturedLength(1) > 0;
        const int length = int(match.capturedLength() - match.capturedLength(1));
        setFormat(int(match.capturedStart()), length, isKey ? m_key : m_string);
    }
    return qMax(0, depth + bracketBalance(text));
}
