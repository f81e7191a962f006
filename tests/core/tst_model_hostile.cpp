// Model files are untrusted input: a crafted .dsm whose checksum is valid but whose header is
// hostile must be refused with a FileError that names the file and the problem, before anything
// is allocated, and never read or write out of bounds (this suite also runs under ASan/UBSan).
// The files are made here byte by byte, after the layout in core/model_io.h, with their own
// CRC-32, so the test does not trust the writer it checks.
#include "errors.h"
#include "model_io.h"
#include "network.h"
#include "presets.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace digit;

Q_DECLARE_METATYPE(digit::ModelSpec)

namespace {

// CRC-32 (IEEE 802.3, reflected, as zlib's crc32), bit by bit.
std::uint32_t crc32_of(const QByteArray& bytes) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (char ch : bytes) {
        crc ^= static_cast<unsigned char>(ch);
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void put_le(QByteArray& out, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.append(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// A complete, checksummed model file: magic, version 1, the header text, the parameter count
// and `weights` (zeros unless given), CRC-32.
QByteArray craft(const QByteArray& header, std::uint64_t count, const std::vector<float>& weights = {}) {
    QByteArray b("DGTMODEL");
    put_le(b, 1, 4);
    put_le(b, static_cast<std::uint64_t>(header.size()), 4);
    b += header;
    put_le(b, count, 8);
    for (std::uint64_t i = 0; i < weights.size() && i < count; ++i) {
        std::uint32_t u;
        std::memcpy(&u, &weights[i], 4);
        put_le(b, u, 4);
    }
    if (count > weights.size()) b.append(QByteArray(static_cast<qsizetype>(4 * (count - weights.size())), '\0'));
    put_le(b, crc32_of(b), 4);
    return b;
}

QByteArray header(const QByteArray& input, const QList<QByteArray>& layers, const QByteArray& extra = {}) {
    QByteArray h = "input = " + input + "\nlayers = " + QByteArray::number(layers.size()) + "\n";
    for (int i = 0; i < layers.size(); ++i) h += "layer." + QByteArray::number(i) + " = " + layers[i] + "\n";
    return h + extra;
}

const QByteArray kSoftmax10 = "Dense units=10 activation=softmax l2=0";
// 784 -> 10: 7850 parameters.
QByteArray small_header(const QByteArray& extra = {}) { return header("784", {kSoftmax10}, extra); }

}  // namespace

class TestModelHostile : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

    void expect_refused(const QString& name, const QByteArray& bytes, const QString& fragment) {
        const QString path = dir_.filePath(name + ".dsm");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            QCOMPARE(f.write(bytes), bytes.size());
        }
        try {
            ModelFile m = load_model(path.toStdString());
            network_from_file(m);  // nothing may get this far
            QFAIL("a hostile model file was accepted");
        } catch (const FileError& e) {
            QCOMPARE(QString::fromStdString(e.path()), path);
            QVERIFY2(QString::fromUtf8(e.what()).contains(fragment), e.what());
        }
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    // The crafted headers of issue 9, and their relatives. Each has a valid checksum.
    void hostileHeaderIsRefused_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("fragment");
        auto row = [](const char* name, const QByteArray& h, std::uint64_t count, const char* fragment) {
            QTest::newRow(name) << craft(h, count) << QString::fromLatin1(fragment);
        };
        // BatchNormalization whose size is -1, or wraps to 0 in 32 bits: crashed with SIGSEGV.
        row("batch norm of size -1", header("28,28,-1", {"BatchNormalization", "Flatten", kSoftmax10}), 7850, "'input' = -1 is out of range");
        row("batch norm, size wraps to 0", header("65536,65536,1", {"BatchNormalization", "Flatten", kSoftmax10}), 10, "values per sample");
        row("batch norm on a 1-d size -1", header("-1", {"BatchNormalization", kSoftmax10}), 10, "out of range");
        // Float-to-int overflows in header fields (the fuzzer's finds).
        row("input = 6777777777", header("6777777777", {kSoftmax10}), 10, "'input' = 6777777777 is out of range");
        row("input = 1e10", header("1e10", {kSoftmax10}), 10, "'input' should be a whole number");
        row("units = 1e10", header("784", {"Dense units=1e10 activation=relu l2=0", kSoftmax10}), 10, "should be a whole number");
        row("units = 1e9", header("784", {"Dense units=1000000000 activation=relu l2=0", kSoftmax10}), 10, "out of range");
        row("batch_size = 1e300", small_header("batch_size = 1e300\n"), 7850, "'batch_size' should be a whole number");
        row("batch_size = 2^40", small_header("batch_size = 1099511627776\n"), 7850, "'batch_size' = 1099511627776 is out of range");
        row("epochs = -1", small_header("epochs = -1\n"), 7850, "'epochs' = -1 is out of range");
        row("seed = 2^64", small_header("seed = 18446744073709551616\n"), 7850, "'seed' should be a whole number");
        row("learning rate = inf", small_header("optimizer.learning_rate = inf\n"), 7850, "out of range");
        row("learning rate = 1e300", small_header("optimizer.learning_rate = 1e300\n"), 7850, "out of range");
        row("rate = nan", header("784", {"Dropout rate=nan", kSoftmax10}), 7850, "out of range");
        row("number with a space", header(" 784", {kSoftmax10}), 7850, "should be a whole number");
        row("number with a plus", header("+784", {kSoftmax10}), 7850, "should be a whole number");
        row("layers = 1e9", "input = 784\nlayers = 1000000000\n", 0, "'layers' = 1000000000 is out of range");
        // Sizes the loader used to allocate before noticing the file has no weights for them.
        row("Conv2D of two billion filters",
            header("28,28,1", {"Conv2D filters=2000000000 kernel=3 stride=1 padding=valid activation=relu l2=0", "Flatten", kSoftmax10}), 10,
            "out of range");
        row("Conv2D kernel of two billion",
            header("28,28,1", {"Conv2D filters=8 kernel=2000000000 stride=1 padding=same activation=relu l2=0", "Flatten", kSoftmax10}), 10,
            "out of range");
        row("Dense of 300,000 units", header("784", {"Dense units=300000 activation=relu l2=0", kSoftmax10}), 10, "out of range");
        row("Dense of 60,000 units, 10 weights", header("784", {"Dense units=60000 activation=relu l2=0", kSoftmax10}), 10,
            "needs 47700010 parameters but the file holds 10");
        row("huge input shape", header("4096,4096,3", {"Flatten", kSoftmax10}), 10, "values per sample");
        row("parameters beyond the limit",
            header("4000000", {"Dense units=60000 activation=relu l2=0", kSoftmax10}), 10, "more than the 1073741824 a model may have");
        // 'same'-padded Conv2D of a negative size: a heap overflow in the micro-kernel.
        row("same conv on a negative size",
            header("-28,-28,1", {"Conv2D filters=32 kernel=3 stride=1 padding=same activation=relu l2=0", "Flatten", kSoftmax10}), 10,
            "'input' = -28 is out of range");
        // Signed overflow in Conv2D's and MaxPooling2D's output shapes.
        row("Conv2D stride 2^31-1",
            header("28,28,1", {"Conv2D filters=8 kernel=3 stride=2147483647 padding=same activation=relu l2=0", "Flatten", kSoftmax10}), 10,
            "out of range");
        row("MaxPooling2D stride 2^31-1", header("28,28,1", {"MaxPooling2D pool=2 stride=2147483647 padding=same", "Flatten", kSoftmax10}),
            10, "out of range");
        row("MaxPooling2D pool 2^31-1", header("28,28,1", {"MaxPooling2D pool=2147483647 stride=1 padding=valid", "Flatten", kSoftmax10}),
            10, "out of range");
        // Architectures that cannot work at all.
        row("pool larger than the image", header("4,4,1", {"MaxPooling2D pool=8 stride=0 padding=valid", "Flatten", kSoftmax10}), 10,
            "does not fit");
        row("Dense on an image", header("28,28,1", {kSoftmax10}), 7850, "add a Flatten layer");
        row("four-dimensional input", header("2,2,2,2", {"Flatten", kSoftmax10}), 170, "1 to 3 dimensions");
        row("empty input dimension", header("28,,1", {"Flatten", kSoftmax10}), 7850, "should be a whole number");
        row("unknown layer", header("784", {"Magic units=10", kSoftmax10}), 10, "unknown layer type");
    }
    void hostileHeaderIsRefused() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, fragment);
        expect_refused(QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_').replace(',', '_').replace('^', '_'), bytes, fragment);
    }

    // NaN and infinite weights were accepted and the model predicted. The message names the
    // layer and points at the weight's byte.
    void nonFiniteWeightsAreRefused_data() {
        QTest::addColumn<float>("value");
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("fragment");
        const QString in_second = QStringLiteral("(in layer 2, Dense)");
        QTest::newRow("NaN in the first layer") << std::numeric_limits<float>::quiet_NaN() << 5 << "(in layer 1, Dense) is NaN";
        QTest::newRow("+inf in the last layer") << std::numeric_limits<float>::infinity() << 100480 + 17 << in_second;
        QTest::newRow("-inf, last weight") << -std::numeric_limits<float>::infinity() << 100480 + 1290 - 1 << "is infinite";
    }
    void nonFiniteWeightsAreRefused() {
        QFETCH(float, value);
        QFETCH(int, index);
        QFETCH(QString, fragment);
        // 784 -> 128 relu (100,480 parameters) -> 10 softmax (1,290).
        const QByteArray h = header("784", {"Dense units=128 activation=relu l2=0", kSoftmax10});
        std::vector<float> w(100480 + 1290, 0.01f);
        w[static_cast<std::size_t>(index)] = value;
        const QByteArray bytes = craft(h, w.size(), w);
        expect_refused(QStringLiteral("nonfinite"), bytes, fragment);
        // The byte offset is the weight's own: 16 + header + 8 + 4 * index.
        const std::int64_t at = 16 + h.size() + 8 + 4 * static_cast<std::int64_t>(index);
        try {
            load_model(dir_.filePath("nonfinite.dsm").toStdString());
        } catch (const FileError& e) {
            QCOMPARE(e.offset(), at);
        }
    }

    // The crafted file's twin with sane numbers loads: the craft itself is right.
    void craftedSaneFileLoads() {
        const QString path = dir_.filePath("sane.dsm");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(craft(small_header("batch_size = 64\nseed = 18446744073709551615\n"), 7850));
        f.close();
        ModelFile m = load_model(path.toStdString());
        QCOMPARE(m.training.batch_size, 64);
        QCOMPARE(m.training.seed, std::numeric_limits<std::uint64_t>::max());  // exact, not through a double
        auto net = network_from_file(m);
        QCOMPARE(net->parameter_count(), std::size_t(7850));
    }

    // The same specs built directly, as the UI's network editor could: ConfigError, never an
    // overflow or an out-of-bounds write (BatchNormalization::initialize, Network's offsets).
    void impossibleSpecIsAConfigError_data() {
        QTest::addColumn<ModelSpec>("spec");
        QTest::addColumn<QString>("fragment");
        auto flat10 = [](std::vector<LayerSpec> l) {
            l.push_back(LayerSpec::flatten());
            l.push_back(LayerSpec::dense(10, Activation::Softmax));
            return l;
        };
        QTest::newRow("batch norm, channels -1") << ModelSpec{Shape{28, 28, -1}, flat10({LayerSpec::batch_normalization()})}
                                                 << "dimension of -1";
        QTest::newRow("batch norm, channels 0") << ModelSpec{Shape{28, 28, 0}, flat10({LayerSpec::batch_normalization()})}
                                                << "dimension of 0";
        QTest::newRow("negative height, 'same' conv")
            << ModelSpec{Shape{-28, -28, 1}, flat10({LayerSpec::conv2d(32, 3, Activation::Relu, 1, Padding::Same)})} << "dimension of -28";
        QTest::newRow("conv stride 2^31-1")
            << ModelSpec{Shape{28, 28, 1}, flat10({LayerSpec::conv2d(8, 3, Activation::Relu, 2147483647, Padding::Same)})}
            << "stride must be from 1 to 1024";
        QTest::newRow("conv kernel 2^31-1")
            << ModelSpec{Shape{28, 28, 1}, flat10({LayerSpec::conv2d(8, 2147483647, Activation::Relu, 1, Padding::Same)})}
            << "kernel size must be from 1 to 1024";
        LayerSpec pool = LayerSpec::max_pooling2d(2, 2147483647);
        pool.padding = Padding::Same;
        QTest::newRow("pool stride 2^31-1") << ModelSpec{Shape{28, 28, 1}, flat10({pool})} << "stride must be from 0";
        QTest::newRow("input wraps to 0") << ModelSpec{Shape{65536, 65536, 1}, flat10({})} << "values per sample";
        QTest::newRow("flatten of a wrapping size") << ModelSpec{Shape{2000, 2000, 2000}, flat10({})} << "values per sample";
        QTest::newRow("dense of 2^31-1 units") << ModelSpec{Shape{784}, {LayerSpec::dense(2147483647)}} << "units must be from 1";
        QTest::newRow("too many parameters") << ModelSpec{Shape{4000000}, {LayerSpec::dense(60000), LayerSpec::dense(10)}}
                                             << "a model may have";
    }
    void impossibleSpecIsAConfigError() {
        QFETCH(ModelSpec, spec);
        QFETCH(QString, fragment);
        try {
            Network net(spec);
            QFAIL("an impossible spec was built");
        } catch (const ConfigError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(fragment), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(ConfigError, plan_model(spec));
    }

    // plan_model agrees with the network it plans, for every preset.
    void planMatchesTheNetwork() {
        for (const auto& p : presets()) {
            const ModelPlan plan = plan_model(p.model);
            Network net(p.model, 1);
            QCOMPARE(plan.parameters, net.parameter_count());
            QVERIFY(plan.layer_parameters == net.layer_parameter_counts());
            QVERIFY(plan.shapes == net.layer_output_shapes());
        }
    }

    // Models this program writes always load again: non-finite weights are not saved.
    void nonFiniteWeightsAreNotSaved() {
        const Preset* p = find_preset("mlp-512");
        Network net(p->model, 1);
        ModelFile m = make_model_file(net, p->training, {});
        m.parameters[3] = std::numeric_limits<float>::quiet_NaN();
        const QString path = dir_.filePath("nan.dsm");
        QVERIFY_THROWS_EXCEPTION(FileError, save_model(path.toStdString(), m));
        QVERIFY(!QFile::exists(path));
    }

    // A model that loads but is too large for the memory left becomes a FileError naming the
    // file, not std::bad_alloc (simulated with an address-space limit; skipped under ASan,
    // whose shadow memory needs the address space).
    void allocationFailureIsAFileError() {
#if defined(__SANITIZE_ADDRESS__)
        QSKIP("an address-space limit and AddressSanitizer do not mix");
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
        QSKIP("an address-space limit and AddressSanitizer do not mix");
#endif
#endif
        // A Dense 784 -> 20000 (15.9 M parameters, 64 MB of weights) and a 100 MB address-space
        // budget above what the process already has: the file's bytes and the weights do not fit.
        const QByteArray h = header("784", {"Dense units=20000 activation=relu l2=0", "Dense units=10 activation=softmax l2=0"});
        const std::uint64_t n = 784ull * 20000 + 20000 + 20000ull * 10 + 10;
        const QString path = dir_.filePath("big.dsm");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(craft(h, n));
        }
        QFile statm("/proc/self/statm");
        QVERIFY(statm.open(QIODevice::ReadOnly));
        const qint64 pages = statm.readAll().split(' ').value(0).toLongLong();
        const rlim_t now = static_cast<rlim_t>(pages) * 4096;
        rlimit old{};
        getrlimit(RLIMIT_AS, &old);
        rlimit tight = old;
        tight.rlim_cur = now + (100ull << 20);
        QCOMPARE(setrlimit(RLIMIT_AS, &tight), 0);
        QString message;
        try {
            ModelFile m = load_model(path.toStdString());
            auto net = network_from_file(m);
        } catch (const FileError& e) {
            message = QString::fromUtf8(e.what());
        } catch (const std::exception& e) {
            message = QStringLiteral("other exception: ") + QString::fromUtf8(e.what());
        }
        setrlimit(RLIMIT_AS, &old);
        QVERIFY2(message.contains(path) && message.contains("memory"), qPrintable(message));
    }
};

QTEST_APPLESS_MAIN(TestModelHostile)
#include "tst_model_hostile.moc"
