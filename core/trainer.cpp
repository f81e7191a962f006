#include "trainer.h"

#include "augment.h"
#include "errors.h"
#include "not_a_digit.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <numeric>
#include <string>

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#include <pmmintrin.h>
#define DIGIT_HAVE_MXCSR 1
#endif

namespace digit {

namespace {

using Clock = std::chrono::steady_clock;

// Optimiser state of weights whose inputs are always zero (MNIST's border pixels) decays
// geometrically into denormal floats, which x86 handles tens of times slower. Flush them to zero
// on this thread and on every OpenMP worker: a difference of < 1e-38 that changes no result.
void flush_denormals_to_zero() {
#ifdef DIGIT_HAVE_MXCSR
#pragma omp parallel
    {
        _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
        _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
    }
    _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
    _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
#endif
}

int count_correct(const Matrix& scores, const std::vector<int>& labels) {
    int correct = 0;
    for (Eigen::Index r = 0; r < scores.rows(); ++r) {
        Eigen::Index best;
        scores.row(r).maxCoeff(&best);
        if (best == labels[static_cast<std::size_t>(r)]) ++correct;
    }
    return correct;
}

double batch_loss(const Matrix& scores, const std::vector<int>& labels, const LossSpec& loss, bool logits,
                  Matrix* grad) {
    if (loss.kind == LossKind::SparseCategoricalCrossentropy) return sparse_cross_entropy(scores, labels, logits, grad);
    Matrix onehot = Matrix::Zero(scores.rows(), scores.cols());
    for (std::size_t i = 0; i < labels.size(); ++i) onehot(static_cast<Eigen::Index>(i), labels[i]) = 1;
    return categorical_cross_entropy(scores, onehot, logits, grad);
}

bool all_finite(const std::vector<Scalar>& v) {
    return std::all_of(v.begin(), v.end(), [](Scalar p) { return std::isfinite(p); });
}

// Loss and accuracy of samples order[0..n) of data, in inference mode, 500 at a time.
EvalResult evaluate_order(Network& network, const Dataset& data, const std::vector<std::size_t>& order,
                          const LossSpec& loss, int batch) {
    EvalResult r;
    if (order.empty()) return r;
    const bool logits = network.scores_are_logits();
    Matrix x;
    std::vector<int> labels;
    double loss_sum = 0;
    std::size_t correct = 0;
    for (std::size_t first = 0; first < order.size(); first += static_cast<std::size_t>(batch)) {
        const std::size_t count = std::min(static_cast<std::size_t>(batch), order.size() - first);
        to_batch(data, order, first, count, x, labels);
        const Matrix& scores = network.forward_scores(x, false);
        loss_sum += batch_loss(scores, labels, loss, logits, nullptr) * static_cast<double>(count);
        correct += static_cast<std::size_t>(count_correct(scores, labels));
    }
    r.samples = order.size();
    r.loss = loss_sum / static_cast<double>(order.size()) + network.regularization_loss();
    r.accuracy = static_cast<double>(correct) / static_cast<double>(order.size());
    return r;
}

std::vector<std::size_t> iota_order(std::size_t first, std::size_t last) {
    std::vector<std::size_t> order(last - first);
    std::iota(order.begin(), order.end(), first);
    return order;
}

// Smooths the batch losses and accuracies (exponential moving averages over about a fifth of an
// epoch, 5..50 batches, bias-corrected like Adam's moments) and watches for a runaway loss: a
// cross-entropy that climbs far above where it started has diverged as surely as a NaN, only more
// slowly (plain SGD at lr 1e6 settles near 5e5 and never overflows).
class LossMonitor {
public:
    explicit LossMonitor(int batches_per_epoch) : beta_(1.0 - 1.0 / std::clamp(batches_per_epoch / 5.0, 5.0, 50.0)) {}

    // Takes a finite batch loss; fills the smoothed values of stats.
    void add(double loss, double accuracy, BatchStats& stats) {
        if (steps_++ == 0) first_loss_ = loss;
        ema_loss_ = beta_ * ema_loss_ + (1 - beta_) * loss;
        ema_accuracy_ = beta_ * ema_accuracy_ + (1 - beta_) * accuracy;
        const double correction = 1 - std::pow(beta_, steps_);
        stats.smoothed_loss = ema_loss_ / correction;
        stats.smoothed_accuracy = ema_accuracy_ / correction;
        smoothed_ = stats.smoothed_loss;
    }
    // True once the smoothed loss passes both limits (after the first 5 batches).
    bool runaway() const { return steps_ > 5 && smoothed_ > std::max(kDivergedLoss, kDivergedFactor * first_loss_); }
    double smoothed_loss() const { return smoothed_; }
    double first_loss() const { return first_loss_; }

private:
    static constexpr double kDivergedLoss = 100;   // e^-100: confidently wrong on every sample
    static constexpr double kDivergedFactor = 20;  // times the untrained model's first batch
    double beta_;
    double ema_loss_ = 0, ema_accuracy_ = 0, smoothed_ = 0, first_loss_ = 0;
    int steps_ = 0;
};

// Keras's EarlyStopping: after each epoch, is the monitored value better than the best so far by
// more than min_delta? patience epochs without that end the run; the best weights are kept
// when asked.
class EarlyStopping {
public:
    explicit EarlyStopping(const EarlyStoppingConfig& c) : c_(c) {}

    // True when the run should stop after this epoch.
    bool should_stop(const EpochStats& s, const Network& net) {
        if (!c_.enabled) return false;
        const bool is_loss = c_.monitor.find("loss") != std::string::npos;
        const double value = c_.monitor == "val_loss" ? s.val_loss
                             : c_.monitor == "val_accuracy" ? s.val_accuracy
                             : c_.monitor == "loss" ? s.loss
                                                    : s.accuracy;
        const bool improved = best_epoch_ < 0 || (is_loss ? value < best_ - c_.min_delta : value > best_ + c_.min_delta);
        if (!improved) return ++wait_ >= c_.patience;
        best_ = value;
        best_epoch_ = s.epoch;
        wait_ = 0;
        if (c_.restore_best_weights) best_weights_ = net.parameters();
        return false;
    }
    int best_epoch() const { return best_epoch_; }
    // The weights to end with, or null to keep the last ones.
    const std::vector<Scalar>* restore() const {
        return c_.enabled && c_.restore_best_weights && !best_weights_.empty() ? &best_weights_ : nullptr;
    }

private:
    const EarlyStoppingConfig& c_;
    double best_ = 0;
    int best_epoch_ = -1;
    int wait_ = 0;
    std::vector<Scalar> best_weights_;
};

}  // namespace


// What one fit() call carries from batch to batch.
struct Trainer::Run {
    const Dataset& train;
    std::vector<std::size_t> order;  // the training samples, shuffled each epoch
    Rng rng;
    LossMonitor monitor;
    History history;
    TrainingObserver* observer;
    const std::atomic<bool>* cancel;
    int batches;
    std::int64_t seen = 0;
    bool logits;
    Matrix x, grad;
    std::vector<int> labels;
};

Trainer::Trainer(Network& network, TrainConfig config) : net_(network), config_(std::move(config)) {
    refuse_on_first(validate(net_.spec(), config_), &net_.spec());
    optimizer_ = make_optimizer(config_.optimizer, network.parameter_count());
}

Trainer::~Trainer() = default;

// One pass over the shuffled training samples: forward, loss, backward, update per batch. Fills
// stats (loss, accuracy, time) and returns the samples trained on; a stop, cancel or divergence
// goes into run.history.stop_reason.
std::size_t Trainer::run_epoch(Run& run, int epoch, EpochStats& stats) {
    const TrainConfig& c = config_;
    const auto t0 = Clock::now();
    double loss_sum = 0;
    std::size_t correct = 0, samples = 0;
    for (int b = 0; b < run.batches; ++b) {
        if (run.cancel && run.cancel->load(std::memory_order_relaxed)) {
            run.history.stop_reason = StopReason::Cancelled;
            break;
        }
        const std::size_t first = static_cast<std::size_t>(b) * static_cast<std::size_t>(c.batch_size);
        const std::size_t count = std::min(static_cast<std::size_t>(c.batch_size), run.order.size() - first);
        to_batch(run.train, run.order, first, count, run.x, run.labels);
        if (c.augmentation.enabled()) augment_batch(run.x, c.augmentation, run.rng);

        const Matrix& scores = net_.forward_scores(run.x, true);
        const double loss = batch_loss(scores, run.labels, c.loss, run.logits, &run.grad) + net_.regularization_loss();
        const int batch_correct = count_correct(scores, run.labels);
        BatchStats bs{epoch, b, run.batches, loss, static_cast<double>(batch_correct) / static_cast<double>(count), 0};
        if (std::isfinite(loss)) run.monitor.add(loss, bs.accuracy, bs);
        if (!std::isfinite(loss) || run.monitor.runaway()) {
            const bool runaway = std::isfinite(loss);
            run.history.stop_reason = StopReason::Diverged;
            run.history.divergence = {runaway ? Divergence::Kind::LossRanAway : Divergence::Kind::NonFiniteLoss, epoch, b,
                                      runaway ? run.monitor.smoothed_loss() : loss, run.monitor.first_loss()};
            break;
        }
        // Each layer's update runs as soon as its gradients are complete, while they are in
        // cache (the same bits as one step after the whole backward pass: every update is
        // element-wise, and a layer's parameters are not read again in this batch).
        Scalar* params = net_.parameters().data();
        const Scalar* grads = net_.gradients().data();
        net_.backward(run.grad, nullptr, [&](std::size_t begin, std::size_t end) {
            const auto step_start = Clock::now();
            optimizer_->update(params, grads, begin, end);
            optimizer_seconds_ += std::chrono::duration<double>(Clock::now() - step_start).count();
        });
        optimizer_->finish_step();

        loss_sum += loss * static_cast<double>(count);
        correct += static_cast<std::size_t>(batch_correct);
        samples += count;
        run.seen += static_cast<std::int64_t>(count);
        bs.samples_seen = run.seen;
        run.history.batches.push_back(bs);
        if (run.observer && !run.observer->on_batch(bs)) {
            run.history.stop_reason = StopReason::Stopped;
            break;
        }
    }
    stats.epoch = epoch;
    stats.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (samples > 0) {
        stats.loss = loss_sum / static_cast<double>(samples);
        stats.accuracy = static_cast<double>(correct) / static_cast<double>(samples);
        stats.samples_per_second = stats.seconds > 0 ? static_cast<double>(samples) / stats.seconds : 0;
    }
    return samples;
}

History Trainer::fit(const Dataset& train, const Dataset* validation, TrainingObserver* observer,
                     const std::atomic<bool>* cancel) {
    const TrainConfig& c = config_;
    const DataFacts facts{train.size(), train.pixels_per_image(), validation != nullptr};
    refuse_on_first(validate(net_.spec(), c, &facts), &net_.spec());
    flush_denormals_to_zero();

    // Keras's validation_split takes the last fraction of the samples, before any shuffling.
    std::size_t n_train = train.size();
    const Dataset* val = validation;
    std::vector<std::size_t> val_order;
    if (!val && c.validation_split > 0) {
        n_train = train.size() - static_cast<std::size_t>(std::floor(static_cast<double>(train.size()) * c.validation_split));
        val_order = iota_order(n_train, train.size());
        val = &train;
    } else if (val) {
        val_order = iota_order(0, val->size());
    }

    // Generated "not a digit" images (label 10) join the training part: it is copied with room
    // for them behind it, and they are drawn afresh before every epoch, so the model sees new
    // letters and scribbles each time rather than learning a fixed few thousand by heart.
    Dataset mixed;
    const Dataset* train_set = &train;
    std::size_t n_negatives = 0;
    if (c.not_a_digit_share > 0) {
        if (train.rows != 28 || train.cols != 28)
            throw ConfigError("not-a-digit images are 28x28; the training images are " + std::to_string(train.rows) + "x" +
                              std::to_string(train.cols));
        n_negatives = static_cast<std::size_t>(std::llround(static_cast<double>(n_train) * c.not_a_digit_share));
        mixed = train.head(n_train);
        mixed.labels.resize(n_train + n_negatives, static_cast<std::uint8_t>(kNotADigitLabel));
        mixed.images.resize((n_train + n_negatives) * mixed.pixels_per_image());
        train_set = &mixed;
    }
    const std::size_t n_samples = n_train + n_negatives;

    const int batches = static_cast<int>((n_samples + static_cast<std::size_t>(c.batch_size) - 1) / static_cast<std::size_t>(c.batch_size));
    Run run{*train_set, iota_order(0, n_samples), Rng(c.seed), LossMonitor(batches), History{}, observer, cancel, batches, 0,
            net_.scores_are_logits(), {}, {}, {}};
    History& history = run.history;
    EarlyStopping early(c.early_stopping);

    for (int epoch = 0; epoch < c.epochs; ++epoch) {
        if (n_negatives > 0) {
            const Dataset fresh = make_negatives(n_negatives, c.seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(epoch) + 1);
            std::copy(fresh.images.begin(), fresh.images.end(),
                      mixed.images.begin() + static_cast<std::ptrdiff_t>(n_train * mixed.pixels_per_image()));
        }
        if (c.shuffle)
            for (std::size_t i = n_samples; i > 1; --i) std::swap(run.order[i - 1], run.order[run.rng.below(static_cast<std::uint32_t>(i))]);
        const std::vector<Scalar> epoch_start = net_.parameters();

        EpochStats stats;
        const std::size_t samples = run_epoch(run, epoch, stats);

        // A parameter update can overflow even when the loss before it was finite.
        if (!history.diverged() && samples > 0 && !all_finite(net_.parameters())) {
            history.stop_reason = StopReason::Diverged;
            history.divergence = {Divergence::Kind::NonFiniteWeights, epoch, -1, stats.loss, run.monitor.first_loss()};
        }
        if (history.diverged()) net_.set_parameters(epoch_start);
        if (history.diverged() || samples == 0) break;

        // A run can fail without a NaN or a runaway loss: mlp-500x2-tanh with batch size 1 sits
        // at a loss of 30-70 and chance accuracy for ever. An epoch that long (100 batches or
        // more) that ends no lower than the first batch's loss and below 1.5 times chance
        // stops the run as a divergence does.
        const double chance = 1.0 / std::max(1, net_.classes());
        if (history.stop_reason == StopReason::Completed && batches >= 100 && stats.loss >= run.monitor.first_loss() &&
            stats.accuracy < 1.5 * chance) {
            history.stop_reason = StopReason::Diverged;
            history.divergence = {Divergence::Kind::DidNotLearn, epoch, -1, stats.loss, run.monitor.first_loss(), stats.accuracy, chance};
            net_.set_parameters(epoch_start);
            break;
        }

        // A cancel must take effect within one batch: the partial epoch is not validated.
        if (val && history.stop_reason != StopReason::Cancelled) {
            const EvalResult v = evaluate_order(net_, *val, val_order, c.loss, kEvalBatch);
            stats.has_validation = true;
            stats.val_loss = v.loss;
            stats.val_accuracy = v.accuracy;
        }
        history.epochs.push_back(stats);
        if (history.stop_reason != StopReason::Completed) break;  // a stop in mid-epoch still reports the partial epoch
        if (observer && !observer->on_epoch(stats)) {
            history.stop_reason = StopReason::Stopped;
            break;
        }
        if (early.should_stop(stats, net_)) {
            history.stop_reason = StopReason::EarlyStopping;
            break;
        }
    }
    history.best_epoch = early.best_epoch();
    if (const auto* best = early.restore(); best && !history.diverged()) net_.set_parameters(*best);
    return std::move(history);
}

int History::completed_epochs() const {
    if (diverged()) return divergence.epoch;  // the weights are those from the start of that epoch
    if (batches.empty()) return 0;
    const BatchStats& last = batches.back();
    return last.batch + 1 >= last.batches_per_epoch ? last.epoch + 1 : last.epoch;
}

int History::partial_epoch_batches() const {
    if (diverged() || batches.empty()) return 0;
    const BatchStats& last = batches.back();
    return last.batch + 1 >= last.batches_per_epoch ? 0 : last.batch + 1;
}

std::string describe(const History& h) {
    switch (h.stop_reason) {
        case StopReason::Completed: return "completed";
        case StopReason::EarlyStopping: return "early stopping";
        case StopReason::Stopped: return "stopped";
        case StopReason::Cancelled: return "cancelled";
        case StopReason::Diverged: break;
    }
    const Divergence& d = h.divergence;
    char loss[96];
    std::string what;
    switch (d.kind) {
        case Divergence::Kind::NonFiniteLoss: what = std::string("the loss became ") + (std::isnan(d.loss) ? "NaN" : "infinite"); break;
        case Divergence::Kind::LossRanAway:
            std::snprintf(loss, sizeof loss, "%.3g (it started at %.3g)", d.loss, d.first_loss);
            what = std::string("the loss rose to ") + loss;
            break;
        case Divergence::Kind::NonFiniteWeights: what = "the weights became infinite"; break;
        case Divergence::Kind::DidNotLearn: {
            char text[512];
            std::snprintf(text, sizeof text,
                          "did not learn in epoch %d: the loss went from %.3g to %.3g and the accuracy stayed at %.1f%% (chance is "
                          "%.0f%%); the weights from the start of that epoch were kept. Try a smaller learning rate or a larger batch.",
                          d.epoch + 1, d.first_loss, d.loss, 100 * d.accuracy, 100 * d.chance);
            return text;
        }
    }
    return "diverged: " + what + " in epoch " + std::to_string(d.epoch + 1) +
           (d.batch >= 0 ? ", batch " + std::to_string(d.batch + 1) : std::string()) +
           "; the weights from the start of that epoch were kept. Try a smaller learning rate.";
}

EvalResult evaluate(Network& network, const Dataset& data, const LossSpec& loss, int batch) {
    return evaluate_order(network, data, iota_order(0, data.size()), loss, batch);
}

Matrix predict_dataset(Network& network, const Dataset& data, int batch, const std::function<void(std::size_t)>& progress) {
    const std::size_t n = data.size(), per = static_cast<std::size_t>(std::max(batch, 1));
    Matrix out(static_cast<Eigen::Index>(n), network.classes());
    const auto batches = static_cast<std::ptrdiff_t>((n + per - 1) / per);
    const int threads = static_cast<int>(std::min<std::ptrdiff_t>(omp_get_max_threads(), std::max<std::ptrdiff_t>(batches, 1)));
    // Thread 0 uses the network itself, the others a copy with the same weights (and batch-norm
    // statistics, which are parameters too).
    std::vector<std::unique_ptr<Network>> copies(static_cast<std::size_t>(threads));
    for (int t = 1; t < threads; ++t) {
        copies[static_cast<std::size_t>(t)] = std::make_unique<Network>(network.spec());
        copies[static_cast<std::size_t>(t)]->set_parameters(network.parameters());
    }
    std::size_t done = 0;
    std::exception_ptr failure;
#pragma omp parallel num_threads(threads)
    {
        const int t = omp_get_thread_num();
        Network& net = t == 0 ? network : *copies[static_cast<std::size_t>(t)];
        Matrix x, p;
        std::vector<int> labels;
        std::vector<std::size_t> order;
#pragma omp for schedule(dynamic)
        for (std::ptrdiff_t b = 0; b < batches; ++b) {
            try {
                const std::size_t first = static_cast<std::size_t>(b) * per, count = std::min(per, n - first);
                order.resize(count);
                std::iota(order.begin(), order.end(), first);
                to_batch(data, order, 0, count, x, labels);
                net.predict(x, p, static_cast<int>(count));
                out.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(count)) = p;
#pragma omp critical(digit_predict_progress)
                {
                    done += count;
                    if (progress) progress(done);
                }
            } catch (...) {
#pragma omp critical(digit_predict_progress)
                if (!failure) failure = std::current_exception();
            }
        }
    }
    if (failure) std::rethrow_exception(failure);
    return out;
}

}  // namespace digit
