// Invariants of the layers and of the network as Keras defines them: dropout keeps the mean in
// training and is the identity at inference; softmax rows sum to 1; activations match their
// definitions; parameter counts and the summary match Keras's.
#include "activation.h"
#include "dropout.h"
#include "errors.h"
#include "loss.h"
#include "network.h"
#include "presets.h"
#include "summary.h"

#include <QTest>

#include <cmath>

using namespace digit;

class TestLayers : public QObject {
    Q_OBJECT
private slots:
    void dropoutKeepsMeanInTraining() {
        Dropout d(LayerSpec::dropout(0.3f));
        d.build(Shape{1000});
        Matrix x = Matrix::Constant(50, 1000, 2.0f), y;
        Rng rng(3);
        d.forward(x, y, true, rng);
        const double mean = y.mean();
        QVERIFY2(std::abs(mean - 2.0) < 0.03, qPrintable(QString::number(mean)));
        // Kept units are scaled by 1 / (1 - rate); dropped ones are zero; about 30% dropped.
        const double dropped = (y.array() == 0).cast<double>().mean();
        QVERIFY2(std::abs(dropped - 0.3) < 0.01, qPrintable(QString::number(dropped)));
        QVERIFY(((y.array() == 0) || ((y.array() - 2.0f / 0.7f).abs() < 1e-5f)).all());
    }

    void dropoutIsIdentityAtInference() {
        Dropout d(LayerSpec::dropout(0.5f));
        d.build(Shape{10});
        Matrix x = Matrix::Random(4, 10), y, dx;
        Rng rng(3);
        d.forward(x, y, false, rng);
        QVERIFY(y == x);
        Matrix dy = Matrix::Random(4, 10);
        d.backward(x, y, dy, &dx);
        QVERIFY(dx == dy);
    }

    void dropoutRateOutOfRangeIsRefused() {
        QVERIFY_THROWS_EXCEPTION(ConfigError, Dropout(LayerSpec::dropout(1.0f)));
        QVERIFY_THROWS_EXCEPTION(ConfigError, Dropout(LayerSpec::dropout(-0.1f)));
    }

    void softmaxRowsSumToOne() {
        Matrix z(3, 10), p;
        z.setRandom();
        z.row(2) *= 500;  // large logits must not overflow
        activation_forward(Activation::Softmax, z, p);
        for (int r = 0; r < 3; ++r) QVERIFY(std::abs(p.row(r).sum() - 1.0f) < 1e-5f);
        QVERIFY((p.array() >= 0).all());
        softmax_rows(z, p);
        for (int r = 0; r < 3; ++r) QVERIFY(std::abs(p.row(r).sum() - 1.0f) < 1e-5f);
    }

    void activationValues_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("y");
        QTest::newRow("relu-") << "relu" << -2.0 << 0.0;
        QTest::newRow("relu+") << "relu" << 1.5 << 1.5;
        QTest::newRow("tanh") << "tanh" << 0.5 << std::tanh(0.5);
        QTest::newRow("sigmoid") << "sigmoid" << 0.0 << 0.5;
        QTest::newRow("leaky") << "leaky_relu" << -1.0 << -0.2;
        QTest::newRow("elu") << "elu" << -1.0 << std::exp(-1.0) - 1;
        QTest::newRow("softplus") << "softplus" << 0.0 << std::log(2.0);
        QTest::newRow("softplus big") << "softplus" << 100.0 << 100.0;
        QTest::newRow("softsign") << "softsign" << 3.0 << 0.75;
        QTest::newRow("hard_sigmoid") << "hard_sigmoid" << 1.0 << 0.7;
        QTest::newRow("hard_sigmoid sat") << "hard_sigmoid" << 3.0 << 1.0;
        QTest::newRow("linear") << "linear" << -7.0 << -7.0;
    }
    void activationValues() {
        QFETCH(QString, name);
        QFETCH(double, x);
        QFETCH(double, y);
        auto a = activation_from_name(name.toStdString());
        QVERIFY(a.has_value());
        QCOMPARE(activation_name(*a), name.toStdString());
        Matrix in(1, 1), out;
        in(0, 0) = static_cast<Scalar>(x);
        activation_forward(*a, in, out);
        QVERIFY2(std::abs(out(0, 0) - y) < 1e-5, qPrintable(QString::number(out(0, 0))));
    }

    void kerasParameterCounts_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<qlonglong>("params");
        QTest::newRow("mlp-512") << "mlp-512" << 407050LL;
        QTest::newRow("mlp-392x2") << "mlp-392x2" << 465706LL;
        QTest::newRow("mlp-500x2-tanh") << "mlp-500x2-tanh" << 648010LL;
        QTest::newRow("mlp-512x2-dropout") << "mlp-512x2-dropout" << 669706LL;
        QTest::newRow("mlp-128-32") << "mlp-128-32" << 104938LL;
        QTest::newRow("mlp-256-128-64") << "mlp-256-128-64" << 242762LL;
    }
    void kerasParameterCounts() {
        QFETCH(QString, preset);
        QFETCH(qlonglong, params);
        const Preset* p = find_preset(preset.toStdString());
        QVERIFY(p);
        Network net(p->model);
        QCOMPARE(static_cast<qlonglong>(net.parameter_count()), params);
        QCOMPARE(net.classes(), 10);
    }

    void summaryLooksLikeKeras() {
        Network net(find_preset("mlp-392x2")->model);
        const std::string s = model_summary(net, "mlp-392x2");
        QVERIFY2(s.find("Total params: 465,706\n") != std::string::npos, s.c_str());
        QVERIFY(s.find("Trainable params: 465,706\n") != std::string::npos);
        QVERIFY(s.find("dense_1 (Dense)") != std::string::npos);
        QVERIFY(s.find("(None, 392)") != std::string::npos);
        QVERIFY(s.find("154,056") != std::string::npos);  // 392 * 392 + 392
        QCOMPARE(format_thousands(0), std::string("0"));
        QCOMPARE(format_thousands(999), std::string("999"));
        QCOMPARE(format_thousands(1000), std::string("1,000"));
        QCOMPARE(format_thousands(1199882), std::string("1,199,882"));
    }

    void glorotUniformInitialisation() {
        // Dense 784 -> 512: U(-limit, limit) with limit = sqrt(6 / 1296); zero biases.
        Network net(ModelSpec{Shape{784}, {LayerSpec::dense(512, Activation::Relu), LayerSpec::dense(10, Activation::Softmax)}}, 42);
        const auto& p = net.parameters();
        const double limit = std::sqrt(6.0 / (784 + 512));
        double maxabs = 0, mean = 0;
        for (std::size_t i = 0; i < 784 * 512; ++i) {
            maxabs = std::max(maxabs, std::abs(static_cast<double>(p[i])));
            mean += p[i];
        }
        mean /= 784 * 512;
        QVERIFY(maxabs <= limit);
        QVERIFY(maxabs > 0.99 * limit);
        QVERIFY(std::abs(mean) < 0.001);
        for (std::size_t i = 784 * 512; i < 784 * 512 + 512; ++i) QCOMPARE(p[i], Scalar(0));
    }

    void impossibleNetworksAreExplained() {
        // A Dense straight after an image input needs a Flatten.
        ModelSpec s{Shape{28, 28, 1}, {LayerSpec::dense(10, Activation::Softmax)}};
        try {
            Network net(s);
            QFAIL("expected ConfigError");
        } catch (const ConfigError& e) {
            QVERIFY2(std::string(e.what()).find("Flatten") != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(ConfigError, Network(ModelSpec{Shape{784}, {}}));
        QVERIFY_THROWS_EXCEPTION(ConfigError, Network(ModelSpec{Shape{784}, {LayerSpec::dense(0)}}));
    }

    void predictGivesProbabilities() {
        for (const char* name : {"mlp-512", "mlp-128-32"}) {  // softmax output and logits output
            Network net(find_preset(name)->model, 1);
            Matrix x = (Matrix::Random(7, 784).array() + 1) / 2;
            Matrix p = net.predict(x, 3);
            QCOMPARE(p.rows(), Eigen::Index(7));
            for (int r = 0; r < 7; ++r) QVERIFY(std::abs(p.row(r).sum() - 1.0f) < 1e-5f);
            // Chunked and whole-batch predictions agree.
            Matrix q = net.predict(x, 256);
            QVERIFY((p - q).cwiseAbs().maxCoeff() < 1e-6f);
        }
    }

    // One rule for what the scores are: logits for a folded softmax or a linear output (softmax
    // turns them into probabilities), probabilities for e.g. a sigmoid output, wherever that
    // activation sits among the trailing Activation/Dropout layers (rescaled to sum to 1).
    void scoresAreLogitsByTheOutputActivation() {
        const Shape in{4};
        Network softmax(ModelSpec{in, {LayerSpec::dense(10, Activation::Softmax)}}, 3);
        Network linear(ModelSpec{in, {LayerSpec::dense(10), LayerSpec::dropout(0.5f)}}, 3);
        Network sigmoid(ModelSpec{in, {LayerSpec::dense(10), LayerSpec::activation_layer(Activation::Sigmoid),
                                       LayerSpec::dropout(0.5f)}}, 3);
        QVERIFY(softmax.scores_are_logits());
        QVERIFY(linear.scores_are_logits());
        QVERIFY(!sigmoid.scores_are_logits());
        Matrix x = Matrix::Random(3, 4);
        const Matrix s = sigmoid.forward_scores(x, false);
        const Matrix p = sigmoid.predict(x, 8);
        for (int r = 0; r < 3; ++r) {
            QVERIFY(std::abs(p.row(r).sum() - 1.0f) < 1e-5f);
            for (int c = 0; c < 10; ++c) QVERIFY(std::abs(p(r, c) - s(r, c) / s.row(r).sum()) < 1e-5f);
        }
    }
};

QTEST_APPLESS_MAIN(TestLayers)
#include "tst_layers.moc"
