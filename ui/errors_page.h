#pragma once
// The Errors page: what the current model gets wrong on the 10k MNIST test set.
//
// The model runs over the test set on a worker thread with its own copy of the network (the GUI
// thread's model is never shared) and the session's read-only data, kept alive by a shared_ptr:
// in batches of kBatch images, each core running whole batches through a copy of its own (the
// core's predict_dataset), reporting progress after each batch. The results are cached per model (the library's
// ModelFile, which identifies it), so coming back to a model shows them at once. The page then
// shows a paged grid of the misclassified images (true -> predicted, confidence), sortable by
// confidence and filterable by true and predicted digit, or the correct ones instead; a confusion
// matrix whose cells filter the grid; and, for a clicked image, its ten probabilities with a
// "Send to Canvas" action.
#include "retranslator.h"
#include "confusion_matrix.h"

#include <QImage>
#include <QPointer>
#include <QWidget>

#include <memory>
#include <vector>

class QButtonGroup;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QThread;

namespace digit::ui {

class DigitGrid;
class PixelImageView;
class ProbabilityBars;
class Session;

class ErrorsPage : public QWidget {
    Q_OBJECT
public:
    enum class Sort { MostConfidentFirst, LeastConfidentFirst, TestOrder };

    explicit ErrorsPage(Session* session, QWidget* parent = nullptr);
    ~ErrorsPage() override;

    // Evaluates the current model at once (on this thread) and shows the most confident mistake.
    void prepareScreenshot();

    // Starts evaluating the current model in the background. Called by itself when the model or
    // the data change (deferred while the page is hidden).
    void refresh();
    // True when the results shown belong to the current model and data.
    bool isReady() const { return results_ != nullptr; }
    bool isBusy() const;
    // Images checked so far by the run in flight (0..test size), for the progress bar.
    int checkedCount() const { return checked_; }
    static constexpr int kBatch = 32;
    static constexpr std::size_t kCacheSize = 4;

    // For tests: the results and what the grid shows.
    int misclassifiedCount() const;
    int predictionOf(int testIndex) const;  // -1 until ready
    const ConfusionCounts& confusionCounts() const;
    // The test indices that pass the current filters, in display order (all pages).
    const std::vector<int>& filteredTestIndices() const { return filtered_; }
    // The test indices on the grid's current page.
    std::vector<int> shownTestIndices() const;
    ConfusionMatrix* confusionMatrix() const { return matrix_; }
    DigitGrid* grid() const { return grid_; }

    // -1 = any digit. A filter with truth == predicted shows correct examples.
    void setFilter(int truth, int predicted);
    int truthFilter() const;
    int predictionFilter() const;
    void setShowCorrect(bool correct);
    bool showsCorrect() const { return showCorrect_; }
    void setSort(Sort sort);
    // Shows one test image's probabilities (-1 clears).
    void selectTestImage(int testIndex);
    // Shows test image `testIndex` in the detail view, now or as soon as the results are in
    // (the Inside page's embedding opens its points here).
    void showTestImage(int testIndex);
    int selectedTestIndex() const { return selected_; }

signals:
    // A test image (28x28, white ink on black) for the Draw page.
    void sendToCanvas(const QImage& image);
    // "Look Inside": the test image (index into the test set) for the Inside page.
    void lookInside(int testIndex);

protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    struct Results;
    void sourcesChanged();
    void applyResults(std::shared_ptr<const Results> results);
    void rebuildGrid();
    void updateStatus();
    void onCellClicked(int truth, int predicted);

    Session* session_;
    QLabel* status_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPushButton* mistakesButton_ = nullptr;
    QPushButton* correctButton_ = nullptr;
    QComboBox* truth_ = nullptr;
    QComboBox* predicted_ = nullptr;
    QComboBox* sort_ = nullptr;
    QPushButton* reset_ = nullptr;
    DigitGrid* grid_ = nullptr;
    ConfusionMatrix* matrix_ = nullptr;
    PixelImageView* detailImage_ = nullptr;
    QLabel* detailText_ = nullptr;
    ProbabilityBars* detailBars_ = nullptr;
    QPushButton* send_ = nullptr;
    QPushButton* lookInside_ = nullptr;

    std::shared_ptr<const Results> results_;
    std::vector<int> filtered_;
    bool showCorrect_ = false;
    int selected_ = -1;
    int pendingSelection_ = -1;  // showTestImage before the results were in
    bool dirty_ = true;         // the sources changed while the page was hidden
    int generation_ = 0;        // results of older runs are dropped
    QString failure_;           // why the last run failed, for the status line
    std::vector<QPointer<QThread>> workers_;
    int checked_ = 0;
    // Results of recent models, newest last; the ModelFile pointer is the key (kept alive here).
    std::vector<std::pair<std::shared_ptr<const void>, std::shared_ptr<const Results>>> cache_;
    Retranslator texts_;  // the texts that follow the language
};

}  // namespace digit::ui
