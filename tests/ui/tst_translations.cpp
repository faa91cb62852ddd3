// SPDX-License-Identifier: Apache-2.0
// The window in another language, offscreen, as a German or Spanish user sees it after --lang
// (which calls UiHelpers::installTranslator): tabs, menus, the server state, plural forms in the
// reset question, the Mint dialog, and a portal page the server renders. English stays the
// fallback for a language without a translation.

#include "mainwindow.h"
#include "mintdialog.h"
#include "testsupport.h"
#include "uihelpers.h"

#include <QCoreApplication>
#include <QLabel>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTranslator>

using namespace Qt::StringLiterals;
using namespace TestSupport;

namespace {

struct Expected
{
    QStringList tabs;
    QStringList menus;
    QString running;
    QString resetQuestionPart; // the %n plural form for 0 clients
    QString mintTitle;
    QString signedOut; // the portal's /logout page
};

QStringList tabTexts(const QTabWidget *tabs)
{
    QStringList texts;
    for (int i = 0; i < tabs->count(); ++i)
        texts.append(tabs->tabText(i));
    return texts;
}

QStringList menuTitles(const QMenuBar *bar)
{
    QStringList titles;
    for (const QAction *action : bar->actions())
        titles.append(action->text());
    return titles;
}

} // namespace

Q_DECLARE_METATYPE(Expected)

class tst_Translations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cleanup();
    void windowSpeaksTheLanguage_data();
    void windowSpeaksTheLanguage();
};

void tst_Translations::cleanup()
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

void tst_Translations::windowSpeaksTheLanguage_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<Expected>("expected");
    QTest::newRow("de") << u"de"_s
                        << Expected{{u"&Datenverkehr"_s, u"Ab&läufe"_s, u"T&okens"_s, u"&Clients"_s,
                                     u"&Personen und Daten"_s, u"&Fehler"_s},
                                    {u"&Sandbox"_s, u"&Bearbeiten"_s, u"&Zeit"_s, u"Szenar&ien"_s, u"&Hilfe"_s},
                                    u"● Läuft"_s,
                                    u"0 seit dem Start registrierte oder geänderte Clients"_s,
                                    u"Token ausstellen"_s,
                                    u"Sie sind vom Portal abgemeldet."_s};
    QTest::newRow("es") << u"es"_s
                        << Expected{{u"&Tráfico"_s, u"F&lujos"_s, u"T&okens"_s, u"&Clientes"_s, u"&Personas y datos"_s,
                                     u"&Fallos"_s},
                                    {u"&Sandbox"_s, u"&Editar"_s, u"T&iempo"_s, u"Esce&narios"_s, u"A&yuda"_s},
                                    u"● En marcha"_s,
                                    u"0 clientes registrados o cambiados desde el inicio"_s,
                                    u"Emitir token"_s,
                                    u"Ha cerrado la sesión del portal."_s};
    QTest::newRow("de_AT falls back to de")
        << u"de_AT"_s
        << Expected{
               {u"&Datenverkehr"_s, u"Ab&läufe"_s, u"T&okens"_s, u"&Clients"_s, u"&Personen und Daten"_s, u"&Fehler"_s},
               {u"&Sandbox"_s, u"&Bearbeiten"_s, u"&Zeit"_s, u"Szenar&ien"_s, u"&Hilfe"_s},
               u"● Läuft"_s,
               u"0 seit dem Start registrierte oder geänderte Clients"_s,
               u"Token ausstellen"_s,
               u"Sie sind vom Portal abgemeldet."_s};
    QTest::newRow("no translation: English")
        << u"fi"_s
        << Expected{{u"&Traffic"_s, u"F&lows"_s, u"T&okens"_s, u"&Clients"_s, u"&People and data"_s, u"&Faults"_s},
                    {u"&Sandbox"_s, u"&Edit"_s, u"T&ime"_s, u"Sce&narios"_s, u"&Help"_s},
                    u"● Running"_s,
                    u"0 clients registered or changed since the start"_s,
                    u"Mint token"_s,
                    u"You are signed out of the portal."_s};
}

void tst_Translations::windowSpeaksTheLanguage()
{
    QFETCH(QString, language);
    QFETCH(Expected, expected);
    UiHelpers::installTranslator(language);

    RunningSandbox running;
    QVERIFY2(running.isRunning(), qPrintable(running.error()));
    MainWindow window(running.sandbox());
    QCOMPARE(tabTexts(window.tabWidget()), expected.tabs);
    QCOMPARE(menuTitles(window.menuBar()), expected.menus);
    QCOMPARE(window.findChild<QLabel *>(u"stateLabel"_s)->text(), expected.running);

    QStringList questions;
    window.setConfirmer([&questions](QWidget *, const QString &, const QString &text, const QString &) {
        questions.append(text);
        return false; // declined: nothing changes
    });
    QVERIFY(!window.resetSandbox());
    QCOMPARE(questions.size(), 1);
    QVERIFY2(questions.at(0).contains(expected.resetQuestionPart), qPrintable(questions.at(0)));

    MintDialog dialog(running.sandbox(), &window);
    QCOMPARE(dialog.windowTitle(), expected.mintTitle);

    const Reply signedOut = running.http().get(u"/logout"_s);
    QCOMPARE(signedOut.status, 200);
    QVERIFY2(QString::fromUtf8(signedOut.body).contains(expected.signedOut), signedOut.body.left(2000).constData());
}

QTEST_MAIN(tst_Translations)
#include "tst_translations.moc"
