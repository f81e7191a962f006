// MNIST loaders against the real files and against broken ones: every bad header field, a
// truncated or padded file, bad labels, gzip and npz variants. Each error must name the file and
// the byte offset of the problem.
#include "errors.h"
#include "mnist.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

using namespace digit;

namespace {

QByteArray be32(quint32 v) {
    QByteArray b(4, 0);
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
    return b;
}
QByteArray le16(quint16 v) { return QByteArray(1, char(v & 0xff)) + QByteArray(1, char(v >> 8)); }
QByteArray le32(quint32 v) { return le16(quint16(v & 0xffff)) + le16(quint16(v >> 16)); }

QByteArray idxImages(quint32 count, quint32 rows, quint32 cols, int payload = -1) {
    QByteArray b = be32(0x803) + be32(count) + be32(rows) + be32(cols);
    b += QByteArray(payload < 0 ? int(count * rows * cols) : payload, char(7));
    return b;
}
QByteArray idxLabels(quint32 count, char value = 3) { return be32(0x801) + be32(count) + QByteArray(int(count), value); }

void write(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QByteArray gzip(const QByteArray& raw) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&z, uLong(raw.size()))) + 64, 0);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    z.avail_in = uInt(raw.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(int(z.total_out));
    deflateEnd(&z);
    return out;
}

QByteArray npy(const QByteArray& descr, const QByteArray& shape, const QByteArray& data) {
    QByteArray header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64) header += ' ';
    header += '\n';
    return QByteArray("\x93NUMPY\x01\x00", 8) + le16(quint16(header.size())) + header + data;
}

// A zip archive of stored entries (what numpy.savez writes), plus optionally deflated ones.
QByteArray zip(const QList<QPair<QByteArray, QByteArray>>& entries, bool deflated) {
    QByteArray out, dir;
    for (const auto& [name, raw] : entries) {
        QByteArray data = raw;
        quint16 method = 0;
        if (deflated) {
            z_stream z{};
            deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
            data = QByteArray(int(deflateBound(&z, uLong(raw.size()))) + 64, 0);
            z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
            z.avail_in = uInt(raw.size());
            z.next_out = reinterpret_cast<Bytef*>(data.data());
            z.avail_out = uInt(data.size());
            deflate(&z, Z_FINISH);
            data.resize(int(z.total_out));
            deflateEnd(&z);
            method = 8;
        }
        const quint32 crc = quint32(crc32(0, reinterpret_cast<const Bytef*>(raw.data()), uInt(raw.size())));
        const quint32 offset = quint32(out.size());
        out += le32(0x04034b50) + le16(20) + le16(0) + le16(method) + le32(0) + le32(crc) + le32(quint32(data.size())) +
               le32(quint32(raw.size())) + le16(quint16(name.size())) + le16(0) + name + data;
        dir += le32(0x02014b50) + le16(20) + le16(20) + le16(0) + le16(method) + le32(0) + le32(crc) +
               le32(quint32(data.size())) + le32(quint32(raw.size())) + le16(quint16(name.size())) + le16(0) + le16(0) +
               le16(0) + le16(0) + le32(0) + le32(offset) + name;
    }
    const quint32 dir_offset = quint32(out.size());
    out += dir;
    out += le32(0x06054b50) + le16(0) + le16(0) + le16(quint16(entries.size())) + le16(quint16(entries.size())) +
           le32(quint32(dir.size())) + le32(dir_offset) + le16(0);
    return out;
}

QList<QPair<QByteArray, QByteArray>> npzEntries(int train, int test) {
    auto images = [](int n) { return npy("|u1", "(" + QByteArray::number(n) + ", 28, 28)", QByteArray(n * 784, char(1))); };
    auto labels = [](int n) { return npy("|u1", "(" + QByteArray::number(n) + ",)", QByteArray(n, char(4))); };
    return {{"x_train.npy", images(train)}, {"y_train.npy", labels(train)}, {"x_test.npy", images(test)}, {"y_test.npy", labels(test)}};
}

}  // namespace

class TestMnist : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString path(const QString& name) const { return dir_.filePath(name); }

private slots:
    void realMnist() {
        auto where = find_mnist();
        QVERIFY2(where.has_value(), "MNIST not found: run scripts/setup.sh");
        MnistData m = load_mnist(*where);
        QCOMPARE(m.train.size(), std::size_t(60000));
        QCOMPARE(m.test.size(), std::size_t(10000));
        QCOMPARE(m.train.rows, 28);
        QCOMPARE(m.train.cols, 28);
        QCOMPARE(m.train.images.size(), std::size_t(60000) * 784);
        QCOMPARE(int(m.train.labels[0]), 5);  // the well-known first digits
        QCOMPARE(int(m.train.labels[1]), 0);
        QCOMPARE(int(m.test.labels[0]), 7);
        int counts[10] = {};
        for (auto l : m.test.labels) ++counts[l];
        QCOMPARE(counts[1], 1135);  // MNIST's test set has 1,135 ones and 892 fives
        QCOMPARE(counts[5], 892);

        std::vector<std::size_t> order{0, 1};
        Matrix x;
        std::vector<int> labels;
        to_batch(m.train, order, 0, 2, x, labels);
        QCOMPARE(x.rows(), Eigen::Index(2));
        QCOMPARE(x.cols(), Eigen::Index(784));
        QVERIFY(x.minCoeff() >= 0 && x.maxCoeff() <= 1);
        QCOMPARE(x(0, 14 * 28 + 14) * 255, Scalar(m.train.image(0)[14 * 28 + 14]));
        QCOMPARE(labels, (std::vector<int>{5, 0}));
    }

    void gzipAndNpzGiveTheSameData() {
        QVERIFY(dir_.isValid());
        write(path("i.gz"), gzip(idxImages(3, 28, 28)));
        write(path("l.gz"), gzip(idxLabels(3)));
        Dataset d = load_idx(path("i.gz").toStdString(), path("l.gz").toStdString());
        QCOMPARE(d.size(), std::size_t(3));
        QCOMPARE(int(d.images[100]), 7);

        for (bool deflated : {false, true}) {
            write(path("m.npz"), zip(npzEntries(5, 2), deflated));
            MnistData m = load_npz(path("m.npz").toStdString());
            QCOMPARE(m.train.size(), std::size_t(5));
            QCOMPARE(m.test.size(), std::size_t(2));
            QCOMPARE(int(m.train.labels[4]), 4);
            QCOMPARE(int(m.test.images[783]), 1);
        }
        // A folder with mnist.npz counts as MNIST too (Keras's ~/.keras/datasets).
        QDir(dir_.path()).mkdir("keras");
        write(path("keras/mnist.npz"), zip(npzEntries(2, 2), false));
        QVERIFY(find_mnist(path("keras").toStdString()).has_value());
        QCOMPARE(load_mnist(path("keras").toStdString()).train.size(), std::size_t(2));
    }

    void badIdx_data() {
        QTest::addColumn<QByteArray>("images");
        QTest::addColumn<QByteArray>("labels");
        QTest::addColumn<QString>("badFile");
        QTest::addColumn<qlonglong>("offset");
        QTest::addColumn<QString>("message");
        const QByteArray good = idxImages(4, 28, 28), goodLabels = idxLabels(4);
        QTest::newRow("empty images") << QByteArray() << goodLabels << "i" << 0LL << "truncated";
        QTest::newRow("wrong magic") << (be32(0x12345678) + good.mid(4)) << goodLabels << "i" << 0LL << "expected magic 0x00000803";
        QTest::newRow("labels file as images") << goodLabels << goodLabels << "i" << 0LL << "found 0x00000801";
        QTest::newRow("header cut short") << good.left(10) << goodLabels << "i" << 10LL << "truncated";
        QTest::newRow("zero rows") << idxImages(4, 0, 28) << goodLabels << "i" << 8LL << "rows";
        QTest::newRow("huge columns") << idxImages(4, 28, 100000, 0) << goodLabels << "i" << 12LL << "columns";
        QTest::newRow("count 2^31") << idxImages(0x80000000u, 28, 28, 784) << goodLabels << "i" << 800LL << "truncated";
        QTest::newRow("truncated images") << good.left(good.size() - 1) << goodLabels << "i" << qlonglong(good.size() - 1) << "truncated";
        QTest::newRow("trailing garbage") << (good + "xx") << goodLabels << "i" << qlonglong(good.size()) << "unexpected data";
        QTest::newRow("truncated labels") << good << goodLabels.left(10) << "l" << 10LL << "truncated";
        QTest::newRow("label 10") << good << (be32(0x801) + be32(4) + QByteArray("\x01\x02\x0a\x03", 4)) << "l" << 10LL << "expected a digit 0-9";
        QTest::newRow("count mismatch") << good << idxLabels(5) << "l" << 4LL << "holds 5 labels";
        QTest::newRow("truncated gzip") << gzip(good).left(40) << goodLabels << "i" << -2LL << "gzip";
    }
    void badIdx() {
        QFETCH(QByteArray, images);
        QFETCH(QByteArray, labels);
        QFETCH(QString, badFile);
        QFETCH(qlonglong, offset);
        QFETCH(QString, message);
        write(path("i"), images);
        write(path("l"), labels);
        try {
            load_idx(path("i").toStdString(), path("l").toStdString());
            QFAIL("a bad IDX file was accepted");
        } catch (const FileError& e) {
            QCOMPARE(QString::fromStdString(e.path()), path(badFile));
            if (offset != -2) QCOMPARE(qlonglong(e.offset()), offset);  // -2: any offset
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }

    void badNpz() {
        auto expect = [&](const QByteArray& bytes, const char* fragment) {
            write(path("bad.npz"), bytes);
            try {
                load_npz(path("bad.npz").toStdString());
                QFAIL("a bad npz was accepted");
            } catch (const FileError& e) {
                QVERIFY2(QString(e.what()).contains(path("bad.npz")), e.what());
                QVERIFY2(QString(e.what()).contains(fragment), e.what());
            }
        };
        auto entries = npzEntries(2, 2);
        expect("this is not a zip file at all, just some text", "not a zip");
        auto missing = entries;
        missing.removeAt(1);
        expect(zip(missing, false), "no y_train.npy");
        auto wrongType = entries;
        wrongType[0].second = npy("<f4", "(2, 28, 28)", QByteArray(2 * 784 * 4, 0));
        expect(zip(wrongType, false), "uint8");
        auto badLabel = entries;
        badLabel[3].second = npy("|u1", "(2,)", QByteArray("\x01\x0b", 2));
        expect(zip(badLabel, false), "expected a digit 0-9");
        auto mismatch = entries;
        mismatch[1].second = npy("|u1", "(3,)", QByteArray(3, 1));
        expect(zip(mismatch, false), "labels");
        const QByteArray whole = zip(entries, true);
        expect(whole.left(whole.size() / 2) + whole.right(22), "");
    }

    void missingAndFolders() {
        QVERIFY_THROWS_EXCEPTION(FileError, load_idx(path("nope").toStdString(), path("nope2").toStdString()));
        QVERIFY_THROWS_EXCEPTION(FileError, load_mnist(dir_.path().toStdString() + "/empty-dir-that-does-not-exist"));
        QDir(dir_.path()).mkdir("empty");
        QVERIFY_THROWS_EXCEPTION(FileError, load_mnist(path("empty").toStdString()));
        QVERIFY(!find_mnist(path("empty").toStdString()).has_value());
    }
};

QTEST_APPLESS_MAIN(TestMnist)
#include "tst_mnist.moc"
