#include "training_worker.h"

#include "errors.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMutexLocker>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <new>

namespace digit::ui {

namespace {

// Registers the value types once, so queued connections can copy them between threads.
const int kRegistered = [] {
    qRegisterMetaType<TrainingJob>();
    qRegisterMetaType<BatchPoint>();
    qRegisterMetaType<EpochPoint>();
    qRegisterMetaType<TrainingResult>();
    return 0;
}();

}  // namespace

// The Trainer's observer: smooths and throttles batch points, reports epochs, and parks the
// worker thread while paused. Runs on the worker thread, inside Trainer::fit.
class TrainingWorker::Observer : public TrainingObserver {
public:
    Observer(TrainingWorker* worker, const TrainingJob& job) : worker_(worker), job_(job) { clock_.start(); }

    bool on_batch(const BatchStats& b) override {
        const double loss = b.loss, acc = b.accuracy;
        if (std::isfinite(loss)) {
            // An exponential moving average whose window is about a fifth of an epoch (5..50
            // batches), bias-corrected like Adam's moments so the first points are not pulled to 0.
            const double window = std::clamp(b.batches_per_epoch / 5.0, 5.0, 50.0);
            const double beta = 1.0 - 1.0 / window;
            ++steps_;
            ema_loss_ = beta * ema_loss_ + (1 - beta) * loss;
            ema_acc_ = beta * ema_acc_ + (1 - beta) * acc;
        }
        const bool last_of_epoch = b.batch + 1 == b.batches_per_epoch;
        const qint64 now = clock_.elapsed();
        if (steps_ > 0 && (now - last_emit_ >= job_.batch_interval_ms || last_of_epoch)) {
            BatchPoint p;
            p.stats = b;
            p.x = b.epoch + (b.batch + 1.0) / std::max(1, b.batches_per_epoch);
            const double correction = 1.0 - std::pow(1.0 - 1.0 / std::clamp(b.batches_per_epoch / 5.0, 5.0, 50.0), steps_);
            p.smoothed_loss = ema_loss_ / correction;
            p.smoothed_accuracy = ema_acc_ / correction;
            const double total = double(std::max(1, b.batches_per_epoch)) * job_.config.epochs;
            const double done = double(b.epoch) * b.batches_per_epoch + b.batch + 1;
            p.progress = std::min(1.0, done / total);
            const double active = (now - paused_ms_) / 1000.0;  // seconds spent training
            p.seconds = active;
            if (done >= 3 && active > 0.2) p.eta_seconds = active / done * (total - done);
            const double dt = (now - last_emit_) / 1000.0;
            const double ds = double(b.samples_seen - last_samples_);
            if (dt > 0 && last_emit_ > 0) rate_ = rate_ > 0 ? 0.7 * rate_ + 0.3 * ds / dt : ds / dt;
            else if (active > 0) rate_ = b.samples_seen / active;
            p.samples_per_second = rate_;
            last_emit_ = now;
            last_samples_ = b.samples_seen;
            emit worker_->batchProgress(p);
        }
        const qint64 before = clock_.elapsed();
        const bool go_on = worker_->waitWhilePaused();
        const qint64 paused = clock_.elapsed() - before;
        if (paused > 0) {
            paused_ms_ += paused;
            last_emit_ += paused;  // a pause is not slowness
        }
        return go_on;
    }

    bool on_epoch(const EpochStats& e) override {
        EpochPoint p;
        p.stats = e;
        p.epochs_planned = job_.config.epochs;
        emit worker_->epochFinished(p);
        return !worker_->cancel_.load();
    }

private:
    TrainingWorker* worker_;
    const TrainingJob& job_;
    QElapsedTimer clock_;
    qint64 last_emit_ = 0;
    qint64 paused_ms_ = 0;
    std::int64_t last_samples_ = 0;
    int steps_ = 0;
    double ema_loss_ = 0, ema_acc_ = 0, rate_ = 0;
};

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent) { (void)kRegistered; }

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::pause() {
    QMutexLocker lock(&mutex_);
    paused_ = true;
}

void TrainingWorker::resume() {
    QMutexLocker lock(&mutex_);
    paused_ = false;
    resumed_.wakeAll();
}

void TrainingWorker::stop(bool abandon) {
    QMutexLocker lock(&mutex_);
    if (abandon) abandon_ = true;
    cancel_ = true;
    paused_ = false;
    resumed_.wakeAll();
}

bool TrainingWorker::isPaused() const {
    QMutexLocker lock(&mutex_);
    return paused_;
}

bool TrainingWorker::waitWhilePaused() {
    QMutexLocker lock(&mutex_);
    if (!paused_ || cancel_) return !cancel_;
    // Signals go out without the lock: a direct connection (the synchronous screenshot run) may
    // call back into isPaused().
    lock.unlock();
    emit pausedChanged(true);
    lock.relock();
    while (paused_ && !cancel_) resumed_.wait(&mutex_);
    const bool go_on = !cancel_;
    lock.unlock();
    emit pausedChanged(false);
    return go_on;
}

void TrainingWorker::train(const TrainingJob& job) {
    {
        QMutexLocker lock(&mutex_);
        cancel_ = false;
        abandon_ = false;
        paused_ = false;
    }
    QElapsedTimer clock;
    clock.start();
    try {
        if (!job.data) throw ConfigError("the MNIST data is not loaded yet");
        // A subset is a copy (Dataset::head); the whole set is used in place, kept alive by job.data.
        Dataset subset;
        const Dataset* train = &job.data->train;
        if (job.train_limit > 0 && job.train_limit < train->size()) {
            subset = train->head(job.train_limit);
            train = &subset;
        }
        Network net(job.spec, job.config.seed);
        if (!job.start_weights.empty()) net.set_parameters(std::vector<Scalar>(job.start_weights.begin(), job.start_weights.end()));
        Trainer trainer(net, job.config);
        emit started(static_cast<qint64>(train->size()), job.config.epochs);

        Observer observer(this, job);
        TrainingResult result;
        result.history = trainer.fit(*train, nullptr, &observer, &cancel_);
        if (abandon_) return;

        emit testing();
        result.test = evaluate(net, job.data->test, job.config.loss);
        result.tested = true;
        ModelInfo info;
        info.name = job.name;
        info.test_accuracy = result.test.accuracy;
        info.test_loss = result.test.loss;
        info.epochs_trained = static_cast<int>(result.history.epochs.size());
        result.model = make_model_file(net, job.config, info);
        result.seconds = clock.elapsed() / 1000.0;
        emit finished(result);
    } catch (const std::exception& e) {
        emit failed(describeTrainingError(e));
    } catch (...) {
        emit failed(tr("Training failed with an unknown error."));
    }
}

QStringList TrainingWorker::check(const TrainingJob& job, bool requireData) {
    QStringList problems;
    const ModelSpec& spec = job.spec;
    const TrainConfig& c = job.config;
    if (!job.data && requireData) problems << tr("The MNIST data is not loaded yet: wait for it (see the status bar) or set it up first.");
    if (spec.layers.empty()) {
        problems << tr("The network has no layers: pick a preset or add layers.");
        return problems;
    }

    // Shapes: convolution and pooling need an image, Dense a flat vector.
    bool flat = spec.input.rank() == 1;
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec& l = spec.layers[i];
        const QString which = tr("Layer %1 (%2)").arg(i + 1).arg(QString::fromStdString(layer_kind_name(l.kind)));
        if ((l.kind == LayerKind::Conv2D || l.kind == LayerKind::MaxPooling2D) && flat) {
            problems << tr("%1 works on images, but its input is flat: choose the 28×28×1 input and put "
                           "convolution and pooling layers before Flatten.").arg(which);
            break;
        }
        if (l.kind == LayerKind::Dense && !flat) {
            problems << tr("%1 comes after image layers: add a Flatten layer before it.").arg(which);
            break;
        }
        if (l.kind == LayerKind::Flatten) flat = true;
    }

    // The output: a Dense layer of 10 units, whose activation matches the loss.
    int last = static_cast<int>(spec.layers.size()) - 1;
    Activation outAct = Activation::Linear;
    bool actSet = false;
    while (last >= 0 && (spec.layers[last].kind == LayerKind::Activation || spec.layers[last].kind == LayerKind::Dropout ||
                         spec.layers[last].kind == LayerKind::BatchNormalization)) {
        if (spec.layers[last].kind == LayerKind::Activation && !actSet) {
            outAct = spec.layers[last].activation;
            actSet = true;
        }
        --last;
    }
    if (last < 0 || spec.layers[last].kind != LayerKind::Dense) {
        problems << tr("The network must end with a Dense layer of 10 units, one per digit.");
    } else {
        if (spec.layers[last].units != 10)
            problems << tr("The last Dense layer has %1 units; it needs 10, one per digit.").arg(spec.layers[last].units);
        if (!actSet) outAct = spec.layers[last].activation;
        if (outAct == Activation::Softmax && c.loss.from_logits)
            problems << tr("The last layer already applies softmax: turn off from_logits.");
        if (outAct == Activation::Linear && !c.loss.from_logits)
            problems << tr("The last layer is linear (it outputs raw scores): turn on from_logits, or give it "
                           "a softmax activation.");
    }

    // The optimiser.
    const OptimizerConfig& o = c.optimizer;
    if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
        problems << tr("The learning rate must be greater than 0 (Adam's default is 0.001, SGD's 0.01).");
    if (o.kind == OptimizerKind::SGD && !(o.momentum >= 0 && o.momentum < 1))
        problems << tr("Momentum must be at least 0 and below 1.");
    if (o.kind == OptimizerKind::Adam && !(o.beta_1 >= 0 && o.beta_1 < 1 && o.beta_2 >= 0 && o.beta_2 < 1))
        problems << tr("Adam's beta_1 and beta_2 must be at least 0 and below 1.");
    if ((o.kind == OptimizerKind::RMSprop || o.kind == OptimizerKind::Adadelta) && !(o.rho >= 0 && o.rho < 1))
        problems << tr("rho must be at least 0 and below 1.");
    if (o.kind != OptimizerKind::SGD && !(o.epsilon > 0)) problems << tr("epsilon must be greater than 0.");
    if (!(o.decay >= 0)) problems << tr("The decay must not be negative.");

    // The data the run will see.
    if (c.batch_size < 1) problems << tr("The batch size must be at least 1.");
    if (c.epochs < 1) problems << tr("Train for at least one epoch.");
    if (!(c.validation_split >= 0 && c.validation_split < 1))
        problems << tr("The validation split must be at least 0 and below 1.");
    if (c.early_stopping.enabled && c.early_stopping.monitor.rfind("val_", 0) == 0 && c.validation_split <= 0)
        problems << tr("Early stopping watches %1, which needs validation data: set a validation split above 0.")
                        .arg(QString::fromStdString(c.early_stopping.monitor));
    if (job.data) {
        std::size_t n = job.data->train.size();
        if (job.train_limit > 0) n = std::min(n, job.train_limit);
        const auto held = static_cast<std::size_t>(std::floor(double(n) * c.validation_split));
        if (c.validation_split > 0 && (held == 0 || held >= n))
            problems << tr("A validation split of %1 of %2 images leaves no images for training or for validation.")
                            .arg(double(c.validation_split))
                            .arg(n);
    }
    if (!problems.isEmpty()) return problems;

    // Whatever the checks above missed, the core knows (e.g. a kernel larger than its input).
    try {
        Network net(spec, c.seed);
        Trainer trainer(net, c);
    } catch (const std::exception& e) {
        problems << describeTrainingError(e);
    }
    return problems;
}

QString describeTrainingError(const std::exception& e) {
    if (dynamic_cast<const std::bad_alloc*>(&e))
        return QCoreApplication::translate(
            "digit::ui::TrainingWorker",
            "There is not enough memory for this network. Use fewer or smaller layers, a smaller "
            "batch size, or train on fewer images.");
    if (dynamic_cast<const ConfigError*>(&e))
        return QCoreApplication::translate("digit::ui::TrainingWorker", "This configuration cannot be trained: %1.")
            .arg(QString::fromUtf8(e.what()));
    return QCoreApplication::translate("digit::ui::TrainingWorker", "Training failed: %1")
        .arg(QString::fromUtf8(e.what()));
}

}  // namespace digit::ui
