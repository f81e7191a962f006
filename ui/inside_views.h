#pragma once
// The views of the Inside page (ui/inside_page.h), one widget class per view. Each is handed
// plain values (matrices, images, points) and only paints them; none touches a Network.
//  - LayerStrip: the network as a vertical strip of its layers with each layer's output for one
//    image: feature maps as grids of small grey images (scaled per map, numbered by channel),
//    flat activations as a heat row, the probabilities as bars. Hover shows a value; a click
//    selects a layer.
//  - WeightTiles: weights as small diverging-colour images (blue < 0 < red, white = 0).
//  - WeightHistogram: the distribution of a layer's weights.
//  - SaliencyView: a 28x28 image with a signed map over it.
//  - EmbeddingView: many points in 2-D coloured by digit, mistakes marked, one point highlighted.
#include "network.h"
#include "tensor.h"

#include <QImage>
#include <QPointF>
#include <QRect>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <functional>
#include <vector>

namespace digit::ui {

// -1..1 -> blue .. white .. red (ColorBrewer RdBu), for weights and saliency.
QColor divergingColor(double v);

// Spec layer `layer`'s kernel as tiles for WeightTiles: a Dense layer over a 784-pixel input as
// one 28x28 tile per unit (its weights over the image), a Conv2D as one k x k tile per filter (the
// mean over its input channels); the first maxTiles. Empty for other layers.
std::vector<Matrix> kernelTiles(const Network& net, std::size_t layer, int maxTiles = 64);
// The first layer kernelTiles can draw, or -1: what the Train page shows live.
int firstTileLayer(const Network& net);
// Where spec layer `layer`'s parameters start in the flat buffer, and how many of them are its
// kernel (the biases follow it).
std::size_t parameterOffset(const Network& net, std::size_t layer);
std::size_t kernelSize(const Network& net, std::size_t layer);

class LayerStrip : public QWidget {
    Q_OBJECT
public:
    struct LayerView {
        QString title;           // e.g. "3 Conv2D (None, 24, 24, 32)"
        std::vector<int> shape;  // the output's shape without the batch dimension
        RowVector values;        // the output for the image, channels-last
        bool probabilities = false;  // the network's final output: drawn as bars
        QString note;            // drawn instead of the values when not empty (e.g. Dropout)
    };
    explicit LayerStrip(QWidget* parent = nullptr);

    void setLayers(std::vector<LayerView> layers);
    const std::vector<LayerView>& layers() const { return layers_; }
    int selectedLayer() const { return selected_; }
    void setSelectedLayer(int index);
    // What hovering at pos (widget coordinates) shows, empty if nothing; for tests.
    QString valueAt(const QPoint& pos) const;
    // Where a layer's block sits, for tests.
    QRect layerRect(int index) const;

    QSize sizeHint() const override;

signals:
    void layerSelected(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    struct Block {
        QRect rect;         // the whole block, title included
        QRect content;      // where the picture is
        QImage picture;     // pre-rendered values
        int tile = 0;       // feature maps: tile edge in pixels; heat row: cell width
        int perRow = 0;     // tiles or cells per row
    };
    void relayout();

    std::vector<LayerView> layers_;
    std::vector<Block> blocks_;
    int selected_ = -1;
    int height_ = 100;
};

class WeightTiles : public QWidget {
    Q_OBJECT
public:
    explicit WeightTiles(QWidget* parent = nullptr);
    // tiles: one (rows, cols) matrix each; all share one colour scale (the largest |value|).
    void setTiles(const QString& title, const std::vector<Matrix>& tiles, const QStringList& captions);
    int tileCount() const { return static_cast<int>(tiles_.size()); }
    QString title() const { return title_; }
    QSize sizeHint() const override { return {320, 240}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString title_;
    std::vector<QImage> tiles_;
    QStringList captions_;
    double scale_ = 0;
};

class WeightHistogram : public QWidget {
    Q_OBJECT
public:
    explicit WeightHistogram(QWidget* parent = nullptr);
    // values empty: shows `title` alone (e.g. "this layer has no weights").
    void setValues(const QString& title, const std::vector<Scalar>& values, int bins = 41);
    const std::vector<int>& counts() const { return counts_; }
    QSize sizeHint() const override { return {320, 140}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString title_;
    std::vector<int> counts_;
    double lo_ = 0, hi_ = 0;
};

class SaliencyView : public QWidget {
    Q_OBJECT
public:
    explicit SaliencyView(QWidget* parent = nullptr);
    // image: 28x28 grey levels 0..1 (row-major); map: the same size, signed; drawn over the image
    // in diverging colours scaled by the largest |value|.
    void setMap(const Matrix& image, const Matrix& map, const QString& caption);
    const Matrix& map() const { return map_; }
    QSize sizeHint() const override { return {240, 260}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    QRect imageRect() const;
    Matrix image_, map_;
    QImage picture_;
    QString caption_;
};

class EmbeddingView : public QWidget {
    Q_OBJECT
public:
    explicit EmbeddingView(QWidget* parent = nullptr);
    // points: (n, 2); labels, predicted: n each; indices: n test-image indices (empty: 0..n-1).
    // Replaces the picture.
    void setPoints(const Matrix& points, std::vector<std::uint8_t> labels, std::vector<std::uint8_t> predicted,
                   std::vector<int> indices = {});
    // Where hovering finds the thumbnail of test image i (28x28, MNIST polarity); none: no thumbnail.
    void setThumbnails(std::function<QImage(int)> thumbnail) { thumbnail_ = std::move(thumbnail); }
    void setCurrent(bool valid, QPointF point = {});
    void setStatus(const QString& text);  // e.g. "PCA of 2,000 of 10,000 test images..."
    Eigen::Index pointCount() const { return points_.rows(); }
    bool hasCurrent() const { return currentValid_; }
    QPointF current() const { return current_; }
    // The test image (its index in the test set) nearest pos within a few pixels, or -1; for
    // hovering, clicks and tests.
    int pointAt(const QPoint& pos) const;
    // The test image whose thumbnail hovering shows, or -1.
    int hoveredImage() const { return hover_ >= 0 ? indexOf(hover_) : -1; }
    QSize sizeHint() const override { return {360, 320}; }

signals:
    void imageActivated(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    QRectF plotRect() const;
    QPointF toWidget(double x, double y) const;
    int nearestPoint(const QPoint& pos) const;  // row of points_, or -1
    int indexOf(int row) const { return indices_.empty() ? row : indices_[static_cast<std::size_t>(row)]; }
    Matrix points_;
    std::vector<int> indices_;
    std::function<QImage(int)> thumbnail_;
    int hover_ = -1;  // row of points_
    QImage hoverImage_;
    std::vector<std::uint8_t> labels_, predicted_;
    double minX_ = 0, maxX_ = 1, minY_ = 0, maxY_ = 1;
    bool currentValid_ = false;
    QPointF current_;
    QString status_;
};

}  // namespace digit::ui
