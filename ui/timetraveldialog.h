// SPDX-License-Identifier: Apache-2.0
#pragma once

// "Travel in time": a duration (an amount and a unit, forwards or back) by which to move the
// sandbox clock. The last choice is kept in the settings.

#include <QDialog>

class QComboBox;
class QLabel;
class QSpinBox;

class TimeTravelDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimeTravelDialog)

public:
    enum class Unit { Minutes, Hours, Days };

    explicit TimeTravelDialog(QWidget *parent = nullptr);
    ~TimeTravelDialog() override;

    // Negative amounts travel back.
    void setDuration(int amount, Unit unit);
    qint64 seconds() const;

    void accept() override;

private:
    void updatePreview();

    QSpinBox *m_amountSpin;
    QComboBox *m_unitCombo;
    QLabel *m_previewLabel;
};
