// SPDX-License-Identifier: Apache-2.0
#pragma once

// Scenarios: the saved launch scenarios, each launched with one click (Launch, or a double click):
// its fault rules are applied, the launch context is created and the browser opens the app's
// launch URL, all through ScenarioStore as POST /admin/scenarios/{name}/launch does. "Save
// current…" stores a client, user, patient, encounter, scope and the current fault rules.

#include "result.h"
#include "uihelpers.h"

#include <QDialog>
#include <QUrl>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class Sandbox;
class ScenarioModel;

class ScenariosDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScenariosDialog)

public:
    explicit ScenariosDialog(Sandbox &sandbox, QWidget *parent = nullptr);
    ~ScenariosDialog() override;

    // Replace the browser and the question before Remove (tests).
    void setUrlOpener(UiHelpers::UrlOpener opener) { m_open = std::move(opener); }
    void setConfirmer(UiHelpers::Confirmer confirmer) { m_confirm = std::move(confirmer); }

    // Launches a scenario and opens its launch URL: what Launch and the Scenarios menu do. The
    // opened URL, or an error sentence for the user.
    static Result<QUrl> launchScenario(Sandbox &sandbox, const QString &name, const UiHelpers::UrlOpener &open);

    ScenarioModel *model() const { return m_model; }
    bool selectScenario(const QString &name);
    // Launches the selected scenario and opens the browser; false (with the reason shown) when refused.
    bool launchSelected();
    QUrl launchedUrl() const { return m_launched; }
    QString errorText() const;

Q_SIGNALS:
    void launched(const QUrl &url);

private:
    QString selectedName() const;
    void removeSelected();
    void saveCurrent();
    void showError(const QString &message);
    void updateButtons();

    Sandbox &m_sandbox;
    UiHelpers::UrlOpener m_open = UiHelpers::desktopUrlOpener();
    UiHelpers::Confirmer m_confirm = UiHelpers::messageBoxConfirmer();
    ScenarioModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    QLabel *m_emptyLabel;
    QLabel *m_errorLabel;
    QPushButton *m_launchButton;
    QPushButton *m_saveButton;
    QPushButton *m_removeButton;
    QUrl m_launched;
};
