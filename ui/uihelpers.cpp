// SPDX-License-Identifier: Apache-2.0
#include "uihelpers.h"

#include "jsonhighlighter.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHeaderView>
#include <QIcon>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QTranslator>
#include <QVBoxLayout>

#include <memory>

using namespace Qt::StringLiterals;

namespace UiHelpers {

Confirmer messageBoxConfirmer()
{
    return [](QWidget *parent, const QString &title, const QString &text, const QString &action) {
        QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Cancel, parent);
        QPushButton *accept = box.addButton(action, QMessageBox::DestructiveRole);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        return box.clickedButton() == accept;
    };
}

SaveFileChooser fileDialogSaveChooser()
{
    return [](QWidget *parent, const QString &title, const QString &suggestedPath, const QString &filter) {
        return QFileDialog::getSaveFileName(parent, title, suggestedPath, filter);
    };
}

OpenFileChooser fileDialogOpenChooser()
{
    return [](QWidget *parent, const QString &title, const QString &filter) {
        return QFileDialog::getOpenFileName(parent, title, QString(), filter);
    };
}

UrlOpener desktopUrlOpener()
{
    return [](const QUrl &url) { return QDesktopServices::openUrl(url); };
}

QString settingsOrganization()
{
    return u"smart-sandbox"_s;
}

QSettings settings()
{
    return QSettings(settingsOrganization(), QCoreApplication::applicationName());
}

void copyToClipboard(const QString &text)
{
    QGuiApplication::clipboard()->setText(text);
}

QToolButton *makeCopyButton(const QString &objectName, const QString &toolTip, std::function<QString()> text,
                            QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setText(QCoreApplication::translate("UiHelpers", "Copy"));
    button->setIcon(QIcon::fromTheme(u"edit-copy"_s));
    button->setToolButtonStyle(button->icon().isNull() ? Qt::ToolButtonTextOnly : Qt::ToolButtonIconOnly);
    button->setToolTip(toolTip);
    button->setAutoRaise(true);
    QObject::connect(button, &QToolButton::clicked, button, [text = std::move(text)] { copyToClipboard(text()); });
    return button;
}

QToolButton *makeActionButton(const QString &objectName, const QString &text, const QString &toolTip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setText(text);
    button->setToolTip(toolTip);
    return button;
}

void configureTableView(QTableView *view)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setHighlightSections(false);
}

QAction *addViewAction(QTableView *view, const QString &text, const QKeySequence &shortcut,
                       std::function<void()> triggered)
{
    auto *action = new QAction(text, view);
    action->setShortcut(shortcut);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QObject::connect(action, &QAction::triggered, view, std::move(triggered));
    view->addAction(action);
    return action;
}

QLabel *makeEmptyStateLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setForegroundRole(QPalette::PlaceholderText);
    label->setMargin(24);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    label->setFont(font);
    return label;
}

QFont monospaceFont()
{
    return QFontDatabase::systemFont(QFontDatabase::FixedFont);
}

QDialog *showJsonDialog(QWidget *parent, const QString &objectName, const QString &title, const QJsonObject &json)
{
    auto *dialog = new QDialog(parent);
    dialog->setObjectName(objectName);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(title);
    auto *text = new QPlainTextEdit(dialog);
    text->setObjectName(objectName + u"Edit"_s);
    text->setReadOnly(true);
    text->setFont(monospaceFont());
    new JsonHighlighter(text->document());
    text->setPlainText(QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Indented)));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QPushButton *copy
        = buttons->addButton(QCoreApplication::translate("UiHelpers", "Copy"), QDialogButtonBox::ActionRole);
    copy->setObjectName(u"copyButton"_s);
    QObject::connect(copy, &QPushButton::clicked, text, [text] { copyToClipboard(text->toPlainText()); });
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog->resize(640, 520);
    dialog->show();
    return dialog;
}

void installTranslator(const QString &language)
{
    const QLocale locale = language.isEmpty() ? QLocale() : QLocale(language);
    auto own = std::make_unique<QTranslator>();
    if (own->load(locale, u"smart-sandbox"_s, u"_"_s, u":/i18n"_s) || own->load(u"smart-sandbox_en"_s, u":/i18n"_s)) {
        own->setParent(QCoreApplication::instance());
        QCoreApplication::installTranslator(own.release());
    }
    // Qt's own words (standard buttons, context menus), where Qt's translations are installed.
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(locale, u"qtbase"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        qt->setParent(QCoreApplication::instance());
        QCoreApplication::installTranslator(qt.release());
    }
}

QIcon applicationIcon()
{
    QIcon icon;
    for (const int size : {16, 22, 24, 32, 48, 64, 128, 256})
        icon.addFile(u":/icons/hicolor/%1x%1/apps/io.github.smart_sandbox.png"_s.arg(size), QSize(size, size));
    return icon;
}

bool selectData(QComboBox *combo, const QVariant &data)
{
    const int index = combo->findData(data);
    if (index >= 0)
        combo->setCurrentIndex(index);
    return index >= 0;
}

} // namespace UiHelpers
