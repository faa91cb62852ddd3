// SPDX-License-Identifier: Apache-2.0
#include "selfcheckdialog.h"

#include "statecolors.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

void SelfCheckModel::clear()
{
    beginResetModel();
    m_results.clear();
    endResetModel();
}

void SelfCheckModel::append(const CheckResult &result)
{
    const int row = int(m_results.size());
    beginInsertRows({}, row, row);
    m_results.append(result);
    endInsertRows();
}

int SelfCheckModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_results.size());
}

int SelfCheckModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SelfCheckModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CheckResult &result = m_results.at(index.row());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case CheckColumn: return result.name;
        case ResultColumn: return result.passed ? tr("pass") : tr("FAIL");
        case RuleColumn: return result.rule;
        case DetailColumn: return result.detail;
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == ResultColumn)
        return result.passed ? StateColors::good() : StateColors::bad();
    return {};
}

QVariant SelfCheckModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case CheckColumn: return tr("Check");
    case ResultColumn: return tr("Result");
    case RuleColumn: return tr("Rule");
    case DetailColumn: return tr("Detail");
    default: return {};
    }
}

SelfCheckDialog::SelfCheckDialog(const QUrl &base, QWidget *parent)
    : QDialog(parent),
      m_check(new SelfCheck(base, this)),
      m_model(new SelfCheckModel(this)),
      m_view(new QTableView(this)),
      m_summaryLabel(new QLabel(this))
{
    setObjectName(u"selfCheckDialog"_s);
    setWindowTitle(tr("Self-check of %1").arg(base.toString()));
    m_view->setObjectName(u"resultsView"_s);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_summaryLabel->setObjectName(u"summaryLabel"_s);
    m_summaryLabel->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_runButton = buttons->addButton(tr("&Run again"), QDialogButtonBox::ActionRole);
    m_runButton->setObjectName(u"runButton"_s);
    connect(m_runButton, &QPushButton::clicked, this, &SelfCheckDialog::run);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Conformance checks of the authorization server and the FHIR endpoints, made "
                                    "over HTTP as an app makes them. The check signs in as daniel-adams, registers "
                                    "a client of its own and deletes it at the end."),
                                 this));
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summaryLabel);
    layout->addWidget(buttons);
    resize(980, 560);

    connect(m_check, &SelfCheck::checkFinished, m_model, &SelfCheckModel::append);
    connect(m_check, &SelfCheck::finished, this, &SelfCheckDialog::showOutcome);
}

SelfCheckDialog::~SelfCheckDialog() = default;

void SelfCheckDialog::run()
{
    if (m_check->isRunning())
        return;
    m_model->clear();
    m_runButton->setEnabled(false);
    m_summaryLabel->setText(tr("Running…"));
    m_check->start();
}

QString SelfCheckDialog::summary() const
{
    return m_summaryLabel->text();
}

void SelfCheckDialog::showOutcome(SelfCheck::Outcome outcome)
{
    m_runButton->setEnabled(true);
    m_view->resizeColumnsToContents();
    const int total = m_model->rowCount();
    int failed = 0;
    for (int row = 0; row < total; ++row)
        failed += m_model->result(row).passed ? 0 : 1;
    switch (outcome) {
    case SelfCheck::Outcome::Passed: m_summaryLabel->setText(tr("All %n check(s) passed.", nullptr, total)); break;
    case SelfCheck::Outcome::Failed:
        m_summaryLabel->setText(tr("%n of %1 check(s) failed.", nullptr, failed).arg(total));
        break;
    case SelfCheck::Outcome::Unreachable:
        m_summaryLabel->setText(tr("The server did not answer; is it running?"));
        break;
    }
    Q_EMIT finished(outcome);
}
