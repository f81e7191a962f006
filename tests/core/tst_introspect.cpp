// Looking inside a network (core/introspect.h) and PCA (core/pca.h): each layer's output is what
// a network made of the layers up to it computes, the last equals Network::predict, the occlusion
// map finds the pixels a hand-made network looks at, and PCA finds a known direction.
#include "errors.h"
#include "introspect.h"
#include "pca.h"

#include <QTest>

using namespace digit;

namespace {
using A = Activation;

ModelSpec cnn() {
    ModelSpec spec;
    spec.input = Shape{12, 12, 1};
    spec.layers = {LayerSpec::conv2d(4, 3, A::Relu),  LayerSpec::batch_normalization(),
                   LayerSpec::max_pooling2d(2),       LayerSpec::dropout(0.25f),
                   LayerSpec::flatten(),              LayerSpec::dense(16, A::Relu),
                   LayerSpec::dropout(0.5f),          LayerSpec::dense(10, A::Softmax)};
    return spec;
}

Matrix random_rows(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
    Rng rng(seed);
    Matrix x(rows, cols);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform();
    return x;
}

void perturb(Network& net, std::uint64_t seed) {
    Rng rng(seed);
    for (auto& p : net.parameters()) p += static_cast<Scalar>(rng.uniform(-0.1f, 0.1f));
}
}  // namespace

class TestIntrospect : public QObject {
    Q_OBJECT
private slots:
    void eachLayerIsTheNetworkUpToIt() {
        Network net(cnn(), 3);
        perturb(net, 4);
        const Matrix x = random_rows(1, net.input_shape().size(), 5);
        const LayerOutputs out = forward_layers(net, x);
        QCOMPARE(out.layers.size(), net.spec().layers.size());
        std::size_t offset = 0;
        for (std::size_t i = 0; i < out.layers.size(); ++i) {
            QCOMPARE(out.layers[i].rows(), Eigen::Index(1));
            QCOMPARE(out.layers[i].cols(), net.layer_output_shapes()[i].size());
            // A network of the first i + 1 layers with the same leading weights computes layer i
            // on its own. (Ending with layer i, it has no softmax to fold: its scores are the output.)
            ModelSpec head = net.spec();
            head.layers.resize(i + 1);
            if (net.layer_output_shapes()[i].rank() != 1) head.layers.push_back(LayerSpec::flatten());  // a Network must end flat
            Network part(head, 1);
            offset += net.layer_parameter_counts()[i];
            if (part.parameter_count() != offset) QFAIL("prefix parameter count");
            part.set_parameters(std::vector<Scalar>(net.parameters().begin(),
                                                    net.parameters().begin() + static_cast<std::ptrdiff_t>(offset)));
            Matrix expected = part.forward_scores(x, false);
            if (i + 1 == out.layers.size()) expected = net.predict(x);
            QVERIFY2((out.layers[i] - expected).cwiseAbs().maxCoeff() < 1e-5, qPrintable(QString::number(i)));
        }
        // The last layer's output is the prediction, and sums to 1.
        QVERIFY((out.layers.back() - net.predict(x)).cwiseAbs().maxCoeff() < 1e-6);
        QVERIFY((out.probabilities - net.predict(x)).cwiseAbs().maxCoeff() < 1e-6);
        QVERIFY(std::abs(out.probabilities.sum() - 1) < 1e-5);
    }

    void manyRowsAtOneLayerAgreeWithOneByOne() {
        Network net(cnn(), 3);
        perturb(net, 6);
        const Matrix x = random_rows(7, net.input_shape().size(), 8);
        const std::size_t layer = penultimate_layer(net);
        QCOMPARE(layer, std::size_t(5));  // the Dense(16) before the Dropout and the output layer
        Matrix all;
        int calls = 0;
        const auto done = layer_activations(net, x, layer, all, 3, [&](Eigen::Index d, Eigen::Index t) {
            ++calls;
            return d < t;
        });
        QCOMPARE(done, Eigen::Index(7));
        QCOMPARE(calls, 3);  // batches of 3, 3, 1
        for (Eigen::Index r = 0; r < x.rows(); ++r) {
            const LayerOutputs one = forward_layers(net, x.row(r));
            QVERIFY((all.row(r) - one.layers[layer]).cwiseAbs().maxCoeff() < 1e-5);
        }
        // Cancelling after the first batch keeps its rows and leaves the rest zero.
        const auto part = layer_activations(net, x, layer, all, 3, [](Eigen::Index, Eigen::Index) { return false; });
        QCOMPARE(part, Eigen::Index(3));
        QVERIFY(all.bottomRows(4).isZero());
        // The softmax layer's activations are the probabilities.
        layer_activations(net, x, net.spec().layers.size() - 1, all);
        QVERIFY((all - net.predict(x)).cwiseAbs().maxCoeff() < 1e-6);
    }

    void occlusionFindsWhereTheNetworkLooks() {
        // Class 0's logit is 4 x the sum of the top-left 3x3 pixels of a 9x9 image; class 1's is 0.
        ModelSpec spec;
        spec.input = Shape{9, 9, 1};
        spec.layers = {LayerSpec::flatten(), LayerSpec::dense(2, A::Softmax)};
        Network net(spec, 1);
        std::fill(net.parameters().begin(), net.parameters().end(), Scalar(0));
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) net.parameters()[static_cast<std::size_t>((r * 9 + c) * 2)] = 4;
        const Matrix x = Matrix::Ones(1, 81);
        const Matrix map = occlusion_map(net, x, 9, 9, 0, 3, 1);
        QCOMPARE(map.rows(), Eigen::Index(9));
        QCOMPARE(map.cols(), Eigen::Index(9));
        // Only the patch at (0, 0) covers it, and blanking the whole corner leaves p = 0.5.
        QVERIFY(std::abs(map(0, 0) - 0.5) < 1e-4);
        QCOMPARE(map(8, 8), Scalar(0));     // no patch over it reaches the corner
        QVERIFY(map(0, 0) > map(2, 2));
        QVERIFY(map.minCoeff() >= 0);
        QVERIFY_THROWS_EXCEPTION(ConfigError, occlusion_map(net, x, 8, 9, 0));
        QVERIFY_THROWS_EXCEPTION(ConfigError, occlusion_map(net, x, 9, 9, 2));
    }

    void pcaFindsAKnownDirection() {
        // 500 points along u = (1, 2, 2) / 3 (standard deviation 3) plus noise of 0.01 around
        // (5, -1, 2): the first component is u, the variance along it 9, the second tiny.
        Rng rng(11);
        Vector u(3);
        u << 1.0f / 3, 2.0f / 3, 2.0f / 3;
        Matrix x(500, 3);
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            const Scalar t = static_cast<Scalar>(rng.normal() * 3);
            for (int j = 0; j < 3; ++j)
                x(i, j) = t * u(j) + static_cast<Scalar>(rng.normal() * 0.01) + Scalar(j == 0 ? 5 : j == 1 ? -1 : 2);
        }
        const Pca p = pca(x, 2);
        QVERIFY(std::abs(p.components.row(0).dot(u.transpose()) - 1) < 1e-4);
        QVERIFY(std::abs(p.components.row(0).dot(p.components.row(1))) < 1e-4);
        QVERIFY(std::abs(p.components.row(1).norm() - 1) < 1e-4);
        const double var = (x.rowwise() - x.colwise().mean()).rowwise().squaredNorm().sum() / 499.0;
        QVERIFY(std::abs(p.variances(0) - var) / var < 1e-3);  // nearly all variance is along u
        QVERIFY(p.variances(1) < 1e-3);
        QVERIFY(std::abs(p.mean(0) - 5) < 0.5);
        // Projections are centred and their variance is the component's.
        QCOMPARE(p.projected.rows(), Eigen::Index(500));
        QVERIFY(std::abs(p.projected.col(0).mean()) < 1e-3);
        const double pv = p.projected.col(0).squaredNorm() / 499.0;
        QVERIFY(std::abs(pv - p.variances(0)) / pv < 1e-3);
        QVERIFY_THROWS_EXCEPTION(ConfigError, pca(x, 4));
        QVERIFY_THROWS_EXCEPTION(ConfigError, pca(x.topRows(1), 1));
    }
};

QTEST_GUILESS_MAIN(TestIntrospect)
#include "tst_introspect.moc"
