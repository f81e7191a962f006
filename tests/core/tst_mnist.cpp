// MNIST loaders against the real files and against broken ones. Reference numbers are facts about
// the published data set (sizes, first labels, class counts, the 0.1307 mean every tutorial
// normalises with), not this loader's own output. Every bad header field, a truncated or padded
// file, bad labels, and gzip and npz variants must raise FileError naming the file, the byte
// offset of the problem and what was expected.
#include "file_bytes.h"
#include "errors.h"
#include "mnist.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <numeric>

using namespace digit;

namespace {

// IDX files: images (count, rows, cols) of pixel value 7, payload bytes overridable; labels of one value.
QByteArray idxImages(quint32 count, quint32 rows, quint32 cols, qsizetype payload = -1) {
    return be32(0x803) + be32(count) + be32(rows) + be32(cols) +
           QByteArray(payload < 0 ? qsizetype(count) * rows * cols : payload, char(7));
}
QByteArray idxLabels(quint32 count, char value = 3) { return be32(0x801) + be32(count) + QByteArray(qsizetype(count), value); }

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
void write(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    QCOMPARE(f.write(bytes), bytes.size());
}

QByteArray images(int n, char value = 1) { return npy("|u1", "(" + QByteArray::number(n) + ", 28, 28)", QByteArray(n * 784, value)); }
QByteArray labels(int n, char value = 4) { return npy("|u1", "(" + QByteArray::number(n) + ",)", QByteArray(n, value)); }

struct Entry {
    QByteArray name;
    QByteArray data;
    bool deflate = false;
};

// A zip archive like numpy.savez (stored) or savez_compressed (deflated) writes; dataOffsets
// receives where each entry's data starts in the archive.
QByteArray zip(const QList<Entry>& entries, QList<qint64>* dataOffsets = nullptr) {
    QByteArray out, dir;
    for (const auto& e : entries) {
        const QByteArray data = e.deflate ? deflate_with(e.data, -MAX_WBITS) : e.data;
        const quint16 method = e.deflate ? 8 : 0;
        const quint32 crc = quint32(crc32(0, reinterpret_cast<const Bytef*>(e.data.data()), uInt(e.data.size())));
        const quint32 offset = quint32(out.size());
        const QByteArray sizes = le32(crc) + le32(quint32(data.size())) + le32(quint32(e.data.size())) + le16(quint16(e.name.size()));
        out += le32(0x04034b50) + le16(20) + le16(0) + le16(method) + le32(0) + sizes + le16(0) + e.name;
        if (dataOffsets) dataOffsets->append(out.size());
        out += data;
        dir += le32(0x02014b50) + le16(20) + le16(20) + le16(0) + le16(method) + le32(0) + sizes + le16(0) + le16(0) +
               le16(0) + le16(0) + le32(0) + le32(offset) + e.name;
    }
    const quint32 dirOffset = quint32(out.size());
    const quint16 n = quint16(entries.size());
    return out + dir + le32(0x06054b50) + le16(0) + le16(0) + le16(n) + le16(n) + le32(quint32(dir.size())) + le32(dirOffset) + le16(0);
}

QList<Entry> goodEntries() {
    return {{"x_train.npy", images(2)}, {"y_train.npy", labels(2)}, {"x_test.npy", images(2)}, {"y_test.npy", labels(2)}};
}

// Sets an environment variable for one scope and restores it afterwards, even when a check fails.
class EnvGuard {
public:
    EnvGuard(const char* name, const QByteArray& value)
        : name_(name), had_(qEnvironmentVariableIsSet(name)), old_(qgetenv(name)) {
        qputenv(name, value);
    }
    ~EnvGuard() {
        if (had_) qputenv(name_, old_);
        else qunsetenv(name_);
    }

private:
    const char* name_;
    bool had_;
    QByteArray old_;
};

QByteArray bytesOf(const std::vector<std::uint8_t>& v) {
    return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size()));
}

// How many MiB of resident memory f() adds at its peak, measured in a forked child so that the
// test's earlier peaks (real MNIST) cannot hide it; -1 if it cannot be measured. The child starts
// with the parent's pages resident, so its high-water mark grows only by what f touches.
template <class F>
int peak_growth_mib(F&& f) {
    const pid_t pid = fork();
    if (pid == 0) {
        rusage before{}, after{};
        getrusage(RUSAGE_SELF, &before);
        try {
            f();
        } catch (...) {
        }
        getrusage(RUSAGE_SELF, &after);
        _exit(static_cast<int>(std::clamp((after.ru_maxrss - before.ru_maxrss) / 1024, 0L, 250L)));
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

const QByteArray kMissing = "<no such file>";  // in the bad-input table: do not create this file
constexpr qlonglong kAnyOffset = -2;

}  // namespace

class TestMnist : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    MnistData real_;
    QString realDir_;
    QString path(const QString& name) const { return dir_.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        auto where = find_mnist();
        QVERIFY2(where.has_value(), "MNIST not found: run scripts/setup.sh (or set DIGIT_MNIST_DIR)");
        realDir_ = QString::fromStdString(*where);
        real_ = load_mnist(*where);
    }

    void realMnist() {
        const MnistData& m = real_;
        QCOMPARE(m.source, realDir_.toStdString());
        QCOMPARE(m.train.size(), std::size_t(60000));
        QCOMPARE(m.test.size(), std::size_t(10000));
        QCOMPARE(m.train.rows, 28);
        QCOMPARE(m.train.cols, 28);
        QCOMPARE(m.test.rows, 28);
        QCOMPARE(m.test.cols, 28);
        QCOMPARE(m.train.images.size(), std::size_t(60000) * 784);
        QCOMPARE(m.test.images.size(), std::size_t(10000) * 784);
        // The well-known first digits of each set.
        QCOMPARE(std::vector<int>(m.train.labels.begin(), m.train.labels.begin() + 10), (std::vector<int>{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}));
        QCOMPARE(std::vector<int>(m.test.labels.begin(), m.test.labels.begin() + 10), (std::vector<int>{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}));
        // Class counts as published (e.g. 6,742 ones in training, 892 fives in test); they sum to the sizes.
        std::array<int, 10> train{}, test{};
        for (auto l : m.train.labels) ++train[l];
        for (auto l : m.test.labels) ++test[l];
        QCOMPARE(train, (std::array<int, 10>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}));
        QCOMPARE(test, (std::array<int, 10>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));
        QCOMPARE(std::accumulate(train.begin(), train.end(), 0), 60000);
        QCOMPARE(std::accumulate(test.begin(), test.end(), 0), 10000);
        // The training pixels' mean on the 0-1 scale: the 0.1307 of transforms.Normalize((0.1307,), (0.3081,)).
        const double sum = std::accumulate(m.train.images.begin(), m.train.images.end(), 0.0);
        QVERIFY(std::abs(sum / double(m.train.images.size()) / 255.0 - 0.1307) < 1e-4);
    }

    void toBatch() {
        const Dataset& train = real_.train;
        std::vector<std::size_t> order{7, 0, 3, 1};
        Matrix x;
        std::vector<int> y;
        to_batch(train, order, 1, 3, x, y);
        QCOMPARE(x.rows(), Eigen::Index(3));
        QCOMPARE(x.cols(), Eigen::Index(784));
        QCOMPARE(y, (std::vector<int>{5, 1, 0}));
        QVERIFY(x.minCoeff() >= 0 && x.maxCoeff() <= 1);
        QCOMPARE(x.maxCoeff(), Scalar(1));  // MNIST digits have full-ink (255) pixels
        for (int c = 0; c < 784; ++c) QCOMPARE(x(0, c), Scalar(train.image(0)[c]) / Scalar(255));
        // Same batch size: the buffers are reused, not reallocated.
        const Scalar* buffer = x.data();
        const int* labelBuffer = y.data();
        to_batch(train, order, 0, 3, x, y);
        QCOMPARE(x.data(), buffer);
        QCOMPARE(y.data(), labelBuffer);
        QCOMPARE(y, (std::vector<int>{3, 5, 1}));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, to_batch(train, order, 2, 3, x, y));
        std::vector<std::size_t> beyond{60000};
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, to_batch(train, beyond, 0, 1, x, y));

        const Dataset head = train.head(5);
        QCOMPARE(head.size(), std::size_t(5));
        QCOMPARE(head.images.size(), std::size_t(5 * 784));
        QCOMPARE(train.head(100000).size(), train.size());
        const Dataset sub = train.subset({4, 0});
        QCOMPARE(std::vector<int>(sub.labels.begin(), sub.labels.end()), (std::vector<int>{9, 5}));
        QVERIFY(std::equal(sub.image(1), sub.image(1) + 784, train.image(0)));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, train.subset({60000}));
    }

    // A gzip copy of the real files decodes to identical bytes: as a folder mixing raw and .gz
    // files, and with the labels split over two gzip members (as `cat a.gz b.gz` makes).
    void gzipRoundTrip() {
        const QString src = realDir_;
        QVERIFY(QDir(dir_.path()).mkpath("gz"));
        const QByteArray images = readAll(src + "/t10k-images-idx3-ubyte");
        const QByteArray labels = readAll(src + "/t10k-labels-idx1-ubyte");
        QCOMPARE(images.size(), 16 + 10000 * 784);
        write(path("gz/t10k-images-idx3-ubyte.gz"), gzip(images, 1));
        write(path("gz/t10k-labels-idx1-ubyte.gz"), gzip(labels.left(5000)) + gzip(labels.mid(5000)));
        for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"})
            QVERIFY(QFile::link(src + "/" + name, path(QString("gz/") + name)));

        const Dataset t = load_idx(path("gz/t10k-images-idx3-ubyte.gz").toStdString(), path("gz/t10k-labels-idx1-ubyte.gz").toStdString());
        QCOMPARE(bytesOf(t.images), images.mid(16));
        QCOMPARE(bytesOf(t.labels), labels.mid(8));

        QCOMPARE(find_mnist(path("gz").toStdString()), std::optional<std::string>(path("gz").toStdString()));
        const MnistData m = load_mnist(path("gz").toStdString());
        QVERIFY(m.test.images == real_.test.images);
        QVERIFY(m.test.labels == real_.test.labels);
        QVERIFY(m.train.images == real_.train.images);
    }

    // An npz holding real samples, mixing stored and deflated entries and the header variants numpy
    // has written over the years (format 2.0, Python 2's "60L").
    void npzRoundTrip() {
        const Dataset tr = real_.train.head(100), te = real_.test.head(60);
        const QList<Entry> entries{
            {"x_train.npy", npy("|u1", "(100, 28, 28)", bytesOf(tr.images)), true},
            {"y_train.npy", npy("|u1", "(100,)", bytesOf(tr.labels)), false},
            {"x_test.npy", npy("|u1", "(60L, 28L, 28L)", bytesOf(te.images)), false},
            {"y_test.npy", npy("<u1", "(60,)", bytesOf(te.labels), 2), true},
        };
        write(path("m.npz"), zip(entries));
        const MnistData m = load_npz(path("m.npz").toStdString());
        QCOMPARE(m.source, path("m.npz").toStdString());
        QCOMPARE(m.train.rows, 28);
        QCOMPARE(m.train.cols, 28);
        QVERIFY(m.train.images == tr.images);
        QVERIFY(m.train.labels == tr.labels);
        QVERIFY(m.test.images == te.images);
        QVERIFY(m.test.labels == te.labels);

        // A folder holding mnist.npz (Keras's ~/.keras/datasets) resolves to the file.
        QVERIFY(QDir(dir_.path()).mkpath("keras"));
        write(path("keras/mnist.npz"), zip(entries));
        QCOMPARE(find_mnist(path("keras").toStdString()), std::optional<std::string>(path("keras/mnist.npz").toStdString()));
        QCOMPARE(load_mnist(path("keras").toStdString()).test.size(), std::size_t(60));
    }

    void findOrder() {
        // An explicit path that holds nothing gives nothing, even though MNIST exists elsewhere.
        QVERIFY(!find_mnist(path("no-such-folder").toStdString()).has_value());
        QVERIFY(QDir(dir_.path()).mkpath("envdata"));
        write(path("envdata/train-images-idx3-ubyte"), idxImages(2, 28, 28));
        write(path("envdata/train-labels-idx1-ubyte"), idxLabels(2));
        write(path("envdata/t10k-images-idx3-ubyte"), idxImages(1, 28, 28));
        write(path("envdata/t10k-labels-idx1-ubyte.gz"), gzip(idxLabels(1)));
        {
            EnvGuard env("DIGIT_MNIST_DIR", path("envdata").toUtf8());
            QCOMPARE(find_mnist(), std::optional<std::string>(path("envdata").toStdString()));
            QCOMPARE(load_mnist(*find_mnist()).train.size(), std::size_t(2));
            QCOMPARE(find_mnist(realDir_.toStdString()), std::optional<std::string>(realDir_.toStdString()));  // explicit wins
        }
        {
            // A variable naming a folder without data is skipped, not fatal: the search goes on
            // (here at the latest to ~/.keras/datasets/mnist.npz, as Keras leaves it).
            QVERIFY(QDir(dir_.path()).mkpath("home/.keras/datasets"));
            write(path("home/.keras/datasets/mnist.npz"), zip(goodEntries()));
            EnvGuard home("HOME", path("home").toUtf8());
            EnvGuard env("DIGIT_MNIST_DIR", path("no-such-folder").toUtf8());
            const auto found = find_mnist();
            QVERIFY(found.has_value());
            QVERIFY(*found != path("no-such-folder").toStdString());
        }
    }

    void badIdx_data() {
        QTest::addColumn<QByteArray>("images");
        QTest::addColumn<QByteArray>("labels");
        QTest::addColumn<QString>("badFile");     // "i" or "l": which file the error must name
        QTest::addColumn<qlonglong>("offset");    // -1: the whole file; kAnyOffset: not checked
        QTest::addColumn<QString>("message");     // a fragment of what() that must appear
        const QByteArray good = idxImages(4, 28, 28), goodLabels = idxLabels(4);
        const QByteArray goodGz = gzip(good);
        const qlonglong n = good.size();

        QTest::newRow("missing images file") << kMissing << goodLabels << "i" << -1LL << "file not found";
        QTest::newRow("missing labels file") << good << kMissing << "l" << -1LL << "file not found";
        QTest::newRow("empty images file") << QByteArray("") << goodLabels << "i" << 0LL << "empty file, expected an IDX images file";
        QTest::newRow("empty labels file") << good << QByteArray("") << "l" << 0LL << "empty file, expected an IDX labels file";
        QTest::newRow("three bytes") << good.left(3) << goodLabels << "i" << 3LL << "truncated";
        QTest::newRow("wrong magic") << (be32(0x12345678) + good.mid(4)) << goodLabels << "i" << 0LL
                                     << "expected magic 0x00000803 (IDX images), found 0x12345678";
        QTest::newRow("labels file as images") << goodLabels << goodLabels << "i" << 0LL << "found 0x00000801 (an IDX labels file";
        QTest::newRow("images file as labels") << good << good << "l" << 0LL << "expected magic 0x00000801 (IDX labels), found 0x00000803";
        QTest::newRow("header cut short") << good.left(10) << goodLabels << "i" << 10LL << "16-byte IDX images header ends after 10 bytes";
        QTest::newRow("zero rows") << idxImages(4, 0, 28) << goodLabels << "i" << 8LL << "expected 1 to 1024 rows per image, found 0";
        QTest::newRow("zero columns") << idxImages(4, 28, 0) << goodLabels << "i" << 12LL << "columns per image, found 0";
        QTest::newRow("huge columns") << idxImages(4, 28, 100000, 0) << goodLabels << "i" << 12LL << "found 100000";
        QTest::newRow("image count 2^31") << idxImages(0x80000000u, 28, 28, 784) << goodLabels << "i" << 4LL
                                          << "the header claims 2147483648 images of 28x28";
        QTest::newRow("label count 2^32-1") << good << (be32(0x801) + be32(0xffffffffu) + QByteArray(4, 1)) << "l" << 4LL
                                            << "the header claims 4294967295 labels";
        QTest::newRow("truncated images") << good.left(n - 1) << goodLabels << "i" << (n - 1)
                                          << "truncated: the header promises 4 images of 28x28 (3136 bytes";
        QTest::newRow("trailing garbage") << (good + "xx") << goodLabels << "i" << n << "unexpected data after the last of 4 images";
        QTest::newRow("truncated labels") << good << goodLabels.left(10) << "l" << 10LL << "truncated";
        QTest::newRow("labels with trailing garbage") << good << (goodLabels + '\0') << "l" << 12LL << "1 byte too many";
        QTest::newRow("label 10") << good << (be32(0x801) + be32(4) + QByteArray("\x01\x02\x0a\x03", 4)) << "l" << 10LL
                                  << "label 2: expected a digit 0-9, found 10";
        QTest::newRow("label 255") << good << (be32(0x801) + be32(4) + QByteArray("\x01\x02\x03\xff", 4)) << "l" << 11LL << "found 255";
        QTest::newRow("count mismatch") << good << idxLabels(5) << "l" << 4LL << "expected 4 labels, one per image in";
        // gzip: offsets in the IDX header count decompressed bytes, offsets of gzip damage count file bytes.
        QTest::newRow("truncated gzip") << goodGz.left(40) << goodLabels << "i" << 40LL << "truncated gzip data";
        QByteArray flipped = goodGz;
        flipped[20] = char(flipped[20] ^ 0x55);
        flipped[21] = char(flipped[21] ^ 0x55);
        QTest::newRow("corrupt gzip") << flipped << goodLabels << "i" << kAnyOffset << "corrupt gzip data";
        QTest::newRow("gzip, wrong magic inside") << gzip(be32(0x12345678) + good.mid(4)) << goodLabels << "i" << 0LL << "found 0x12345678";
        QTest::newRow("gzip of a truncated file") << gzip(good.left(100)) << goodLabels << "i" << 100LL << "the offset counts decompressed bytes";
        QTest::newRow("junk after the gzip data") << (goodGz + "junk") << goodLabels << "i" << qlonglong(goodGz.size())
                                                  << "unexpected bytes after the end of the gzip data";
        QTest::newRow("gzip count 2^31") << gzip(idxImages(0x80000000u, 28, 28, 784)) << goodLabels << "i" << 4LL << "count is corrupt";
        // 64 MiB of zeros after one image: refused after reading one byte past the promised data.
        QTest::newRow("gzip bomb") << gzip(idxImages(4, 28, 28) + QByteArray(64 << 20, 0), 1) << goodLabels << "i" << n
                                   << "unexpected data after the last of 4 images";
        QTest::newRow("gzip labels, bad value") << good << gzip(be32(0x801) + be32(4) + QByteArray("\x01\x02\x03\x0c", 4)) << "l"
                                                << 11LL << "found 12";
    }
    void badIdx() {
        QFETCH(QByteArray, images);
        QFETCH(QByteArray, labels);
        QFETCH(QString, badFile);
        QFETCH(qlonglong, offset);
        QFETCH(QString, message);
        for (const auto& [name, bytes] : {std::pair{QString("i"), images}, std::pair{QString("l"), labels}}) {
            QFile::remove(path(name));
            if (bytes != kMissing) write(path(name), bytes);
        }
        try {
            load_idx(path("i").toStdString(), path("l").toStdString());
            QFAIL("a bad IDX file was accepted");
        } catch (const FileError& e) {
            QCOMPARE(QString::fromStdString(e.path()), path(badFile));
            QVERIFY2(QString(e.what()).startsWith(path(badFile)), e.what());
            if (offset != kAnyOffset) QCOMPARE(qlonglong(e.offset()), offset);
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }

    void badNpz_data() {
        QTest::addColumn<QByteArray>("archive");
        QTest::addColumn<qlonglong>("offset");   // -1: the whole file; kAnyOffset: not checked
        QTest::addColumn<QString>("message");
        const QList<Entry> good = goodEntries();
        QList<qint64> at;  // where each entry's data starts
        const QByteArray whole = zip(good, &at);
        const qlonglong npyHeader = 10;  // a .npy version 1 header dict starts 10 bytes into the entry
        const qlonglong npyData = npy("|u1", "(2,)", "").size();  // data starts on a 64-byte boundary

        auto with = [&](int i, const QByteArray& data, bool deflate = false) {
            QList<Entry> e = good;
            e[i].data = data;
            e[i].deflate = deflate;
            return zip(e);
        };
        QTest::newRow("missing file") << kMissing << -1LL << "file not found";
        QTest::newRow("empty file") << QByteArray("") << 0LL << "empty file, expected a zip archive";
        QTest::newRow("not a zip") << QByteArray("just some text, not an archive") << 0LL << "expected a zip archive";
        QTest::newRow("an IDX file") << idxLabels(3) << 0LL << "for IDX files pass the folder";
        QTest::newRow("cut in half") << whole.left(whole.size() / 2) << qlonglong(whole.size() / 2) << "truncated zip archive";
        QList<Entry> missing = good;
        missing.removeAt(1);
        QTest::newRow("missing y_train") << zip(missing) << -1LL << "expected an entry y_train.npy";
        // libzip reads entries, not archive offsets: a problem inside an entry is given by its
        // position in the entry's (decoded) data, the file offset -1.
        const QString atHeader = QStringLiteral(", at byte %1 of its data: ").arg(npyHeader);
        QTest::newRow("float images") << with(0, npy("<f4", "(2, 28, 28)", QByteArray(2 * 784 * 4, 0))) << -1LL
                                      << "x_train.npy" + atHeader + "expected dtype uint8 ('|u1'), found '<f4'";
        QTest::newRow("float images, deflated") << with(0, npy("<f4", "(2, 28, 28)", QByteArray(2 * 784 * 4, 0)), true) << -1LL
                                                << "x_train.npy (deflated), at byte 10 of its data: expected dtype uint8";
        QTest::newRow("fortran order") << with(0, npy("|u1", "(2, 28, 28)", QByteArray(2 * 784, 0), 1, "True"))
                                       << -1LL << atHeader + "expected C order";
        QTest::newRow("not npy") << with(2, QByteArray(100, 'x')) << -1LL << "x_test.npy, at byte 0 of its data: expected a .npy array";
        QTest::newRow("flat images") << with(0, npy("|u1", "(2, 784)", QByteArray(2 * 784, 0))) << -1LL
                                     << "expected images of shape (count, rows, cols) with 1 to 1024 rows and columns, found (2, 784)";
        QTest::newRow("huge shape") << with(0, npy("|u1", "(100000, 1024, 1024)", QByteArray(10, 0))) << -1LL
                                    << atHeader + "the 'shape' needs more than 256 MiB";
        QTest::newRow("short data") << with(1, npy("|u1", "(2,)", "\x01")) << -1LL
                                    << QStringLiteral("y_train.npy, at byte %1 of its data: truncated: the shape needs 2 data bytes, found 1").arg(npyData + 1);
        QTest::newRow("extra data") << with(1, npy("|u1", "(2,)", "\x01\x02\x03")) << -1LL
                                    << QStringLiteral("at byte %1 of its data: unexpected data after the 2 bytes").arg(npyData + 2);
        QTest::newRow("label count mismatch") << with(1, labels(3)) << -1LL << "y_train.npy: expected 2 labels, one per image in x_train.npy, found 3";
        QTest::newRow("label 11") << with(3, npy("|u1", "(2,)", "\x01\x0b")) << -1LL
                                  << QStringLiteral("y_test.npy, at byte %1 of its data: label 1: expected a digit 0-9, found 11").arg(npyData + 1);
        QTest::newRow("label 11, deflated") << with(3, npy("|u1", "(2,)", "\x01\x0b"), true) << kAnyOffset
                                            << "y_test.npy (deflated), at byte " + QString::number(npyData + 1);
        QByteArray flipped = whole;
        flipped[at[0] + 200] = char(flipped[at[0] + 200] ^ 1);
        QTest::newRow("crc mismatch") << flipped << -1LL << "corrupt zip entry x_train.npy: its CRC-32 does not match";
        QByteArray damaged = with(0, images(2, 9), true);
        damaged[at[0] + 3] = char(damaged[at[0] + 3] ^ 0xff);
        QTest::newRow("corrupt deflate") << damaged << kAnyOffset << "x_train.npy";
    }
    void badNpz() {
        QFETCH(QByteArray, archive);
        QFETCH(qlonglong, offset);
        QFETCH(QString, message);
        QFile::remove(path("bad.npz"));
        if (archive != kMissing) write(path("bad.npz"), archive);
        try {
            load_npz(path("bad.npz").toStdString());
            QFAIL("a bad npz was accepted");
        } catch (const FileError& e) {
            QCOMPARE(QString::fromStdString(e.path()), path("bad.npz"));
            if (offset != kAnyOffset) QCOMPARE(qlonglong(e.offset()), offset);
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }

    // Found by fuzz_idx_gzip: a compressed file's header is only a claim, checked against the data
    // as it is decoded. A 1 KB gzip whose header claims 300,000 images (235 MB, under the 256 MiB
    // cap) used to allocate and zero all 235 MB before finding one image; the same for a deflated
    // npz entry. Now the buffer grows with the data that arrives.
    void claimedSizeIsNotAllocated() {
        const QByteArray oneImage = QByteArray(784, char(7));
        write(path("claim-i.gz"), gzip(be32(0x803) + be32(300000) + be32(28) + be32(28) + oneImage));
        write(path("claim-l"), idxLabels(300000));
        QList<Entry> entries = goodEntries();
        entries[0] = {"x_train.npy", npy("|u1", "(300000, 28, 28)", oneImage), true};
        write(path("claim.npz"), zip(entries));
        for (const char* which : {"gzip IDX", "deflated npz"}) {
            const bool idx = which[0] == 'g';
            bool refused = false;
            const int mib = peak_growth_mib([&] {
                if (idx) load_idx(path("claim-i.gz").toStdString(), path("claim-l").toStdString());
                else load_npz(path("claim.npz").toStdString());
            });
            try {
                if (idx) load_idx(path("claim-i.gz").toStdString(), path("claim-l").toStdString());
                else load_npz(path("claim.npz").toStdString());
            } catch (const FileError& e) {
                refused = QString(e.what()).contains("truncated");
            }
            QVERIFY2(refused, which);
            QVERIFY2(mib >= 0, "could not measure the child's memory");
            QVERIFY2(mib < 32, qPrintable(QString("%1: %2 MiB at the peak for one image's data").arg(which).arg(mib)));
        }
    }

    void foldersAndPaths() {
        QVERIFY(QDir(dir_.path()).mkpath("empty"));
        try {
            load_mnist(path("empty").toStdString());
            QFAIL("an empty folder was accepted");
        } catch (const FileError& e) {
            QVERIFY2(QString(e.what()).contains("missing train-images-idx3-ubyte, train-labels-idx1-ubyte"), e.what());
        }
        QVERIFY(!find_mnist(path("empty").toStdString()).has_value());
        QVERIFY_THROWS_EXCEPTION(FileError, load_mnist(path("no-such-thing").toStdString()));
        try {
            load_idx(path("empty").toStdString(), path("empty").toStdString());
            QFAIL("a folder was read as a file");
        } catch (const FileError& e) {
            QVERIFY2(QString(e.what()).contains("is a folder"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestMnist)
#include "tst_mnist.moc"
