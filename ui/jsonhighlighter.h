// SPDX-License-Identifier: Apache-2.0
#pragma once

// Colours JSON in a read-only text view: keys, strings, numbers and true/false/null, in colours
// that read on the system palette, light or dark. Only JSON is coloured: a value that starts a
// line with { or [, until its brackets close, so prose and dates around it stay plain. For an
// HTTP message (a first line, headers, a blank line, then the body) the header names are bold.

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

class JsonHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonHighlighter)

public:
    enum class Mode { Json, HttpMessage };

    explicit JsonHighlighter(QTextDocument *document, Mode mode = Mode::Json);
    ~JsonHighlighter() override;

    // The formats, for tests and for a legend.
    QTextCharFormat keyFormat() const { return m_key; }
    QTextCharFormat stringFormat() const { return m_string; }
    QTextCharFormat numberFormat() const { return m_number; }
    QTextCharFormat literalFormat() const { return m_literal; }

protected:
    void highlightBlock(const QString &text) override;

private:
    // Colours the line if it is JSON (inside a value, or starting one) and returns the bracket
    // depth after it.
    int highlightJson(const QString &text, int depth);

    Mode m_mode;
    QTextCharFormat m_key;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_literal;
    QTextCharFormat m_headerName;
};
