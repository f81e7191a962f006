// The training history as CSV (core/history_csv.h): a short real run, exported, parses back with
// one row per batch and per epoch trained and the numbers the run reported.
#include "errors.h"
#include "history_csv.h"

#include <QFile>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

using namespace digit;

namespace {
// 240 random 28x28 images whose label is the brightest quarter of the image: learnable a little.
Dataset toy_data() {
    Rng rng(3);
    Dataset d;
    for (int i = 0; i < 240; ++i) {
        for (int p = 0; p < 784; ++p) d.images.push_back(static_cast<std::uint8_t>(rng.uniform() * 255));
        d.labels.push_back(static_cast<std::uint8_t>(i % 10));
    }
    return d;
}
}  // namespace

class TestHistoryCsv : public QObject {
    Q_OBJECT
private slots:
    void exportedRunParses() {
        Network net(ModelSpec{Shape{784}, {LayerSpec::dense(16, Activation::Relu), LayerSpec::dense(10, Activation::Softmax)}}, 2);
        TrainConfig t;
        t.optimizer = OptimizerConfig::defaults(OptimizerKind::Adam);
        t.loss.kind = LossKind::SparseCategoricalCrossentropy;
        t.epochs = 3;
        t.batch_size = 50;
        t.validation_split = 0.25f;  // 180 to train: 4 batches per epoch, the last of 30
        Trainer trainer(net, t);
        const History h = trainer.fit(toy_data());
        QCOMPARE(h.epochs.size(), std::size_t(3));

        QTemporaryDir dir;
        const QString path = dir.filePath("h.csv");
        save_history_csv(path.toStdString(), h);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QString(kHistoryCsvHeader));
        const int columns = static_cast<int>(lines.first().split(',').size());
        int epochs = 0, batches = 0, last_epoch = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList cells = lines[i].split(',');
            QCOMPARE(cells.size(), columns);
            bool ok = false;
            const int epoch = cells[1].toInt(&ok);
            QVERIFY(ok);
            QVERIFY(epoch >= last_epoch);
            last_epoch = epoch;
            const double loss = cells[3].toDouble(&ok);
            QVERIFY2(ok, qPrintable(lines[i]));
            if (cells[0] == "epoch") {
                const EpochStats& e = h.epochs[static_cast<std::size_t>(epochs)];
                QCOMPARE(epoch, epochs + 1);
                QCOMPARE(loss, e.loss);  // written with 17 digits: read back exactly
                QCOMPARE(cells[6].toDouble(&ok), e.val_accuracy);
                QVERIFY(ok);
                ++epochs;
            } else {
                QCOMPARE(cells[0], QString("batch"));
                QCOMPARE(epoch, epochs + 1);  // a batch row comes before its epoch's row
                QVERIFY(cells[5].isEmpty());
                cells[7].toDouble(&ok);
                QVERIFY(ok);
                ++batches;
            }
        }
        QCOMPARE(epochs, 3);
        QCOMPARE(batches, 3 * 4);
        QCOMPARE(static_cast<std::size_t>(batches), h.batches.size());

        // ... and the reader (digit-cli report --history) gives the run's numbers back exactly.
        const History back = load_history_csv(path.toStdString());
        QCOMPARE(back.epochs.size(), h.epochs.size());
        QCOMPARE(back.batches.size(), h.batches.size());
        for (std::size_t i = 0; i < h.epochs.size(); ++i) {
            QCOMPARE(back.epochs[i].epoch, h.epochs[i].epoch);
            QCOMPARE(back.epochs[i].loss, h.epochs[i].loss);
            QCOMPARE(back.epochs[i].accuracy, h.epochs[i].accuracy);
            QCOMPARE(back.epochs[i].has_validation, true);
            QCOMPARE(back.epochs[i].val_loss, h.epochs[i].val_loss);
            QCOMPARE(back.epochs[i].val_accuracy, h.epochs[i].val_accuracy);
        }
        for (std::size_t i = 0; i < h.batches.size(); ++i) {
            QCOMPARE(back.batches[i].epoch, h.batches[i].epoch);
            QCOMPARE(back.batches[i].batch, h.batches[i].batch);
            QCOMPARE(back.batches[i].batches_per_epoch, h.batches[i].batches_per_epoch);
            QCOMPARE(back.batches[i].loss, h.batches[i].loss);
            QCOMPARE(back.batches[i].smoothed_accuracy, h.batches[i].smoothed_accuracy);
        }
    }

    void brokenCsvNamesTheLine_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("offset");
        QTest::addColumn<QString>("cause");
        const QByteArray head = QByteArray(kHistoryCsvHeader) + "\n";
        QTest::newRow("empty") << QByteArray() << qint64(0) << "header";
        QTest::newRow("other header") << QByteArray("a,b,c\n") << qint64(0) << "header";
        QTest::newRow("bad kind") << head + "row,1,1,0.5,0.5,,,0.5,0.5\n" << qint64(head.size()) << "row kind";
        QTest::newRow("short row") << head + "batch,1,1,0.5\n" << qint64(head.size()) << "9 fields";
        QTest::newRow("not a number") << head + "batch,1,1,0.5x,0.5,,,0.5,0.5\n" << qint64(head.size()) << "not a number";
        QTest::newRow("epoch 0") << head + "epoch,0,,0.5,0.5,,,,\n" << qint64(head.size()) << "count";
        const QByteArray first = "epoch,1,,0.5,0.5,,,,\n";
        QTest::newRow("second row") << head + first + "batch,1,,0.5,0.5,,,0.5,0.5\n" << qint64(head.size() + first.size()) << "field 3";
    }
    void brokenCsvNamesTheLine() {
        QFETCH(QByteArray, text);
        QFETCH(qint64, offset);
        QFETCH(QString, cause);
        try {
            parse_history_csv(text.toStdString(), "h.csv");
            QFAIL("no error");
        } catch (const FileError& e) {
            QCOMPARE(QString::fromStdString(e.path()), QString("h.csv"));
            QCOMPARE(qint64(e.offset()), offset);
            QVERIFY2(QString::fromStdString(e.detail()).contains(cause), e.what());
        }
    }

    void unwritablePathThrowsAndLeavesNothing() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("missing/h.csv").toStdString();
        QVERIFY_THROWS_EXCEPTION(FileError, save_history_csv(path, History{}));
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
    }
};

QTEST_GUILESS_MAIN(TestHistoryCsv)
#include "tst_history_csv.moc"
