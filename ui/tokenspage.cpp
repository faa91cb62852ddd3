// SPDX-License-Identifier: Apache-2.0
#include "tokenspage.h"

#include "columnfilterproxy.h"
#include "oauth/grantservice.h"
#include "oauth/tokenservice.h"
#include "sandbox.h"
#include "tokenmodel.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

TokensPage::TokensPage(Sandbox &sandbox, QWidget *parent)
    : QWidget(parent),
      m_sandbox(sandbox),
      m_model(new TokenModel(sandbox, this)),
      m_proxy(new ColumnFilterProxy({TokenModel::ClientColumn, TokenModel::UserColumn, TokenModel::PatientColumn,
                                     TokenModel::ScopeColumn, TokenModel::StateColumn},
                                    this)),
      m_stack(new QStackedWidget(this)),
      m_emptyLabel(UiHelpers::makeEmptyStateLabel(u"tokensEmptyLabel"_s, this)),
      m_view(new QTableView(this)),
      m_filterEdit(new QLineEdit(this)),
      m_copyButton(UiHelpers::makeActionButton(u"copyTokenButton"_s, tr("Copy token"),
                                               tr("Copy the access token (Ctrl+C)"), this)),
      m_curlButton(UiHelpers::makeActionButton(u"copyCurlButton"_s, tr("Copy curl"),
                                               tr("Copy a curl command that reads the token's patient"), this)),
      m_revokeButton(UiHelpers::makeActionButton(u"revokeButton"_s, tr("Revoke…"),
                                                 tr("Revoke the access and refresh token (Delete)"), this)),
      m_expireButton(UiHelpers::makeActionButton(u"expireButton"_s, tr("Expire now"),
                                                 tr("End the access token now; its refresh token stays usable"), this)),
      m_extendButton(UiHelpers::makeActionButton(
          u"extendButton"_s, tr("Extend +1 h"),
          tr("Give the access token one more hour (counted from now if it has expired); a revoked token stays "
             "revoked"),
          this)),
      m_introspectButton(UiHelpers::makeActionButton(
          u"introspectButton"_s, tr("Introspect…"),
          tr("Show what the introspection endpoint (RFC 7662) answers for the access token"), this))
{
    setObjectName(u"tokensPage"_s);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(TokenModel::SortRole);

    m_filterEdit->setObjectName(u"filterEdit"_s);
    m_filterEdit->setPlaceholderText(tr("Filter by client, user, patient, scope or state (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &ColumnFilterProxy::setFilterText);

    connect(m_copyButton, &QToolButton::clicked, this, &TokensPage::copySelectedToken);
    connect(m_curlButton, &QToolButton::clicked, this, &TokensPage::copySelectedCurl);
    connect(m_revokeButton, &QToolButton::clicked, this, &TokensPage::revokeSelected);
    connect(m_expireButton, &QToolButton::clicked, this, &TokensPage::expireSelected);
    connect(m_extendButton, &QToolButton::clicked, this, &TokensPage::extendSelected);
    connect(m_introspectButton, &QToolButton::clicked, this, [this] { (void)introspectSelected(); });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filterEdit, 1);
    for (QToolButton *button :
         {m_copyButton, m_curlButton, m_introspectButton, m_extendButton, m_expireButton, m_revokeButton})
        bar->addWidget(button);

    m_view->setObjectName(u"tokensView"_s);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TokenModel::IssuedColumn, Qt::DescendingOrder);
    UiHelpers::configureTableView(m_view);
    m_view->horizontalHeader()->setSectionResizeMode(TokenModel::ScopeColumn, QHeaderView::Stretch);
    // Wide enough for a date and time in the user's short format.
    m_view->setColumnWidth(TokenModel::IssuedColumn,
                           m_view->fontMetrics().horizontalAdvance(
                               QLocale().toString(QDateTime(QDate(2026, 12, 28), QTime(23, 59)), QLocale::ShortFormat))
                               + 24);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &TokensPage::updateActions);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &TokensPage::updateActions);

    QAction *copyAction
        = UiHelpers::addViewAction(m_view, tr("Copy token"), QKeySequence::Copy, [this] { copySelectedToken(); });
    QAction *revokeAction
        = UiHelpers::addViewAction(m_view, tr("Revoke…"), QKeySequence::Delete, [this] { revokeSelected(); });
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this, copyAction, revokeAction](const QPoint &at) {
        const std::optional<TokenView> token = selectedToken();
        if (!token)
            return;
        QMenu menu(this);
        const auto add = [&](QAction *action, QToolButton *button) {
            action->setEnabled(button->isEnabled());
            menu.addAction(action);
        };
        add(copyAction, m_copyButton);
        menu.addAction(m_curlButton->text(), this, &TokensPage::copySelectedCurl)
            ->setEnabled(m_curlButton->isEnabled());
        menu.addSeparator();
        menu.addAction(m_introspectButton->text(), this, [this] { (void)introspectSelected(); });
        menu.addAction(m_extendButton->text(), this, &TokensPage::extendSelected)
            ->setEnabled(m_extendButton->isEnabled());
        menu.addAction(m_expireButton->text(), this, &TokensPage::expireSelected)
            ->setEnabled(m_expireButton->isEnabled());
        add(revokeAction, m_revokeButton);
        menu.exec(m_view->viewport()->mapToGlobal(at));
    });

    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, &TokensPage::updateEmptyState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TokensPage::updateEmptyState);
    connect(m_model, &TokenModel::loadFailed, this, &TokensPage::report);

    m_stack->addWidget(m_emptyLabel);
    m_stack->addWidget(m_view);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);
    setBaseUrl({});
    updateEmptyState();
    updateActions();
}

TokensPage::~TokensPage() = default;

void TokensPage::setBaseUrl(const QString &baseUrl)
{
    m_baseUrl = baseUrl;
    m_emptyLabel->setText(tr("No tokens yet. Mint one with Mint token (Ctrl+T), or let an app sign in through %1.")
                              .arg(baseUrl + u"/api/fhir"_s));
}

std::optional<TokenView> TokensPage::selectedToken() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid())
        return std::nullopt;
    return m_model->token(m_proxy->mapToSource(current).row());
}

void TokensPage::selectToken(const QString &tokenId)
{
    m_model->flushPending();
    const int row = m_model->rowOf(tokenId);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void TokensPage::copySelectedToken()
{
    if (const std::optional<TokenView> token = selectedToken())
        UiHelpers::copyToClipboard(token->token.accessToken);
}

QString TokensPage::curlCommand(const TokenView &token) const
{
    return u"curl -H 'Authorization: Bearer %1' %2/api/fhir/Patient/%3"_s.arg(token.token.accessToken, m_baseUrl,
                                                                              token.approval.patientId);
}

void TokensPage::copySelectedCurl()
{
    const std::optional<TokenView> token = selectedToken();
    if (token && !token->approval.patientId.isEmpty())
        UiHelpers::copyToClipboard(curlCommand(*token));
}

void TokensPage::revokeSelected()
{
    const std::optional<TokenView> token = selectedToken();
    if (!token || m_model->state(*token) == TokenModel::State::Revoked)
        return;
    const QString who = token->approval.username.isEmpty()
        ? token->token.clientId
        : tr("%1 for %2").arg(token->token.clientId, token->approval.username);
    if (!m_confirm(this, tr("Revoke token"),
                   tr("Revoke the token of %1? Its access token and refresh token stop working at once.").arg(who),
                   tr("Revoke")))
        return;
    if (Result<TokenView> revoked = m_sandbox.tokens().revoke(token->token.id); !revoked)
        report(revoked.error().description);
}

void TokensPage::expireSelected()
{
    const std::optional<TokenView> token = selectedToken();
    if (!token)
        return;
    if (Result<TokenView> expired = m_sandbox.tokens().expireNow(token->token.id); !expired)
        report(expired.error().description);
}

void TokensPage::extendSelected()
{
    const std::optional<TokenView> token = selectedToken();
    if (!token || m_model->state(*token) == TokenModel::State::Revoked)
        return;
    if (Result<TokenView> extended = m_sandbox.tokens().extend(token->token.id, 3600); !extended)
        report(extended.error().description);
}

QDialog *TokensPage::introspectSelected()
{
    const std::optional<TokenView> token = selectedToken();
    if (!token)
        return nullptr;
    const ServerUrls urls{m_baseUrl, m_baseUrl + u"/api/fhir"_s};
    Result<QJsonObject> answer = m_sandbox.grants().introspect(token->token.accessToken, urls);
    if (!answer) {
        report(answer.error().description);
        return nullptr;
    }
    const QString who = token->approval.username.isEmpty()
        ? token->token.clientId
        : tr("%1 for %2").arg(token->token.clientId, token->approval.username);
    return UiHelpers::showJsonDialog(this, u"introspectionDialog"_s, tr("Introspection of the token of %1").arg(who),
                                     answer.value());
}

void TokensPage::report(const QString &message)
{
    QMessageBox::warning(this, tr("Tokens"), message);
}

void TokensPage::updateActions()
{
    const std::optional<TokenView> token = selectedToken();
    const bool revoked = token && m_model->state(*token) == TokenModel::State::Revoked;
    m_copyButton->setEnabled(token.has_value());
    m_curlButton->setEnabled(token && !token->approval.patientId.isEmpty());
    m_revokeButton->setEnabled(token && !revoked);
    m_expireButton->setEnabled(token && !revoked);
    m_extendButton->setEnabled(token && !revoked);
    m_introspectButton->setEnabled(token.has_value());
}

void TokensPage::updateEmptyState()
{
    m_stack->setCurrentWidget(m_model->rowCount() == 0 ? static_cast<QWidget *>(m_emptyLabel) : m_view);
}
