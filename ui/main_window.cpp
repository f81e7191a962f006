#include "main_window.h"

#include "app_icons.h"
#include "data_page.h"
#include "draw_page.h"
#include "language.h"
#include "errors_page.h"
#include "inside_page.h"
#include "keras_interop.h"
#include "model_io.h"
#include "model_library.h"
#include "model_picker.h"
#include "quiz_page.h"
#include "run_report.h"
#include "session.h"
#include "train_page.h"
#include "training_worker.h"
#include "view_export.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmap>
#include <QPointer>
#include <QRegularExpression>
#include <QPushButton>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QToolButton>

namespace digit::ui {

namespace {

const char* const kDefaultModel = ":/models/default.dsm";
const char* const kPageNames[] = {"train", "draw", "errors", "data", "quiz", "inside"};

// Lets queued signals, layouts and repaints happen (the screenshot mode has no event loop yet).
void settle(int ms) {
    QElapsedTimer t;
    t.start();
    do QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    while (t.elapsed() < ms);
}

QString modelFilter() { return MainWindow::tr("Digit Studio models (*.dsm);;All files (*)"); }

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowIcon(appIcon(AppIcon::App));
    session_ = new Session(this);

    pageList_ = new QListWidget;
    pageList_->setViewMode(QListView::ListMode);
    pageList_->setIconSize(QSize(28, 28));
    pageList_->setSpacing(2);
    pageList_->setFrameShape(QFrame::NoFrame);
    pageList_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    pageList_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    QFont listFont = pageList_->font();
    listFont.setPointSizeF(listFont.pointSizeF() * 1.15);
    pageList_->setFont(listFont);
    pageList_->setAutoFillBackground(true);
    pageList_->setBackgroundRole(QPalette::Window);
    stack_ = new QStackedWidget;

    train_ = new TrainPage(session_);
    draw_ = new DrawPage(session_);
    errors_ = new ErrorsPage(session_);
    data_ = new DataPage(session_);
    quiz_ = new QuizPage(session_);
    inside_ = new InsidePage(session_);
    const AppIcon icons[] = {AppIcon::Train, AppIcon::Draw, AppIcon::Errors, AppIcon::Data, AppIcon::Quiz, AppIcon::Inside};
    QWidget* pages[] = {train_, draw_, errors_, data_, quiz_, inside_};
    for (int i = 0; i < PageCount; ++i) {
        stack_->addWidget(pages[i]);
        auto* item = new QListWidgetItem(appIcon(icons[i]), QString(), pageList_);
        item->setSizeHint(QSize(0, 44));
    }

    auto* central = new QWidget;
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(pageList_);
    auto* line = new QFrame;
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    layout->addWidget(line);
    layout->addWidget(stack_, 1);
    setCentralWidget(central);

    dataStatus_ = new QLabel;
    modelStatus_ = new QToolButton;
    modelStatus_->setObjectName(QStringLiteral("modelButton"));
    modelStatus_->setAutoRaise(true);
    modelStatus_->setPopupMode(QToolButton::InstantPopup);
    modelStatus_->setToolButtonStyle(Qt::ToolButtonTextOnly);
    modelsMenu_ = new ModelMenu(session_->library(), this);
    modelStatus_->setMenu(modelsMenu_);
    statusBar()->addPermanentWidget(modelStatus_);
    statusBar()->addPermanentWidget(dataStatus_);

    createActions();
    connect(pageList_, &QListWidget::currentRowChanged, this, &MainWindow::showPage);
    connect(session_, &Session::dataLoaded, this, [this] {
        dataLoading_ = false;
        dataError_.clear();
        updateDataStatus();
        showStatus(tr("MNIST loaded from %1").arg(QDir::toNativeSeparators(session_->dataSource())), 5000);
    });
    connect(session_, &Session::dataFailed, this, [this](const QString& message) {
        dataLoading_ = false;
        dataError_ = message;
        updateDataStatus();
    });
    connect(session_, &Session::modelChanged, this, &MainWindow::updateModelStatus);
    connect(modelsMenu_, &ModelMenu::saveRequested, this, &MainWindow::saveLibraryEntryAs);
    connect(modelsMenu_, &ModelMenu::failed, this, [this](const QString& m) { showError(tr("Models"), m); });
    connect(train_, &TrainPage::statusMessage, this, [this](const QString& m) { showStatus(m, 8000); });
    connect(train_, &TrainPage::saveRequested, this, &MainWindow::saveLibraryEntryAs);
    connect(statusBar(), &QStatusBar::messageChanged, this, [this](const QString& m) {
        if (m.isEmpty()) statusFull_.clear();
        statusBar()->setToolTip(statusFull_ != m ? statusFull_ : QString());
    });
    auto syncTrainActions = [this] {
        const auto s = train_->state();
        startTraining_->setEnabled(s == TrainPage::State::Idle);
        pauseTraining_->setEnabled(s == TrainPage::State::Running || s == TrainPage::State::Paused);
        stopTraining_->setEnabled(s == TrainPage::State::Running || s == TrainPage::State::Paused);
    };
    connect(train_, &TrainPage::trainingStarted, this, syncTrainActions);
    connect(train_, &TrainPage::trainingEnded, this, syncTrainActions);
    connect(errors_, &ErrorsPage::lookInside, this, [this](int testIndex) {
        showPage(InsidePageIndex);
        inside_->setTestImage(testIndex);
    });
    connect(inside_, &InsidePage::openTestImage, this, [this](int testIndex) {
        showPage(ErrorsPageIndex);
        errors_->showTestImage(testIndex);
    });
    auto send = [this](const QImage& image) {
        showPage(DrawPageIndex);
        draw_->loadImage(image);
    };
    connect(errors_, &ErrorsPage::sendToCanvas, this, send);
    connect(data_, &DataPage::sendToCanvas, this, send);
    connect(quiz_, &QuizPage::sendToCanvas, this, send);
    auto lookInside = [this](const QImage& image, const QString& title) {
        const QImage grey = image.convertToFormat(QImage::Format_Grayscale8).scaled(28, 28);
        MnistImage input{};
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x) input[static_cast<std::size_t>(y * 28 + x)] = grey.constScanLine(y)[x] / 255.0f;
        showPage(InsidePageIndex);
        inside_->setImage(input, title);
    };
    connect(data_, &DataPage::lookInside, this, lookInside);
    connect(quiz_, &QuizPage::lookInside, this, lookInside);

    retranslate();
    syncTrainActions();
    updateDataStatus();
    updateModelStatus();
    resize(1280, 800);
    restoreSettings();
}

MainWindow::~MainWindow() {
    if (reportThread_) reportThread_->wait();  // a report being written finishes its file
}

void MainWindow::createActions() {
    openModel_ = new QAction(this);
    openModel_->setShortcut(QKeySequence::Open);
    connect(openModel_, &QAction::triggered, this, &MainWindow::openModel);
    saveModel_ = new QAction(this);
    saveModel_->setShortcut(QKeySequence::Save);
    connect(saveModel_, &QAction::triggered, this, &MainWindow::saveModel);
    saveModelAs_ = new QAction(this);
    // QKeySequence::SaveAs is empty on some platforms (e.g. without a desktop theme).
    saveModelAs_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(saveModelAs_, &QAction::triggered, this, &MainWindow::saveModelAs);
    openImage_ = new QAction(this);
    openImage_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    connect(openImage_, &QAction::triggered, this, &MainWindow::openImage);
    chooseData_ = new QAction(this);
    connect(chooseData_, &QAction::triggered, this, &MainWindow::chooseDataFolder);
    quit_ = new QAction(this);
    quit_->setShortcut(QKeySequence::Quit);
    quit_->setMenuRole(QAction::QuitRole);
    connect(quit_, &QAction::triggered, this, &QWidget::close);

    fileMenu_ = menuBar()->addMenu(QString());
    fileMenu_->addAction(openModel_);
    fileMenu_->addAction(saveModel_);
    fileMenu_->addAction(saveModelAs_);
    fileMenu_->addSeparator();
    // Keras/ONNX: Import Keras Model..., Export >, Keras Code..., and drops of .h5/.keras files.
    QAction* afterKeras = fileMenu_->addSeparator();
    keras_ = new KerasInterop(this, session_, train_, fileMenu_, afterKeras);
    connect(keras_, &KerasInterop::statusMessage, this, [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    fileMenu_->addAction(openImage_);
    fileMenu_->addAction(chooseData_);
    fileMenu_->addSeparator();
    exportViewMenu_ = fileMenu_->addMenu(QString());
    connect(exportViewMenu_, &QMenu::aboutToShow, this, [this] {
        // The charts and grids of the page in view, found afresh each time.
        exportViewMenu_->clear();
        const auto views = exportableViews(stack_->currentWidget());
        if (views.empty()) exportViewMenu_->addAction(tr("(nothing to export on this page)"))->setEnabled(false);
        for (const ExportableView& v : views) {
            QPointer<QWidget> widget = v.widget;
            connect(exportViewMenu_->addAction(v.name + QStringLiteral("...")), &QAction::triggered, this, [this, widget, v] {
                if (!widget) return;
                QSettings s;
                const QString dir = s.value(QStringLiteral("paths/exports"), QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)).toString();
                QString selected;
                const QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(v.name), QDir(dir).filePath(v.fileName + QStringLiteral(".png")),
                                                                  tr("PNG picture (*.png);;SVG drawing (*.svg)"), &selected);
                if (path.isEmpty()) return;
                s.setValue(QStringLiteral("paths/exports"), QFileInfo(path).absolutePath());
                QString error;
                if (!exportView(widget, path, v.name, &error)) showError(tr("Export View"), error);
                else showStatus(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
            });
        }
    });
    exportReport_ = fileMenu_->addAction(QString());
    connect(exportReport_, &QAction::triggered, this, &MainWindow::exportReportWithDialog);
    fileMenu_->addSeparator();
    fileMenu_->addAction(quit_);

    modelsMenu_->setTitle(QString());
    menuBar()->addMenu(modelsMenu_);

    viewMenu_ = menuBar()->addMenu(QString());
    for (int i = 0; i < PageCount; ++i) {
        pageActions_[i] = new QAction(this);
        pageActions_[i]->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        connect(pageActions_[i], &QAction::triggered, this, [this, i] { showPage(i); });
        viewMenu_->addAction(pageActions_[i]);
    }
    viewMenu_->addSeparator();
    languageMenu_ = viewMenu_->addMenu(QString());
    languages_ = new QActionGroup(this);
    langSystem_ = languageMenu_->addAction(QString());
    langEnglish_ = languageMenu_->addAction(QStringLiteral("English"));
    langChinese_ = languageMenu_->addAction(QStringLiteral("简体中文"));
    const QString current = languageSetting();
    for (auto [action, code] : {std::pair{langSystem_, QString()}, std::pair{langEnglish_, QStringLiteral("en")},
                                std::pair{langChinese_, QStringLiteral("zh_CN")}}) {
        action->setCheckable(true);
        action->setChecked(code == current);
        languages_->addAction(action);
        connect(action, &QAction::triggered, this, [this, code = code] { setLanguage(code); });
    }

    trainMenu_ = menuBar()->addMenu(QString());
    startTraining_ = trainMenu_->addAction(QString());
    startTraining_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    connect(startTraining_, &QAction::triggered, this, [this] {
        showPage(TrainPageIndex);
        train_->start();
    });
    pauseTraining_ = trainMenu_->addAction(QString());
    pauseTraining_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    connect(pauseTraining_, &QAction::triggered, train_, &TrainPage::togglePause);
    stopTraining_ = trainMenu_->addAction(QString());
    stopTraining_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    connect(stopTraining_, &QAction::triggered, train_, &TrainPage::stop);

    helpMenu_ = menuBar()->addMenu(QString());
    about_ = helpMenu_->addAction(QString());
    about_->setMenuRole(QAction::AboutRole);
    connect(about_, &QAction::triggered, this, &MainWindow::about);
    aboutQt_ = helpMenu_->addAction(QString());
    aboutQt_->setMenuRole(QAction::AboutQtRole);
    connect(aboutQt_, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::retranslate() {
    setWindowTitle(tr("Digit Studio"));
    const QString pageNames[] = {tr("Train"), tr("Draw"), tr("Errors"), tr("Data"), tr("Quiz"), tr("Inside")};
    const QString pageTips[] = {tr("Build a network and train it on MNIST"), tr("Draw a digit and see what the model thinks"),
                                tr("What the model gets wrong on the test set"), tr("Browse the MNIST images"),
                                tr("You against the model"), tr("Look inside the network: layers, weights, saliency, embedding")};
    int widest = 0;
    for (int i = 0; i < PageCount; ++i) {
        pageList_->item(i)->setText(pageNames[i]);
        pageList_->item(i)->setToolTip(pageTips[i]);
        pageActions_[i]->setText(pageNames[i]);
        widest = std::max(widest, pageList_->fontMetrics().horizontalAdvance(pageNames[i]));
    }
    pageList_->setFixedWidth(widest + pageList_->iconSize().width() + 44);

    fileMenu_->setTitle(tr("&File"));
    modelsMenu_->setTitle(tr("&Models"));
    openModel_->setText(tr("&Open Model..."));
    saveModel_->setText(tr("&Save Model"));
    saveModelAs_->setText(tr("Save Model &As..."));
    openImage_->setText(tr("Open &Image..."));
    chooseData_->setText(tr("Choose &MNIST Data..."));
    exportViewMenu_->setTitle(tr("&Export View as PNG or SVG"));
    exportReport_->setText(tr("Export &Report..."));
    quit_->setText(tr("&Quit"));
    viewMenu_->setTitle(tr("&View"));
    languageMenu_->setTitle(tr("&Language"));
    langSystem_->setText(tr("System Default"));
    trainMenu_->setTitle(tr("&Train"));
    startTraining_->setText(tr("&Start Training"));
    pauseTraining_->setText(tr("&Pause / Resume"));
    stopTraining_->setText(tr("S&top"));
    helpMenu_->setTitle(tr("&Help"));
    about_->setText(tr("&About Digit Studio"));
    aboutQt_->setText(tr("About &Qt"));
    updateDataStatus();
    updateModelStatus();
}

void MainWindow::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::restoreSettings() {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    keepOnScreen();
    showPage(std::clamp(s.value(QStringLiteral("window/page"), 0).toInt(), 0, PageCount - 1));
}

void MainWindow::keepOnScreen() {
    // Without a window manager to place it (or after a change of screens), the saved or default
    // geometry can hang off the screen: shrink it to the available area and move it inside.
    QScreen* screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
    if (!screen || isMaximized() || isFullScreen()) return;
    const QRect available = screen->availableGeometry();
    if (available.isEmpty()) return;
    const QMargins frame = frameGeometry().isValid() && frameGeometry() != geometry()
                               ? QMargins(geometry().left() - frameGeometry().left(), geometry().top() - frameGeometry().top(),
                                          frameGeometry().right() - geometry().right(), frameGeometry().bottom() - geometry().bottom())
                               : QMargins();
    const QRect room = available - frame;
    QRect g = geometry();
    g.setSize(g.size().boundedTo(room.size()).expandedTo(minimumSizeHint().boundedTo(room.size())));
    if (g.right() > room.right()) g.moveRight(room.right());
    if (g.bottom() > room.bottom()) g.moveBottom(room.bottom());
    if (g.left() < room.left()) g.moveLeft(room.left());
    if (g.top() < room.top()) g.moveTop(room.top());
    setGeometry(g);
}

void MainWindow::saveSettings() const {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/page"), currentPage());
}

QString MainWindow::languageSetting() { return QSettings().value(QStringLiteral("ui/language")).toString(); }

void MainWindow::setLanguage(const QString& code) {
    if (code == languageSetting()) return;
    QSettings().setValue(QStringLiteral("ui/language"), code);
    // At once: every widget retranslates itself on the LanguageChange this sends.
    if (!applyLanguage(code)) showStatus(tr("The Chinese translation is missing from this build."), 8000);
}

int MainWindow::currentPage() const { return stack_->currentIndex(); }

QWidget* MainWindow::page(int index) const { return stack_->widget(index); }

void MainWindow::showPage(int index) {
    if (index < 0 || index >= PageCount) return;
    // The Inside page looks at the drawing as it is when the page opens.
    if (index == InsidePageIndex && draw_->predictedDigit() >= 0) inside_->setImage(draw_->modelInput(), tr("your drawing"));
    stack_->setCurrentIndex(index);
    if (pageList_->currentRow() != index) {
        const QSignalBlocker block(pageList_);
        pageList_->setCurrentRow(index);
    }
}

void MainWindow::startUp(const QString& dataPath, bool loadData) {
    // The models first (fast), so the Draw page works at once; MNIST loads in the background.
    ModelLibrary* library = session_->library();
    ModelFile bundled;
    QString error;
    if (loadDefaultModel(&bundled, &error)) library->setBundled(bundled);
    else if (!error.isEmpty()) showStatus(error, 10000);
    const QString problem = library->restore();
    if (!problem.isEmpty()) showStatus(problem, 10000);
    if (!loadData) return;
    QString path = dataPath;
    if (path.isEmpty()) path = QSettings().value(QStringLiteral("data/path")).toString();
    dataLoading_ = true;
    updateDataStatus();
    session_->loadDataAsync(path);
}

bool MainWindow::loadDefaultModel(ModelFile* out, QString* error) {
    QFile resource(QString::fromLatin1(kDefaultModel));
    if (!resource.exists()) return false;  // this build ships no default model
    // The core reads files by path: copy the resource to a temporary file first.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("default.dsm"));
    if (!dir.isValid() || !resource.copy(path)) {
        if (error) *error = tr("Could not unpack the default model: %1").arg(resource.errorString());
        return false;
    }
    try {
        *out = load_model(path.toStdString());
        return true;
    } catch (const std::exception& e) {
        if (error) *error = tr("The default model could not be read: %1").arg(QString::fromUtf8(e.what()));
        return false;
    }
}

void MainWindow::updateDataStatus() {
    if (!dataStatus_) return;
    if (const MnistData* d = session_->data()) {
        dataStatus_->setText(tr("MNIST: %1 training, %2 test images")
                                 .arg(QLocale().toString(qulonglong(d->train.size())), QLocale().toString(qulonglong(d->test.size()))));
        dataStatus_->setToolTip(QDir::toNativeSeparators(session_->dataSource()));
        dataStatus_->setStyleSheet(QString());
    } else if (!dataError_.isEmpty()) {
        dataStatus_->setText(tr("MNIST not loaded"));
        dataStatus_->setToolTip(dataError_ + QStringLiteral("\n") + tr("Use File > Choose MNIST Data to point at it."));
        dataStatus_->setStyleSheet(QStringLiteral("color: #b00020;"));
    } else {
        dataStatus_->setText(dataLoading_ ? tr("Loading MNIST...") : tr("MNIST not loaded"));
        dataStatus_->setToolTip(QString());
        dataStatus_->setStyleSheet(QString());
    }
}

void MainWindow::updateModelStatus() {
    if (!modelStatus_) return;
    const ModelFile* f = session_->modelFile();
    if (!f) {
        modelStatus_->setText(tr("No model: train one or open one"));
        modelStatus_->setToolTip(tr("Choose the model that predicts"));
        saveModel_->setEnabled(false);
        saveModelAs_->setEnabled(false);
        return;
    }
    QString text = tr("Model: %1").arg(session_->modelName());
    if (f->info.test_accuracy >= 0)
        text += QStringLiteral(" (%1)").arg(tr("%1% on the test set").arg(QLocale().toString(100 * f->info.test_accuracy, 'f', 2)));
    // A long model name must not push the data label (or the messages) out of the status bar.
    modelStatus_->setText(modelStatus_->fontMetrics().elidedText(text, Qt::ElideMiddle, 460));
    const ModelLibrary* library = session_->library();
    modelStatus_->setToolTip(text + QStringLiteral("\n") + library->toolTip(library->currentIndex()) + QStringLiteral("\n") +
                             tr("Click to choose the model that predicts"));
    saveModel_->setEnabled(true);
    saveModelAs_->setEnabled(true);
}

void MainWindow::showStatus(const QString& text, int timeoutMs) {
    // The message area is what the permanent widgets (model, data) leave; elide to it rather than
    // letting QStatusBar clip the text under them.
    int room = statusBar()->width() - 24;
    for (QWidget* w : {static_cast<QWidget*>(modelStatus_), static_cast<QWidget*>(dataStatus_)})
        if (w && w->isVisible()) room -= w->sizeHint().width() + 12;
    const QString shown = statusBar()->fontMetrics().elidedText(text, Qt::ElideMiddle, std::max(room, 80));
    statusFull_ = text;
    statusBar()->showMessage(shown, timeoutMs);
    statusBar()->setToolTip(shown != text ? text : QString());
}

QString MainWindow::statusText() const { return statusBar()->currentMessage(); }

void MainWindow::showError(const QString& title, const QString& text) {
    lastError_ = text;
    showStatus(text, 10000);
    // Window-modal but not blocking: the app (and a running training) carries on.
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::openModel() {
    QSettings s;
    QString dir = s.value(QStringLiteral("paths/models")).toString();
    if (dir.isEmpty()) dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Model"), dir, modelFilter());
    if (path.isEmpty()) return;
    s.setValue(QStringLiteral("paths/models"), QFileInfo(path).absolutePath());
    openModelFile(path);
}

bool MainWindow::openModelFile(const QString& path) {
    QString error;
    if (!session_->openModel(path, &error)) {
        showError(tr("Open Model"), error + QStringLiteral("\n\n") +
                                        tr("The current model is still in use. Choose a .dsm file saved by "
                                           "Digit Studio or digit-cli."));
        return false;
    }
    lastError_.clear();
    showStatus(tr("Opened %1").arg(QDir::toNativeSeparators(path)), 5000);
    return true;
}

bool MainWindow::saveModel() {
    const ModelLibrary::Entry* e = session_->library()->current();
    if (!e || e->path.isEmpty()) return saveModelAs();  // bundled, or a run not saved yet
    return saveModelFile(e->path);
}

bool MainWindow::saveModelAs() {
    if (!session_->modelFile()) {
        showError(tr("Save Model"), tr("There is no model to save yet: train one on the Train page or open one."));
        return false;
    }
    return saveLibraryEntryAs(session_->library()->currentIndex());
}

bool MainWindow::saveLibraryEntryAs(int index) {
    ModelLibrary* library = session_->library();
    if (index < 0 || index >= library->count()) return false;
    const QString path = chooseModelSavePath(this, library->entry(index).name);
    if (path.isEmpty()) return false;
    QString error;
    if (library->saveEntry(index, path, &error) < 0) {
        showError(tr("Save Model"), error);
        return false;
    }
    showStatus(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    return true;
}

bool MainWindow::saveModelFile(const QString& path) {
    QString error;
    if (!session_->saveModel(path, &error)) {
        showError(tr("Save Model"), error);
        return false;
    }
    updateModelStatus();
    showStatus(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    return true;
}

void MainWindow::openImage() {
    showPage(DrawPageIndex);
    draw_->openImage();
}

void MainWindow::chooseDataFolder() {
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Choose the folder with the four MNIST IDX files"),
        QSettings().value(QStringLiteral("data/path"), QDir::homePath()).toString());
    if (dir.isEmpty()) return;
    QSettings().setValue(QStringLiteral("data/path"), dir);
    dataLoading_ = true;
    dataError_.clear();
    updateDataStatus();
    session_->loadDataAsync(dir);
}

report::RunReportInput MainWindow::reportInput() const {
    report::RunReportInput in;
    in.model = *session_->modelFile();
    in.modelName = session_->modelName();
    // The curves: when the model is a run of this session, its history.
    const ModelLibrary* library = session_->library();
    if (const ModelLibrary::Entry* current = library->current())
        for (const TrainPage::Run& run : train_->runs())
            if (run.libraryId == current->id) in.history = run.result.history;
    // The quiz rounds played against this model.
    for (const QVariantMap& r : quiz_->history()) {
        if (r.value(QStringLiteral("modelName")).toString() != in.modelName) continue;
        in.quiz.push_back({r.value(QStringLiteral("when")).toDateTime(), r.value(QStringLiteral("images")).toInt(),
                           r.value(QStringLiteral("person")).toInt(), r.value(QStringLiteral("model")).toInt(),
                           r.value(QStringLiteral("ambiguous")).toInt()});
    }
    return in;
}

bool MainWindow::exportReport(const QString& path, QString* error, int* pages) {
    if (!session_->modelFile()) {
        if (error) *error = tr("There is no model to report on yet: train one on the Train page or open one.");
        return false;
    }
    report::RunReportInput in = reportInput();
    if (const MnistData* data = session_->data()) in.test = &data->test;
    report::RunReportResult result;
    const bool ok = report::writeRunReport(path, in, &result, error);
    if (ok && pages) *pages = result.pages;
    return ok;
}

void MainWindow::exportReportWithDialog() {
    if (!session_->modelFile()) {
        showError(tr("Export Report"), tr("There is no model to report on yet: train one on the Train page or open one."));
        return;
    }
    QSettings s;
    const QString dir = s.value(QStringLiteral("paths/exports"), QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)).toString();
    QString name = session_->modelName();
    name.replace(QRegularExpression(QStringLiteral("[^\\w.-]+")), QStringLiteral("-"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Report"), QDir(dir).filePath(name + QStringLiteral("-report.pdf")),
                                                      tr("PDF documents (*.pdf)"));
    if (path.isEmpty()) return;
    s.setValue(QStringLiteral("paths/exports"), QFileInfo(path).absolutePath());
    exportReportInBackground(path);
}

void MainWindow::exportReportInBackground(const QString& path) {
    if (!session_->modelFile() || reportThread_) return;
    // The model is evaluated on the test set (seconds for a CNN): on a thread of its own, with
    // copies of everything and the session's read-only data kept alive by its shared_ptr.
    report::RunReportInput in = reportInput();
    const std::shared_ptr<const MnistData> data = session_->sharedData();
    in.test = data ? &data->test : nullptr;
    exportReport_->setEnabled(false);
    showStatus(data ? tr("Writing the report to %1 (the model runs over the test set)...").arg(QDir::toNativeSeparators(path))
                    : tr("MNIST is not loaded: the report has no test figures."),
               0);
    QPointer<MainWindow> self(this);
    reportThread_ = QThread::create([self, in, data, path] {
        report::RunReportResult result;
        QString error;
        const bool ok = report::writeRunReport(path, in, &result, &error);
        QMetaObject::invokeMethod(
            qApp,
            [self, ok, error, path, pages = result.pages] {
                if (!self) return;
                self->exportReport_->setEnabled(true);
                if (!ok) self->showError(tr("Export Report"), error);
                else self->showStatus(tr("Saved %1 (%n page(s))", nullptr, pages).arg(QDir::toNativeSeparators(path)), 8000);
                emit self->reportWritten(ok, ok ? path : error, pages);
            },
            Qt::QueuedConnection);
    });
    connect(reportThread_, &QThread::finished, reportThread_, &QObject::deleteLater);
    reportThread_->start(QThread::LowPriority);
}

void MainWindow::about() {
    QMessageBox::about(
        this, tr("About Digit Studio"),
        tr("<h3>Digit Studio %1</h3>"
           "<p>Train neural networks on the MNIST handwritten digits, watch them learn, draw digits for "
           "them to read, see what they get wrong, and play against them.</p>"
           "<p>The networks are trained by the app's own C++ and Eigen core; the presets reproduce the "
           "classic Keras MNIST tutorials.</p>"
           "<p>Built with Qt %2.</p>")
            .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (train_->isTraining()) {
        const auto answer = QMessageBox::question(
            this, tr("Quit Digit Studio"),
            tr("A training run is still going. Quit anyway? The run stops and its model is lost."),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    if (!confirmUnsavedRuns()) {
        event->ignore();
        return;
    }
    saveSettings();
    event->accept();
}

bool MainWindow::confirmUnsavedRuns() {
    ModelLibrary* library = session_->library();
    const std::vector<int> unsaved = library->unsavedRuns();
    if (unsaved.empty()) return true;
    QStringList names;
    for (int i : unsaved) names << QStringLiteral("<li>%1</li>").arg(library->label(i).toHtmlEscaped());
    QMessageBox box(QMessageBox::Warning, tr("Quit Digit Studio"),
                    tr("<p>%n model(s) trained in this session are not saved:</p><ul>%1</ul><p>Save them before "
                       "quitting?</p>", nullptr, int(unsaved.size()))
                        .arg(names.join(QString())),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setDefaultButton(QMessageBox::Save);
    box.setObjectName(QStringLiteral("unsavedRunsBox"));
    const int answer = box.exec();
    if (answer == QMessageBox::Discard) return true;
    if (answer != QMessageBox::Save) return false;
    // One save dialog per run, by id: the indices move as runs become saved files.
    std::vector<quint64> ids;
    for (int i : unsaved) ids.push_back(library->entry(i).id);
    for (quint64 id : ids) {
        const int index = library->indexOfId(id);
        if (index >= 0 && library->entry(index).unsaved && !saveLibraryEntryAs(index)) return false;
    }
    return true;
}

bool MainWindow::saveScreenshots(const QString& dir, const QSize& size, QStringList* written, QString* error) {
    if (!QDir().mkpath(dir)) {
        if (error) *error = tr("Could not create the folder %1").arg(dir);
        return false;
    }
    if (!session_->data() && !session_->loadData(QSettings().value(QStringLiteral("data/path")).toString(), error))
        return false;
    updateDataStatus();
    resize(size);
    show();
    settle(200);
    const QString suffix = devicePixelRatio() > 1.0 ? QStringLiteral("@%1x").arg(devicePixelRatio()) : QString();
    auto shoot = [&](int index, const char* variant = "") {
        showPage(index);
        statusBar()->clearMessage();
        settle(300);
        const QString path = QDir(dir).filePath(QString::fromLatin1(kPageNames[index]) + QString::fromLatin1(variant) + suffix +
                                                QStringLiteral(".png"));
        QSaveFile file(path);  // never a half-written PNG
        if (!file.open(QIODevice::WriteOnly) || !grab().save(&file, "PNG") || !file.commit()) {
            if (error) *error = tr("Could not write %1").arg(path);
            return false;
        }
        if (written) *written << path;
        return true;
    };

    // Train first: a real short run. It joins the library but does not predict (unless there
    // was no model at all, as for a person: then a finished run is all there is).
    showPage(TrainPageIndex);
    settle(100);
    train_->prepareScreenshot();
    if (!shoot(TrainPageIndex)) return false;
    // The training settings too: the longest form of the app, which must fit in either language.
    train_->showSettingsTab(true);
    if (!shoot(TrainPageIndex, "-settings")) return false;
    train_->showSettingsTab(false);
    ModelLibrary* library = session_->library();
    if (!session_->modelFile() && library->count() > 0) library->use(library->count() - 1);

    showPage(DrawPageIndex);
    draw_->prepareScreenshot();
    if (!shoot(DrawPageIndex)) return false;
    draw_->prepareLetterScreenshot();
    if (!shoot(DrawPageIndex, "-letter")) return false;
    draw_->prepareScreenshot();
    showPage(ErrorsPageIndex);
    errors_->prepareScreenshot();
    if (!shoot(ErrorsPageIndex)) return false;
    showPage(DataPageIndex);
    data_->prepareScreenshot();
    if (!shoot(DataPageIndex)) return false;
    showPage(QuizPageIndex);
    quiz_->prepareScreenshot();
    if (!shoot(QuizPageIndex)) return false;
    showPage(DrawPageIndex);
    draw_->prepareScreenshot();
    showPage(InsidePageIndex);
    inside_->prepareScreenshot();
    return shoot(InsidePageIndex);
}

}  // namespace digit::ui
