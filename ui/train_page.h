#pragma once
// The Train page: pick a preset or build a network, set the training up, and watch it train.
//
// Left: the preset picker, the network editor and the training settings. Right: Start / Pause /
// Stop with a progress bar (ETA, samples/s), the live curves, the Keras-style summary of the
// network being edited, and the runs of this session (each can predict or be saved).
// The run itself happens on a TrainingWorker living on this page's worker thread; the page only
// sees its progress values and, at the end, a ModelFile snapshot, which joins the session's model
// library. It predicts only when the user chooses it ("Use This Model"), unless the library's
// "use each finished run at once" setting is on.
// The network and the training settings being edited are kept in QSettings across restarts.
#include "training_worker.h"

#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QCheckBox;
class QTabWidget;
class QThread;
class QTimer;
class QTreeWidget;

namespace digit {
struct Preset;
}

namespace digit::ui {

class NetworkEditor;
class Session;
class TrainingChart;
class WeightTiles;
class TrainingConfigEditor;

class TrainPage : public QWidget {
    Q_OBJECT
public:
    explicit TrainPage(Session* session, QWidget* parent = nullptr);
    ~TrainPage() override;

    // For screenshots: trains mlp-128-32 for 3 epochs on 6,000 images, synchronously, so the
    // page shows a finished real run.
    void prepareScreenshot();
    // Shows the Training settings tab (true) or the Network tab.
    void showSettingsTab(bool settings);

    enum class State { Idle, Running, Paused, Testing };
    State state() const { return state_; }
    bool isTraining() const { return state_ != State::Idle; }

    // Selects a preset by name (fills the editors); false if there is none of that name.
    bool selectPreset(const QString& name);
    // Fills the editors with the current model's network and training settings (e.g. a model
    // imported from Keras) and ticks "start from its weights", so Start trains it further.
    bool loadCurrentModel();
    QCheckBox* startFromModelBox() const { return fromModel_; }

    struct Run {
        QString name;
        TrainingResult result;
        quint64 libraryId = 0;  // its entry in the session's model library (0: none)
    };
    const std::vector<Run>& runs() const { return runs_; }
    // Writes run `index`'s history as CSV (core/history_csv.h); false + *error on failure.
    bool exportHistory(int index, const QString& path, QString* error);
    // The first layer's weights as the last run left them (live while it trains); for tests.
    WeightTiles* firstLayerView() const { return firstLayer_; }
    const WeightsSnapshot& lastWeights() const { return lastWeights_; }
    int weightUpdates() const { return weightUpdates_; }  // snapshots shown by the last run

    // For tests and the main window.
    NetworkEditor* networkEditor() const { return network_; }
    TrainingConfigEditor* configEditor() const { return config_; }
    TrainingChart* chart() const { return chart_; }
    QComboBox* presetBox() const { return preset_; }
    QPushButton* startButton() const { return start_; }
    QPushButton* pauseButton() const { return pause_; }
    QPushButton* stopButton() const { return stop_; }
    QPushButton* useLastRunButton() const { return useLast_; }
    QPushButton* useSelectedRunButton() const { return useRun_; }
    QTreeWidget* runsView() const { return runsView_; }
    QString speedText() const;
    QString messageText() const;  // the explanation / error / result line, as plain text
    QString summaryText() const;
    QString testResultText() const;

public slots:
    // Checks the set-up and starts training on the worker thread; false (and an explanation on
    // the page) when the set-up cannot train or a run is already going.
    bool start();
    void togglePause();
    void stop();

signals:
    void trainingStarted();
    // A run ended; ok is false when it failed before producing a model.
    void trainingEnded(bool ok);
    void statusMessage(const QString& message);
    // The user asked to save a run: its index in the session's model library.
    void saveRequested(int libraryIndex);
    // Internal: hands a job to the worker thread (queued).
    void runJob(const digit::ui::TrainingJob& job);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void connectWorker(TrainingWorker* worker, Qt::ConnectionType type);
    TrainingJob makeJob() const;
    void beginRun(const TrainingJob& job);
    void setState(State s);
    void showMessage(const QString& html, bool error);
    void updateSummary();
    void onSpecOrConfigChanged();
    void onPresetChosen(int index);
    const Preset* matchingPreset() const;

    void onStarted(qint64 trainSamples, int epochs);
    void onBatch(const BatchPoint& p);
    void showWeights(const WeightsSnapshot& s);
    void onEpoch(const EpochPoint& p);
    void onPausedChanged(bool paused);
    void onTesting();
    void onFinished(const TrainingResult& result);
    void onFailed(const QString& message);

    void refreshRuns();
    void saveSetup() const;
    void restoreSetup();
    void useRun(std::size_t run);
    void useSelectedRun();
    void saveSelectedRun();
    void exportSelectedHistory();
    int selectedRun() const;

    Session* session_;
    QThread* thread_ = nullptr;
    TrainingWorker* worker_ = nullptr;  // lives on thread_
    State state_ = State::Idle;
    bool stopRequested_ = false;
    bool setupRestored_ = false;
    QString runName_;
    int runCounter_ = 0;
    int epochsPlanned_ = 0;
    double lastLearningRate_ = 0;
    double runReference_ = -1;

    QComboBox* preset_ = nullptr;
    QLabel* presetLabel_ = nullptr;
    QLabel* presetDescription_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    NetworkEditor* network_ = nullptr;
    TrainingConfigEditor* config_ = nullptr;

    QPushButton* start_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* stop_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* speed_ = nullptr;
    QLabel* message_ = nullptr;
    QPushButton* useLast_ = nullptr;
    QLabel* epochLine_ = nullptr;
    TrainingChart* chart_ = nullptr;
    QCheckBox* overlay_ = nullptr;
    QPushButton* currentModel_ = nullptr;  // "Current model": loadCurrentModel()
    QCheckBox* fromModel_ = nullptr;       // start from the current model's weights
    QLabel* summaryLabel_ = nullptr;
    QTabWidget* bottomTabs_ = nullptr;  // the summary and the first layer's weights
    WeightTiles* firstLayer_ = nullptr;
    WeightsSnapshot lastWeights_;
    int weightUpdates_ = 0;
    QPlainTextEdit* summary_ = nullptr;
    QTimer* summaryTimer_ = nullptr;
    QLabel* runsLabel_ = nullptr;
    QTreeWidget* runsView_ = nullptr;
    QPushButton* useRun_ = nullptr;
    QPushButton* saveRun_ = nullptr;
    QPushButton* exportRun_ = nullptr;

    std::vector<Run> runs_;
    QString testResult_;
};

}  // namespace digit::ui
