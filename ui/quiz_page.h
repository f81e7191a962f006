#pragma once
// The Quiz page: a person against the model on the same round of N random test images.
// The person answers with the keys 0-9 (or the buttons), or A / ? for "ambiguous": some MNIST
// labels are themselves doubtful. One rule scores both, in the running headline, the summary and
// the history alike: an image called ambiguous is left out of both scores, so each is "right
// answers / images answered with a digit". At the end, the images where the person and the model
// disagreed, and the history of rounds (kept in QSettings).
//
// The model's answers are computed once when the round starts, so a model changed mid-round
// does not change the round.
#include "retranslator.h"
#include <QVariantMap>
#include <QWidget>

#include <cstdint>
#include <vector>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTableWidget;

namespace digit::ui {

class DigitDetailDialog;
class DigitGrid;
class PixelImageView;
class Session;

class QuizPage : public QWidget {
    Q_OBJECT
public:
    explicit QuizPage(Session* session, QWidget* parent = nullptr);

    // A round in progress with some answers given (for screenshots).
    void prepareScreenshot();

    static constexpr int kDefaultRoundSize = 100;
    static constexpr int kAmbiguous = -2;  // the answer "this image is ambiguous"
    static constexpr int kMaxHistory = 50;

    // Starts a round of `size` distinct random test images (seeded: reproducible). Returns false
    // (with a message on the page) when MNIST is not loaded.
    bool startRound(int size, std::uint64_t seed);
    // The person's answer to the current image: 0-9 or kAmbiguous. Ignored outside a round.
    void answer(int digit);
    // Ends the round now: the answered images count, the rest are dropped.
    void finishRound();

    bool isRunning() const { return state_ == State::Question; }
    bool isFinished() const { return state_ == State::Finished; }
    int roundSize() const { return int(round_.size()); }
    int currentIndex() const { return int(answers_.size()); }  // 0-based question number
    int currentTestIndex() const;                              // -1 outside a round
    int personScore() const;     // right answers so far
    int modelScore() const;      // images the model got right among those the person scored
    int ambiguousCount() const;  // answers "ambiguous"
    int scoredCount() const;     // answers with a digit: what both scores are out of
    // The rule, for tooltips.
    static QString scoringRule();
    // The model's answer for question i of the round (-1 without a model).
    int modelAnswer(int question) const;
    // Test indices of the answered images where the person's answer differs from the model's.
    std::vector<int> disagreements() const;
    // Past rounds, oldest first: when, images, person, model, ambiguous, model.
    QList<QVariantMap> history() const;
    static QString historySettingsKey() { return QStringLiteral("quiz/history"); }

    void setRoundSize(int size);  // the size the Start button uses

    // For tests: the running headline (person's score), and the end-of-round summary, as plain text.
    QString headlineText() const;
    QString summaryText() const;
    QString headlineToolTip() const;

    // The detail window a click on a disagreement opens (null until then), for tests.
    DigitDetailDialog* detailDialog() const { return detail_; }

signals:
    void roundFinished();
    // From the detail window of a disagreement: the image (28x28, white ink on black) for the
    // Draw page, or with what it is for the Inside page.
    void sendToCanvas(const QImage& image);
    void lookInside(const QImage& image, const QString& title);

protected:
    void changeEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    enum class State { Start, Question, Finished };
    void showQuestion();
    void showResults();
    QTableWidget* makeHistoryTable(QWidget* parent);
    void fillHistory();
    void saveRound();
    QString scoreText(int right, int answered) const;
    void showScores();
    void updateModelLine();

    Session* session_;
    DigitDetailDialog* detail_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    // Start
    QSpinBox* size_ = nullptr;
    QLabel* startMessage_ = nullptr;
    QLabel* startModel_ = nullptr;
    QLabel* roundModel_ = nullptr;
    // Question
    QLabel* progressText_ = nullptr;
    QProgressBar* progress_ = nullptr;
    PixelImageView* image_ = nullptr;
    std::vector<QPushButton*> answerButtons_;
    QLabel* personScore_ = nullptr;
    QLabel* modelScore_ = nullptr;
    QLabel* ambiguous_ = nullptr;
    QLabel* feedback_ = nullptr;
    // Results
    QLabel* summary_ = nullptr;
    DigitGrid* disagreementGrid_ = nullptr;
    // Start and results
    std::vector<QTableWidget*> historyTables_;

    State state_ = State::Start;
    QString modelName_;
    std::vector<int> round_;          // test indices
    std::vector<int> labels_;         // their labels
    std::vector<int> modelAnswers_;   // the model's argmax, or -1
    std::vector<int> answers_;        // the person's answers so far
    Retranslator texts_;  // the texts that follow the language
};

}  // namespace digit::ui
