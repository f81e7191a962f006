#include "training_worker.h"

#include "errors.h"
#include "inside_views.h"

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
    qRegisterMetaType<WeightsSnapshot>();
    qRegisterMetaType<TrainingResult>();
    return 0;
}();

}  // namespace

// The Trainer's observer: throttles batch points, reports epochs, and parks the
// worker thread while paused. Runs on the worker thread, inside Trainer::fit.
class TrainingWorker::Observer : public TrainingObserver {
public:
    Observer(TrainingWorker* worker, const TrainingJob& job, const Network& net)
        : worker_(worker), job_(job), net_(net), layer_(firstTileLayer(net)) {
        clock_.start();
    }

    // Between batches nothing changes the weights: a snapshot here is consistent.
    void snapshot(int epoch, int batch) {
        if (layer_ < 0) return;
        WeightsSnapshot s;
        s.layer = layer_;
        s.kind = net_.spec().layers[static_cast<std::size_t>(layer_)].kind;
        s.units = net_.spec().layers[static_cast<std::size_t>(layer_)].units;
        s.tiles = kernelTiles(net_, static_cast<std::size_t>(layer_));
        s.epoch = epoch;
        s.batch = batch;
        last_weights_ = clock_.elapsed();
        emit worker_->weightsChanged(s);
    }

    bool on_batch(const BatchStats& b) override {
        const bool last_of_epoch = b.batch + 1 == b.batches_per_epoch;
        const qint64 now = clock_.elapsed();
        if (now - last_weights_ >= TrainingWorker::kWeightsIntervalMs || last_of_epoch) snapshot(b.epoch, b.batch);
        if (now - last_emit_ >= job_.batch_interval_ms || last_of_epoch) {
            BatchPoint p;
            p.stats = b;
            p.x = b.epoch + (b.batch + 1.0) / std::max(1, b.batches_per_epoch);
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
    const Network& net_;
    const int layer_;
    qint64 last_weights_ = -TrainingWorker::kWeightsIntervalMs;  // the first batch gives one
    QElapsedTimer clock_;
    qint64 last_emit_ = 0;
    qint64 paused_ms_ = 0;
    std::int64_t last_samples_ = 0;
    double rate_ = 0;
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

        Observer observer(this, job, net);
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
        info.epochs_trained = result.history.completed_epochs();  // not a partial last epoch
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
    if (!job.data && requireData) problems << tr("The MNIST data is not loaded yet: wait for it (see the status bar) or set it up first.");
    DataFacts facts;
    if (job.data) {
        facts.images = job.data->train.size();
        if (job.train_limit > 0) facts.images = std::min(facts.images, job.train_limit);
        facts.pixels = job.data->train.pixels_per_image();
    }
    for (const Problem& p : validate(job.spec, job.config, job.data ? &facts : nullptr)) problems << describeProblem(p, job.spec);
    return problems;
}

QString describeProblem(const Problem& p, const ModelSpec& spec) {
    const QString layer = p.layer >= 0 && std::size_t(p.layer) < spec.layers.size()
                              ? TrainingWorker::tr("Layer %1 (%2)").arg(p.layer + 1).arg(QString::fromStdString(layer_kind_name(spec.layers[std::size_t(p.layer)].kind)))
                              : QString();
    switch (p.code) {
        case ProblemCode::NoLayers: return TrainingWorker::tr("The network has no layers: pick a preset or add layers.");
        case ProblemCode::ImageLayerOnFlatInput:
            return TrainingWorker::tr("%1 works on images, but its input is flat: choose the 28×28×1 input and put "
                         "convolution and pooling layers before Flatten.").arg(layer);
        case ProblemCode::DenseAfterImageLayers: return TrainingWorker::tr("%1 comes after image layers: add a Flatten layer before it.").arg(layer);
        case ProblemCode::NoDenseOutput: return TrainingWorker::tr("The network must end with a Dense layer of 10 units, one per digit.");
        case ProblemCode::OutputUnits: return TrainingWorker::tr("The last Dense layer has %1 units; it needs 10, one per digit.").arg(p.value);
        case ProblemCode::NotADigitShare: return TrainingWorker::tr("The share of not-a-digit images must be from 0 to 10.");
        case ProblemCode::NotADigitNeedsOutput:
            return TrainingWorker::tr("Training with not-a-digit images needs a last Dense layer of 11 units (10 digits and \"not a digit\"); it has %1.").arg(p.value);
        case ProblemCode::SoftmaxWithFromLogits: return TrainingWorker::tr("The last layer already applies softmax: turn off from_logits.");
        case ProblemCode::LinearWithoutFromLogits:
            return TrainingWorker::tr("The last layer is linear (it outputs raw scores): turn on from_logits, or give it "
                         "a softmax activation.");
        case ProblemCode::LearningRate:
            return TrainingWorker::tr("The learning rate must be greater than 0 (Adam's default is 0.001, SGD's 0.01).");
        case ProblemCode::Momentum: return TrainingWorker::tr("Momentum must be at least 0 and below 1.");
        case ProblemCode::AdamBetas: return TrainingWorker::tr("Adam's beta_1 and beta_2 must be at least 0 and below 1.");
        case ProblemCode::Rho: return TrainingWorker::tr("rho must be at least 0 and below 1.");
        case ProblemCode::Epsilon: return TrainingWorker::tr("epsilon must be greater than 0.");
        case ProblemCode::Decay: return TrainingWorker::tr("The decay must not be negative.");
        case ProblemCode::BatchSize: return TrainingWorker::tr("The batch size must be at least 1.");
        case ProblemCode::Epochs: return TrainingWorker::tr("Train for at least one epoch.");
        case ProblemCode::ValidationSplit: return TrainingWorker::tr("The validation split must be at least 0 and below 1.");
        case ProblemCode::EarlyStoppingMonitor:
            return TrainingWorker::tr("Early stopping can watch loss, accuracy, val_loss or val_accuracy, not %1.").arg(QString::fromStdString(p.name));
        case ProblemCode::EarlyStoppingPatience: return TrainingWorker::tr("The early-stopping patience must not be negative.");
        case ProblemCode::EarlyStoppingNeedsValidation:
            return TrainingWorker::tr("Early stopping watches %1, which needs validation data: set a validation split above 0.")
                .arg(QString::fromStdString(p.name));
        case ProblemCode::NoTrainingImages: return TrainingWorker::tr("There are no training images.");
        case ProblemCode::ImageSize:
            return TrainingWorker::tr("The images have %1 pixels, the network expects %2.").arg(p.value).arg(qulonglong(p.count));
        case ProblemCode::SplitLeavesNothing:
            return TrainingWorker::tr("A validation split of %1 of %2 images leaves no images for training or for validation.")
                .arg(p.value)
                .arg(qulonglong(p.count));
        case ProblemCode::Unbuildable:
            return TrainingWorker::tr("This configuration cannot be trained: %1.").arg(QString::fromStdString(p.name));
    }
    return QString::fromStdString(describe(p, &spec));
}

QString describeDivergence(const Divergence& d) {
    QString what;
    switch (d.kind) {
        case Divergence::Kind::NonFiniteLoss:
            what = std::isnan(d.loss) ? TrainingWorker::tr("the loss became NaN") : TrainingWorker::tr("the loss became infinite");
            break;
        case Divergence::Kind::LossRanAway:
            what = TrainingWorker::tr("the loss rose to %1 (it started at %2)").arg(d.loss, 0, 'g', 3).arg(d.first_loss, 0, 'g', 3);
            break;
        case Divergence::Kind::NonFiniteWeights: what = TrainingWorker::tr("the weights became infinite"); break;
        case Divergence::Kind::DidNotLearn:
            return TrainingWorker::tr("did not learn in epoch %1: the loss went from %2 to %3 and the accuracy stayed at %4% "
                                      "(chance is %5%)")
                .arg(d.epoch + 1)
                .arg(d.first_loss, 0, 'g', 3)
                .arg(d.loss, 0, 'g', 3)
                .arg(100 * d.accuracy, 0, 'f', 1)
                .arg(100 * d.chance, 0, 'f', 0);
    }
    return d.batch >= 0 ? TrainingWorker::tr("diverged: %1 in epoch %2, batch %3").arg(what).arg(d.epoch + 1).arg(d.batch + 1)
                        : TrainingWorker::tr("diverged: %1 in epoch %2").arg(what).arg(d.epoch + 1);
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
