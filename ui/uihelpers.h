// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small pieces every page shares: copy buttons, the confirmation question and the save-file
// question (injectable, so tests answer them without a modal dialog), empty-state labels, the
// monospace font for tokens, a JSON viewer dialog and the window's settings.

#include <QKeySequence>
#include <QSettings>
#include <QString>
#include <QVariant>

#include <functional>

class QAction;
class QDialog;
class QFont;
class QIcon;
class QJsonObject;
class QLabel;
class QTableView;
class QUrl;
class QToolButton;
class QWidget;

class QComboBox;

namespace UiHelpers {

// Asks before something destructive; true when the user chose `action`.
using Confirmer
    = std::function<bool(QWidget *parent, const QString &title, const QString &text, const QString &action)>;
// A question box whose yes-button says what it does ("Revoke", "Reset").
Confirmer messageBoxConfirmer();

void copyToClipboard(const QString &text);
// Asks where to save; the chosen path, or an empty string when the user cancelled.
using SaveFileChooser = std::function<QString(QWidget *parent, const QString &title, const QString &suggestedPath,
                                              const QString &filter)>;
SaveFileChooser fileDialogSaveChooser();
// Asks which file to open; the chosen path, or an empty string when the user cancelled.
using OpenFileChooser = std::function<QString(QWidget *parent, const QString &title, const QString &filter)>;
OpenFileChooser fileDialogOpenChooser();
// Opens a URL in the user's browser; false when nothing could open it. Tests capture the URL.
using UrlOpener = std::function<bool(const QUrl &url)>;
UrlOpener desktopUrlOpener();

// The window's settings (geometry, last folders, time travel choices). Not QSettings(): an
// organization name would also move the default database folder.
QSettings settings();
QString settingsOrganization();

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
// A non-modal dialog that shows `json` pretty-printed and coloured, with Copy and Close; it
// deletes itself when closed. The text view is named `objectName` + "Edit".
QDialog *showJsonDialog(QWidget *parent, const QString &objectName, const QString &title, const QJsonObject &json);
// Loads the translation for the system locale (or `language`, e.g. "de"), falling back to English,
// whose file supplies the plural forms, and Qt's own translation for that language where it is
// installed; the translators are parented to the application.
void installTranslator(const QString &language = {});
// The application icon in every size the resources hold (rendered from packaging/icons/*.svg).
QIcon applicationIcon();

// Selects the combo box item whose data is `data`; false (and no change) when there is none.
bool selectData(QComboBox *combo, const QVariant &data);

} // namespace UiHelpers
