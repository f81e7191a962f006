#pragma once
// The state the pages of the app share, owned by the main window and used on the GUI thread only:
// the MNIST data (loaded in the background at start-up) and the model that predicts.
//
// The model here is never the network a training run is changing: the training worker hands
// over a finished copy (a ModelFile value) and the session builds its own Network from it.
#include "mnist.h"
#include "model_io.h"
#include "network.h"

#include <QObject>
#include <QString>

#include <memory>

namespace digit::ui {

class Session : public QObject {
    Q_OBJECT
public:
    explicit Session(QObject* parent = nullptr);
    ~Session() override;

    // MNIST, or nullptr until loadData() has finished successfully.
    const MnistData* data() const { return data_.get(); }
    // The same data, shared: a worker thread keeps it alive (read-only) even if the session
    // loads another copy meanwhile.
    std::shared_ptr<const MnistData> sharedData() const { return data_; }
    QString dataSource() const;
    // Starts loading MNIST on a background thread (find_mnist(explicitPath)); emits dataLoaded
    // or dataFailed on the GUI thread. Synchronous variant for tests.
    void loadDataAsync(const QString& explicitPath = {});
    bool loadData(const QString& explicitPath, QString* error);

    // The model that predicts (drawing, errors, quiz), or nullptr.
    Network* model() const { return model_.get(); }
    const ModelFile* modelFile() const { return file_.get(); }
    QString modelName() const;
    QString modelPath() const { return path_; }
    // Takes a model (e.g. from a finished training run or a file). path may be empty (not saved).
    void setModel(const ModelFile& file, const QString& path = {});
    // Loads a .dsm file; on failure returns false and sets *error to a sentence for a person.
    bool openModel(const QString& path, QString* error);
    // Saves the current model (atomically); false + *error on failure.
    bool saveModel(const QString& path, QString* error);

signals:
    void dataLoaded();
    void dataFailed(const QString& message);
    void modelChanged();

private:
    std::shared_ptr<const MnistData> data_;
    std::unique_ptr<ModelFile> file_;
    std::unique_ptr<Network> model_;
    QString path_;
};

}  // namespace digit::ui
