#pragma once
// The training loop: mini-batches, shuffling, validation, history, early stopping, divergence
// detection. It reports through an observer whose answer can stop the run and checks a cancel
// flag every batch. The UI's worker wraps this class; it never re-implements it.
#include "loss.h"
#include "mnist.h"
#include "network.h"
#include "optimizer.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace digit {

struct EarlyStoppingConfig {
    bool enabled = false;
    std::string monitor = "val_loss";  // val_loss, val_accuracy, loss, accuracy
    int patience = 0;
    float min_delta = 0.0f;
    bool restore_best_weights = false;
    bool operator==(const EarlyStoppingConfig&) const = default;
};

// Random small distortions of training images, applied per sample and per epoch
// (the `best` preset uses them; all zero = off).
struct AugmentationConfig {
    float max_shift = 0.0f;         // pixels
    float max_rotation = 0.0f;      // degrees
    float max_scale = 0.0f;         // fraction, e.g. 0.1 = 90%..110%
    float stroke_probability = 0.0f;  // chance of thickening or thinning the stroke
    bool enabled() const { return max_shift > 0 || max_rotation > 0 || max_scale > 0 || stroke_probability > 0; }
    bool operator==(const AugmentationConfig&) const = default;
};

struct TrainConfig {
    OptimizerConfig optimizer;
    LossSpec loss;
    int batch_size = 32;
    int epochs = 1;
    float validation_split = 0.0f;  // last fraction of the training set, as Keras takes it
    bool shuffle = true;
    std::uint64_t seed = 1;
    EarlyStoppingConfig early_stopping;
    AugmentationConfig augmentation;
    bool operator==(const TrainConfig&) const = default;
};

struct BatchStats {
    int epoch = 0;             // 0-based
    int batch = 0;             // 0-based within the epoch
    int batches_per_epoch = 0;
    double loss = 0;           // this batch
    double accuracy = 0;       // this batch
    std::int64_t samples_seen = 0;  // since the run began
};

struct EpochStats {
    int epoch = 0;  // 0-based
    double loss = 0, accuracy = 0;          // mean over the epoch's batches (as Keras reports)
    bool has_validation = false;
    double val_loss = 0, val_accuracy = 0;
    double seconds = 0;                     // wall time of the epoch's training (not validation)
    double samples_per_second = 0;
};

struct EvalResult {
    double loss = 0;
    double accuracy = 0;
    std::size_t samples = 0;
};

struct History {
    std::vector<EpochStats> epochs;
    std::vector<BatchStats> batches;
    std::string stop_reason;  // "completed", "early stopping", "stopped", "cancelled", "diverged: ...", "did not learn ..."
    bool diverged = false;
    int best_epoch = -1;      // with early stopping: the epoch whose weights were kept
};

class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    // Return false to stop after this batch (the weights are kept).
    virtual bool on_batch(const BatchStats&) { return true; }
    // Return false to stop after this epoch.
    virtual bool on_epoch(const EpochStats&) { return true; }
};

class Trainer {
public:
    Trainer(Network& network, TrainConfig config);
    ~Trainer();

    // Trains on `train` (minus the validation split, if any). validation, if not null, is used
    // instead of a split. Stops early when the observer says so or *cancel becomes true.
    // A NaN or infinite loss, or a smoothed loss above both 100 and 20 times the first batch's,
    // stops the run, restores the weights of the last finished epoch (or the initial ones) and
    // sets history.diverged with a message in stop_reason. So does an epoch of 100 batches or
    // more that did not learn at all: its loss no lower than the first batch's, its accuracy
    // below 1.5 times chance. A cancel is honoured before the next batch, without validating the
    // partial epoch.
    History fit(const Dataset& train, const Dataset* validation = nullptr,
                TrainingObserver* observer = nullptr, const std::atomic<bool>* cancel = nullptr);

    const TrainConfig& config() const { return config_; }
    Optimizer& optimizer() { return *optimizer_; }

private:
    Network& net_;
    TrainConfig config_;
    std::unique_ptr<Optimizer> optimizer_;
};

// Bounds on a training configuration (the trainer, the command line and model files check them).
inline constexpr int kMaxBatchSize = 1 << 20;
inline constexpr int kMaxEpochs = 1000000;

// Loss (including L2 penalties, as Keras's evaluate reports it) and accuracy of the network on a
// data set, in inference mode.
EvalResult evaluate(Network& network, const Dataset& data, const LossSpec& loss, int batch = 500);

// Per-sample class probabilities for a whole data set: (data.size(), classes).
Matrix predict_dataset(Network& network, const Dataset& data, int batch = 500);

}  // namespace digit
