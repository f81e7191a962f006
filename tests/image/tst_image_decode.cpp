// Image files for `digit-cli predict` and the canvas: PNG, JPEG and BMP in either polarity and
// with transparency decode to a digit the preprocessing finds; anything that is not an image is
// refused with a FileError that names the file.
#include "image_file.h"
#include "errors.h"
#include "preprocess.h"
#include "image_compare.h"

#include <QTest>

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <string>

using namespace digit;

namespace {

// A "4" drawn with a round pen, anti-aliased, as a person would on paper or screen.
QImage draw_four(QSize size, QColor paper, QColor ink, QImage::Format format = QImage::Format_ARGB32) {
    QImage image(size, format);
    image.fill(paper);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(ink, size.height() / 14.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    const double w = size.width(), h = size.height();
    QPainterPath path;
    path.moveTo(0.55 * w, 0.15 * h);
    path.lineTo(0.3 * w, 0.6 * h);
    path.lineTo(0.7 * w, 0.6 * h);
    path.moveTo(0.6 * w, 0.35 * h);
    path.lineTo(0.6 * w, 0.85 * h);
    p.drawPath(path);
    return image;
}

using test::correlation;

// The best correlation over whole-pixel shifts of up to 1 px: JPEG's artefacts can move the centre
// of mass across a half pixel, and the preprocessing centres by whole pixels, as MNIST did.
double shifted_correlation(const MnistImage& a, const MnistImage& b) {
    double best = -1;
    for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
            MnistImage moved{};
            for (int y = 0; y < 28; ++y)
                for (int x = 0; x < 28; ++x)
                    if (x - dx >= 0 && x - dx < 28 && y - dy >= 0 && y - dy < 28) moved[y * 28 + x] = a[(y - dy) * 28 + x - dx];
            best = std::max(best, correlation(moved, b));
        }
    return best;
}

// The 28x28 image of a light "4" on black, made in memory: what every file must decode to.
MnistImage reference_four(QSize size) {
    return preprocess_digit(gray_from_qimage(draw_four(size, Qt::black, Qt::white))).image;
}

}  // namespace

class TestImageDecode : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void decodesFormatsInBothPolarities_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QColor>("paper");
        QTest::addColumn<QColor>("ink");
        QTest::addColumn<bool>("inverted");
        for (const char* format : {"png", "jpg", "bmp"}) {
            QTest::addRow("%s light on dark", format) << format << QColor(Qt::black) << QColor(Qt::white) << false;
            QTest::addRow("%s dark on light", format) << format << QColor(Qt::white) << QColor(Qt::black) << true;
            QTest::addRow("%s blue pen on cream paper", format) << format << QColor(240, 230, 200) << QColor(30, 40, 140) << true;
        }
    }
    void decodesFormatsInBothPolarities() {
        QFETCH(QString, format);
        QFETCH(QColor, paper);
        QFETCH(QColor, ink);
        QFETCH(bool, inverted);
        const QString path = dir_.filePath(QString("four-%1.%2").arg(QTest::currentDataTag()).arg(format).replace(' ', '_'));
        const QImage drawn = draw_four({320, 240}, paper, ink, QImage::Format_RGB32);
        QVERIFY(drawn.save(path));
        const bool lossy = format == "jpg";

        // The file's pixels are the drawing's luminance (JPEG: up to its compression noise).
        const GrayImage g = load_gray_image(path.toStdString());
        QCOMPARE(g.width, 320);
        QCOMPARE(g.height, 240);
        QCOMPARE(g.pixels.size(), std::size_t(320 * 240));
        const GrayImage expected = gray_from_qimage(drawn);
        double diff = 0;
        for (std::size_t i = 0; i < g.pixels.size(); ++i) diff += std::abs(g.pixels[i] - expected.pixels[i]);
        diff /= static_cast<double>(g.pixels.size());
        QVERIFY2(diff < (lossy ? 0.02 : 1e-6), qPrintable(QString("mean |diff| %1").arg(diff)));
        const float paper_luminance = (0.299f * paper.red() + 0.587f * paper.green() + 0.114f * paper.blue()) / 255;
        QVERIFY2(std::abs(expected.pixels[0] - paper_luminance) < 1e-5f, qPrintable(QString::number(expected.pixels[0])));

        // Either polarity gives the same light-on-black digit.
        const PreprocessResult r = preprocess_digit(g);
        QVERIFY(!r.empty);
        QCOMPARE(r.inverted, inverted);
        const MnistImage want = reference_four({320, 240});
        const double c = lossy ? shifted_correlation(r.image, want) : correlation(r.image, want);
        QVERIFY2(c > 0.97, qPrintable(QString("correlation %1").arg(c)));
    }

    // Transparent pixels have a hidden colour (often black): the backdrop must contrast with the ink.
    void transparentBackgrounds_data() {
        QTest::addColumn<QColor>("ink");
        QTest::addColumn<QColor>("hidden");
        QTest::addColumn<float>("backdrop");
        QTest::newRow("black ink, hidden black") << QColor(Qt::black) << QColor(0, 0, 0, 0) << 1.0f;
        QTest::newRow("black ink, hidden white") << QColor(Qt::black) << QColor(255, 255, 255, 0) << 1.0f;
        QTest::newRow("white ink, hidden black") << QColor(Qt::white) << QColor(0, 0, 0, 0) << 0.0f;
        QTest::newRow("white ink, hidden white") << QColor(Qt::white) << QColor(255, 255, 255, 0) << 0.0f;
        QTest::newRow("red ink") << QColor(Qt::red) << QColor(0, 0, 0, 0) << 1.0f;
        QTest::newRow("half-transparent black ink") << QColor(0, 0, 0, 128) << QColor(0, 0, 0, 0) << 1.0f;
    }
    void transparentBackgrounds() {
        QFETCH(QColor, ink);
        QFETCH(QColor, hidden);
        QFETCH(float, backdrop);
        // Not premultiplied, so the hidden colour really is stored in the file.
        QImage image = draw_four({200, 200}, hidden, ink, QImage::Format_ARGB32);
        QCOMPARE(image.pixelColor(0, 0), hidden);
        const QString path = dir_.filePath(QString("transparent-%1.png").arg(QTest::currentDataTag()).replace(' ', '_'));
        QVERIFY(image.save(path));

        const GrayImage g = load_gray_image(path.toStdString());
        QCOMPARE(g.pixels[0], backdrop);
        const PreprocessResult r = preprocess_digit(g);
        QVERIFY(!r.empty);
        const double c = correlation(r.image, reference_four({200, 200}));
        QVERIFY2(c > 0.97, qPrintable(QString("correlation %1").arg(c)));
    }

    void grayscaleAndIndexedImages() {
        const QImage gray = draw_four({100, 100}, Qt::white, Qt::black).convertToFormat(QImage::Format_Grayscale8);
        const QImage indexed = draw_four({100, 100}, Qt::black, Qt::white).convertToFormat(QImage::Format_Indexed8);
        for (const QImage& image : {gray, indexed}) {
            const PreprocessResult r = preprocess_digit(gray_from_qimage(image));
            QVERIFY(!r.empty);
            QVERIFY(correlation(r.image, reference_four({100, 100})) > 0.97);
        }
        QCOMPARE(gray_from_qimage(gray).pixels[0], 1.0f);
        QCOMPARE(gray_from_qimage(indexed).pixels[0], 0.0f);
    }

    void nullImageIsEmpty() {
        const GrayImage g = gray_from_qimage(QImage());
        QCOMPARE(g.width, 0);
        QCOMPARE(g.height, 0);
        QVERIFY(preprocess_digit(g).empty);
    }

    // Chinese file names are common among our users.
    void nonAsciiPath() {
        const QString path = dir_.filePath(QString::fromUtf8("手写数字 4.png"));
        QVERIFY(draw_four({64, 64}, Qt::white, Qt::black).save(path));
        QCOMPARE(load_gray_image(path.toStdString()).width, 64);
    }

    void notAnImageIsRefused_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");  // null: do not create the file
        QTest::addColumn<QString>("reason");
        QByteArray png;
        {
            QImage image = draw_four({64, 64}, Qt::white, Qt::black);
            QBuffer buffer(&png);
            buffer.open(QIODevice::WriteOnly);
            image.save(&buffer, "PNG");
        }
        QTest::newRow("text renamed .png") << "notes.png" << QByteArray("shopping list: eggs, milk\n") << "not a readable image";
        QTest::newRow("empty file") << "empty.png" << QByteArray("") << "empty";
        QTest::newRow("missing file") << "missing.png" << QByteArray() << "no such file";
        QTest::newRow("truncated PNG") << "truncated.png" << png.left(png.size() / 2) << "not a readable image";
        QTest::newRow("JPEG header only") << "header.jpg" << QByteArray("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11) << "not a readable image";
    }
    void notAnImageIsRefused() {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, reason);
        const QString path = dir_.filePath(name);
        if (!content.isNull()) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        const std::string p = path.toStdString();
        try {
            load_gray_image(p);
            QFAIL("accepted a file that is not an image");
        } catch (const FileError& e) {
            QCOMPARE(QString::fromStdString(e.path()), path);
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains(path) && what.contains(reason), qPrintable(what));
        }
    }

    void folderIsRefused() {
        try {
            load_gray_image(dir_.path().toStdString());
            QFAIL("accepted a folder");
        } catch (const FileError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("folder"), e.what());
        }
    }

private:
    QTemporaryDir dir_;
};

QTEST_MAIN(TestImageDecode)
#include "tst_image_decode.moc"
