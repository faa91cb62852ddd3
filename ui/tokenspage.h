// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Tokens tab: every token with live countdowns, and the actions on the selected one (copy,
// copy as curl, introspect, extend by an hour, expire now, revoke), on buttons and in the
// table's context menu. Delete revokes after a confirmation. Each goes through the service the
// matching HTTP route uses (TokenService, GrantService::introspect).

#include "uihelpers.h"

#include <QWidget>

#include <optional>

class ColumnFilterProxy;
class QDialog;
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
    QString curlCommand(const TokenView &token) const;
    void revokeSelected();
    void expireSelected();
    // Gives the access token one more hour (from now when it has expired).
    void extendSelected();
    // Shows the RFC 7662 answer for the access token in a dialog; nullptr when nothing is selected.
    QDialog *introspectSelected();

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
    QToolButton *m_extendButton;
    QToolButton *m_introspectButton;
    QString m_baseUrl;
    UiHelpers::Confirmer m_confirm = UiHelpers::messageBoxConfirmer();
};
