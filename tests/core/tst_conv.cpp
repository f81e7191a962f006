// Conv2D and MaxPooling2D against direct (naive) loops, output shapes and parameter counts
// against Keras's, and bit-identical results on repeated runs.
#include "conv2d.h"
#include "errors.h"
#include "max_pool2d.h"
#include "network.h"
#include "presets.h"
#include "summary.h"

#include <QTest>

#include <cmath>

using namespace digit;

class TestConv : public QObject {
    Q_OBJECT
private slots:
    void matchesDirectConvolution_data() {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("cin");
        QTest::addColumn<int>("filters");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<bool>("same");
        QTest::addColumn<int>("batch");
        QTest::newRow("mnist conv1") << 28 << 1 << 32 << 3 << 1 << false << 3;
        QTest::newRow("conv2 shape") << 12 << 32 << 8 << 3 << 1 << false << 2;
        QTest::newRow("5x5 same stride 2") << 11 << 3 << 4 << 5 << 2 << true << 2;
        QTest::newRow("big batch (several chunks)") << 26 << 32 << 16 << 3 << 1 << false << 40;
    }
    void matchesDirectConvolution() {
        QFETCH(int, size);
        QFETCH(int, cin);
        QFETCH(int, filters);
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(bool, same);
        QFETCH(int, batch);
        Conv2D conv(LayerSpec::conv2d(filters, kernel, Activation::Linear, stride, same ? Padding::Same : Padding::Valid));
        Shape out = conv.build(Shape{size, size, cin});
        std::vector<Scalar> params(conv.parameter_count()), grads(params.size());
        conv.bind(params.data(), grads.data());
        Rng rng(1);
        conv.initialize(rng);
        for (int f = 0; f < filters; ++f) params[params.size() - static_cast<std::size_t>(filters) + static_cast<std::size_t>(f)] = 0.1f * f;
        Matrix x(batch, size * size * cin);
        for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform(-1, 1);
        Matrix y;
        conv.forward(x, y, false, rng);
        const int ho = out[0], wo = out[1];
        const int pad = same ? std::max((ho - 1) * stride + kernel - size, 0) / 2 : 0;
        double maxdiff = 0;
        for (int b = 0; b < batch; ++b)
            for (int oy = 0; oy < ho; ++oy)
                for (int ox = 0; ox < wo; ++ox)
                    for (int f = 0; f < filters; ++f) {
                        double s = params[params.size() - static_cast<std::size_t>(filters) + static_cast<std::size_t>(f)];
                        for (int ky = 0; ky < kernel; ++ky)
                            for (int kx = 0; kx < kernel; ++kx)
                                for (int c = 0; c < cin; ++c) {
                                    int iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
                                    if (iy < 0 || iy >= size || ix < 0 || ix >= size) continue;
                                    // Keras kernel layout (kh, kw, cin, cout).
                                    s += double(x(b, (iy * size + ix) * cin + c)) *
                                         params[static_cast<std::size_t>(((ky * kernel + kx) * cin + c) * filters + f)];
                                }
                        maxdiff = std::max(maxdiff, std::abs(s - double(y(b, (oy * wo + ox) * filters + f))));
                    }
        QVERIFY2(maxdiff < 1e-4, qPrintable(QString::number(maxdiff)));
        Matrix y2;
        conv.forward(x, y2, false, rng);
        QVERIFY(y == y2);
    }

    void maxPoolMatchesDirect() {
        MaxPooling2D pool(LayerSpec::max_pooling2d(2));
        QCOMPARE(pool.build(Shape{5, 5, 2}), (Shape{2, 2, 2}));
        Rng rng(2);
        Matrix x(2, 50), y;
        for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform(-1, 1);
        pool.forward(x, y, false, rng);
        for (int b = 0; b < 2; ++b)
            for (int oy = 0; oy < 2; ++oy)
                for (int ox = 0; ox < 2; ++ox)
                    for (int c = 0; c < 2; ++c) {
                        Scalar m = -1e9f;
                        for (int py = 0; py < 2; ++py)
                            for (int px = 0; px < 2; ++px) m = std::max(m, x(b, ((oy * 2 + py) * 5 + ox * 2 + px) * 2 + c));
                        QCOMPARE(y(b, (oy * 2 + ox) * 2 + c), m);
                    }
    }

    void kerasShapesAndCounts() {
        Network a(find_preset("cnn-32-64")->model);
        QCOMPARE(a.layer_output_shapes()[0], (Shape{26, 26, 32}));
        QCOMPARE(a.layer_parameter_counts()[0], std::size_t(320));
        QCOMPARE(a.layer_output_shapes()[1], (Shape{24, 24, 64}));
        QCOMPARE(a.layer_parameter_counts()[1], std::size_t(18496));
        QCOMPARE(a.layer_output_shapes()[2], (Shape{12, 12, 64}));
        QCOMPARE(a.layer_output_shapes()[4], (Shape{9216}));
        QVERIFY(model_summary(a).find("Total params: 1,199,882\n") != std::string::npos);
        Network b(find_preset("cnn-small")->model);
        QCOMPARE(b.parameter_count(), std::size_t(225034));
        Conv2D same(LayerSpec::conv2d(8, 3, Activation::Linear, 2, Padding::Same));
        QCOMPARE(same.build(Shape{28, 28, 1}), (Shape{14, 14, 8}));
    }

    void impossibleShapesAreExplained() {
        Conv2D big(LayerSpec::conv2d(4, 7));
        QVERIFY_THROWS_EXCEPTION(ConfigError, big.build(Shape{5, 5, 1}));
        Conv2D flat(LayerSpec::conv2d(4, 3));
        QVERIFY_THROWS_EXCEPTION(ConfigError, flat.build(Shape{784}));
        QVERIFY_THROWS_EXCEPTION(ConfigError, Conv2D(LayerSpec::conv2d(0, 3)));
    }
};

QTEST_APPLESS_MAIN(TestConv)
#include "tst_conv.moc"
