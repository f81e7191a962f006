#pragma once
// The state the pages of the app share, owned by the main window and used on the GUI thread only:
// the MNIST data (loaded in the background at start-up), the model library and the model that
// predicts: always the library's current entry, as a Network the session builds from it.
//
// The model here is never the network a training run is changing: the training worker hands
// over a finished copy (a ModelFile value) and the session builds its own Network from it.
#include "mnist.h"
#include "model_io.h"
#include "model_library.h"
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

    // The models to choose from; its current entry is the model below.
    ModelLibrary* library() const { return library_; }

    // The model that predicts (drawing, errors, quiz), or nullptr.
    Network* model() const { return model_.get(); }
    const ModelFile* modelFile() const { return file_.get(); }
    // The same file, shared: identifies the model (e.g. for a cache of results) and keeps it alive.
    std::shared_ptr<const ModelFile> sharedModelFile() const { return file_; }
    QString modelName() const;
    QString modelPath() const { return path_; }
    // Makes a model predict at once: adds it to the library as an in-memory model (not asked
    // about on quit) and uses it. For tests and tools; the app goes through library().
    void setModel(const ModelFile& file, const QString& path = {});
    // Opens a .dsm file into the library and uses it; on failure returns false and sets *error
    // to a sentence for a person (the current model stays).
    bool openModel(const QString& path, QString* error);
    // Saves the current model (atomically); false + *error on failure.
    bool saveModel(const QString& path, QString* error);

signals:
    void dataLoaded();
    void dataFailed(const QString& message);
    void modelChanged();

private:
    void applyCurrentModel();

    std::shared_ptr<const MnistData> data_;
    ModelLibrary* library_ = nullptr;
    std::shared_ptr<const ModelFile> file_;
    std::unique_ptr<Network> model_;
    QString path_;
    QString name_;
};

}  // namespace digit::ui
