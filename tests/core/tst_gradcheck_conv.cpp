// Finite-difference gradient checks (double precision) for Conv2D and MaxPooling2D over kernel
// sizes, strides, paddings, channel counts and L2.
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
        QTest::newRow("3x3 valid") << 6 << 1 << 4 << 3 << 1 << false << 0.0;
        QTest::newRow("3x3 valid, 3 channels") << 5 << 3 << 2 << 3 << 1 << false << 0.0;
        QTest::newRow("1x1") << 4 << 3 << 4 << 1 << 1 << false << 0.0;
        QTest::newRow("5x5 same") << 6 << 2 << 3 << 5 << 1 << true << 0.0;
        QTest::newRow("3x3 stride 2 valid") << 7 << 2 << 3 << 3 << 2 << false << 0.0;
        QTest::newRow("3x3 stride 2 same, odd size") << 7 << 1 << 2 << 3 << 2 << true << 0.0;
        QTest::newRow("2x2 stride 2 same, even size") << 6 << 2 << 1 << 2 << 2 << true << 0.0;
        QTest::newRow("3x3 with L2") << 5 << 2 << 2 << 3 << 1 << false << 0.05;
    }
    void conv2d() {
        QFETCH(int, size);
        QFETCH(int, cin);
        QFETCH(int, filters);
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(bool, same);
        QFETCH(double, l2);
        Conv2D layer(LayerSpec::conv2d(filters, kernel, Activation::Linear, stride, same ? Padding::Same : Padding::Valid,
                                       static_cast<float>(l2)));
        auto r = check_gradients(layer, Shape{size, size, cin}, 3);
        QVERIFY2(r.input_error < 1e-7, qPrintable(QString::number(r.input_error)));
        QVERIFY2(r.param_error < 1e-7, qPrintable(QString::number(r.param_error)));
    }

    void maxPool_data() {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("pool");
        QTest::addColumn<int>("stride");
        QTest::addColumn<bool>("same");
        QTest::newRow("2x2") << 6 << 2 << 0 << false;
        QTest::newRow("2x2 odd input") << 7 << 2 << 0 << false;
        QTest::newRow("3x3 stride 1") << 6 << 3 << 1 << false;
        QTest::newRow("3x3 stride 2") << 7 << 3 << 2 << false;
        QTest::newRow("2x2 same odd") << 5 << 2 << 0 << true;
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
