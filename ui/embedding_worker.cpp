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
                    if (pic->pca.projected.cols() < 2) pic->pca.projected.conservativeResize(Eigen::NoChange, 2);
                    pic->layer = layer;
                    pic->labels.assign(test.labels.begin(), test.labels.begin() + done);
                    pic->predicted.assign(predicted.begin(), predicted.begin() + done);
                    pic->done = done;
                    pic->total = total;
                    pic->final = done == total;
                    std::shared_ptr<const EmbeddingPicture> out = pic;
                    post([out](EmbeddingWorker* w) { emit w->picture(out); });
                    nextPicture = std::min(total, done + kPictureEvery);
                }
            }
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(e.what());
            post([message](EmbeddingWorker* w) { emit w->failed(message); });
        }
    });
    thread_->start(QThread::LowPriority);
}

}  // namespace digit::ui
