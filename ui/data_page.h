#pragma once
// The Data page: browse MNIST itself. A random grid of training or test images with their
// labels, optionally only one digit, reshuffled on request; how many images each digit has.
// A double-click opens the image up close (DigitDetailDialog) with the model's prediction and
// "Send to Canvas".
#include "retranslator.h"
#include <QWidget>

#include <cstdint>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;

namespace digit::ui {

class DigitDetailDialog;
class DigitGrid;
class Session;

class DataPage : public QWidget {
    Q_OBJECT
public:
    explicit DataPage(Session* session, QWidget* parent = nullptr);

    // A fixed shuffle of the training set, all digits (for screenshots).
    void prepareScreenshot();

    enum class Set { Training, Test };
    void setSet(Set set);
    Set set() const;
    void setDigitFilter(int digit);  // -1 = all digits
    int digitFilter() const;
    // New random order (seeded, so a screenshot is reproducible).
    void reshuffle(std::uint64_t seed);
    void reshuffle();

    // For tests: indices (into the chosen set) in display order, all pages / the current page.
    const std::vector<int>& orderedIndices() const { return order_; }
    std::vector<int> shownIndices() const;
    DigitGrid* grid() const { return grid_; }
    // Opens the detail window on image `index` of the chosen set (what a double-click does).
    void showDetail(int index);
    DigitDetailDialog* detailDialog() const { return detail_; }

signals:
    // An image (28x28, white ink on black) for the Draw page.
    void sendToCanvas(const QImage& image);
    // "Look Inside" in the detail window: the image (as above) and what it is, for the Inside page.
    void lookInside(const QImage& image, const QString& title);

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    void updateCounts();

    Session* session_;
    QComboBox* set_ = nullptr;
    QComboBox* digit_ = nullptr;
    QPushButton* shuffle_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* counts_ = nullptr;
    DigitGrid* grid_ = nullptr;
    DigitDetailDialog* detail_ = nullptr;
    std::vector<int> order_;
    std::uint64_t seed_ = 1;
    Retranslator texts_;  // the texts that follow the language
};

}  // namespace digit::ui
