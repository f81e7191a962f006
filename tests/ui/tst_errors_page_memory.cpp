// The Errors page does not grow memory when it is opened again and again (issue 9: "opening the
// Errors page for a model twice does not grow memory"). Each cycle does what opening it does: a
// page evaluates the model over the test set on its worker thread (its own network copy, a
// results set, the grid's images) and is then closed; or the open page is switched between more
// models than its cache keeps, so every switch evaluates again. After a warm-up (Qt's caches,
// fonts, the thread pool), the heap in use must not grow by more than a few KiB per cycle: a
// leaked results set, network copy or page is hundreds of KiB each time.
//
// The heap in use is read from the allocator, not sampled from RSS: glibc's mallinfo2() (every
// arena, plus mmapped blocks), or ASan's own count in the sanitizer build. The test set is
// the first 600 MNIST test images (written as IDX files here), so a cycle takes a few ms.
#include "errors_page.h"
#include "file_bytes.h"
#include "mnist_fixture.h"
#include "model_io.h"
#include "model_library.h"
#include "network.h"
#include "presets.h"
#include "session.h"

#include <QDir>
#include <QElapsedTimer>
#include <QThread>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <malloc.h>

#if defined(__SANITIZE_ADDRESS__)
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

using namespace digit;
using namespace digit::ui;

namespace {

std::int64_t heapInUse() {
#if defined(__SANITIZE_ADDRESS__)
    return static_cast<std::int64_t>(__sanitizer_get_current_allocated_bytes());
#else
    const struct mallinfo2 m = mallinfo2();
    return static_cast<std::int64_t>(m.uordblks + m.hblkhd);
#endif
}

bool writeIdx(const QString& path, const Dataset& d, bool images) {
    QByteArray bytes = ::be32(images ? 0x803 : 0x801) + ::be32(quint32(d.size()));
    if (images) bytes += ::be32(quint32(d.rows)) + ::be32(quint32(d.cols));
    const auto& v = images ? d.images : d.labels;
    bytes += QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size()));
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// Runs the event loop until pred() holds (1 ms steps: QTRY_VERIFY's 50 ms would dominate).
template <class Pred>
bool waitUntil(Pred pred, int ms = 30000) {
    QElapsedTimer t;
    t.start();
    while (!pred()) {
        if (t.elapsed() > ms) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        QThread::usleep(200);
    }
    return true;
}

}  // namespace

class TestErrorsPageMemory : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    Session session_;
    std::vector<int> entries_;  // library entries of the models the page is switched between

    // Grows by at most kBytesPerCycle on average over `cycles` cycles after `warmup` ones.
    static constexpr std::int64_t kBytesPerCycle = 4096;

    template <class Cycle>
    void expectFlat(const char* what, int warmup, int cycles, Cycle cycle) {
        for (int i = 0; i < warmup; ++i) cycle(i);
        const std::int64_t before = heapInUse();
        std::int64_t peak = before;
        for (int i = 0; i < cycles; ++i) {
            cycle(warmup + i);
            peak = std::max(peak, heapInUse());
        }
        const std::int64_t after = heapInUse();
        qInfo("%s: heap in use %.1f MiB after %d warm-up cycles, %.1f MiB after %d more (peak %.1f MiB): %+lld bytes per cycle",
              what, before / 1048576.0, warmup, after / 1048576.0, cycles, peak / 1048576.0,
              static_cast<long long>((after - before) / cycles));
        QVERIFY2(after - before <= kBytesPerCycle * cycles,
                 qPrintable(QStringLiteral("%1 grew by %2 bytes over %3 cycles").arg(what).arg(after - before).arg(cycles)));
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir_.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("DigitStudioTest"));
        MnistData full;
        QVERIFY2(test::loadMnist(full), test::kMnistMissing);
        const Dataset train = full.train.head(600), test = full.test.head(600);
        QVERIFY(writeIdx(dir_.filePath(QStringLiteral("train-images-idx3-ubyte")), train, true));
        QVERIFY(writeIdx(dir_.filePath(QStringLiteral("train-labels-idx1-ubyte")), train, false));
        QVERIFY(writeIdx(dir_.filePath(QStringLiteral("t10k-images-idx3-ubyte")), test, true));
        QVERIFY(writeIdx(dir_.filePath(QStringLiteral("t10k-labels-idx1-ubyte")), test, false));
        QString error;
        QVERIFY2(session_.loadData(dir_.path(), &error), qPrintable(error));
        QCOMPARE(int(session_.data()->test.size()), 600);
        // Six freshly initialised networks: more than the page's cache of results keeps.
        const Preset* preset = find_preset("mlp-128-32");
        QVERIFY(preset);
        for (int k = 0; k < 6; ++k) {
            Network net(preset->model, std::uint64_t(100 + k));
            ModelInfo info;
            info.name = "memory-" + std::to_string(k);
            entries_.push_back(session_.library()->addRun(make_model_file(net, preset->training, info),
                                                          QString::fromStdString(info.name), false));
        }
        QVERIFY(session_.library()->use(entries_[0]));
        QVERIFY(session_.model());
    }

    // A page opened for the model, evaluated, closed: again and again.
    void openAndCloseDoesNotGrow() {
        expectFlat("open/close", 30, 200, [&](int) {
            auto page = std::make_unique<ErrorsPage>(&session_);
            page->resize(1000, 700);
            page->show();
            QVERIFY(waitUntil([&] { return page->isReady(); }));
            QVERIFY(page->misclassifiedCount() > 0);
            page.reset();
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            QCoreApplication::processEvents();
        });
    }

    // The open page follows the current model through six models (its cache keeps four).
    void switchingModelsDoesNotGrow() {
        ErrorsPage page(&session_);
        page.resize(1000, 700);
        page.show();
        QTRY_VERIFY_WITH_TIMEOUT(page.isReady(), 30000);
        expectFlat("model switches", 30, 200, [&](int i) {
            QVERIFY(session_.library()->use(entries_[std::size_t(i) % entries_.size()]));
            QVERIFY(waitUntil([&] { return page.isReady() && !page.isBusy(); }));
            QCoreApplication::processEvents();
        });
    }
};

QTEST_MAIN(TestErrorsPageMemory)
#include "tst_errors_page_memory.moc"
