// SPDX-License-Identifier: Apache-2.0
#include "scenariosmenu.h"

#include "sandbox.h"
#include "savescenariodialog.h"
#include "scenarios/scenariostore.h"
#include "scenariosdialog.h"

#include <QMessageBox>

using namespace Qt::StringLiterals;

ScenariosMenu::ScenariosMenu(Sandbox &sandbox, QWidget *parent) : QMenu(tr("Sce&narios"), parent), m_sandbox(sandbox)
{
    setObjectName(u"scenariosMenu"_s);
    rebuild();
    connect(&sandbox.scenarios(), &ScenarioStore::changed, this, &ScenariosMenu::rebuild);
}

ScenariosMenu::~ScenariosMenu() = default;

void ScenariosMenu::rebuild()
{
    clear();
    Result<QList<Scenario>> scenarios = m_sandbox.scenarios().list();
    if (scenarios && !scenarios.value().isEmpty()) {
        for (const Scenario &scenario : scenarios.value()) {
            QAction *action = addAction(tr("Launch %1").arg(scenario.name));
            action->setObjectName(u"launchScenarioAction:"_s + scenario.name);
            action->setToolTip(tr("Apply its fault rules, create the launch and open the app in the browser"));
            const QString name = scenario.name;
            connect(action, &QAction::triggered, this, [this, name] {
                Result<QUrl> opened = ScenariosDialog::launchScenario(m_sandbox, name, m_open);
                if (opened)
                    Q_EMIT launched(opened.value());
                else
                    QMessageBox::warning(parentWidget(), tr("Launch scenario"), opened.error().description);
            });
        }
    } else {
        QAction *none = addAction(tr("No saved scenarios"));
        none->setEnabled(false);
    }
    addSeparator();
    QAction *manage = addAction(tr("&Manage scenarios…"));
    manage->setObjectName(u"manageScenariosAction"_s);
    connect(manage, &QAction::triggered, this, [this] {
        auto *dialog = new ScenariosDialog(m_sandbox, parentWidget());
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setUrlOpener(m_open);
        dialog->show();
    });
    QAction *save = addAction(tr("Save c&urrent…"));
    save->setObjectName(u"saveScenarioAction"_s);
    connect(save, &QAction::triggered, this, [this] {
        SaveScenarioDialog dialog(m_sandbox, parentWidget());
        dialog.exec();
    });
}
