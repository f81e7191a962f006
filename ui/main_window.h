#pragma once
// Digit Studio's main window: a page list on the left (Train, Draw, Errors, Data, Quiz, Inside), the pages
// in a stack, the File / View / Train / Help menus, and a status bar with the data and model state.
//
// It owns the Session the pages share, and with it the model library: the Models menu and the
// status bar's model button choose the model that predicts. Window geometry, the last page and the
// language live in QSettings (the application's organisation and name choose where); the library
// remembers its files there too. Quitting with trained runs not yet saved asks first.
#include <QMainWindow>
#include <QPointer>
#include <QThread>
#include <QSize>
#include <QStringList>

class QActionGroup;
class QLabel;
class QListWidget;
class QToolButton;
class QStackedWidget;

namespace digit {
struct ModelFile;
}
namespace digit::report {
struct RunReportInput;
}

namespace digit::ui {

class DataPage;
class DrawPage;
class ModelMenu;
class ErrorsPage;
class InsidePage;
class KerasInterop;
class QuizPage;
class Session;
class TrainPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Page { TrainPageIndex, DrawPageIndex, ErrorsPageIndex, DataPageIndex, QuizPageIndex, InsidePageIndex, PageCount };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads the last model (or the default one shipped in the resources) and, with loadData,
    // starts loading MNIST in the background. dataPath overrides where MNIST is looked for.
    void startUp(const QString& dataPath = {}, bool loadData = true);

    Session* session() const { return session_; }
    int currentPage() const;
    void showPage(int index);
    QWidget* page(int index) const;
    TrainPage* trainPage() const { return train_; }
    DrawPage* drawPage() const { return draw_; }
    InsidePage* insidePage() const { return inside_; }
    KerasInterop* kerasInterop() const { return keras_; }  // Keras/ONNX import, export, code

    // Opens a model file; on failure the current model stays and an error is shown (non-modal).
    bool openModelFile(const QString& path);
    // Saves the current model to path (Save As without the dialog).
    bool saveModelFile(const QString& path);
    // Asks where to save library entry `index` and saves it; false when cancelled or failed.
    bool saveLibraryEntryAs(int index);
    // Before quitting: when runs of this session are not saved, asks Save / Discard / Cancel
    // (a modal box). True when it is fine to quit.
    bool confirmUnsavedRuns();
    // Shows a message in the status bar, elided to the room left of the model and data labels
    // (the whole text in the tooltip).
    void showStatus(const QString& text, int timeoutMs = 5000);
    QString statusText() const;
    // The last error shown to the user, for tests.
    QString lastError() const { return lastError_; }

    void saveSettings() const;

    // File > Export Report...: the run report PDF (report/run_report.h) of the model that predicts,
    // with its training curves when it is a run of this session and the quiz rounds played against
    // it. Without the dialog; false + *error on failure.
    bool exportReport(const QString& path, QString* error, int* pages = nullptr);
    // The same on a thread of its own (what the menu does after its dialog): reportWritten tells
    // the end. Ignored while one is being written.
    void exportReportInBackground(const QString& path);

signals:
    // ok: pathOrError is the file written; otherwise the message shown.
    void reportWritten(bool ok, const QString& pathOrError, int pages);

public:

    // Renders every page, filled with real content, to DIR/<page>.png (<page>@2x.png at device
    // pixel ratio 2). MNIST must be findable. Returns false and sets *error on failure.
    bool saveScreenshots(const QString& dir, const QSize& size, QStringList* written, QString* error);

    // The model shipped in the resources (":/models/default.dsm"), if this build has one.
    static bool loadDefaultModel(ModelFile* out, QString* error);

    // The language setting: "" (follow the system), "en" or "zh_CN".
    static QString languageSetting();

public slots:
    void openModel();
    bool saveModel();
    bool saveModelAs();
    void openImage();
    void chooseDataFolder();
    void exportReportWithDialog();
    void about();

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void createActions();
    void retranslate();
    void showError(const QString& title, const QString& text);
    void updateDataStatus();
    void updateModelStatus();
    void setLanguage(const QString& code);
    void restoreSettings();
    void keepOnScreen();
    report::RunReportInput reportInput() const;  // without the test set

    Session* session_ = nullptr;
    QListWidget* pageList_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    TrainPage* train_ = nullptr;
    DrawPage* draw_ = nullptr;
    ErrorsPage* errors_ = nullptr;
    DataPage* data_ = nullptr;
    QuizPage* quiz_ = nullptr;
    InsidePage* inside_ = nullptr;
    KerasInterop* keras_ = nullptr;

    QLabel* dataStatus_ = nullptr;
    QToolButton* modelStatus_ = nullptr;
    ModelMenu* modelsMenu_ = nullptr;
    QString lastError_;
    QString dataError_;
    bool dataLoading_ = false;

    QString statusFull_;
    QMenu* fileMenu_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QMenu* trainMenu_ = nullptr;
    QMenu* helpMenu_ = nullptr;
    QMenu* languageMenu_ = nullptr;
    QAction* openModel_ = nullptr;
    QAction* saveModel_ = nullptr;
    QAction* saveModelAs_ = nullptr;
    QAction* openImage_ = nullptr;
    QMenu* exportViewMenu_ = nullptr;  // File > Export View: the current page's charts and grids
    QAction* exportReport_ = nullptr;
    QPointer<QThread> reportThread_;  // File > Export Report's writer, while it runs
    QAction* chooseData_ = nullptr;
    QAction* quit_ = nullptr;
    QAction* pageActions_[PageCount] = {};
    QActionGroup* languages_ = nullptr;
    QAction* langSystem_ = nullptr;
    QAction* langEnglish_ = nullptr;
    QAction* langChinese_ = nullptr;
    QAction* startTraining_ = nullptr;
    QAction* pauseTraining_ = nullptr;
    QAction* stopTraining_ = nullptr;
    QAction* about_ = nullptr;
    QAction* aboutQt_ = nullptr;
};

}  // namespace digit::ui
