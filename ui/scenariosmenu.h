// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Scenarios menu: one item per saved scenario that launches it with one click (fault rules,
// launch context, browser), then "Manage scenarios…" and "Save current…".

#include "uihelpers.h"

#include <QMenu>

class Sandbox;

class ScenariosMenu final : public QMenu
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScenariosMenu)

public:
    explicit ScenariosMenu(Sandbox &sandbox, QWidget *parent = nullptr);
    ~ScenariosMenu() override;

    void setUrlOpener(UiHelpers::UrlOpener opener) { m_open = std::move(opener); }
    // Rebuilds the items from the saved scenarios (also done on every change).
    void rebuild();

Q_SIGNALS:
    void launched(const QUrl &url);

private:
    Sandbox &m_sandbox;
    UiHelpers::UrlOpener m_open = UiHelpers::desktopUrlOpener();
};
