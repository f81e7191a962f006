// Finite-difference gradient checks (double precision) for Conv2D and MaxPooling2D over kernel
// sizes, strides, paddings, channel and filter counts, L2, and batches that span several of the
// kernel gradient's sample groups. (The float build's AVX-512 path is checked against direct
// loops in tst_conv.)
#include "conv2d.h"
#include "gradcheck.h"
#include "max_pool2d.h"

#include <QTest>

using namespace digit;
using digit::testing::check_gradients;

class TestGradcheckConv : public QObject {
    Q_OBJECT
private slots:
    void conv2d_data() {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("cin");
        QTest::addColumn<int>("filters");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<bool>("same");
        QTest::addColumn<double>("l2");
        QTest::addColumn<int>("batch");
        //                                    size cin filters kernel stride same  l2  batch
        QTest::newRow("1x1")                  << 5 << 1 << 1 << 1 << 1 << false << 0.0 << 3;
        QTest::newRow("1x1, 3 channels, 4 filters") << 4 << 3 << 4 << 1 << 1 << false << 0.0 << 3;
        QTest::newRow("1x1 stride 2 same")    << 5 << 3 << 4 << 1 << 2 << true << 0.0 << 2;
        QTest::newRow("3x3 valid")            << 6 << 1 << 4 << 3 << 1 << false << 0.0 << 3;
        QTest::newRow("3x3 valid, 3 channels, 1 filter") << 5 << 3 << 1 << 3 << 1 << false << 0.0 << 3;
        QTest::newRow("3x3 same")             << 5 << 3 << 4 << 3 << 1 << true << 0.0 << 2;
        QTest::newRow("3x3 stride 2 valid, odd size") << 7 << 3 << 4 << 3 << 2 << false << 0.0 << 2;
        QTest::newRow("3x3 stride 2 valid, even size") << 8 << 1 << 2 << 3 << 2 << false << 0.0 << 2;
        QTest::newRow("3x3 stride 2 same, odd size") << 7 << 1 << 4 << 3 << 2 << true << 0.0 << 2;
        QTest::newRow("3x3 stride 2 same, even size") << 6 << 3 << 1 << 3 << 2 << true << 0.0 << 2;
        QTest::newRow("5x5 valid")            << 7 << 3 << 4 << 5 << 1 << false << 0.0 << 2;
        QTest::newRow("5x5 same")             << 6 << 2 << 3 << 5 << 1 << true << 0.0 << 2;
        QTest::newRow("5x5 stride 2 same")    << 7 << 1 << 1 << 5 << 2 << true << 0.0 << 2;
        QTest::newRow("2x2 stride 2 same (no padding needed)") << 6 << 2 << 1 << 2 << 2 << true << 0.0 << 2;
        QTest::newRow("4x4 same (padding 1 before, 2 after)") << 5 << 2 << 2 << 4 << 1 << true << 0.0 << 2;
        QTest::newRow("3x3 with L2")          << 5 << 2 << 2 << 3 << 1 << false << 0.05 << 2;
        QTest::newRow("5x5 stride 2 same with L2") << 6 << 3 << 4 << 5 << 2 << true << 0.01 << 2;
        QTest::newRow("batch of 17: three sample groups") << 4 << 1 << 2 << 3 << 1 << false << 0.0 << 17;
    }
    void conv2d() {
        QFETCH(int, size);
        QFETCH(int, cin);
        QFETCH(int, filters);
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(bool, same);
        QFETCH(double, l2);
        QFETCH(int, batch);
        Conv2D layer(LayerSpec::conv2d(filters, kernel, Activation::Linear, stride, same ? Padding::Same : Padding::Valid,
                                       static_cast<float>(l2)));
        auto r = check_gradients(layer, Shape{size, size, cin}, batch);
        QVERIFY2(r.input_error < 1e-7, qPrintable(QString::number(r.input_error)));
        QVERIFY2(r.param_error < 1e-7, qPrintable(QString::number(r.param_error)));
    }

    void maxPool_data() {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("pool");
        QTest::addColumn<int>("stride");
        QTest::addColumn<bool>("same");
        QTest::newRow("2x2")                         << 6 << 2 << 0 << false;
        QTest::newRow("2x2, odd input")              << 7 << 2 << 0 << false;
        QTest::newRow("3x3, input not a multiple")   << 7 << 3 << 0 << false;
        QTest::newRow("3x3 stride 1 (overlapping)")  << 6 << 3 << 1 << false;
        QTest::newRow("3x3 stride 2, odd input")     << 7 << 3 << 2 << false;
        QTest::newRow("2x2 stride 1")                << 5 << 2 << 1 << false;
        QTest::newRow("2x2 stride 3 (gaps)")         << 8 << 2 << 3 << false;
        QTest::newRow("2x2 same, odd input")         << 5 << 2 << 0 << true;
        QTest::newRow("3x3 same stride 2")           << 8 << 3 << 2 << true;
    }
    void maxPool() {
        QFETCH(int, size);
        QFETCH(int, pool);
        QFETCH(int, stride);
        QFETCH(bool, same);
        LayerSpec spec = LayerSpec::max_pooling2d(pool, stride);
        spec.padding = same ? Padding::Same : Padding::Valid;
        MaxPooling2D layer(spec);
        auto r = check_gradients(layer, Shape{size, size, 3}, 2);
        QVERIFY2(r.input_error < 1e-7, qPrintable(QString::number(r.input_error)));
    }
};

QTEST_APPLESS_MAIN(TestGradcheckConv)
#include "tst_gradcheck_conv.moc"
