// The trainer's cancel flag across threads, as the app's training worker uses it: fit() runs on
// its own thread and another thread sets the flag while it runs. The run must stop within one
// batch of the flag being seen, report "cancelled", and hand back a history and weights that the
// other thread may read once it has joined. Meant for ThreadSanitizer too (scripts/sanitize.sh
// tsan runs it), which checks that every access shared between the two threads is synchronised.
#include "trainer.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

using namespace digit;

namespace {

// 512 random 28x28 images with labels 0-9: no MNIST needed, the test is about threads.
Dataset noise(std::size_t n) {
    Dataset d;
    d.images.resize(n * 784);
    d.labels.resize(n);
    std::uint32_t s = 12345;
    for (auto& p : d.images) p = static_cast<std::uint8_t>((s = s * 1664525u + 1013904223u) >> 24);
    for (std::size_t i = 0; i < n; ++i) d.labels[i] = static_cast<std::uint8_t>(i % 10);
    return d;
}

// Counts the batches, on the training thread.
class Progress : public TrainingObserver {
public:
    bool on_batch(const BatchStats&) override {
        batches.fetch_add(1);
        return true;
    }
    std::atomic<int> batches{0};
};

}  // namespace

class TestThreads : public QObject {
    Q_OBJECT
private slots:
    void cancelFromAnotherThread() {
        const Dataset data = noise(512);
        Network net(ModelSpec{Shape{784}, {LayerSpec::dense(32, Activation::Relu), LayerSpec::dense(10, Activation::Softmax)}}, 7);
        TrainConfig config;
        config.epochs = 1000;  // far more than it gets to run
        config.batch_size = 32;
        Trainer trainer(net, config);
        Progress progress;
        std::atomic<bool> cancel{false};
        History history;
        std::thread worker([&] { history = trainer.fit(data, nullptr, &progress, &cancel); });

        // Cancel once it is training; it must stop within a batch or two of that.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (progress.batches.load() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
        const int seen = progress.batches.load();
        cancel.store(true);
        worker.join();

        QVERIFY2(seen >= 3, "training did not start within 60 s");
        QCOMPARE(history.stop_reason, StopReason::Cancelled);
        QVERIFY2(progress.batches.load() <= seen + 2, "the run went on after the cancel flag was set");
        QCOMPARE(int(history.batches.size()), progress.batches.load());
        for (Scalar w : net.parameters()) QVERIFY(std::isfinite(w));
    }

    void cancelBeforeStartRunsNoBatch() {
        const Dataset data = noise(64);
        Network net(ModelSpec{Shape{784}, {LayerSpec::dense(10, Activation::Softmax)}}, 1);
        Trainer trainer(net, TrainConfig{});
        std::atomic<bool> cancel{true};
        History history;
        std::thread worker([&] { history = trainer.fit(data, nullptr, nullptr, &cancel); });
        worker.join();
        QCOMPARE(history.stop_reason, StopReason::Cancelled);
        QVERIFY(history.batches.empty());
    }
};

QTEST_APPLESS_MAIN(TestThreads)
#include "tst_threads.moc"
