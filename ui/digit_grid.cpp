#include "digit_grid.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolButton>
#include <QToolTip>
#include <QHelpEvent>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace digit::ui {

QImage mnistToImage(const std::uint8_t* pixels, int rows, int cols) {
    QImage image(cols, rows, QImage::Format_Grayscale8);
    for (int y = 0; y < rows; ++y)
        std::copy_n(pixels + static_cast<std::size_t>(y) * cols, cols, image.scanLine(y));
    return image;
}

QImage mnistToImage(const MnistImage& input) {
    QImage image(28, 28, QImage::Format_Grayscale8);
    for (int y = 0; y < 28; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < 28; ++x) {
            const float v = std::clamp(input[static_cast<std::size_t>(y * 28 + x)], 0.0f, 1.0f);
            line[x] = static_cast<uchar>(std::lround(v * 255.0f));
        }
    }
    return image;
}

// ---------------------------------------------------------------------------------------------
// PixelImageView

PixelImageView::PixelImageView(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void PixelImageView::setImage(const QImage& image) {
    image_ = image;
    update();
}

void PixelImageView::setPlaceholderText(const QString& text) {
    placeholder_ = text;
    update();
}

void PixelImageView::setShowGrid(bool on) {
    grid_ = on;
    update();
}

void PixelImageView::setPreferredScale(int scale) {
    preferredScale_ = std::max(1, scale);
    updateGeometry();
}

QSize PixelImageView::sizeHint() const {
    const QSize base = image_.isNull() ? QSize(28, 28) : image_.size();
    return base * preferredScale_ + QSize(2, 2);
}

QSize PixelImageView::minimumSizeHint() const {
    const QSize base = image_.isNull() ? QSize(28, 28) : image_.size();
    return base * 2 + QSize(2, 2);
}

void PixelImageView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QRect area = rect().adjusted(1, 1, -1, -1);
    if (image_.isNull()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawRect(area.adjusted(0, 0, -1, -1));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
        return;
    }
    // A whole scale factor keeps every source pixel the same size; fall back to fractional
    // scaling only when the widget is smaller than the image.
    const double fit = std::min(double(area.width()) / image_.width(), double(area.height()) / image_.height());
    const double scale = fit >= 1.0 ? std::floor(fit) : fit;
    const QSize shown(int(image_.width() * scale), int(image_.height() * scale));
    const QRect target(area.center() - QPoint(shown.width() / 2, shown.height() / 2), shown);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(target, image_);
    if (grid_ && scale >= 6) {
        p.setPen(QColor(255, 255, 255, 28));
        for (int i = 1; i < image_.width(); ++i) {
            const int x = target.left() + int(i * scale);
            p.drawLine(x, target.top(), x, target.bottom());
        }
        for (int i = 1; i < image_.height(); ++i) {
            const int y = target.top() + int(i * scale);
            p.drawLine(target.left(), y, target.right(), y);
        }
    }
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(target.adjusted(-1, -1, 0, 0));
}

// ---------------------------------------------------------------------------------------------
// DigitGridView: paints one page of the grid and maps clicks to items.

class DigitGridView : public QWidget {
public:
    explicit DigitGridView(DigitGrid* grid) : QWidget(grid), grid_(grid) {
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
        setMouseTracking(true);
    }

    static constexpr int kPad = 6;

    int thumb() const { return 28 * grid_->scale_; }
    int lineHeight() const { return fontMetrics().height(); }
    QSize cellSize() const { return {thumb() + 2 * kPad, thumb() + 3 * kPad + 2 * lineHeight()}; }
    int columns() const { return std::max(1, width() / cellSize().width()); }
    int rows() const { return std::max(1, height() / cellSize().height()); }
    int pageSize() const { return columns() * rows(); }

    // Cell `slot` of the page; the grid is centred horizontally.
    QRect cellRect(int slot) const {
        const QSize cell = cellSize();
        const int left = (width() - columns() * cell.width()) / 2;
        return {left + (slot % columns()) * cell.width(), (slot / columns()) * cell.height(), cell.width(),
                cell.height()};
    }

    int slotAt(QPoint pos) const {
        for (int slot = 0; slot < pageSize(); ++slot)
            if (cellRect(slot).contains(pos)) return slot;
        return -1;
    }

    int itemIndexAt(QPoint pos) const {
        const int slot = slotAt(pos);
        if (slot < 0) return -1;
        const int index = grid_->page_ * pageSize() + slot;
        return index < int(grid_->items_.size()) ? index : -1;
    }

    QSize sizeHint() const override { return {cellSize().width() * 8, cellSize().height() * 4}; }
    QSize minimumSizeHint() const override { return cellSize(); }

protected:
    void resizeEvent(QResizeEvent*) override {
        // Keep the first item of the page in view when the page size changes.
        const int first = grid_->page_ * lastPageSize_;
        lastPageSize_ = pageSize();
        grid_->page_ = first / lastPageSize_;
        grid_->updatePager();
    }

    void mousePressEvent(QMouseEvent* event) override {
        const int index = itemIndexAt(event->position().toPoint());
        if (index < 0 || event->button() != Qt::LeftButton) return;
        const int id = grid_->items_[std::size_t(index)].id;
        grid_->setSelectedId(id);
        emit grid_->itemClicked(id);
    }

    void mouseDoubleClickEvent(QMouseEvent* event) override {
        const int index = itemIndexAt(event->position().toPoint());
        if (index < 0 || event->button() != Qt::LeftButton) return;
        emit grid_->itemDoubleClicked(grid_->items_[std::size_t(index)].id);
    }

    void mouseMoveEvent(QMouseEvent* event) override {
        const int index = itemIndexAt(event->position().toPoint());
        const int hover = index < 0 ? -1 : index;
        if (hover != hover_) {
            hover_ = hover;
            setCursor(hover >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
            update();
        }
    }

    bool event(QEvent* event) override {
        if (event->type() == QEvent::ToolTip) {
            auto* help = static_cast<QHelpEvent*>(event);
            const int index = itemIndexAt(help->pos());
            if (index >= 0 && !grid_->items_[std::size_t(index)].toolTip.isEmpty())
                QToolTip::showText(help->globalPos(), grid_->items_[std::size_t(index)].toolTip, this);
            else
                QToolTip::hideText();
            return true;
        }
        return QWidget::event(event);
    }

    void leaveEvent(QEvent*) override {
        hover_ = -1;
        update();
    }

    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        const auto& items = grid_->items_;
        if (items.empty()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, grid_->emptyText_);
            return;
        }
        const int first = grid_->page_ * pageSize();
        const int count = std::min(pageSize(), int(items.size()) - first);
        const QColor text = palette().color(QPalette::WindowText);
        const QColor frame = palette().color(QPalette::Mid);
        for (int slot = 0; slot < count; ++slot) {
            const DigitGridItem& item = items[std::size_t(first + slot)];
            const QRect cell = cellRect(slot);
            const QRect image(cell.left() + kPad, cell.top() + kPad, thumb(), thumb());
            if (item.id == grid_->selectedId_ || first + slot == hover_) {
                QColor bg = palette().color(QPalette::Highlight);
                bg.setAlpha(item.id == grid_->selectedId_ ? 90 : 40);
                p.fillRect(cell.adjusted(1, 1, -1, -1), bg);
            }
            p.setRenderHint(QPainter::SmoothPixmapTransform, false);
            p.drawImage(image, item.image);
            p.setPen(QPen(item.accent.isValid() ? item.accent : frame, item.accent.isValid() ? 2 : 1));
            p.drawRect(image.adjusted(-1, -1, 0, 0));
            const QRect caption(cell.left() + 2, image.bottom() + kPad / 2, cell.width() - 4, 2 * lineHeight() + kPad);
            p.setPen(item.accent.isValid() ? item.accent.darker(110) : text);
            p.drawText(caption, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, item.caption);
        }
    }

private:
    DigitGrid* grid_;
    int lastPageSize_ = 1;
    int hover_ = -1;
};

// ---------------------------------------------------------------------------------------------
// DigitGrid

DigitGrid::DigitGrid(QWidget* parent) : QWidget(parent) {
    view_ = new DigitGridView(this);
    prev_ = new QToolButton(this);
    texts_.add([=, this] { prev_->setText(tr("Previous")); });
    prev_->setArrowType(Qt::LeftArrow);
    prev_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    texts_.add([=, this] { prev_->setToolTip(tr("Previous page (Page Up)")); });
    next_ = new QToolButton(this);
    texts_.add([=, this] { next_->setText(tr("Next")); });
    next_->setArrowType(Qt::RightArrow);
    next_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    texts_.add([=, this] { next_->setToolTip(tr("Next page (Page Down)")); });
    pageLabel_ = new QLabel(this);
    pageLabel_->setAlignment(Qt::AlignCenter);

    auto* pager = new QHBoxLayout;
    pager->addWidget(prev_);
    pager->addWidget(pageLabel_, 1);
    pager->addWidget(next_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_, 1);
    layout->addLayout(pager);

    connect(prev_, &QToolButton::clicked, this, [this] { setPage(page_ - 1); });
    connect(next_, &QToolButton::clicked, this, [this] { setPage(page_ + 1); });
    setFocusPolicy(Qt::StrongFocus);
    updatePager();
}

DigitGrid::~DigitGrid() = default;

QWidget* DigitGrid::view() const { return view_; }

void DigitGrid::setItems(std::vector<DigitGridItem> items) {
    items_ = std::move(items);
    page_ = 0;
    selectedId_ = -1;
    updatePager();
    view_->update();
}

void DigitGrid::setEmptyText(const QString& text) {
    emptyText_ = text;
    view_->update();
}

void DigitGrid::setThumbnailScale(int scale) {
    scale_ = std::max(1, scale);
    view_->updateGeometry();
    updatePager();
    view_->update();
}

int DigitGrid::pageSize() const { return view_->pageSize(); }

int DigitGrid::pageCount() const {
    return std::max(1, (int(items_.size()) + pageSize() - 1) / pageSize());
}

void DigitGrid::setPage(int page) {
    page = std::clamp(page, 0, pageCount() - 1);
    if (page == page_) return;
    page_ = page;
    updatePager();
    view_->update();
    emit pageChanged(page_);
}

std::vector<int> DigitGrid::visibleIds() const {
    std::vector<int> ids;
    const int first = page_ * pageSize();
    const int last = std::min(int(items_.size()), first + pageSize());
    for (int i = first; i < last; ++i) ids.push_back(items_[std::size_t(i)].id);
    return ids;
}

void DigitGrid::setSelectedId(int id) {
    selectedId_ = id;
    view_->update();
}

QRect DigitGrid::itemRect(int id) const {
    const std::vector<int> ids = visibleIds();
    const auto it = std::find(ids.begin(), ids.end(), id);
    if (it == ids.end()) return {};
    return view_->cellRect(int(it - ids.begin()));
}

void DigitGrid::updatePager() {
    page_ = std::clamp(page_, 0, pageCount() - 1);
    const QLocale locale;
    if (items_.empty()) {
        pageLabel_->clear();
    } else {
        const int first = page_ * pageSize();
        const int last = std::min(int(items_.size()), first + pageSize());
        pageLabel_->setText(tr("Page %1 of %2  (%3-%4 of %5)")
                                .arg(page_ + 1)
                                .arg(pageCount())
                                .arg(locale.toString(first + 1), locale.toString(last),
                                     locale.toString(qlonglong(items_.size()))));
    }
    prev_->setEnabled(page_ > 0);
    next_->setEnabled(page_ + 1 < pageCount());
}

void DigitGrid::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_PageUp: setPage(page_ - 1); break;
    case Qt::Key_PageDown: setPage(page_ + 1); break;
    case Qt::Key_Home: setPage(0); break;
    case Qt::Key_End: setPage(pageCount() - 1); break;
    default: QWidget::keyPressEvent(event);
    }
}

void DigitGrid::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        texts_.apply();
        updatePager();
    }
    QWidget::changeEvent(event);
}

}  // namespace digit::ui
