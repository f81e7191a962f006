#pragma once
// A drawing pad for one digit, after Qt's scribble example: the drawing lives in a QImage backing
// store (device pixels, dark ink on white paper) and each new stroke segment repaints only its
// dirty rectangle. Mouse and tablet input; a tablet's pressure scales the pen width.
//
// Strokes are kept (in widget coordinates) so undo can redraw the image without the last one,
// and a resize keeps the drawing (centred). A picture (an opened image file) can sit under the strokes.
// Undo steps back through strokes and through clear() and setPicture(), which keep what they
// replaced: nothing drawn is lost to a misclick.
#include "retranslator.h"
#include "preprocess.h"

#include <QImage>
#include <QPointF>
#include <QList>
#include <QPolygonF>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <vector>

namespace digit::ui {

class DigitCanvas : public QWidget {
    Q_OBJECT
public:
    explicit DigitCanvas(QWidget* parent = nullptr);

    // Pen width at full pressure as a fraction of the pad's shorter side, so a digit drawn to
    // fill the pad has MNIST's proportions of stroke to height whatever the window size.
    qreal brushSize() const { return brushSize_; }
    void setBrushSize(qreal fraction);
    static constexpr qreal kDefaultBrushSize = 0.08;
    // The pen width that brushSize() gives now, in logical pixels.
    qreal brushWidth() const;

    bool isEmpty() const { return strokes_.empty() && picture_.isNull(); }
    bool canUndo() const { return !steps_.empty(); }
    int strokeCount() const { return int(strokes_.size()); }

    // The drawing as shown: dark ink on white, in device pixels.
    const QImage& image() const { return image_; }
    // The same as floats 0 (black) .. 1 (white) for preprocess_digit (Polarity::DarkOnLight),
    // smoothly scaled down so neither side exceeds maxSide (0 = full resolution). The model sees
    // 28x28, so a few hundred pixels lose nothing and keep each prediction well under a frame.
    GrayImage grayImage(int maxSide = 0) const;

    // Puts a picture (dark ink on light, e.g. an opened file) under the strokes, scaled to fit
    // and centred. Removes the strokes. Emits changed().
    void setPicture(const QImage& picture);
    bool hasPicture() const { return !picture_.isNull(); }

    // Where the picture is shown (widget coordinates); null without a picture.
    QRectF pictureRect() const;
    // Boxes drawn over the pad (e.g. the digits found in a number), in widget coordinates, each
    // with a short label; an empty list removes them.
    void setBoxes(const QList<QRectF>& boxes, const QStringList& labels = {});
    const QList<QRectF>& boxes() const { return boxes_; }

    // Adds a whole stroke as if drawn with the mouse (widget coordinates; pressure 0..1).
    void addStroke(const QPolygonF& points, qreal pressure = 1.0);

    QSize sizeHint() const override { return {480, 480}; }
    QSize minimumSizeHint() const override { return {200, 200}; }

public slots:
    void clear();  // removes strokes and picture (undoable)
    void undo();   // removes the last stroke, or brings back what clear() or setPicture() replaced

signals:
    // The drawing changed. While a stroke is being drawn this is throttled (at most about every
    // kThrottleMs); at the end of a stroke, and on clear, undo and setPicture, it comes at once.
    void changed();
    void undoAvailable(bool available);

protected:
    void changeEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void tabletEvent(QTabletEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct StrokePoint {
        QPointF pos;      // widget coordinates
        qreal pressure;   // 0..1
    };
    struct Stroke {
        std::vector<StrokePoint> points;
        qreal width;      // brush width when the stroke was drawn
    };
    static constexpr int kThrottleMs = 40;
    static constexpr std::size_t kMaxSteps = 200;
    // One undo step: a stroke drawn, or the whole drawing replaced (by clear or a picture).
    struct Step {
        bool replaced = false;
        std::vector<Stroke> strokes;  // what was replaced
        QImage picture;
    };
    void pushStep(Step step);
    void replaceDrawing(const QImage& picture);

    void beginStroke(QPointF pos, qreal pressure);
    void extendStroke(QPointF pos, qreal pressure);
    void endStroke();
    // Draws segment i-1 -> i of the stroke (a dot for i == 0); returns the dirty rect.
    QRect paintSegment(QPainter& painter, const Stroke& stroke, std::size_t i) const;
    void redraw();  // paper, picture, every stroke
    void changedWhileDrawing();
    void emitChanged();

    QImage image_;
    QImage picture_;
    QList<QRectF> boxes_;
    QStringList boxLabels_;
    std::vector<Stroke> strokes_;
    std::vector<Step> steps_;
    bool drawing_ = false;
    qreal brushSize_ = kDefaultBrushSize;
    QTimer throttle_;
    bool pending_ = false;
    Retranslator texts_;  // the texts that follow the language
};

}  // namespace digit::ui
