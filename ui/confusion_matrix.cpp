#include "confusion_matrix.h"

#include <QLocale>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace digit::ui {

ConfusionMatrix::ConfusionMatrix(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void ConfusionMatrix::setCounts(const ConfusionCounts& counts) {
    counts_ = counts;
    valid_ = true;
    update();
}

void ConfusionMatrix::clear() {
    counts_ = {};
    valid_ = false;
    selTruth_ = selPredicted_ = -1;
    update();
}

int ConfusionMatrix::total() const {
    int n = 0;
    for (const auto& row : counts_)
        for (int c : row) n += c;
    return n;
}

int ConfusionMatrix::offDiagonalTotal() const {
    int n = 0;
    for (int t = 0; t < 10; ++t)
        for (int p = 0; p < 10; ++p)
            if (t != p) n += counts_[std::size_t(t)][std::size_t(p)];
    return n;
}

void ConfusionMatrix::setSelectedCell(int truth, int predicted) {
    selTruth_ = truth;
    selPredicted_ = predicted;
    update();
}

int ConfusionMatrix::headerSize() const { return 2 * fontMetrics().height() + 6; }

QSize ConfusionMatrix::sizeHint() const {
    const int cell = fontMetrics().horizontalAdvance(QStringLiteral("0000")) + 8;
    return QSize(headerSize() + 10 * cell, headerSize() + 10 * cell) + QSize(2, 2);
}

QSize ConfusionMatrix::minimumSizeHint() const {
    const int cell = fontMetrics().horizontalAdvance(QStringLiteral("000")) + 4;
    return QSize(headerSize() + 10 * cell, headerSize() + 10 * cell) + QSize(2, 2);
}

int ConfusionMatrix::heightForWidth(int width) const { return width; }

QRect ConfusionMatrix::gridRect() const {
    const int h = headerSize();
    const int side = std::max(10, std::min(width(), height()) - h - 2) / 10 * 10;
    const int left = h + std::max(0, (width() - h - side) / 2);
    return {left, h, side, side};
}

QRect ConfusionMatrix::cellRect(int truth, int predicted) const {
    const QRect g = gridRect();
    const int cell = g.width() / 10;
    return {g.left() + predicted * cell, g.top() + truth * cell, cell, cell};
}

bool ConfusionMatrix::cellAt(QPoint pos, int* truth, int* predicted) const {
    const QRect g = gridRect();
    if (!g.contains(pos)) return false;
    const int cell = g.width() / 10;
    *truth = std::min(9, (pos.y() - g.top()) / cell);
    *predicted = std::min(9, (pos.x() - g.left()) / cell);
    return true;
}

void ConfusionMatrix::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QRect g = gridRect();
    const int cell = g.width() / 10;
    const int line = fontMetrics().height();
    const QColor text = palette().color(QPalette::WindowText);

    // Axis titles and digit labels: predicted across the top, true down the left.
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(text);
    p.drawText(QRect(g.left(), 0, g.width(), line), Qt::AlignCenter, tr("Predicted"));
    p.save();
    p.translate(g.left() - headerSize(), g.center().y());
    p.rotate(-90);
    p.drawText(QRect(-g.height() / 2, 0, g.height(), line), Qt::AlignCenter, tr("True"));
    p.restore();
    p.setFont(font());
    for (int d = 0; d < 10; ++d) {
        p.drawText(QRect(g.left() + d * cell, line + 2, cell, line), Qt::AlignCenter, QString::number(d));
        p.drawText(QRect(g.left() - line - 4, g.top() + d * cell, line, cell), Qt::AlignCenter, QString::number(d));
    }

    int maxOff = 1;
    for (int t = 0; t < 10; ++t)
        for (int q = 0; q < 10; ++q)
            if (t != q) maxOff = std::max(maxOff, counts_[std::size_t(t)][std::size_t(q)]);

    QFont small = font();
    if (cell < fontMetrics().horizontalAdvance(QStringLiteral("0000")) + 4) small.setPointSizeF(font().pointSizeF() * 0.8);
    p.setFont(small);
    const QColor correct(46, 125, 50);
    const QColor wrong(198, 40, 40);
    for (int t = 0; t < 10; ++t) {
        int rowTotal = 0;
        for (int q = 0; q < 10; ++q) rowTotal += counts_[std::size_t(t)][std::size_t(q)];
        for (int q = 0; q < 10; ++q) {
            const QRect r = cellRect(t, q);
            const int n = counts_[std::size_t(t)][std::size_t(q)];
            // Intensity 0..1: the diagonal by the row's accuracy, mistakes by a square root of
            // their share of the largest mistake (so rare confusions remain visible).
            double shade = 0;
            if (valid_ && n > 0)
                shade = t == q ? double(n) / std::max(1, rowTotal) : 0.15 + 0.85 * std::sqrt(double(n) / maxOff);
            QColor fill = t == q ? correct : wrong;
            fill.setAlphaF(float(std::clamp(shade, 0.0, 1.0) * (t == q ? 0.75 : 0.85)));
            p.fillRect(r, palette().color(QPalette::Base));
            if (shade > 0) p.fillRect(r, fill);
            p.setPen(palette().color(QPalette::Midlight));
            p.drawRect(r.adjusted(0, 0, -1, -1));
            if (valid_) {
                p.setPen(shade > 0.55 ? QColor(Qt::white) : (n == 0 ? palette().color(QPalette::PlaceholderText) : text));
                p.drawText(r, Qt::AlignCenter, QString::number(n));
            }
        }
    }
    // Hover and selection outlines on top of the cells.
    if (hoverTruth_ >= 0) {
        p.setPen(QPen(palette().color(QPalette::Highlight), 1));
        p.drawRect(cellRect(hoverTruth_, hoverPredicted_).adjusted(0, 0, -1, -1));
    }
    if (selTruth_ >= 0 && selPredicted_ >= 0) {
        p.setPen(QPen(palette().color(QPalette::Highlight), 3));
        p.drawRect(cellRect(selTruth_, selPredicted_).adjusted(1, 1, -2, -2));
    }
    if (!valid_) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.setFont(font());
        p.drawText(g, Qt::AlignCenter | Qt::TextWordWrap, tr("No results yet"));
    }
}

void ConfusionMatrix::mousePressEvent(QMouseEvent* event) {
    int t = -1, q = -1;
    if (!valid_ || event->button() != Qt::LeftButton || !cellAt(event->position().toPoint(), &t, &q)) {
        QWidget::mousePressEvent(event);
        return;
    }
    setSelectedCell(t, q);
    emit cellClicked(t, q);
}

void ConfusionMatrix::mouseMoveEvent(QMouseEvent* event) {
    int t = -1, q = -1;
    if (!valid_ || !cellAt(event->position().toPoint(), &t, &q)) t = q = -1;
    if (t != hoverTruth_ || q != hoverPredicted_) {
        hoverTruth_ = t;
        hoverPredicted_ = q;
        if (t >= 0) {
            const int n = counts_[std::size_t(t)][std::size_t(q)];
            setToolTip(t == q ? tr("True %1, predicted %1: %2 test images (correct)").arg(t).arg(n)
                              : tr("True %1, predicted %2: %3 test images").arg(t).arg(q).arg(n));
            setCursor(Qt::PointingHandCursor);
        } else {
            setToolTip({});
            unsetCursor();
        }
        update();
    }
}

void ConfusionMatrix::leaveEvent(QEvent*) {
    hoverTruth_ = hoverPredicted_ = -1;
    update();
}

}  // namespace digit::ui
