// The multi-threaded element-wise passes (parallel.h): batch normalisation, dropout, activations
// and Conv2D's fused relu. Each must give the same bits with one thread as with two (issue 3:
// "same seed, same result"), and the same numbers as the direct formulas. The tensors are large
// enough (> kParallelMinScalars) to take the chunked, threaded path.
#include "activation.h"
#include "activation_layer.h"
#include "batch_norm.h"
#include "conv2d.h"
#include "dropout.h"
#include "parallel.h"
#include "rng.h"

#include <QTest>

#include <omp.h>

#include <cmath>
#include <cstring>

using namespace digit;

namespace {

// 48 images of 13x13x32: 259,584 scalars, two chunks' worth and more.
constexpr int kBatch = 48, kSide = 13, kChannels = 32;

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, float lo = -2, float hi = 3) {
    Rng rng(seed);
    Matrix m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform(lo, hi);
    return m;
}

bool same_bits(const Matrix& a, const Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), sizeof(Scalar) * static_cast<std::size_t>(a.size())) == 0;
}

struct BatchNormRun {
    Matrix y, dx;
    std::vector<Scalar> params, grads;
};

BatchNormRun run_batch_norm(int threads, const Matrix& x, const Matrix& dy, bool training) {
    omp_set_num_threads(threads);
    BatchNormalization bn(LayerSpec::batch_normalization());
    bn.build(Shape{kSide, kSide, kChannels});
    BatchNormRun r;
    r.params.assign(bn.parameter_count(), 0);
    r.grads.assign(bn.parameter_count(), 0);
    bn.bind(r.params.data(), r.grads.data());
    Rng rng(1);
    bn.initialize(rng);
    for (int c = 0; c < kChannels; ++c) {  // gamma, beta away from 1 and 0
        r.params[static_cast<std::size_t>(c)] = 0.5f + 0.05f * static_cast<float>(c);
        r.params[static_cast<std::size_t>(kChannels + c)] = 0.1f * static_cast<float>(c % 5) - 0.2f;
    }
    bn.forward(x, r.y, training, rng);
    bn.backward(x, r.y, dy, &r.dx);
    return r;
}

}  // namespace

class TestParallel : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { omp_set_num_threads(1); }

    void rngAdvanceSkipsExactlyThatManyDraws() {
        for (std::uint64_t skip : {0ull, 1ull, 7ull, 1000ull, 123457ull}) {
            Rng jumped(42), walked(42);
            jumped.advance(skip);
            for (std::uint64_t i = 0; i < skip; ++i) walked.next_u32();
            for (int i = 0; i < 4; ++i) QCOMPARE(jumped.next_u32(), walked.next_u32());
        }
    }

    void batchNormSameBitsWithOneOrTwoThreads() {
        const Matrix x = random_matrix(kBatch, kSide * kSide * kChannels, 5);
        const Matrix dy = random_matrix(kBatch, kSide * kSide * kChannels, 6, -1, 1);
        QVERIFY(x.size() >= kParallelMinScalars);
        for (bool training : {true, false}) {
            const BatchNormRun one = run_batch_norm(1, x, dy, training), two = run_batch_norm(2, x, dy, training);
            QVERIFY(same_bits(one.y, two.y));
            QVERIFY(same_bits(one.dx, two.dx));
            QVERIFY(one.params == two.params);  // the moving statistics
            QVERIFY(one.grads == two.grads);
        }
    }

    void batchNormMatchesTheFormulaInDouble() {
        const Matrix x = random_matrix(kBatch, kSide * kSide * kChannels, 7);
        const Matrix dy = random_matrix(kBatch, kSide * kSide * kChannels, 8, -1, 1);
        const BatchNormRun r = run_batch_norm(2, x, dy, true);
        const Eigen::Index rows = x.size() / kChannels;
        const Eigen::MatrixXd X = Eigen::Map<const Matrix>(x.data(), rows, kChannels).cast<double>();
        const Eigen::MatrixXd DY = Eigen::Map<const Matrix>(dy.data(), rows, kChannels).cast<double>();
        const Eigen::RowVectorXd mean = X.colwise().mean();
        const Eigen::MatrixXd centred = X.rowwise() - mean;
        const Eigen::RowVectorXd var = centred.array().square().colwise().mean();
        const Eigen::RowVectorXd inv = (var.array() + 1e-3).rsqrt();
        const Eigen::MatrixXd xhat = centred.array().rowwise() * inv.array();
        double worst_y = 0, worst_dx = 0;
        const Eigen::RowVectorXd sum_dy = DY.colwise().sum();
        const Eigen::RowVectorXd sum_dy_xhat = (DY.array() * xhat.array()).colwise().sum();
        const double n = static_cast<double>(rows);
        for (Eigen::Index i = 0; i < rows; ++i)
            for (int c = 0; c < kChannels; ++c) {
                const double gamma = r.params[static_cast<std::size_t>(c)], beta = r.params[static_cast<std::size_t>(kChannels + c)];
                const double y = gamma * xhat(i, c) + beta;
                const double dx = gamma * inv[c] / n * (n * DY(i, c) - sum_dy[c] - xhat(i, c) * sum_dy_xhat[c]);
                worst_y = std::max(worst_y, std::abs(y - r.y.data()[i * kChannels + c]));
                worst_dx = std::max(worst_dx, std::abs(dx - r.dx.data()[i * kChannels + c]) / (std::abs(dx) + 1e-3));
            }
        QVERIFY2(worst_y < 1e-4, qPrintable(QString::number(worst_y)));
        QVERIFY2(worst_dx < 1e-3, qPrintable(QString::number(worst_dx)));
        for (int c = 0; c < kChannels; ++c) {
            QVERIFY(std::abs(r.grads[static_cast<std::size_t>(kChannels + c)] - sum_dy[c]) < 1e-3 * (1 + std::abs(sum_dy[c])));
            QVERIFY(std::abs(r.grads[static_cast<std::size_t>(c)] - sum_dy_xhat[c]) < 1e-3 * (1 + std::abs(sum_dy_xhat[c])));
            // A fresh layer takes its first batch's statistics as the moving ones.
            QVERIFY(std::abs(r.params[static_cast<std::size_t>(2 * kChannels + c)] - mean[c]) < 1e-5);
            QVERIFY(std::abs(r.params[static_cast<std::size_t>(3 * kChannels + c)] - var[c]) < 1e-4);
        }
    }

    void dropoutDrawsTheSameMaskAsOneSerialStream() {
        const Matrix x = random_matrix(kBatch, kSide * kSide * kChannels, 9);
        const float rate = 0.25f;
        Matrix y1, y2;
        Rng r1(11), r2(11);
        Dropout d1(LayerSpec::dropout(rate)), d2(LayerSpec::dropout(rate));
        d1.build(Shape{kSide, kSide, kChannels});
        d2.build(Shape{kSide, kSide, kChannels});
        omp_set_num_threads(1);
        d1.forward(x, y1, true, r1);
        omp_set_num_threads(2);
        d2.forward(x, y2, true, r2);
        QVERIFY(same_bits(y1, y2));
        QCOMPARE(r1.next_u32(), r2.next_u32());  // both streams moved on by one draw per scalar
        // The mask is what one generator drawing scalar after scalar gives.
        Rng serial(11);
        const auto threshold = static_cast<std::uint32_t>(static_cast<double>(rate) * 16777216.0);
        Eigen::Index mismatches = 0;
        for (Eigen::Index i = 0; i < x.size(); ++i) {
            const Scalar expected = (serial.next_u32() >> 8) >= threshold ? x.data()[i] / (1 - rate) : Scalar(0);
            mismatches += std::abs(expected - y2.data()[i]) > 1e-5f * (1 + std::abs(expected));
        }
        QCOMPARE(mismatches, Eigen::Index(0));
    }

    void activationsSameBitsWithOneOrTwoThreads() {
        const Matrix x = random_matrix(kBatch, kSide * kSide * kChannels, 12);
        const Matrix dy = random_matrix(kBatch, kSide * kSide * kChannels, 13, -1, 1);
        for (Activation a : all_activations()) {
            if (a == Activation::Softmax) continue;
            Matrix y1, y2, dx1, dx2;
            omp_set_num_threads(1);
            activation_forward(a, x, y1);
            activation_backward(a, y1, dy, dx1);
            omp_set_num_threads(2);
            activation_forward(a, x, y2);
            activation_backward(a, y2, dy, dx2);
            QVERIFY2(same_bits(y1, y2), activation_name(a).c_str());
            QVERIFY2(same_bits(dx1, dx2), activation_name(a).c_str());
        }
    }

    void convFusedReluEqualsConvThenRelu() {
        // Conv 3x3 32 -> 64 on 13x13 images: the layer shape of the CNN presets.
        const Shape in{kSide, kSide, kChannels};
        Conv2D fused(LayerSpec::conv2d(64, 3)), plain(LayerSpec::conv2d(64, 3));
        fused.build(in);
        plain.build(in);
        fused.fuse_relu();
        std::vector<Scalar> p(fused.parameter_count()), g1(p.size()), g2(p.size());
        Rng rng(14);
        fused.bind(p.data(), g1.data());
        fused.initialize(rng);
        for (std::size_t i = fused.parameter_count() - 64; i < p.size(); ++i) p[i] = 0.05f;  // biases
        plain.bind(p.data(), g2.data());
        const Matrix x = random_matrix(kBatch, in.size(), 15, -1, 1);
        Matrix y1, z, y2, dx1, dz, dx2;
        omp_set_num_threads(2);
        fused.forward(x, y1, true, rng);
        plain.forward(x, z, true, rng);
        ActivationLayer relu(Activation::Relu);
        relu.forward(z, y2, true, rng);
        QVERIFY(same_bits(y1, y2));
        QVERIFY((y1.array() == 0).any() && (y1.array() > 0).any());
        const Matrix dy = random_matrix(y1.rows(), y1.cols(), 16, -1, 1);
        fused.backward(x, y1, dy, &dx1);
        relu.backward(z, y2, dy, &dz);
        plain.backward(x, z, dz, &dx2);
        QVERIFY(same_bits(dx1, dx2));
        QVERIFY(g1 == g2);
    }
};

QTEST_APPLESS_MAIN(TestParallel)
#include "tst_parallel.moc"
