#include "embedding_worker.h"

#include "introspect.h"
#include "predict.h"

#include <QMetaObject>
#include <QPointer>
#include <QThread>

#include <numeric>

namespace digit::ui {

EmbeddingWorker::EmbeddingWorker(QObject* parent) : QObject(parent) {
    qRegisterMetaType<std::shared_ptr<const digit::ui::EmbeddingPicture>>();
}

EmbeddingWorker::~EmbeddingWorker() { cancel(); }

bool EmbeddingWorker::running() const { return thread_ && thread_->isRunning(); }

void EmbeddingWorker::cancel() {
    if (cancel_) cancel_->store(true);
    if (thread_) {
        thread_->wait();
        delete thread_;
        thread_ = nullptr;
    }
}

void EmbeddingWorker::start(const ModelFile& model, std::shared_ptr<const MnistData> data) {
    cancel();
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    const int generation = ++generation_;
    QPointer<EmbeddingWorker> self(this);
    auto cancelled = cancel_;
    // Everything the thread needs is copied in: the model value and the shared, read-only data.
    thread_ = QThread::create([self, cancelled, generation, model, data] {
        auto post = [&](auto fn) {
            QMetaObject::invokeMethod(
                self.data(),
                [self, generation, fn] {
                    if (self && self->generation_ == generation) fn(self.data());
                },
                Qt::QueuedConnection);
        };
        try {
            auto net = network_from_file(model);
            const std::size_t layer = penultimate_layer(*net);
            const Dataset& test = data->test;
            const auto total = static_cast<Eigen::Index>(test.size());
            std::vector<std::size_t> order(test.size());
            std::iota(order.begin(), order.end(), std::size_t(0));
            Matrix features(total, net->layer_output_shapes()[layer].size());
            std::vector<std::uint8_t> predicted(test.size());
            Matrix x;
            std::vector<int> labels;
            Eigen::Index done = 0, nextPicture = std::min(kFirstPicture, total);
            const Eigen::Index chunk = 250;
            while (done < total) {
                if (cancelled->load()) return;
                const Eigen::Index count = std::min(chunk, total - done);
                to_batch(test, order, static_cast<std::size_t>(done), static_cast<std::size_t>(count), x, labels);
                const Matrix& scores = net->forward_scores(x, false);
                const std::vector<int> digits = argmax_digits(scores);  // one colour per digit
                features.middleRows(done, count) = net->layer_output(layer);
                for (Eigen::Index i = 0; i < count; ++i)
                    predicted[static_cast<std::size_t>(done + i)] = static_cast<std::uint8_t>(digits[static_cast<std::size_t>(i)]);
                done += count;
                post([done, total](EmbeddingWorker* w) { emit w->progress(static_cast<int>(done), static_cast<int>(total)); });
                if (done >= nextPicture || done == total) {
                    auto pic = std::make_shared<EmbeddingPicture>();
                    pic->pca = pca(features.topRows(done), std::min<int>(2, static_cast<int>(features.cols())));
                    pic->points = pic->pca.projected;
                    if (pic->points.cols() < 2) {  // one feature: a line
                    pic->points.conservativeResize(Eigen::NoChange, 2);
                    pic->points.col(1).setZero();
                }
                    pic->layer = layer;
                    pic->indices.resize(static_cast<std::size_t>(done));
                    std::iota(pic->indices.begin(), pic->indices.end(), 0);
                    pic->labels.assign(test.labels.begin(), test.labels.begin() + done);
                    pic->predicted.assign(predicted.begin(), predicted.begin() + done);
                    pic->done = done;
                    pic->total = total;
                    pic->final = false;
                    std::shared_ptr<const EmbeddingPicture> out = pic;
                    post([out](EmbeddingWorker* w) { emit w->picture(out); });
                    nextPicture = std::min(total, done + kPictureEvery);
                }
            }

            // t-SNE of an evenly spaced sample (every k-th test image, the same for every model).
            const Eigen::Index n = std::min(kTsneSample, total);
            auto finalPca = [&] {
                // Too few images for t-SNE: the PCA of all of them is the final picture.
                auto pic = std::make_shared<EmbeddingPicture>();
                pic->pca = pca(features, std::min<int>(2, static_cast<int>(features.cols())));
                pic->points = pic->pca.projected;
                if (pic->points.cols() < 2) {  // one feature: a line
                    pic->points.conservativeResize(Eigen::NoChange, 2);
                    pic->points.col(1).setZero();
                }
                pic->layer = layer;
                pic->indices.resize(static_cast<std::size_t>(total));
                std::iota(pic->indices.begin(), pic->indices.end(), 0);
                pic->labels.assign(test.labels.begin(), test.labels.end());
                pic->predicted = predicted;
                pic->done = pic->total = total;
                pic->final = true;
                std::shared_ptr<const EmbeddingPicture> out = pic;
                post([out](EmbeddingWorker* w) { emit w->picture(out); });
            };
            TsneOptions options;
            options.iterations = kTsneIterations;
            if (3 * options.perplexity >= static_cast<double>(n)) return finalPca();
            std::vector<int> sampleIndex(static_cast<std::size_t>(n));
            for (Eigen::Index i = 0; i < n; ++i) sampleIndex[static_cast<std::size_t>(i)] = static_cast<int>(i * total / n);
            auto sample = std::make_shared<Matrix>(n, features.cols());
            for (Eigen::Index i = 0; i < n; ++i) sample->row(i) = features.row(sampleIndex[static_cast<std::size_t>(i)]);
            std::vector<std::uint8_t> sampleLabels, samplePredicted;
            for (int t : sampleIndex) {
                sampleLabels.push_back(test.labels[static_cast<std::size_t>(t)]);
                samplePredicted.push_back(predicted[static_cast<std::size_t>(t)]);
            }
            auto tsnePicture = [&](const Matrix& map, int iteration) {
                auto pic = std::make_shared<EmbeddingPicture>();
                pic->method = EmbeddingPicture::Method::Tsne;
                pic->points = map;
                pic->indices = sampleIndex;
                pic->labels = sampleLabels;
                pic->predicted = samplePredicted;
                pic->layer = layer;
                pic->done = pic->total = total;
                pic->sample = sample;
                pic->sampleMap = map;
                pic->iteration = iteration;
                pic->iterations = options.iterations;
                return pic;
            };
            const TsneResult result = tsne(*sample, options, [&](int it, int iterations, const Eigen::MatrixXd& y) {
                if (cancelled->load()) return false;
                post([it, iterations](EmbeddingWorker* w) { emit w->tsneProgress(it, iterations); });
                // A picture now and then, after the exaggeration phase (before it the map is a
                // tight ball that says little).
                if (it % kTsnePictureEvery == 0 && it > options.exaggeration_iterations && it < iterations) {
                    std::shared_ptr<const EmbeddingPicture> out = tsnePicture(y.cast<Scalar>(), it);
                    post([out](EmbeddingWorker* w) { emit w->picture(out); });
                }
                return true;
            });
            if (cancelled->load()) return;
            // Every test image: the sample where it is, the others placed among their neighbours.
            auto pic = tsnePicture(result.embedding, result.iterations);
            const Matrix placed = tsne_place(*sample, result.embedding, features, 5);
            pic->points = placed;
            for (Eigen::Index i = 0; i < n; ++i) pic->points.row(sampleIndex[static_cast<std::size_t>(i)]) = result.embedding.row(i);
            pic->indices.resize(static_cast<std::size_t>(total));
            std::iota(pic->indices.begin(), pic->indices.end(), 0);
            pic->labels.assign(test.labels.begin(), test.labels.end());
            pic->predicted = predicted;
            pic->final = true;
            std::shared_ptr<const EmbeddingPicture> out = pic;
            post([out](EmbeddingWorker* w) { emit w->picture(out); });
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(e.what());
            post([message](EmbeddingWorker* w) { emit w->failed(message); });
        }
    });
    thread_->start(QThread::LowPriority);
}

}  // namespace digit::ui
