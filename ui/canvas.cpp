#include "canvas.h"

#include "image_file.h"

#include <QEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QResizeEvent>
#include <QTabletEvent>

#include <algorithm>
#include <cmath>

namespace digit::ui {

namespace {
const QColor kPaper(255, 255, 255);
const QColor kInk(24, 24, 24);

// Light pressure still leaves a visible line; full pressure gives the brush width.
qreal pressureWidth(qreal brush, qreal pressure) {
    return brush * (0.35 + 0.65 * std::clamp<qreal>(pressure, 0.0, 1.0));
}
}  // namespace

DigitCanvas::DigitCanvas(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_StaticContents);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setCursor(Qt::CrossCursor);
    texts_.add([=, this] { setToolTip(tr("Draw a digit here with the mouse or a pen")); });
    throttle_.setSingleShot(true);
    throttle_.setInterval(kThrottleMs);
    connect(&throttle_, &QTimer::timeout, this, [this] {
        if (pending_) {
            pending_ = false;
            emit changed();
            throttle_.start();
        }
    });
    redraw();
}

void DigitCanvas::setBrushSize(qreal fraction) { brushSize_ = std::clamp<qreal>(fraction, 0.005, 0.5); }

qreal DigitCanvas::brushWidth() const { return std::max<qreal>(1.0, brushSize_ * std::min(width(), height())); }

GrayImage DigitCanvas::grayImage(int maxSide) const {
    // Through the same converter as image files (image_file.h), so a drawing and a picture of it
    // reach the model alike.
    if (maxSide > 0 && std::max(image_.width(), image_.height()) > maxSide)
        return gray_from_qimage(image_.scaled(maxSide, maxSide, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    return gray_from_qimage(image_);
}

void DigitCanvas::pushStep(Step step) {
    steps_.push_back(std::move(step));
    if (steps_.size() > kMaxSteps) steps_.erase(steps_.begin());
}

void DigitCanvas::replaceDrawing(const QImage& picture) {
    drawing_ = false;
    if (!isEmpty()) pushStep(Step{true, std::move(strokes_), picture_});
    strokes_.clear();
    picture_ = picture;
    redraw();
    update();
    emit undoAvailable(canUndo());
    emitChanged();
}

void DigitCanvas::setPicture(const QImage& picture) { replaceDrawing(picture); }

void DigitCanvas::addStroke(const QPolygonF& points, qreal pressure) {
    if (points.isEmpty()) return;
    beginStroke(points.front(), pressure);
    for (qsizetype i = 1; i < points.size(); ++i) extendStroke(points[i], pressure);
    endStroke();
}

void DigitCanvas::clear() { replaceDrawing(QImage()); }

void DigitCanvas::undo() {
    if (steps_.empty()) return;
    drawing_ = false;
    Step step = std::move(steps_.back());
    steps_.pop_back();
    if (step.replaced) {
        strokes_ = std::move(step.strokes);
        picture_ = step.picture;
    } else if (!strokes_.empty()) {
        strokes_.pop_back();
    }
    redraw();
    update();
    emit undoAvailable(canUndo());
    emitChanged();
}

void DigitCanvas::beginStroke(QPointF pos, qreal pressure) {
    const bool wasEmpty = isEmpty();
    strokes_.push_back(Stroke{{StrokePoint{pos, pressure}}, brushWidth()});
    pushStep(Step{});
    drawing_ = true;
    QPainter painter(&image_);
    const QRect dirty = paintSegment(painter, strokes_.back(), 0);
    if (wasEmpty)
        update();  // the placeholder text goes away
    else
        update(dirty);
    emit undoAvailable(true);
    changedWhileDrawing();
}

void DigitCanvas::extendStroke(QPointF pos, qreal pressure) {
    if (!drawing_ || strokes_.empty()) return;
    Stroke& stroke = strokes_.back();
    if (stroke.points.back().pos == pos) return;
    stroke.points.push_back(StrokePoint{pos, pressure});
    QPainter painter(&image_);
    update(paintSegment(painter, stroke, stroke.points.size() - 1));
    changedWhileDrawing();
}

void DigitCanvas::endStroke() {
    if (!drawing_) return;
    drawing_ = false;
    emitChanged();
}

QRect DigitCanvas::paintSegment(QPainter& painter, const Stroke& stroke, std::size_t i) const {
    painter.setRenderHint(QPainter::Antialiasing);
    const StrokePoint& b = stroke.points[i];
    if (i == 0) {
        const qreal w = pressureWidth(stroke.width, b.pressure);
        painter.setPen(Qt::NoPen);
        painter.setBrush(kInk);
        painter.drawEllipse(b.pos, w / 2, w / 2);
        return QRectF(b.pos - QPointF(w, w) / 2, QSizeF(w, w)).toAlignedRect().adjusted(-2, -2, 2, 2);
    }
    const StrokePoint& a = stroke.points[i - 1];
    const qreal w = pressureWidth(stroke.width, (a.pressure + b.pressure) / 2);
    painter.setPen(QPen(kInk, w, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.drawLine(a.pos, b.pos);
    const qreal r = w / 2 + 2;
    return QRectF(a.pos, b.pos).normalized().adjusted(-r, -r, r, r).toAlignedRect();
}

QRectF DigitCanvas::pictureRect() const {
    if (picture_.isNull()) return {};
    // Fit the picture into the pad with a margin, keeping its aspect ratio.
    const QSizeF area = QSizeF(size()) * 0.84;
    const QSizeF shown = QSizeF(picture_.size()).scaled(area, Qt::KeepAspectRatio);
    return QRectF(QPointF((width() - shown.width()) / 2, (height() - shown.height()) / 2), shown);
}

void DigitCanvas::setBoxes(const QList<QRectF>& boxes, const QStringList& labels) {
    if (boxes == boxes_ && labels == boxLabels_) return;
    boxes_ = boxes;
    boxLabels_ = labels;
    update();
}

void DigitCanvas::redraw() {
    const qreal dpr = devicePixelRatioF();
    const QSize pixels = (QSizeF(size()) * dpr).toSize().expandedTo(QSize(1, 1));
    if (image_.size() != pixels) {
        image_ = QImage(pixels, QImage::Format_RGB32);
    }
    image_.setDevicePixelRatio(dpr);
    image_.fill(kPaper);
    QPainter painter(&image_);
    if (!picture_.isNull()) {
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(pictureRect(), picture_);
    }
    for (const Stroke& stroke : strokes_)
        for (std::size_t i = 0; i < stroke.points.size(); ++i) paintSegment(painter, stroke, i);
}

void DigitCanvas::changedWhileDrawing() {
    // Leading and trailing edge: the first change goes out at once, later ones at most every
    // kThrottleMs, and the last one is never lost.
    if (throttle_.isActive()) {
        pending_ = true;
    } else {
        pending_ = false;
        emit changed();
        throttle_.start();
    }
}

void DigitCanvas::emitChanged() {
    throttle_.stop();
    pending_ = false;
    emit changed();
}

void DigitCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) {
        beginStroke(event->position(), 1.0);
        event->accept();
    } else {
        QWidget::mousePressEvent(event);
    }
}

void DigitCanvas::mouseMoveEvent(QMouseEvent* event) {
    if (drawing_) {
        extendStroke(event->position(), 1.0);
        event->accept();
    }
}

void DigitCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && drawing_) {
        extendStroke(event->position(), 1.0);
        endStroke();
        event->accept();
    }
}

void DigitCanvas::tabletEvent(QTabletEvent* event) {
    // Accepting the event stops Qt from also synthesising mouse events for it.
    const bool eraser = event->pointerType() == QPointingDevice::PointerType::Eraser;
    switch (event->type()) {
    case QEvent::TabletPress:
        if (eraser) {
            undo();
        } else if (event->button() == Qt::LeftButton) {
            beginStroke(event->position(), event->pressure());
        }
        break;
    case QEvent::TabletMove:
        if (drawing_) extendStroke(event->position(), event->pressure());
        break;
    case QEvent::TabletRelease:
        if (drawing_) endStroke();
        break;
    default: break;
    }
    event->accept();
}

void DigitCanvas::paintEvent(QPaintEvent* event) {
    QPainter painter(this);
    const QRect dirty = event->rect();
    painter.drawImage(dirty, image_, QRectF(QPointF(dirty.topLeft()) * image_.devicePixelRatio(),
                                            QSizeF(dirty.size()) * image_.devicePixelRatio()));
    if (isEmpty()) {
        painter.setPen(QColor(150, 150, 150));
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 1.3);
        painter.setFont(f);
        painter.drawText(rect(), Qt::AlignCenter, tr("Draw a digit here"));
    }
    if (!boxes_.isEmpty()) {
        // The digits found: thin boxes in the highlight colour, numbered left to right.
        const QColor colour = palette().color(QPalette::Highlight);
        painter.setRenderHint(QPainter::Antialiasing);
        for (qsizetype i = 0; i < boxes_.size(); ++i) {
            painter.setPen(QPen(colour, 1.5, Qt::DashLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(boxes_[i]);
            if (i < boxLabels_.size()) {
                const QRectF tag(boxes_[i].topLeft() - QPointF(0, 18), QSizeF(std::max<qreal>(24, boxes_[i].width()), 17));
                painter.setPen(colour);
                painter.drawText(tag, Qt::AlignLeft | Qt::AlignBottom, boxLabels_[i]);
            }
        }
        painter.setRenderHint(QPainter::Antialiasing, false);
    }
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(rect().adjusted(0, 0, -1, -1));
}

void DigitCanvas::resizeEvent(QResizeEvent* event) {
    // Keep the drawing centred on the pad, as the picture is.
    if (event->oldSize().isValid()) {
        const QPointF shift = QPointF(event->size().width() - event->oldSize().width(),
                                      event->size().height() - event->oldSize().height()) / 2;
        auto move = [&](std::vector<Stroke>& strokes) {
            for (Stroke& stroke : strokes)
                for (StrokePoint& point : stroke.points) point.pos += shift;
        };
        move(strokes_);
        for (Step& step : steps_) move(step.strokes);
    }
    redraw();
    update();
}

void DigitCanvas::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        texts_.apply();
        update();  // the placeholder text
    }
    QWidget::changeEvent(event);
}

}  // namespace digit::ui
