#pragma once
// The embedding of the test set, computed off the GUI thread: the penultimate layer's
// activations of the test images (core/introspect.h) projected to 2-D by PCA (core/pca.h), then
// refined by t-SNE (core/tsne.h).
//
// start() builds its own Network from a ModelFile value and runs on a QThread; it posts a first
// picture after the first images (PCA of those, so something shows at once), better ones as
// more images are done, and the PCA of all images. Then t-SNE runs on an evenly spaced sample of
// kTsneSample test images (exact t-SNE is O(n^2)), posting the sample's map as it forms, and at
// the end places every other test image among its nearest sampled neighbours (tsne_place) for the
// final picture of all images. Starting again or destroying the worker cancels the run in
// progress (checked every chunk of images and every 10 t-SNE iterations) and waits for it.
#include "mnist.h"
#include "model_io.h"
#include "pca.h"
#include "tsne.h"

#include <QObject>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace digit::ui {

struct EmbeddingPicture {
    enum class Method { Pca, Tsne };
    Method method = Method::Pca;
    Matrix points;                        // (m, 2): what to draw
    std::vector<int> indices;             // m: the test image of each point
    std::vector<std::uint8_t> labels;     // m
    std::vector<std::uint8_t> predicted;  // m
    std::size_t layer = 0;                // the spec layer whose outputs were projected
    Eigen::Index done = 0, total = 0;     // test images whose activations are in
    Pca pca;                              // Pca: mean, components (2, d) over the done images
    // Tsne: the sample's activations (n, d) and map (n, 2), to place a new image (the drawing).
    std::shared_ptr<const Matrix> sample;
    Matrix sampleMap;
    int iteration = 0, iterations = 0;    // Tsne: how far the optimisation is
    bool final = false;                   // no better picture will come
};

class EmbeddingWorker : public QObject {
    Q_OBJECT
public:
    explicit EmbeddingWorker(QObject* parent = nullptr);
    ~EmbeddingWorker() override;

    // Cancels a run in progress and starts one for this model on data->test.
    void start(const ModelFile& model, std::shared_ptr<const MnistData> data);
    void cancel();
    bool running() const;

    // Images before the first picture, and between later ones.
    static constexpr Eigen::Index kFirstPicture = 1500;
    static constexpr Eigen::Index kPictureEvery = 3000;
    // The t-SNE sample (2,000 points: about 8 ms per iteration on one core) and its settings.
    static constexpr Eigen::Index kTsneSample = 2000;
    static constexpr int kTsneIterations = 750;
    static constexpr int kTsnePictureEvery = 50;  // iterations between pictures

signals:
    // Activations of `done` of `total` test images; then t-SNE's iteration of iterations.
    void progress(int done, int total);
    void tsneProgress(int iteration, int iterations);
    void picture(std::shared_ptr<const digit::ui::EmbeddingPicture> picture);
    void failed(const QString& message);

private:
    QThread* thread_ = nullptr;
    std::shared_ptr<std::atomic<bool>> cancel_;
    int generation_ = 0;
};

}  // namespace digit::ui
