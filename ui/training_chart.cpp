#include "training_chart.h"

#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace digit::ui {

namespace {

const QColor kTrain(31, 119, 180);   // matplotlib's blue and orange, as in the tutorials' plots
const QColor kVal(255, 127, 14);
const QColor kReference(44, 160, 44);

QColor faded(QColor c, int alpha) {
    c.setAlpha(alpha);
    return c;
}

// A step of 1, 2 or 5 times a power of ten giving about `ticks` intervals over `span`.
double niceStep(double span, int ticks) {
    if (!(span > 0) || !std::isfinite(span)) return 1;
    const double raw = span / ticks;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (raw <= m * p) return m * p;
    return 10 * p;
}

// Sets range and tick interval without ever passing through a state with millions of ticks
// (a small old interval over a large new range, or the reverse), which Qt Charts would build.
void setAxis(QValueAxis* axis, double lo, double hi, double step) {
    axis->setTickInterval(std::max(step, axis->tickInterval()));
    axis->setRange(lo, hi);
    axis->setTickInterval(step);
}

}  // namespace

TrainingChart::TrainingChart(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(2);
    auto* layout = new QHBoxLayout;
    layout->setSpacing(4);
    setupPanel(loss_, false);
    setupPanel(acc_, true);
    layout->addWidget(loss_.view, 1);
    layout->addWidget(acc_.view, 1);
    outer->addLayout(layout, 1);
    legend_ = new QLabel(this);
    legend_->setTextFormat(Qt::RichText);
    legend_->setWordWrap(true);
    legend_->setAlignment(Qt::AlignCenter);
    outer->addWidget(legend_);
    retranslate();
    rescale();
}

TrainingChart::~TrainingChart() = default;

void TrainingChart::setupPanel(Panel& p, bool accuracy) {
    p.chart = new QChart;
    p.chart->setMargins(QMargins(4, 4, 4, 4));
    p.chart->setBackgroundRoundness(0);
    // Both charts share one legend below them (two legends of five entries do not fit).
    p.chart->legend()->hide();
    QFont title = p.chart->titleFont();
    title.setBold(true);
    p.chart->setTitleFont(title);

    p.x = new QValueAxis;
    p.x->setLabelFormat("%g");
    p.x->setTickInterval(1);
    p.x->setTickType(QValueAxis::TicksDynamic);
    p.x->setTickAnchor(0);
    p.y = new QValueAxis;
    p.y->setLabelFormat(accuracy ? "%.0f" : "%.2g");
    p.y->setTickInterval(accuracy ? 5 : 0.5);
    p.y->setTickType(QValueAxis::TicksDynamic);
    p.chart->addAxis(p.x, Qt::AlignBottom);
    p.chart->addAxis(p.y, Qt::AlignLeft);

    p.batch = new QLineSeries;
    p.batch->setPen(QPen(faded(kTrain, 110), 1.2));
    p.train = new QLineSeries;
    p.train->setPen(QPen(kTrain, 2.2));
    p.train->setPointsVisible(true);
    p.val = new QLineSeries;
    p.val->setPen(QPen(kVal, 2.2));
    p.val->setPointsVisible(true);
    attach(p, p.batch);
    attach(p, p.train);
    attach(p, p.val);
    if (accuracy) {
        p.reference = new QLineSeries;
        QPen pen(kReference, 1.6, Qt::DashLine);
        p.reference->setPen(pen);
        attach(p, p.reference);
        p.reference->setVisible(false);
    }

    p.view = new QChartView(p.chart, this);
    p.view->setRenderHint(QPainter::Antialiasing);
    p.view->setMinimumSize(240, 200);
}

void TrainingChart::attach(Panel& p, QXYSeries* s) {
    p.chart->addSeries(s);
    s->attachAxis(p.x);
    s->attachAxis(p.y);
}

void TrainingChart::retranslate() {
    loss_.chart->setTitle(tr("Loss"));
    acc_.chart->setTitle(tr("Accuracy (%)"));
    for (Panel* p : {&loss_, &acc_}) {
        p->x->setTitleText(tr("epoch"));
        p->batch->setName(tr("training (per batch, smoothed)"));
        p->train->setName(tr("training (epoch mean)"));
        p->val->setName(tr("validation"));
    }
    if (acc_.reference) acc_.reference->setName(tr("tutorial's test accuracy"));
    updateLegend();
}

void TrainingChart::updateLegend() {
    auto entry = [](const QColor& c, const QString& glyph, const QString& text) {
        return QStringLiteral("<span style='color:%1;font-weight:bold'>%2</span>&nbsp;%3")
            .arg(c.name(), glyph, text.toHtmlEscaped());
    };
    QStringList items;
    items << entry(faded(kTrain, 255).lighter(140), QStringLiteral("━━"), loss_.batch->name())
          << entry(kTrain, QStringLiteral("━●━"), loss_.train->name())
          << entry(kVal, QStringLiteral("━●━"), loss_.val->name());
    if (reference_ > 0) items << entry(kReference, QStringLiteral("╍╍"), acc_.reference->name());
    if (showEarlier_ && !overlays_.empty()) items << entry(Qt::gray, QStringLiteral("━━"), tr("earlier runs"));
    legend_->setText(items.join(QStringLiteral("&nbsp;&nbsp;&nbsp;&nbsp;")));
}

void TrainingChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void TrainingChart::retireCurrentRun() {
    // A run stopped before its first epoch ended has only its batch curve: that stays instead.
    const bool batchesOnly = loss_.train->count() == 0;
    if (batchesOnly && loss_.batch->count() == 0) {
        for (Panel* p : {&loss_, &acc_}) {
            p->batch->clear();
            p->val->clear();
        }
        return;
    }
    // The finished (or stopped) run's epoch curves stay behind as faded lines; its batch curve goes.
    Overlay o{};
    for (Panel* p : {&loss_, &acc_}) {
        auto* train = new QLineSeries;
        auto* val = new QLineSeries;
        train->replace(batchesOnly ? p->batch->points() : p->train->points());
        val->replace(p->val->points());
        train->setPen(QPen(faded(Qt::gray, 150), 1.4));
        val->setPen(QPen(faded(Qt::gray, 150), 1.4, Qt::DotLine));
        attach(*p, train);
        attach(*p, val);
        // Series are drawn in the order they were added: re-add the current run's on top.
        for (QLineSeries* s : {p->batch, p->train, p->val, p->reference}) {
            if (!s) continue;
            p->chart->removeSeries(s);
            attach(*p, s);
        }
        train->setVisible(showEarlier_);
        val->setVisible(showEarlier_);
        (p == &loss_ ? o.lossTrain : o.accTrain) = train;
        (p == &loss_ ? o.lossVal : o.accVal) = val;
        p->batch->clear();
        p->train->clear();
        p->val->clear();
    }
    overlays_.push_back(o);
    while (overlays_.size() > static_cast<std::size_t>(kMaxOverlays)) {
        const Overlay& old = overlays_.front();
        for (QLineSeries* s : {old.lossTrain, old.lossVal}) { loss_.chart->removeSeries(s); delete s; }
        for (QLineSeries* s : {old.accTrain, old.accVal}) { acc_.chart->removeSeries(s); delete s; }
        overlays_.erase(overlays_.begin());
    }
    updateLegend();
}

void TrainingChart::beginRun(const QString& name, int epochs, double referenceAccuracy) {
    retireCurrentRun();
    runName_ = name;
    epochs_ = std::max(1, epochs);
    reference_ = referenceAccuracy;
    acc_.reference->clear();
    acc_.reference->setVisible(referenceAccuracy > 0);
    updateLegend();
    rescale();
}

void TrainingChart::addBatchPoint(double x, double loss, double accuracy) {
    if (std::isfinite(loss)) loss_.batch->append(x, loss);
    if (std::isfinite(accuracy)) acc_.batch->append(x, 100 * accuracy);
    rescale();
}

void TrainingChart::addEpochPoint(int epoch, double loss, double accuracy, bool hasValidation, double valLoss,
                                  double valAccuracy) {
    if (std::isfinite(loss)) loss_.train->append(epoch - 0.5, loss);
    if (std::isfinite(accuracy)) acc_.train->append(epoch - 0.5, 100 * accuracy);
    if (hasValidation) {
        if (std::isfinite(valLoss)) loss_.val->append(epoch, valLoss);
        if (std::isfinite(valAccuracy)) acc_.val->append(epoch, 100 * valAccuracy);
    }
    rescale();
}

void TrainingChart::setShowEarlierRuns(bool show) {
    showEarlier_ = show;
    for (const Overlay& o : overlays_)
        for (QLineSeries* s : {o.lossTrain, o.lossVal, o.accTrain, o.accVal}) s->setVisible(show);
    updateLegend();
    rescale();
}

int TrainingChart::batchPointCount() const { return loss_.batch->count(); }
int TrainingChart::epochPointCount() const { return loss_.train->count(); }
double TrainingChart::lastBatchX() const { return loss_.batch->count() ? loss_.batch->at(loss_.batch->count() - 1).x() : -1; }
int TrainingChart::validationPointCount() const { return loss_.val->count(); }
bool TrainingChart::hasReferenceLine() const { return acc_.reference->isVisible() && acc_.reference->count() > 0; }

void TrainingChart::rescale() {
    // x: the planned epochs, or further when an earlier (longer) run is shown.
    double xMax = epochs_;
    std::vector<const QLineSeries*> epochSeriesLoss{loss_.train, loss_.val};
    std::vector<const QLineSeries*> epochSeriesAcc{acc_.train, acc_.val};
    if (showEarlier_)
        for (const Overlay& o : overlays_) {
            epochSeriesLoss.insert(epochSeriesLoss.end(), {o.lossTrain, o.lossVal});
            epochSeriesAcc.insert(epochSeriesAcc.end(), {o.accTrain, o.accVal});
        }
    for (const QLineSeries* s : epochSeriesLoss)
        for (const QPointF& pt : s->points()) xMax = std::max(xMax, pt.x());
    xMax_ = xMax;
    for (Panel* p : {&loss_, &acc_}) {
        setAxis(p->x, 0, xMax, niceStep(xMax, 8) < 1 && xMax >= 1 ? 1 : niceStep(xMax, 8));
    }
    if (reference_ > 0) {
        acc_.reference->replace(QList<QPointF>{{0, 100 * reference_}, {xMax, 100 * reference_}});
    }

    // Loss: from 0 to just above the curves. A diverging run's huge losses would flatten
    // everything else, so the top is capped at 1.5x the largest epoch loss (at least 2.5, about
    // where a fresh 10-class model starts: ln 10 = 2.3).
    double top = 0, epochTop = 0;
    for (const QLineSeries* s : epochSeriesLoss)
        for (const QPointF& pt : s->points()) epochTop = std::max(epochTop, pt.y());
    top = epochTop;
    for (const QPointF& pt : loss_.batch->points()) top = std::max(top, pt.y());
    if (top <= 0) top = 2.5;
    // A diverging run's losses can reach 1e30 and more: beyond 1e6 nothing is readable anyway,
    // and the dynamic ticks must stay a handful.
    top = std::min({top, std::max(2.5, 1.5 * epochTop), 1e6});
    const double lossStep = niceStep(top, 5);
    setAxis(loss_.y, 0, std::ceil(top * 1.04 / lossStep) * lossStep, lossStep);
    loss_.y->setLabelFormat(lossStep >= 1 ? "%.0f" : lossStep >= 0.1 ? "%.1f" : "%.2f");

    // Accuracy (percent): up to 100, down to a little below the lowest settled value. The first
    // half epoch of batch points (a fresh model's 10%) is left out once later points exist.
    double lo = 100;
    bool settled = false;
    for (const QLineSeries* s : epochSeriesAcc)
        for (const QPointF& pt : s->points()) { lo = std::min(lo, pt.y()); settled = true; }
    double batchLo = 100;
    bool lateBatch = false;
    for (const QPointF& pt : acc_.batch->points())
        if (pt.x() >= 0.5) { batchLo = std::min(batchLo, pt.y()); lateBatch = true; }
    if (!lateBatch)
        for (const QPointF& pt : acc_.batch->points()) batchLo = std::min(batchLo, pt.y());
    lo = std::min(lo, batchLo);
    if (reference_ > 0) lo = std::min(lo, 100 * reference_);
    if (!settled && acc_.batch->count() == 0) lo = 80;
    const double span = std::max(100 - lo, 2.0);
    const double accStep = niceStep(span * 1.05, 5);
    const double bottom = std::max(0.0, std::floor((100 - span * 1.05) / accStep) * accStep);
    acc_.y->setTickAnchor(100);
    setAxis(acc_.y, bottom, 100, accStep);
    acc_.y->setLabelFormat(accStep >= 1 ? "%.0f" : "%.1f");
}

}  // namespace digit::ui
