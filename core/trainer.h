#pragma once
// The training loop: mini-batches, shuffling, validation, history, early stopping, divergence
// detection. It reports through an observer whose answer can stop the run and checks a cancel
// flag every batch. The UI's worker wraps this class; it never re-implements it. What a run may
// be asked to do is checked by validate() (validate.h), which the Trainer calls first.
#include "dataset.h"
#include "loss.h"
#include "network.h"
#include "optimizer.h"
#include "train_config.h"
#include "validate.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace digit {

struct BatchStats {
    int epoch = 0;             // 0-based
    int batch = 0;             // 0-based within the epoch
    int batches_per_epoch = 0;
    double loss = 0;           // this batch
    double accuracy = 0;       // this batch
    std::int64_t samples_seen = 0;  // since the run began
    // Exponential moving averages over about a fifth of an epoch (clamp(batches / 5, 5, 50)
    // batches), bias-corrected like Adam's moments: what the loss curve shows and what the
    // divergence rule watches.
    double smoothed_loss = 0;
    double smoothed_accuracy = 0;
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

// Why a run ended. The core words it in English (describe()); the app in the reader's language.
enum class StopReason {
    Completed,      // all epochs ran
    EarlyStopping,  // the monitored value stopped improving
    Stopped,        // the observer said stop
    Cancelled,      // the cancel flag was set
    Diverged,       // see History::divergence
};

// Where and how a run diverged; the weights from the start of that epoch were kept.
struct Divergence {
    enum class Kind {
        NonFiniteLoss,     // loss: NaN or infinite
        LossRanAway,      // loss: the smoothed loss, above 100 and 20 x first_loss
        NonFiniteWeights,  // an update overflowed (batch: -1, checked at the end of the epoch)
        DidNotLearn,       // loss: the epoch's, no lower than first_loss; accuracy below 1.5 x chance (batch: -1)
    } kind = Kind::NonFiniteLoss;
    int epoch = 0;          // 0-based
    int batch = -1;         // 0-based within the epoch
    double loss = 0;
    double first_loss = 0;  // the untrained model's first batch
    double accuracy = 0;    // DidNotLearn: the epoch's training accuracy
    double chance = 0;      // DidNotLearn: 1 / classes
};

struct History {
    std::vector<EpochStats> epochs;
    std::vector<BatchStats> batches;
    StopReason stop_reason = StopReason::Completed;
    Divergence divergence;    // meaningful only when diverged()
    int best_epoch = -1;      // with early stopping: the epoch whose weights were kept
    bool diverged() const { return stop_reason == StopReason::Diverged; }
    // How far the run got, exactly: the epochs whose batches all ran (and whose weights a
    // diverged run kept), and the batches trained in the epoch a stop cut short (0 when the run
    // ended between epochs). A stop in mid-epoch still leaves that partial epoch in `epochs`.
    int completed_epochs() const;
    int partial_epoch_batches() const;
};

// "completed", "early stopping", ..., or "diverged: the loss became NaN in epoch 2, batch 17; ...".
std::string describe(const History& history);

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
    // instead of a split. Throws ConfigError on the first problem validate() finds. Stops early
    // when the observer says so or *cancel becomes true (checked before every batch; the partial
    // epoch is then not validated, so a cancel takes effect within one batch). A NaN or infinite
    // loss, a smoothed loss above both 100 and 20 times the first batch's, weights that overflow,
    // or an epoch of 100 batches or more that did not learn at all (its loss no lower than the
    // first batch's, its accuracy below 1.5 times chance) stop the run with StopReason::Diverged
    // and history.divergence, the weights restored to the start of that epoch. Divergence is an
    // outcome, not an exception.
    History fit(const Dataset& train, const Dataset* validation = nullptr,
                TrainingObserver* observer = nullptr, const std::atomic<bool>* cancel = nullptr);

    const TrainConfig& config() const { return config_; }
    // Wall time of the optimiser's steps so far (digit-cli bench: the optimiser's share of an epoch).
    double optimizer_seconds() const { return optimizer_seconds_; }

private:
    struct Run;
    std::size_t run_epoch(Run& run, int epoch, EpochStats& stats);

    Network& net_;
    TrainConfig config_;
    std::unique_ptr<Optimizer> optimizer_;
    double optimizer_seconds_ = 0;
};

// Loss (including L2 penalties, as Keras's evaluate reports it) and accuracy of the network on a
// data set, in inference mode. Batches of kEvalBatch: a batch's activations are the largest
// buffers of a CNN's run (cnn-32-64's first two layers: 1.2 MB a sample), so 500 a batch set
// the peak memory of a whole training run.
inline constexpr int kEvalBatch = 100;
EvalResult evaluate(Network& network, const Dataset& data, const LossSpec& loss, int batch = kEvalBatch);

// Per-sample class probabilities for a whole data set: (data.size(), classes), on all cores. Each
// thread runs whole batches (samples [b * batch, (b + 1) * batch)) through its own copy of the
// network, so the threads never wait for each other between layers; the batches do not depend
// on the thread count, so neither do the results. progress(done), if given, is called after each
// batch with the number of samples done so far, from one thread at a time.
// Small batches keep a batch's activations in cache: `best` needs a fifth less CPU time with 25
// images a batch than with 100.
Matrix predict_dataset(Network& network, const Dataset& data, int batch = 32,
                       const std::function<void(std::size_t done)>& progress = {});

}  // namespace digit
