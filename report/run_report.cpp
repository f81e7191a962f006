#include "run_report.h"

#include "not_a_digit.h"
#include "predict.h"
#include "summary.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QLocale>
#include <QPageLayout>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace digit::report {

namespace {

// The translation context of these texts (lupdate finds RunReport::tr).
struct RunReport {
    Q_DECLARE_TR_FUNCTIONS(RunReport)
};

const QColor kTrain(0x1f, 0x77, 0xb4), kVal(0xff, 0x7f, 0x0e), kBatch(0x9e, 0xc5, 0xe8), kGrid(0xdd, 0xdd, 0xdd);
const QColor kRight(0x2e, 0x7d, 0x32), kWrong(0xb0, 0x00, 0x20);

QString percent(double fraction, int decimals) { return QLocale().toString(100 * fraction, 'f', decimals) + QStringLiteral("%"); }

// What is measured on the test set for pages 1 and 3.
struct TestFigures {
    bool valid = false;
    EvalResult eval;
    int counts[10][10] = {};
    struct Mistake {
        int index, label, predicted;
        float confidence;
    };
    std::vector<Mistake> mistakes;  // all, most confident first
    bool elevenOutputs = false;     // the model has a "not a digit" output
    int notADigit = 0;              // test digits whose top output is "not a digit"
};

TestFigures measure(const ModelFile& model, const Dataset* test) {
    TestFigures f;
    if (!test || test->size() == 0) return f;
    auto net = network_from_file(model);
    if (net->input_shape().size() != 784) return f;
    f.eval = evaluate(*net, *test, model.training.loss);
    const Matrix p = predict_dataset(*net, *test);
    // The matrix and the mistakes rank the ten digits (as the Errors page does): a model with an
    // 11th "not a digit" output is counted apart for the images it gives to that output.
    const Eigen::Index digits = std::min<Eigen::Index>(10, p.cols());
    f.elevenOutputs = p.cols() > 10;
    for (std::size_t i = 0; i < test->size(); ++i) {
        const auto row = static_cast<Eigen::Index>(i);
        Eigen::Index best = 0, top = 0;
        p.row(row).head(digits).maxCoeff(&best);
        p.row(row).maxCoeff(&top);
        f.notADigit += top == kNotADigitLabel;
        const int label = test->labels[i], guess = static_cast<int>(best);
        if (label < 10 && guess >= 0 && guess < 10) ++f.counts[label][guess];
        if (label != guess)
            f.mistakes.push_back({static_cast<int>(i), label, guess, static_cast<float>(p(static_cast<Eigen::Index>(i), guess))});
    }
    std::stable_sort(f.mistakes.begin(), f.mistakes.end(),
                     [](const TestFigures::Mistake& a, const TestFigures::Mistake& b) { return a.confidence > b.confidence; });
    f.valid = true;
    return f;
}

// The training settings as (name, value) rows.
std::vector<std::pair<QString, QString>> settingsRows(const ModelFile& m) {
    const TrainConfig& t = m.training;
    const QLocale l;
    std::vector<std::pair<QString, QString>> rows;
    QString opt = QString::fromStdString(optimizer_name(t.optimizer.kind)) + QStringLiteral(", ") +
                  RunReport::tr("learning rate %1").arg(t.optimizer.learning_rate);
    if (t.optimizer.kind == OptimizerKind::SGD && t.optimizer.momentum > 0)
        opt += QStringLiteral(", ") + RunReport::tr("momentum %1").arg(t.optimizer.momentum) + (t.optimizer.nesterov ? QStringLiteral(" (Nesterov)") : QString());
    if (t.optimizer.decay > 0) opt += QStringLiteral(", ") + RunReport::tr("decay %1").arg(t.optimizer.decay);
    rows.emplace_back(RunReport::tr("Optimiser"), opt);
    rows.emplace_back(RunReport::tr("Loss"), QString::fromStdString(loss_name(t.loss.kind)) + (t.loss.from_logits ? RunReport::tr(" (from logits)") : QString()));
    rows.emplace_back(RunReport::tr("Batch size"), l.toString(t.batch_size));
    rows.emplace_back(RunReport::tr("Epochs"), RunReport::tr("%1 asked, %2 trained").arg(t.epochs).arg(m.info.epochs_trained));
    rows.emplace_back(RunReport::tr("Validation"), t.validation_split > 0 ? RunReport::tr("the last %1 of the training set").arg(percent(t.validation_split, 0)) : RunReport::tr("none"));
    rows.emplace_back(RunReport::tr("Shuffle, seed"), (t.shuffle ? RunReport::tr("yes") : RunReport::tr("no")) + QStringLiteral(", ") + QString::number(t.seed));
    rows.emplace_back(RunReport::tr("Early stopping"),
                      t.early_stopping.enabled ? RunReport::tr("on %1, patience %2%3")
                                                     .arg(QString::fromStdString(t.early_stopping.monitor))
                                                     .arg(t.early_stopping.patience)
                                                     .arg(t.early_stopping.restore_best_weights ? RunReport::tr(", best weights restored") : QString())
                                               : RunReport::tr("off"));
    const AugmentationConfig& a = t.augmentation;
    rows.emplace_back(RunReport::tr("Augmentation"), a.enabled() ? RunReport::tr("shift up to %1 px, rotation up to %2\u00b0, scale \u00b1%3, stroke changes %4")
                                                             .arg(a.max_shift)
                                                             .arg(a.max_rotation)
                                                             .arg(percent(a.max_scale, 0), percent(a.stroke_probability, 0))
                                                       : RunReport::tr("off"));
    rows.emplace_back(RunReport::tr("Preprocessing"), QString::fromStdString(m.info.preprocessing));
    return rows;
}

class Writer {
public:
    Writer(QPdfWriter& pdf) : pdf_(pdf), p_(&pdf) {
        page_ = QRectF(pdf.pageLayout().paintRectPixels(pdf.resolution()));
        page_.moveTopLeft({0, 0});
        y_ = page_.top();
        pages_ = 1;
    }
    QPainter& painter() { return p_; }
    const QRectF& page() const { return page_; }
    double& y() { return y_; }
    int pages() const { return pages_; }
    double mm(double v) const { return v * pdf_.resolution() / 25.4; }
    bool end() { return p_.end(); }

    void newPage() {
        pdf_.newPage();
        ++pages_;
        y_ = page_.top();
    }
    // A paragraph of `size` points, wrapped to the page width, at y; moves y below it.
    void text(const QString& s, double size, bool bold = false, const QColor& color = Qt::black, int flags = Qt::AlignLeft) {
        QFont f(QStringLiteral("DejaVu Sans"));
        f.setPointSizeF(size);
        f.setBold(bold);
        p_.setFont(f);
        p_.setPen(color);
        const QRectF r = p_.boundingRect(QRectF(page_.left(), y_, page_.width(), 1e6), flags | Qt::TextWordWrap, s);
        p_.drawText(QRectF(page_.left(), y_, page_.width(), r.height()), flags | Qt::TextWordWrap, s);
        y_ += r.height();
    }
    void gap(double millimetres) { y_ += mm(millimetres); }
    double left() const { return page_.bottom() - y_; }

private:
    QPdfWriter& pdf_;
    QPainter p_;
    QRectF page_;
    double y_ = 0;
    int pages_ = 0;
};

void drawSummaryAndSettings(Writer& w, const RunReportInput& in) {
    QPainter& p = w.painter();
    // The summary: monospace, as Keras prints it.
    w.text(RunReport::tr("The network"), 13, true);
    w.gap(1.5);
    QFont mono(QStringLiteral("DejaVu Sans Mono"));
    mono.setPointSizeF(7.5);
    p.setFont(mono);
    const QFontMetricsF fm(mono, p.device());
    std::string summary;
    try {
        summary = model_summary(*network_from_file(in.model), in.model.info.name.empty() ? "sequential" : in.model.info.name);
    } catch (const std::exception& e) {
        summary = e.what();
    }
    // Keras's blank lines between the rows are left out: the summary and the settings share page 1.
    const QStringList lines = QString::fromStdString(summary).split('\n', Qt::SkipEmptyParts);
    for (const QString& line : lines) {
        if (w.left() < fm.lineSpacing() * 2) {
            w.newPage();
            p.setFont(mono);
        }
        p.setPen(Qt::black);
        p.drawText(QPointF(w.page().left(), w.y() + fm.ascent()), line);
        w.y() += fm.lineSpacing();
    }
    w.gap(5);
    const auto rows = settingsRows(in.model);
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setPointSizeF(9.5);
    const QFontMetricsF rm(f, p.device());
    if (w.left() < rm.lineSpacing() * (double(rows.size()) + 3)) w.newPage();
    w.text(RunReport::tr("Training settings"), 13, true);
    w.gap(1.5);
    p.setFont(f);
    double keyWidth = 0;
    for (const auto& r : rows) keyWidth = std::max(keyWidth, rm.horizontalAdvance(r.first));
    for (const auto& [key, value] : rows) {
        p.setPen(QColor(0x55, 0x55, 0x55));
        p.drawText(QPointF(w.page().left(), w.y() + rm.ascent()), key);
        p.setPen(Qt::black);
        const QRectF vr(w.page().left() + keyWidth + w.mm(5), w.y(), w.page().width() - keyWidth - w.mm(5), 1e6);
        const QRectF b = p.boundingRect(vr, Qt::TextWordWrap, value);
        p.drawText(vr, Qt::TextWordWrap, value);
        w.y() += std::max(b.height(), rm.lineSpacing()) + w.mm(0.8);
    }
}

struct Series {
    std::vector<QPointF> points;
    QColor color;
    double width;
    bool markers;
    QString name;
};

// A line chart in `r`: x from 0 to xMax (epochs), y from 0 to yMax; percent: y labels with %.
// The legend sits top right (loss falls away from it) or, with legendBelow, bottom right
// (accuracy rises away from it).
void drawChart(QPainter& p, const QRectF& r, const QString& title, const std::vector<Series>& series, double xMax, double yMin,
               double yMax, bool percentAxis, double unit, bool legendBelow = false) {
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setPointSizeF(9);
    p.setFont(f);
    const QFontMetricsF fm(f, p.device());
    const QRectF plot(r.left() + fm.horizontalAdvance(QStringLiteral("100.0%")) + unit * 2, r.top() + fm.lineSpacing() * 1.6,
                      0, 0);
    QRectF area(plot.topLeft(), QPointF(r.right() - unit, r.bottom() - fm.lineSpacing() * 2.4));
    p.setPen(Qt::black);
    QFont bold = f;
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QPointF(r.left(), r.top() + fm.ascent()), title);
    p.setFont(f);
    auto toX = [&](double x) { return area.left() + (xMax > 0 ? x / xMax : 0) * area.width(); };
    auto toY = [&](double y) { return area.bottom() - (yMax > yMin ? (y - yMin) / (yMax - yMin) : 0) * area.height(); };
    // Grid and labels: 5 steps on y, whole epochs on x (at most 10 labels).
    for (int k = 0; k <= 5; ++k) {
        const double v = yMin + (yMax - yMin) * k / 5;
        p.setPen(QPen(kGrid, unit * 0.15));
        p.drawLine(QPointF(area.left(), toY(v)), QPointF(area.right(), toY(v)));
        p.setPen(Qt::black);
        const QString label = percentAxis ? QLocale().toString(v, 'f', 1) + QStringLiteral("%") : QLocale().toString(v, 'f', 2);
        p.drawText(QRectF(r.left(), toY(v) - fm.height() / 2, area.left() - r.left() - unit, fm.height()), Qt::AlignRight | Qt::AlignVCenter, label);
    }
    const int step = std::max(1, static_cast<int>(std::ceil(xMax / 10)));
    for (int e = 0; e <= static_cast<int>(xMax); e += step) {
        p.setPen(QPen(kGrid, unit * 0.15));
        p.drawLine(QPointF(toX(e), area.top()), QPointF(toX(e), area.bottom()));
        p.setPen(Qt::black);
        p.drawText(QRectF(toX(e) - unit * 10, area.bottom() + unit, unit * 20, fm.height()), Qt::AlignHCenter | Qt::AlignTop, QString::number(e));
    }
    p.drawText(QRectF(area.left(), area.bottom() + unit + fm.height(), area.width(), fm.height()), Qt::AlignHCenter, RunReport::tr("epoch"));
    p.setPen(QPen(Qt::black, unit * 0.25));
    p.drawRect(area);
    p.save();
    p.setClipRect(area);
    p.setRenderHint(QPainter::Antialiasing);
    for (const Series& s : series) {
        if (s.points.empty()) continue;
        QPainterPath path(QPointF(toX(s.points[0].x()), toY(s.points[0].y())));
        for (std::size_t i = 1; i < s.points.size(); ++i) path.lineTo(toX(s.points[i].x()), toY(s.points[i].y()));
        p.setPen(QPen(s.color, s.width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        if (s.markers) {
            p.setBrush(s.color);
            for (const QPointF& q : s.points) p.drawEllipse(QPointF(toX(q.x()), toY(q.y())), unit * 0.9, unit * 0.9);
        }
    }
    p.restore();
    int named = 0;
    for (const Series& s : series) named += !s.points.empty();
    double ly = legendBelow ? area.bottom() - unit - named * fm.lineSpacing() : area.top() + unit;
    for (const Series& s : series) {
        if (s.points.empty()) continue;
        const double lw = fm.horizontalAdvance(s.name);
        const double lx = area.right() - lw - unit * 9;
        p.fillRect(QRectF(lx - unit, ly - unit * 0.3, lw + unit * 10, fm.lineSpacing() + unit * 0.6), Qt::white);
        p.setPen(QPen(s.color, s.width * 1.5));
        p.drawLine(QPointF(lx, ly + fm.height() / 2), QPointF(lx + unit * 6, ly + fm.height() / 2));
        p.setPen(Qt::black);
        p.drawText(QPointF(lx + unit * 7.5, ly + fm.ascent()), s.name);
        ly += fm.lineSpacing();
    }
}

void drawCurves(Writer& w, const RunReportInput& in) {
    w.text(RunReport::tr("Training curves"), 13, true);
    w.gap(2);
    if (!in.history || (in.history->epochs.empty() && in.history->batches.empty())) {
        w.text(RunReport::tr("No training history is at hand for this model: a model file keeps the weights and settings, not the "
                  "curves. In the app, export the report right after training (or from the Train page's run); on the "
                  "command line, give the history the training wrote: digit-cli report --model M.dsm --history H.csv."),
               10, false, QColor(0x55, 0x55, 0x55));
        return;
    }
    const History& h = *in.history;
    int epochs = 0;
    for (const EpochStats& e : h.epochs) epochs = std::max(epochs, e.epoch + 1);
    for (const BatchStats& b : h.batches) epochs = std::max(epochs, b.epoch + 1);
    std::vector<Series> loss(3), acc(3);
    loss[0] = {{}, kBatch, w.mm(0.35), false, RunReport::tr("training, per batch (smoothed)")};
    loss[1] = {{}, kTrain, w.mm(0.5), true, RunReport::tr("training, epoch mean")};
    loss[2] = {{}, kVal, w.mm(0.5), true, RunReport::tr("validation")};
    acc = loss;
    double maxLoss = 0;
    for (const BatchStats& b : h.batches) {
        const double x = b.epoch + (b.batch + 1.0) / std::max(1, b.batches_per_epoch);
        loss[0].points.emplace_back(x, b.smoothed_loss);
        acc[0].points.emplace_back(x, 100 * b.smoothed_accuracy);
        maxLoss = std::max(maxLoss, b.smoothed_loss);
    }
    for (const EpochStats& e : h.epochs) {
        loss[1].points.emplace_back(e.epoch + 0.5, e.loss);
        acc[1].points.emplace_back(e.epoch + 0.5, 100 * e.accuracy);
        maxLoss = std::max(maxLoss, e.loss);
        if (e.has_validation) {
            loss[2].points.emplace_back(e.epoch + 1.0, e.val_loss);
            acc[2].points.emplace_back(e.epoch + 1.0, 100 * e.val_accuracy);
            maxLoss = std::max(maxLoss, e.val_loss);
        }
    }
    double minAcc = 100;
    for (const auto& s : acc)
        for (const QPointF& q : s.points) minAcc = std::min(minAcc, q.y());
    minAcc = std::max(0.0, std::floor(minAcc / 10) * 10);
    const double chartHeight = (w.left() - w.mm(30)) / 2;
    const QRectF top(w.page().left(), w.y(), w.page().width(), chartHeight);
    drawChart(w.painter(), top, RunReport::tr("Loss"), loss, epochs, 0, maxLoss > 0 ? maxLoss * 1.05 : 1, false, w.mm(1));
    const QRectF bottom(w.page().left(), top.bottom() + w.mm(6), w.page().width(), chartHeight);
    drawChart(w.painter(), bottom, RunReport::tr("Accuracy"), acc, epochs, minAcc, 100, true, w.mm(1), true);
    w.y() = bottom.bottom() + w.mm(4);
    // The last epoch in words.
    const EpochStats* last = h.epochs.empty() ? nullptr : &h.epochs.back();
    if (last)
        w.text(last->has_validation ? RunReport::tr("Epoch %1: training loss %2, accuracy %3; validation loss %4, accuracy %5.")
                                          .arg(last->epoch + 1)
                                          .arg(QLocale().toString(last->loss, 'f', 4), percent(last->accuracy, 2),
                                               QLocale().toString(last->val_loss, 'f', 4), percent(last->val_accuracy, 2))
                                    : RunReport::tr("Epoch %1: training loss %2, accuracy %3.")
                                          .arg(last->epoch + 1)
                                          .arg(QLocale().toString(last->loss, 'f', 4), percent(last->accuracy, 2)),
               9.5);
}

void drawConfusion(QPainter& p, const QRectF& r, const TestFigures& f, double unit) {
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(7.5);
    p.setFont(font);
    const QFontMetricsF fm(font, p.device());
    const double head = fm.lineSpacing() * 2.4;
    const double side = std::min(r.width(), r.height()) - head;
    const double cell = side / 10;
    const QRectF grid(r.left() + head, r.top() + head, cell * 10, cell * 10);
    int maxOff = 1;
    for (int t = 0; t < 10; ++t)
        for (int q = 0; q < 10; ++q)
            if (t != q) maxOff = std::max(maxOff, f.counts[t][q]);
    for (int t = 0; t < 10; ++t) {
        int row = 0;
        for (int q = 0; q < 10; ++q) row += f.counts[t][q];
        for (int q = 0; q < 10; ++q) {
            const QRectF c(grid.left() + q * cell, grid.top() + t * cell, cell, cell);
            const int n = f.counts[t][q];
            double share = t == q ? (row ? double(n) / row : 0) : double(n) / maxOff;
            QColor base = t == q ? kRight : kWrong;
            QColor fill = QColor::fromRgbF(1 - share * (1 - base.redF()) * 0.85, 1 - share * (1 - base.greenF()) * 0.85,
                                           1 - share * (1 - base.blueF()) * 0.85);
            if (n == 0) fill = Qt::white;
            p.fillRect(c, fill);
            p.setPen(QPen(kGrid, unit * 0.15));
            p.drawRect(c);
            if (n > 0) {
                p.setPen(share > 0.6 ? Qt::white : Qt::black);
                p.drawText(c, Qt::AlignCenter, QString::number(n));
            }
        }
        p.setPen(Qt::black);
        p.drawText(QRectF(grid.left() - fm.lineSpacing() * 1.2, grid.top() + t * cell, fm.lineSpacing(), cell), Qt::AlignCenter, QString::number(t));
        p.drawText(QRectF(grid.left() + t * cell, grid.top() - fm.lineSpacing() * 1.2, cell, fm.lineSpacing()), Qt::AlignCenter, QString::number(t));
    }
    p.drawText(QRectF(grid.left(), r.top(), grid.width(), fm.lineSpacing()), Qt::AlignCenter, RunReport::tr("predicted digit"));
    p.save();
    p.translate(r.left() + fm.ascent(), grid.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-grid.height() / 2, -fm.ascent(), grid.height(), fm.lineSpacing()), Qt::AlignCenter, RunReport::tr("true digit"));
    p.restore();
}

void drawMistakes(Writer& w, const TestFigures& f, const Dataset& test) {
    QPainter& p = w.painter();
    const int shown = std::min<int>(kMistakesShown, static_cast<int>(f.mistakes.size()));
    const int columns = 6;
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(7.5);
    const QFontMetricsF fm(font, p.device());
    const double cellW = w.page().width() / columns;
    const double thumb = std::min(cellW * 0.62, w.mm(19));
    const double cellH = thumb + fm.lineSpacing() * 2 + w.mm(2);
    for (int k = 0; k < shown; ++k) {
        const auto& m = f.mistakes[static_cast<std::size_t>(k)];
        const double x = w.page().left() + (k % columns) * cellW;
        const double y = w.y() + (k / columns) * cellH;
        // Dark ink on white for print; one square per MNIST pixel.
        QImage img(28, 28, QImage::Format_Grayscale8);
        const std::uint8_t* px = test.image(static_cast<std::size_t>(m.index));
        for (int r = 0; r < 28; ++r)
            for (int c = 0; c < 28; ++c) img.scanLine(r)[c] = static_cast<uchar>(255 - px[r * 28 + c]);
        const QRectF target(x + (cellW - thumb) / 2, y, thumb, thumb);
        p.drawImage(target, img);
        p.setPen(QPen(kGrid, w.mm(0.2)));
        p.drawRect(target);
        p.setFont(font);
        p.setPen(kWrong);
        p.drawText(QRectF(x, target.bottom() + w.mm(0.5), cellW, fm.lineSpacing()), Qt::AlignHCenter,
                   RunReport::tr("a %1, said %2").arg(m.label).arg(m.predicted));
        p.setPen(Qt::black);
        p.drawText(QRectF(x, target.bottom() + w.mm(0.5) + fm.lineSpacing(), cellW, fm.lineSpacing()), Qt::AlignHCenter,
                   RunReport::tr("#%1, %2 sure").arg(m.index).arg(percent(m.confidence, 1)));
    }
    w.y() += ((shown + columns - 1) / columns) * cellH;
}

void drawQuiz(Writer& w, const std::vector<QuizRound>& rounds) {
    w.text(RunReport::tr("Quiz rounds against this model"), 13, true);
    w.gap(1);
    w.text(RunReport::tr("The person and the model answered the same test images. An image the person called ambiguous is left out "
              "of both scores."),
           9, false, QColor(0x55, 0x55, 0x55));
    w.gap(3);
    QPainter& p = w.painter();
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setPointSizeF(9.5);
    const QFontMetricsF fm(f, p.device());
    const QStringList heads = {RunReport::tr("When"), RunReport::tr("Images"), RunReport::tr("Ambiguous"), RunReport::tr("Person"), RunReport::tr("Model")};
    const double widths[] = {0.34, 0.14, 0.16, 0.18, 0.18};
    auto row = [&](const QStringList& cells, bool bold) {
        QFont rf = f;
        rf.setBold(bold);
        p.setFont(rf);
        p.setPen(Qt::black);
        double x = w.page().left();
        for (int i = 0; i < cells.size(); ++i) {
            const double cw = widths[i] * w.page().width();
            p.drawText(QRectF(x, w.y(), cw, fm.lineSpacing()), i == 0 ? Qt::AlignLeft : Qt::AlignRight, cells[i]);
            x += cw;
        }
        w.y() += fm.lineSpacing() * 1.25;
    };
    row(heads, true);
    for (const QuizRound& r : rounds) {
        if (w.left() < fm.lineSpacing() * 2) w.newPage();
        const int scored = r.images - r.ambiguous;
        auto score = [&](int right) {
            return right < 0 ? QStringLiteral("-") : QStringLiteral("%1 / %2 (%3)").arg(right).arg(scored).arg(scored > 0 ? percent(double(right) / scored, 0) : QStringLiteral("-"));
        };
        row({QLocale().toString(r.when, QLocale::ShortFormat), QString::number(r.images), QString::number(r.ambiguous), score(r.person),
             score(r.model)},
            false);
    }
}

}  // namespace

bool writeRunReport(const QString& path, const RunReportInput& in, RunReportResult* result, QString* error) {
    auto fail = [&](const QString& why) {
        if (error) *error = RunReport::tr("Could not write the report %1: %2").arg(path, why);
        return false;
    };
    TestFigures figures;
    try {
        figures = measure(in.model, in.test);
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return fail(file.errorString());
    int pages = 0;
    {
        QPdfWriter pdf(&file);
        pdf.setResolution(300);
        pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(16, 16, 16, 16), QPageLayout::Millimeter));
        const QString name = in.modelName.isEmpty() ? QString::fromStdString(in.model.info.name) : in.modelName;
        pdf.setTitle(RunReport::tr("Digit Studio run report: %1").arg(name));
        pdf.setCreator(QStringLiteral("Digit Studio"));
        Writer w(pdf);
        if (!w.painter().isActive()) return fail(RunReport::tr("the PDF could not be started"));

        // Page 1: the model, its test figures, the network, the settings.
        w.text(RunReport::tr("Digit Studio run report"), 20, true);
        w.gap(1);
        w.text(name, 13);
        w.text(RunReport::tr("Model made %1; report written %2.")
                   .arg(in.model.info.created.empty() ? RunReport::tr("(unknown)") : QString::fromStdString(in.model.info.created),
                        QLocale().toString(QDateTime::currentDateTime(), QLocale::ShortFormat)),
               9, false, QColor(0x55, 0x55, 0x55));
        w.gap(5);
        if (figures.valid) {
            w.text(RunReport::tr("Test accuracy: %1").arg(percent(figures.eval.accuracy, 2)), 16, true, kRight);
            w.text(RunReport::tr("on the %1 MNIST test images: %2 mistakes, test loss %3")
                       .arg(QLocale().toString(qulonglong(figures.eval.samples)))
                       .arg(std::lround((1 - figures.eval.accuracy) * static_cast<double>(figures.eval.samples)))
                       .arg(QLocale().toString(figures.eval.loss, 'f', 4)),
                   10);
            if (figures.elevenOutputs)
                w.text(RunReport::tr("The model has an 11th output, \"not a digit\": it gave %1 test digits to it (counted as "
                                     "mistakes above). The confusion matrix and the mistakes on page 3 rank the ten digits only, "
                                     "as the Errors page does.")
                           .arg(figures.notADigit),
                       9, false, QColor(0x55, 0x55, 0x55));
        } else {
            w.text(RunReport::tr("Test accuracy: not measured (the MNIST test set was not at hand)"), 13, true, QColor(0x55, 0x55, 0x55));
        }
        w.gap(6);
        drawSummaryAndSettings(w, in);

        // Page 2: the curves.
        w.newPage();
        drawCurves(w, in);

        // Page 3: the confusion matrix and the most confident mistakes.
        w.newPage();
        w.text(RunReport::tr("Confusion matrix on the test set"), 13, true);
        w.gap(2);
        if (figures.valid) {
            const double side = std::min(w.page().width() * 0.75, w.left() * 0.5);
            drawConfusion(w.painter(), QRectF(w.page().left() + (w.page().width() - side) / 2, w.y(), side, side), figures, w.mm(1));
            w.y() += side + w.mm(6);
            w.text(RunReport::tr("The %1 most confident mistakes").arg(std::min<int>(kMistakesShown, static_cast<int>(figures.mistakes.size()))), 13, true);
            w.gap(2);
            drawMistakes(w, figures, *in.test);
        } else {
            w.text(RunReport::tr("Not measured: the MNIST test set was not at hand."), 10, false, QColor(0x55, 0x55, 0x55));
        }

        // Page 4: the quiz.
        if (!in.quiz.empty()) {
            w.newPage();
            drawQuiz(w, in.quiz);
        }
        pages = w.pages();
        if (!w.end()) return fail(RunReport::tr("the PDF could not be finished"));
    }
    if (!file.commit()) return fail(file.errorString());
    if (result) {
        result->pages = pages;
        result->accuracy = figures.valid ? figures.eval.accuracy : -1;
        result->loss = figures.valid ? figures.eval.loss : -1;
        result->mistakes = static_cast<int>(figures.mistakes.size());
        result->mistakesShown = std::min<int>(kMistakesShown, result->mistakes);
        result->notADigit = figures.notADigit;
    }
    return true;
}

}  // namespace digit::report
