#pragma once
// Small MNIST image widgets shared by the Draw, Errors, Data and Quiz pages:
//  - mnistToImage: a 28x28 uint8 or float MNIST image as a QImage (white ink on black, as MNIST
//    stores it);
//  - PixelImageView: one such image scaled up crisply (one square per pixel, no smoothing);
//  - DigitGrid: a paged grid of thumbnails with captions; clicking one emits its id.
#include "retranslator.h"
#include "preprocess.h"

#include <QColor>
#include <QImage>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

class QLabel;
class QToolButton;

namespace digit::ui {

// Deep copies: the QImage does not point into the data set (which the session may replace).
QImage mnistToImage(const std::uint8_t* pixels, int rows = 28, int cols = 28);
QImage mnistToImage(const MnistImage& image);  // floats 0..1

// Shows a small grayscale image scaled by a whole factor with nearest-neighbour sampling, centred,
// so every source pixel is a crisp square. An optional pixel grid helps read a 28x28 input.
class PixelImageView : public QWidget {
    Q_OBJECT
public:
    explicit PixelImageView(QWidget* parent = nullptr);

    void setImage(const QImage& image);  // a null image shows the placeholder text
    const QImage& image() const { return image_; }
    void setPlaceholderText(const QString& text);
    void setShowGrid(bool on);
    // The size the widget asks for: the image (28x28 if none yet) times this factor.
    void setPreferredScale(int scale);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage image_;
    QString placeholder_;
    bool grid_ = false;
    int preferredScale_ = 6;
};

class DigitGridView;

struct DigitGridItem {
    int id = -1;         // the caller's key, e.g. an index into the test set
    QImage image;        // grayscale, MNIST polarity (white ink on black)
    QString caption;     // one or two lines
    QColor accent;       // frame and caption colour; invalid = neutral
    QString toolTip;     // shown on hover; may be empty
};

// A paged grid of thumbnails. The number of columns and rows follows the widget's size, so a
// page holds as many items as fit; the first item of the page stays in view on resize.
class DigitGrid : public QWidget {
    Q_OBJECT
public:
    explicit DigitGrid(QWidget* parent = nullptr);
    ~DigitGrid() override;

    // Replaces the items and goes back to the first page. Clears the selection.
    void setItems(std::vector<DigitGridItem> items);
    const std::vector<DigitGridItem>& items() const { return items_; }
    void setEmptyText(const QString& text);
    // Pixels per MNIST pixel in a thumbnail (default 3: 84x84 thumbnails).
    void setThumbnailScale(int scale);

    int page() const { return page_; }
    int pageCount() const;
    int pageSize() const;
    void setPage(int page);
    // The ids of the items on the current page, in display order.
    std::vector<int> visibleIds() const;

    int selectedId() const { return selectedId_; }
    void setSelectedId(int id);
    // Where item `id` is drawn on the current page (grid coordinates), or an empty rect.
    QRect itemRect(int id) const;
    QWidget* view() const;

signals:
    void itemClicked(int id);
    void itemDoubleClicked(int id);
    void pageChanged(int page);

protected:
    void changeEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    friend class DigitGridView;
    void updatePager();

    DigitGridView* view_ = nullptr;
    QToolButton* prev_ = nullptr;
    QToolButton* next_ = nullptr;
    QLabel* pageLabel_ = nullptr;
    std::vector<DigitGridItem> items_;
    QString emptyText_;
    int page_ = 0;
    int selectedId_ = -1;
    int scale_ = 3;
    Retranslator texts_;  // the texts that follow the language
};

}  // namespace digit::ui
