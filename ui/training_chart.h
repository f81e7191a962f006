#pragma once
// Live training curves: loss and accuracy side by side, each with the training set's smoothed
// per-batch curve, its per-epoch means and the validation figures on the same axes, the preset
// tutorial's reported test accuracy as a dashed reference, and earlier runs of the session faded
// behind the current one.
//
// All of the app's Qt Charts code lives in this class (Qt Charts is deprecated upstream from Qt
// 6.10; a move to Qt Graphs should touch only this file pair). x is in epochs: a batch point
// half-way through epoch 2 sits at x = 1.5; an epoch's training mean (over its batches, as Keras
// reports it) at the middle of that epoch, x = e - 0.5; its validation figures, measured at its
// end, at x = e (e 1-based).
#include <QString>
#include <QWidget>

#include <vector>

QT_BEGIN_NAMESPACE
class QChart;
class QLabel;
class QChartView;
class QLineSeries;
class QValueAxis;
class QXYSeries;
QT_END_NAMESPACE

namespace digit::ui {

class TrainingChart : public QWidget {
    Q_OBJECT
public:
    explicit TrainingChart(QWidget* parent = nullptr);
    ~TrainingChart() override;

    // Starts the curves of a new run; the previous run, if it has epoch points, becomes a faded
    // overlay. referenceAccuracy is a fraction (the tutorial's test accuracy), < 0 for none.
    void beginRun(const QString& name, int epochs, double referenceAccuracy);
    // Smoothed batch figures (accuracy as a fraction); throttled by the caller.
    void addBatchPoint(double x, double loss, double accuracy);
    // Figures of epoch `epoch` (1-based).
    void addEpochPoint(int epoch, double loss, double accuracy, bool hasValidation, double valLoss,
                       double valAccuracy);
    // Earlier runs shown behind the current one (at most kMaxOverlays).
    void setShowEarlierRuns(bool show);
    bool showsEarlierRuns() const { return showEarlier_; }
    int earlierRunCount() const { return static_cast<int>(overlays_.size()); }

    // For tests: points of the current run.
    int batchPointCount() const;
    int epochPointCount() const;
    int validationPointCount() const;
    double lastBatchX() const;  // -1 when there is none
    bool hasReferenceLine() const;
    QChart* lossChart() const { return loss_.chart; }
    QChart* accuracyChart() const { return acc_.chart; }

    static constexpr int kMaxOverlays = 5;

protected:
    void changeEvent(QEvent* event) override;

private:
    // One chart: loss or accuracy. Accuracy is plotted in percent.
    struct Panel {
        QChart* chart = nullptr;
        QChartView* view = nullptr;
        QValueAxis* x = nullptr;
        QValueAxis* y = nullptr;
        QLineSeries* batch = nullptr;
        QLineSeries* train = nullptr;
        QLineSeries* val = nullptr;
        QLineSeries* reference = nullptr;  // accuracy only
    };
    struct Overlay {
        QLineSeries* lossTrain;
        QLineSeries* lossVal;
        QLineSeries* accTrain;
        QLineSeries* accVal;
    };

    void setupPanel(Panel& p, bool accuracy);
    void retranslate();
    void updateLegend();
    void attach(Panel& p, QXYSeries* s);
    void rescale();
    void retireCurrentRun();

    Panel loss_;
    Panel acc_;
    QLabel* legend_ = nullptr;  // one legend for both charts
    std::vector<Overlay> overlays_;
    bool showEarlier_ = true;
    int epochs_ = 1;
    double xMax_ = 1;
    double reference_ = -1;
    QString runName_;
};

}  // namespace digit::ui
