#include "trainer.h"

#include "augment.h"
#include "errors.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

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

// The loss is computed on logits whenever the network has them: a softmax output is folded into
// the loss (as Keras does), and a linear output is what from_logits means.
bool scores_are_logits(const Network& net, const LossSpec& loss) {
    return net.ends_with_softmax() || loss.from_logits;
}

double batch_loss(const Matrix& scores, const std::vector<int>& labels, const LossSpec& loss, bool logits,
                  Matrix* grad) {
    if (loss.kind == LossKind::SparseCategoricalCrossentropy) return sparse_cross_entropy(scores, labels, logits, grad);
    Matrix onehot = Matrix::Zero(scores.rows(), scores.cols());
    for (std::size_t i = 0; i < labels.size(); ++i) onehot(static_cast<Eigen::Index>(i), labels[i]) = 1;
    return categorical_cross_entropy(scores, onehot, logits, grad);
}

void check_config(const Network& net, const TrainConfig& c) {
    if (c.batch_size <= 0 || c.batch_size > kMaxBatchSize)
        throw ConfigError("batch size must be from 1 to " + std::to_string(kMaxBatchSize) + ", got " + std::to_string(c.batch_size));
    if (c.epochs <= 0 || c.epochs > kMaxEpochs)
        throw ConfigError("epochs must be from 1 to " + std::to_string(kMaxEpochs) + ", got " + std::to_string(c.epochs));
    if (!(c.validation_split >= 0 && c.validation_split < 1))
        throw ConfigError("validation split must be in [0, 1), got " + std::to_string(c.validation_split));
    if (net.classes() != 10)
        throw ConfigError("the last layer must have 10 outputs (one per digit), it has " + std::to_string(net.classes()));
    const Activation last = net.spec().layers.back().activation;
    if (!net.ends_with_softmax() && !c.loss.from_logits && last == Activation::Linear)
        throw ConfigError("the last layer is linear (it outputs logits): set the loss's from_logits, or use a softmax activation");
    if (net.ends_with_softmax() && c.loss.from_logits)
        throw ConfigError("the last layer already applies softmax: from_logits must be off");
    const auto& es = c.early_stopping;
    if (es.enabled && es.monitor != "val_loss" && es.monitor != "val_accuracy" && es.monitor != "loss" && es.monitor != "accuracy")
        throw ConfigError("early stopping can monitor loss, accuracy, val_loss or val_accuracy, not '" + es.monitor + "'");
    if (es.enabled && es.patience < 0) throw ConfigError("early stopping patience must not be negative");
}

}  // namespace

Trainer::Trainer(Network& network, TrainConfig config)
    : net_(network), config_(std::move(config)), optimizer_(make_optimizer(config_.optimizer, network.parameter_count())) {
    check_config(net_, config_);
}

Trainer::~Trainer() = default;

History Trainer::fit(const Dataset& train, const Dataset* validation, TrainingObserver* observer,
                     const std::atomic<bool>* cancel) {
    History history;
    const TrainConfig& c = config_;
    flush_denormals_to_zero();
    if (train.size() == 0) throw ConfigError("there are no training images");
    if (static_cast<std::int64_t>(train.pixels_per_image()) != net_.input_shape().size())
        throw ConfigError("the images have " + std::to_string(train.pixels_per_image()) + " pixels, the network expects " +
                          std::to_string(net_.input_shape().size()));

    // Keras's validation_split takes the last fraction of the samples, before any shuffling.
    std::size_t n_train = train.size();
    const Dataset* val = validation;
    std::vector<std::size_t> val_order;
    if (!val && c.validation_split > 0) {
        n_train = train.size() - static_cast<std::size_t>(std::floor(static_cast<double>(train.size()) * c.validation_split));
        if (n_train == 0 || n_train == train.size()) throw ConfigError("the validation split leaves no training or no validation images");
        val_order.resize(train.size() - n_train);
        std::iota(val_order.begin(), val_order.end(), n_train);
        val = &train;
    } else if (val) {
        val_order.resize(val->size());
        std::iota(val_order.begin(), val_order.end(), 0);
    }

    Rng rng(c.seed);
    std::vector<std::size_t> order(n_train);
    std::iota(order.begin(), order.end(), 0);
    const bool logits = scores_are_logits(net_, c.loss);
    const int batches = static_cast<int>((n_train + static_cast<std::size_t>(c.batch_size) - 1) / static_cast<std::size_t>(c.batch_size));

    Matrix x, grad;
    std::vector<int> labels;
    std::vector<Scalar> epoch_start = net_.parameters();
    std::vector<Scalar> best_weights;
    double best_value = 0;
    bool have_best = false;
    int wait = 0;
    std::int64_t seen = 0;
    history.stop_reason = "completed";
    // A cross-entropy that climbs far above where it started has diverged as surely as a NaN,
    // only more slowly (plain SGD at lr 1e6 settles near 5e5 and never overflows). The batch
    // losses are smoothed over about a fifth of an epoch (5..50 batches), bias-corrected like
    // Adam's moments; the run stops once that average passes both limits.
    constexpr double kDivergedLoss = 100;   // e^-100: confidently wrong on every sample
    constexpr double kDivergedFactor = 20;  // times the untrained model's first batch
    const double smoothing = 1.0 - 1.0 / std::clamp(batches / 5.0, 5.0, 50.0);
    double first_loss = 0, ema_loss = 0;
    int loss_steps = 0;

    auto evaluate_val = [&](EpochStats& s) {
        if (!val) return;
        Matrix vx;
        std::vector<int> vl;
        double loss_sum = 0;
        std::size_t correct = 0;
        const std::size_t chunk = 500;
        for (std::size_t first = 0; first < val_order.size(); first += chunk) {
            std::size_t count = std::min(chunk, val_order.size() - first);
            to_batch(*val, val_order, first, count, vx, vl);
            const Matrix& scores = net_.forward_scores(vx, false);
            loss_sum += batch_loss(scores, vl, c.loss, logits, nullptr) * static_cast<double>(count);
            correct += static_cast<std::size_t>(count_correct(scores, vl));
        }
        s.has_validation = true;
        s.val_loss = loss_sum / static_cast<double>(val_order.size()) + net_.regularization_loss();
        s.val_accuracy = static_cast<double>(correct) / static_cast<double>(val_order.size());
    };

    for (int epoch = 0; epoch < c.epochs; ++epoch) {
        if (c.shuffle)
            for (std::size_t i = n_train; i > 1; --i) std::swap(order[i - 1], order[rng.below(static_cast<std::uint32_t>(i))]);
        epoch_start = net_.parameters();
        const auto t0 = Clock::now();
        double loss_sum = 0;
        std::size_t correct = 0, samples = 0;
        bool stop = false;
        for (int b = 0; b < batches; ++b) {
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                history.stop_reason = "cancelled";
                stop = true;
                break;
            }
            const std::size_t first = static_cast<std::size_t>(b) * static_cast<std::size_t>(c.batch_size);
            const std::size_t count = std::min(static_cast<std::size_t>(c.batch_size), n_train - first);
            to_batch(train, order, first, count, x, labels);
            if (c.augmentation.enabled()) augment_batch(x, c.augmentation, rng);

            // forward, loss, backward, update
            const Matrix& scores = net_.forward_scores(x, true);
            const double loss = batch_loss(scores, labels, c.loss, logits, &grad) + net_.regularization_loss();
            const int batch_correct = count_correct(scores, labels);
            if (!std::isfinite(loss)) {
                net_.set_parameters(epoch_start);
                history.diverged = true;
                history.stop_reason = "diverged: the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") +
                                      " in epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(b + 1) +
                                      "; the weights from the start of that epoch were kept. Try a smaller learning rate.";
                stop = true;
                break;
            }
            if (loss_steps++ == 0) first_loss = loss;
            ema_loss = smoothing * ema_loss + (1 - smoothing) * loss;
            const double smoothed = ema_loss / (1 - std::pow(smoothing, loss_steps));
            if (loss_steps > 5 && smoothed > std::max(kDivergedLoss, kDivergedFactor * first_loss)) {
                net_.set_parameters(epoch_start);
                history.diverged = true;
                char text[96];
                std::snprintf(text, sizeof text, "%.3g (it started at %.3g)", smoothed, first_loss);
                history.stop_reason = "diverged: the loss rose to " + std::string(text) + " in epoch " +
                                      std::to_string(epoch + 1) + ", batch " + std::to_string(b + 1) +
                                      "; the weights from the start of that epoch were kept. Try a smaller learning rate.";
                stop = true;
                break;
            }
            net_.backward(grad);
            optimizer_->step(net_.parameters().data(), net_.gradients().data());

            loss_sum += loss * static_cast<double>(count);
            correct += static_cast<std::size_t>(batch_correct);
            samples += count;
            seen += static_cast<std::int64_t>(count);
            BatchStats bs{epoch, b, batches, loss, static_cast<double>(batch_correct) / static_cast<double>(count), seen};
            history.batches.push_back(bs);
            if (observer && !observer->on_batch(bs)) {
                history.stop_reason = "stopped";
                stop = true;
                break;
            }
        }
        if (history.diverged || samples == 0) break;
        // A parameter update can overflow even when the loss before it was finite.
        bool finite = true;
        for (Scalar p : net_.parameters())
            if (!std::isfinite(p)) { finite = false; break; }
        if (!finite) {
            net_.set_parameters(epoch_start);
            history.diverged = true;
            history.stop_reason = "diverged: the weights became infinite in epoch " + std::to_string(epoch + 1) +
                                  "; the weights from the start of that epoch were kept. Try a smaller learning rate.";
            break;
        }

        EpochStats es;
        es.epoch = epoch;
        es.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        es.loss = loss_sum / static_cast<double>(samples);
        es.accuracy = static_cast<double>(correct) / static_cast<double>(samples);
        es.samples_per_second = es.seconds > 0 ? static_cast<double>(samples) / es.seconds : 0;
        // A cancel must take effect within one batch: no validation pass for the partial epoch.
        if (history.stop_reason != "cancelled") evaluate_val(es);
        history.epochs.push_back(es);
        if (stop) break;  // a stop in mid-epoch still reports the partial epoch
        // A run can fail without a NaN or a runaway loss: mlp-500x2-tanh with batch size 1 sits
        // at a loss of 50-70 and chance accuracy for ever. After an epoch of at least 100 batches
        // whose loss is no lower than the first batch's and whose accuracy is below 1.5 times
        // chance, it is stopped as a divergence is, with the same kind of message.
        const double chance = 1.0 / std::max(1, net_.classes());
        if (batches >= 100 && es.loss >= first_loss && es.accuracy < 1.5 * chance) {
            net_.set_parameters(epoch_start);
            history.diverged = true;
            char text[160];
            std::snprintf(text, sizeof text, "the loss went from %.3g to %.3g and the accuracy stayed at %.1f%% (chance is %.0f%%)",
                          first_loss, es.loss, 100 * es.accuracy, 100 * chance);
            history.stop_reason = "did not learn in epoch " + std::to_string(epoch + 1) + ": " + text +
                                  "; the weights from the start of that epoch were kept. Try a smaller learning rate or a larger batch.";
            break;
        }
        if (observer && !observer->on_epoch(es)) {
            history.stop_reason = "stopped";
            break;
        }

        const auto& esc = c.early_stopping;
        if (esc.enabled) {
            const bool wants_val = esc.monitor.rfind("val_", 0) == 0;
            if (wants_val && !es.has_validation)
                throw ConfigError("early stopping monitors " + esc.monitor + " but there is no validation data");
            const bool is_loss = esc.monitor.find("loss") != std::string::npos;
            const double value = esc.monitor == "val_loss" ? es.val_loss
                                 : esc.monitor == "val_accuracy" ? es.val_accuracy
                                 : esc.monitor == "loss" ? es.loss
                                                         : es.accuracy;
            const bool improved = !have_best || (is_loss ? value < best_value - esc.min_delta : value > best_value + esc.min_delta);
            if (improved) {
                best_value = value;
                have_best = true;
                history.best_epoch = epoch;
                wait = 0;
                if (esc.restore_best_weights) best_weights = net_.parameters();
            } else if (++wait >= esc.patience) {
                history.stop_reason = "early stopping";
                break;
            }
        }
    }
    if (c.early_stopping.enabled && c.early_stopping.restore_best_weights && !best_weights.empty() && !history.diverged)
        net_.set_parameters(best_weights);
    return history;
}

EvalResult evaluate(Network& network, const Dataset& data, const LossSpec& loss, int batch) {
    EvalResult r;
    if (data.size() == 0) return r;
    const bool logits = network.ends_with_softmax() || loss.from_logits;
    std::vector<std::size_t> order(data.size());
    std::iota(order.begin(), order.end(), 0);
    Matrix x;
    std::vector<int> labels;
    double loss_sum = 0;
    std::size_t correct = 0;
    for (std::size_t first = 0; first < data.size(); first += static_cast<std::size_t>(batch)) {
        std::size_t count = std::min(static_cast<std::size_t>(batch), data.size() - first);
        to_batch(data, order, first, count, x, labels);
        const Matrix& scores = network.forward_scores(x, false);
        loss_sum += batch_loss(scores, labels, loss, logits, nullptr) * static_cast<double>(count);
        correct += static_cast<std::size_t>(count_correct(scores, labels));
    }
    r.samples = data.size();
    r.loss = loss_sum / static_cast<double>(data.size()) + network.regularization_loss();
    r.accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
    return r;
}

Matrix predict_dataset(Network& network, const Dataset& data, int batch) {
    std::vector<std::size_t> order(data.size());
    std::iota(order.begin(), order.end(), 0);
    Matrix out(static_cast<Eigen::Index>(data.size()), network.classes());
    Matrix x, p;
    std::vector<int> labels;
    for (std::size_t first = 0; first < data.size(); first += static_cast<std::size_t>(batch)) {
        std::size_t count = std::min(static_cast<std::size_t>(batch), data.size() - first);
        to_batch(data, order, first, count, x, labels);
        network.predict(x, p, batch);
        out.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(count)) = p;
    }
    return out;
}

}  // namespace digit
