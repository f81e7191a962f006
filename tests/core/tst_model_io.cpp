// Model files: a round trip gives identical predictions; corrupt, truncated, future-version and
// foreign files are refused with an error that names the file; a failed save leaves the old file.
#include "errors.h"
#include "model_io.h"
#include "presets.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace digit;

namespace {
QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}
void writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}
}  // namespace

class TestModelIo : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString good_;
    ModelFile model_;

    void expectRefused(const QByteArray& bytes, const char* fragment) {
        const QString path = dir_.filePath("bad.dsm");
        writeAll(path, bytes);
        try {
            load_model(path.toStdString());
            QFAIL("a bad model file was accepted");
        } catch (const FileError& e) {
            QCOMPARE(QString::fromStdString(e.path()), path);
            QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
        }
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        const Preset* p = find_preset("mlp-512x2-dropout");
        Network net(p->model, 7);
        ModelInfo info;
        info.name = "round trip";
        info.test_accuracy = 0.5;
        model_ = make_model_file(net, p->training, info);
        good_ = dir_.filePath("good.dsm");
        save_model(good_.toStdString(), model_);
    }

    void roundTripGivesIdenticalPredictions() {
        ModelFile loaded = load_model(good_.toStdString());
        QVERIFY(loaded.spec == model_.spec);
        QVERIFY(loaded.training == model_.training);
        QCOMPARE(loaded.info.name, std::string("round trip"));
        QCOMPARE(loaded.info.test_accuracy, 0.5);
        QVERIFY(loaded.parameters == model_.parameters);
        auto a = network_from_file(model_);
        auto b = network_from_file(loaded);
        Matrix x = (Matrix::Random(16, 784).array() + 1) / 2;
        Matrix pa = a->predict(x), pb = b->predict(x);
        QVERIFY(pa == pb);
        QVERIFY(!QFile::exists(good_ + ".tmp"));
    }

    void everyLayerKindRoundTrips() {
        for (const auto& p : presets()) {
            Network net(p.model, 3);
            const QString path = dir_.filePath(QString::fromStdString(p.name) + ".dsm");
            save_model(path.toStdString(), make_model_file(net, p.training, {}));
            ModelFile m = load_model(path.toStdString());
            QVERIFY2(m.spec == p.model, p.name.c_str());
            QVERIFY2(m.training == p.training, p.name.c_str());
        }
    }

    void badFilesAreRefused() {
        const QByteArray good = readAll(good_);
        QVERIFY(good.size() > 1000);
        expectRefused(QByteArray(), "not a Digit Studio model");
        expectRefused("PK\x03\x04 this is a zip", "not a Digit Studio model");
        expectRefused(good.left(12), "truncated");
        expectRefused(good.left(good.size() / 2), "truncated");
        expectRefused(good.left(good.size() - 1), "truncated");
        expectRefused(good + QByteArray("x"), "unexpected data after the end");
        QByteArray flipped = good;
        flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x40);
        expectRefused(flipped, "checksum");
        QByteArray future = good;
        future[8] = 99;  // format version 99
        expectRefused(future, "newer version");
    }

    void headerProblemsAreNamed() {
        // A well-formed file (valid checksum) whose header describes the wrong architecture.
        ModelFile m = model_;
        m.spec.layers[0].units = 100;  // the weights are for 512 units
        const QString path = dir_.filePath("mismatch.dsm");
        save_model(path.toStdString(), m);
        try {
            load_model(path.toStdString());
            QFAIL("accepted weights that do not fit the architecture");
        } catch (const FileError& e) {
            QVERIFY2(std::string(e.what()).find("parameters") != std::string::npos, e.what());
        }
    }

    void failedSaveKeepsTheOldFile() {
        // Temporary names are unique now: something in the way of the old fixed "<name>.tmp"
        // no longer blocks a save. (Failing writes, full and read-only disks: tst_atomic_save.)
        const QString path = dir_.filePath("keep.dsm");
        save_model(path.toStdString(), model_);
        QVERIFY(QDir(dir_.path()).mkdir("keep.dsm.tmp"));
        ModelFile other = model_;
        other.info.name = "other";
        save_model(path.toStdString(), other);
        QCOMPARE(load_model(path.toStdString()).info.name, std::string("other"));
        const QByteArray before = readAll(path);
        QVERIFY_THROWS_EXCEPTION(FileError, save_model(dir_.filePath("no/such/dir/m.dsm").toStdString(), model_));
        QVERIFY_THROWS_EXCEPTION(FileError, save_model(dir_.path().toStdString(), model_));  // a folder
        QCOMPARE(readAll(path), before);
    }

    void missingFile() {
        QVERIFY_THROWS_EXCEPTION(FileError, load_model(dir_.filePath("absent.dsm").toStdString()));
    }
};

QTEST_APPLESS_MAIN(TestModelIo)
#include "tst_model_io.moc"
