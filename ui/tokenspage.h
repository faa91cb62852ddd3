// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Tokens tab: every token with live countdowns, and the actions on the selected one (copy,
// copy as curl, revoke, expire now). Delete revokes after a confirmation.

#include "uihelpers.h"

#include <QWidget>

#include <optional>

class ColumnFilterProxy;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QToolButton;
class Sandbox;
class TokenModel;
struct TokenView;

class TokensPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokensPage)

public:
    explicit TokensPage(Sandbox &sandbox, QWidget *parent = nullptr);
    ~TokensPage() override;

    TokenModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    void setConfirmer(UiHelpers::Confirmer confirmer) { m_confirm = std::move(confirmer); }
    void setBaseUrl(const QString &baseUrl);
    // The token in the current row, if any.
    std::optional<TokenView> selectedToken() const;
    void selectToken(const QString &tokenId);

    void copySelectedToken();
    void copySelectedCurl();
    void revokeSelected();
    void expireSelected();

private:
    void report(const QString &message);
    void updateActions();
    void updateEmptyState();

    Sandbox &m_sandbox;
    TokenModel *m_model;
    ColumnFilterProxy *m_proxy;
    QStackedWidget *m_stack;
    QLabel *m_emptyLabel;
    QTableView *m_view;
    QLineEdit *m_filterEdit;
    QToolButton *m_copyButton;
    QToolButton *m_curlButton;
    QToolButton *m_revokeButton;
    QToolButton *m_expireButton;
    QString m_baseUrl;
    UiHelpers::Confirmer m_confirm = UiHelpers::messageBoxConfirmer();
};
