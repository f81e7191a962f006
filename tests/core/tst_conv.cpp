// Conv2D and MaxPooling2D in float against direct loops (forward, kernel, bias and input
// gradients), through both the AVX-512 kernels and Eigen's products; bit-identical results on
// repeated runs and for any thread count; output shapes and parameter counts as Keras's.
#include "conv2d.h"
#include "errors.h"
#include "max_pool2d.h"
#include "network.h"
#include "presets.h"
#include "summary.h"

#include <QTest>

#include <omp.h>

#include <cmath>
#include <vector>

using namespace digit;

namespace {

struct ConvRun {
    Matrix y, dx;
    std::vector<Scalar> grads;
};

// One forward and backward pass of a built, bound and initialised layer.
ConvRun run(Conv2D& conv, std::vector<Scalar>& grads, const Matrix& x, const Matrix& dy) {
    ConvRun r;
    Rng rng(1);
    conv.forward(x, r.y, true, rng);
    conv.backward(x, r.y, dy, &r.dx);
    r.grads = grads;
    return r;
}

double max_abs(const std::vector<double>& v) {
    double m = 0;
    for (double e : v) m = std::max(m, std::abs(e));
    return m;
}

// Restores the OpenMP thread count a test changed.
struct ThreadCount {
    int saved = omp_get_max_threads();
    ~ThreadCount() { omp_set_num_threads(saved); }
};

}  // namespace

class TestConv : public QObject {
    Q_OBJECT
private slots:
    void matchesDirectLoops_data() {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("cin");
        QTest::addColumn<int>("filters");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<bool>("same");
        QTest::addColumn<int>("batch");
        QTest::addColumn<float>("l2");
        QTest::addColumn<bool>("eigen");
        struct Case {
            const char* name;
            int size, cin, filters, kernel, stride;
            bool same;
            int batch;
            float l2;
        };
        const Case cases[] = {
            {"mnist conv1", 28, 1, 32, 3, 1, false, 3, 0.0f},
            {"conv2 shape, several blocks and groups", 12, 32, 64, 3, 1, false, 20, 0.0f},
            {"odd filter count", 10, 16, 70, 3, 1, true, 9, 0.0f},
            {"5x5 same stride 2", 11, 3, 4, 5, 2, true, 2, 0.0f},
            {"5x5 same stride 2, more channels", 11, 8, 20, 5, 2, true, 3, 0.0f},
            {"3x3 valid stride 2", 9, 16, 33, 3, 2, false, 5, 0.0f},
            {"1x1", 7, 16, 48, 1, 1, false, 4, 0.0f},
            {"1x1 stride 2 same", 7, 32, 17, 1, 2, true, 4, 0.0f},
            {"even kernel same, L2", 8, 5, 3, 4, 1, true, 3, 0.01f},
            {"kernel as large as the image", 6, 32, 64, 6, 1, false, 5, 0.0f},
        };
        for (const Case& c : cases)
            for (bool eigen : {false, true})
                QTest::addRow("%s%s", c.name, eigen ? " (Eigen)" : "")
                    << c.size << c.cin << c.filters << c.kernel << c.stride << c.same << c.batch << c.l2 << eigen;
    }
    void matchesDirectLoops() {
        QFETCH(int, size);
        QFETCH(int, cin);
        QFETCH(int, filters);
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(bool, same);
        QFETCH(int, batch);
        QFETCH(float, l2);
        QFETCH(bool, eigen);
        // The layer picks its products when built: force Eigen's for the "(Eigen)" rows.
        if (eigen) qputenv("DIGIT_NO_AVX512", "1");
        Conv2D conv(LayerSpec::conv2d(filters, kernel, Activation::Linear, stride, same ? Padding::Same : Padding::Valid, l2));
        const Shape out = conv.build(Shape{size, size, cin});
        qunsetenv("DIGIT_NO_AVX512");
        std::vector<Scalar> params(conv.parameter_count()), grads(params.size());
        conv.bind(params.data(), grads.data());
        Rng rng(1);
        conv.initialize(rng);
        const std::size_t nk = params.size() - static_cast<std::size_t>(filters);
        for (int f = 0; f < filters; ++f) params[nk + static_cast<std::size_t>(f)] = 0.1f * static_cast<float>(f);
        Matrix x(batch, size * size * cin);
        for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform(-1, 1);
        Matrix dy(batch, out.size());
        for (Eigen::Index i = 0; i < dy.size(); ++i) dy.data()[i] = rng.uniform(-1, 1);
        const ConvRun got = run(conv, grads, x, dy);

        // Direct loops in double: y = b + sum x K, dK = sum x dy (+ 2 l2 K), db = sum dy,
        // dx = sum K dy, with Keras's kernel layout (kh, kw, Cin, Cout) and TF's padding.
        const int ho = out[0], wo = out[1];
        const int pad = same ? std::max((ho - 1) * stride + kernel - size, 0) / 2 : 0;
        auto kidx = [&](int ky, int kx, int c, int f) { return static_cast<std::size_t>(((ky * kernel + kx) * cin + c) * filters + f); };
        std::vector<double> dk(params.size(), 0.0), dx(static_cast<std::size_t>(x.size()), 0.0);
        double ydiff = 0;
        for (int b = 0; b < batch; ++b)
            for (int oy = 0; oy < ho; ++oy)
                for (int ox = 0; ox < wo; ++ox)
                    for (int f = 0; f < filters; ++f) {
                        const Eigen::Index o = (oy * wo + ox) * filters + f;
                        double s = params[nk + static_cast<std::size_t>(f)];
                        const double g = dy(b, o);
                        dk[nk + static_cast<std::size_t>(f)] += g;
                        for (int ky = 0; ky < kernel; ++ky)
                            for (int kx = 0; kx < kernel; ++kx) {
                                const int iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
                                if (iy < 0 || iy >= size || ix < 0 || ix >= size) continue;
                                for (int c = 0; c < cin; ++c) {
                                    const Eigen::Index i = (iy * size + ix) * cin + c;
                                    s += double(x(b, i)) * params[kidx(ky, kx, c, f)];
                                    dk[kidx(ky, kx, c, f)] += g * x(b, i);
                                    dx[static_cast<std::size_t>(b * x.cols() + i)] += g * params[kidx(ky, kx, c, f)];
                                }
                            }
                        ydiff = std::max(ydiff, std::abs(s - double(got.y(b, o))));
                    }
        for (std::size_t i = 0; i < nk; ++i) dk[i] += 2.0 * l2 * params[i];
        double dkdiff = 0, dxdiff = 0;
        for (std::size_t i = 0; i < dk.size(); ++i) dkdiff = std::max(dkdiff, std::abs(dk[i] - got.grads[i]));
        for (std::size_t i = 0; i < dx.size(); ++i) dxdiff = std::max(dxdiff, std::abs(dx[i] - got.dx.data()[i]));
        QVERIFY2(ydiff < 1e-4, qPrintable(QString("forward differs by %1").arg(ydiff)));
        QVERIFY2(dxdiff < 1e-4, qPrintable(QString("dx differs by %1").arg(dxdiff)));
        // Kernel gradients sum over every pixel of the batch: compare relative to their size.
        QVERIFY2(dkdiff < 1e-5 * std::max(1.0, max_abs(dk)),
                 qPrintable(QString("kernel gradient differs by %1 (largest %2)").arg(dkdiff).arg(max_abs(dk))));

        // Same inputs, same bits: once more, then with one and with two threads.
        ThreadCount restore;
        const ConvRun again = run(conv, grads, x, dy);
        QVERIFY(again.y == got.y && again.dx == got.dx && again.grads == got.grads);
        omp_set_num_threads(1);
        const ConvRun one = run(conv, grads, x, dy);
        omp_set_num_threads(2);
        const ConvRun two = run(conv, grads, x, dy);
        QVERIFY2(one.y == got.y && one.dx == got.dx && one.grads == got.grads, "1 thread gives other bits");
        QVERIFY2(two.y == got.y && two.dx == got.dx && two.grads == got.grads, "2 threads give other bits");
    }

    void firstLayerSkipsInputGradient() {
        Conv2D conv(LayerSpec::conv2d(8, 3));
        conv.build(Shape{10, 10, 1});
        std::vector<Scalar> params(conv.parameter_count()), grads(params.size()), grads_with_dx(params.size());
        conv.bind(params.data(), grads.data());
        Rng rng(4);
        conv.initialize(rng);
        Matrix x = Matrix::Random(3, 100), y, dx;
        conv.forward(x, y, true, rng);
        Matrix dy = Matrix::Random(y.rows(), y.cols());
        conv.backward(x, y, dy, nullptr);
        const std::vector<Scalar> without = grads;
        conv.backward(x, y, dy, &dx);
        QVERIFY(grads == without);
        QCOMPARE(dx.rows(), Eigen::Index(3));
    }

    void maxPoolMatchesDirectLoops_data() {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("pool");
        QTest::addColumn<int>("stride");
        QTest::addColumn<bool>("same");
        QTest::newRow("2x2 on 24x24x64") << 24 << 64 << 2 << 0 << false;
        QTest::newRow("2x2 on odd 7x7") << 7 << 3 << 2 << 0 << false;
        QTest::newRow("3x3 stride 1 (overlapping)") << 6 << 5 << 3 << 1 << false;
        QTest::newRow("3x3 stride 2") << 9 << 4 << 3 << 2 << false;
        QTest::newRow("2x2 stride 3 (gaps)") << 8 << 2 << 2 << 3 << false;
        QTest::newRow("2x2 same on odd 5x5") << 5 << 3 << 2 << 0 << true;
        QTest::newRow("3x3 same stride 2") << 8 << 2 << 3 << 2 << true;
    }
    void maxPoolMatchesDirectLoops() {
        QFETCH(int, size);
        QFETCH(int, channels);
        QFETCH(int, pool);
        QFETCH(int, stride);
        QFETCH(bool, same);
        LayerSpec spec = LayerSpec::max_pooling2d(pool, stride);
        spec.padding = same ? Padding::Same : Padding::Valid;
        MaxPooling2D layer(spec);
        const Shape out = layer.build(Shape{size, size, channels});
        const int s = stride > 0 ? stride : pool;
        const int ho = out[0], wo = out[1];
        const int pad = same ? std::max((ho - 1) * s + pool - size, 0) / 2 : 0;
        Rng rng(2);
        const int batch = 3;
        // Values on a coarse grid, so windows have ties: the first maximum must win.
        Matrix x(batch, size * size * channels), y, dx;
        for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.below(4));
        Matrix dy(batch, out.size());
        for (Eigen::Index i = 0; i < dy.size(); ++i) dy.data()[i] = rng.uniform(-1, 1);
        layer.forward(x, y, true, rng);
        layer.backward(x, y, dy, &dx);
        Matrix want_dx = Matrix::Zero(x.rows(), x.cols());
        for (int b = 0; b < batch; ++b)
            for (int oy = 0; oy < ho; ++oy)
                for (int ox = 0; ox < wo; ++ox)
                    for (int c = 0; c < channels; ++c) {
                        float best = -1e30f;
                        Eigen::Index at = -1;
                        for (int py = 0; py < pool; ++py)
                            for (int px = 0; px < pool; ++px) {
                                const int iy = oy * s + py - pad, ix = ox * s + px - pad;
                                if (iy < 0 || iy >= size || ix < 0 || ix >= size) continue;
                                const Eigen::Index i = (iy * size + ix) * channels + c;
                                if (x(b, i) > best) {
                                    best = x(b, i);
                                    at = i;
                                }
                            }
                        const Eigen::Index o = (oy * wo + ox) * channels + c;
                        QCOMPARE(y(b, o), best);
                        want_dx(b, at) += dy(b, o);
                    }
        QVERIFY((dx - want_dx).cwiseAbs().maxCoeff() < 1e-6f);
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
        Conv2D five(LayerSpec::conv2d(6, 5, Activation::Linear, 1, Padding::Same));
        QCOMPARE(five.build(Shape{28, 28, 3}), (Shape{28, 28, 6}));
        QCOMPARE(five.parameter_count(), std::size_t(5 * 5 * 3 * 6 + 6));
        MaxPooling2D pool3(LayerSpec::max_pooling2d(3, 2));
        QCOMPARE(pool3.build(Shape{13, 13, 4}), (Shape{6, 6, 4}));
    }

    void impossibleShapesAreExplained() {
        Conv2D big(LayerSpec::conv2d(4, 7));
        QVERIFY_THROWS_EXCEPTION(ConfigError, big.build(Shape{5, 5, 1}));
        Conv2D flat(LayerSpec::conv2d(4, 3));
        QVERIFY_THROWS_EXCEPTION(ConfigError, flat.build(Shape{784}));
        QVERIFY_THROWS_EXCEPTION(ConfigError, Conv2D(LayerSpec::conv2d(0, 3)));
        MaxPooling2D pool(LayerSpec::max_pooling2d(3));
        QVERIFY_THROWS_EXCEPTION(ConfigError, pool.build(Shape{2, 2, 1}));
    }
};

QTEST_APPLESS_MAIN(TestConv)
#include "tst_conv.moc"
