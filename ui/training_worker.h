#pragma once
// The training run of the Train page, on its own thread: a worker object moved to a QThread (the
// pattern of the QThread documentation) that wraps the core's Trainer. It builds its own Network,
// so the GUI thread never touches the live weights; what crosses threads are small value types
// (progress points) and, at the end, a ModelFile snapshot with the History and the test result.
//
// Thread use: train() runs on the worker's thread (queued call); pause(), resume() and stop() are
// called from the GUI thread while train() runs and only touch a mutex, a wait condition and an
// atomic flag. Errors (an impossible configuration, std::bad_alloc, ...) are caught on the worker
// thread and reported by failed(), never thrown across threads.
#include "mnist.h"
#include "model_io.h"
#include "trainer.h"

#include <QMetaType>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QWaitCondition>

#include <atomic>
#include <memory>

namespace digit::ui {

// Everything a run needs, by value; data is shared read-only with the session.
struct TrainingJob {
    ModelSpec spec;
    TrainConfig config;
    std::string name;              // shown in the model list and stored in the model file
    std::size_t train_limit = 0;   // train on the first N training images; 0 = all
    std::shared_ptr<const MnistData> data;
    int batch_interval_ms = 100;   // at most one batch point per interval (0: every batch)
    // Empty: the network starts from Keras's initialisation with config.seed. Otherwise it starts
    // from these weights (a model trained earlier or imported from Keras), for the same spec.
    std::vector<float> start_weights;
};

// A throttled batch point (the smoothed loss and accuracy are the core's, in stats). `x` is the
// position in epochs (1.5 = half-way through the second epoch), so batch and epoch points share
// one axis.
struct BatchPoint {
    BatchStats stats;
    double x = 0;
    double progress = 0;            // 0..1 of all planned batches
    double seconds = 0;             // since the run began
    double eta_seconds = -1;        // -1: not known yet
    double samples_per_second = 0;  // over the last few seconds
};

// The first layer's weights as tiles (inside_views.h: kernelTiles), for the Train page to show
// the first layer forming: taken between batches on the worker thread, at most
// TrainingWorker::kWeightsIntervalMs apart, and at the end of every epoch.
struct WeightsSnapshot {
    int layer = -1;           // spec layer
    LayerKind kind = LayerKind::Dense;
    int units = 0;            // all of the layer's units (tiles holds at most 64)
    std::vector<Matrix> tiles;
    int epoch = 0, batch = 0;  // 0-based: taken after this batch
};

struct EpochPoint {
    EpochStats stats;
    int epochs_planned = 0;
};

// The end of a run that produced weights (completed, stopped, early-stopped or diverged).
struct TrainingResult {
    ModelFile model;       // weights as the run left them (best ones with restore_best_weights)
    History history;
    EvalResult test;       // on the 10k test set
    bool tested = false;   // false when the run was abandoned before the test evaluation
    double seconds = 0;
};

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    explicit TrainingWorker(QObject* parent = nullptr);
    ~TrainingWorker() override;

    // Thread-safe controls, for the GUI thread while train() runs on the worker thread.
    void pause();
    void resume();
    // Stops after the current batch; the run still finishes (snapshot + test evaluation) unless
    // `abandon` (e.g. the window is closing), which skips the evaluation.
    void stop(bool abandon = false);
    bool isPaused() const;

    // What is wrong with a job, in sentences for a person (and what to change), before any
    // training starts; empty when it can run. The rules are the core's (validate()); this only
    // words them. Without requireData, missing data is not a problem (it may still be loading).
    static QStringList check(const TrainingJob& job, bool requireData = true);

    // At most four weight snapshots a second: enough to watch, cheap to copy (64 tiles).
    static constexpr int kWeightsIntervalMs = 250;

public slots:
    // Runs a whole training job; emits the signals below on this object's thread.
    void train(const digit::ui::TrainingJob& job);

signals:
    void started(qint64 trainSamples, int epochs);
    void batchProgress(const digit::ui::BatchPoint& point);
    void weightsChanged(const digit::ui::WeightsSnapshot& snapshot);
    void epochFinished(const digit::ui::EpochPoint& point);
    void pausedChanged(bool paused);
    void testing();  // training is over, the test set is being evaluated
    void finished(const digit::ui::TrainingResult& result);
    void failed(const QString& message);

private:
    class Observer;
    friend class Observer;
    // Blocks the calling (worker) thread while paused; returns false when stopped.
    bool waitWhilePaused();

    mutable QMutex mutex_;
    QWaitCondition resumed_;
    bool paused_ = false;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> abandon_{false};
};

// Turns an exception from a run into a sentence for a person (and what to do about it).
QString describeTrainingError(const std::exception& e);

// The core's problem codes and divergence records, in the reader's language.
QString describeProblem(const Problem& problem, const ModelSpec& spec);
QString describeDivergence(const Divergence& divergence);

}  // namespace digit::ui

Q_DECLARE_METATYPE(digit::ui::TrainingJob)
Q_DECLARE_METATYPE(digit::ui::BatchPoint)
Q_DECLARE_METATYPE(digit::ui::EpochPoint)
Q_DECLARE_METATYPE(digit::ui::WeightsSnapshot)
Q_DECLARE_METATYPE(digit::ui::TrainingResult)
