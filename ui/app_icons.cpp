#include "app_icons.h"

#include <QApplication>
#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

namespace digit::ui {

namespace {

const QColor kAccent(31, 119, 180);

// Paints one icon into any rectangle; coordinates below are on a 24 x 24 grid.
class PathIconEngine : public QIconEngine {
public:
    explicit PathIconEngine(AppIcon which) : which_(which) {}

    QIconEngine* clone() const override { return new PathIconEngine(which_); }

    // Window managers ask for the sizes an icon has; any size works.
    QList<QSize> availableSizes(QIcon::Mode, QIcon::State) override {
        return {{16, 16}, {24, 24}, {32, 32}, {48, 48}, {64, 64}, {128, 128}, {256, 256}};
    }

    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override {
        return scaledPixmap(size, mode, state, 1.0);
    }

    QPixmap scaledPixmap(const QSize& size, QIcon::Mode mode, QIcon::State state, qreal scale) override {
        QPixmap pm(size * scale);
        pm.setDevicePixelRatio(scale);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        paint(&p, QRect(QPoint(0, 0), size), mode, state);
        return pm;
    }

    void paint(QPainter* p, const QRect& rect, QIcon::Mode mode, QIcon::State) override {
        p->save();
        p->setRenderHint(QPainter::Antialiasing);
        const qreal side = std::min(rect.width(), rect.height());
        p->translate(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2);
        p->scale(side / 24.0, side / 24.0);
        const QPalette pal = QApplication::palette();
        QColor ink = mode == QIcon::Disabled ? pal.color(QPalette::Disabled, QPalette::Text)
                     : mode == QIcon::Selected ? pal.color(QPalette::HighlightedText)
                                               : pal.color(QPalette::Text);
        QColor accent = mode == QIcon::Selected ? ink : mode == QIcon::Disabled ? ink : kAccent;
        QPen pen(ink, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        p->setPen(pen);
        p->setBrush(Qt::NoBrush);
        switch (which_) {
        case AppIcon::App: {
            p->setPen(Qt::NoPen);
            p->setBrush(kAccent);
            p->drawRoundedRect(QRectF(1, 1, 22, 22), 5, 5);
            QPainterPath seven;  // a handwritten 7
            seven.moveTo(6.5, 7);
            seven.cubicTo(9, 6.2, 14, 6.4, 17.5, 6.2);
            seven.cubicTo(15, 10, 12.5, 14, 10.5, 19);
            p->setPen(QPen(Qt::white, 2.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p->setBrush(Qt::NoBrush);
            p->drawPath(seven);
            break;
        }
        case AppIcon::Train: {
            p->drawLine(QPointF(3, 3), QPointF(3, 21));
            p->drawLine(QPointF(3, 21), QPointF(21, 21));
            QPainterPath curve;  // a falling loss curve
            curve.moveTo(5, 5);
            curve.cubicTo(8, 14, 11, 16, 20, 17);
            p->setPen(QPen(accent, 2.2, Qt::SolidLine, Qt::RoundCap));
            p->drawPath(curve);
            break;
        }
        case AppIcon::Draw: {
            p->translate(12, 12);
            p->rotate(45);
            p->drawRoundedRect(QRectF(-2.8, -10, 5.6, 15), 1, 1);
            QPainterPath tip;
            tip.moveTo(-2.8, 5);
            tip.lineTo(0, 10);
            tip.lineTo(2.8, 5);
            p->setBrush(accent);
            p->drawPath(tip);
            break;
        }
        case AppIcon::Errors: {
            for (int r = 0; r < 2; ++r)
                for (int c = 0; c < 2; ++c) p->drawRect(QRectF(3 + c * 10, 3 + r * 10, 8, 8));
            p->setPen(QPen(QColor(200, 40, 40), 2.2, Qt::SolidLine, Qt::RoundCap));
            p->drawLine(QPointF(15, 15), QPointF(19, 19));
            p->drawLine(QPointF(19, 15), QPointF(15, 19));
            break;
        }
        case AppIcon::Data: {
            p->setPen(Qt::NoPen);
            for (int r = 0; r < 3; ++r)
                for (int c = 0; c < 3; ++c) {
                    p->setBrush((r + c) % 2 ? accent : ink);
                    p->drawRoundedRect(QRectF(3 + c * 6.5, 3 + r * 6.5, 5, 5), 1, 1);
                }
            break;
        }
        case AppIcon::Quiz: {
            p->drawEllipse(QRectF(2.5, 2.5, 19, 19));
            QPainterPath q;
            q.moveTo(9, 9.5);
            q.cubicTo(9, 5.5, 15.5, 5.5, 15.2, 9.4);
            q.cubicTo(15, 12, 12, 11.8, 12, 14.5);
            p->setPen(QPen(accent, 2.2, Qt::SolidLine, Qt::RoundCap));
            p->drawPath(q);
            p->setPen(Qt::NoPen);
            p->setBrush(accent);
            p->drawEllipse(QPointF(12, 17.8), 1.3, 1.3);
            break;
        }
        case AppIcon::Inside: {  // three layers of units, joined
            const QPointF units[] = {{4, 6}, {4, 12}, {4, 18}, {12, 9}, {12, 15}, {20, 12}};
            p->setPen(QPen(ink, 1.1));
            for (int a = 0; a < 3; ++a)
                for (int b = 3; b < 5; ++b) p->drawLine(units[a], units[b]);
            for (int b = 3; b < 5; ++b) p->drawLine(units[b], units[5]);
            p->setPen(Qt::NoPen);
            for (int i = 0; i < 6; ++i) {
                p->setBrush(i == 5 ? accent : ink);
                p->drawEllipse(units[i], 2.2, 2.2);
            }
            break;
        }
        }
        p->restore();
    }

private:
    AppIcon which_;
};

}  // namespace

QIcon appIcon(AppIcon which) { return QIcon(new PathIconEngine(which)); }

}  // namespace digit::ui
