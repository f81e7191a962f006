#pragma once
// Edits a TrainConfig: the optimiser and its parameters (only those the chosen optimiser uses are
// shown), the loss, batch size, epochs, validation split, early stopping, augmentation and seed,
// plus the page's "train on the first N images" limit for quick runs. Choosing another optimiser
// fills in Keras's defaults for it. changed() fires on every edit.
#include "trainer.h"

#include <QDoubleSpinBox>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QSpinBox;

namespace digit::ui {

// A spin box for values over many orders of magnitude (learning rates, epsilon): shows and
// accepts "0.001", "1e-7", "2.5e-4"; steps multiply or divide by ~2 rather than add.
class ScientificSpinBox : public QDoubleSpinBox {
    Q_OBJECT
public:
    explicit ScientificSpinBox(QWidget* parent = nullptr);
    QString textFromValue(double value) const override;
    double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& text, int& pos) const override;
    void stepBy(int steps) override;
};

class TrainingConfigEditor : public QWidget {
    Q_OBJECT
public:
    explicit TrainingConfigEditor(QWidget* parent = nullptr);

    TrainConfig config() const;
    void setConfig(const TrainConfig& config);
    // Train on the first N training images (0 = all of them).
    std::size_t trainLimit() const;
    void setTrainLimit(std::size_t n);

signals:
    void changed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void showOptimizerRows();
    void setOptimizerFields(const OptimizerConfig& c);

    bool updating_ = false;
    AugmentationConfig augmentation_;  // kept from the preset; toggled by augment_
    static constexpr float kDefaultNotADigitShare = 0.1f;  // the best preset's
    float notADigitShare_ = kDefaultNotADigitShare;        // kept from the preset; toggled by notADigit_

    QFormLayout* optForm_ = nullptr;
    QGroupBox* optGroup_ = nullptr;
    QComboBox* optimizer_ = nullptr;
    ScientificSpinBox* lr_ = nullptr;
    QDoubleSpinBox* momentum_ = nullptr;
    QCheckBox* nesterov_ = nullptr;
    ScientificSpinBox* decay_ = nullptr;
    QDoubleSpinBox* beta1_ = nullptr;
    QDoubleSpinBox* beta2_ = nullptr;
    QDoubleSpinBox* rho_ = nullptr;
    ScientificSpinBox* epsilon_ = nullptr;

    QGroupBox* fitGroup_ = nullptr;
    QComboBox* loss_ = nullptr;
    QCheckBox* fromLogits_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QDoubleSpinBox* split_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QCheckBox* limitOn_ = nullptr;
    QSpinBox* limit_ = nullptr;
    QCheckBox* augment_ = nullptr;
    QCheckBox* notADigit_ = nullptr;

    QGroupBox* early_ = nullptr;
    QComboBox* monitor_ = nullptr;
    QSpinBox* patience_ = nullptr;
    QDoubleSpinBox* minDelta_ = nullptr;
    QCheckBox* restoreBest_ = nullptr;

    // Row labels, for retranslation.
    QLabel* labels_[16] = {};
};

}  // namespace digit::ui
