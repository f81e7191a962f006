#include "errors_page.h"

#include "digit_grid.h"
#include "model_io.h"
#include "network.h"
#include "probability_bars.h"
#include "session.h"
#include "trainer.h"

#include <QEvent>
#include <QButtonGroup>
#include <QComboBox>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>

namespace digit::ui {

// The model's verdict on every test image. Immutable once made; shared with the grid's captions.
struct ErrorsPage::Results {
    std::shared_ptr<const Dataset> test;  // shared with the session, read-only
    Matrix probabilities;                 // (test->size(), 10 or 11: the model's outputs)
    std::vector<int> predicted;           // argmax per image
    std::vector<float> confidence;        // probability of the predicted digit
    ConfusionCounts counts{};             // [true][predicted]
    int mistakes = 0;
    QString modelName;

    // Fills predicted, confidence, counts and mistakes from probabilities. Runs on the worker.
    void tally();
};

namespace {

const QColor kWrong(198, 40, 40);
const QColor kRight(46, 125, 50);

QString percent(double fraction, int decimals = 0) {
    return QStringLiteral("%1%").arg(fraction * 100.0, 0, 'f', decimals);
}

}  // namespace

ErrorsPage::ErrorsPage(Session* session, QWidget* parent) : QWidget(parent), session_(session) {
    // Top: what is shown and how.
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    QFont statusFont = status_->font();
    statusFont.setPointSizeF(statusFont.pointSizeF() * 1.1);
    status_->setFont(statusFont);
    progress_ = new QProgressBar(this);
    progress_->setTextVisible(true);
    progress_->hide();

    mistakesButton_ = new QPushButton(this);
    texts_.add([=, this] { mistakesButton_->setText(tr("Mistakes")); });
    correctButton_ = new QPushButton(this);
    texts_.add([=, this] { correctButton_->setText(tr("Correct")); });
    texts_.add([=, this] { mistakesButton_->setToolTip(tr("Show the test images the model gets wrong")); });
    texts_.add([=, this] { correctButton_->setToolTip(tr("Show the test images the model gets right")); });
    auto* which = new QButtonGroup(this);
    for (QPushButton* b : {mistakesButton_, correctButton_}) {
        b->setCheckable(true);
        which->addButton(b);
    }
    mistakesButton_->setChecked(true);

    truth_ = new QComboBox(this);
    predicted_ = new QComboBox(this);
    truth_->addItem(QString(), -1);
    texts_.add([=, this, i = truth_->count() - 1] { truth_->setItemText(i, tr("Any")); });
    predicted_->addItem(QString(), -1);
    texts_.add([=, this, i = predicted_->count() - 1] { predicted_->setItemText(i, tr("Any")); });
    for (int d = 0; d < 10; ++d) {
        truth_->addItem(QString::number(d), d);
        predicted_->addItem(QString::number(d), d);
    }
    sort_ = new QComboBox(this);
    sort_->addItem(QString(), int(Sort::MostConfidentFirst));
    texts_.add([=, this, i = sort_->count() - 1] { sort_->setItemText(i, tr("Most confident first")); });
    sort_->addItem(QString(), int(Sort::LeastConfidentFirst));
    texts_.add([=, this, i = sort_->count() - 1] { sort_->setItemText(i, tr("Least confident first")); });
    sort_->addItem(QString(), int(Sort::TestOrder));
    texts_.add([=, this, i = sort_->count() - 1] { sort_->setItemText(i, tr("Test set order")); });
    reset_ = new QPushButton(this);
    texts_.add([=, this] { reset_->setText(tr("Show All")); });
    texts_.add([=, this] { reset_->setToolTip(tr("Clear the digit filters")); });

    auto* trueLabel = new QLabel(this);
    texts_.add([=, this] { trueLabel->setText(tr("True digit:")); });
    trueLabel->setBuddy(truth_);
    auto* predLabel = new QLabel(this);
    texts_.add([=, this] { predLabel->setText(tr("Predicted:")); });
    predLabel->setBuddy(predicted_);
    auto* sortLabel = new QLabel(this);
    texts_.add([=, this] { sortLabel->setText(tr("Sort:")); });
    sortLabel->setBuddy(sort_);

    auto* filters = new QHBoxLayout;
    filters->setSpacing(6);
    filters->addWidget(mistakesButton_);
    filters->addWidget(correctButton_);
    filters->addSpacing(14);
    filters->addWidget(trueLabel);
    filters->addWidget(truth_);
    filters->addSpacing(8);
    filters->addWidget(predLabel);
    filters->addWidget(predicted_);
    filters->addSpacing(8);
    filters->addWidget(reset_);
    filters->addStretch(1);
    filters->addWidget(sortLabel);
    filters->addWidget(sort_);

    grid_ = new DigitGrid(this);
    grid_->setThumbnailScale(3);

    auto* left = new QVBoxLayout;
    left->addWidget(status_);
    left->addWidget(progress_);
    left->addLayout(filters);
    left->addWidget(grid_, 1);

    // Right: the confusion matrix and the clicked image.
    auto* matrixTitle = new QLabel(this);
    texts_.add([=, this] { matrixTitle->setText(tr("<b>Confusion matrix</b> (click a cell to see its images)")); });
    matrixTitle->setWordWrap(true);
    matrix_ = new ConfusionMatrix(this);

    detailImage_ = new PixelImageView(this);
    detailImage_->setPreferredScale(4);
    texts_.add([=, this] { detailImage_->setPlaceholderText(tr("Click an image")); });
    detailImage_->setFixedSize(detailImage_->sizeHint());
    detailText_ = new QLabel(this);
    detailText_->setWordWrap(true);
    detailText_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    detailText_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    send_ = new QPushButton(this);
    texts_.add([=, this] { send_->setText(tr("Send to Canvas")); });
    texts_.add([=, this] { send_->setToolTip(tr("Open this image on the Draw page")); });
    send_->setEnabled(false);
    lookInside_ = new QPushButton(tr("Look Inside"), this);
    lookInside_->setToolTip(tr("See this image's way through the network on the Inside page"));
    lookInside_->setEnabled(false);
    auto* detailRight = new QVBoxLayout;
    detailRight->addWidget(detailText_, 1);
    auto* detailButtons = new QHBoxLayout;
    detailButtons->addWidget(send_);
    detailButtons->addWidget(lookInside_);
    detailButtons->addStretch(1);
    detailRight->addLayout(detailButtons);
    auto* detailTop = new QHBoxLayout;
    detailTop->addWidget(detailImage_, 0, Qt::AlignTop);
    detailTop->addLayout(detailRight, 1);
    detailBars_ = new ProbabilityBars(this);
    detailBars_->setMinimumHeight(110);

    auto* right = new QVBoxLayout;
    right->setContentsMargins(0, 0, 0, 0);
    right->addWidget(matrixTitle);
    right->addWidget(matrix_);
    right->addSpacing(6);
    right->addLayout(detailTop);
    right->addWidget(detailBars_);
    right->addStretch(1);
    auto* rightBox = new QWidget(this);
    rightBox->setLayout(right);
    rightBox->setFixedWidth(380);

    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left, 1);
    layout->addSpacing(8);
    layout->addWidget(rightBox);

    connect(which, &QButtonGroup::buttonClicked, this, [this](QAbstractButton* b) { setShowCorrect(b == correctButton_); });
    connect(truth_, &QComboBox::activated, this, [this] { rebuildGrid(); });
    connect(predicted_, &QComboBox::activated, this, [this] { rebuildGrid(); });
    connect(sort_, &QComboBox::activated, this, [this] { rebuildGrid(); });
    connect(reset_, &QPushButton::clicked, this, [this] { setFilter(-1, -1); });
    connect(matrix_, &ConfusionMatrix::cellClicked, this, &ErrorsPage::onCellClicked);
    connect(grid_, &DigitGrid::itemClicked, this, &ErrorsPage::selectTestImage);
    connect(send_, &QPushButton::clicked, this, [this] {
        if (results_ && selected_ >= 0) emit sendToCanvas(mnistToImage(results_->test->image(std::size_t(selected_))));
    });
    connect(lookInside_, &QPushButton::clicked, this, [this] {
        if (results_ && selected_ >= 0) emit lookInside(selected_);
    });
    connect(session_, &Session::modelChanged, this, &ErrorsPage::sourcesChanged);
    connect(session_, &Session::dataLoaded, this, &ErrorsPage::sourcesChanged);
    connect(session_, &Session::dataFailed, this, [this](const QString& message) {
        failure_ = message;
        updateStatus();
    });

    rebuildGrid();
    updateStatus();
}

ErrorsPage::~ErrorsPage() {
    // Workers only hold their own copies and a guarded pointer back; wait so none outlives the app.
    for (const QPointer<QThread>& worker : workers_)
        if (worker) worker->wait();
}

bool ErrorsPage::isBusy() const {
    return std::any_of(workers_.begin(), workers_.end(), [](const QPointer<QThread>& w) { return w && w->isRunning(); });
}

void ErrorsPage::sourcesChanged() {
    ++generation_;  // results in flight belong to the old model
    results_.reset();
    matrix_->clear();
    selectTestImage(-1);
    rebuildGrid();
    if (isVisible())
        refresh();
    else
        dirty_ = true;
    updateStatus();
}

void ErrorsPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (dirty_) refresh();
}

void ErrorsPage::refresh() {
    dirty_ = false;
    failure_.clear();
    const int generation = ++generation_;
    checked_ = 0;
    if (!session_->data() || !session_->model() || !session_->modelFile()) {
        results_.reset();
        matrix_->clear();
        rebuildGrid();
        return;
    }
    const std::shared_ptr<const MnistData> data = session_->sharedData();
    const std::shared_ptr<const Dataset> test(data, &data->test);  // keeps the whole data set alive
    const std::shared_ptr<const void> key = session_->sharedModelFile();
    for (const auto& [model, results] : cache_) {
        if (model == key && results->test == test) {
            applyResults(results);
            return;
        }
    }
    // The worker gets its own network (same weights) and shares the read-only test set.
    std::shared_ptr<Network> net;
    try {
        net = network_from_file(*session_->modelFile());
        net->set_parameters(session_->model()->parameters());
    } catch (const std::exception& e) {
        failure_ = tr("The model could not be copied for evaluation: %1").arg(QString::fromUtf8(e.what()));
        updateStatus();
        return;
    }
    const QString name = session_->modelName();
    QPointer<ErrorsPage> self(this);
    QThread* worker = QThread::create([self, generation, net, test, name, key] {
        auto results = std::make_shared<Results>();
        results->test = test;
        results->modelName = name;
        QString error;
        try {
            // All cores, a batch per thread at a time (core's predict_dataset); each finished
            // batch moves the page's progress on.
            results->probabilities = predict_dataset(*net, *test, kBatch, [self, generation](std::size_t done) {
                QMetaObject::invokeMethod(
                    QCoreApplication::instance(),
                    [self, generation, done] {
                        if (!self || generation != self->generation_) return;
                        self->checked_ = int(done);
                        self->updateStatus();
                    },
                    Qt::QueuedConnection);
            });
            results->tally();
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, generation, results, error, key] {
                if (!self) return;
                if (!error.isEmpty()) {
                    if (generation != self->generation_) return;
                    self->failure_ = ErrorsPage::tr("Evaluating the model failed: %1").arg(error);
                    self->updateStatus();
                    return;
                }
                self->cache_.emplace_back(key, results);
                if (self->cache_.size() > kCacheSize) self->cache_.erase(self->cache_.begin());
                if (generation == self->generation_) self->applyResults(results);
            },
            Qt::QueuedConnection);
    });
    workers_.erase(std::remove_if(workers_.begin(), workers_.end(), [](const QPointer<QThread>& w) { return !w; }),
                   workers_.end());
    workers_.emplace_back(worker);
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    // Normal priority: a person is waiting for it (on a busy machine a low-priority thread starved).
    worker->start();
    updateStatus();
}

void ErrorsPage::Results::tally() {
    const std::size_t n = test->size();
    predicted.resize(n);
    confidence.resize(n);
    counts = {};
    mistakes = 0;
    for (std::size_t i = 0; i < n; ++i) {
        // The best digit (an 11-output model's "not a digit" column aside: this page sorts digits).
        Eigen::Index best = 0;
        confidence[i] = float(probabilities.row(Eigen::Index(i)).head(std::min<Eigen::Index>(10, probabilities.cols())).maxCoeff(&best));
        predicted[i] = int(best);
        const int label = test->labels[i];
        ++counts[std::size_t(label)][std::size_t(best)];
        if (label != int(best)) ++mistakes;
    }
}

void ErrorsPage::prepareScreenshot() {
    if (!session_->data() || !session_->model()) {
        updateStatus();
        return;
    }
    ++generation_;
    dirty_ = false;
    auto results = std::make_shared<Results>();
    const std::shared_ptr<const MnistData> data = session_->sharedData();
    results->test = std::shared_ptr<const Dataset>(data, &data->test);
    results->modelName = session_->modelName();
    results->probabilities = predict_dataset(*session_->model(), *results->test);
    results->tally();
    applyResults(results);
    setSort(Sort::MostConfidentFirst);
    if (!filtered_.empty()) selectTestImage(filtered_.front());
}

void ErrorsPage::applyResults(std::shared_ptr<const Results> results) {
    results_ = std::move(results);
    failure_.clear();
    matrix_->setCounts(results_->counts);
    rebuildGrid();
    if (pendingSelection_ >= 0) showTestImage(pendingSelection_);
}

void ErrorsPage::showTestImage(int testIndex) {
    pendingSelection_ = results_ ? -1 : testIndex;
    if (results_) selectTestImage(testIndex);
}

int ErrorsPage::misclassifiedCount() const { return results_ ? results_->mistakes : 0; }

int ErrorsPage::predictionOf(int testIndex) const {
    if (!results_ || testIndex < 0 || testIndex >= int(results_->predicted.size())) return -1;
    return results_->predicted[std::size_t(testIndex)];
}

const ConfusionCounts& ErrorsPage::confusionCounts() const { return matrix_->counts(); }

std::vector<int> ErrorsPage::shownTestIndices() const { return grid_->visibleIds(); }

int ErrorsPage::truthFilter() const { return truth_->currentData().toInt(); }
int ErrorsPage::predictionFilter() const { return predicted_->currentData().toInt(); }

void ErrorsPage::setFilter(int truth, int predicted) {
    truth_->setCurrentIndex(std::clamp(truth, -1, 9) + 1);
    predicted_->setCurrentIndex(std::clamp(predicted, -1, 9) + 1);
    if (truth >= 0 && predicted >= 0) {
        // A cell of the matrix: the diagonal holds correct images, the rest mistakes.
        showCorrect_ = truth == predicted;
        (showCorrect_ ? correctButton_ : mistakesButton_)->setChecked(true);
    }
    rebuildGrid();
}

void ErrorsPage::setShowCorrect(bool correct) {
    showCorrect_ = correct;
    (correct ? correctButton_ : mistakesButton_)->setChecked(true);
    // A (t, p) filter that cannot match any more is dropped rather than showing nothing.
    const int t = truthFilter(), p = predictionFilter();
    if (t >= 0 && p >= 0 && (t == p) != correct) predicted_->setCurrentIndex(0);
    rebuildGrid();
}

void ErrorsPage::setSort(Sort sort) {
    sort_->setCurrentIndex(sort_->findData(int(sort)));
    rebuildGrid();
}

void ErrorsPage::onCellClicked(int truth, int predicted) { setFilter(truth, predicted); }

void ErrorsPage::rebuildGrid() {
    filtered_.clear();
    const int t = truthFilter(), p = predictionFilter();
    matrix_->setSelectedCell(t >= 0 && p >= 0 ? t : -1, t >= 0 && p >= 0 ? p : -1);
    if (!results_) {
        grid_->setItems({});
        updateStatus();
        return;
    }
    const Results& r = *results_;
    const Dataset& test = *r.test;
    for (std::size_t i = 0; i < test.size(); ++i) {
        const int label = test.labels[i];
        const int guess = r.predicted[i];
        if ((label == guess) != showCorrect_) continue;
        if (t >= 0 && label != t) continue;
        if (p >= 0 && guess != p) continue;
        filtered_.push_back(int(i));
    }
    const auto sort = Sort(sort_->currentData().toInt());
    if (sort != Sort::TestOrder) {
        // Stable, so equal confidences keep test-set order and the order is reproducible.
        std::stable_sort(filtered_.begin(), filtered_.end(), [&](int a, int b) {
            const float ca = r.confidence[std::size_t(a)], cb = r.confidence[std::size_t(b)];
            return sort == Sort::MostConfidentFirst ? ca > cb : ca < cb;
        });
    }
    std::vector<DigitGridItem> items;
    items.reserve(filtered_.size());
    for (int i : filtered_) {
        const int label = test.labels[std::size_t(i)];
        const int guess = r.predicted[std::size_t(i)];
        DigitGridItem item;
        item.id = i;
        item.image = mnistToImage(test.image(std::size_t(i)));
        item.caption = (label == guess ? QString::number(label)
                                       : QStringLiteral("%1 \u2192 %2").arg(label).arg(guess)) +
                       QLatin1Char('\n') + percent(r.confidence[std::size_t(i)]);
        item.accent = label == guess ? kRight : kWrong;
        item.toolTip = tr("Test image #%1: true %2, predicted %3 (%4)")
                           .arg(QLocale().toString(i))
                           .arg(label)
                           .arg(guess)
                           .arg(percent(r.confidence[std::size_t(i)], 1));
        items.push_back(std::move(item));
    }
    grid_->setItems(std::move(items));
    if (t >= 0 || p >= 0)
        grid_->setEmptyText(tr("No test images match these filters."));
    else
        grid_->setEmptyText(showCorrect_ ? tr("The model gets no test image right.")
                                         : tr("The model gets every test image right."));
    if (selected_ >= 0) grid_->setSelectedId(selected_);
    updateStatus();
}

void ErrorsPage::selectTestImage(int testIndex) {
    if (!results_ || testIndex < 0 || testIndex >= int(results_->test->size())) {
        selected_ = -1;
        detailImage_->setImage({});
        detailText_->setText(tr("Click an image to see the model's probabilities for it."));
        detailBars_->clear();
        send_->setEnabled(false);
        lookInside_->setEnabled(false);
        return;
    }
    selected_ = testIndex;
    grid_->setSelectedId(testIndex);
    const Results& r = *results_;
    const auto i = std::size_t(testIndex);
    const int label = r.test->labels[i];
    const int guess = r.predicted[i];
    std::array<float, 10> p{};
    for (int d = 0; d < 10 && d < r.probabilities.cols(); ++d) p[std::size_t(d)] = float(r.probabilities(Eigen::Index(i), d));
    detailImage_->setImage(mnistToImage(r.test->image(i)));
    detailBars_->setHighlightColor(label == guess ? kRight : kWrong);
    detailBars_->setProbabilities(p);
    const QString verdict = label == guess
                                ? tr("<span style='color:%1'>correct</span>").arg(kRight.name())
                                : tr("<span style='color:%1'>wrong</span>").arg(kWrong.name());
    detailText_->setText(tr("<b>Test image #%1</b><br>True digit: <b>%2</b><br>Predicted: <b>%3</b> (%4)<br>"
                            "Confidence: %5<br>Its probability for %2: %6")
                             .arg(QLocale().toString(testIndex))
                             .arg(label)
                             .arg(guess)
                             .arg(verdict, percent(r.confidence[i], 1), percent(p[std::size_t(label)], 1)));
    send_->setEnabled(true);
    lookInside_->setEnabled(true);
}

void ErrorsPage::updateStatus() {
    const QLocale locale;
    QString text;
    if (!failure_.isEmpty()) {
        text = failure_;
    } else if (!session_->data()) {
        text = tr("Waiting for the MNIST test set to load...");
    } else if (!session_->model()) {
        text = tr("No model yet: open one (File > Open Model) or train one on the Train page.");
    } else if (!results_) {
        const int n = int(session_->data()->test.size());
        text = tr("Checking \u201c%1\u201d on the %2 test images...").arg(session_->modelName(), locale.toString(n));
        progress_->setRange(0, n);
        progress_->setValue(checked_);
        progress_->setFormat(tr("%1 of %2 images checked").arg(locale.toString(checked_), locale.toString(n)));
    } else {
        const int n = int(results_->test->size());
        const int right = n - results_->mistakes;
        text = tr("<b>%1</b> gets %2 of %3 test images right (%4) and <b>%5</b> wrong.")
                   .arg(results_->modelName.toHtmlEscaped(), locale.toString(right), locale.toString(n),
                        percent(double(right) / std::max(1, n), 2), locale.toString(results_->mistakes));
        text += QStringLiteral("<br>") + (filtered_.size() == 1 ? tr("Showing 1 image.")
                                                             : tr("Showing %1 images.").arg(locale.toString(qulonglong(filtered_.size()))));
        text += QLatin1Char(' ') + (showCorrect_ ? tr("Under each image: the digit and the model's confidence.")
                                                 : tr("Under each image: true digit \u2192 predicted digit, and the "
                                                      "model's confidence."));
    }
    status_->setText(text);
    progress_->setVisible(!results_ && failure_.isEmpty() && session_->data() && session_->model());
    if (!results_) grid_->setEmptyText(text);
}

void ErrorsPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        texts_.apply();
        rebuildGrid();  // captions, tooltips and the status line
        selectTestImage(selected_);
    }
    QWidget::changeEvent(event);
}

}  // namespace digit::ui
