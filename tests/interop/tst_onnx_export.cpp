// ONNX export, checked by a second, independent engine: OpenCV's dnn module reads the exported
// file and runs it on MNIST test images; its outputs must agree with ours to 1e-4, for an MLP
// preset, a CNN preset, `best` (the app's trained default model) and an imported Keras network
// with a strided 'same' convolution and batch norm. The files are left in $DIGIT_ONNX_OUT for
// the onnx_checker test (python3-onnx's checker).
#include "keras_import.h"
#include "mnist.h"
#include "network.h"
#include "onnx_export.h"
#include "presets.h"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <QDir>
#include <QTest>

#include <numeric>

using namespace digit;

class TestOnnxExport : public QObject {
    Q_OBJECT
private:
    Dataset test_;

private slots:
    void initTestCase() {
        auto dir = find_mnist();
        if (!dir) QSKIP("MNIST not found");
        // 1000 images keep the suite fast; DIGIT_ONNX_IMAGES=10000 runs the whole test set.
        const int n = qEnvironmentVariableIntValue("DIGIT_ONNX_IMAGES");
        test_ = load_mnist(*dir).test.head(n > 0 && n <= 10000 ? std::size_t(n) : 1000);
        QVERIFY(QDir().mkpath(qEnvironmentVariable("DIGIT_ONNX_OUT")));
    }

    void openCvAgrees_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("source");  // a preset's name (fresh weights) or a model file
        QTest::newRow("mlp-512x2-dropout") << "mlp-512x2-dropout" << "preset";
        QTest::newRow("mlp-128-32 (logits)") << "mlp-128-32" << "preset";
        QTest::newRow("cnn-32-64") << "cnn-32-64" << "preset";
        QTest::newRow("best (trained, 11 outputs)") << "best" << QStringLiteral(DIGIT_DEFAULT_MODEL);
        QTest::newRow("imported bn") << "bn" << qEnvironmentVariable("DIGIT_KERAS_FIXTURES") + "/bn.keras";
    }
    void openCvAgrees() {
        QFETCH(QString, name);
        QFETCH(QString, source);
        ModelFile m;
        if (source == "preset") {
            const Preset* p = find_preset(name.toStdString());
            Network net(p->model, 7);
            m = make_model_file(net, p->training, ModelInfo{});
        } else {
            m = interop::load_any_model(source.toStdString());
        }
        const std::string path = (qEnvironmentVariable("DIGIT_ONNX_OUT") + "/" + name + ".onnx").toStdString();
        interop::export_onnx(path, m);

        // Ours: the network's scores as the ONNX graph defines its output (probabilities after a
        // final softmax, else the last layer's values).
        auto net = network_from_file(m);
        std::vector<std::size_t> order(test_.size());
        std::iota(order.begin(), order.end(), 0);
        Matrix x;
        std::vector<int> labels;
        to_batch(test_, order, 0, test_.size(), x, labels);
        Matrix ours = net->forward_scores(x, false);
        if (net->ends_with_softmax()) softmax_rows(ours, ours);

        cv::dnn::Net cvnet = cv::dnn::readNetFromONNX(path);
        const bool image = m.spec.input.rank() == 3;
        std::vector<int> dims = image ? std::vector<int>{int(x.rows()), 1, 28, 28} : std::vector<int>{int(x.rows()), 784};
        cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, x.data());  // (h, w) with one channel: NCHW = NHWC
        cvnet.setInput(blob, "input");
        cv::Mat out = cvnet.forward("output");
        QCOMPARE(out.total(), static_cast<std::size_t>(ours.size()));
        double worst = 0;
        int agree = 0;
        for (Eigen::Index r = 0; r < ours.rows(); ++r) {
            const float* row = out.ptr<float>(static_cast<int>(r));
            Eigen::Index a = 0, b = 0;
            for (Eigen::Index c = 0; c < ours.cols(); ++c) {
                worst = std::max(worst, std::abs(double(row[c]) - double(ours(r, c))));
                if (row[c] > row[b]) b = c;
            }
            ours.row(r).maxCoeff(&a);
            agree += a == b;
        }
        qInfo("%s: OpenCV dnn vs Digit Studio on %lld MNIST test images: max |difference| %.3g, same class for %d",
              qPrintable(name), static_cast<long long>(ours.rows()), worst, agree);
        QVERIFY2(worst <= 1e-4, qPrintable(QString::number(worst)));
        QCOMPARE(agree, int(ours.rows()));
    }
};

QTEST_GUILESS_MAIN(TestOnnxExport)
#include "tst_onnx_export.moc"
