// The main window on the offscreen platform: it opens quickly with all pages, switches pages by
// list, menu shortcut and API, refuses a corrupt or truncated model file with a message while
// keeping the model it had, and remembers the page, geometry, last model and language.
#include "draw_page.h"
#include "language.h"
#include "main_window.h"
#include "train_page.h"
#include "training_config_editor.h"
#include "session.h"
#include "model_library.h"

#include "model_io.h"
#include "network.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>
#include <QCoreApplication>
#include <QDialog>
#include <QElapsedTimer>
#include <QFile>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace digit;
using namespace digit::ui;

namespace {

// A tiny valid model file (untrained 784-8-10), so these tests need no training and no data.
ModelFile tinyModel(const std::string& name) {
    ModelSpec spec;
    spec.input = Shape{784};
    spec.layers = {LayerSpec::dense(8, Activation::Relu), LayerSpec::dense(10, Activation::Softmax)};
    Network net(spec, 7);
    ModelInfo info;
    info.name = name;
    return make_model_file(net, TrainConfig{}, info);
}

void closeMessageBoxes(QWidget* parent) {
    for (QMessageBox* box : parent->findChildren<QMessageBox*>()) box->close();
    QCoreApplication::processEvents();
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString settingsPath_;
    QString goodModel_;

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        settingsPath_ = dir_.filePath(QStringLiteral("settings"));
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsPath_);
        QCoreApplication::setOrganizationName(QStringLiteral("DigitStudioTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
        goodModel_ = dir_.filePath(QStringLiteral("good.dsm"));
        save_model(goodModel_.toStdString(), tinyModel("good one"));
    }

    void init() { QSettings().clear(); }

    void opensQuicklyWithAllPages() {
        QElapsedTimer clock;
        clock.start();
        MainWindow w;
        w.show();
        w.startUp(QString(), /*loadData=*/false);
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QStringLiteral("%1 ms").arg(clock.elapsed())));
        for (int i = 0; i < MainWindow::PageCount; ++i) QVERIFY(w.page(i));
        QCOMPARE(w.currentPage(), int(MainWindow::TrainPageIndex));
    }

    void switchesPages() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        for (int i = 0; i < MainWindow::PageCount; ++i) {
            w.showPage(i);
            QCOMPARE(w.currentPage(), i);
            QVERIFY(w.page(i)->isVisible());
        }
        // By the page list...
        auto* list = w.findChild<QListWidget*>();
        QVERIFY(list);
        list->setCurrentRow(MainWindow::ErrorsPageIndex);
        QCOMPARE(w.currentPage(), int(MainWindow::ErrorsPageIndex));
        // ...and by the View menu's shortcuts (Ctrl+1 .. Ctrl+5).
        QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(w.currentPage(), int(MainWindow::DrawPageIndex));
        QCOMPARE(list->currentRow(), int(MainWindow::DrawPageIndex));
        QTest::keyClick(&w, Qt::Key_5, Qt::ControlModifier);
        QCOMPARE(w.currentPage(), int(MainWindow::QuizPageIndex));
    }

    void corruptModelIsRefusedAndTheOldOneKept_data() {
        QTest::addColumn<QByteArray>("bytes");
        QFile good(goodModel_);
        QVERIFY(good.open(QIODevice::ReadOnly));
        const QByteArray valid = good.readAll();
        QByteArray flipped = valid;
        flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x5a);
        QTest::newRow("not a model") << QByteArray("this is a text file, not a model\n");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("truncated") << valid.left(valid.size() / 2);
        QTest::newRow("bit flip") << flipped;
    }

    void corruptModelIsRefusedAndTheOldOneKept() {
        QFETCH(QByteArray, bytes);
        const QString bad = dir_.filePath(QStringLiteral("bad.dsm"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
        f.close();

        MainWindow w;
        w.show();
        QVERIFY(w.openModelFile(goodModel_));
        QCOMPARE(w.session()->modelPath(), goodModel_);
        const std::vector<float> weights = w.session()->modelFile()->parameters;

        QSignalSpy changed(w.session(), &Session::modelChanged);
        QVERIFY(!w.openModelFile(bad));
        QVERIFY(!w.lastError().isEmpty());
        QVERIFY2(w.lastError().contains(QStringLiteral("bad.dsm")), qPrintable(w.lastError()));
        QVERIFY(w.lastError().contains(QStringLiteral("current model is still in use")));
        // A message box tells the person (without blocking the app)...
        QTRY_VERIFY(w.findChild<QMessageBox*>() && w.findChild<QMessageBox*>()->isVisible());
        closeMessageBoxes(&w);
        // ...and nothing changed.
        QCOMPARE(changed.count(), 0);
        QCOMPARE(w.session()->modelPath(), goodModel_);
        QVERIFY(w.session()->modelFile()->parameters == weights);
        QVERIFY(w.session()->model());
    }

    void missingModelFileIsRefused() {
        MainWindow w;
        QVERIFY(!w.openModelFile(dir_.filePath(QStringLiteral("does-not-exist.dsm"))));
        QVERIFY(!w.lastError().isEmpty());
        QVERIFY(!w.session()->modelFile());
        closeMessageBoxes(&w);
    }

    void savesTheModelAndReopensIt() {
        MainWindow w;
        w.session()->setModel(tinyModel("trained here"));
        const QString path = dir_.filePath(QStringLiteral("saved.dsm"));
        QVERIFY(w.saveModelFile(path));
        QCOMPARE(w.session()->modelPath(), path);
        MainWindow other;
        QVERIFY(other.openModelFile(path));
        QVERIFY(other.session()->modelFile()->parameters == w.session()->modelFile()->parameters);
        QCOMPARE(other.session()->modelName(), QStringLiteral("trained here"));
    }

    void settingsPersist() {
        QRect geometry;
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.resize(760, 560);  // inside the offscreen screen (800x600)
            w.showPage(MainWindow::DataPageIndex);
            QVERIFY(w.openModelFile(goodModel_));
            geometry = w.geometry();
            QVERIFY(w.close());  // saves the settings
        }
        QCOMPARE(QSettings().value(ModelLibrary::currentKey()).toString(), goodModel_);
        {
            MainWindow w;
            w.startUp(QString(), /*loadData=*/false);
            QCOMPARE(w.currentPage(), int(MainWindow::DataPageIndex));
            // (As large as it was, as far as the offscreen screen allows.)
            QCOMPARE(w.size(), geometry.size().boundedTo(w.screen()->availableGeometry().size()));
            // The last model comes back.
            QCOMPARE(w.session()->modelPath(), goodModel_);
            QCOMPARE(w.session()->modelName(), QStringLiteral("good one"));
        }
    }

    void lastModelMissingFallsBackGracefully() {
        QSettings().setValue(QStringLiteral("model/last"), dir_.filePath(QStringLiteral("gone.dsm")));
        MainWindow w;
        w.startUp(QString(), /*loadData=*/false);
        // No crash, no error box: the default model (if this build ships one) or none.
        QVERIFY(!w.findChild<QMessageBox*>());
        QVERIFY(w.session()->modelPath().isEmpty());
    }

    void bundledModelIsThereAfterARestartWithAnotherModelOpen() {
        {
            MainWindow w;
            w.startUp(QString(), /*loadData=*/false);
            ModelLibrary* library = w.session()->library();
            QCOMPARE(library->count(), 1);
            QCOMPARE(library->entry(0).kind, ModelLibrary::Kind::Bundled);
            QCOMPARE(w.session()->modelName(), QStringLiteral("best"));
            QVERIFY(w.openModelFile(goodModel_));
            // Opening it again (another spelling of the path) adds nothing.
            QVERIFY(w.openModelFile(QDir(dir_.path()).filePath(QStringLiteral("./good.dsm"))));
            QCOMPARE(library->count(), 2);
            QVERIFY(w.close());
        }
        MainWindow w;
        w.startUp(QString(), /*loadData=*/false);
        ModelLibrary* library = w.session()->library();
        QCOMPARE(library->count(), 2);
        QCOMPARE(library->entry(0).kind, ModelLibrary::Kind::Bundled);
        QCOMPARE(w.session()->modelName(), QStringLiteral("good one"));
        QVERIFY(library->use(0));
        QCOMPARE(w.session()->modelName(), QStringLiteral("best"));
        QVERIFY(w.session()->model());
    }

    void quittingWithAnUnsavedRunAsks_data() {
        QTest::addColumn<int>("answer");
        QTest::addColumn<bool>("closes");
        QTest::newRow("cancel") << int(QMessageBox::Cancel) << false;
        QTest::newRow("discard") << int(QMessageBox::Discard) << true;
    }

    void quittingWithAnUnsavedRunAsks() {
        QFETCH(int, answer);
        QFETCH(bool, closes);
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.session()->library()->addRun(tinyModel("mlp-128-32 #1"), QStringLiteral("mlp-128-32 #1"));
        // Answer the modal question when it comes up.
        QString asked;
        QTimer::singleShot(0, &w, [&] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box) return;
            asked = box->text();
            box->button(QMessageBox::StandardButton(answer))->click();
        });
        QCOMPARE(w.close(), closes);
        QVERIFY2(asked.contains(QStringLiteral("mlp-128-32 #1")), qPrintable(asked));
        QCOMPARE(w.isVisible(), !closes);
    }

    void quittingWithoutUnsavedRunsDoesNotAsk() {
        MainWindow w;
        w.show();
        w.session()->library()->addRun(tinyModel("loaded"), QStringLiteral("loaded"), /*unsaved=*/false);
        QVERIFY(w.close());
    }

    void statusMessagesAreElidedAndNameAPathOnce() {
        MainWindow w;
        w.resize(900, 600);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.startUp(QString(), /*loadData=*/false);
        const QString bad = dir_.filePath(QStringLiteral("a-rather-long-folder-name/another-long-folder/not-there.dsm"));
        QVERIFY(!w.openModelFile(bad));
        closeMessageBoxes(&w);
        QCOMPARE(w.lastError().count(QStringLiteral("not-there.dsm")), 1);
        // The message fits left of the model and data labels.
        const QString shown = w.statusText();
        QVERIFY(!shown.isEmpty());
        auto* bar = w.statusBar();
        const int textWidth = bar->fontMetrics().horizontalAdvance(shown);
        QWidget* model = w.findChild<QToolButton*>(QStringLiteral("modelButton"));
        QVERIFY(model);
        QVERIFY(model->isVisible());
        QVERIFY2(textWidth < model->geometry().left(), qPrintable(QStringLiteral("%1 >= %2").arg(textWidth).arg(model->geometry().left())));
    }

    void saveAsHasAShortcut() {
        MainWindow w;
        bool found = false;
        for (QAction* a : w.findChildren<QAction*>())
            if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)) found = true;
        QVERIFY(found);
    }

    void savedGeometryIsKeptOnScreen() {
        QSettings().setValue(QStringLiteral("window/geometry"), QByteArray());
        {
            MainWindow w;
            w.setGeometry(5000, 4000, 1400, 900);  // far off any screen
            w.saveSettings();
        }
        MainWindow w;
        const QRect available = w.screen()->availableGeometry();
        QVERIFY2(available.contains(w.geometry()),
                 qPrintable(QStringLiteral("%1,%2 %3x%4").arg(w.x()).arg(w.y()).arg(w.width()).arg(w.height())));
    }

    void languageSwitchesWithoutARestart() {
#ifndef DIGIT_QM_DIR
        QSKIP("no compiled translations in this build");
#else
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* list = w.findChild<QListWidget*>();
        QVERIFY(list);
        QCOMPARE(list->item(MainWindow::DrawPageIndex)->text(), QStringLiteral("Draw"));
        QVERIFY(applyLanguage(QStringLiteral("zh_CN"), {QStringLiteral(DIGIT_QM_DIR)}));
        // Every page follows at once: the page list, the menus, the pages' own buttons.
        QTRY_COMPARE(list->item(MainWindow::DrawPageIndex)->text(), QStringLiteral("手写"));  // (posted events)
        QCOMPARE(w.drawPage()->clearButton()->text(), QStringLiteral("清除"));
        QVERIFY(w.menuBar()->actions().front()->text().contains(QStringLiteral("文件")));
        QVERIFY(applyLanguage(QStringLiteral("en"), {QStringLiteral(DIGIT_QM_DIR)}));
        QTRY_COMPARE(list->item(MainWindow::DrawPageIndex)->text(), QStringLiteral("Draw"));
        QCOMPARE(w.drawPage()->clearButton()->text(), QStringLiteral("Clear"));
#endif
    }

    // A corrupt model file in the Chinese UI: the core's problem code worded in Chinese.
    void corruptFileIsExplainedInChinese() {
#ifndef DIGIT_QM_DIR
        QSKIP("no compiled translations in this build");
#else
        const QString bad = dir_.filePath(QStringLiteral("not-a-model.dsm"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QByteArray(64, 'x'));
        f.close();
        QVERIFY(applyLanguage(QStringLiteral("zh_CN"), {QStringLiteral(DIGIT_QM_DIR)}));
        MainWindow w;
        QVERIFY(!w.openModelFile(bad));
        closeMessageBoxes(&w);
        const QString error = w.lastError();
        QVERIFY2(error.contains(QStringLiteral("不是 Digit Studio 模型")), qPrintable(error));
        QVERIFY2(!error.contains(QStringLiteral("not a Digit Studio model")), qPrintable(error));
        QCOMPARE(error.count(QStringLiteral("not-a-model.dsm")), 1);
        applyLanguage(QStringLiteral("en"));
#endif
    }

    void trainingSettingsFitAt1280x800_data() {
        QTest::addColumn<QString>("language");
        QTest::newRow("English") << QStringLiteral("en");
        QTest::newRow("Chinese") << QStringLiteral("zh_CN");
    }

    void trainingSettingsFitAt1280x800() {
        QFETCH(QString, language);
#ifdef DIGIT_QM_DIR
        applyLanguage(language, {QStringLiteral(DIGIT_QM_DIR)});
#endif
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.trainPage()->selectPreset(QStringLiteral("mlp-256-128-64-dropout"));  // early stopping on
        w.trainPage()->showSettingsTab(true);
        QTest::qWait(50);
        auto* editor = w.trainPage()->configEditor();
        auto* area = qobject_cast<QScrollArea*>(editor->parentWidget()->parentWidget());
        QVERIFY(area);
        QVERIFY2(!area->verticalScrollBar()->isVisible(),
                 qPrintable(QStringLiteral("needs %1 px, has %2").arg(editor->minimumSizeHint().height()).arg(area->viewport()->height())));
        // Nor cut off at the right: the rows with a field beside a check box are whole, and the
        // window did not grow past 1280 to make them so.
        QVERIFY2(editor->width() <= area->viewport()->width() && editor->minimumSizeHint().width() <= editor->width(),
                 qPrintable(QStringLiteral("needs %1 px, is %2, has %3").arg(editor->minimumSizeHint().width())
                                .arg(editor->width()).arg(area->viewport()->width())));
        QCOMPARE(w.width(), 1280);
        applyLanguage(QStringLiteral("en"));
    }

    void languageChoiceIsRemembered() {
        MainWindow w;
        QAction* chinese = nullptr;
        for (QAction* a : w.findChildren<QAction*>())
            if (a->text() == QStringLiteral("简体中文")) chinese = a;
        QVERIFY(chinese);
        chinese->trigger();
        QCOMPARE(MainWindow::languageSetting(), QStringLiteral("zh_CN"));
        closeMessageBoxes(&w);
        QVERIFY(QFile::exists(QSettings().fileName()));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
