// The run report PDF (report/run_report.h): a real PDF (header, trailer) with the expected pages
// (3, and a 4th for quiz rounds), one thumbnail image per mistake shown (at most 30), the test
// accuracy measured as evaluate() measures it, written atomically: a failed write names the path
// and leaves what was there.
#include "run_report.h"

#include "dataset.h"
#include "history_csv.h"
#include "rng.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace digit;
using namespace digit::report;

namespace {

// 300 random images labelled i % 10: an untrained network gets most of them wrong.
Dataset randomTest() {
    Rng rng(5);
    Dataset d;
    for (int i = 0; i < 300; ++i) {
        for (int p = 0; p < 784; ++p) d.images.push_back(static_cast<std::uint8_t>(rng.uniform() < 0.2f ? 255 : 0));
        d.labels.push_back(static_cast<std::uint8_t>(i % 10));
    }
    return d;
}

ModelFile smallModel() {
    Network net(ModelSpec{Shape{784}, {LayerSpec::dense(16, Activation::Relu), LayerSpec::dense(10, Activation::Softmax)}}, 3);
    TrainConfig t;
    t.optimizer = OptimizerConfig::defaults(OptimizerKind::Adam);
    t.loss.kind = LossKind::SparseCategoricalCrossentropy;
    t.epochs = 2;
    ModelInfo info;
    info.name = "tiny";
    info.epochs_trained = 2;
    return make_model_file(net, t, info);
}

// The images as rows of inputs in [0, 1].
Matrix to_rows(const Dataset& d) {
    Matrix x(static_cast<Eigen::Index>(d.size()), 784);
    for (std::size_t i = 0; i < d.size(); ++i)
        for (int p = 0; p < 784; ++p) x(static_cast<Eigen::Index>(i), p) = d.image(i)[p] / 255.0f;
    return x;
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Page objects ("/Type /Page", not the "/Type /Pages" tree) and image objects in the PDF.
int pageObjects(const QByteArray& pdf) { return int(pdf.count("/Type /Page\n")) + int(pdf.count("/Type /Page ")) + int(pdf.count("/Type /Page/")); }
int imageObjects(const QByteArray& pdf) { return int(pdf.count("/Subtype /Image")); }

}  // namespace

class TestRunReport : public QObject {
    Q_OBJECT
private slots:
    void pagesAndContent_data() {
        QTest::addColumn<bool>("withTest");
        QTest::addColumn<bool>("withHistory");
        QTest::addColumn<int>("quizRounds");
        QTest::addColumn<int>("pages");
        QTest::newRow("model and test set") << true << false << 0 << 3;
        QTest::newRow("with history") << true << true << 0 << 3;
        QTest::newRow("with quiz rounds") << true << true << 3 << 4;
        QTest::newRow("no test set") << false << false << 0 << 3;
    }
    void pagesAndContent() {
        QFETCH(bool, withTest);
        QFETCH(bool, withHistory);
        QFETCH(int, quizRounds);
        QFETCH(int, pages);
        const Dataset test = randomTest();
        RunReportInput in;
        in.model = smallModel();
        in.test = withTest ? &test : nullptr;
        if (withHistory) {
            History h;
            for (int e = 0; e < 2; ++e) {
                for (int b = 0; b < 5; ++b) {
                    BatchStats s;
                    s.epoch = e;
                    s.batch = b;
                    s.batches_per_epoch = 5;
                    s.loss = s.smoothed_loss = 2.0 - 0.1 * (e * 5 + b);
                    s.accuracy = s.smoothed_accuracy = 0.1 + 0.05 * (e * 5 + b);
                    h.batches.push_back(s);
                }
                EpochStats es;
                es.epoch = e;
                es.loss = 1.5 - 0.5 * e;
                es.accuracy = 0.3 + 0.2 * e;
                es.has_validation = true;
                es.val_loss = 1.6 - 0.5 * e;
                es.val_accuracy = 0.28 + 0.2 * e;
                h.epochs.push_back(es);
            }
            in.history = h;
        }
        for (int i = 0; i < quizRounds; ++i) in.quiz.push_back({QDateTime::currentDateTime(), 20, 18 - i, 17, 1});

        QTemporaryDir dir;
        const QString path = dir.filePath("report.pdf");
        RunReportResult r;
        QString error;
        QVERIFY2(writeRunReport(path, in, &r, &error), qPrintable(error));
        QCOMPARE(r.pages, pages);
        const QByteArray pdf = readAll(path);
        QVERIFY(pdf.startsWith("%PDF-1."));
        QVERIFY(pdf.trimmed().endsWith("%%EOF"));
        QCOMPARE(pageObjects(pdf), pages);
        if (withTest) {
            // The accuracy is evaluate()'s, and each mistake shown is one thumbnail image.
            auto net = network_from_file(in.model);
            const EvalResult e = evaluate(*net, test, in.model.training.loss);
            QCOMPARE(r.accuracy, e.accuracy);
            QCOMPARE(r.mistakes, int(std::lround((1 - e.accuracy) * 300)));
            QCOMPARE(r.mistakesShown, std::min(30, r.mistakes));
            QVERIFY(r.mistakesShown == 30);  // an untrained network on random images
            QCOMPARE(imageObjects(pdf), r.mistakesShown);
        } else {
            QCOMPARE(r.accuracy, -1.0);
            QCOMPARE(imageObjects(pdf), 0);
        }
        // Nothing but the report in the folder: no temporary left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"report.pdf"});
    }

    void notADigitOutputIsCountedApart() {
        // A model with an 11th "not a digit" output (bias 0.5 on it): the images it gives to it
        // are counted, and the matrix and mistakes rank the ten digits, as the Errors page does.
        Network net(ModelSpec{Shape{784}, {LayerSpec::dense(11, Activation::Softmax)}}, 4);
        net.parameters().back() = 0.5f;
        TrainConfig t;
        t.loss.kind = LossKind::SparseCategoricalCrossentropy;
        RunReportInput in;
        in.model = make_model_file(net, t, ModelInfo{});
        const Dataset test = randomTest();
        in.test = &test;
        QTemporaryDir dir;
        RunReportResult r;
        QString error;
        QVERIFY2(writeRunReport(dir.filePath("r.pdf"), in, &r, &error), qPrintable(error));
        const Matrix p = net.predict(to_rows(test));
        int notADigit = 0, digitMistakes = 0;
        for (Eigen::Index i = 0; i < p.rows(); ++i) {
            Eigen::Index top = 0, best = 0;
            p.row(i).maxCoeff(&top);
            p.row(i).head(10).maxCoeff(&best);
            notADigit += top == 10;
            digitMistakes += best != test.labels[static_cast<std::size_t>(i)];
        }
        QVERIFY(notADigit > 0);
        QCOMPARE(r.notADigit, notADigit);
        QCOMPARE(r.mistakes, digitMistakes);
        QCOMPARE(r.pages, 3);
    }

    void failedWriteKeepsTheOldFile() {
        QTemporaryDir dir;
        RunReportInput in;
        in.model = smallModel();
        QString error;
        // A folder that does not exist: refused, naming the path.
        const QString missing = dir.filePath("no/such/folder/r.pdf");
        QVERIFY(!writeRunReport(missing, in, nullptr, &error));
        QVERIFY2(error.contains(missing), qPrintable(error));
        QVERIFY(!QFile::exists(missing));
        // A folder where the file should be: refused, the folder stays.
        QVERIFY(QDir(dir.path()).mkdir("taken.pdf"));
        QVERIFY(!writeRunReport(dir.filePath("taken.pdf"), in, nullptr, &error));
        QVERIFY(QFileInfo(dir.filePath("taken.pdf")).isDir());
        // A model that cannot be built: refused before anything is written; the old file stays.
        const QString path = dir.filePath("old.pdf");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("old");
        }
        RunReportInput bad = in;
        bad.model.parameters.resize(3);  // does not match the network
        const Dataset test = randomTest();
        bad.test = &test;
        QVERIFY(!writeRunReport(path, bad, nullptr, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QCOMPARE(readAll(path), QByteArray("old"));
    }
};

QTEST_MAIN(TestRunReport)
#include "tst_run_report.moc"
