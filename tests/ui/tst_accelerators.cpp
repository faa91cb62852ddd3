// SPDX-License-Identifier: Apache-2.0
// The & accelerators (mnemonics) in every shipped language, as translations/README.md asks for
// them: in a window (the main window with each tab shown, every dialog in every state one of its
// combo boxes can put it in) no two visible menu titles, tabs, buttons, group boxes or labels with
// a buddy take the same Alt+letter; in every menu no two items take the same letter, nor the
// letter of one of the window's menu titles or tabs. Case does not count; text without & has no
// accelerator. Each row loads the translation as --lang does and builds the real widgets.

#include "clientdialog.h"
#include "clientspage.h"
#include "discoverydialog.h"
#include "faultruledialog.h"
#include "launchdialog.h"
#include "mainwindow.h"
#include "mintdialog.h"
#include "oauth/clientregistry.h"
#include "savescenariodialog.h"
#include "scenarios/scenariostore.h"
#include "scenariosdialog.h"
#include "selfcheckdialog.h"
#include "server/portalserver.h"
#include "settingsdialog.h"
#include "testsupport.h"
#include "timetraveldialog.h"
#include "uihelpers.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QCoreApplication>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QToolButton>
#include <QTranslator>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

// The letter after the first single &, lower-cased; a null QChar when there is none ("&&" is a
// literal ampersand), as QKeySequence::mnemonic reads it.
QChar mnemonic(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != u'&')
            continue;
        if (text.at(i + 1) == u'&') {
            ++i;
            continue;
        }
        return text.at(i + 1).toLower();
    }
    return {};
}

struct Item
{
    QChar letter;
    QString text;
    QString kind;
};

// The items that take an Alt+letter in `window` as it is shown now.
QList<Item> windowItems(const QWidget *window)
{
    QList<Item> items;
    const auto add = [&items](const QString &text, const QString &kind) {
        if (const QChar letter = mnemonic(text); !letter.isNull())
            items.append({letter, text, kind});
    };
    const QList<QWidget *> widgets = window->findChildren<QWidget *>();
    for (const QWidget *widget : widgets) {
        if (!widget->isVisibleTo(window) || widget->window() != window)
            continue;
        if (const auto *bar = qobject_cast<const QMenuBar *>(widget)) {
            for (const QAction *action : bar->actions()) {
                if (action->isVisible())
                    add(action->text(), u"menu"_s);
            }
        } else if (const auto *tabs = qobject_cast<const QTabBar *>(widget)) {
            for (int i = 0; i < tabs->count(); ++i) {
                if (tabs->isTabVisible(i))
                    add(tabs->tabText(i), u"tab"_s);
            }
        } else if (const auto *button = qobject_cast<const QAbstractButton *>(widget)) {
            add(button->text(), u"button"_s);
        } else if (const auto *label = qobject_cast<const QLabel *>(widget)) {
            // A label's & leads somewhere only with a buddy; one without is found by deadLabels().
            if (label->buddy())
                add(label->text(), u"label"_s);
        } else if (const auto *group = qobject_cast<const QGroupBox *>(widget)) {
            add(group->title(), u"group"_s);
        }
    }
    return items;
}

// Labels that show an accelerator but have no buddy to move to (QFormLayout::addRow with a
// layout as the field makes such a label): the letter is underlined and does nothing.
QStringList deadLabels(const QWidget *window)
{
    QStringList found;
    for (const QLabel *label : window->findChildren<QLabel *>()) {
        if (label->isVisibleTo(window) && label->window() == window && !label->buddy()
            && label->textFormat() != Qt::RichText && !mnemonic(label->text()).isNull())
            found.append(u"label \"%1\" has an accelerator but no buddy"_s.arg(label->text()));
    }
    return found;
}

QString describe(const Item &item)
{
    return u"%1 \"%2\""_s.arg(item.kind, item.text);
}

// Every pair of items with the same letter, as sentences.
QStringList clashes(const QList<Item> &items)
{
    QStringList found;
    for (qsizetype i = 0; i < items.size(); ++i) {
        for (qsizetype j = i + 1; j < items.size(); ++j) {
            if (items.at(i).letter == items.at(j).letter)
                found.append(u"%1 and %2 both take %3"_s.arg(describe(items.at(i)), describe(items.at(j)))
                                 .arg(items.at(i).letter.toUpper()));
        }
    }
    return found;
}

// The menu's items against each other and against the window's menu titles and tabs
// (`windowLetters`), then its submenus.
QStringList menuClashes(const QMenu *menu, const QList<Item> &windowLetters, const QString &path = {})
{
    QList<Item> items;
    QStringList found;
    const QString name = (path.isEmpty() ? QString() : path + u" › "_s) + menu->title().remove(u'&');
    for (const QAction *action : menu->actions()) {
        if (!action->isVisible() || action->isSeparator())
            continue;
        if (const QChar letter = mnemonic(action->text()); !letter.isNull()) {
            const Item item{letter, action->text(), u"item"_s};
            for (const Item &other : windowLetters) {
                if (other.letter == letter)
                    found.append(u"menu %1: %2 takes %3, the letter of the window's %4"_s.arg(name, describe(item))
                                     .arg(letter.toUpper())
                                     .arg(describe(other)));
            }
            items.append(item);
        }
        if (action->menu())
            found += menuClashes(action->menu(), windowLetters, name);
    }
    for (const QString &clash : clashes(items))
        found.append(u"menu %1: %2"_s.arg(name, clash));
    return found;
}

// The window as it is now: its own items, and every menu of its menu bar and of its visible
// tool buttons.
QStringList windowClashes(const QWidget *window)
{
    const QList<Item> items = windowItems(window);
    QStringList found = clashes(items) + deadLabels(window);
    QList<Item> topLevel;
    for (const Item &item : items) {
        if (item.kind == "menu"_L1 || item.kind == "tab"_L1)
            topLevel.append(item);
    }
    QList<const QMenu *> menus;
    if (const auto *bar = window->findChild<QMenuBar *>()) {
        for (const QAction *action : bar->actions()) {
            if (action->isVisible() && action->menu())
                menus.append(action->menu());
        }
    }
    for (const QToolButton *button : window->findChildren<QToolButton *>()) {
        if (button->isVisibleTo(window) && button->menu() && !menus.contains(button->menu()))
            menus.append(button->menu());
    }
    for (const QMenu *menu : std::as_const(menus))
        found += menuClashes(menu, topLevel);
    return found;
}

// What went wrong, each once, with where it was first seen.
class Findings final
{
public:
    void add(const QString &where, const QStringList &found)
    {
        for (const QString &what : found) {
            if (!m_seen.contains(what)) {
                m_seen.insert(what);
                m_lines.append(where + u": "_s + what);
            }
        }
    }
    bool isEmpty() const { return m_lines.isEmpty(); }
    // Lists every finding on its own line (a failure message is cut short) and says how many.
    QByteArray report() const
    {
        for (const QString &line : m_lines)
            qWarning().noquote() << line;
        return QByteArray::number(m_lines.size()) + " accelerator problem(s), listed above";
    }

private:
    QStringList m_lines;
    QSet<QString> m_seen;
};

// The dialog in its first state, then in every state one combo box at a time can put it in
// (combo boxes show and hide rows: the fault rule's effect and budget, the client's
// authentication).
void checkDialog(QWidget *dialog, const QString &language, Findings &findings)
{
    const QString where = u"%1, %2 \"%3\""_s.arg(language, dialog->objectName(), dialog->windowTitle());
    findings.add(where, windowClashes(dialog));
    for (QComboBox *combo : dialog->findChildren<QComboBox *>()) {
        if (!combo->isVisibleTo(dialog) || combo->isEditable())
            continue;
        const int start = combo->currentIndex();
        for (int index = 0; index < combo->count(); ++index) {
            combo->setCurrentIndex(index);
            findings.add(u"%1 (%2: %3)"_s.arg(where, combo->objectName(), combo->itemText(index)),
                         windowClashes(dialog));
        }
        combo->setCurrentIndex(start);
    }
}

QString registerLaunchableClient(Sandbox &sandbox)
{
    Result<Client> client
        = sandbox.clients().registerClient(QJsonObject{{u"client_name"_s, u"Accelerator App"_s},
                                                       {u"redirect_uris"_s, QJsonArray{u"http://localhost:3000/cb"_s}},
                                                       {u"token_endpoint_auth_method"_s, u"none"_s},
                                                       {u"launch_uri"_s, u"http://localhost:3000/launch"_s},
                                                       {u"scope"_s, u"launch patient/*.rs"_s}},
                                           u"ui"_s);
    return client ? client->id : QString();
}

} // namespace

class tst_Accelerators final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cleanup();
    void mnemonicIsReadAsQtReadsIt();
    void mainWindowHasNoClashes_data();
    void mainWindowHasNoClashes();
    void dialogsHaveNoClashes_data() { mainWindowHasNoClashes_data(); }
    void dialogsHaveNoClashes();
};

void tst_Accelerators::cleanup()
{
    // Each row starts from no translation at all, as a fresh start of the program would.
    const QList<QTranslator *> translators
        = QCoreApplication::instance()->findChildren<QTranslator *>(Qt::FindDirectChildrenOnly);
    for (QTranslator *translator : translators) {
        QCoreApplication::removeTranslator(translator);
        translator->deleteLater();
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

void tst_Accelerators::mnemonicIsReadAsQtReadsIt()
{
    QCOMPARE(mnemonic(u"S&tart server"_s), u't');
    QCOMPARE(mnemonic(u"&Lanzamiento EHR…"_s), u'l');
    QCOMPARE(mnemonic(u"Zu&rücksetzen…"_s), u'r');
    QCOMPARE(mnemonic(u"Ü&ber"_s), u'b');
    QCOMPARE(mnemonic(u"&Über"_s), u'ü');
    QCOMPARE(mnemonic(u"Salt && pepper"_s), QChar());
    QCOMPARE(mnemonic(u"Salt && &pepper"_s), u'p');
    QCOMPARE(mnemonic(u"No accelerator"_s), QChar());
    QCOMPARE(mnemonic(u"Trailing &"_s), QChar());
    // The check itself finds a clash between a menu item and a tab, and one inside a menu.
    QMenu menu(u"&Sandbox"_s);
    menu.addAction(u"&Lanzamiento EHR…"_s);
    menu.addAction(u"&Luz"_s);
    menu.addAction(u"&Quit"_s);
    const QStringList found = menuClashes(&menu, {{u'l', u"F&lujos"_s, u"tab"_s}});
    QCOMPARE(found.size(), 3);
    QVERIFY2(found.at(0).contains(u"\"&Lanzamiento EHR…\" takes L, the letter of the window's tab \"F&lujos\""_s),
             qPrintable(found.join(u'\n')));
    QVERIFY2(found.at(2).contains(u"item \"&Lanzamiento EHR…\" and item \"&Luz\" both take L"_s),
             qPrintable(found.join(u'\n')));
}

void tst_Accelerators::mainWindowHasNoClashes_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("en") << u"en"_s;
    QTest::newRow("de") << u"de"_s;
    QTest::newRow("es") << u"es"_s;
}

void tst_Accelerators::mainWindowHasNoClashes()
{
    QFETCH(QString, language);
    UiHelpers::installTranslator(language);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    QVERIFY(!registerLaunchableClient(running.sandbox()).isEmpty());
    Scenario scenario;
    scenario.name = u"slow-token"_s;
    scenario.clientId = u"test-suite"_s;
    QVERIFY(running.sandbox().scenarios().save(scenario));

    MainWindow window(running.sandbox());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(windowItems(&window).size() >= window.tabWidget()->count() + window.menuBar()->actions().size());
    Findings findings;
    // Start and Stop are one item with two texts: both must fit.
    for (const bool listening : {true, false}) {
        for (int tab = 0; tab < window.tabWidget()->count(); ++tab) {
            window.tabWidget()->setCurrentIndex(tab);
            window.clientsPage()->view()->selectRow(0);
            findings.add(u"%1, mainWindow, tab %2"_s.arg(language, window.tabWidget()->tabText(tab)),
                         windowClashes(&window));
        }
        if (listening)
            window.toggleListening();
    }
    QVERIFY2(findings.isEmpty(), findings.report().constData());
}

void tst_Accelerators::dialogsHaveNoClashes()
{
    QFETCH(QString, language);
    UiHelpers::installTranslator(language);
    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    Sandbox &sandbox = running.sandbox();
    const QString clientId = registerLaunchableClient(sandbox);
    QVERIFY(!clientId.isEmpty());
    Result<std::optional<Client>> client = sandbox.clients().find(clientId);
    QVERIFY(client && client->has_value());
    Scenario scenario;
    scenario.name = u"slow-token"_s;
    scenario.clientId = clientId;
    QVERIFY(sandbox.scenarios().save(scenario));
    QSettings settings(QStandardPaths::writableLocation(QStandardPaths::TempLocation) + u"/accelerators.ini"_s,
                       QSettings::IniFormat);

    QWidget parent;
    std::vector<std::unique_ptr<QWidget>> dialogs;
    dialogs.push_back(std::make_unique<ClientDialog>(sandbox, &parent));
    dialogs.push_back(std::make_unique<ClientDialog>(sandbox, client->value(), &parent));
    dialogs.push_back(std::make_unique<DiscoveryDialog>(sandbox, &parent));
    dialogs.push_back(std::make_unique<FaultRuleDialog>(sandbox, &parent));
    dialogs.push_back(std::make_unique<LaunchDialog>(sandbox, &parent));
    dialogs.push_back(std::make_unique<MintDialog>(sandbox, &parent));
    dialogs.push_back(std::make_unique<SaveScenarioDialog>(sandbox, &parent));
    dialogs.push_back(std::make_unique<ScenariosDialog>(sandbox, &parent));
    dialogs.push_back(std::make_unique<SelfCheckDialog>(QUrl(sandbox.server().baseUrl()), &parent));
    dialogs.push_back(std::make_unique<SettingsDialog>(sandbox, settings, &parent));
    dialogs.push_back(std::make_unique<TimeTravelDialog>(&parent));
    Findings findings;
    for (const std::unique_ptr<QWidget> &dialog : dialogs) {
        QVERIFY2(!windowItems(dialog.get()).isEmpty(), qPrintable(dialog->objectName()));
        dialog->show();
        checkDialog(dialog.get(), language, findings);
        dialog->hide();
    }
    QVERIFY2(findings.isEmpty(), findings.report().constData());
}

QTEST_MAIN(tst_Accelerators)
#include "tst_accelerators.moc"
