// The Train page, driven through its buttons on the offscreen platform: a small network really
// trains on a worker thread, the charts get points, the test accuracy is shown and the session
// gets the model; pause/resume and stop work; impossible set-ups are explained and do not start;
// a diverging run ends with a message and the page keeps working.
#include "language.h"
#include "model_io.h"
#include "model_library.h"
#include "network_editor.h"
#include "presets.h"
#include "session.h"
#include "inside_views.h"
#include "train_page.h"
#include "training_chart.h"
#include "training_config_editor.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <limits>

Q_DECLARE_METATYPE(digit::ModelSpec)
Q_DECLARE_METATYPE(digit::TrainConfig)

using namespace digit;
using namespace digit::ui;

namespace {

// 784-32-10 softmax, the smallest network that clearly learns MNIST.
ModelSpec mlp32() {
    ModelSpec m;
    m.input = Shape{784};
    m.layers = {LayerSpec::dense(32, Activation::Relu), LayerSpec::dense(10, Activation::Softmax)};
    return m;
}

TrainConfig adam(int epochs) {
    TrainConfig c;
    c.optimizer = OptimizerConfig::defaults(OptimizerKind::Adam);
    c.batch_size = 32;
    c.epochs = epochs;
    c.seed = 3;
    return c;
}

void click(QPushButton* b) { QTest::mouseClick(b, Qt::LeftButton); }

}  // namespace

class TestTrainPage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir settingsDir_;
    Session session_;

    // A fresh page with the given set-up in its editors.
    std::unique_ptr<TrainPage> makePage(const ModelSpec& spec, const TrainConfig& config, std::size_t limit) {
        auto page = std::make_unique<TrainPage>(&session_);
        page->resize(1100, 760);
        page->show();
        page->networkEditor()->setSpec(spec);
        page->configEditor()->setConfig(config);
        page->configEditor()->setTrainLimit(limit);
        return page;
    }

private slots:
    void initTestCase() {
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir_.path());
        QCoreApplication::setOrganizationName(QStringLiteral("DigitStudioTest"));
        QString error;
        QVERIFY2(session_.loadData(QString(), &error), qPrintable(error + " (run scripts/setup.sh)"));
    }

    void trainsSmallNetworkThroughTheButtons() {
        auto page = makePage(mlp32(), adam(2), 2000);
        QTRY_VERIFY(page->summaryText().contains(QStringLiteral("Total params: 25,450")));
        QSignalSpy started(page.get(), &TrainPage::trainingStarted);
        QSignalSpy ended(page.get(), &TrainPage::trainingEnded);
        QSignalSpy modelChanged(&session_, &Session::modelChanged);

        click(page->startButton());
        QCOMPARE(started.count(), 1);
        QVERIFY(page->isTraining());
        QVERIFY(!page->startButton()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 120000);
        QCOMPARE(ended.at(0).at(0).toBool(), true);
        QVERIFY(!page->isTraining());
        QVERIFY(page->startButton()->isEnabled());

        // The curves got batch points (throttled: far fewer than the 126 batches) and both epochs.
        QVERIFY(page->chart()->batchPointCount() > 0);
        QVERIFY(page->chart()->batchPointCount() <= 2 * 63);
        QCOMPARE(page->chart()->epochPointCount(), 2);

        QCOMPARE(page->runs().size(), std::size_t(1));
        const TrainingResult& r = page->runs().front().result;

        // The first layer's weights followed the run (spy: a few a second at most) and its last
        // snapshot, after the last batch, is the trained model's first layer.
        QVERIFY(page->weightUpdates() >= 2);  // at least one per epoch
        const qint64 runMs = static_cast<qint64>(r.seconds * 1000);
        QVERIFY2(page->weightUpdates() <= 2 + 2 * (runMs / TrainingWorker::kWeightsIntervalMs + 1),
                 qPrintable(QStringLiteral("%1 snapshots in %2 ms").arg(page->weightUpdates()).arg(runMs)));
        const WeightsSnapshot& last = page->lastWeights();
        QCOMPARE(last.layer, 0);
        QCOMPARE(last.epoch, 1);
        QCOMPARE(last.tiles.size(), std::size_t(32));
        QCOMPARE(page->firstLayerView()->tileCount(), 32);
        const std::vector<Matrix> trained = kernelTiles(*network_from_file(r.model), 0);
        for (std::size_t t = 0; t < trained.size(); ++t) QVERIFY(last.tiles[t] == trained[t]);
        QCOMPARE(r.history.stop_reason, StopReason::Completed);
        QVERIFY(r.tested);
        QCOMPARE(r.test.samples, std::size_t(10000));
        QVERIFY2(r.test.accuracy > 0.8, qPrintable(QString::number(r.test.accuracy)));
        QVERIFY(page->testResultText().contains(QStringLiteral("Test accuracy")));
        QVERIFY(page->messageText().contains(QStringLiteral("Test accuracy")));

        // The finished run joins the library but does not take over: the model in use stays
        // until the person chooses the run.
        QCOMPARE(modelChanged.count(), 0);
        QVERIFY(!session_.modelFile() || session_.modelFile()->parameters != r.model.parameters);
        ModelLibrary* library = session_.library();
        const int entry = library->indexOfId(page->runs().front().libraryId);
        QVERIFY(entry >= 0);
        QVERIFY(library->entry(entry).unsaved);
        QVERIFY(library->currentIndex() != entry);
        QVERIFY(page->useLastRunButton()->isVisible());
        QVERIFY(page->messageText().contains(QStringLiteral("until you choose")));

        click(page->useLastRunButton());
        QCOMPARE(modelChanged.count(), 1);
        QCOMPARE(library->currentIndex(), entry);
        QVERIFY(session_.modelFile());
        QVERIFY(session_.modelFile()->parameters == r.model.parameters);
        QVERIFY(session_.modelFile()->spec == mlp32());
        QVERIFY(session_.modelPath().isEmpty());
        QVERIFY(!page->useLastRunButton()->isVisible());

        // The run's history exported as CSV parses and has the two epochs trained.
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("h.csv"));
        QString error;
        QVERIFY2(page->exportHistory(0, csv, &error), qPrintable(error));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.first().startsWith(QStringLiteral("kind,epoch,batch,loss,accuracy,val_loss,val_accuracy")));
        int epochRows = 0;
        for (const QString& line : lines.mid(1)) {
            const QStringList cells = line.split(QLatin1Char(','));
            QCOMPARE(cells.size(), 9);
            bool ok = false;
            cells[3].toDouble(&ok);
            QVERIFY(ok);
            if (cells[0] == QStringLiteral("epoch")) QCOMPARE(cells[1].toInt(), ++epochRows);
        }
        QCOMPARE(epochRows, 2);
        QVERIFY(!page->exportHistory(0, dir.filePath(QStringLiteral("no/such/dir/h.csv")), &error));
        QVERIFY(error.contains(QStringLiteral("h.csv")));
    }

    void finishedRunTakesOverWhenTheSettingSaysSo() {
        QSettings().setValue(QStringLiteral("models/useFinishedRuns"), true);
        auto page = makePage(mlp32(), adam(1), 1000);
        QSignalSpy ended(page.get(), &TrainPage::trainingEnded);
        click(page->startButton());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 120000);
        QSettings().remove(QStringLiteral("models/useFinishedRuns"));
        QVERIFY(session_.modelFile());
        QVERIFY(session_.modelFile()->parameters == page->runs().back().result.model.parameters);
        QVERIFY(!page->useLastRunButton()->isVisible());
    }

    void presetListSaysWhatEachIs() {
        TrainPage page(&session_);
        QComboBox* box = page.presetBox();
        const int i = box->findData(QStringLiteral("mlp-392x2"));
        QVERIFY(i >= 0);
        // Layers, our measured accuracy and time per epoch (README's tables).
        QVERIFY2(box->itemText(i).contains(QStringLiteral("3 dense layers")), qPrintable(box->itemText(i)));
        QVERIFY(box->itemText(i).contains(QStringLiteral("98.24%")));
        QVERIFY(box->itemText(i).contains(QStringLiteral("1.6 s/epoch")));
        const int cnn = box->findData(QStringLiteral("cnn-32-64"));
        QVERIFY2(box->itemText(cnn).contains(QStringLiteral("2 conv + 2 dense layers")), qPrintable(box->itemText(cnn)));
        QVERIFY(!box->itemData(i, Qt::ToolTipRole).toString().isEmpty());
    }

    void networkAndSettingsSurviveARestart() {
        ModelSpec spec = mlp32();
        spec.layers.insert(spec.layers.begin() + 1, LayerSpec::dropout(0.25f));
        TrainConfig config = adam(7);
        config.batch_size = 64;
        config.early_stopping.enabled = true;
        config.early_stopping.restore_best_weights = true;
        config.not_a_digit_share = 0.25f;
        {
            auto page = makePage(spec, config, 1234);
        }
        auto again = std::make_unique<TrainPage>(&session_);
        auto text = [](const ModelSpec& m) {
            ModelFile f;
            f.spec = m;
            return QString::fromStdString(model_setup_text(f)).section(QStringLiteral("optimizer ="), 0, 0);
        };
        QCOMPARE(text(again->networkEditor()->spec()), text(spec));
        QVERIFY(again->networkEditor()->spec() == spec);
        QVERIFY(again->configEditor()->config() == config);
        QCOMPARE(again->configEditor()->trainLimit(), std::size_t(1234));
    }

    void pauseKeepsStateAndResumeContinues() {
        // Long enough (60k images, 10 epochs) that it cannot end during the test's pauses.
        auto page = makePage(mlp32(), adam(10), 0);
        QSignalSpy ended(page.get(), &TrainPage::trainingEnded);
        click(page->startButton());
        QTRY_VERIFY_WITH_TIMEOUT(page->chart()->batchPointCount() > 0, 30000);

        click(page->pauseButton());
        QCOMPARE(page->state(), TrainPage::State::Paused);
        QTRY_VERIFY_WITH_TIMEOUT(page->messageText().contains(QStringLiteral("Paused")), 10000);
        QTest::qWait(300);  // points queued before the pause drain
        QVERIFY2(!page->speedText().contains(QStringLiteral("ETA")), qPrintable(page->speedText()));  // no stale ETA
        const int pointsWhilePaused = page->chart()->batchPointCount();
        const double xAtPause = page->chart()->lastBatchX();
        QTest::qWait(600);
        QCOMPARE(page->chart()->batchPointCount(), pointsWhilePaused);
        QCOMPARE(ended.count(), 0);

        click(page->pauseButton());  // Resume
        QCOMPARE(page->state(), TrainPage::State::Running);
        QTRY_VERIFY_WITH_TIMEOUT(page->chart()->batchPointCount() > pointsWhilePaused, 30000);
        // It continued where it was (same run, later batches), not from the start.
        QVERIFY(page->chart()->lastBatchX() > xAtPause);

        click(page->stopButton());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        const History& h = page->runs().back().result.history;
        QVERIFY2(h.stop_reason == StopReason::Stopped || h.stop_reason == StopReason::Cancelled, describe(h).c_str());
        QVERIFY(h.epochs.size() < 10);
        QVERIFY(page->runs().back().result.tested);
        QVERIFY(page->messageText().contains(QStringLiteral("stopped by you")));
        QVERIFY(page->startButton()->isEnabled());

        // The stopped run's curves stay on the chart as an earlier run when the next one starts.
        QCOMPARE(page->chart()->earlierRunCount(), 0);
        page->configEditor()->setConfig(adam(1));
        page->configEditor()->setTrainLimit(500);
        click(page->startButton());
        QCOMPARE(page->chart()->earlierRunCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 60000);
    }

    void invalidSetUpIsExplainedAndDoesNotStart_data() {
        QTest::addColumn<ModelSpec>("spec");
        QTest::addColumn<TrainConfig>("config");
        QTest::addColumn<QString>("explanation");

        TrainConfig zeroLr = adam(1);
        zeroLr.optimizer.learning_rate = 0;
        QTest::newRow("learning rate 0") << mlp32() << zeroLr << QStringLiteral("learning rate must be greater than 0");

        ModelSpec noFlatten;
        noFlatten.input = Shape{28, 28, 1};
        noFlatten.layers = {LayerSpec::conv2d(8, 3, Activation::Relu), LayerSpec::dense(10, Activation::Softmax)};
        QTest::newRow("Dense after Conv2D") << noFlatten << adam(1) << QStringLiteral("add a Flatten layer before it");

        ModelSpec convOnFlat = noFlatten;
        convOnFlat.input = Shape{784};
        QTest::newRow("Conv2D on flat input") << convOnFlat << adam(1) << QStringLiteral("choose the 28×28×1 input");

        ModelSpec twelve = mlp32();
        twelve.layers.back().units = 12;
        QTest::newRow("12 outputs") << twelve << adam(1) << QStringLiteral("it needs 10, one per digit");

        ModelSpec linear = mlp32();
        linear.layers.back().activation = Activation::Linear;
        QTest::newRow("logits without from_logits") << linear << adam(1) << QStringLiteral("turn on from_logits");

        TrainConfig earlyNoVal = adam(1);
        earlyNoVal.early_stopping.enabled = true;
        earlyNoVal.early_stopping.monitor = "val_loss";
        QTest::newRow("early stopping without validation") << mlp32() << earlyNoVal << QStringLiteral("validation split above 0");

        ModelSpec empty;
        empty.input = Shape{784};
        QTest::newRow("no layers") << empty << adam(1) << QStringLiteral("no layers");
    }

    void invalidSetUpIsExplainedAndDoesNotStart() {
        QFETCH(ModelSpec, spec);
        QFETCH(TrainConfig, config);
        QFETCH(QString, explanation);
        auto page = makePage(spec, config, 2000);
        // Explained as soon as it is set up, before anyone presses Start...
        QTRY_VERIFY_WITH_TIMEOUT(page->messageText().contains(explanation), 2000);
        QSignalSpy started(page.get(), &TrainPage::trainingStarted);
        click(page->startButton());
        // ...and Start does not start.
        QCOMPARE(started.count(), 0);
        QVERIFY(!page->isTraining());
        QVERIFY2(page->messageText().contains(QStringLiteral("Training did not start")), qPrintable(page->messageText()));
        QVERIFY2(page->messageText().contains(explanation), qPrintable(page->messageText()));
        QTest::qWait(100);
        QVERIFY(page->runs().empty());
    }

    void divergingRunIsReportedAndThePageCarriesOn() {
        TrainConfig wild = adam(2);
        wild.optimizer = OptimizerConfig::defaults(OptimizerKind::SGD);
        wild.optimizer.learning_rate = 1e6f;
        // Logits (no softmax and no clipping in the loss) let the loss itself blow up.
        ModelSpec logits = mlp32();
        logits.layers.back().activation = Activation::Linear;
        wild.loss.from_logits = true;
        auto page = makePage(logits, wild, 2000);
        const ModelFile* before = session_.modelFile();
        const std::vector<float> beforeWeights = before ? before->parameters : std::vector<float>{};
        QSignalSpy ended(page.get(), &TrainPage::trainingEnded);
        click(page->startButton());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        QVERIFY(page->runs().back().result.history.diverged());
        QVERIFY2(page->messageText().contains(QStringLiteral("Training diverged")), qPrintable(page->messageText()));
        QVERIFY(page->messageText().contains(QStringLiteral("smaller learning rate")));
        // Where it diverged, in the page's own words: "in epoch 1, batch N".
        const Divergence& d = page->runs().back().result.history.divergence;
        QVERIFY2(page->messageText().contains(QStringLiteral("epoch %1").arg(d.epoch + 1)), qPrintable(page->messageText()));
        // The blown-up model does not replace the session's.
        if (before) QVERIFY(session_.modelFile()->parameters == beforeWeights);

        // The page still works: a sane set-up trains again.
        TrainConfig sane = adam(1);
        sane.loss.from_logits = true;
        page->configEditor()->setConfig(sane);
        page->configEditor()->setTrainLimit(1000);
        QVERIFY(page->startButton()->isEnabled());
        click(page->startButton());
        QVERIFY2(page->isTraining(), qPrintable(page->messageText()));
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 60000);
        QVERIFY(!page->runs().back().result.history.diverged());
    }

    // Stopped a few batches into its first epoch: the run says so exactly (epoch 1, the batch it
    // reached, no full epoch), and its model does not claim an epoch it did not finish.
    void stoppedRunReportsCompletedEpochsAndTheBatchReached() {
        TrainConfig slow = adam(3);
        slow.batch_size = 8;  // 7,500 batches per epoch: the stop lands well inside the first
        auto page = makePage(mlp32(), slow, 0);
        QSignalSpy ended(page.get(), &TrainPage::trainingEnded);
        click(page->startButton());
        QTRY_VERIFY_WITH_TIMEOUT(page->chart()->batchPointCount() > 0, 30000);
        click(page->pauseButton());  // holds the worker between two batches
        click(page->stopButton());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        const TrainingResult& r = page->runs().back().result;
        const History& h = r.history;
        QVERIFY(h.stop_reason == StopReason::Stopped || h.stop_reason == StopReason::Cancelled);
        QVERIFY(!h.batches.empty());
        QCOMPARE(h.batches.back().epoch, 0);
        QCOMPARE(h.batches.back().batches_per_epoch, 7500);
        QCOMPARE(h.completed_epochs(), 0);
        const int reached = h.batches.back().batch + 1;
        QCOMPARE(h.partial_epoch_batches(), reached);
        QVERIFY(reached > 0 && reached < 7500);
        const QString expected = QStringLiteral("in epoch 1 at batch %1 of 7,500").arg(QLocale().toString(reached));
        QVERIFY2(page->messageText().contains(expected), qPrintable(page->messageText() + " / " + expected));
        QVERIFY2(page->messageText().contains(QStringLiteral("after 0 full epoch")), qPrintable(page->messageText()));
        QCOMPARE(r.model.info.epochs_trained, 0);
    }

    // Problems and outcomes the core reports as codes come out in the reader's language.
    void coreMessagesAreTranslatedInChinese() {
#ifndef DIGIT_QM_DIR
        QSKIP("no compiled translations in this build");
#else
        QVERIFY(applyLanguage(QStringLiteral("zh_CN"), {QStringLiteral(DIGIT_QM_DIR)}));
        TrainConfig zeroLr = adam(1);
        zeroLr.optimizer.learning_rate = 0;
        auto page = makePage(mlp32(), zeroLr, 2000);
        // The core's ProblemCode::LearningRate, worded in Chinese, not the core's English.
        QTRY_VERIFY_WITH_TIMEOUT(page->messageText().contains(QStringLiteral("学习率必须大于 0")), 2000);
        QVERIFY2(!page->messageText().contains(QStringLiteral("learning rate")), qPrintable(page->messageText()));
        // A divergence record, worded with its values.
        Divergence d;
        d.kind = Divergence::Kind::NonFiniteLoss;
        d.epoch = 1;
        d.batch = 16;
        d.loss = std::numeric_limits<double>::quiet_NaN();
        QCOMPARE(describeDivergence(d), QStringLiteral("发散：第 2 轮第 17 批时损失变成了 NaN"));
        page.reset();
        applyLanguage(QStringLiteral("en"));
#endif
    }

    void presetFillsTheEditors() {
        auto page = makePage(mlp32(), adam(1), 0);
        QVERIFY(page->selectPreset(QStringLiteral("mlp-392x2")));
        QTRY_VERIFY(page->summaryText().contains(QStringLiteral("Total params: 465,706")));
        QCOMPARE(page->networkEditor()->spec().layers.size(), std::size_t(3));
        QCOMPARE(page->configEditor()->config().batch_size, 32);
        QCOMPARE(page->configEditor()->config().epochs, 10);
        QCOMPARE(page->configEditor()->config().not_a_digit_share, 0.0f);
        // best brings its 11th output and its non-digits.
        QVERIFY(page->selectPreset(QStringLiteral("best")));
        QVERIFY(page->configEditor()->config() == find_preset("best")->training);
        QCOMPARE(page->configEditor()->config().not_a_digit_share, 0.1f);
        QVERIFY(page->selectPreset(QStringLiteral("mlp-392x2")));
        QCOMPARE(page->configEditor()->config().not_a_digit_share, 0.0f);
        // Editing the network makes it a custom one.
        page->networkEditor()->removeLayer(1);
        QCOMPARE(page->presetBox()->currentIndex(), page->presetBox()->count() - 1);
    }

    void closingDuringARunIsClean() {
        auto page = makePage(mlp32(), adam(10), 0);
        click(page->startButton());
        QTRY_VERIFY_WITH_TIMEOUT(page->chart()->batchPointCount() > 0, 30000);
        page.reset();  // stops the worker and waits for its thread
    }
};

QTEST_MAIN(TestTrainPage)
#include "tst_train_page.moc"
