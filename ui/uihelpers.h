// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small pieces every page shares: copy buttons, the confirmation question (injectable, so tests
// answer it without a modal dialog), empty-state labels and the monospace font for tokens.

#include <QString>

#include <functional>

class QFont;
class QLabel;
class QToolButton;
class QWidget;

namespace UiHelpers {

// Asks before something destructive; true when the user chose `action`.
using Confirmer
    = std::function<bool(QWidget *parent, const QString &title, const QString &text, const QString &action)>;
// A question box whose yes-button says what it does ("Revoke", "Reset").
Confirmer messageBoxConfirmer();

void copyToClipboard(const QString &text);
// A tool button that copies what `text` returns at the moment it is clicked.
QToolButton *makeCopyButton(const QString &objectName, const QString &toolTip, std::function<QString()> text,
                            QWidget *parent);
// A centred, wrapping label that says what to do when a table is empty.
QLabel *makeEmptyStateLabel(const QString &objectName, QWidget *parent);
QFont monospaceFont();
// Loads the translation for the system locale (or `language`, e.g. "de"), falling back to English,
// whose file supplies the plural forms; the translator is parented to the application.
void installTranslator(const QString &language = {});

} // namespace UiHelpers
