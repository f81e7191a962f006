// Keras files out: our models written as Keras 2 .h5 and Keras 3 .keras import back to the same
// network with bit-identical weights and predictions. The files (and our outputs for fixed
// inputs) are left in $DIGIT_KERAS_EXPORT_OUT for check_keras_files.py, which reads them with
// h5py alone and runs an independent numpy forward pass on them.
#include "errors.h"
#include "keras_export.h"
#include "keras_import.h"
#include "network.h"
#include "presets.h"

#include <QDir>
#include <QTest>

#include <fstream>

using namespace digit;

namespace {
void write_bin(const std::string& path, const Matrix& m) {
    std::ofstream out(path, std::ios::binary);
    const std::int32_t dims[2] = {static_cast<std::int32_t>(m.rows()), static_cast<std::int32_t>(m.cols())};
    out.write(reinterpret_cast<const char*>(dims), sizeof dims);
    out.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size() * sizeof(float)));
}

Matrix outputs(const ModelFile& m, const Matrix& x) {
    auto net = network_from_file(m);
    Matrix y = net->forward_scores(x, false);
    if (net->ends_with_softmax()) softmax_rows(y, y);
    return y;
}
}  // namespace

class TestKerasExport : public QObject {
    Q_OBJECT
private:
    QString out_;
    Matrix x_;

private slots:
    void initTestCase() {
        out_ = qEnvironmentVariable("DIGIT_KERAS_EXPORT_OUT", QDir::tempPath() + "/digit_keras_export");
        QVERIFY(QDir().mkpath(out_));
        Rng rng(5);
        x_ = Matrix(6, 784);
        for (Eigen::Index i = 0; i < x_.size(); ++i) x_.data()[i] = static_cast<Scalar>(rng.uniform());
        write_bin((out_ + "/inputs.bin").toStdString(), x_);
    }

    void roundTrip_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("source");
        QTest::newRow("mlp-512x2-dropout") << "mlp-512x2-dropout" << "preset";
        QTest::newRow("mlp-128-32 (logits, sparse from_logits)") << "mlp-128-32" << "preset";
        QTest::newRow("cnn-32-64") << "cnn-32-64" << "preset";
        QTest::newRow("best (trained, 11 outputs)") << "best" << QStringLiteral(DIGIT_DEFAULT_MODEL);
        // A Keras functional model with use_bias=False layers, imported: it leaves as a
        // Sequential model whose biases are zeros, the same function.
        QTest::newRow("imported functional, bias-free layers") << "func" << "keras:func.keras2.h5";
    }
    void roundTrip() {
        QFETCH(QString, name);
        QFETCH(QString, source);
        ModelFile m;
        if (source == "preset") {
            const Preset* p = find_preset(name.toStdString());
            Network net(p->model, 11);
            ModelInfo info;
            info.name = name.toStdString();
            m = make_model_file(net, p->training, info);
        } else if (source.startsWith("keras:")) {
            const QString fixtures = qEnvironmentVariable("DIGIT_KERAS_FIXTURES");
            if (fixtures.isEmpty()) QSKIP("DIGIT_KERAS_FIXTURES is not set (run through CTest)");
            m = interop::import_keras_model((fixtures + "/" + source.mid(6)).toStdString()).model;
        } else {
            m = load_model(source.toStdString());
        }
        const Matrix ours = outputs(m, x_);
        write_bin((out_ + "/" + name + ".expected").toStdString(), ours);
        for (const char* ext : {".h5", ".keras"}) {
            const std::string path = (out_ + "/" + name + ext).toStdString();
            interop::export_keras(path, m);
            const interop::KerasImport back = interop::import_keras_model(path);
            QCOMPARE(int(back.format), int(ext == std::string(".h5") ? interop::KerasFormat::Keras2H5 : interop::KerasFormat::KerasZip));
            QVERIFY(back.model.spec == m.spec);
            QVERIFY(back.model.parameters == m.parameters);
            QVERIFY(back.model.training.optimizer == m.training.optimizer);
            QCOMPARE(back.model.training.loss, m.training.loss);
            QVERIFY(outputs(back.model, x_) == ours);  // bit for bit
        }
    }

    void refusesAnotherExtension() {
        const Preset* p = find_preset("mlp-512");
        Network net(p->model, 1);
        QVERIFY_THROWS_EXCEPTION(FileError, interop::export_keras((out_ + "/x.txt").toStdString(), make_model_file(net, p->training, {})));
    }
};

QTEST_GUILESS_MAIN(TestKerasExport)
#include "tst_keras_export.moc"
