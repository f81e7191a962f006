// Same seed, same weights with one thread or two, for every preset (issue 15): a few batches of
// each preset's own training (its optimiser, batch size, dropout, augmentation) from the same seed
// must leave bit-identical parameters. The Dense products (gemm.h), the convolutions and the
// element-wise passes all fix the order of their sums by the shapes alone, never by the thread
// count or by where a buffer happens to lie (Eigen's colwise().sum() for the Dense bias did).
#include "mnist.h"
#include "presets.h"
#include "trainer.h"
#include "mnist_fixture.h"

#include <QTest>

#include <omp.h>

#include <algorithm>
#include <cstring>

using namespace digit;

class TestSameSeedThreads : public QObject {
    Q_OBJECT
private:
    MnistData data_;

    std::vector<Scalar> train(const Preset& p, int threads) {
        omp_set_num_threads(threads);
        Network net(p.model, p.training.seed);
        TrainConfig t = p.training;
        t.epochs = 1;
        t.validation_split = 0;
        t.early_stopping.enabled = false;
        Trainer trainer(net, t);
        // Three batches (the last one short), enough for each optimiser's state to matter.
        const History h = trainer.fit(data_.train.head(static_cast<std::size_t>(2 * t.batch_size + t.batch_size / 2)));
        if (h.batches.size() != 3) return {};
        return net.parameters();
    }

private slots:
    void initTestCase() { QVERIFY2(test::loadMnist(data_), test::kMnistMissing); }
    void cleanup() { omp_set_num_threads(1); }

    void everyPresetTrainsToTheSameBits_data() {
        QTest::addColumn<QString>("preset");
        for (const Preset& p : presets()) QTest::newRow(p.name.c_str()) << QString::fromStdString(p.name);
    }

    void everyPresetTrainsToTheSameBits() {
        QFETCH(QString, preset);
        const Preset& p = *find_preset(preset.toStdString());
        const std::vector<Scalar> one = train(p, 1), two = train(p, 2);
        QVERIFY2(!one.empty(), "the run did not train three batches");
        std::size_t differ = 0;
        for (std::size_t i = 0; i < one.size(); ++i) {
            const bool d = std::memcmp(&one[i], &two[i], sizeof(Scalar)) != 0;
            if (d && differ == 0) qWarning("first difference: parameter %zu, %.9g vs %.9g", i, double(one[i]), double(two[i]));
            differ += d;
        }
        QVERIFY2(differ == 0, qPrintable(QString("%1 of %2 parameters differ").arg(differ).arg(one.size())));
        // And training moved them: the comparison is not of two untouched initialisations.
        Network fresh(p.model, p.training.seed);
        QVERIFY(fresh.parameters() != one);
    }

    // The all-cores inference of a data set (predict_dataset: a network copy per thread) gives
    // what one network's predict() gives batch by batch, bit for bit, with one thread or two, and
    // reports its progress up to the whole set.
    void predictDatasetMatchesPredictOnAnyThreadCount() {
        const Preset& p = *find_preset("cnn-small");
        Network net(p.model, 3);
        const Dataset test = data_.test.head(1000);
        const int batch = 32;
        Matrix expected(static_cast<Eigen::Index>(test.size()), net.classes()), x, prob;
        std::vector<int> labels;
        std::vector<std::size_t> order(test.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        omp_set_num_threads(1);
        for (std::size_t first = 0; first < test.size(); first += batch) {
            const std::size_t count = std::min<std::size_t>(batch, test.size() - first);
            to_batch(test, order, first, count, x, labels);
            net.predict(x, prob, batch);
            expected.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(count)) = prob;
        }
        for (int threads : {1, 2}) {
            omp_set_num_threads(threads);
            std::vector<std::size_t> seen;
            const Matrix got = predict_dataset(net, test, batch, [&](std::size_t done) { seen.push_back(done); });
            QVERIFY2(got.rows() == expected.rows() &&
                         std::memcmp(got.data(), expected.data(), sizeof(Scalar) * static_cast<std::size_t>(got.size())) == 0,
                     qPrintable(QString("%1 threads").arg(threads)));
            QCOMPARE(seen.size(), (test.size() + batch - 1) / batch);
            QVERIFY(std::is_sorted(seen.begin(), seen.end()));
            QCOMPARE(seen.back(), test.size());
        }
    }
};

QTEST_APPLESS_MAIN(TestSameSeedThreads)
#include "tst_same_seed_threads.moc"
