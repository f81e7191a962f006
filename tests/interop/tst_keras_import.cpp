// Keras models in: files written in Keras's exact layouts by tests/interop/make_keras_fixtures.py
// (Keras 2 .h5, Keras 3 legacy .h5, .keras, .weights.h5) must give the outputs of that script's
// independent numpy forward pass to 1e-5; unsupported or damaged files are refused with a
// FileError that names the problem, and never crash.
#include "errors.h"
#include "hdf5_file.h"
#include "keras_import.h"
#include "network.h"
#include "presets.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>

using namespace digit;
using namespace digit::interop;

namespace {

QString fixtures() { return qEnvironmentVariable("DIGIT_KERAS_FIXTURES"); }
std::string fixture(const QString& name) { return (fixtures() + "/" + name).toStdString(); }

// int32 rows, int32 cols, then float32 values (the script's write_bin).
Matrix read_bin(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::int32_t dims[2] = {};
    in.read(reinterpret_cast<char*>(dims), sizeof dims);
    std::vector<float> v(static_cast<std::size_t>(dims[0]) * dims[1]);
    in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
    if (!in) return {};
    Matrix m(dims[0], dims[1]);
    for (std::size_t i = 0; i < v.size(); ++i) m.data()[i] = v[i];
    return m;
}

// The model's probabilities for the fixtures' inputs, and the script's expected ones (a softmax
// of its output when the Keras model ends in logits).
double max_difference(const ModelFile& model, const QString& name) {
    const Matrix x = read_bin(fixture("inputs.bin"));
    Matrix expected = read_bin(fixture(name + ".expected"));
    if (x.size() == 0 || expected.size() == 0) return 1e9;
    auto net = network_from_file(model);
    const Matrix p = net->predict(x);
    const bool logits = model.spec.layers.back().activation != Activation::Softmax;
    if (logits) softmax_rows(expected, expected);
    if (p.rows() != expected.rows() || p.cols() != expected.cols()) return 1e9;
    return (p - expected).cwiseAbs().maxCoeff();
}

}  // namespace

class TestKerasImport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (fixtures().isEmpty()) QSKIP("DIGIT_KERAS_FIXTURES is not set (run through CTest)");
        QVERIFY2(QFile::exists(fixtures() + "/inputs.bin"), "run tests/interop/make_keras_fixtures.py first");
    }

    void matchesNumpy_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("format");
        for (const char* m : {"mlp", "cnn", "bn", "func"}) {
            QTest::addRow("%s Keras 2 .h5", m) << m << QString(m) + ".keras2.h5" << int(KerasFormat::Keras2H5);
            QTest::addRow("%s Keras 3 legacy .h5", m) << m << QString(m) + ".keras3.h5" << int(KerasFormat::Keras3LegacyH5);
            QTest::addRow("%s .keras", m) << m << QString(m) + ".keras" << int(KerasFormat::KerasZip);
        }
    }
    void matchesNumpy() {
        QFETCH(QString, model);
        QFETCH(QString, file);
        QFETCH(int, format);
        const KerasImport imp = import_keras_model(fixture(file));
        QCOMPARE(int(imp.format), format);
        const double diff = max_difference(imp.model, model);
        qInfo("%s: max |p - p_numpy| = %.3g over 8 inputs x 10 classes", qPrintable(file), diff);
        QVERIFY2(diff <= 1e-5, qPrintable(QString::number(diff)));
    }

    // The cnn fixture is the cnn-32-64 preset's network: its bare weights load into the preset.
    void weightsIntoPreset_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("Keras 3 .weights.h5") << "cnn.weights.h5";
        QTest::newRow("Keras 2 model_weights") << "cnn.keras2.h5";
    }
    void weightsIntoPreset() {
        QFETCH(QString, file);
        ModelFile m;
        m.spec = find_preset("cnn-32-64")->model;
        m.parameters = import_keras_weights(fixture(file), m.spec);
        QVERIFY(max_difference(m, "cnn") <= 1e-5);
    }
    void weightsIntoImportedArchitecture() {
        // The batch-norm network, built from its own import, takes its .weights.h5.
        ModelFile m = import_keras_model(fixture("bn.keras")).model;
        const std::vector<float> imported = m.parameters;
        m.parameters = import_keras_weights(fixture("bn.weights.h5"), m.spec);
        QVERIFY(m.parameters == imported);
    }
    void functionalWeightsIntoImportedArchitecture() {
        // The functional network's Keras 3 weights file (its Dense and Conv2D without a bias).
        ModelFile m = import_keras_model(fixture("func.keras2.h5")).model;
        const std::vector<float> imported = m.parameters;
        m.parameters = import_keras_weights(fixture("func.weights.h5"), m.spec);
        QVERIFY(m.parameters == imported);
    }
    void weightsForAnotherNetworkAreRefused() {
        try {
            import_keras_weights(fixture("mlp.weights.h5"), find_preset("mlp-512")->model);
            QFAIL("weights of another network were accepted");
        } catch (const FileError& e) {
            QVERIFY2(std::string(e.what()).find("wrong shape") != std::string::npos ||
                         std::string(e.what()).find("weights") != std::string::npos, e.what());
        }
    }

    void mapsLayersAndSettings() {
        const ModelFile bn = import_keras_model(fixture("bn.keras2.h5")).model;
        QCOMPARE(bn.spec.input, (Shape{28, 28, 1}));  // Reshape of the 784 input
        QCOMPARE(bn.spec.layers.size(), std::size_t(10));
        QCOMPARE(bn.spec.layers[0].kind, LayerKind::Conv2D);
        QCOMPARE(bn.spec.layers[0].stride, 2);
        QCOMPARE(bn.spec.layers[0].padding, Padding::Same);
        QCOMPARE(bn.spec.layers[1].kind, LayerKind::BatchNormalization);
        // training_config names categorical_crossentropy by string: from_logits follows the linear output.
        QVERIFY(bn.training.loss.from_logits);
        QCOMPARE(bn.training.loss.kind, LossKind::CategoricalCrossentropy);
        const ModelFile mlp = import_keras_model(fixture("mlp.keras2.h5")).model;
        QCOMPARE(mlp.spec.input, Shape{784});
        QCOMPARE(mlp.spec.layers[1].kind, LayerKind::Dropout);
        QCOMPARE(mlp.spec.layers[1].rate, 0.2f);
        QCOMPARE(mlp.info.name, std::string("mlp.keras2"));
    }
    // keras.Model(inputs, outputs) of a single chain: the Sequential model of the chain, and the
    // layers saved with use_bias=False get a zero bias.
    void mapsFunctionalChain_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("Keras 2 .h5") << "func.keras2.h5";
        QTest::newRow("Keras 3 legacy .h5") << "func.keras3.h5";
        QTest::newRow(".keras") << "func.keras";
    }
    void mapsFunctionalChain() {
        QFETCH(QString, file);
        const ModelFile m = import_keras_model(fixture(file)).model;
        QCOMPARE(m.spec.input, (Shape{28, 28, 1}));
        const std::vector<LayerKind> kinds = {LayerKind::Conv2D, LayerKind::MaxPooling2D, LayerKind::Flatten, LayerKind::Dropout,
                                              LayerKind::Dense, LayerKind::Activation, LayerKind::Dense};
        QCOMPARE(m.spec.layers.size(), kinds.size());
        for (std::size_t i = 0; i < kinds.size(); ++i) QCOMPARE(m.spec.layers[i].kind, kinds[i]);
        // conv2d: 3*3*1*8 kernel, then its 8 biases; dense: 1352*32 kernel, then 32 biases.
        const std::size_t conv_bias = 72, dense_bias = 80 + 1352 * 32;
        for (std::size_t i = 0; i < 8; ++i) QCOMPARE(m.parameters[conv_bias + i], 0.0f);
        for (std::size_t i = 0; i < 32; ++i) QCOMPARE(m.parameters[dense_bias + i], 0.0f);
        QVERIFY(m.parameters[conv_bias - 1] != 0.0f && m.parameters[dense_bias - 1] != 0.0f);
        QVERIFY(m.parameters[dense_bias + 32] != 0.0f);  // dense_1's kernel: read from the file
    }

    void takesTheOptimiserFromTheFile() {
        const KerasImport k2 = import_keras_model(fixture("mlp.keras2.h5"));  // training_config: RMSprop
        QVERIFY(k2.training_from_file);
        QCOMPARE(k2.model.training.optimizer.kind, OptimizerKind::RMSprop);
        QCOMPARE(k2.model.training.loss.kind, LossKind::CategoricalCrossentropy);
        const KerasImport k3 = import_keras_model(fixture("mlp.keras"));  // compile_config: Adam 5e-4
        QCOMPARE(k3.model.training.optimizer.kind, OptimizerKind::Adam);
        QCOMPARE(k3.model.training.optimizer.learning_rate, 0.0005f);
        QCOMPARE(k3.model.training.loss.kind, LossKind::SparseCategoricalCrossentropy);
        QCOMPARE(k3.keras_version, std::string("3.3.3"));
    }

    // Training an imported batch-norm network further moves its moving statistics by Keras's
    // momentum rule (1% towards the batch's) instead of replacing them with the first batch's, as
    // a freshly initialised layer does.
    void importedBatchNormKeepsItsStatistics() {
        const ModelFile m = import_keras_model(fixture("bn.keras")).model;
        const Matrix x = read_bin(fixture("inputs.bin"));
        const std::size_t mm = 80 + 16;  // conv2d: 3*3*1*8 + 8 weights; then gamma (8), beta (8), moving mean (8)
        Network loaded(m.spec), fresh(m.spec);
        loaded.set_parameters(std::vector<Scalar>(m.parameters.begin(), m.parameters.end()));
        std::copy(m.parameters.begin(), m.parameters.end(), fresh.parameters().begin());  // bypasses set_parameters
        loaded.forward_scores(x, true);
        fresh.forward_scores(x, true);
        for (std::size_t c = 0; c < 8; ++c) {
            const double old = m.parameters[mm + c];
            const double moved = loaded.parameters()[mm + c] - old, replaced = fresh.parameters()[mm + c] - old;
            QVERIFY2(std::abs(moved - 0.01 * replaced) <= 1e-6 + 1e-4 * std::abs(replaced), qPrintable(QString::number(moved)));
        }
    }

    void refusesUnsupported_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("fragment");
        QFile list(fixtures() + "/bad_cases.txt");
        QVERIFY(list.open(QIODevice::ReadOnly));
        while (!list.atEnd()) {
            const QStringList parts = QString::fromUtf8(list.readLine()).trimmed().split('\t');
            if (parts.size() == 2) QTest::newRow(qPrintable(parts[0])) << parts[0] << parts[1];
        }
    }
    void refusesUnsupported() {
        QFETCH(QString, file);
        QFETCH(QString, fragment);
        try {
            import_keras_model(fixture(file));
            QFAIL("an unsupported or damaged file was imported");
        } catch (const FileError& e) {
            QCOMPARE(QString::fromStdString(e.path()).section(':', 0, 0), QString::fromStdString(fixture(file)));
            QVERIFY2(std::string(e.what()).find(fragment.toStdString()) != std::string::npos, e.what());
        }
    }
    void unsupportedLayerMessageSaysWhatIsSupported() {
        try {
            import_keras_model(fixture("bad_lstm.h5"));
            QFAIL("accepted");
        } catch (const FileError& e) {
            QVERIFY2(std::string(e.what()).find("Sequential models of InputLayer, Dense, Conv2D") != std::string::npos, e.what());
        }
    }

    // Damaged bytes: every truncation point and flipped bytes give a FileError, never a crash.
    void damagedBytes_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("Keras 2 .h5") << "bn.keras2.h5";
        QTest::newRow(".keras") << "bn.keras";
        QTest::newRow("legacy .h5") << "mlp.keras3.h5";
    }
    void damagedBytes() {
        QFETCH(QString, file);
        QFile f(fixtures() + "/" + file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray good = f.readAll();
        const std::string path = fixture(file);
        int refused = 0, accepted = 0, stopped = 0;
        auto attempt = [&](const std::string& bytes) {
            try {
                KerasImport k = import_keras_model_bytes(bytes, path);
                ++accepted;  // a flip inside a weight's bytes still makes a readable model
                QVERIFY(!k.model.parameters.empty());
            } catch (const FileError& e) {
                ++refused;
                QCOMPARE(e.path().substr(0, path.size()), path);
                // libhdf5 crashed, looped or ran out of its allowance in the reading process.
                if (std::string(e.what()).find("the HDF5 library") != std::string::npos) ++stopped;
            }
        };
        for (int cut = 0; cut < 64; ++cut) attempt(std::string(good.constData(), static_cast<std::size_t>(good.size()) * cut / 64));
        std::uint64_t state = 12345;
        for (int round = 0; round < 200; ++round) {
            std::string bad(good.constData(), static_cast<std::size_t>(good.size()));
            for (int k = 0; k < 8; ++k) {
                state = state * 6364136223846793005ull + 1442695040888963407ull;
                // The first 4 KiB hold the HDF5 superblock, object headers and the zip header.
                const std::size_t at = (state >> 33) % std::min<std::size_t>(bad.size(), round % 2 ? bad.size() : 4096);
                bad[at] = static_cast<char>(bad[at] ^ (1 + (state >> 20) % 255));
            }
            attempt(bad);
        }
        qInfo("%s: %d damaged copies refused (%d of them by stopping the HDF5 reading process), %d still readable",
              qPrintable(file), refused, stopped, accepted);
        QVERIFY(refused >= 64);
    }
    // Files on which libhdf5 itself hangs (found by fuzz_keras: H5Aread of a variable-length string
    // attribute loops in H5HG_read). The reading process is stopped by the wall-clock limit or by
    // its CPU-time limit, the error names the file and says why, and the caller goes on.
    void hostileHdf5IsStopped_data() {
        QTest::addColumn<int>("answerMs");
        QTest::addColumn<int>("cpuSeconds");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("wall-clock limit") << 1500 << 30 << "did not finish reading attribute 'model_config' of the root group within 1.5 s";
        QTest::newRow("CPU-time limit") << 60000 << 1 << "CPU-time allowance (1 s) reading attribute 'model_config'";
    }
    void hostileHdf5IsStopped() {
        QFETCH(int, answerMs);
        QFETCH(int, cpuSeconds);
        QFETCH(QString, fragment);
        const Hdf5ReadLimits saved = hdf5_read_limits();
        Hdf5ReadLimits limits = saved;
        limits.answer_ms = answerMs;
        limits.cpu_seconds = cpuSeconds;
        set_hdf5_read_limits(limits);
        const std::string path = DIGIT_HOSTILE_DIR "/fuzz_keras-hdf5-vlen-attribute-hang.h5";
        QElapsedTimer timer;
        timer.start();
        try {
            import_keras_model(path);
            set_hdf5_read_limits(saved);
            QFAIL("the hostile file was imported");
        } catch (const FileError& e) {
            set_hdf5_read_limits(saved);
            qInfo("stopped after %lld ms: %s", timer.elapsed(), e.what());
            QCOMPARE(e.path(), path);
            QVERIFY2(std::string(e.what()).find(fragment.toStdString()) != std::string::npos, e.what());
        }
        // CPU time runs slower than the clock on a loaded machine: allow for it, not for a hang.
        QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed())));
        // The importer still works afterwards.
        QVERIFY(!import_keras_model(fixture("mlp.keras2.h5")).model.parameters.empty());
    }

    void notAModel() {
        for (const std::string& bytes : {std::string(), std::string("hello"), std::string(1000, '\0'), std::string("PK\x03\x04garbage")}) {
            try {
                import_keras_model_bytes(bytes, "x.h5");
                QFAIL("accepted");
            } catch (const FileError& e) {
                QCOMPARE(e.path(), std::string("x.h5"));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestKerasImport)
#include "tst_keras_import.moc"
