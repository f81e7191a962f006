#include "inside_views.h"

#include "not_a_digit.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace digit::ui {

namespace {
const Shape& layerInput(const Network& net, std::size_t layer) {
    return layer == 0 ? net.input_shape() : net.layer_output_shapes()[layer - 1];
}
bool drawableAsTiles(const Network& net, std::size_t layer) {
    const LayerSpec& l = net.spec().layers[layer];
    return l.kind == LayerKind::Conv2D || (l.kind == LayerKind::Dense && layerInput(net, layer).size() == 784);
}
}  // namespace

std::size_t parameterOffset(const Network& net, std::size_t layer) {
    std::size_t offset = 0;
    for (std::size_t i = 0; i < layer; ++i) offset += net.layer_parameter_counts()[i];
    return offset;
}

std::size_t kernelSize(const Network& net, std::size_t layer) {
    const LayerSpec& l = net.spec().layers[layer];
    std::size_t n = net.layer_parameter_counts()[layer];
    if (l.kind == LayerKind::Dense || l.kind == LayerKind::Conv2D) n -= static_cast<std::size_t>(l.units);
    return n;
}

int firstTileLayer(const Network& net) {
    for (std::size_t i = 0; i < net.spec().layers.size(); ++i)
        if (drawableAsTiles(net, i)) return static_cast<int>(i);
    return -1;
}

std::vector<Matrix> kernelTiles(const Network& net, std::size_t layer, int maxTiles) {
    if (layer >= net.spec().layers.size() || !drawableAsTiles(net, layer)) return {};
    const LayerSpec& l = net.spec().layers[layer];
    const Scalar* w = net.parameters().data() + parameterOffset(net, layer);
    const int units = l.units, shown = std::min(units, maxTiles);
    std::vector<Matrix> tiles;
    if (l.kind == LayerKind::Dense) {
        // Kernel (784, units), row-major: unit u's weights are column u.
        for (int u = 0; u < shown; ++u) {
            Matrix t(28, 28);
            for (int p = 0; p < 784; ++p) t(p / 28, p % 28) = w[static_cast<std::size_t>(p * units + u)];
            tiles.push_back(std::move(t));
        }
    } else {
        // Kernel (k * k * cin, filters), rows in (ky, kx, c) order as Keras keeps it.
        const int k = l.kernel, cin = layerInput(net, layer).dims.back();
        for (int f = 0; f < shown; ++f) {
            Matrix t = Matrix::Zero(k, k);
            for (int ky = 0; ky < k; ++ky)
                for (int kx = 0; kx < k; ++kx)
                    for (int c = 0; c < cin; ++c)
                        t(ky, kx) += w[static_cast<std::size_t>(((ky * k + kx) * cin + c) * units + f)] / static_cast<Scalar>(cin);
            tiles.push_back(std::move(t));
        }
    }
    return tiles;
}

namespace {
constexpr int kTitleHeight = 20;
constexpr int kMargin = 6;

QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

// Sequential heat colours for activations: dark to bright (0..1).
QColor heatColor(double v) {
    v = std::clamp(v, 0.0, 1.0);
    static const QColor stops[] = {QColor(0x10, 0x10, 0x30), QColor(0x8c, 0x1c, 0x5c), QColor(0xf0, 0x70, 0x20),
                                   QColor(0xff, 0xf0, 0x90)};
    const double x = v * 3;
    const int i = std::min(2, static_cast<int>(x));
    return mix(stops[i], stops[i + 1], x - i);
}

QString number(double v) { return QString::number(v, 'g', 4); }

// One channel of a channels-last (h, w, c) map as a grey image scaled to its own min..max.
QImage featureMap(const RowVector& values, int h, int w, int c, int channel) {
    QImage img(w, h, QImage::Format_Grayscale8);
    Scalar lo = values(channel), hi = lo;
    for (int i = 0; i < h * w; ++i) {
        lo = std::min(lo, values(i * c + channel));
        hi = std::max(hi, values(i * c + channel));
    }
    const double range = hi - lo;
    for (int y = 0; y < h; ++y) {
        uchar* line = img.scanLine(y);
        for (int x = 0; x < w; ++x) {
            const double v = values((y * w + x) * c + channel);
            line[x] = static_cast<uchar>(range > 0 ? std::lround((v - lo) / range * 255) : 0);
        }
    }
    return img;
}
}  // namespace

QColor divergingColor(double v) {
    v = std::clamp(v, -1.0, 1.0);
    static const QColor blue(0x21, 0x66, 0xac), white(0xf7, 0xf7, 0xf7), red(0xb2, 0x18, 0x2b);
    return v < 0 ? mix(white, blue, -v) : mix(white, red, v);
}

// ---------------------------------------------------------------------------------- LayerStrip

LayerStrip::LayerStrip(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
}

void LayerStrip::setLayers(std::vector<LayerView> layers) {
    layers_ = std::move(layers);
    if (selected_ >= static_cast<int>(layers_.size())) selected_ = -1;
    relayout();
    update();
}

void LayerStrip::setSelectedLayer(int index) {
    if (index < -1 || index >= static_cast<int>(layers_.size()) || index == selected_) return;
    selected_ = index;
    update();
    emit layerSelected(index);
}

QRect LayerStrip::layerRect(int index) const {
    return index >= 0 && index < static_cast<int>(blocks_.size()) ? blocks_[static_cast<std::size_t>(index)].rect : QRect();
}

QSize LayerStrip::sizeHint() const { return {420, height_}; }

void LayerStrip::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    relayout();
}

void LayerStrip::relayout() {
    blocks_.clear();
    const int width = std::max(200, this->width() - 2 * kMargin);
    int y = kMargin;
    for (const LayerView& l : layers_) {
        Block b;
        int contentHeight = 0;
        if (!l.note.isEmpty()) {
            contentHeight = 0;
        } else if (l.probabilities) {
            const int n = static_cast<int>(l.values.size());
            b.tile = std::max(12, std::min(36, width / std::max(1, n)));
            b.perRow = n;
            contentHeight = 60;
            b.picture = QImage(b.tile * n, contentHeight, QImage::Format_ARGB32_Premultiplied);
            b.picture.fill(Qt::transparent);
            QPainter p(&b.picture);
            for (int i = 0; i < n; ++i) {
                const double v = std::clamp(static_cast<double>(l.values(i)), 0.0, 1.0);
                const int bar = static_cast<int>(std::lround(v * (contentHeight - 16)));
                p.fillRect(i * b.tile + 2, contentHeight - 16 - bar, b.tile - 4, bar, QColor(0x2a, 0x7a, 0xc0));
                p.setPen(palette().color(QPalette::Text));
                p.drawText(QRect(i * b.tile, contentHeight - 15, b.tile, 15), Qt::AlignCenter, QString::number(i));
            }
        } else if (l.shape.size() == 3) {
            const int h = l.shape[0], w = l.shape[1], c = l.shape[2];
            b.tile = std::clamp(2 * std::max(h, w), 24, 56);
            const int cell = b.tile + 2;
            b.perRow = std::max(1, width / cell);
            const int rows = (c + b.perRow - 1) / b.perRow;
            contentHeight = rows * (cell + 11);
            b.picture = QImage(std::min(c, b.perRow) * cell, contentHeight, QImage::Format_ARGB32_Premultiplied);
            b.picture.fill(Qt::transparent);
            QPainter p(&b.picture);
            QFont f = font();
            f.setPixelSize(9);
            p.setFont(f);
            p.setPen(palette().color(QPalette::Text));
            for (int ch = 0; ch < c; ++ch) {
                const int x0 = (ch % b.perRow) * cell, y0 = (ch / b.perRow) * (cell + 11);
                p.drawImage(QRect(x0, y0, b.tile, b.tile), featureMap(l.values, h, w, c, ch));
                p.drawText(QRect(x0, y0 + b.tile, b.tile, 11), Qt::AlignCenter, QString::number(ch));
            }
        } else {
            const int n = static_cast<int>(l.values.size());
            b.tile = std::clamp(width / std::max(1, n), 3, 16);
            b.perRow = std::max(1, width / b.tile);
            const int rows = (n + b.perRow - 1) / b.perRow;
            contentHeight = rows * 14;
            b.picture = QImage(std::min(n, b.perRow) * b.tile, contentHeight, QImage::Format_ARGB32_Premultiplied);
            b.picture.fill(Qt::transparent);
            const Scalar lo = std::min<Scalar>(0, l.values.minCoeff()), hi = l.values.maxCoeff();
            QPainter p(&b.picture);
            for (int i = 0; i < n; ++i) {
                const double t = hi > lo ? (l.values(i) - lo) / (hi - lo) : 0.0;
                p.fillRect((i % b.perRow) * b.tile, (i / b.perRow) * 14, b.tile, 13, heatColor(t));
            }
        }
        b.rect = QRect(kMargin, y, width, kTitleHeight + contentHeight + 4);
        b.content = QRect(kMargin + 4, y + kTitleHeight, b.picture.width(), contentHeight);
        y += b.rect.height() + 4;
        blocks_.push_back(std::move(b));
    }
    height_ = y + kMargin;
    setMinimumHeight(height_);
    updateGeometry();
}

void LayerStrip::paintEvent(QPaintEvent* event) {
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    if (layers_.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("Draw a digit or choose a test image to look inside the network."));
        return;
    }
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
        const Block& b = blocks_[i];
        if (!b.rect.intersects(event->rect())) continue;
        if (static_cast<int>(i) == selected_) {
            p.fillRect(b.rect, palette().color(QPalette::Highlight).lighter(170));
            p.setPen(palette().color(QPalette::Highlight));
            p.drawRect(b.rect.adjusted(0, 0, -1, -1));
        }
        QFont f = font();
        f.setBold(true);
        p.setFont(f);
        p.setPen(palette().color(QPalette::Text));
        const LayerView& l = layers_[i];
        QString title = l.title;
        if (!l.note.isEmpty()) title += QStringLiteral("   ") + l.note;
        p.drawText(b.rect.adjusted(4, 2, -4, 0).topLeft() + QPoint(0, 14), title);
        p.setFont(font());
        if (!b.picture.isNull()) p.drawImage(b.content.topLeft(), b.picture);
    }
}

QString LayerStrip::valueAt(const QPoint& pos) const {
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
        const Block& b = blocks_[i];
        const LayerView& l = layers_[i];
        if (!b.content.contains(pos) || b.picture.isNull()) continue;
        const QPoint q = pos - b.content.topLeft();
        if (l.probabilities) {
            const int d = q.x() / b.tile;
            if (d < 0 || d >= l.values.size()) return {};
            return tr("digit %1: probability %2").arg(d).arg(number(l.values(d)));
        }
        if (l.shape.size() == 3) {
            const int h = l.shape[0], w = l.shape[1], c = l.shape[2];
            const int cell = b.tile + 2;
            const int col = q.x() / cell, row = q.y() / (cell + 11);
            const int ch = row * b.perRow + col;
            const int px = q.x() % cell, py = q.y() % (cell + 11);
            if (col >= b.perRow || ch >= c || px >= b.tile || py >= b.tile) return {};
            const int x = px * w / b.tile, y = py * h / b.tile;
            return tr("channel %1 at (%2, %3): %4").arg(ch).arg(y).arg(x).arg(number(l.values((y * w + x) * c + ch)));
        }
        const int unit = (q.y() / 14) * b.perRow + q.x() / b.tile;
        if (q.x() / b.tile >= b.perRow || unit >= l.values.size()) return {};
        return tr("unit %1: %2").arg(unit).arg(number(l.values(unit)));
    }
    return {};
}

void LayerStrip::mouseMoveEvent(QMouseEvent* event) {
    const QString text = valueAt(event->position().toPoint());
    if (text.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void LayerStrip::mousePressEvent(QMouseEvent* event) {
    for (std::size_t i = 0; i < blocks_.size(); ++i)
        if (blocks_[i].rect.contains(event->position().toPoint())) setSelectedLayer(static_cast<int>(i));
}

// --------------------------------------------------------------------------------- WeightTiles

WeightTiles::WeightTiles(QWidget* parent) : QWidget(parent) { setMinimumHeight(120); }

void WeightTiles::setTiles(const QString& title, const std::vector<Matrix>& tiles, const QStringList& captions) {
    title_ = title;
    setToolTip(title);
    captions_ = captions;
    tiles_.clear();
    scale_ = 0;
    for (const Matrix& t : tiles) scale_ = std::max<double>(scale_, t.cwiseAbs().maxCoeff());
    for (const Matrix& t : tiles) {
        QImage img(static_cast<int>(t.cols()), static_cast<int>(t.rows()), QImage::Format_RGB32);
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                img.setPixel(x, y, divergingColor(scale_ > 0 ? t(y, x) / scale_ : 0).rgb());
        tiles_.push_back(img);
    }
    update();
}

void WeightTiles::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    p.setPen(palette().color(QPalette::Text));
    const QRect titleRect(kMargin, 2, width() - 2 * kMargin, kTitleHeight);
    // The scale stays whole at the right; a title too long for a narrow pane is elided (the
    // whole of it is the tooltip).
    const QString scale = tiles_.empty() ? QString() : tr("   (scale: \u00b1%1)").arg(number(scale_)).trimmed();
    const int scaleWidth = scale.isEmpty() ? 0 : p.fontMetrics().horizontalAdvance(scale) + 12;
    p.drawText(titleRect.adjusted(0, 0, -scaleWidth, 0), Qt::AlignLeft | Qt::AlignVCenter,
               p.fontMetrics().elidedText(title_, Qt::ElideRight, titleRect.width() - scaleWidth));
    if (!scale.isEmpty()) p.drawText(titleRect, Qt::AlignRight | Qt::AlignVCenter, scale);
    if (tiles_.empty()) return;
    // The largest square tiles that fit every tile in the area.
    const QRect area(kMargin, kTitleHeight + 4, width() - 2 * kMargin, height() - kTitleHeight - 8);
    const int n = static_cast<int>(tiles_.size());
    int best = 4;
    for (int edge = 4; edge <= 120; ++edge) {
        const int cell = edge + 3;
        const int perRow = std::max(1, area.width() / cell);
        const int rows = (n + perRow - 1) / perRow;
        if (rows * (cell + (captions_.isEmpty() ? 0 : 10)) <= area.height()) best = edge;
    }
    const int cell = best + 3, perRow = std::max(1, area.width() / cell);
    QFont f = font();
    f.setPixelSize(9);
    p.setFont(f);
    for (int i = 0; i < n; ++i) {
        const int x = area.x() + (i % perRow) * cell, y = area.y() + (i / perRow) * (cell + (captions_.isEmpty() ? 0 : 10));
        p.drawImage(QRect(x, y, best, best), tiles_[static_cast<std::size_t>(i)]);
        if (i < captions_.size() && best >= 14) p.drawText(QRect(x, y + best, best, 10), Qt::AlignCenter, captions_[i]);
    }
}

// ----------------------------------------------------------------------------- WeightHistogram

WeightHistogram::WeightHistogram(QWidget* parent) : QWidget(parent) { setMinimumHeight(100); }

void WeightHistogram::setValues(const QString& title, const std::vector<Scalar>& values, int bins) {
    title_ = title;
    counts_.assign(values.empty() ? 0 : static_cast<std::size_t>(bins), 0);
    if (!values.empty()) {
        const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
        // Symmetric around 0, so zero sits in the middle bin.
        const double m = std::max(std::abs(*lo), std::abs(*hi));
        lo_ = -m;
        hi_ = m;
        for (Scalar v : values) {
            const int b = m > 0 ? static_cast<int>((v + m) / (2 * m) * bins) : bins / 2;
            ++counts_[static_cast<std::size_t>(std::clamp(b, 0, bins - 1))];
        }
    }
    update();
}

void WeightHistogram::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(kMargin, 2, width() - 2 * kMargin, kTitleHeight), Qt::AlignLeft | Qt::AlignVCenter, title_);
    if (counts_.empty()) return;
    const QRect area(kMargin, kTitleHeight + 4, width() - 2 * kMargin, height() - kTitleHeight - 22);
    const int top = *std::max_element(counts_.begin(), counts_.end());
    const double w = static_cast<double>(area.width()) / static_cast<double>(counts_.size());
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        const int h = top > 0 ? static_cast<int>(std::lround(static_cast<double>(counts_[i]) / top * area.height())) : 0;
        const double centre = -1 + (static_cast<double>(i) + 0.5) / static_cast<double>(counts_.size()) * 2;
        p.fillRect(QRectF(area.x() + static_cast<double>(i) * w, area.bottom() - h, std::max(1.0, w - 1), h),
                   divergingColor(centre).darker(115));
    }
    p.drawText(QRect(area.x(), area.bottom() + 2, area.width(), 16), Qt::AlignLeft, number(lo_));
    p.drawText(QRect(area.x(), area.bottom() + 2, area.width(), 16), Qt::AlignHCenter, QStringLiteral("0"));
    p.drawText(QRect(area.x(), area.bottom() + 2, area.width(), 16), Qt::AlignRight, number(hi_));
}

// -------------------------------------------------------------------------------- SaliencyView

SaliencyView::SaliencyView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(160, 180);
}

void SaliencyView::setMap(const Matrix& image, const Matrix& map, const QString& caption) {
    image_ = image;
    map_ = map;
    caption_ = caption;
    const double m = map.size() ? map.cwiseAbs().maxCoeff() : 0;
    picture_ = QImage(static_cast<int>(image.cols()), static_cast<int>(image.rows()), QImage::Format_RGB32);
    for (int y = 0; y < picture_.height(); ++y)
        for (int x = 0; x < picture_.width(); ++x) {
            // The digit in grey underneath, the map over it: opaque where |map| is largest.
            const int g = static_cast<int>(std::lround(std::clamp<double>(image(y, x), 0, 1) * 160));
            // A square root lifts the many small values next to the few large ones.
            const double v = m > 0 ? map(y, x) / m : 0;
            const double lifted = std::copysign(std::sqrt(std::abs(v)), v);
            const QColor over = divergingColor(lifted);
            const double a = std::min(1.0, std::abs(lifted) * 1.3);
            picture_.setPixel(x, y, qRgb(static_cast<int>(g * (1 - a) + over.red() * a),
                                         static_cast<int>(g * (1 - a) + over.green() * a),
                                         static_cast<int>(g * (1 - a) + over.blue() * a)));
        }
    update();
}

QRect SaliencyView::imageRect() const {
    const int edge = std::max(28, std::min(width() - 8, height() - kTitleHeight - 28) / 28 * 28);
    return {(width() - edge) / 2, kTitleHeight + 4, edge, edge};
}

void SaliencyView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Window));
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(0, 0, width(), kTitleHeight), Qt::AlignCenter, caption_);
    if (picture_.isNull()) return;
    const QRect r = imageRect();
    p.drawImage(r, picture_);
    p.drawText(QRect(0, r.bottom() + 2, width(), 18), Qt::AlignCenter, tr("red: for the digit, blue: against it"));
}

void SaliencyView::mouseMoveEvent(QMouseEvent* event) {
    const QRect r = imageRect();
    const QPoint pos = event->position().toPoint();
    if (!r.contains(pos) || map_.size() == 0) {
        QToolTip::hideText();
        return;
    }
    const int x = (pos.x() - r.x()) * static_cast<int>(map_.cols()) / r.width();
    const int y = (pos.y() - r.y()) * static_cast<int>(map_.rows()) / r.height();
    QToolTip::showText(event->globalPosition().toPoint(), tr("pixel (%1, %2): %3").arg(y).arg(x).arg(number(map_(y, x))), this);
}

// ------------------------------------------------------------------------------- EmbeddingView

namespace {
// Ten distinct colours (Tableau 10), one per digit.
QColor digitColor(int d) {
    static const QRgb c[] = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0x79706e};
    return QColor(c[std::clamp(d, 0, 9)]);
}
}  // namespace

EmbeddingView::EmbeddingView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(240, 200);
}

void EmbeddingView::setPoints(const Matrix& points, std::vector<std::uint8_t> labels, std::vector<std::uint8_t> predicted,
                              std::vector<int> indices) {
    points_ = points;
    indices_ = std::move(indices);
    hover_ = -1;
    labels_ = std::move(labels);
    predicted_ = std::move(predicted);
    if (points_.rows() > 0) {
        minX_ = points_.col(0).minCoeff();
        maxX_ = points_.col(0).maxCoeff();
        minY_ = points_.col(1).minCoeff();
        maxY_ = points_.col(1).maxCoeff();
    }
    update();
}

void EmbeddingView::setCurrent(bool valid, QPointF point) {
    currentValid_ = valid;
    current_ = point;
    update();
}

void EmbeddingView::setStatus(const QString& text) {
    status_ = text;
    update();
}

QRectF EmbeddingView::plotRect() const { return QRectF(8, kTitleHeight + 22, width() - 16, height() - kTitleHeight - 30); }

QPointF EmbeddingView::toWidget(double x, double y) const {
    const QRectF r = plotRect();
    const double sx = maxX_ > minX_ ? (x - minX_) / (maxX_ - minX_) : 0.5;
    const double sy = maxY_ > minY_ ? (y - minY_) / (maxY_ - minY_) : 0.5;
    return {r.left() + sx * r.width(), r.bottom() - sy * r.height()};
}

void EmbeddingView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(8, 0, width() - 16, kTitleHeight), Qt::AlignLeft | Qt::AlignVCenter, status_);
    // Legend: one swatch per digit, and the two markers.
    QFont f = font();
    f.setPixelSize(10);
    p.setFont(f);
    int x = 8;
    for (int d = 0; d < 10; ++d) {
        p.fillRect(x, kTitleHeight + 6, 9, 9, digitColor(d));
        p.drawText(x + 11, kTitleHeight + 15, QString::number(d));
        x += 24;
    }
    p.drawText(x + 4, kTitleHeight + 15, tr("x = mistake   \u2605 = the image at hand"));
    p.setRenderHint(QPainter::Antialiasing);
    for (Eigen::Index i = 0; i < points_.rows(); ++i) {
        if (labels_[static_cast<std::size_t>(i)] != predicted_[static_cast<std::size_t>(i)]) continue;
        const QPointF q = toWidget(points_(i, 0), points_(i, 1));
        p.fillRect(QRectF(q.x() - 1, q.y() - 1, 2.2, 2.2), digitColor(labels_[static_cast<std::size_t>(i)]));
    }
    // Mistakes on top, as crosses in the true digit's colour.
    for (Eigen::Index i = 0; i < points_.rows(); ++i) {
        if (labels_[static_cast<std::size_t>(i)] == predicted_[static_cast<std::size_t>(i)]) continue;
        const QPointF q = toWidget(points_(i, 0), points_(i, 1));
        p.setPen(QPen(digitColor(labels_[static_cast<std::size_t>(i)]).darker(140), 1.4));
        p.drawLine(q + QPointF(-3, -3), q + QPointF(3, 3));
        p.drawLine(q + QPointF(-3, 3), q + QPointF(3, -3));
    }
    if (currentValid_ && points_.rows() > 0) {
        const QPointF q = toWidget(current_.x(), current_.y());
        QPolygonF star;
        for (int k = 0; k < 10; ++k) {
            const double r = k % 2 ? 4.5 : 11, a = -M_PI / 2 + k * M_PI / 5;
            star << q + QPointF(r * std::cos(a), r * std::sin(a));
        }
        p.setPen(QPen(Qt::black, 1.5));
        p.setBrush(QColor(0xff, 0xd7, 0x00));
        p.drawPolygon(star);
    }
    if (hover_ >= 0 && hover_ < points_.rows()) {
        // The hovered image: a ring on its point and its thumbnail (84x84) beside it, with what
        // it is, kept inside the widget.
        const auto k = static_cast<std::size_t>(hover_);
        const QPointF q = toWidget(points_(hover_, 0), points_(hover_, 1));
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(palette().color(QPalette::Text), 1.5));
        p.drawEllipse(q, 5, 5);
        const QString caption = predicted_[k] == kNotADigitLabel
                                    ? tr("#%1: a %2, said: not a digit").arg(indexOf(hover_)).arg(labels_[k])
                                    : tr("#%1: a %2, said %3").arg(indexOf(hover_)).arg(labels_[k]).arg(predicted_[k]);
        const int side = 84, w = std::max(side, p.fontMetrics().horizontalAdvance(caption)) + 8, h = side + 8 + p.fontMetrics().height();
        QRect box(int(q.x()) + 10, int(q.y()) - h - 6, w, h);
        if (box.right() > width() - 2) box.moveRight(int(q.x()) - 10);
        if (box.top() < 2) box.moveTop(int(q.y()) + 10);
        p.setPen(palette().color(QPalette::Mid));
        p.setBrush(palette().color(QPalette::ToolTipBase));
        p.drawRect(box);
        const QRect image(box.left() + (w - side) / 2, box.top() + 4, side, side);
        if (!hoverImage_.isNull()) {
            p.setRenderHint(QPainter::SmoothPixmapTransform, false);
            p.drawImage(image, hoverImage_);
        }
        p.setPen(labels_[k] == predicted_[k] ? palette().color(QPalette::ToolTipText) : QColor(0xb0, 0x00, 0x20));
        p.drawText(QRect(box.left(), image.bottom() + 2, w, p.fontMetrics().height()), Qt::AlignCenter, caption);
    }
}

int EmbeddingView::nearestPoint(const QPoint& pos) const {
    int best = -1;
    double bestD = 36;  // within 6 pixels
    for (Eigen::Index i = 0; i < points_.rows(); ++i) {
        const QPointF q = toWidget(points_(i, 0), points_(i, 1)) - QPointF(pos);
        const double d = q.x() * q.x() + q.y() * q.y();
        if (d < bestD) {
            bestD = d;
            best = static_cast<int>(i);
        }
    }
    return best;
}

int EmbeddingView::pointAt(const QPoint& pos) const {
    const int row = nearestPoint(pos);
    return row >= 0 ? indexOf(row) : -1;
}

void EmbeddingView::mouseMoveEvent(QMouseEvent* event) {
    const int row = nearestPoint(event->position().toPoint());
    if (row == hover_) return;
    hover_ = row;
    hoverImage_ = row >= 0 && thumbnail_ ? thumbnail_(indexOf(row)) : QImage();
    update();
}

void EmbeddingView::leaveEvent(QEvent* event) {
    hover_ = -1;
    hoverImage_ = QImage();
    update();
    QWidget::leaveEvent(event);
}

void EmbeddingView::mousePressEvent(QMouseEvent* event) {
    const int i = pointAt(event->position().toPoint());
    if (i >= 0) emit imageActivated(i);
}

}  // namespace digit::ui
