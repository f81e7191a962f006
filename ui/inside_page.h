#pragma once
// The Inside page: what the model that predicts does with the image at hand (the current drawing
// or a test image): each layer's output (LayerStrip), what the selected layer learned (its weights
// as tiles and a histogram), where the network looks (saliency or occlusion over the image, for a
// chosen digit) and where the image falls among the 10,000 test images (the PCA embedding of the
// penultimate layer, computed off the GUI thread by EmbeddingWorker).
//
// The page keeps its own Network, built from the session's model file, so nothing it runs changes
// the network the other pages predict with. Everything but the embedding is computed on the GUI
// thread: one forward pass, one backward pass (or one batch of occluded images) per update.
#include "introspect.h"
#include "preprocess.h"

#include <QWidget>

#include <memory>

class QButtonGroup;
class QComboBox;
class QLabel;
class QProgressBar;
class QRadioButton;

namespace digit::ui {

class EmbeddingView;
class EmbeddingWorker;
struct EmbeddingPicture;
class LayerStrip;
class SaliencyView;
class Session;
class WeightHistogram;
class WeightTiles;

class InsidePage : public QWidget {
    Q_OBJECT
public:
    enum class MapKind { Gradient, GradientTimesInput, Occlusion };

    explicit InsidePage(Session* session, QWidget* parent = nullptr);
    ~InsidePage() override;

    // The image at hand: a 28x28 input (0 = background, 1 = ink) and where it came from.
    void setImage(const MnistImage& image, const QString& source);
    // Test image `index` of the session's MNIST (nothing happens without data or a bad index).
    void setTestImage(int index);
    bool hasImage() const { return hasImage_; }

    void setMapKind(MapKind kind);
    // The digit the map explains; -1 = the predicted one.
    void setExplainedDigit(int digit);
    void selectLayer(int index);

    // Fills the page for the screenshot: waits (with events) until the embedding is final.
    void prepareScreenshot();

    // For tests.
    const LayerOutputs& outputs() const { return outputs_; }
    LayerStrip* layerStrip() const { return strip_; }
    WeightTiles* weightTiles() const { return tiles_; }
    WeightHistogram* histogram() const { return histogram_; }
    SaliencyView* saliencyView() const { return saliency_; }
    EmbeddingView* embeddingView() const { return embedding_; }
    EmbeddingWorker* embeddingWorker() const { return worker_; }
    bool embeddingFinal() const;
    const EmbeddingPicture* embeddingPicture() const { return picture_.get(); }

signals:
    // A point of the embedding was clicked: test image `testIndex`, for the Errors detail view.
    void openTestImage(int testIndex);

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void onModelChanged();
    void updateViews();        // after a new image or model: strip, map, the current point
    void updateLayerViews();   // after a new selected layer: tiles and histogram
    void updateMap();
    void updateCurrentPoint();
    void startEmbedding();
    void onPicture(std::shared_ptr<const EmbeddingPicture> picture);

    Session* session_;
    std::unique_ptr<Network> net_;
    MnistImage image_{};
    bool hasImage_ = false;
    QString source_;
    LayerOutputs outputs_;
    int selected_ = -1;
    MapKind mapKind_ = MapKind::GradientTimesInput;
    int explained_ = -1;
    std::shared_ptr<const EmbeddingPicture> picture_;
    bool embeddingWanted_ = false;

    QLabel* heading_ = nullptr;
    LayerStrip* strip_ = nullptr;
    QLabel* learnedTitle_ = nullptr;
    WeightTiles* tiles_ = nullptr;
    WeightHistogram* histogram_ = nullptr;
    QLabel* looksTitle_ = nullptr;
    QRadioButton* gradient_ = nullptr;
    QRadioButton* gradientInput_ = nullptr;
    QRadioButton* occlusion_ = nullptr;
    QButtonGroup* mapGroup_ = nullptr;
    QLabel* digitLabel_ = nullptr;
    QComboBox* digit_ = nullptr;
    SaliencyView* saliency_ = nullptr;
    QLabel* embeddingTitle_ = nullptr;
    EmbeddingView* embedding_ = nullptr;
    QProgressBar* progress_ = nullptr;
    EmbeddingWorker* worker_ = nullptr;
};

}  // namespace digit::ui
