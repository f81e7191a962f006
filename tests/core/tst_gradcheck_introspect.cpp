// The input gradient behind the Inside page's saliency maps, against central finite differences
// in double precision, through every kind of layer a saved model can hold.
#include "errors.h"
#include "gradcheck.h"
#include "introspect.h"

#include <QTest>

using namespace digit;

namespace {
using A = Activation;

ModelSpec small_cnn(Activation last) {
    ModelSpec spec;
    spec.input = Shape{8, 8, 1};
    spec.layers = {LayerSpec::conv2d(3, 3, A::Relu),
                   LayerSpec::batch_normalization(),
                   LayerSpec::max_pooling2d(2),
                   LayerSpec::conv2d(2, 2, A::Tanh, 1, Padding::Same),
                   LayerSpec::flatten(),
                   LayerSpec::dense(6, A::Elu),
                   LayerSpec::dropout(0.3f),
                   LayerSpec::dense(4, last)};
    return spec;
}

Matrix random_input(std::int64_t size, std::uint64_t seed) {
    Rng rng(seed);
    Matrix x(1, size);
    for (Eigen::Index i = 0; i < x.size(); ++i) x(0, i) = rng.uniform();
    return x;
}

// target[cls] as input_gradient defines it, computed without it: the score from forward_scores,
// the probability from predict.
double target_value(Network& net, const Matrix& x, int cls, GradientTarget target) {
    if (target == GradientTarget::Score) return net.forward_scores(x, false)(0, cls);
    return net.predict(x)(0, cls);
}
}  // namespace

Q_DECLARE_METATYPE(digit::Activation)
Q_DECLARE_METATYPE(digit::GradientTarget)

class TestGradcheckIntrospect : public QObject {
    Q_OBJECT
private slots:
    void inputGradient_data() {
        QTest::addColumn<Activation>("last");
        QTest::addColumn<GradientTarget>("target");
        QTest::addColumn<int>("cls");
        QTest::newRow("softmax, score") << A::Softmax << GradientTarget::Score << 1;
        QTest::newRow("softmax, probability") << A::Softmax << GradientTarget::Probability << 2;
        QTest::newRow("linear, probability") << A::Linear << GradientTarget::Probability << 0;
        QTest::newRow("sigmoid, score") << A::Sigmoid << GradientTarget::Score << 3;
        QTest::newRow("sigmoid, probability") << A::Sigmoid << GradientTarget::Probability << 3;
    }
    void inputGradient() {
        QFETCH(Activation, last);
        QFETCH(GradientTarget, target);
        QFETCH(int, cls);
        Network net(small_cnn(last), 5);
        // Batch-norm statistics and biases away from their initial 0/1 so they take part.
        Rng rng(9);
        for (auto& p : net.parameters()) p += static_cast<Scalar>(rng.uniform(-0.2f, 0.2f));
        Matrix x = random_input(net.input_shape().size(), 3);

        const Matrix analytic = input_gradient(net, x, cls, target);
        QCOMPARE(analytic.rows(), Eigen::Index(1));
        QCOMPARE(analytic.cols(), x.cols());
        std::vector<double> a(analytic.data(), analytic.data() + analytic.size()), numeric(a.size());
        const double h = 1e-6;
        for (Eigen::Index i = 0; i < x.cols(); ++i) {
            const Scalar keep = x(0, i);
            x(0, i) = keep + h;
            const double up = target_value(net, x, cls, target);
            x(0, i) = keep - h;
            const double down = target_value(net, x, cls, target);
            x(0, i) = keep;
            numeric[static_cast<std::size_t>(i)] = (up - down) / (2 * h);
        }
        const double err = digit::testing::relative_error(a, numeric);
        QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));
        QVERIFY(analytic.norm() > 1e-6);  // a zero gradient would pass a relative check vacuously
    }

    void refusesAClassTheNetworkLacks() {
        Network net(small_cnn(A::Softmax), 5);
        const Matrix x = random_input(net.input_shape().size(), 3);
        QVERIFY_THROWS_EXCEPTION(ConfigError, input_gradient(net, x, 4));
        QVERIFY_THROWS_EXCEPTION(ConfigError, input_gradient(net, x, -1));
    }
};

QTEST_GUILESS_MAIN(TestGradcheckIntrospect)
#include "tst_gradcheck_introspect.moc"
