// SPDX-License-Identifier: Apache-2.0
#include "timetraveldialog.h"

#include "uihelpers.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

const auto s_amountKey = "timeTravel/amount"_L1;
const auto s_unitKey = "timeTravel/unit"_L1;

qint64 unitSeconds(TimeTravelDialog::Unit unit)
{
    switch (unit) {
    case TimeTravelDialog::Unit::Minutes: return 60;
    case TimeTravelDialog::Unit::Hours: return 3600;
    case TimeTravelDialog::Unit::Days: return 86400;
    }
    return 60;
}

} // namespace

TimeTravelDialog::TimeTravelDialog(QWidget *parent)
    : QDialog(parent),
      m_amountSpin(new QSpinBox(this)),
      m_unitCombo(new QComboBox(this)),
      m_previewLabel(new QLabel(this))
{
    setObjectName(u"timeTravelDialog"_s);
    setWindowTitle(tr("Travel in time"));
    m_amountSpin->setObjectName(u"amountSpin"_s);
    m_amountSpin->setRange(-99'999, 99'999);
    m_amountSpin->setToolTip(tr("How far to move the sandbox clock; a negative amount goes back"));
    m_unitCombo->setObjectName(u"unitCombo"_s);
    m_unitCombo->addItem(tr("minutes"), int(Unit::Minutes));
    m_unitCombo->addItem(tr("hours"), int(Unit::Hours));
    m_unitCombo->addItem(tr("days"), int(Unit::Days));
    m_previewLabel->setObjectName(u"previewLabel"_s);
    m_previewLabel->setWordWrap(true);

    auto *amount = new QHBoxLayout;
    amount->addWidget(m_amountSpin, 1);
    amount->addWidget(m_unitCombo);
    auto *form = new QFormLayout;
    auto *amountLabel = new QLabel(tr("&Move the clock by"), this);
    amountLabel->setBuddy(m_amountSpin);
    form->addRow(amountLabel, amount);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Travel"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_previewLabel);
    layout->addWidget(buttons);

    connect(m_amountSpin, &QSpinBox::valueChanged, this, &TimeTravelDialog::updatePreview);
    connect(m_unitCombo, &QComboBox::currentIndexChanged, this, &TimeTravelDialog::updatePreview);
    const QSettings settings = UiHelpers::settings();
    setDuration(settings.value(s_amountKey, 2).toInt(), Unit(settings.value(s_unitKey, int(Unit::Hours)).toInt()));
}

TimeTravelDialog::~TimeTravelDialog() = default;

void TimeTravelDialog::setDuration(int amount, Unit unit)
{
    m_amountSpin->setValue(amount);
    const int index = m_unitCombo->findData(int(unit));
    m_unitCombo->setCurrentIndex(index < 0 ? 0 : index);
    updatePreview();
}

qint64 TimeTravelDialog::seconds() const
{
    return qint64(m_amountSpin->value()) * unitSeconds(Unit(m_unitCombo->currentData().toInt()));
}

void TimeTravelDialog::accept()
{
    QSettings settings = UiHelpers::settings();
    settings.setValue(s_amountKey, m_amountSpin->value());
    settings.setValue(s_unitKey, m_unitCombo->currentData().toInt());
    QDialog::accept();
}

void TimeTravelDialog::updatePreview()
{
    const int amount = m_amountSpin->value();
    if (amount == 0)
        m_previewLabel->setText(tr("The clock stays where it is."));
    else if (amount > 0)
        m_previewLabel->setText(tr("Tokens, codes and approvals age by this much: countdowns fall and expiries pass."));
    else
        m_previewLabel->setText(tr("The clock goes back: expired tokens may become active again until they expire "
                                   "anew."));
}
