// A measurement, not a test: how responsive the app stays while a network trains, and how soon
// Stop takes effect (issue 9, "the app under training load"; goals: no event-loop stall above
// 50 ms, Stop within 200 ms). It drives the real Train page (its worker thread, its chart, its
// Stop button) and prints the figures; the README quotes them with this command.
//
//   QT_QPA_PLATFORM=offscreen build/tests/bench/digit-ui-latency [--preset cnn-32-64] [--runs 3] [--seconds 5]
//
// Per run: Start, wait for the first batch point, then measure for --seconds: a 10 ms precise
// timer on the GUI thread records the gaps between its ticks (the largest gap is the longest
// stall of the event loop: chart repaints, queued progress signals, ...); the chart's position
// (epochs) gives the batch rate. Then click Stop and time, with a 1 ms poll, until the page says
// the training loop has ended (state Testing: the worker left the loop and the GUI thread heard
// it) and until the run has finished (test evaluation included). Uses $DIGIT_MNIST_DIR or the
// usual MNIST locations, and a scratch settings folder.
#include "presets.h"
#include "session.h"
#include "train_page.h"
#include "training_chart.h"
#include "training_config_editor.h"
#include "network_editor.h"

#include <QApplication>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace digit;
using namespace digit::ui;

namespace {

// Runs the event loop until pred() holds or ms pass; true if it held.
template <class Pred>
bool waitFor(Pred pred, int ms) {
    QElapsedTimer t;
    t.start();
    while (!pred()) {
        if (t.elapsed() > ms) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
    std::string preset_name = "cnn-32-64";
    int runs = 3;
    double seconds = 5;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool value = i + 1 < argc;
        if (a == "--preset" && value) preset_name = argv[++i];
        else if (a == "--runs" && value) runs = std::atoi(argv[++i]);
        else if (a == "--seconds" && value) seconds = std::atof(argv[++i]);
        else {
            std::fprintf(stderr, "usage: digit-ui-latency [--preset NAME] [--runs N] [--seconds S]\n");
            return 2;
        }
    }
    const Preset* preset = find_preset(preset_name);
    if (!preset || runs < 1 || !(seconds > 0)) {
        std::fprintf(stderr, "digit-ui-latency: unknown preset or bad --runs/--seconds\n");
        return 2;
    }

    QApplication app(argc, argv);
    QTemporaryDir settingsDir;
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("DigitStudioLatency"));

    Session session;
    QString error;
    if (!session.loadData({}, &error)) {
        std::fprintf(stderr, "digit-ui-latency: %s\n", qPrintable(error));
        return 1;
    }
    TrainPage page(&session);
    page.resize(1280, 800);
    page.show();
    page.networkEditor()->setSpec(preset->model);
    TrainConfig config = preset->training;
    config.epochs = 50;  // never ends by itself within the measurement
    page.configEditor()->setConfig(config);
    page.configEditor()->setTrainLimit(0);
    const double batches_per_epoch = 60000.0 * (1.0 - config.validation_split) / config.batch_size;

    std::printf("%s, batch %d, on the Train page's worker thread (platform %s, OMP_NUM_THREADS=%s)\n", preset_name.c_str(),
                config.batch_size, qPrintable(QGuiApplication::platformName()),
                std::getenv("OMP_NUM_THREADS") ? std::getenv("OMP_NUM_THREADS") : "unset");
    std::vector<double> all_gaps, stops, batch_ms;
    double worst_gap = 0;
    for (int run = 0; run < runs; ++run) {
        if (!page.start()) {
            std::fprintf(stderr, "digit-ui-latency: the Train page did not start: %s\n", qPrintable(page.messageText()));
            return 1;
        }
        if (!waitFor([&] { return page.chart()->batchPointCount() > 0; }, 120000)) {
            std::fprintf(stderr, "digit-ui-latency: no batch within 120 s\n");
            return 1;
        }
        // The event loop's gaps while training runs.
        std::vector<double> gaps;
        QElapsedTimer clock;
        clock.start();
        qint64 last = clock.nsecsElapsed();
        QTimer tick;
        tick.setTimerType(Qt::PreciseTimer);
        tick.setInterval(10);
        QObject::connect(&tick, &QTimer::timeout, [&] {
            const qint64 now = clock.nsecsElapsed();
            gaps.push_back((now - last) / 1e6);
            last = now;
        });
        const double x0 = page.chart()->lastBatchX();
        tick.start();
        QEventLoop loop;
        QTimer::singleShot(static_cast<int>(seconds * 1000), &loop, &QEventLoop::quit);
        loop.exec();
        tick.stop();
        const double x1 = page.chart()->lastBatchX();
        const double batches = (x1 - x0) * batches_per_epoch;
        const double batch = batches > 0 ? seconds * 1000 / batches : 0;

        // Stop: until the loop has ended (Testing), then until the run is over.
        QElapsedTimer stop;
        stop.start();
        page.stopButton()->click();
        if (!waitFor([&] { return page.state() == TrainPage::State::Testing || page.state() == TrainPage::State::Idle; }, 60000)) {
            std::fprintf(stderr, "digit-ui-latency: Stop did not take effect within 60 s\n");
            return 1;
        }
        const double stopped = stop.nsecsElapsed() / 1e6;
        waitFor([&] { return page.state() == TrainPage::State::Idle; }, 300000);
        const double finished = stop.nsecsElapsed() / 1e6;

        const double max_gap = gaps.empty() ? 0 : *std::max_element(gaps.begin(), gaps.end());
        std::printf("run %d: %zu ticks in %.1f s: gap median %.1f ms, p99 %.1f ms, max %.1f ms; batch %.0f ms; "
                    "Stop -> loop ended %.0f ms, -> run finished (test evaluation) %.0f ms\n",
                    run + 1, gaps.size(), seconds, percentile(gaps, 0.5), percentile(gaps, 0.99), max_gap, batch, stopped,
                    finished);
        std::fflush(stdout);
        all_gaps.insert(all_gaps.end(), gaps.begin(), gaps.end());
        worst_gap = std::max(worst_gap, max_gap);
        stops.push_back(stopped);
        batch_ms.push_back(batch);
    }
    std::printf("all runs: event-loop gap max %.1f ms (p99 %.1f ms; goal < 50 ms); Stop -> loop ended median %.0f ms, "
                "max %.0f ms (goal < 200 ms); batch median %.0f ms\n",
                worst_gap, percentile(all_gaps, 0.99), percentile(stops, 0.5), *std::max_element(stops.begin(), stops.end()),
                percentile(batch_ms, 0.5));
    return 0;
}
