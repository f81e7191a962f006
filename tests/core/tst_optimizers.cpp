// One or two steps of each optimiser against values computed by hand from the Keras update
// rules (see optimizer.cpp for the formulas and their sources).
#include "optimizer.h"

#include <QTest>

#include <cmath>
#include <iterator>
#include <vector>

using namespace digit;

namespace {
void expectNear(double actual, double expected, double tol = 1e-6) {
    QVERIFY2(std::abs(actual - expected) <= tol * std::max(1.0, std::abs(expected)),
             qPrintable(QString("actual %1, expected %2").arg(actual, 0, 'g', 10).arg(expected, 0, 'g', 10)));
}
}  // namespace

class TestOptimizers : public QObject {
    Q_OBJECT
private slots:
    void sgdPlain() {
        OptimizerConfig c = OptimizerConfig::defaults(OptimizerKind::SGD);  // lr 0.01
        auto opt = make_optimizer(c, 2);
        Scalar w[2] = {1.0f, -2.0f};
        Scalar g[2] = {0.5f, -4.0f};
        opt->step(w, g);
        expectNear(w[0], 1.0 - 0.01 * 0.5);
        expectNear(w[1], -2.0 + 0.01 * 4.0);
    }

    void sgdMomentumNesterovDecay() {
        OptimizerConfig c = OptimizerConfig::defaults(OptimizerKind::SGD);
        c.learning_rate = 0.1f;
        c.momentum = 0.9f;
        c.nesterov = true;
        c.decay = 0.5f;
        auto opt = make_optimizer(c, 1);
        Scalar w[1] = {1.0f};
        Scalar g[1] = {2.0f};
        // step 1: lr = 0.1 / (1 + 0.5 * 0) = 0.1; v = -0.2; w += 0.9 * -0.2 - 0.1 * 2 = -0.38
        opt->step(w, g);
        expectNear(w[0], 0.62);
        // step 2: lr = 0.1 / 1.5; v = 0.9 * -0.2 - (0.1/1.5) * 2 = -0.313333; w += 0.9 v - lr * 2
        opt->step(w, g);
        const double lr2 = 0.1 / 1.5, v2 = 0.9 * -0.2 - lr2 * 2;
        expectNear(w[0], 0.62 + 0.9 * v2 - lr2 * 2);
        QCOMPARE(opt->iterations(), 2);
    }

    void sgdMomentumPlain() {
        OptimizerConfig c = OptimizerConfig::defaults(OptimizerKind::SGD);
        c.learning_rate = 0.1f;
        c.momentum = 0.5f;
        auto opt = make_optimizer(c, 1);
        Scalar w[1] = {0.0f};
        Scalar g[1] = {1.0f};
        opt->step(w, g);  // v = -0.1, w = -0.1
        opt->step(w, g);  // v = -0.05 - 0.1 = -0.15, w = -0.25
        expectNear(w[0], -0.25);
    }

    void adam() {
        OptimizerConfig c = OptimizerConfig::defaults(OptimizerKind::Adam);  // lr 1e-3, 0.9, 0.999, 1e-7
        auto opt = make_optimizer(c, 1);
        Scalar w[1] = {0.5f};
        Scalar g[1] = {0.2f};
        opt->step(w, g);
        // t=1: m = 0.02, v = 0.00004, lr_t = 1e-3 * sqrt(0.001) / 0.1; w -= lr_t * m / (sqrt(v) + 1e-7)
        double m = 0.1 * 0.2, v = 0.001 * 0.04, lr_t = 1e-3 * std::sqrt(1 - 0.999) / (1 - 0.9);
        double w1 = 0.5 - lr_t * m / (std::sqrt(v) + 1e-7);
        expectNear(w[0], w1);
        g[0] = -0.1f;
        opt->step(w, g);
        m = 0.9 * m + 0.1 * -0.1;
        v = 0.999 * v + 0.001 * 0.01;
        lr_t = 1e-3 * std::sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
        expectNear(w[0], w1 - lr_t * m / (std::sqrt(v) + 1e-7));
    }

    void rmsprop() {
        OptimizerConfig c = OptimizerConfig::defaults(OptimizerKind::RMSprop);  // lr 1e-3, rho 0.9
        auto opt = make_optimizer(c, 1);
        Scalar w[1] = {1.0f};
        Scalar g[1] = {3.0f};
        opt->step(w, g);
        double a = 0.1 * 9.0;
        expectNear(w[0], 1.0 - 1e-3 * 3.0 / (std::sqrt(a) + 1e-7));
    }

    void adadelta() {
        OptimizerConfig c = OptimizerConfig::defaults(OptimizerKind::Adadelta);  // lr 1, rho 0.95
        auto opt = make_optimizer(c, 1);
        Scalar w[1] = {0.0f};
        Scalar g[1] = {1.0f};
        opt->step(w, g);
        // a = 0.05; u = 1 * sqrt(0 + 1e-7) / sqrt(0.05 + 1e-7); w = -u; d = 0.05 u^2
        double a = 0.05, u = std::sqrt(1e-7) / std::sqrt(a + 1e-7), d = 0.05 * u * u;
        expectNear(w[0], -u);
        opt->step(w, g);
        a = 0.95 * a + 0.05;
        double u2 = std::sqrt(d + 1e-7) / std::sqrt(a + 1e-7);
        expectNear(w[0], -u - u2);
    }

    void zeroGradientLeavesParameterAlone_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("sgd momentum") << int(OptimizerKind::SGD);
        QTest::newRow("adam") << int(OptimizerKind::Adam);
        QTest::newRow("rmsprop") << int(OptimizerKind::RMSprop);
        QTest::newRow("adadelta") << int(OptimizerKind::Adadelta);
    }
    void zeroGradientLeavesParameterAlone() {
        // Batch-norm statistics share the flat buffer with zero gradients: they must not move.
        QFETCH(int, kind);
        OptimizerConfig c = OptimizerConfig::defaults(static_cast<OptimizerKind>(kind));
        c.momentum = kind == int(OptimizerKind::SGD) ? 0.9f : 0.0f;
        auto opt = make_optimizer(c, 2);
        Scalar w[2] = {0.7f, 0.7f};
        Scalar g[2] = {0.0f, 1.0f};
        for (int i = 0; i < 5; ++i) opt->step(w, g);
        QCOMPARE(w[0], Scalar(0.7f));
        QVERIFY(w[1] < Scalar(0.7f));
    }

    void badSettingsAreRefused() {
        OptimizerConfig c = OptimizerConfig::defaults(OptimizerKind::Adam);
        c.learning_rate = 0;
        QVERIFY_THROWS_EXCEPTION(std::exception, make_optimizer(c, 1));
        c.learning_rate = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(std::exception, make_optimizer(c, 1));
    }

    // The trainer updates each layer as soon as its gradients are complete: update() over
    // disjoint ranges (odd sizes, big enough to take the threaded chunks), then finish_step(),
    // must give step()'s bits, for every optimiser, over several steps.
    void stepInPartsGivesTheSameBits() {
        const std::size_t n = 300007, cuts[] = {0, 7, 131101, 131102, 250000, n};
        std::vector<Scalar> g(n);
        for (std::size_t i = 0; i < n; ++i) g[i] = static_cast<Scalar>(std::sin(0.37 * double(i)) * (i % 5 == 0 ? 0.0 : 0.3));
        for (OptimizerKind k : {OptimizerKind::SGD, OptimizerKind::Adam, OptimizerKind::RMSprop, OptimizerKind::Adadelta}) {
            OptimizerConfig c = OptimizerConfig::defaults(k);
            c.momentum = k == OptimizerKind::SGD ? 0.9f : 0.0f;
            c.decay = 1e-3f;
            auto whole = make_optimizer(c, n), parts = make_optimizer(c, n);
            std::vector<Scalar> w1(n), w2;
            for (std::size_t i = 0; i < n; ++i) w1[i] = static_cast<Scalar>(std::cos(0.11 * double(i)));
            w2 = w1;
            for (int step = 0; step < 3; ++step) {
                whole->step(w1.data(), g.data());
                for (std::size_t p = 0; p + 1 < std::size(cuts); ++p) parts->update(w2.data(), g.data(), cuts[p], cuts[p + 1]);
                parts->finish_step();
            }
            QVERIFY2(w1 == w2, optimizer_name(k).c_str());
            QVERIFY(w1[1] != static_cast<Scalar>(std::cos(0.11)));
            QCOMPARE(parts->iterations(), whole->iterations());
        }
    }
};

QTEST_APPLESS_MAIN(TestOptimizers)
#include "tst_optimizers.moc"
