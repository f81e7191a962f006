// Finite-difference gradient checks, in double precision, for Dense (with L2), every
// activation, Dropout (training mode, replayed mask), Flatten and both cross-entropy losses.
#include "activation_layer.h"
#include "batch_norm.h"
#include "dense.h"
#include "dropout.h"
#include "flatten.h"
#include "gradcheck.h"
#include "loss.h"

#include <QTest>

using namespace digit;
using digit::testing::check_gradients;

Q_DECLARE_METATYPE(digit::Activation)

class TestGradcheckLayers : public QObject {
    Q_OBJECT
private slots:
    void scalarIsDouble() { QCOMPARE(sizeof(Scalar), sizeof(double)); }

    void dense_data() {
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("units");
        QTest::addColumn<double>("l2");
        QTest::newRow("7->5") << 7 << 5 << 0.0;
        QTest::newRow("1->1") << 1 << 1 << 0.0;
        QTest::newRow("12->3 l2") << 12 << 3 << 0.01;
    }
    void dense() {
        QFETCH(int, in);
        QFETCH(int, units);
        QFETCH(double, l2);
        Dense layer(LayerSpec::dense(units, Activation::Linear, static_cast<float>(l2)));
        auto r = check_gradients(layer, Shape{in}, 4);
        QVERIFY2(r.input_error < 1e-7, qPrintable(QString::number(r.input_error)));
        QVERIFY2(r.param_error < 1e-7, qPrintable(QString::number(r.param_error)));
    }

    void activation_data() {
        QTest::addColumn<Activation>("a");
        for (Activation a : all_activations()) QTest::newRow(activation_name(a).c_str()) << a;
    }
    void activation() {
        QFETCH(Activation, a);
        ActivationLayer layer(a);
        // Inputs in [-2.5, 2.5]; relu-like kinks at 0 and hard_sigmoid's at +-2.5 are hit with
        // probability ~0 by random doubles.
        auto r = check_gradients(layer, Shape{9}, 5, 11, false, -2.4, 2.4);
        QVERIFY2(r.input_error < 1e-6, qPrintable(QString::number(r.input_error)));
    }

    void dropoutTraining() {
        Dropout layer(LayerSpec::dropout(0.4f));
        auto r = check_gradients(layer, Shape{20}, 6, 3, true);
        QVERIFY2(r.input_error < 1e-7, qPrintable(QString::number(r.input_error)));
    }

    void batchNormalization_data() {
        QTest::addColumn<bool>("training");
        QTest::addColumn<bool>("image");
        QTest::newRow("training, features") << true << false;
        QTest::newRow("training, channels of an image") << true << true;
        QTest::newRow("inference, image") << false << true;
    }
    void batchNormalization() {
        QFETCH(bool, training);
        QFETCH(bool, image);
        BatchNormalization layer(LayerSpec::batch_normalization());
        auto r = check_gradients(layer, image ? Shape{3, 3, 4} : Shape{6}, 5, 13, training);
        QVERIFY2(r.input_error < 1e-6, qPrintable(QString::number(r.input_error)));
        QVERIFY2(r.param_error < 1e-6, qPrintable(QString::number(r.param_error)));
        QCOMPARE(layer.parameter_count(), std::size_t(image ? 16 : 24));
        QCOMPARE(layer.trainable_count(), std::size_t(image ? 8 : 12));
    }

    void flatten() {
        Flatten layer;
        auto r = check_gradients(layer, Shape{3, 4, 2}, 2);
        QVERIFY2(r.input_error < 1e-7, qPrintable(QString::number(r.input_error)));
    }

    void losses_data() {
        QTest::addColumn<bool>("sparse");
        QTest::addColumn<bool>("fromLogits");
        QTest::newRow("sparse logits") << true << true;
        QTest::newRow("sparse probabilities") << true << false;
        QTest::newRow("categorical logits") << false << true;
        QTest::newRow("categorical probabilities") << false << false;
    }
    void losses() {
        QFETCH(bool, sparse);
        QFETCH(bool, fromLogits);
        Rng rng(5);
        const int n = 4, k = 10;
        Matrix s(n, k);
        for (Eigen::Index i = 0; i < s.size(); ++i)
            s.data()[i] = fromLogits ? rng.uniform(-3, 3) : rng.uniform(0.05f, 1.0f);  // probabilities unnormalised on purpose
        std::vector<int> labels{3, 0, 9, 3};
        Matrix t = Matrix::Zero(n, k);
        for (int i = 0; i < n; ++i) t(i, labels[static_cast<std::size_t>(i)]) = 1;
        auto loss = [&](Matrix* g) {
            return sparse ? sparse_cross_entropy(s, labels, fromLogits, g) : categorical_cross_entropy(s, t, fromLogits, g);
        };
        Matrix g;
        loss(&g);
        std::vector<double> a(g.data(), g.data() + g.size()), num(a.size());
        const double h = 1e-6;
        for (Eigen::Index i = 0; i < s.size(); ++i) {
            double keep = s.data()[i];
            s.data()[i] = keep + h;
            double up = loss(nullptr);
            s.data()[i] = keep - h;
            double down = loss(nullptr);
            s.data()[i] = keep;
            num[static_cast<std::size_t>(i)] = (up - down) / (2 * h);
        }
        double err = digit::testing::relative_error(a, num);
        QVERIFY2(err < 1e-7, qPrintable(QString::number(err)));
    }

    void logitsLossMatchesSoftmaxThenLog() {
        Matrix z(1, 3);
        z << 1.0, 2.0, 3.0;
        double l = sparse_cross_entropy(z, {2}, true, nullptr);
        double expected = -std::log(std::exp(3.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0)));
        QVERIFY(std::abs(l - expected) < 1e-12);
        // Stable for huge logits where a naive softmax overflows.
        z << 1000.0, 0.0, -1000.0;
        QVERIFY(std::isfinite(sparse_cross_entropy(z, {1}, true, nullptr)));
        QVERIFY(std::abs(sparse_cross_entropy(z, {1}, true, nullptr) - 1000.0) < 1e-9);
    }
};

QTEST_APPLESS_MAIN(TestGradcheckLayers)
#include "tst_gradcheck_layers.moc"
