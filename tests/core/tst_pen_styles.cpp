// The pen styles that `digit-cli evaluate --pen-styles` redraws the test set with: each must do
// what its name says to real MNIST digits (more ink for thick, less for thin, a lean for slanted)
// and still give a centred 28x28 input, or the robustness figures in the README mean nothing.
#include "mnist.h"
#include "pen_styles.h"
#include "mnist_fixture.h"

#include <QTest>

#include <cmath>

using namespace digit;

namespace {

double ink(const PreprocessResult& r) {
    double s = 0;
    for (float v : r.image) s += v;
    return s;
}

// Mean column of the ink in rows [r0, r1).
double mean_column(const MnistImage& m, int r0, int r1) {
    double s = 0, w = 0;
    for (int r = r0; r < r1; ++r)
        for (int c = 0; c < 28; ++c) {
            s += c * m[static_cast<std::size_t>(r * 28 + c)];
            w += m[static_cast<std::size_t>(r * 28 + c)];
        }
    return w > 0 ? s / w : 14.0;
}

}  // namespace

class TestPenStyles : public QObject {
    Q_OBJECT
    MnistData data_;

private slots:
    void initTestCase() {
        QVERIFY2(test::loadMnist(data_), test::kMnistMissing);
    }

    void stylesDoWhatTheySay() {
        int close = 0, thicker = 0, thinner = 0, leaning = 0, solid_close = 0;
        const int n = 200;
        for (int i = 0; i < n; ++i) {
            const std::uint8_t* img = data_.test.image(static_cast<std::size_t>(i));
            const PreprocessResult mnist = redraw_digit(img, PenStyle::Mnist), solid = redraw_digit(img, PenStyle::Solid),
                                   thick = redraw_digit(img, PenStyle::Thick), thin = redraw_digit(img, PenStyle::Thin),
                                   slanted = redraw_digit(img, PenStyle::Slanted);
            for (const PreprocessResult* r : {&mnist, &solid, &thick, &thin, &slanted}) QVERIFY(!r->empty);
            // The drawing pipeline leaves an MNIST digit nearly as it was (a little softer from
            // the resampling): cosine similarity with the original.
            double dot = 0, a2 = 0, b2 = 0;
            for (int k = 0; k < 784; ++k) {
                const double a = mnist.image[static_cast<std::size_t>(k)], b = img[k] / 255.0;
                dot += a * b;
                a2 += a * a;
                b2 += b * b;
            }
            const double cosine = dot / std::sqrt(a2 * b2);
            close += cosine > 0.85;
            solid_close += std::abs(ink(solid) - ink(mnist)) < 0.3 * ink(mnist);
            thicker += ink(thick) > 1.2 * ink(solid);
            thinner += ink(thin) < 0.9 * ink(solid);
            // Italic: the top half's ink sits right of the bottom half's, more than upright.
            const double lean_slanted = mean_column(slanted.image, 0, 14) - mean_column(slanted.image, 14, 28);
            const double lean_solid = mean_column(solid.image, 0, 14) - mean_column(solid.image, 14, 28);
            leaning += lean_slanted > lean_solid + 1.0;
        }
        QVERIFY2(close >= n * 90 / 100, qPrintable(QString::number(close)));
        QVERIFY2(solid_close >= n * 95 / 100, qPrintable(QString::number(solid_close)));
        QVERIFY2(thicker >= n * 95 / 100, qPrintable(QString::number(thicker)));
        QVERIFY2(thinner >= n * 90 / 100, qPrintable(QString::number(thinner)));
        QVERIFY2(leaning >= n * 90 / 100, qPrintable(QString::number(leaning)));
    }

    void namesAreDistinct() {
        QCOMPARE(all_pen_styles().size(), std::size_t(5));
        for (PenStyle a : all_pen_styles())
            for (PenStyle b : all_pen_styles())
                if (a != b) QVERIFY(pen_style_name(a) != pen_style_name(b));
    }
};

QTEST_APPLESS_MAIN(TestPenStyles)
#include "tst_pen_styles.moc"
