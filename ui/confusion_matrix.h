#pragma once
// A 10x10 confusion matrix drawn with QPainter: rows are the true digit, columns the predicted
// one, each cell shows its count. Correct cells (the diagonal) are shaded by their share of the
// row, mistakes by their count relative to the largest mistake cell, so the common confusions
// stand out. Clicking a cell emits (true digit, predicted digit).
#include <QWidget>

#include <array>

namespace digit::ui {

using ConfusionCounts = std::array<std::array<int, 10>, 10>;  // [true][predicted]

class ConfusionMatrix : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrix(QWidget* parent = nullptr);

    void setCounts(const ConfusionCounts& counts);
    void clear();
    const ConfusionCounts& counts() const { return counts_; }
    bool hasCounts() const { return valid_; }
    int total() const;
    int offDiagonalTotal() const;

    // The highlighted cell, or (-1, -1).
    void setSelectedCell(int truth, int predicted);
    int selectedTruth() const { return selTruth_; }
    int selectedPrediction() const { return selPredicted_; }
    // Where a cell is drawn, in widget coordinates.
    QRect cellRect(int truth, int predicted) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

signals:
    void cellClicked(int truth, int predicted);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    int headerSize() const;  // room for the axis titles and digit labels
    QRect gridRect() const;
    bool cellAt(QPoint pos, int* truth, int* predicted) const;

    ConfusionCounts counts_{};
    bool valid_ = false;
    int selTruth_ = -1, selPredicted_ = -1;
    int hoverTruth_ = -1, hoverPredicted_ = -1;
};

}  // namespace digit::ui
