// The command line against hostile input: truncated, bit-flipped and empty files of every kind,
// huge declared sizes, decompression bombs (gzip, and a 30000x30000 PNG of a few hundred bytes),
// odd but valid images (16-bit, palette, transparent, CMYK, animated GIF), an SVG, folders, FIFOs
// and devices given as files, paths with spaces and non-ASCII or non-UTF-8 bytes, absurd option
// values. digit-cli runs as a child process on files made here. A bad input must give a one-line
// message naming the problem and a non-zero exit; never a crash, a hang (each run has a time
// limit) or an unbounded allocation (each run has a 4 GiB address-space limit, except under
// AddressSanitizer).
#include "errors.h"
#include "model_io.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QPainter>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#if defined(__SANITIZE_ADDRESS__)
#define DIGIT_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DIGIT_UNDER_ASAN 1
#endif
#endif

using namespace digit;

namespace {

struct Run {
    int exit_code = -1;  // -1: killed by a signal (a crash) or by the time limit (a hang)
    int signal = 0;
    bool timed_out = false;
    QByteArray out, err;
};

// Runs digit-cli with raw byte arguments (so a non-UTF-8 path gets through as it is).
// as_user: run as that user id (root only), to see what an ordinary user sees.
Run run_cli(const std::vector<std::string>& args, const QString& work, int timeout_ms = 60000, uid_t as_user = 0) {
    Run r;
    const std::string out_path = (work + "/.stdout").toStdString(), err_path = (work + "/.stderr").toStdString();
    std::vector<std::string> argv_s{DIGIT_CLI};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(o, 1);
        ::dup2(e, 2);
        if (::chdir(work.toLocal8Bit().constData()) != 0) ::_exit(126);
        if (as_user != 0 && (::setgid(as_user) != 0 || ::setuid(as_user) != 0)) ::_exit(125);
#ifndef DIGIT_UNDER_ASAN
        rlimit as{4ull << 30, 4ull << 30};
        ::setrlimit(RLIMIT_AS, &as);
#endif
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    const auto t0 = std::chrono::steady_clock::now();
    int status = 0;
    for (;;) {
        if (::waitpid(pid, &status, WNOHANG) == pid) break;
        if (std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(timeout_ms)) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            r.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    QFile o(QString::fromStdString(out_path)), e(QString::fromStdString(err_path));
    if (o.open(QIODevice::ReadOnly)) r.out = o.readAll();
    if (e.open(QIODevice::ReadOnly)) r.err = e.readAll();
    return r;
}

std::uint32_t crc32_of(const QByteArray& b) { return static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(b.data()), static_cast<uInt>(b.size()))); }

QByteArray be32(quint32 v) {
    QByteArray b(4, '\0');
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
    return b;
}

QByteArray png_chunk(const char* type, const QByteArray& data) {
    const QByteArray body = QByteArray(type) + data;
    return be32(static_cast<quint32>(data.size())) + body + be32(crc32_of(body));
}

// A PNG that declares width x height 8-bit grey pixels and holds only a few rows of zeros: a
// decompression bomb's header, a few hundred bytes.
QByteArray png_bomb(quint32 width, quint32 height) {
    QByteArray ihdr = be32(width) + be32(height);
    ihdr += QByteArray("\x08\x00\x00\x00\x00", 5);
    const QByteArray rows(static_cast<qsizetype>(4 * (width + 1)), '\0');
    QByteArray z = qCompress(rows, 9).mid(4);  // zlib stream without Qt's length prefix
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr) + png_chunk("IDAT", z) + png_chunk("IEND", {});
}

// gzip of `head` followed by `zeros` zero bytes, streamed (nothing that large is held).
QByteArray gzip_bomb(const QByteArray& head, qint64 zeros) {
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    QByteArray out;
    QByteArray buf(1 << 16, '\0');
    auto pump = [&](const QByteArray& in, int flush) {
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z.avail_in = static_cast<uInt>(in.size());
        do {
            z.next_out = reinterpret_cast<Bytef*>(buf.data());
            z.avail_out = static_cast<uInt>(buf.size());
            deflate(&z, flush);
            out.append(buf.constData(), buf.size() - static_cast<qsizetype>(z.avail_out));
        } while (z.avail_out == 0);
    };
    pump(head, Z_NO_FLUSH);
    const QByteArray block(1 << 20, '\0');
    for (qint64 left = zeros; left > 0; left -= block.size()) pump(left >= block.size() ? block : block.left(left), Z_NO_FLUSH);
    pump({}, Z_FINISH);
    deflateEnd(&z);
    return out;
}

QByteArray idx_images(quint32 count, quint32 rows = 28, quint32 cols = 28) {
    return be32(0x803) + be32(count) + be32(rows) + be32(cols) + QByteArray(qsizetype(count) * rows * cols, '\0');
}
QByteArray idx_labels(quint32 count) { return be32(0x801) + be32(count) + QByteArray(qsizetype(count), '\3'); }

QByteArray encode(const QImage& image, const char* format) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format);
    return bytes;
}

QImage digit_one(QImage::Format format) {
    QImage image(64, 64, QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setPen(QPen(Qt::black, 6));
    p.drawLine(32, 8, 32, 56);
    p.end();
    return image.convertToFormat(format);
}

// A 16x16 CMYK JPEG with an Adobe marker (a vertical bar of black ink), made with libjpeg
// (jpeg_set_defaults, in_color_space = JCS_CMYK, quality 90): Qt writes no CMYK.
const QByteArray kCmykJpeg = QByteArray::fromHex(
        "ffd8ffee000e41646f626500640000000000ffdb0043000302020302020303030304030304050805050404050a070706080c0a0c0c0b0a0b0b0d0e12"
        "100d0e110e0b0b1016101113141515150c0f171816141812141514ffc000140800100010044311004d11005911004b1100ffc4001f00000105010101"
        "01010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d0102030004110512213141061351610722"
        "7114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a63646566"
        "6768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5"
        "d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda000e0443004d0059004b00003f00fcaaafcaaafcaaaf8a7f60af85be18f8d3fb58"
        "f81bc1be32d33fb67c37a97dbbed765f68960f33cbb0b8953e78995c61e343c30ce3078245145147edebf0b7c31f05bf6b1f1cf837c1ba67f63786f4"
        "dfb0fd92cbed12cfe5f99616f2bfcf2b339cbc8e79638ce07000a28a28fd82be297863e0b7ed63e06f1978cb53fec6f0de9bf6efb5defd9e59fcbf32"
        "c2e224f92256739791070a719c9e013451451fb7afc52f0c7c69fdac7c73e32f06ea7fdb3e1bd4bec3f64bdfb3cb0799e5d85bc4ff0024aaae30f1b8"
        "e5467191c106bfffd9");

// GIF89a, 1x1, two frames (an animation, looping): what Qt reads is the first frame.
const QByteArray kAnimatedGif = QByteArray::fromHex(
    "474946383961010001008000 00ffffff000000"
    "21ff0b4e45545343415045322e300301000000"
    "21f904000a0000002c00000000010001000002024401 00"
    "21f904000a0000002c00000000010001000002024401 00"
    "3b");

const QByteArray kSvg = "<svg xmlns='http://www.w3.org/2000/svg' width='28' height='28'><path d='M14 4v20' stroke='black'/></svg>\n";

}  // namespace

class TestCliInputs : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

    QString path(const QString& name) const { return dir_.filePath(name); }
    void write(const QString& name, const QByteArray& bytes) {
        QFile f(path(name));
        QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(name));
        QCOMPARE(f.write(bytes), bytes.size());
    }
    void mnist_dir(const QString& name, const QByteArray& train_images, const QString& train_images_name = "train-images-idx3-ubyte") {
        QVERIFY(QDir().mkpath(path(name)));
        write(name + "/" + train_images_name, train_images);
        write(name + "/train-labels-idx1-ubyte", idx_labels(100));
        write(name + "/t10k-images-idx3-ubyte", idx_images(10));
        write(name + "/t10k-labels-idx1-ubyte", idx_labels(10));
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        // A small valid model (784 -> 10 softmax) and broken copies of it.
        ModelFile m;
        m.spec = ModelSpec{Shape{28, 28, 1}, {LayerSpec::flatten(), LayerSpec::dense(10, Activation::Softmax)}};
        m.parameters.assign(7850, 0.001f);
        save_model(path("good.dsm").toStdString(), m);
        QFile g(path("good.dsm"));
        QVERIFY(g.open(QIODevice::ReadOnly));
        const QByteArray good = g.readAll();
        write("empty.dsm", {});
        write("truncated.dsm", good.left(good.size() / 2));
        QByteArray flipped = good;
        flipped[flipped.size() / 3] = static_cast<char>(flipped[flipped.size() / 3] ^ 0x10);
        write("flipped.dsm", flipped);
        QByteArray huge = good;  // parameter count field (after the header) set to 2^40
        const int count_at = 16 + static_cast<int>(static_cast<unsigned char>(good[12]) | (static_cast<unsigned char>(good[13]) << 8));
        huge.replace(count_at, 8, QByteArray("\0\0\0\0\0\1\0\0", 8));
        write("huge.dsm", huge);
        write("model with spaces é ü 中文.dsm", good);
        QVERIFY(QDir().mkdir(path("folder.dsm")));
        QCOMPARE(::mkfifo(path("fifo.dsm").toLocal8Bit().constData(), 0644), 0);
        QCOMPARE(::mkfifo(path("fifo.png").toLocal8Bit().constData(), 0644), 0);

        // Images.
        const QByteArray png = encode(digit_one(QImage::Format_ARGB32), "PNG");
        write("good.png", png);
        write("digit with spaces ä 中.png", png);
        write("empty.png", {});
        write("truncated.png", png.left(png.size() / 2));
        QByteArray png_flipped = png;
        png_flipped[png.size() / 2] = static_cast<char>(png_flipped[png.size() / 2] ^ 0x55);
        write("flipped.png", png_flipped);
        write("bomb.png", png_bomb(30000, 30000));
        write("gray16.png", encode(digit_one(QImage::Format_Grayscale16), "PNG"));
        write("palette.png", encode(digit_one(QImage::Format_Indexed8), "PNG"));
        QImage transparent(64, 64, QImage::Format_ARGB32);
        transparent.fill(Qt::transparent);
        {
            QPainter p(&transparent);
            p.setPen(QPen(Qt::black, 6));
            p.drawLine(32, 8, 32, 56);
        }
        write("transparent.png", encode(transparent, "PNG"));
        write("cmyk.jpg", kCmykJpeg);
        write("animated.gif", kAnimatedGif);
        write("drawing.svg", kSvg);
        write("text.png", "not an image at all\n");

        // MNIST folders.
        mnist_dir("mnist-ok", idx_images(100));
        mnist_dir("mnist-truncated", idx_images(100).left(5000));
        QByteArray bad_magic = idx_images(100);
        bad_magic[2] = 0x0C;  // a bit flipped in the magic's type byte
        mnist_dir("mnist-flipped", bad_magic);
        mnist_dir("mnist-empty", {});
        mnist_dir("mnist-huge", be32(0x803) + be32(0x7FFFFFFF) + be32(28) + be32(28) + QByteArray(1000, '\0'));
        // 100 images declared, 256 MiB of zeros inflated after them: from a 256 KiB file.
        mnist_dir("mnist-bomb", gzip_bomb(idx_images(100), 256ll << 20), "train-images-idx3-ubyte.gz");
        QVERIFY(QDir().mkpath(path("mnist-missing")));
        write("mnist-missing/train-images-idx3-ubyte", idx_images(100));
        write("mnist-missing/train-labels-idx1-ubyte", idx_labels(100));
        write("mnist-missing/t10k-labels-idx1-ubyte", idx_labels(10));
        // Keras files: the importer's own checks, and a file on which libhdf5 itself loops (the
        // fuzzer's find; the importer's reading process is stopped after 10 s).
        write("empty.h5", {});
        write("text.h5", "not HDF5\n");
        write("broken.keras", "PK\x03\x04 broken zip");
        {
            QFile hostile(QStringLiteral(DIGIT_HOSTILE_DIR "/fuzz_keras-hdf5-vlen-attribute-hang.h5"));
            QVERIFY(hostile.open(QIODevice::ReadOnly));
            const QByteArray bytes = hostile.readAll();
            write("libhdf5 loops.h5", bytes);
            write("truncated.h5", bytes.left(3000));
        }
        write("not.npz", "PK\x03\x04 broken zip");
        write("bad-history.csv", "epoch,loss\n1,0.5\n");
        write("empty.npz", {});
    }

    void badInputGetsOneLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exit");       // expected exit status
        QTest::addColumn<QString>("message");  // in the first line of stderr ("" for a success)

        const QStringList predict{"predict", "--model", "good.dsm"};
        const QStringList evaluate{"evaluate", "--model", "good.dsm", "--data"};
        const QStringList train{"train", "--preset", "mlp-128-32", "--out", "out.dsm"};
        auto row = [](const char* name, const QStringList& args, int exit, const char* message) {
            QTest::newRow(name) << args << exit << QString::fromUtf8(message);
        };
        // Model files.
        row("model: empty", {"summary", "--model", "empty.dsm"}, 1, "empty.dsm (at byte 0): not a Digit Studio model");
        row("model: truncated", {"summary", "--model", "truncated.dsm"}, 1, "truncated");
        row("model: bit flipped", {"summary", "--model", "flipped.dsm"}, 1, "checksum mismatch");
        row("model: huge declared size", {"summary", "--model", "huge.dsm"}, 1, "parameter count 1099511627776 is impossible");
        row("model: a folder", {"summary", "--model", "folder.dsm"}, 1, "folder.dsm: is a folder, expected a model file");
        row("model: a FIFO", {"summary", "--model", "fifo.dsm"}, 1, "is a named pipe (FIFO)");
        row("model: a device", {"summary", "--model", "/dev/zero"}, 1, "/dev/zero: is a character device");
        row("model: missing", {"summary", "--model", "absent.dsm"}, 1, "absent.dsm: file not found");
        row("model: spaces and non-ASCII", {"summary", "--model", "model with spaces é ü 中文.dsm"}, 0, "");
        row("model: an image", {"summary", "--model", "good.png"}, 1, "not a Digit Studio model");
        // Keras model files.
        row("keras: empty .h5", {"summary", "--model", "empty.h5"}, 1, "empty.h5 (at byte 0): not an HDF5 file");
        row("keras: not HDF5", {"summary", "--model", "text.h5"}, 1, "text.h5 (at byte 0): not an HDF5 file");
        row("keras: truncated .h5", {"summary", "--model", "truncated.h5"}, 1, "truncated.h5: HDF5 cannot open it");
        row("keras: broken .keras zip", {"summary", "--model", "broken.keras"}, 1, "broken.keras: damaged zip archive");
        row("keras: libhdf5 loops on it", {"summary", "--model", "libhdf5 loops.h5"}, 1,
            "libhdf5 loops.h5: the HDF5 library did not finish reading attribute 'model_config' of the root group within 10.0 s");
        // Images.
        row("image: valid", predict + QStringList{"good.png"}, 0, "");
        row("image: spaces and non-ASCII", predict + QStringList{"digit with spaces ä 中.png"}, 0, "");
        row("image: 16-bit grey", predict + QStringList{"gray16.png"}, 0, "");
        row("image: palette", predict + QStringList{"palette.png"}, 0, "");
        row("image: transparent", predict + QStringList{"transparent.png"}, 0, "");
        row("image: CMYK JPEG", predict + QStringList{"cmyk.jpg"}, 0, "");
        row("image: animated GIF", predict + QStringList{"animated.gif"}, 0, "");
        row("image: empty", predict + QStringList{"empty.png"}, 1, "empty.png: the file is empty");
        row("image: truncated", predict + QStringList{"truncated.png"}, 1, "truncated.png: not a readable image");
        row("image: bit flipped", predict + QStringList{"flipped.png"}, 1, "flipped.png: not a readable image");
        row("image: 30000x30000 PNG bomb", predict + QStringList{"bomb.png"}, 1, "bomb.png: declares 30000x30000 pixels");
        row("image: text", predict + QStringList{"text.png"}, 1, "text.png: not a readable image");
        row("image: a folder", predict + QStringList{"folder.dsm"}, 1, "is a folder, expected an image file");
        row("image: a FIFO", predict + QStringList{"fifo.png"}, 1, "fifo.png: is a named pipe (FIFO)");
        row("image: missing", predict + QStringList{"absent.png"}, 1, "absent.png: file not found");
        row("image: after --", predict + QStringList{"--", "--json"}, 1, "--json: file not found");
        // MNIST data.
        row("data: valid", evaluate + QStringList{"mnist-ok"}, 0, "");
        row("data: truncated IDX", evaluate + QStringList{"mnist-truncated"}, 1, "train-images-idx3-ubyte");
        row("data: bit-flipped IDX magic", evaluate + QStringList{"mnist-flipped"}, 1, "train-images-idx3-ubyte (at byte 0)");
        row("data: empty IDX", evaluate + QStringList{"mnist-empty"}, 1, "train-images-idx3-ubyte");
        row("data: huge declared count", evaluate + QStringList{"mnist-huge"}, 1, "train-images-idx3-ubyte");
        row("data: gzip bomb", evaluate + QStringList{"mnist-bomb"}, 1, "train-images-idx3-ubyte.gz");
        row("data: a missing IDX file", evaluate + QStringList{"mnist-missing"}, 1, "missing t10k-images-idx3-ubyte");
        row("data: missing folder", evaluate + QStringList{"no-such-folder"}, 1, "no-such-folder: file not found");
        row("data: broken npz", evaluate + QStringList{"not.npz"}, 1, "not.npz");
        row("data: empty npz", evaluate + QStringList{"empty.npz"}, 1, "empty.npz");
        row("data: a FIFO", evaluate + QStringList{"fifo.dsm"}, 1, "is a named pipe (FIFO)");
        // Options: refused before any work, exit 2 (usage) or 1.
        row("epochs 0", train + QStringList{"--epochs", "0"}, 2, "--epochs must be a whole number from 1");
        row("epochs -1", train + QStringList{"--epochs", "-1"}, 2, "--epochs must be a whole number from 1");
        row("epochs \" 3\"", train + QStringList{"--epochs", " 3"}, 2, "got \" 3\"");
        row("epochs \"+3\"", train + QStringList{"--epochs", "+3"}, 2, "got \"+3\"");
        row("epochs 3.5", train + QStringList{"--epochs", "3.5"}, 2, "got \"3.5\"");
        row("epochs abc", train + QStringList{"--epochs", "abc"}, 2, "got \"abc\"");
        row("epochs 2^64", train + QStringList{"--epochs", "18446744073709551616"}, 2, "--epochs must be a whole number");
        row("batch size 0", train + QStringList{"--batch-size", "0"}, 2, "--batch-size must be a whole number from 1");
        row("batch size -5", train + QStringList{"--batch-size", "-5"}, 2, "--batch-size must be a whole number from 1");
        row("batch size 2^20 + 1", train + QStringList{"--batch-size", "1048577"}, 2, "--batch-size must be a whole number");
        // The real MNIST (60,000 images: the batch is capped at that), against what the machine
        // has, or the run's 4 GiB limit: cnn-32-64 would need about 58 GiB.
        row("batch size beyond memory", {"train", "--preset", "cnn-32-64", "--batch-size", "1048576", "--out", "o.dsm"}, 1,
            "of memory to train");
        row("seed -1", train + QStringList{"--seed", "-1"}, 2, "--seed must be a whole number from 0");
        row("limit 0", train + QStringList{"--limit", "0"}, 2, "--limit must be a whole number from 1");
        row("--json=0", {"evaluate", "--model", "good.dsm", "--json=0"}, 2, "--json is a switch and takes no value");
        row("option twice", train + QStringList{"--epochs", "1", "--epochs", "2"}, 2, "--epochs is given twice");
        row("option without value", {"train", "--preset", "mlp-128-32", "--out"}, 2, "--out needs a value");
        row("unknown option", train + QStringList{"--epoch", "3"}, 2, "unknown option --epoch");
        row("single dash option", train + QStringList{"-e", "3"}, 2, "unknown option -e");
        row("stray argument", train + QStringList{"extra.txt"}, 2, "train takes no file arguments");
        row("unknown preset", {"train", "--preset", "mlp-9", "--out", "o.dsm"}, 2, "unknown preset \"mlp-9\"");
        row("peak GFLOP/s -1", {"bench", "--preset", "mlp-512", "--peak-gflops", "-1"}, 2, "--peak-gflops must be a number");
        row("peak GFLOP/s nan", {"bench", "--preset", "mlp-512", "--peak-gflops", "nan"}, 2, "--peak-gflops must be a number");
        row("predict without images", {"predict", "--model", "good.dsm"}, 2, "predict needs at least one image file");
        row("unknown command", {"trian"}, 2, "unknown command \"trian\"");
        row("out: empty name", {"train", "--preset", "mlp-128-32", "--out", ""}, 1, "no file name given");
        row("out: missing folder", {"train", "--preset", "mlp-128-32", "--out", "nowhere/m.dsm"}, 1, "the folder nowhere does not exist");
        row("out: a folder", {"train", "--preset", "mlp-128-32", "--out", "folder.dsm"}, 1, "is a folder, not a regular file");
        row("out: /dev/full", {"train", "--preset", "mlp-128-32", "--out", "/dev/full"}, 1, "/dev/full: is a character device");
        row("out: a FIFO", {"train", "--preset", "mlp-128-32", "--out", "fifo.dsm"}, 1, "is a named pipe (FIFO), not a regular file");
        // The run report.
        row("report: out in a missing folder", {"report", "--model", "good.dsm", "--data", "mnist-ok", "--out", "nowhere/r.pdf"}, 1,
            "the folder nowhere does not exist");
        row("report: broken history", {"report", "--model", "good.dsm", "--data", "mnist-ok", "--history", "bad-history.csv", "--out", "r.pdf"},
            1, "bad-history.csv (at byte 0): expected the history header");
        row("report: bad model", {"report", "--model", "flipped.dsm", "--data", "mnist-ok", "--out", "r.pdf"}, 1, "checksum mismatch");
        row("report: no --out", {"report", "--model", "good.dsm"}, 2, "--out");
        row("batch larger than the data", {"train", "--preset", "mlp-128-32", "--data", "mnist-ok", "--epochs", "1", "--batch-size", "1000",
                                           "--out", "capped.dsm"},
            0, "");
    }
    void badInputGetsOneLine() {
        QFETCH(QStringList, args);
        QFETCH(int, exit);
        QFETCH(QString, message);
        if (QString::fromLatin1(QTest::currentDataTag()) == "image: SVG") return;
        std::vector<std::string> raw;
        for (const QString& a : args) raw.push_back(a.toStdString());
        const Run r = run_cli(raw, dir_.path());
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(!r.timed_out, "digit-cli hung");
        QVERIFY2(r.signal == 0, qPrintable(QStringLiteral("digit-cli died of signal %1: %2").arg(r.signal).arg(err)));
        QVERIFY2(r.exit_code == exit, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(r.exit_code).arg(err)));
        if (exit == 0) {
            QVERIFY2(err.isEmpty(), qPrintable(err));
            return;
        }
        const QStringList lines = err.split('\n', Qt::SkipEmptyParts);
        QVERIFY2(!lines.isEmpty(), "no message");
        QVERIFY2(lines[0].startsWith("digit-cli: ") && lines[0].contains(message), qPrintable(err));
        // One line of message; a usage error (exit 2) adds the usage text after a blank line.
        if (exit == 1) QVERIFY2(lines.size() == 1, qPrintable(err));
    }

    // Nothing to read is an answer of its own (exit 0, "digit": null, "no_ink": true), never a
    // digit; two digits side by side are a number with a box each, left to right; --steps
    // writes the steps as PNGs.
    void predictSaysNoInkAndNumbers() {
        QImage transparent(64, 64, QImage::Format_ARGB32);
        transparent.fill(Qt::transparent);
        QImage white(200, 150, QImage::Format_RGB32);
        white.fill(Qt::white);
        QImage one(1, 1, QImage::Format_RGB32);
        one.fill(Qt::white);
        QImage black(120, 120, QImage::Format_RGB32);
        black.fill(Qt::black);
        QImage two(360, 200, QImage::Format_RGB32);
        two.fill(Qt::white);
        {
            QPainter p(&two);
            p.setRenderHint(QPainter::Antialiasing);
            p.setPen(QPen(Qt::black, 10, Qt::SolidLine, Qt::RoundCap));
            p.drawLine(80, 40, 100, 160);                      // a 1
            p.drawEllipse(QRectF(210, 40, 80, 120));           // a 0
        }
        QVERIFY(transparent.save(path("clear.png")) && white.save(path("white.png")) && one.save(path("one.png")) &&
                black.save(path("black.png")) && two.save(path("two.png")));
        const Run r = run_cli({"predict", "--model", "good.dsm", "--json", "--steps", "steps", "clear.png", "white.png", "one.png",
                               "black.png", "two.png"},
                              dir_.path());
        QCOMPARE(r.exit_code, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        for (int i = 0; i < 4; ++i)
            QVERIFY2(lines[i].contains("\"digit\": null") && lines[i].contains("\"no_ink\": true") && !lines[i].contains("number"),
                     lines[i].constData());
        const QByteArray& number = lines[4];
        QVERIFY2(number.contains("\"digit\": null") && number.contains("\"no_ink\": false") && number.contains("\"number\": \"") &&
                     number.count("\"box\": {\"x\": ") == 2,
                 number.constData());
        const QRegularExpression xs(QStringLiteral("\"x\": (\\d+)"));
        auto it = xs.globalMatch(QString::fromUtf8(number));
        const int first = it.next().captured(1).toInt(), second = it.next().captured(1).toInt();
        QVERIFY2(first < 110 && second > 190, number.constData());  // left to right
        // One folder per file; the number has its boxes and two digits' steps.
        QVERIFY(QFile::exists(path("steps/5-two/4-boxes.png")));
        QVERIFY(QFile::exists(path("steps/5-two/7-digit2-model28.png")));
        QVERIFY(QFile::exists(path("steps/1-clear/1-input.png")));
        QVERIFY(!QFile::exists(path("steps/1-clear/7-model28.png")));
        const Run text = run_cli({"predict", "--model", "good.dsm", "white.png"}, dir_.path());
        QCOMPARE(text.exit_code, 0);
        QCOMPARE(QString::fromUtf8(text.out), QStringLiteral("white.png: no ink found (no digit)\n"));
    }

    // A 50-megapixel photo (more than Qt's default 128 MB allocation allows) is read: decoded at a
    // quarter of its size; a digit on it is found.
    void fiftyMegapixelPhotoIsRead() {
        QImage big(8200, 6150, QImage::Format_Grayscale8);  // 50.4 megapixels
        big.fill(235);
        {
            QPainter p(&big);
            p.setPen(QPen(Qt::black, 120, Qt::SolidLine, Qt::RoundCap));
            p.drawLine(4000, 2000, 4300, 4200);
        }
        QVERIFY(big.save(path("big.jpg"), "JPEG", 80));
        const Run r = run_cli({"predict", "--model", "good.dsm", "--json", "big.jpg"}, dir_.path(), 120000);
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QVERIFY2(r.out.contains("\"no_ink\": false") && r.out.contains("\"digits\": [{"), r.out.constData());
        // The box is in the photo's own pixels.
        const int x = QRegularExpression(QStringLiteral("\"x\": (\\d+)")).match(QString::fromUtf8(r.out)).captured(1).toInt();
        QVERIFY2(x > 3700 && x < 4100, r.out.constData());
    }

    // A large picture in a format Qt cannot decode scaled (PNG, BMP, ...) is decoded whole and
    // shrunk by our code: the same digit as a JPEG, box in the file's pixels. And fuzz_image's
    // finding: a 1.3 KB BMP declaring 28x2949148 pixels (82.6 megapixels, under the 100 accepted)
    // crashed predict with SIGSEGV in Qt's smooth scaling; now it is read (no ink, exit 0).
    void largeNonJpegPicturesAreShrunk() {
        QImage big(4800, 3600, QImage::Format_Grayscale8);
        big.fill(235);
        {
            QPainter p(&big);
            p.setPen(QPen(Qt::black, 70, Qt::SolidLine, Qt::RoundCap));
            p.drawLine(2400, 1000, 2560, 2300);
        }
        QVERIFY(big.save(path("big.png"), "PNG"));
        const Run r = run_cli({"predict", "--model", "good.dsm", "--json", "big.png"}, dir_.path(), 120000);
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QVERIFY2(r.out.contains("\"no_ink\": false") && r.out.contains("\"digits\": [{"), r.out.constData());
        const int x = QRegularExpression(QStringLiteral("\"x\": (\\d+)")).match(QString::fromUtf8(r.out)).captured(1).toInt();
        QVERIFY2(x > 2250 && x < 2450, r.out.constData());

        QImage strip(28, 28, QImage::Format_Grayscale8);
        strip.fill(255);
        QByteArray bmp = encode(strip.convertToFormat(QImage::Format_Indexed8), "BMP");
        QVERIFY(bmp.startsWith("BM") && bmp.size() > 26);
        const quint32 tall = 2949148;  // the height field of BITMAPINFOHEADER, little-endian
        for (int i = 0; i < 4; ++i) bmp[22 + i] = static_cast<char>((tall >> (8 * i)) & 0xff);
        write("tall.bmp", bmp);
        const Run t = run_cli({"predict", "--model", "good.dsm", "--json", "tall.bmp"}, dir_.path(), 120000);
        QVERIFY2(t.exit_code == 0, (t.err + t.out).constData());
        QVERIFY2(t.out.contains("\"path\": \"tall.bmp\""), t.out.constData());
    }

    // digit-cli report writes a PDF (on the offscreen platform: no display needed), nothing on
    // stderr, and names the pages on stdout.
    void reportWritesAPdf() {
        const Run r = run_cli({"report", "--model", "good.dsm", "--data", "mnist-ok", "--out", "report.pdf"}, dir_.path());
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        QVERIFY2(r.out.startsWith("Wrote report.pdf: 3 pages"), r.out.constData());
        QFile f(path("report.pdf"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray pdf = f.readAll();
        QVERIFY(pdf.startsWith("%PDF-1."));
        QCOMPARE(int(pdf.count("/Type /Page\n")), 3);
    }

    // predict --json gives each file "not_a_digit" and "confidence"; evaluate --not-a-digit its
    // table. eleven.dsm has an 11th output that always wins (bias 5: P = e^5 / (e^5 + 10) = 0.937);
    // good.dsm's 10 outputs are uniform and cannot say "not a digit".
    void notADigitInJson() {
        ModelFile m;
        m.spec = ModelSpec{Shape{28, 28, 1}, {LayerSpec::flatten(), LayerSpec::dense(11, Activation::Softmax)}};
        m.parameters.assign(784 * 11 + 11, 0.0f);
        m.parameters.back() = 5.0f;
        save_model(path("eleven.dsm").toStdString(), m);
        Run r = run_cli({"predict", "--model", "eleven.dsm", "--json", "good.png"}, dir_.path());
        QCOMPARE(r.exit_code, 0);
        QVERIFY2(r.out.contains("\"digit\": 0, \"probabilities\": [0.1, 0.1") && r.out.contains("\"not_a_digit\": true, \"confidence\": 0.936"),
                 r.out.constData());
        r = run_cli({"predict", "--model", "good.dsm", "--json", "good.png"}, dir_.path());
        QCOMPARE(r.exit_code, 0);
        QVERIFY2(r.out.contains("\"not_a_digit\": false, \"confidence\": 0.1,"), r.out.constData());
        r = run_cli({"predict", "--model", "eleven.dsm", "good.png"}, dir_.path());
        QVERIFY2(r.out.startsWith("good.png: not a digit (94%; closest digit 0)"), r.out.constData());

        r = run_cli({"evaluate", "--model", "eleven.dsm", "--data", "mnist-ok", "--not-a-digit", "--json"}, dir_.path());
        QCOMPARE(r.exit_code, 0);
        QVERIFY2(r.out.contains("\"input\": \"all non-digits\", \"digits\": false, \"images\": ") &&
                     r.out.contains("\"input\": \"digits: MNIST test\", \"digits\": true, \"images\": 10, \"flagged\": 1,"),
                 r.out.constData());
    }

    // An SVG: refused as not a readable image unless the Qt SVG plugin is installed.
    void svgIsReadOrRefused() {
        const bool svg = QImageReader::supportedImageFormats().contains("svg");
        const Run r = run_cli({"predict", "--model", "good.dsm", "drawing.svg"}, dir_.path());
        QVERIFY(!r.timed_out && r.signal == 0);
        QCOMPARE(r.exit_code, svg ? 0 : 1);
        if (!svg) QVERIFY2(r.err.startsWith("digit-cli: drawing.svg: not a readable image") && r.err.count('\n') == 1, r.err.constData());
    }

    // Permission denied reads "permission denied", not "file not found" (as root, the run drops
    // to the user nobody to see it).
    void permissionDenied() {
        write("secret.dsm", "DGTMODEL");
        QVERIFY(QFile::setPermissions(path("secret.dsm"), {}));
        const uid_t nobody = ::geteuid() == 0 ? 65534 : 0;
        if (nobody) QVERIFY(QFile::setPermissions(dir_.path(), QFile::permissions(dir_.path()) | QFile::ExeOther | QFile::ReadOther));
        const Run r = run_cli({"summary", "--model", "secret.dsm"}, dir_.path(), 60000, nobody);
        if (r.exit_code == 125 || r.exit_code == 126 || r.exit_code == 127) QSKIP("cannot run digit-cli as another user here");
        QCOMPARE(r.exit_code, 1);
        QCOMPARE(QString::fromUtf8(r.err), QStringLiteral("digit-cli: secret.dsm: permission denied\n"));
        QVERIFY(QFile::setPermissions(path("secret.dsm"), QFile::ReadOwner | QFile::WriteOwner));
    }

    // A path that is not valid UTF-8 works when the file is there, and is named with its odd
    // bytes escaped when it is not (it used to exit with an empty message).
    void nonUtf8Path() {
        const std::string name = "caf\xE9-\xFF.dsm";  // Latin-1 bytes
        QFile::copy(path("good.dsm"), dir_.path() + "/tmpcopy.dsm");
        QCOMPARE(::rename((dir_.path() + "/tmpcopy.dsm").toLocal8Bit().constData(), (dir_.path().toStdString() + "/" + name).c_str()), 0);
        Run r = run_cli({"summary", "--model", name}, dir_.path());
        QVERIFY2(r.exit_code == 0, r.err.constData());
        r = run_cli({"summary", "--model", "missing-\xFF\xFE.dsm"}, dir_.path());
        QCOMPARE(r.exit_code, 1);
        ::unlink((dir_.path().toStdString() + "/" + name).c_str());  // QDir cannot name it to remove it
        QCOMPARE(QString::fromUtf8(r.err), QStringLiteral("digit-cli: missing-\\xFF\\xFE.dsm: file not found\n"));
    }
};

QTEST_APPLESS_MAIN(TestCliInputs)
#include "tst_cli_inputs.moc"
