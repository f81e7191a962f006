// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from real files: the
// first images of MNIST as IDX, gzip and npz; small models saved by save_model; real digits
// encoded by Qt in each image format it reads; and the bad inputs of tests/core/tst_mnist.cpp's
// tables. Built with the fuzzers (DIGIT_FUZZ=ON); scripts/fuzz.sh --seeds runs it. The output is
// committed, so it stays small (tens of KB): a seed is a starting point, the fuzzer grows the rest.
//
//   make_fuzz_corpus OUT_DIR [MNIST_DIR]
#include "../file_bytes.h"
#include "errors.h"
#include "mnist.h"
#include "model_io.h"
#include "network.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageWriter>

#include <zlib.h>

#include <cstdio>
#include <stdexcept>

using namespace digit;

namespace {

QDir out_dir;

void write(const QString& target, const QString& name, const QByteArray& bytes) {
    out_dir.mkpath(target);
    QFile f(out_dir.filePath(target + "/" + name));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        throw std::runtime_error("cannot write " + f.fileName().toStdString());
}

QByteArray idx_images(const Dataset& d, quint32 n) {
    return be32(0x803) + be32(n) + be32(quint32(d.rows)) + be32(quint32(d.cols)) +
           QByteArray(reinterpret_cast<const char*>(d.images.data()), qsizetype(n * d.pixels_per_image()));
}
QByteArray idx_labels(const Dataset& d, quint32 n) {
    return be32(0x801) + be32(n) + QByteArray(reinterpret_cast<const char*>(d.labels.data()), qsizetype(n));
}

struct Entry {
    QByteArray name, data;
    bool deflate = false;
};

// A zip archive as numpy.savez (stored) or savez_compressed (deflated) writes it.
QByteArray zip(const QList<Entry>& entries) {
    QByteArray out, dir;
    for (const auto& e : entries) {
        const QByteArray data = e.deflate ? deflate_with(e.data, -MAX_WBITS) : e.data;
        const quint16 method = e.deflate ? 8 : 0;
        const quint32 crc = quint32(crc32(0, reinterpret_cast<const Bytef*>(e.data.data()), uInt(e.data.size())));
        const quint32 offset = quint32(out.size());
        const QByteArray sizes = le32(crc) + le32(quint32(data.size())) + le32(quint32(e.data.size())) + le16(quint16(e.name.size()));
        out += le32(0x04034b50) + le16(20) + le16(0) + le16(method) + le32(0) + sizes + le16(0) + e.name + data;
        dir += le32(0x02014b50) + le16(20) + le16(20) + le16(0) + le16(method) + le32(0) + sizes + le16(0) + le16(0) + le16(0) +
               le16(0) + le32(0) + le32(offset) + e.name;
    }
    const quint16 n = quint16(entries.size());
    return out + dir + le32(0x06054b50) + le16(0) + le16(0) + le16(n) + le16(n) + le32(quint32(dir.size())) +
           le32(quint32(out.size())) + le16(0);
}

QByteArray npy_images(const Dataset& d, int n) {
    return npy("|u1", "(" + QByteArray::number(n) + ", " + QByteArray::number(d.rows) + ", " + QByteArray::number(d.cols) + ")",
               QByteArray(reinterpret_cast<const char*>(d.images.data()), qsizetype(n * int(d.pixels_per_image()))));
}
QByteArray npy_labels(const Dataset& d, int n) {
    return npy("|u1", "(" + QByteArray::number(n) + ",)", QByteArray(reinterpret_cast<const char*>(d.labels.data()), n));
}

void idx_seeds(const MnistData& m) {
    const Dataset& tr = m.train;
    // Real MNIST, cut to its first images (the header's count says so).
    write("fuzz_idx_raw", "mnist-train-images-2", idx_images(tr, 2));
    write("fuzz_idx_raw", "mnist-train-labels-10", idx_labels(tr, 10));
    write("fuzz_idx_raw", "mnist-t10k-images-1", idx_images(m.test, 1));
    write("fuzz_idx_raw", "mnist-t10k-labels-5", idx_labels(m.test, 5));
    // tst_mnist.cpp's bad headers.
    const QByteArray good = idx_images(tr, 1);
    write("fuzz_idx_raw", "bad-magic", be32(0x12345678) + good.mid(4));
    write("fuzz_idx_raw", "bad-header-cut", good.left(10));
    write("fuzz_idx_raw", "bad-zero-rows", be32(0x803) + be32(1) + be32(0) + be32(28));
    write("fuzz_idx_raw", "bad-huge-columns", be32(0x803) + be32(4) + be32(28) + be32(100000));
    write("fuzz_idx_raw", "bad-count-2e31", be32(0x803) + be32(0x80000000u) + be32(28) + be32(28) + good.mid(16));
    write("fuzz_idx_raw", "bad-label-count", be32(0x801) + be32(0xffffffffu) + QByteArray(4, 1));
    write("fuzz_idx_raw", "bad-label-10", be32(0x801) + be32(4) + QByteArray("\x01\x02\x0a\x03", 4));
    write("fuzz_idx_raw", "bad-trailing", idx_labels(tr, 3) + "xx");

    write("fuzz_idx_gzip", "mnist-train-images-3.gz", gzip(idx_images(tr, 3)));
    write("fuzz_idx_gzip", "mnist-train-images-2-fast.gz", gzip(idx_images(tr, 2), 1));
    write("fuzz_idx_gzip", "mnist-train-labels-20.gz", gzip(idx_labels(tr, 20)));
    write("fuzz_idx_gzip", "mnist-t10k-labels-2-stored.gz", gzip(idx_labels(m.test, 2), 0));
    const QByteArray images2 = idx_images(m.test, 2);
    write("fuzz_idx_gzip", "two-members.gz", gzip(images2.left(100)) + gzip(images2.mid(100)));
    write("fuzz_idx_gzip", "bad-junk-after.gz", gzip(idx_labels(tr, 4)) + "junk");
    write("fuzz_idx_gzip", "bad-truncated.gz", gzip(images2).left(40));
    write("fuzz_idx_gzip", "bad-count-2e31.gz", gzip(be32(0x803) + be32(0x80000000u) + be32(28) + be32(28) + images2.mid(16)));
}

void npz_seeds(const MnistData& m) {
    const QList<Entry> real = {{"x_train.npy", npy_images(m.train, 2)}, {"y_train.npy", npy_labels(m.train, 2)},
                               {"x_test.npy", npy_images(m.test, 1)}, {"y_test.npy", npy_labels(m.test, 1)}};
    write("fuzz_npz", "mnist-savez.npz", zip(real));
    QList<Entry> deflated = real;
    for (auto& e : deflated) e.deflate = true;
    write("fuzz_npz", "mnist-savez-compressed.npz", zip(deflated));
    QList<Entry> v2 = real;
    v2[1].data = npy("|u1", "(2,)", QByteArray(reinterpret_cast<const char*>(m.train.labels.data()), 2), 2);
    write("fuzz_npz", "npy-version-2.npz", zip(v2));
    QList<Entry> bad = real;
    bad[0].data = npy("<f4", "(1, 2, 2)", QByteArray(16, 0));
    write("fuzz_npz", "bad-float-images.npz", zip(bad));
    bad = real;
    bad[2].data = npy("|u1", "(1, 28, 28)", bad[2].data.mid(128), 1, "True");
    write("fuzz_npz", "bad-fortran-order.npz", zip(bad));
    bad = real;
    bad.removeAt(3);
    write("fuzz_npz", "bad-missing-entry.npz", zip(bad));
}

ModelFile tiny_model(ModelSpec spec, const std::string& name, std::uint64_t seed) {
    Network net(std::move(spec), seed);
    TrainConfig t;
    ModelInfo info;
    info.name = name;
    info.created = "2026-12-01T00:00:00Z";
    return make_model_file(net, t, info);
}

QByteArray saved(const ModelFile& m) {
    const QString tmp = out_dir.filePath("tmp.dsm");
    save_model(tmp.toStdString(), m);
    QFile f(tmp);
    f.open(QIODevice::ReadOnly);
    const QByteArray bytes = f.readAll();
    f.close();
    QFile::remove(tmp);
    return bytes;
}

// fuzz_dsm's framed form: header text, NUL, weights (the harness adds magic, lengths and CRC).
QByteArray framed(const QByteArray& file) {
    const quint32 hlen = quint32(uchar(file[12])) | quint32(uchar(file[13])) << 8 | quint32(uchar(file[14])) << 16 |
                         quint32(uchar(file[15])) << 24;
    return file.mid(16, hlen) + '\0' + file.mid(16 + hlen + 8, file.size() - 16 - hlen - 8 - 4);
}

void dsm_seeds(const QString& real_model) {
    ModelSpec mlp;
    mlp.input = Shape{8};
    mlp.layers = {LayerSpec::dense(6, Activation::Relu), LayerSpec::dropout(0.25f), LayerSpec::dense(3, Activation::Softmax)};
    ModelSpec cnn;
    cnn.input = Shape{7, 7, 1};
    cnn.layers = {LayerSpec::conv2d(2, 3, Activation::Linear, 1, Padding::Same),
                  LayerSpec::batch_normalization(),
                  LayerSpec::activation_layer(Activation::Relu),
                  LayerSpec::max_pooling2d(2),
                  LayerSpec::conv2d(3, 2, Activation::Relu, 1, Padding::Valid),
                  LayerSpec::flatten(),
                  LayerSpec::dense(4, Activation::Tanh),
                  LayerSpec::batch_normalization(),
                  LayerSpec::dense(2)};
    const QByteArray mlp_file = saved(tiny_model(mlp, "tiny-mlp", 1));
    const QByteArray cnn_file = saved(tiny_model(cnn, "tiny-cnn", 2));
    write("fuzz_dsm", "tiny-mlp.dsm", mlp_file);
    write("fuzz_dsm", "tiny-cnn.dsm", cnn_file);
    write("fuzz_dsm", "tiny-mlp.framed", framed(mlp_file));
    write("fuzz_dsm", "tiny-cnn.framed", framed(cnn_file));
    // The app's default model's real header (22 layers, every setting), without its 1.3 MB of
    // weights: refused for the missing parameters, a rich start for the header parser.
    QFile f(real_model);
    if (f.open(QIODevice::ReadOnly)) {
        const QByteArray head = f.read(16);
        const quint32 hlen = quint32(uchar(head[12])) | quint32(uchar(head[13])) << 8 | quint32(uchar(head[14])) << 16 |
                             quint32(uchar(head[15])) << 24;
        write("fuzz_dsm", "default-header.framed", f.read(hlen));
    }
    write("fuzz_dsm", "bad-huge-input.framed", "input = 6777777777\nlayers = 1\nlayer.0 = Dense units=2 activation=softmax l2=0\n");
}

QByteArray encoded(const QImage& img, const char* format, int quality = -1) {
    QByteArray bytes;
    QBuffer buf(&bytes);
    buf.open(QIODevice::WriteOnly);
    QImageWriter w(&buf, format);
    if (quality >= 0) w.setQuality(quality);
    if (!w.write(img)) throw std::runtime_error(std::string("cannot encode ") + format + ": " + w.errorString().toStdString());
    return bytes;
}

void image_seeds(const MnistData& m) {
    const Dataset& d = m.test;
    auto digit = [&](std::size_t i) {
        QImage img(d.cols, d.rows, QImage::Format_Grayscale8);
        for (int y = 0; y < d.rows; ++y)
            for (int x = 0; x < d.cols; ++x) img.scanLine(y)[x] = d.image(i)[y * d.cols + x];
        return img;
    };
    const QImage light_on_dark = digit(0);  // a 7
    QImage dark_on_light = digit(1);        // a 2
    dark_on_light.invertPixels();
    write("fuzz_image", "mnist-0.png", encoded(light_on_dark, "png"));
    write("fuzz_image", "mnist-1-inverted.jpg", encoded(dark_on_light, "jpeg", 80));
    write("fuzz_image", "mnist-2.bmp", encoded(digit(2), "bmp"));
    write("fuzz_image", "mnist-3.pgm", encoded(digit(3), "pgm"));
    write("fuzz_image", "mnist-4-rgb.ppm", encoded(digit(4).convertToFormat(QImage::Format_RGB32), "ppm"));
    // Ink on a transparent background, as drawing programs export it.
    QImage alpha(d.cols, d.rows, QImage::Format_ARGB32);
    for (int y = 0; y < d.rows; ++y)
        for (int x = 0; x < d.cols; ++x) alpha.setPixel(x, y, qRgba(0, 0, 0, d.image(5)[y * d.cols + x]));
    write("fuzz_image", "mnist-5-transparent.png", encoded(alpha, "png"));
    write("fuzz_image", "mnist-6-palette.png", encoded(digit(6).convertToFormat(QImage::Format_Indexed8), "png"));
    write("fuzz_image", "mnist-7-16bit.png", encoded(digit(7).convertToFormat(QImage::Format_Grayscale16), "png"));
    write("fuzz_image", "mnist-8-scaled.jpg", encoded(digit(8).scaled(84, 84, Qt::IgnoreAspectRatio, Qt::SmoothTransformation), "jpeg", 60));
    write("fuzz_image", "mnist-9.xpm", encoded(digit(9).convertToFormat(QImage::Format_Indexed8), "xpm"));
    // A 1x1 GIF (Qt reads GIF but does not write it).
    write("fuzz_image", "one-pixel.gif",
          QByteArray("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
                     "\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;", 43));
    // The preprocessing alone: "RAW8", a width (2 bytes, little-endian, minus 1), 8-bit pixels.
    write("fuzz_image", "mnist-10.raw8",
          QByteArray("RAW8", 4) + le16(quint16(d.cols - 1)) + QByteArray(reinterpret_cast<const char*>(d.image(10)), int(d.pixels_per_image())));
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc < 2 || argc > 4) {
        std::fprintf(stderr, "usage: make_fuzz_corpus OUT_DIR [MNIST_DIR] [DEFAULT_MODEL]\n");
        return 2;
    }
    try {
        out_dir = QDir(argv[1]);
        out_dir.mkpath(".");
        const auto where = find_mnist(argc > 2 ? argv[2] : "");
        if (!where) throw std::runtime_error("MNIST not found (run scripts/setup.sh --no-build, or pass its folder)");
        const MnistData m = load_mnist(*where);
        idx_seeds(m);
        npz_seeds(m);
        dsm_seeds(argc > 3 ? QString::fromLocal8Bit(argv[3]) : QString());
        image_seeds(m);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_fuzz_corpus: %s\n", e.what());
        return 1;
    }
    return 0;
}
