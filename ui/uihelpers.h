// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small pieces every page shares: copy buttons, the confirmation question (injectable, so tests
// answer it without a modal dialog), empty-state labels and the monospace font for tokens.

#include <QKeySequence>
#include <QString>

#include <functional>

class QFont;
class QLabel;
class QToolButton;
class QWidget;

class QAction;
class QTableView;
class QToolButton;

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
// A tool button for a table page's action bar.
QToolButton *makeActionButton(const QString &objectName, const QString &text, const QString &toolTip, QWidget *parent);
// The look every table of the window shares: whole rows, one at a time, compact, no row numbers.
void configureTableView(QTableView *view);
// An action on `view` that its shortcut triggers while the view (or a child) has focus.
QAction *addViewAction(QTableView *view, const QString &text, const QKeySequence &shortcut,
                       std::function<void()> triggered);
// A centred, wrapping label that says what to do when a table is empty.
QLabel *makeEmptyStateLabel(const QString &objectName, QWidget *parent);
QFont monospaceFont();
// Loads the translation for the system locale (or `language`, e.g. "de"), falling back to English,
// whose file supplies the plural forms; the translator is parented to the application.
void installTranslator(const QString &language = {});

} // namespace UiHelpers
