#include "train_page.h"

#include "inside_views.h"

#include "history_csv.h"
#include "model_library.h"
#include "model_picker.h"
#include "network_editor.h"
#include "presets.h"
#include "session.h"
#include "summary.h"
#include "training_chart.h"
#include "training_config_editor.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStyle>
#include <QTabWidget>
#include <QTextDocumentFragment>
#include <QThread>
#include <QTimer>
#include <QTreeWidget>
#include <QAbstractItemView>
#include <QVBoxLayout>

#include <cmath>

namespace digit::ui {

namespace {

QString percent(double fraction, int decimals = 2) {
    return QLocale().toString(100.0 * fraction, 'f', decimals) + QLatin1Char('%');
}

QString duration(double seconds) {
    if (!(seconds >= 0)) return QStringLiteral("–");
    // Short runs (a subset, a few epochs) get a tenth of a second rather than "0 s".
    if (seconds < 9.95)
        return QCoreApplication::translate("digit::ui::TrainPage", "%1 s").arg(QLocale().toString(seconds, 'f', 1));
    const auto s = static_cast<qint64>(std::llround(seconds));
    if (s < 60) return QCoreApplication::translate("digit::ui::TrainPage", "%1 s").arg(s);
    if (s < 3600) return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

// What the README measured for each preset on the project's 2-core machine: the test accuracy of
// one run with the default seed (the "Presets" table) and the seconds per epoch of
// `scripts/bench.sh --rounds 2` (the "Speed" table; `best`: "about 23 s per epoch"). Presets the
// speed table does not cover show no time: no number here that a command did not produce.
struct PresetFacts {
    const char* name;
    double accuracy;          // fraction
    double secondsPerEpoch;   // -1: not measured
};
constexpr PresetFacts kPresetFacts[] = {
    {"mlp-512", 0.9807, 0.591},           {"mlp-392x2", 0.9824, 1.564},         {"mlp-500x2-tanh", 0.9738, -1},
    {"mlp-512x2-dropout", 0.9826, -1},    {"mlp-128-32", 0.9816, -1},           {"mlp-256-128-64", 0.9844, -1},
    {"mlp-128-64-dropout", 0.9809, -1},   {"mlp-256-128-64-dropout", 0.9847, -1}, {"cnn-32-64", 0.9919, 23.355},
    {"cnn-small", 0.9908, 5.566},         {"best", 0.9959, 23.0},
};

const PresetFacts* factsOf(const std::string& name) {
    for (const PresetFacts& f : kPresetFacts)
        if (name == f.name) return &f;
    return nullptr;
}

// "2 dense layers" or "4 conv + 2 dense layers": the layers with weights, as a learner counts them.
QString layerCount(const ModelSpec& spec) {
    int conv = 0, dense = 0;
    for (const LayerSpec& l : spec.layers) {
        if (l.kind == LayerKind::Conv2D) ++conv;
        if (l.kind == LayerKind::Dense) ++dense;
    }
    if (conv == 0) return dense == 1 ? TrainPage::tr("1 dense layer") : TrainPage::tr("%1 dense layers").arg(dense);
    return TrainPage::tr("%1 conv + %2 dense layers").arg(conv).arg(dense);
}

// A vertical scroll area that is never narrower than its page: the page's rows (a field beside a
// check box) would otherwise be cut off at the right edge, in whichever language is longer.
class VerticalScrollArea : public QScrollArea {
public:
    QSize minimumSizeHint() const override {
        QSize s = QScrollArea::minimumSizeHint();
        if (widget())
            s.setWidth(widget()->minimumSizeHint().width() + verticalScrollBar()->sizeHint().width() + 2 * frameWidth());
        return s;
    }
};

QScrollArea* scrolled(QWidget* w) {
    auto* area = new VerticalScrollArea;
    area->setWidget(w);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return area;
}

}  // namespace

TrainPage::TrainPage(Session* session, QWidget* parent) : QWidget(parent), session_(session) {
    // Left: what to train.
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 4, 0);
    auto* presetRow = new QHBoxLayout;
    presetLabel_ = new QLabel;
    preset_ = new QComboBox;
    preset_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    preset_->setMinimumContentsLength(18);
    for (const Preset& p : presets()) preset_->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
    preset_->addItem(QString(), QString());  // "Custom network"
    presetLabel_->setBuddy(preset_);
    presetRow->addWidget(presetLabel_);
    presetRow->addWidget(preset_, 1);
    currentModel_ = new QPushButton;
    presetRow->addWidget(currentModel_);
    leftLayout->addLayout(presetRow);
    presetDescription_ = new QLabel;
    presetDescription_->setWordWrap(true);
    presetDescription_->setForegroundRole(QPalette::PlaceholderText);
    leftLayout->addWidget(presetDescription_);
    tabs_ = new QTabWidget;
    network_ = new NetworkEditor;
    config_ = new TrainingConfigEditor;
    tabs_->addTab(scrolled(network_), QString());
    tabs_->addTab(scrolled(config_), QString());
    leftLayout->addWidget(tabs_, 1);
    fromModel_ = new QCheckBox;
    leftLayout->addWidget(fromModel_);
    connect(currentModel_, &QPushButton::clicked, this, &TrainPage::loadCurrentModel);

    // Right: the run.
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(4, 0, 0, 0);
    auto* controls = new QHBoxLayout;
    start_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QString());
    pause_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPause), QString());
    stop_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), QString());
    start_->setDefault(true);
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(true);
    speed_ = new QLabel;
    speed_->setMinimumWidth(speed_->fontMetrics().horizontalAdvance(QStringLiteral("ETA 00:00:00 · 000,000 samples/s")));
    controls->addWidget(start_);
    controls->addWidget(pause_);
    controls->addWidget(stop_);
    controls->addWidget(progress_, 1);
    controls->addWidget(speed_);
    rightLayout->addLayout(controls);
    epochLine_ = new QLabel;
    epochLine_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rightLayout->addWidget(epochLine_);
    message_ = new QLabel;
    message_->setWordWrap(true);
    message_->setTextFormat(Qt::RichText);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    useLast_ = new QPushButton;
    useLast_->hide();
    auto* messageRow = new QHBoxLayout;
    messageRow->addWidget(message_, 1);
    messageRow->addWidget(useLast_, 0, Qt::AlignTop);
    rightLayout->addLayout(messageRow);

    auto* chartBox = new QWidget;
    auto* chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chart_ = new TrainingChart;
    overlay_ = new QCheckBox;
    overlay_->setChecked(true);
    chartLayout->addWidget(chart_, 1);
    chartLayout->addWidget(overlay_);

    auto* summaryBox = new QWidget;
    auto* summaryLayout = new QVBoxLayout(summaryBox);
    summaryLayout->setContentsMargins(0, 0, 0, 0);
    summaryLabel_ = new QLabel;
    summary_ = new QPlainTextEdit;
    summary_->setReadOnly(true);
    summary_->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    summary_->setFont(mono);
    // Keras's summary lines are 65 characters: the view takes that width when the window has it
    // (stretch), but may go down to 50 with a scroll bar, so the settings pane beside the chart
    // keeps the width its rows need in a 1280x800 window, in Chinese as in English.
    summary_->setMinimumWidth(QFontMetrics(mono).horizontalAdvance(QString(50, QLatin1Char('M'))) +
                              summary_->verticalScrollBar()->sizeHint().width() + 8);
    summaryLabel_->setBuddy(summary_);
    summaryLayout->addWidget(summaryLabel_);
    summaryLayout->addWidget(summary_, 1);

    auto* runsBox = new QWidget;
    auto* runsLayout = new QVBoxLayout(runsBox);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    runsLabel_ = new QLabel;
    runsView_ = new QTreeWidget;
    runsView_->setRootIsDecorated(false);
    runsView_->setColumnCount(3);
    runsView_->setMinimumWidth(280);
    runsView_->header()->setStretchLastSection(false);
    runsView_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 3; ++c) runsView_->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    runsLabel_->setBuddy(runsView_);
    auto* runButtons = new QHBoxLayout;
    useRun_ = new QPushButton;
    saveRun_ = new QPushButton;
    exportRun_ = new QPushButton;
    runButtons->addWidget(useRun_);
    runButtons->addWidget(saveRun_);
    runButtons->addWidget(exportRun_);
    runButtons->addStretch(1);
    runsLayout->addWidget(runsLabel_);
    runsLayout->addWidget(runsView_, 1);
    runsLayout->addLayout(runButtons);

    // The summary shares its pane with the first layer's weights, which a run updates live (a few
    // times a second) so a learner watches the first layer form; a run shows them at its start.
    firstLayer_ = new WeightTiles;
    bottomTabs_ = new QTabWidget;
    bottomTabs_->setDocumentMode(true);
    bottomTabs_->addTab(summaryBox, QString());
    bottomTabs_->addTab(firstLayer_, QString());
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(bottomTabs_);
    bottom->addWidget(runsBox);
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 1);
    bottom->setChildrenCollapsible(false);
    auto* vertical = new QSplitter(Qt::Vertical);
    vertical->addWidget(chartBox);
    vertical->addWidget(bottom);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    vertical->setChildrenCollapsible(false);
    rightLayout->addWidget(vertical, 1);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    // No fixed minimum width: the left pane is as wide as its settings pages need (VerticalScrollArea).
    split->setSizes({350, 920});
    auto* root = new QHBoxLayout(this);
    root->setContentsMargins(6, 6, 6, 6);
    root->addWidget(split);

    summaryTimer_ = new QTimer(this);
    summaryTimer_->setSingleShot(true);
    summaryTimer_->setInterval(30);
    connect(summaryTimer_, &QTimer::timeout, this, &TrainPage::updateSummary);
    connect(preset_, &QComboBox::activated, this, &TrainPage::onPresetChosen);
    connect(network_, &NetworkEditor::specChanged, this, &TrainPage::onSpecOrConfigChanged);
    connect(config_, &TrainingConfigEditor::changed, this, &TrainPage::onSpecOrConfigChanged);
    connect(start_, &QPushButton::clicked, this, &TrainPage::start);
    connect(pause_, &QPushButton::clicked, this, &TrainPage::togglePause);
    connect(stop_, &QPushButton::clicked, this, &TrainPage::stop);
    connect(overlay_, &QCheckBox::toggled, chart_, &TrainingChart::setShowEarlierRuns);
    connect(runsView_, &QTreeWidget::itemSelectionChanged, this, [this] {
        useRun_->setEnabled(selectedRun() >= 0);
        saveRun_->setEnabled(selectedRun() >= 0);
        exportRun_->setEnabled(selectedRun() >= 0);
    });
    connect(runsView_, &QTreeWidget::itemDoubleClicked, this, &TrainPage::useSelectedRun);
    connect(useRun_, &QPushButton::clicked, this, &TrainPage::useSelectedRun);
    connect(useLast_, &QPushButton::clicked, this, [this] {
        if (!runs_.empty()) useRun(runs_.size() - 1);
    });
    if (session_) {
        connect(session_->library(), &ModelLibrary::entriesChanged, this, &TrainPage::refreshRuns);
        connect(session_->library(), &ModelLibrary::currentChanged, this, &TrainPage::refreshRuns);
    }
    connect(saveRun_, &QPushButton::clicked, this, &TrainPage::saveSelectedRun);
    connect(exportRun_, &QPushButton::clicked, this, &TrainPage::exportSelectedHistory);
    if (session_) connect(session_, &Session::dataLoaded, this, &TrainPage::onSpecOrConfigChanged);
    if (session_) connect(session_, &Session::modelChanged, this, &TrainPage::onSpecOrConfigChanged);

    // The worker object on its own thread, as in the QThread documentation.
    thread_ = new QThread(this);
    thread_->setObjectName(QStringLiteral("training"));
    worker_ = new TrainingWorker;
    worker_->moveToThread(thread_);
    connect(thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(this, &TrainPage::runJob, worker_, &TrainingWorker::train, Qt::QueuedConnection);
    connectWorker(worker_, Qt::QueuedConnection);
    thread_->start();

    retranslate();
    setState(State::Idle);
    restoreSetup();
}

void TrainPage::restoreSetup() {
    QSettings settings;
    // The network and settings as they were left, edits included (the model file's text header);
    // read before selecting the preset, which saves its own.
    const QString setup = settings.value(QStringLiteral("train/setup")).toString();
    const auto limit = settings.value(QStringLiteral("train/limit"), 0).toULongLong();
    const QString name = settings.value(QStringLiteral("train/preset"), QStringLiteral("mlp-128-32")).toString();
    if (!selectPreset(name)) selectPreset(QStringLiteral("mlp-128-32"));
    if (!setup.isEmpty()) {
        try {
            const ModelFile m = parse_model_setup(setup.toStdString());
            network_->setSpec(m.spec);
            config_->setConfig(m.training);
        } catch (const std::exception&) {
            // A setup from another version that no longer parses: the preset's stands.
        }
    }
    config_->setTrainLimit(static_cast<std::size_t>(limit));
    setupRestored_ = true;
    onSpecOrConfigChanged();
}

void TrainPage::saveSetup() const {
    if (!setupRestored_) return;  // the editors' state while the page is being built
    ModelFile m;
    m.spec = network_->spec();
    m.training = config_->config();
    QSettings settings;
    settings.setValue(QStringLiteral("train/setup"), QString::fromStdString(model_setup_text(m)));
    settings.setValue(QStringLiteral("train/limit"), qulonglong(config_->trainLimit()));
}

TrainPage::~TrainPage() {
    // The editors are torn down with the page: what they say then is not the user's set-up.
    network_->disconnect(this);
    config_->disconnect(this);
    // The worker may be in the middle of a batch: let it stop there, skip the test evaluation,
    // and wait for its thread before the page (which its queued signals target) goes away.
    worker_->stop(/*abandon=*/true);
    thread_->quit();
    thread_->wait();
}

void TrainPage::connectWorker(TrainingWorker* worker, Qt::ConnectionType type) {
    connect(worker, &TrainingWorker::started, this, &TrainPage::onStarted, type);
    connect(worker, &TrainingWorker::batchProgress, this, &TrainPage::onBatch, type);
    connect(worker, &TrainingWorker::weightsChanged, this, [this](const WeightsSnapshot& s) {
        if (state_ == State::Idle) return;
        ++weightUpdates_;
        showWeights(s);
    }, type);
    connect(worker, &TrainingWorker::epochFinished, this, &TrainPage::onEpoch, type);
    connect(worker, &TrainingWorker::pausedChanged, this, &TrainPage::onPausedChanged, type);
    connect(worker, &TrainingWorker::testing, this, &TrainPage::onTesting, type);
    connect(worker, &TrainingWorker::finished, this, &TrainPage::onFinished, type);
    connect(worker, &TrainingWorker::failed, this, &TrainPage::onFailed, type);
}

void TrainPage::retranslate() {
    presetLabel_->setText(tr("&Preset:"));
    // Each preset says in the list what it is: its layers, our accuracy and time per epoch.
    int widest = 0;
    for (int i = 0; i < preset_->count() - 1; ++i) {
        const Preset* p = find_preset(preset_->itemData(i).toString().toStdString());
        if (!p) continue;
        QStringList facts{layerCount(p->model)};
        const PresetFacts* f = factsOf(p->name);
        if (f) facts << percent(f->accuracy);
        if (f && f->secondsPerEpoch > 0) facts << tr("%1 s/epoch").arg(QLocale().toString(f->secondsPerEpoch, 'f', f->secondsPerEpoch < 10 ? 1 : 0));
        const QString text = QStringLiteral("%1 \u2014 %2").arg(QString::fromStdString(p->name), facts.join(QStringLiteral(" \u00b7 ")));
        preset_->setItemText(i, text);
        preset_->setItemData(i, QString::fromStdString(p->description), Qt::ToolTipRole);
        widest = std::max(widest, preset_->fontMetrics().horizontalAdvance(text));
    }
    preset_->view()->setMinimumWidth(widest + 40);
    preset_->setItemText(preset_->count() - 1, tr("Custom network"));
    tabs_->setTabText(0, tr("Network"));
    tabs_->setTabText(1, tr("Training"));
    start_->setText(tr("&Start"));
    start_->setToolTip(tr("Check the set-up and start training (Ctrl+Return)"));
    stop_->setText(tr("S&top"));
    stop_->setToolTip(tr("Stop after the current batch and keep the model trained so far"));
    overlay_->setText(tr("Show earlier runs of this session (grey)"));
    summaryLabel_->setText(tr("Model summary"));
    bottomTabs_->setTabText(0, tr("Summary"));
    bottomTabs_->setTabText(1, tr("First layer, live"));
    bottomTabs_->setTabToolTip(1, tr("The first layer's weights, updated a few times a second while a run trains: for a Dense "
                                     "layer each unit's weights over the 28x28 image, for a Conv2D its kernels (red > 0 > blue)"));
    showWeights(lastWeights_);
    runsLabel_->setText(tr("Runs of this session"));
    runsView_->setHeaderLabels({tr("Run"), tr("Validation"), tr("Test")});
    currentModel_->setText(tr("Current model"));
    currentModel_->setToolTip(tr("Take the network and training settings of the model in use (for example one imported from Keras) to train it further"));
    fromModel_->setText(tr("Start from the current model's weights"));
    useRun_->setText(tr("&Use for predictions"));
    useLast_->setText(tr("Use This Model"));
    useLast_->setToolTip(tr("Let this run predict on the Draw, Errors and Quiz pages"));
    useRun_->setToolTip(tr("Make this run's model the one the Draw, Errors and Quiz pages use"));
    saveRun_->setText(tr("Save &as..."));
    exportRun_->setText(tr("&History as CSV..."));
    exportRun_->setToolTip(tr("Export the loss and accuracy of every batch and epoch of the selected run"));
    setState(state_);
    onSpecOrConfigChanged();
    refreshRuns();
}

void TrainPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

bool TrainPage::selectPreset(const QString& name) {
    const int index = preset_->findData(name);
    if (index < 0 || name.isEmpty()) return false;
    preset_->setCurrentIndex(index);
    onPresetChosen(index);
    return true;
}

void TrainPage::onPresetChosen(int index) {
    const QString name = preset_->itemData(index).toString();
    const Preset* p = find_preset(name.toStdString());
    if (!p) {
        onSpecOrConfigChanged();
        return;
    }
    const std::size_t limit = config_->trainLimit();
    network_->setSpec(p->model);
    config_->setConfig(p->training);
    config_->setTrainLimit(limit);
    QSettings().setValue(QStringLiteral("train/preset"), name);
    onSpecOrConfigChanged();
}

bool TrainPage::loadCurrentModel() {
    if (!session_ || !session_->modelFile() || state_ != State::Idle) return false;
    const ModelFile& m = *session_->modelFile();
    const std::size_t limit = config_->trainLimit();
    network_->setSpec(m.spec);
    config_->setConfig(m.training);
    config_->setTrainLimit(limit);
    const Preset* p = nullptr;
    for (const Preset& candidate : presets())
        if (candidate.model == m.spec) p = &candidate;
    const QSignalBlocker block(preset_);
    preset_->setCurrentIndex(p ? preset_->findData(QString::fromStdString(p->name)) : preset_->count() - 1);
    onSpecOrConfigChanged();
    fromModel_->setChecked(true);
    return true;
}

const Preset* TrainPage::matchingPreset() const {
    const Preset* p = find_preset(preset_->currentData().toString().toStdString());
    return p && p->model == network_->spec() ? p : nullptr;
}

void TrainPage::onSpecOrConfigChanged() {
    // Editing a preset's network makes it a custom one; its training settings may change freely.
    const Preset* p = find_preset(preset_->currentData().toString().toStdString());
    if (p && !(p->model == network_->spec())) {
        const QSignalBlocker block(preset_);
        preset_->setCurrentIndex(preset_->count() - 1);
        p = nullptr;
    }
    if (p) {
        QString text = tr("%1. The tutorial reports %2 test accuracy.").arg(QString::fromStdString(p->description), percent(p->tutorial_accuracy));
        if (const PresetFacts* f = factsOf(p->name)) {
            text += QLatin1Char(' ') + tr("Here: %1 with the default seed").arg(percent(f->accuracy));
            if (f->secondsPerEpoch > 0)
                text += tr(", about %1 s per epoch on a 2-core PC").arg(QLocale().toString(f->secondsPerEpoch, 'f', f->secondsPerEpoch < 10 ? 1 : 0));
            text += QLatin1Char('.');
        }
        presetDescription_->setText(text);
    }
    else
        presetDescription_->setText(tr("Your own network: edit the layers and the training settings below."));
    saveSetup();
    summaryTimer_->start();
    // Starting from the current model's weights needs its network, unchanged.
    if (!fromModel_) return;  // still being built
    const bool fits = session_ && session_->modelFile() && session_->modelFile()->spec == network_->spec();
    fromModel_->setEnabled(fits);
    if (!fits) fromModel_->setChecked(false);
    currentModel_->setEnabled(session_ && session_->modelFile());
}

TrainingJob TrainPage::makeJob() const {
    TrainingJob job;
    job.spec = network_->spec();
    job.config = config_->config();
    job.train_limit = config_->trainLimit();
    job.data = session_ ? session_->sharedData() : nullptr;
    const Preset* p = matchingPreset();
    const QString base = p ? QString::fromStdString(p->name) : tr("custom");
    job.name = QStringLiteral("%1 #%2").arg(base).arg(runCounter_ + 1).toStdString();
    if (fromModel_->isEnabled() && fromModel_->isChecked()) {
        const auto& p = session_->model()->parameters();
        job.start_weights.assign(p.begin(), p.end());
        job.name = QStringLiteral("%1 #%2").arg(session_->modelName()).arg(runCounter_ + 1).toStdString();
    }
    return job;
}

void TrainPage::updateSummary() {
    QString text;
    try {
        Network net(network_->spec(), 1);
        text = QString::fromStdString(model_summary(net));
    } catch (const std::exception& e) {
        text = tr("This network cannot be built:\n%1").arg(QString::fromUtf8(e.what()));
    }
    summary_->setPlainText(text);
    if (state_ != State::Idle) return;
    // Explain what is wrong before anyone presses Start (data still loading is not a problem yet).
    auto job = makeJob();
    QStringList problems = TrainingWorker::check(job, /*requireData=*/false);
    if (!problems.isEmpty()) {
        QString html = QStringLiteral("<b>%1</b><ul style='margin:0'>").arg(tr("This set-up cannot train yet:").toHtmlEscaped());
        for (const QString& s : problems) html += QStringLiteral("<li>%1</li>").arg(s.toHtmlEscaped());
        showMessage(html + QStringLiteral("</ul>"), true);
    } else if (message_->property("problems").toBool()) {
        showMessage(QString(), false);
    }
    message_->setProperty("problems", !problems.isEmpty());
}

void TrainPage::showMessage(const QString& html, bool error) {
    message_->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    message_->setText(html);
    message_->setVisible(!html.isEmpty());
}

QString TrainPage::messageText() const { return QTextDocumentFragment::fromHtml(message_->text()).toPlainText(); }
QString TrainPage::summaryText() const { return summary_->toPlainText(); }
QString TrainPage::testResultText() const { return testResult_; }

bool TrainPage::start() {
    if (state_ != State::Idle) return false;
    summaryTimer_->stop();
    updateSummary();
    auto job = makeJob();
    const QStringList problems = TrainingWorker::check(job);
    if (!problems.isEmpty()) {
        QString html = QStringLiteral("<b>%1</b><ul style='margin:0'>").arg(tr("Training did not start:").toHtmlEscaped());
        for (const QString& s : problems) html += QStringLiteral("<li>%1</li>").arg(s.toHtmlEscaped());
        showMessage(html + QStringLiteral("</ul>"), true);
        message_->setProperty("problems", true);
        emit statusMessage(tr("Training did not start: %1").arg(problems.front()));
        return false;
    }
    beginRun(job);
    emit runJob(job);
    return true;
}

void TrainPage::beginRun(const TrainingJob& job) {
    ++runCounter_;
    bottomTabs_->setCurrentWidget(firstLayer_);
    weightUpdates_ = 0;
    runName_ = QString::fromStdString(job.name);
    epochsPlanned_ = job.config.epochs;
    lastLearningRate_ = job.config.optimizer.learning_rate;
    stopRequested_ = false;
    const Preset* p = matchingPreset();
    runReference_ = p ? p->tutorial_accuracy : -1;
    chart_->beginRun(runName_, job.config.epochs, runReference_);
    progress_->setValue(0);
    speed_->clear();
    epochLine_->clear();
    testResult_.clear();
    useLast_->hide();
    message_->setProperty("problems", false);
    showMessage(tr("Training %1...").arg(runName_.toHtmlEscaped()), false);
    setState(State::Running);
    emit trainingStarted();
}

void TrainPage::togglePause() {
    if (state_ == State::Running) {
        worker_->pause();
        setState(State::Paused);
        speed_->setText(tr("Paused"));
        emit statusMessage(tr("Training paused"));
    } else if (state_ == State::Paused) {
        worker_->resume();
        setState(State::Running);
        emit statusMessage(tr("Training resumed"));
    }
}

void TrainPage::stop() {
    if (state_ != State::Running && state_ != State::Paused) return;
    stopRequested_ = true;
    worker_->stop();
    setState(State::Running);
    stop_->setEnabled(false);
    pause_->setEnabled(false);
    showMessage(tr("Stopping after this batch..."), false);
}

void TrainPage::setState(State s) {
    state_ = s;
    const bool idle = s == State::Idle;
    start_->setEnabled(idle);
    pause_->setEnabled((s == State::Running || s == State::Paused) && !stopRequested_);
    stop_->setEnabled((s == State::Running || s == State::Paused) && !stopRequested_);
    pause_->setText(s == State::Paused ? tr("&Resume") : tr("&Pause"));
    pause_->setIcon(style()->standardIcon(s == State::Paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    if (idle) progress_->setFormat(QStringLiteral("%p%"));
}

void TrainPage::onStarted(qint64 trainSamples, int epochs) {
    emit statusMessage(tr("Training %1 on %2 images for %n epoch(s)", nullptr, epochs)
                           .arg(runName_, QLocale().toString(trainSamples)));
}

void TrainPage::showWeights(const WeightsSnapshot& s) {
    lastWeights_ = s;
    if (s.layer < 0 || s.tiles.empty()) {
        firstLayer_->setTiles(tr("Start a run to watch the first layer's weights form."), {}, {});
        return;
    }
    QStringList captions;
    for (std::size_t i = 0; i < s.tiles.size(); ++i) captions << QString::number(i);
    // Short: the pane is narrow. What the tiles are is in the tab's tooltip and on the Inside page.
    QString title = tr("Layer %1 (%2), epoch %3, batch %4")
                        .arg(s.layer + 1)
                        .arg(s.kind == LayerKind::Dense ? QStringLiteral("Dense") : QStringLiteral("Conv2D"))
                        .arg(s.epoch + 1)
                        .arg(s.batch + 1);
    if (static_cast<int>(s.tiles.size()) < s.units) title += tr(": %1 of %2 units").arg(s.tiles.size()).arg(s.units);
    firstLayer_->setTiles(title, s.tiles, captions);
}

void TrainPage::onBatch(const BatchPoint& p) {
    if (state_ == State::Idle) return;
    const bool paused = state_ == State::Paused;  // a point queued before the pause: no new ETA
    chart_->addBatchPoint(p.x, p.stats.smoothed_loss, p.stats.smoothed_accuracy);
    progress_->setValue(static_cast<int>(std::lround(p.progress * 1000)));
    progress_->setFormat(tr("epoch %1 of %2").arg(p.stats.epoch + 1).arg(epochsPlanned_) + QStringLiteral(" · %p%"));
    if (paused) return;
    QStringList parts;
    if (p.eta_seconds >= 0) parts << tr("ETA %1").arg(duration(p.eta_seconds));
    parts << tr("%1 samples/s").arg(QLocale().toString(p.samples_per_second, 'f', 0));
    speed_->setText(parts.join(QStringLiteral(" · ")));
}

void TrainPage::onEpoch(const EpochPoint& p) {
    const EpochStats& e = p.stats;
    chart_->addEpochPoint(e.epoch + 1, e.loss, e.accuracy, e.has_validation, e.val_loss, e.val_accuracy);
    // Keras's progress line: loss, accuracy, validation figures, time and throughput.
    QString line = tr("Epoch %1/%2: loss %3 · accuracy %4")
                       .arg(e.epoch + 1)
                       .arg(p.epochs_planned)
                       .arg(QLocale().toString(e.loss, 'f', 4), percent(e.accuracy));
    if (e.has_validation)
        line += QStringLiteral(" · ") + tr("val_loss %1 · val_accuracy %2").arg(QLocale().toString(e.val_loss, 'f', 4), percent(e.val_accuracy));
    line += QStringLiteral(" · ") + tr("%1 s, %2 samples/s")
                                        .arg(QLocale().toString(e.seconds, 'f', 1), QLocale().toString(e.samples_per_second, 'f', 0));
    epochLine_->setText(line);
}

void TrainPage::onPausedChanged(bool paused) {
    if (state_ == State::Idle || stopRequested_) return;
    // No ETA while nothing moves; the next batch after Resume brings a fresh one.
    if (paused) speed_->setText(tr("Paused"));
    if (paused) showMessage(tr("Paused: the optimiser keeps its state; Resume continues where it stopped."), false);
    else showMessage(tr("Training %1...").arg(runName_.toHtmlEscaped()), false);
}

void TrainPage::onTesting() {
    setState(State::Testing);
    pause_->setEnabled(false);
    stop_->setEnabled(false);
    showMessage(tr("Evaluating on the 10,000 test images..."), false);
}

void TrainPage::onFinished(const TrainingResult& result) {
    const History& h = result.history;
    stopRequested_ = false;
    setState(State::Idle);
    progress_->setValue(progress_->maximum());
    speed_->setText(tr("%1 in total").arg(duration(result.seconds)));
    // Every run joins the model library; one that diverged is not offered on quit.
    quint64 libraryId = 0;
    if (session_) {
        ModelLibrary* library = session_->library();
        const int index = library->addRun(result.model, runName_, /*unsaved=*/!h.diverged());
        libraryId = library->entry(index).id;
    }
    runs_.push_back({runName_, result, libraryId});
    const bool useAtOnce = QSettings().value(ModelMenu::useFinishedRunsKey(), false).toBool();

    QString reason;
    const int epochs = static_cast<int>(h.epochs.size());
    switch (h.stop_reason) {
        case StopReason::Completed: reason = tr("finished all %n epoch(s)", nullptr, epochs); break;
        case StopReason::EarlyStopping:
            reason = tr("stopped early after %n epoch(s): the monitored figure stopped improving", nullptr, epochs);
            break;
        case StopReason::Stopped:
        case StopReason::Cancelled:
            // Exactly how far it got: full epochs, and the batch reached in the one cut short.
            if (const int batches = h.partial_epoch_batches(); batches > 0 && !h.batches.empty())
                reason = tr("stopped by you in epoch %1 at batch %2 of %3, after %n full epoch(s)", nullptr, h.completed_epochs())
                             .arg(h.completed_epochs() + 1)
                             .arg(QLocale().toString(batches), QLocale().toString(h.batches.back().batches_per_epoch));
            else
                reason = tr("stopped by you after %n full epoch(s)", nullptr, h.completed_epochs());
            break;
        case StopReason::Diverged: reason = describeDivergence(h.divergence); break;
    }

    if (result.tested) {
        testResult_ = tr("Test accuracy %1 · test loss %2 (%3 test images)")
                          .arg(percent(result.test.accuracy), QLocale().toString(result.test.loss, 'f', 4),
                               QLocale().toString(qulonglong(result.test.samples)));
    }
    if (h.diverged()) {
        // The run blew up: its weights are the last good ones (or the initial ones), which would
        // predict badly, so the session keeps its current model.
        const double suggestion = lastLearningRate_ / 10;
        showMessage(tr("<b>Training diverged</b>: %1.<br>The weights of the last good epoch were kept, but this "
                       "run's model is not used for predictions. Try a smaller learning rate, e.g. %2.")
                        .arg(reason.toHtmlEscaped(), QString::number(suggestion, 'g', 3)),
                    true);
        emit statusMessage(tr("Training diverged: try a smaller learning rate"));
    } else {
        if (useAtOnce) useRun(runs_.size() - 1);
        QString html = tr("<b>%1</b>: %2. %3.").arg(runName_.toHtmlEscaped(), reason.toHtmlEscaped(), testResult_.toHtmlEscaped());
        if (runReference_ > 0 && result.tested)
            html += QStringLiteral(" ") + tr("The tutorial reports %1 with the full data set and all epochs.").arg(percent(runReference_));
        html += QStringLiteral("<br>") +
                (useAtOnce ? tr("It now predicts on the other pages (Models > Use Each Finished Run at Once).")
                           : tr("The model in use stays until you choose this one; it is in the Models menu, not saved yet."));
        showMessage(html, false);
        useLast_->setVisible(!useAtOnce && session_ != nullptr);
        emit statusMessage(tr("%1 trained: %2").arg(runName_, testResult_));
    }
    refreshRuns();
    runsView_->setCurrentItem(runsView_->topLevelItem(runsView_->topLevelItemCount() - 1));
    emit trainingEnded(true);
}

void TrainPage::onFailed(const QString& message) {
    stopRequested_ = false;
    setState(State::Idle);
    progress_->setValue(0);
    speed_->clear();
    showMessage(QStringLiteral("<b>%1</b> %2").arg(tr("Training failed.").toHtmlEscaped(), message.toHtmlEscaped()), true);
    emit statusMessage(tr("Training failed"));
    emit trainingEnded(false);
}

void TrainPage::refreshRuns() {
    const int selected = selectedRun();
    const QSignalBlocker block(runsView_);
    runsView_->clear();
    const ModelLibrary* library = session_ ? session_->library() : nullptr;
    const int current = library ? library->currentIndex() : -1;
    for (const Run& r : runs_) {
        const History& h = r.result.history;
        const int entry = library ? library->indexOfId(r.libraryId) : -1;
        auto* item = new QTreeWidgetItem(runsView_);
        item->setText(0, h.diverged() ? tr("%1 (diverged)").arg(r.name) : r.name);
        item->setText(1, !h.epochs.empty() && h.epochs.back().has_validation ? percent(h.epochs.back().val_accuracy)
                                                                            : QStringLiteral("–"));
        item->setText(2, r.result.tested ? percent(r.result.test.accuracy) : QStringLiteral("–"));
        const QString path = entry >= 0 ? library->entry(entry).path : QString();
        const QString saved = path.isEmpty() ? tr("Not saved") : QDir::toNativeSeparators(path);
        item->setToolTip(0, tr("%n epoch(s) in %1", nullptr, static_cast<int>(h.epochs.size())).arg(duration(r.result.seconds)) +
                                QStringLiteral("\n") + saved);
        for (int c = 1; c < 3; ++c) item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        if (entry >= 0 && entry == current) {
            // The run that predicts now.
            QFont bold = item->font(0);
            bold.setBold(true);
            for (int c = 0; c < 3; ++c) item->setFont(c, bold);
            item->setToolTip(0, item->toolTip(0) + QStringLiteral("\n") + tr("Predicts on the other pages now"));
        }
    }
    if (selected >= 0 && selected < runsView_->topLevelItemCount()) runsView_->setCurrentItem(runsView_->topLevelItem(selected));
    useRun_->setEnabled(selectedRun() >= 0);
    saveRun_->setEnabled(selectedRun() >= 0);
    exportRun_->setEnabled(selectedRun() >= 0);
    if (!runs_.empty() && library && library->indexOfId(runs_.back().libraryId) == current) useLast_->hide();
}

int TrainPage::selectedRun() const {
    const QTreeWidgetItem* item = runsView_->currentItem();
    return item && item->isSelected() ? runsView_->indexOfTopLevelItem(const_cast<QTreeWidgetItem*>(item)) : -1;
}

void TrainPage::useSelectedRun() {
    const int i = selectedRun();
    if (i >= 0) useRun(std::size_t(i));
}

void TrainPage::useRun(std::size_t run) {
    if (run >= runs_.size() || !session_) return;
    ModelLibrary* library = session_->library();
    const int index = library->indexOfId(runs_[run].libraryId);
    if (index >= 0 && library->use(index)) emit statusMessage(tr("%1 now predicts on the other pages").arg(runs_[run].name));
}

void TrainPage::saveSelectedRun() {
    const int i = selectedRun();
    if (i < 0 || !session_) return;
    const int index = session_->library()->indexOfId(runs_[std::size_t(i)].libraryId);
    if (index >= 0) emit saveRequested(index);
}

QString TrainPage::speedText() const { return speed_->text(); }

void TrainPage::showSettingsTab(bool settings) { tabs_->setCurrentIndex(settings ? 1 : 0); }

bool TrainPage::exportHistory(int index, const QString& path, QString* error) {
    if (index < 0 || index >= static_cast<int>(runs_.size())) return false;
    try {
        save_history_csv(path.toStdString(), runs_[static_cast<std::size_t>(index)].result.history);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = tr("Could not write the history to %1: %2").arg(path, QString::fromUtf8(e.what()));
        return false;
    }
}

void TrainPage::exportSelectedHistory() {
    const int i = selectedRun();
    if (i < 0) return;
    QSettings settings;
    QString dir = settings.value(QStringLiteral("paths/models")).toString();
    if (dir.isEmpty()) dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    QString file = runs_[static_cast<std::size_t>(i)].name;
    file.replace(QStringLiteral(" #"), QStringLiteral("-run"));
    file.replace(QLatin1Char(' '), QLatin1Char('-'));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export History"), QDir(dir).filePath(file + QStringLiteral("-history.csv")),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    QString error;
    if (exportHistory(i, path, &error)) emit statusMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
    else showMessage(error.toHtmlEscaped(), true);
}

void TrainPage::prepareScreenshot() {
    // A short real run, synchronously on this thread: the page's own slots receive the worker's
    // signals directly, exactly as they would across threads.
    selectPreset(QStringLiteral("mlp-128-32"));
    TrainConfig c = config_->config();
    c.epochs = 3;
    c.validation_split = 0.1f;
    config_->setConfig(c);
    config_->setTrainLimit(6000);
    auto job = makeJob();
    if (!TrainingWorker::check(job).isEmpty()) {
        start();  // shows why
        return;
    }
    job.batch_interval_ms = 0;
    TrainingWorker local;
    connectWorker(&local, Qt::DirectConnection);
    beginRun(job);
    local.train(job);
}

}  // namespace digit::ui
