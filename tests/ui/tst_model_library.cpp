// The model library without any window: the bundled model is always there and cannot be removed,
// opened and saved files are remembered across a "restart" (a new library over the same
// QSettings) by canonical path, one entry per file however its path is spelled, a missing file is
// marked, a run waits to be chosen, saving a run makes it a remembered file, and unsaved runs are
// listed for the quit question. Settings live in a temporary scope, never the user's.
#include "model_library.h"

#include "model_io.h"
#include "network.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace digit;
using namespace digit::ui;

namespace {

ModelFile tinyModel(const std::string& name, std::uint64_t seed, double accuracy = -1) {
    ModelSpec spec;
    spec.input = Shape{784};
    spec.layers = {LayerSpec::dense(4, Activation::Relu), LayerSpec::dense(10, Activation::Softmax)};
    Network net(spec, seed);
    ModelInfo info;
    info.name = name;
    info.test_accuracy = accuracy;
    return make_model_file(net, TrainConfig{}, info);
}

}  // namespace

class TestModelLibrary : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

    QString file(const QString& name) const { return dir_.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir_.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("DigitStudioTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_model_library"));
        save_model(file(QStringLiteral("a.dsm")).toStdString(), tinyModel("model a", 1, 0.91));
        save_model(file(QStringLiteral("b.dsm")).toStdString(), tinyModel("model b", 2));
        QVERIFY(QDir(dir_.path()).mkpath(QStringLiteral("sub")));
    }

    void init() { QSettings().clear(); }

    void bundledIsAlwaysThereAndCannotBeRemoved() {
        ModelLibrary lib;
        QSignalSpy current(&lib, &ModelLibrary::currentChanged);
        lib.setBundled(tinyModel("best", 9, 0.9959));
        QCOMPARE(lib.count(), 1);
        QCOMPARE(lib.currentIndex(), 0);
        QCOMPARE(current.count(), 1);
        QCOMPARE(lib.entry(0).kind, ModelLibrary::Kind::Bundled);
        QVERIFY(!lib.remove(0));
        QCOMPARE(lib.count(), 1);
        QVERIFY(lib.label(0).contains(QStringLiteral("best")));
        QVERIFY(lib.label(0).contains(QStringLiteral("99.59%")));
    }

    void openedFileIsRememberedAcrossARestartWithTheBundledOne() {
        {
            ModelLibrary lib;
            lib.setBundled(tinyModel("best", 9));
            lib.restore();
            QString error;
            const int a = lib.addFile(file(QStringLiteral("a.dsm")), &error);
            QVERIFY2(a > 0, qPrintable(error));
            QCOMPARE(lib.currentIndex(), a);
        }
        ModelLibrary again;
        again.setBundled(tinyModel("best", 9));
        QVERIFY(again.restore().isEmpty());
        QCOMPARE(again.count(), 2);
        QCOMPARE(again.entry(0).kind, ModelLibrary::Kind::Bundled);
        QCOMPARE(again.entry(1).name, QStringLiteral("model a"));
        QCOMPARE(again.currentIndex(), 1);  // the model in use comes back
        QVERIFY(again.use(0));             // and the bundled one is one click away
        QCOMPARE(again.current()->kind, ModelLibrary::Kind::Bundled);
    }

    void oneEntryPerFileHoweverItIsSpelled() {
        ModelLibrary lib;
        lib.setBundled(tinyModel("best", 9));
        QString error;
        const int first = lib.addFile(file(QStringLiteral("a.dsm")), &error);
        const int second = lib.addFile(dir_.filePath(QStringLiteral("sub/../a.dsm")), &error);
        QCOMPARE(second, first);
        QCOMPARE(lib.count(), 2);
        // A symbolic link to the same file is the same file.
        QVERIFY(QFile::link(file(QStringLiteral("a.dsm")), file(QStringLiteral("link.dsm"))));
        QCOMPARE(lib.addFile(file(QStringLiteral("link.dsm")), &error), first);
        QCOMPARE(lib.count(), 2);
        QFile::remove(file(QStringLiteral("link.dsm")));
    }

    void missingFileIsMarkedAndCanBeForgotten() {
        const QString gone = file(QStringLiteral("gone.dsm"));
        QVERIFY(QFile::copy(file(QStringLiteral("b.dsm")), gone));
        {
            ModelLibrary lib;
            lib.setBundled(tinyModel("best", 9));
            QString error;
            QVERIFY(lib.addFile(gone, &error) > 0);
        }
        QVERIFY(QFile::remove(gone));
        ModelLibrary again;
        again.setBundled(tinyModel("best", 9));
        const QString message = again.restore();
        QVERIFY2(message.contains(QStringLiteral("gone.dsm")), qPrintable(message));  // said once, not twice
        QCOMPARE(message.count(QStringLiteral("gone.dsm")), 1);
        QCOMPARE(again.currentIndex(), 0);  // fell back to the bundled model
        const int index = again.indexOfPath(gone);
        QVERIFY(index > 0);
        QVERIFY(again.entry(index).missing());
        QVERIFY(!again.entry(index).usable());
        QVERIFY(again.label(index).contains(QStringLiteral("file missing")));
        QString error;
        QVERIFY(!again.use(index, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(again.remove(index));
        QCOMPARE(again.indexOfPath(gone), -1);
        QVERIFY(!QSettings().value(ModelLibrary::filesKey()).toStringList().contains(gone));
    }

    void runWaitsToBeChosenAndSavingMakesItAFile() {
        ModelLibrary lib;
        lib.setBundled(tinyModel("best", 9));
        QSignalSpy current(&lib, &ModelLibrary::currentChanged);
        const ModelFile run = tinyModel("mlp #1", 5, 0.97);
        const int index = lib.addRun(run, QStringLiteral("mlp #1"));
        QCOMPARE(current.count(), 0);  // a run does not take over
        QCOMPARE(lib.currentIndex(), 0);
        QCOMPARE(lib.unsavedRuns(), std::vector<int>{index});
        QVERIFY(lib.label(index).contains(QStringLiteral("not saved")));
        // The same run added again is the same entry.
        QCOMPARE(lib.addRun(run, QStringLiteral("mlp #1")), index);
        QCOMPARE(lib.count(), 2);

        QVERIFY(lib.use(index));
        QCOMPARE(current.count(), 1);
        QString error;
        const QString path = file(QStringLiteral("run1.dsm"));
        QCOMPARE(lib.saveEntry(index, path, &error), index);
        QVERIFY(lib.unsavedRuns().empty());
        QCOMPARE(lib.entry(index).path, ModelLibrary::canonicalPath(path));
        QVERIFY(load_model(path.toStdString()).parameters == run.parameters);

        ModelLibrary again;
        again.setBundled(tinyModel("best", 9));
        again.restore();
        QCOMPARE(again.count(), 2);
        QCOMPARE(again.entry(1).kind, ModelLibrary::Kind::File);
        QCOMPARE(again.currentIndex(), 1);
    }

    void failedSaveKeepsTheRunUnsaved() {
        ModelLibrary lib;
        const int index = lib.addRun(tinyModel("mlp #2", 6), QStringLiteral("mlp #2"));
        QString error;
        QCOMPARE(lib.saveEntry(index, dir_.filePath(QStringLiteral("no/such/folder/x.dsm")), &error), -1);
        QVERIFY(!error.isEmpty());
        QCOMPARE(lib.unsavedRuns(), std::vector<int>{index});
    }

    void corruptFileIsRefusedAndTheCurrentStays() {
        const QString bad = file(QStringLiteral("bad.dsm"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("DGTMODEL garbage");
        f.close();
        ModelLibrary lib;
        lib.setBundled(tinyModel("best", 9));
        QString error;
        QCOMPARE(lib.addFile(bad, &error), -1);
        QCOMPARE(error.count(QStringLiteral("bad.dsm")), 1);
        QCOMPARE(lib.currentIndex(), 0);
        QCOMPARE(lib.count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestModelLibrary)
#include "tst_model_library.moc"
