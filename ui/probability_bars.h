#pragma once
// A bar chart of the ten class probabilities, drawn with QPainter: one bar per digit, the
// percentage above it, the digit below; the most likely digit is highlighted.
#include "retranslator.h"
#include <QWidget>

#include <array>

namespace digit::ui {

class ProbabilityBars : public QWidget {
    Q_OBJECT
public:
    explicit ProbabilityBars(QWidget* parent = nullptr);

    // probabilities: ten values in [0, 1] (a softmax row).
    void setProbabilities(const std::array<float, 10>& probabilities);
    // Shows empty bars (nothing to predict).
    void clear();
    bool hasProbabilities() const { return valid_; }
    const std::array<float, 10>& probabilities() const { return p_; }
    // Highlight colour of the top bar (e.g. grey when the prediction is unsure).
    void setHighlightColor(const QColor& color);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void changeEvent(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    std::array<float, 10> p_{};
    bool valid_ = false;
    QColor highlight_;
    Retranslator texts_;  // the texts that follow the language
};

}  // namespace digit::ui
