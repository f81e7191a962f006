#pragma once
// The embedding of the test set, computed off the GUI thread: the penultimate layer's
// activations of the test images (core/introspect.h) projected to 2-D by PCA (core/pca.h).
//
// start() builds its own Network from a ModelFile value and runs on a QThread; it posts a first
// picture after the first images (PCA of those, so something shows at once), better ones as
// more images are done, and the final one over all images. Starting again or destroying the
// worker cancels the run in progress (checked every chunk of images) and waits for it.
#include "mnist.h"
#include "model_io.h"
#include "pca.h"

#include <QObject>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace digit::ui {

struct EmbeddingPicture {
    Pca pca;                              // mean, components (2, d), projected (done, 2)
    std::size_t layer = 0;                // the spec layer whose outputs were projected
    std::vector<std::uint8_t> labels;     // done entries
    std::vector<std::uint8_t> predicted;  // done entries
    Eigen::Index done = 0, total = 0;
    bool final = false;
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

signals:
    void progress(int done, int total);
    void picture(std::shared_ptr<const digit::ui::EmbeddingPicture> picture);
    void failed(const QString& message);

private:
    QThread* thread_ = nullptr;
    std::shared_ptr<std::atomic<bool>> cancel_;
    int generation_ = 0;
};

}  // namespace digit::ui
