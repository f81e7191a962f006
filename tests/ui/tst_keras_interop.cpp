// The app's Keras/ONNX doors on the offscreen platform: File > Import Keras Model... (through the
// real file dialog), a .keras file dropped on the window, a refused file that keeps the current
// model, the Keras-code dialog (both sources, copy, save) and File > Export > ONNX / Keras.
#include "keras_import.h"
#include "keras_interop.h"
#include "main_window.h"
#include "network_editor.h"
#include "session.h"
#include "train_page.h"
#include "training_config_editor.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace digit;
using namespace digit::ui;

namespace {
QString fixture(const char* name) { return qEnvironmentVariable("DIGIT_KERAS_FIXTURES") + QLatin1Char('/') + QLatin1String(name); }

void closeMessageBoxes(QWidget* parent) {
    for (QMessageBox* box : parent->findChildren<QMessageBox*>()) box->close();
    QCoreApplication::processEvents();
}
}  // namespace

class TestKerasInterop : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("DIGIT_KERAS_FIXTURES")) QSKIP("DIGIT_KERAS_FIXTURES is not set (run through CTest)");
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir_.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("DigitStudioTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_keras_interop"));
    }

    void importByMenu() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.kerasInterop());
        // Answer the real file dialog the menu action opens.
        bool answered = false;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->selectFile(fixture("cnn.keras2.h5"));
            QMetaObject::invokeMethod(dialog, "accept");
            answered = true;
        });
        w.kerasInterop()->importAction()->trigger();
        QVERIFY(answered);
        QVERIFY2(w.kerasInterop()->lastError().isEmpty(), qPrintable(w.kerasInterop()->lastError()));
        QVERIFY(w.session()->modelFile());
        QCOMPARE(w.session()->modelName(), QStringLiteral("cnn.keras2"));
        QCOMPARE(w.session()->model()->parameter_count(), std::size_t(1199882));
        // The action is in the File menu.
        bool inMenu = false;
        for (QAction* a : w.findChildren<QAction*>()) inMenu |= a == w.kerasInterop()->importAction() && !a->associatedObjects().isEmpty();
        QVERIFY(inMenu);
    }

    void importByDrop() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(fixture("bn.keras"))});
        const QPoint at = w.rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &drop);
        QVERIFY(drop.isAccepted());
        QVERIFY(w.session()->modelFile());
        QCOMPARE(w.session()->modelName(), QStringLiteral("bn"));
        QCOMPARE(w.session()->modelFile()->parameters, interop::import_keras_model(fixture("bn.keras").toStdString()).model.parameters);
    }

    void otherDropsAreNotTaken() {
        MainWindow w;
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dir_.filePath(QStringLiteral("notes.txt")))});
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        enter.ignore();
        QApplication::sendEvent(&w, &enter);
        QVERIFY(!enter.isAccepted());
    }

    void refusedImportKeepsTheModel() {
        MainWindow w;
        w.show();
        QVERIFY(w.kerasInterop()->importFile(fixture("mlp.keras")));
        const std::vector<float> before = w.session()->modelFile()->parameters;
        QVERIFY(!w.kerasInterop()->importFile(fixture("bad_lstm.h5")));
        QVERIFY(w.kerasInterop()->lastError().contains(QStringLiteral("LSTM")));
        QVERIFY(w.session()->modelFile()->parameters == before);
        closeMessageBoxes(&w);
    }

    void kerasCodeDialog() {
        MainWindow w;
        w.show();
        QVERIFY(w.trainPage()->selectPreset(QStringLiteral("cnn-32-64")));
        QVERIFY(w.kerasInterop()->importFile(fixture("mlp.keras2.h5")));
        w.kerasInterop()->kerasCodeAction()->trigger();
        auto* dialog = w.findChild<KerasCodeDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        // The Train page's settings: cnn-32-64's network and Adadelta.
        QVERIFY(dialog->code().contains(QStringLiteral("layers.Conv2D(64, (3, 3), activation=\"relu\")")));
        QVERIFY(dialog->code().contains(QStringLiteral("keras.optimizers.Adadelta(learning_rate=1.0, rho=0.95)")));
        // The current model: the imported MLP and its RMSprop from the file's training_config.
        dialog->sourceBox()->setCurrentIndex(KerasCodeDialog::CurrentModel);
        QVERIFY(dialog->code().contains(QStringLiteral("layers.Dense(64, activation=\"relu\")")));
        QVERIFY(dialog->code().contains(QStringLiteral("keras.optimizers.RMSprop")));
        QTest::mouseClick(dialog->copyButton(), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), dialog->code());
        const QString saved = dir_.filePath(QStringLiteral("model.py"));
        QVERIFY(dialog->saveTo(saved));
        QFile f(saved);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(f.readAll()), dialog->code());
        // DIGIT_SCREENSHOT_DIR=DIR: the dialog rendered to DIR/keras_code.png (for the README).
        if (!qEnvironmentVariableIsEmpty("DIGIT_SCREENSHOT_DIR"))
            QVERIFY(dialog->grab().save(qEnvironmentVariable("DIGIT_SCREENSHOT_DIR") + QStringLiteral("/keras_code.png")));
        dialog->close();
    }

    // An imported model, trained further from the Train page: its network and settings fill the
    // editors and the run starts from its weights, not from a fresh initialisation.
    void trainsAnImportedModelFurther() {
        MainWindow w;
        QString error;
        if (!w.session()->loadData({}, &error)) QSKIP("MNIST not found");
        QVERIFY(w.kerasInterop()->importFile(fixture("bn.keras")));
        const ModelFile imported = *w.session()->modelFile();
        TrainPage* page = w.trainPage();
        QVERIFY(page->loadCurrentModel());
        QVERIFY(page->networkEditor()->spec() == imported.spec);
        QVERIFY(page->startFromModelBox()->isEnabled() && page->startFromModelBox()->isChecked());
        TrainConfig c = page->configEditor()->config();
        QCOMPARE(c.optimizer.kind, OptimizerKind::Adam);  // from the file's compile_config
        QCOMPARE(c.optimizer.learning_rate, 0.0005f);
        c.epochs = 1;
        page->configEditor()->setConfig(c);
        page->configEditor()->setTrainLimit(128);
        QVERIFY(page->startFromModelBox()->isChecked());
        QVERIFY2(page->start(), qPrintable(page->messageText()));
        QTRY_VERIFY_WITH_TIMEOUT(page->state() == TrainPage::State::Idle, 60000);
        QVERIFY(!page->runs().empty());
        const std::vector<float>& after = page->runs().back().result.model.parameters;
        QCOMPARE(after.size(), imported.parameters.size());
        Network fresh(imported.spec, c.seed);
        double moved = 0, fromFresh = 0;
        for (std::size_t i = 0; i < after.size(); ++i) {
            moved = std::max(moved, double(std::abs(after[i] - imported.parameters[i])));
            fromFresh = std::max(fromFresh, double(std::abs(after[i] - fresh.parameters()[i])));
        }
        // 4 Adam steps of 5e-4 move a weight by at most ~2e-3; the batch-norm statistics by
        // about 4% of the batch's difference; a fresh network is far away.
        QVERIFY2(moved < 0.2 && fromFresh > 0.5, qPrintable(QStringLiteral("%1 %2").arg(moved).arg(fromFresh)));
        // Editing the network makes the weights unusable: the box turns off.
        ModelSpec other = imported.spec;
        other.layers.back().units = 10;
        other.layers.insert(other.layers.end() - 1, LayerSpec::dropout(0.1f));
        page->networkEditor()->setSpec(other);
        QVERIFY(!page->startFromModelBox()->isEnabled());
        QVERIFY(!page->startFromModelBox()->isChecked());
    }

    void exportsOnnxAndKeras() {
        MainWindow w;
        QVERIFY(w.kerasInterop()->importFile(fixture("bn.keras3.h5")));
        const QString onnx = dir_.filePath(QStringLiteral("bn.onnx")), keras = dir_.filePath(QStringLiteral("bn.keras"));
        QVERIFY(w.kerasInterop()->exportOnnx(onnx));
        QVERIFY(QFileInfo(onnx).size() > 1000);
        QVERIFY(w.kerasInterop()->exportKeras(keras));
        QCOMPARE(interop::import_keras_model(keras.toStdString()).model.parameters, w.session()->modelFile()->parameters);
    }
};

QTEST_MAIN(TestKerasInterop)
#include "tst_keras_interop.moc"
