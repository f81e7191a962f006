#include "quiz_page.h"

#include "digit_detail.h"
#include "digit_grid.h"
#include "mnist.h"
#include "network.h"
#include "predict.h"
#include "session.h"

#include <QEvent>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTextDocumentFragment>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <numeric>
#include <random>

namespace digit::ui {

namespace {

QLabel* title(const QString& text, QWidget* parent, double scale = 1.4) {
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * scale);
    label->setFont(f);
    return label;
}

const QColor kRight(46, 125, 50);
const QColor kWrong(198, 40, 40);

}  // namespace

QuizPage::QuizPage(Session* session, QWidget* parent) : QWidget(parent), session_(session) {
    auto titled = [this](const char* text, QWidget* parent, double scale = 1.4) {
        QLabel* label = title(QString(), parent, scale);
        texts_.add([=, this] { label->setText(tr(text)); });
        return label;
    };
    // Created first thing so that updateModelLine() can run from any text setter below.
    startModel_ = new QLabel(this);
    roundModel_ = new QLabel(this);
    connect(session_, &Session::modelChanged, this, &QuizPage::updateModelLine);
    setFocusPolicy(Qt::StrongFocus);
    stack_ = new QStackedWidget(this);

    // Start: the round size and a Start button.
    auto* start = new QWidget(stack_);
    size_ = new QSpinBox(start);
    size_->setRange(1, 1000);
    size_->setValue(kDefaultRoundSize);
    texts_.add([=, this] { size_->setSuffix(tr(" images")); });
    auto* sizeLabel = new QLabel(start);
    texts_.add([=, this] { sizeLabel->setText(tr("Round of")); });
    sizeLabel->setBuddy(size_);
    auto* startButton = new QPushButton(start);
    texts_.add([=, this] { startButton->setText(tr("Start Round")); });
    startButton->setDefault(true);
    startMessage_ = new QLabel(start);
    startMessage_->setWordWrap(true);
    startModel_->setParent(start);
    startModel_->setWordWrap(true);
    auto* intro = new QLabel(start);
    texts_.add([=, this] {
        intro->setText(tr("Can you read handwritten digits better than the model? You see random images "
                          "from the MNIST test set; type the digit (0-9) or click it. Press A or ? when an "
                          "image is too ambiguous to call: some MNIST labels are themselves doubtful. The "
                          "model answers the same images."));
    });
    intro->setWordWrap(true);
    auto* sizeRow = new QHBoxLayout;
    sizeRow->addWidget(sizeLabel);
    sizeRow->addWidget(size_);
    sizeRow->addSpacing(12);
    sizeRow->addWidget(startButton);
    sizeRow->addStretch(1);
    auto* startLayout = new QVBoxLayout(start);
    startLayout->addWidget(titled(QT_TR_NOOP("Human vs model"), start, 1.8));
    startLayout->addWidget(intro);
    startLayout->addSpacing(12);
    startLayout->addLayout(sizeRow);
    startLayout->addWidget(startModel_);
    startLayout->addWidget(startMessage_);
    startLayout->addSpacing(12);
    startLayout->addWidget(titled(QT_TR_NOOP("Past rounds"), start, 1.1));
    historyTables_.push_back(makeHistoryTable(start));
    startLayout->addWidget(historyTables_.back(), 1);

    // Question: the image, the answer buttons, the scores.
    auto* question = new QWidget(stack_);
    progressText_ = new QLabel(question);
    progress_ = new QProgressBar(question);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(8);
    image_ = new PixelImageView(question);
    image_->setPreferredScale(11);
    image_->setMinimumSize(200, 200);
    image_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    QFont answerFont = font();
    answerFont.setPointSizeF(answerFont.pointSizeF() * 1.5);
    answerFont.setBold(true);
    for (int d = 0; d < 10; ++d) {
        auto* b = new QPushButton(QString::number(d), question);
        b->setFont(answerFont);
        b->setFixedSize(54, 48);
        b->setFocusPolicy(Qt::NoFocus);  // keys go to the page
        texts_.add([=, this] { b->setToolTip(tr("Answer %1 (key %1)").arg(d)); });
        connect(b, &QPushButton::clicked, this, [this, d] { answer(d); });
        buttons->addWidget(b);
        answerButtons_.push_back(b);
    }
    auto* ambiguous = new QPushButton(question);
    texts_.add([=, this] { ambiguous->setText(tr("Ambiguous")); });
    ambiguous->setFont(answerFont);
    ambiguous->setFixedHeight(48);
    ambiguous->setMinimumWidth(ambiguous->sizeHint().width() + 8);
    ambiguous->setFocusPolicy(Qt::NoFocus);
    texts_.add([=, this] { ambiguous->setToolTip(tr("The image could be more than one digit (key A or ?)")); });
    connect(ambiguous, &QPushButton::clicked, this, [this] { answer(kAmbiguous); });
    buttons->addSpacing(10);
    buttons->addWidget(ambiguous);
    answerButtons_.push_back(ambiguous);
    buttons->addStretch(1);
    auto* keysHint = new QLabel(question);
    texts_.add([=, this] { keysHint->setText(tr("Keys: 0-9 to answer, A or ? for ambiguous.")); });
    keysHint->setAlignment(Qt::AlignCenter);
    keysHint->setForegroundRole(QPalette::PlaceholderText);

    personScore_ = new QLabel(question);
    modelScore_ = new QLabel(question);
    for (QLabel* l : {personScore_, modelScore_}) {
        QFont f = l->font();
        f.setPointSizeF(f.pointSizeF() * 1.3);
        l->setFont(f);
        l->setTextFormat(Qt::RichText);
    }
    ambiguous_ = new QLabel(question);
    ambiguous_->setForegroundRole(QPalette::PlaceholderText);
    feedback_ = new QLabel(question);
    feedback_->setWordWrap(true);
    feedback_->setTextFormat(Qt::RichText);
    feedback_->setMinimumHeight(4 * fontMetrics().height());
    auto* stop = new QPushButton(question);
    texts_.add([=, this] { stop->setText(tr("End Round")); });
    stop->setFocusPolicy(Qt::NoFocus);
    texts_.add([=, this] { stop->setToolTip(tr("End the round now; the images answered so far count")); });
    connect(stop, &QPushButton::clicked, this, &QuizPage::finishRound);

    auto* scores = new QVBoxLayout;
    scores->addWidget(titled(QT_TR_NOOP("Score"), question, 1.1));
    scores->addWidget(personScore_);
    scores->addWidget(modelScore_);
    scores->addWidget(ambiguous_);
    roundModel_->setParent(question);
    roundModel_->setWordWrap(true);
    roundModel_->setForegroundRole(QPalette::PlaceholderText);
    scores->addWidget(roundModel_);
    scores->addSpacing(12);
    scores->addWidget(titled(QT_TR_NOOP("Last image"), question, 1.1));
    scores->addWidget(feedback_);
    scores->addStretch(1);
    scores->addWidget(stop, 0, Qt::AlignLeft);
    auto* scoresBox = new QWidget(question);
    scoresBox->setLayout(scores);
    scoresBox->setFixedWidth(300);

    auto* center = new QVBoxLayout;
    center->addWidget(progressText_);
    center->addWidget(progress_);
    center->addWidget(image_, 1);
    center->addLayout(buttons);
    center->addWidget(keysHint);
    auto* questionLayout = new QHBoxLayout(question);
    questionLayout->addLayout(center, 1);
    questionLayout->addSpacing(12);
    questionLayout->addWidget(scoresBox);

    // Results: the summary and the images where person and model disagreed.
    auto* results = new QWidget(stack_);
    summary_ = new QLabel(results);
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    disagreementGrid_ = new DigitGrid(results);
    disagreementGrid_->setThumbnailScale(3);
    // A click shows the image up close, with Send to Canvas and Look Inside.
    connect(disagreementGrid_, &DigitGrid::itemClicked, this, [this](int testIndex) {
        const MnistData* data = session_->data();
        if (!data || testIndex < 0 || testIndex >= int(data->test.size())) return;
        if (!detail_) {
            detail_ = new DigitDetailDialog(session_, this);
            connect(detail_, &DigitDetailDialog::sendToCanvas, this, &QuizPage::sendToCanvas);
            connect(detail_, &DigitDetailDialog::lookInside, this, &QuizPage::lookInside);
        }
        detail_->showDigit(data->test.image(std::size_t(testIndex)), data->test.labels[std::size_t(testIndex)],
                           tr("Test image #%1").arg(QLocale().toString(testIndex)));
        detail_->show();
        detail_->raise();
    });
    texts_.add([=, this] { disagreementGrid_->setEmptyText(tr("You and the model agreed on every image.")); });
    auto* again = new QPushButton(results);
    texts_.add([=, this] { again->setText(tr("New Round")); });
    texts_.add([=, this] { again->setToolTip(tr("Start another round (Enter)")); });
    connect(again, &QPushButton::clicked, this, [this] {
        state_ = State::Start;
        stack_->setCurrentIndex(0);
        setFocus();
    });
    auto* resultsLeft = new QVBoxLayout;
    resultsLeft->addWidget(titled(QT_TR_NOOP("Round over"), results));
    resultsLeft->addWidget(summary_);
    resultsLeft->addWidget(titled(QT_TR_NOOP("Where you and the model disagreed"), results, 1.1));
    resultsLeft->addWidget(disagreementGrid_, 1);
    resultsLeft->addWidget(again, 0, Qt::AlignLeft);
    auto* resultsRight = new QVBoxLayout;
    resultsRight->addWidget(titled(QT_TR_NOOP("Past rounds"), results, 1.1));
    historyTables_.push_back(makeHistoryTable(results));
    historyTables_.back()->setFixedWidth(360);
    resultsRight->addWidget(historyTables_.back(), 1);
    auto* resultsLayout = new QHBoxLayout(results);
    resultsLayout->addLayout(resultsLeft, 1);
    resultsLayout->addSpacing(8);
    resultsLayout->addLayout(resultsRight);

    stack_->addWidget(start);
    stack_->addWidget(question);
    stack_->addWidget(results);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(stack_);

    connect(startButton, &QPushButton::clicked, this, [this] {
        startRound(size_->value(), QRandomGenerator::global()->generate64());
    });
    fillHistory();
}

QTableWidget* QuizPage::makeHistoryTable(QWidget* parent) {
    auto* table = new QTableWidget(parent);
    table->setColumnCount(5);
    texts_.add([=, this] {
        table->setHorizontalHeaderLabels({tr("When"), tr("Images"), tr("You"), tr("Model"), tr("Ambiguous")});
        table->horizontalHeaderItem(4)->setToolTip(scoringRule());
    });
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::NoFocus);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 5; ++c) table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    return table;
}

void QuizPage::setRoundSize(int size) { size_->setValue(size); }

void QuizPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    updateModelLine();
    setFocus();
}

bool QuizPage::startRound(int size, std::uint64_t seed) {
    const MnistData* data = session_->data();
    if (!data || data->test.size() == 0) {
        startMessage_->setText(tr("The MNIST test set is not loaded yet."));
        stack_->setCurrentIndex(0);
        state_ = State::Start;
        return false;
    }
    const Dataset& test = data->test;
    size = std::clamp(size, 1, int(test.size()));
    // A partial Fisher-Yates shuffle: `size` distinct images.
    std::vector<std::size_t> all(test.size());
    std::iota(all.begin(), all.end(), std::size_t(0));
    std::mt19937_64 rng(seed);
    for (int i = 0; i < size; ++i) {
        std::uniform_int_distribution<std::size_t> pick(std::size_t(i), all.size() - 1);
        std::swap(all[std::size_t(i)], all[pick(rng)]);
    }
    all.resize(std::size_t(size));
    round_.assign(all.begin(), all.end());
    labels_.clear();
    for (std::size_t i : all) labels_.push_back(test.labels[i]);
    answers_.clear();

    modelAnswers_.assign(round_.size(), -1);
    modelName_.clear();
    if (Network* net = session_->model()) {
        modelName_ = session_->modelName();
        try {
            Matrix x;
            std::vector<int> unused;
            to_batch(test, all, 0, all.size(), x, unused);
            modelAnswers_ = argmax_digits(net->predict(x));  // the quiz asks for a digit
        } catch (const std::exception& e) {
            startMessage_->setText(tr("The model could not answer: %1").arg(QString::fromUtf8(e.what())));
            modelName_.clear();
            modelAnswers_.assign(round_.size(), -1);
        }
    }
    state_ = State::Question;
    feedback_->setText(tr("Which digit is this?"));
    stack_->setCurrentIndex(1);
    showQuestion();
    setFocus();
    return true;
}

int QuizPage::currentTestIndex() const {
    if (state_ != State::Question || answers_.size() >= round_.size()) return -1;
    return round_[answers_.size()];
}

int QuizPage::personScore() const {
    int n = 0;
    for (std::size_t i = 0; i < answers_.size(); ++i) n += answers_[i] == labels_[i];
    return n;
}

int QuizPage::modelScore() const {
    int n = 0;
    for (std::size_t i = 0; i < answers_.size(); ++i) n += answers_[i] != kAmbiguous && modelAnswers_[i] == labels_[i];
    return n;
}

int QuizPage::ambiguousCount() const { return int(std::count(answers_.begin(), answers_.end(), kAmbiguous)); }

int QuizPage::scoredCount() const { return currentIndex() - ambiguousCount(); }

QString QuizPage::scoringRule() {
    return tr("Images you call ambiguous are left out of both scores: each score is right answers out of the "
              "images you answered with a digit.");
}

int QuizPage::modelAnswer(int question) const {
    return question >= 0 && question < int(modelAnswers_.size()) ? modelAnswers_[std::size_t(question)] : -1;
}

std::vector<int> QuizPage::disagreements() const {
    std::vector<int> out;
    for (std::size_t i = 0; i < answers_.size(); ++i)
        if (answers_[i] != modelAnswers_[i]) out.push_back(round_[i]);
    return out;
}

void QuizPage::answer(int digit) {
    if (state_ != State::Question || answers_.size() >= round_.size()) return;
    if (digit != kAmbiguous && (digit < 0 || digit > 9)) return;
    const std::size_t i = answers_.size();
    answers_.push_back(digit);

    const int label = labels_[i];
    const int model = modelAnswers_[i];
    const auto mark = [](bool right) {
        return right ? QStringLiteral("<span style='color:%1'>\u2714</span>").arg(kRight.name())
                     : QStringLiteral("<span style='color:%1'>\u2718</span>").arg(kWrong.name());
    };
    const QString you = digit == kAmbiguous ? tr("You said ambiguous.")
                                            : tr("You said %1 %2").arg(digit).arg(mark(digit == label));
    const QString them = model < 0 ? tr("No model answered.") : tr("The model said %1 %2").arg(model).arg(mark(model == label));
    feedback_->setText(tr("Labelled <b>%1</b> (test image #%2).<br>%3<br>%4")
                           .arg(label)
                           .arg(QLocale().toString(round_[i]))
                           .arg(you, them));

    if (answers_.size() == round_.size())
        finishRound();
    else
        showQuestion();
}

QString QuizPage::scoreText(int right, int answered) const {
    if (answered == 0) return QStringLiteral("0 / 0");
    return tr("%1 / %2 (%3%)").arg(right).arg(answered).arg(100.0 * right / answered, 0, 'f', 1);
}

void QuizPage::showQuestion() {
    const int i = currentIndex();
    progressText_->setText(tr("Image %1 of %2").arg(i + 1).arg(roundSize()));
    progress_->setRange(0, roundSize());
    progress_->setValue(i);
    const Dataset& test = session_->data()->test;
    image_->setImage(mnistToImage(test.image(std::size_t(round_[std::size_t(i)]))));
    showScores();
}

QString QuizPage::headlineText() const { return QTextDocumentFragment::fromHtml(personScore_->text()).toPlainText(); }
QString QuizPage::summaryText() const { return QTextDocumentFragment::fromHtml(summary_->text()).toPlainText(); }
QString QuizPage::headlineToolTip() const { return personScore_->toolTip(); }

void QuizPage::updateModelLine() {
    // The model in use, on the start page; the round's own model (fixed when it began) in a round.
    const QString current = session_->modelFile() ? session_->modelName() : QString();
    startModel_->setText(current.isEmpty() ? tr("No model to play against yet: open or train one.")
                                           : tr("You play against <b>%1</b>, the model in use (Models menu to change it).")
                                                 .arg(current.toHtmlEscaped()));
    roundModel_->setText(modelName_.isEmpty() ? QString() : tr("Model in this round: %1").arg(modelName_.toHtmlEscaped()));
}

void QuizPage::showScores() {
    updateModelLine();
    const int scored = scoredCount();
    personScore_->setText(tr("<b>You:</b> %1").arg(scoreText(personScore(), scored)));
    ambiguous_->setText(ambiguousCount() > 0 ? tr("%1 called ambiguous (not scored)").arg(ambiguousCount()) : QString());
    modelScore_->setText(modelName_.isEmpty() ? tr("<b>Model:</b> no model")
                                              : tr("<b>Model:</b> %1").arg(scoreText(modelScore(), scored)));
    for (QLabel* l : {personScore_, modelScore_, ambiguous_}) l->setToolTip(scoringRule());
    if (!modelName_.isEmpty()) modelScore_->setToolTip(tr("Model: %1").arg(modelName_) + QStringLiteral("\n") + scoringRule());
}

void QuizPage::finishRound() {
    if (state_ != State::Question) return;
    state_ = State::Finished;
    // Drop the unanswered part, so every figure below is over the same images.
    round_.resize(answers_.size());
    labels_.resize(answers_.size());
    modelAnswers_.resize(answers_.size());
    if (!answers_.empty()) saveRound();
    showResults();
    stack_->setCurrentIndex(2);
    setFocus();
    emit roundFinished();
}

void QuizPage::showResults() {
    const int scored = scoredCount();
    const int amb = ambiguousCount();
    QString text = tr("You: <b>%1</b> &nbsp;&nbsp; Model%2: <b>%3</b>")
                       .arg(scoreText(personScore(), scored),
                            modelName_.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(modelName_.toHtmlEscaped()),
                            modelName_.isEmpty() ? tr("no model") : scoreText(modelScore(), scored));
    if (amb > 0)
        text += QStringLiteral("<br>") + tr("%n image(s) you called ambiguous are not scored, for you or the model.", nullptr, amb);
    summary_->setText(text);
    summary_->setToolTip(scoringRule());

    std::vector<DigitGridItem> items;
    const Dataset& test = session_->data()->test;
    for (std::size_t i = 0; i < answers_.size(); ++i) {
        if (answers_[i] == modelAnswers_[i]) continue;
        DigitGridItem item;
        item.id = round_[i];
        item.image = mnistToImage(test.image(std::size_t(round_[i])));
        const QString you = answers_[i] == kAmbiguous ? QStringLiteral("?") : QString::number(answers_[i]);
        const QString model = modelAnswers_[i] < 0 ? QStringLiteral("-") : QString::number(modelAnswers_[i]);
        item.caption = tr("label %1\nyou %2, model %3").arg(labels_[i]).arg(you, model);
        item.accent = answers_[i] == labels_[i] ? kRight : kWrong;
        items.push_back(std::move(item));
    }
    disagreementGrid_->setItems(std::move(items));
}

QList<QVariantMap> QuizPage::history() const {
    QList<QVariantMap> out;
    const QVariantList list = QSettings().value(historySettingsKey()).toList();
    for (const QVariant& v : list) out.push_back(v.toMap());
    return out;
}

void QuizPage::saveRound() {
    QSettings settings;
    QVariantList list = settings.value(historySettingsKey()).toList();
    QVariantMap round;
    round[QStringLiteral("when")] = QDateTime::currentDateTime();
    round[QStringLiteral("images")] = currentIndex();
    round[QStringLiteral("person")] = personScore();
    round[QStringLiteral("model")] = modelName_.isEmpty() ? -1 : modelScore();
    round[QStringLiteral("ambiguous")] = ambiguousCount();
    round[QStringLiteral("modelName")] = modelName_;
    list.push_back(round);
    while (list.size() > kMaxHistory) list.pop_front();
    settings.setValue(historySettingsKey(), list);
    fillHistory();
}

void QuizPage::fillHistory() {
    const QList<QVariantMap> rounds = history();
    const QLocale locale;
    for (QTableWidget* table : historyTables_) {
        table->setRowCount(int(rounds.size()));
        // Newest first.
        for (int row = 0; row < int(rounds.size()); ++row) {
            const QVariantMap& r = rounds[rounds.size() - 1 - row];
            const int n = r.value(QStringLiteral("images")).toInt();
            const int you = r.value(QStringLiteral("person")).toInt();
            const int model = r.value(QStringLiteral("model")).toInt();
            const int amb = r.value(QStringLiteral("ambiguous")).toInt();
            const int scored = n - amb;  // the same rule as the round's own scores
            const auto pct = [scored](int k) { return scored > 0 ? QStringLiteral("%1%").arg(100.0 * k / scored, 0, 'f', 1) : QString(); };
            const QString when = locale.toString(r.value(QStringLiteral("when")).toDateTime(), QLocale::ShortFormat);
            const QStringList cells = {when, QString::number(n), pct(you), model < 0 ? QStringLiteral("-") : pct(model),
                                       QString::number(amb)};
            for (int c = 0; c < 5; ++c) {
                auto* item = new QTableWidgetItem(cells[c]);
                if (c > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                table->setItem(row, c, item);
            }
            table->item(row, 2)->setToolTip(tr("%1 of %2 right").arg(you).arg(scored) + QStringLiteral("\n") + scoringRule());
            table->item(row, 3)->setToolTip(r.value(QStringLiteral("modelName")).toString());
        }
    }
}

void QuizPage::keyPressEvent(QKeyEvent* event) {
    const int key = event->key();
    if (state_ == State::Question) {
        if (key >= Qt::Key_0 && key <= Qt::Key_9) {
            answer(key - Qt::Key_0);
            return;
        }
        if (key == Qt::Key_A || key == Qt::Key_Question) {
            answer(kAmbiguous);
            return;
        }
    } else if (key == Qt::Key_Return || key == Qt::Key_Enter) {
        if (state_ == State::Finished) {
            stack_->setCurrentIndex(0);
            state_ = State::Start;
        } else {
            startRound(size_->value(), QRandomGenerator::global()->generate64());
        }
        return;
    }
    QWidget::keyPressEvent(event);
}

void QuizPage::prepareScreenshot() {
    if (!startRound(kDefaultRoundSize, 7)) return;
    // A person who is mostly right, unsure once, wrong twice.
    for (int i = 0; i < 23; ++i) {
        const int label = labels_[std::size_t(i)];
        if (i == 9)
            answer(kAmbiguous);
        else if (i == 5 || i == 17)
            answer((label + 5) % 10);
        else
            answer(label);
    }
}

void QuizPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        texts_.apply();
        updateModelLine();
        if (state_ == State::Question) showQuestion();
        if (state_ == State::Finished) showResults();
        fillHistory();
    }
    QWidget::changeEvent(event);
}

}  // namespace digit::ui
