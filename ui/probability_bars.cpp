#include "probability_bars.h"

#include <QEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace digit::ui {

ProbabilityBars::ProbabilityBars(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    texts_.add([=, this] { setToolTip(tr("The probability the model gives each digit")); });
}

void ProbabilityBars::setProbabilities(const std::array<float, 10>& probabilities) {
    p_ = probabilities;
    valid_ = true;
    update();
}

void ProbabilityBars::clear() {
    p_.fill(0.0f);
    valid_ = false;
    update();
}

void ProbabilityBars::setHighlightColor(const QColor& color) {
    highlight_ = color;
    update();
}

QSize ProbabilityBars::sizeHint() const {
    const int line = fontMetrics().height();
    return {10 * 34, 150 + 2 * line};
}

QSize ProbabilityBars::minimumSizeHint() const {
    const int line = fontMetrics().height();
    return {10 * (fontMetrics().horizontalAdvance(QStringLiteral("100%")) + 2), 60 + 2 * line};
}

void ProbabilityBars::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    const int line = fm.height();
    // Percentages sit above the bars, digits below: the bars get what is left.
    const QRectF plot(0, line + 2, width(), height() - 2 * line - 6);
    const qreal slot = plot.width() / 10.0;
    const qreal barWidth = std::max<qreal>(4.0, slot * 0.62);
    const int top = valid_ ? int(std::max_element(p_.begin(), p_.end()) - p_.begin()) : -1;

    const QColor text = palette().color(QPalette::WindowText);
    QColor track = palette().color(QPalette::Mid);
    track.setAlpha(50);
    QColor bar = palette().color(QPalette::Highlight);
    bar.setAlpha(110);
    const QColor best = highlight_.isValid() ? highlight_ : palette().color(QPalette::Highlight);

    for (int d = 0; d < 10; ++d) {
        const qreal x = plot.left() + d * slot + (slot - barWidth) / 2;
        const QRectF trackRect(x, plot.top(), barWidth, plot.height());
        p.setPen(Qt::NoPen);
        p.setBrush(track);
        p.drawRoundedRect(trackRect, 2, 2);
        const qreal v = valid_ ? std::clamp<qreal>(p_[std::size_t(d)], 0.0, 1.0) : 0.0;
        if (v > 0) {
            const qreal h = std::max<qreal>(1.0, v * plot.height());
            p.setBrush(d == top ? best : bar);
            p.drawRoundedRect(QRectF(x, plot.bottom() - h, barWidth, h), 2, 2);
        }
        QFont f = font();
        f.setBold(d == top);
        p.setFont(f);
        p.setPen(text);
        const QRectF below(plot.left() + d * slot, plot.bottom() + 4, slot, line);
        p.drawText(below, Qt::AlignCenter, QString::number(d));
        if (valid_ && v >= 0.005) {  // tiny values would only add noise
            const QString label = v >= 0.995 ? QStringLiteral("100%") : QStringLiteral("%1%").arg(std::lround(v * 100));
            const qreal h = v * plot.height();
            QRectF above(plot.left() + d * slot - 4, plot.bottom() - h - line - 1, slot + 8, line);
            above.moveTop(std::max<qreal>(0.0, above.top()));
            f.setBold(d == top);
            f.setPointSizeF(font().pointSizeF() * 0.9);
            p.setFont(f);
            p.drawText(above, Qt::AlignCenter, label);
        }
    }
}

void ProbabilityBars::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) texts_.apply();
    QWidget::changeEvent(event);
}

}  // namespace digit::ui
