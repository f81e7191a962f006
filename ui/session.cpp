#include "session.h"

#include "errors.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>

#include <exception>

namespace digit::ui {

Session::Session(QObject* parent) : QObject(parent), library_(new ModelLibrary(this)) {
    connect(library_, &ModelLibrary::currentChanged, this, &Session::applyCurrentModel);
    connect(library_, &ModelLibrary::entriesChanged, this, [this] {
        // A saved run keeps its weights but gains a path and maybe a name.
        const ModelLibrary::Entry* e = library_->current();
        if (e && e->file == file_ && (e->path != path_ || e->name != name_)) {
            path_ = e->path;
            name_ = e->name;
            emit modelChanged();
        }
    });
}
Session::~Session() = default;

QString Session::dataSource() const {
    return data_ ? QString::fromStdString(data_->source) : QString();
}

bool Session::loadData(const QString& explicitPath, QString* error) {
    auto where = find_mnist(explicitPath.toStdString());
    if (!where) {
        if (error)
            *error = tr("MNIST was not found. Run scripts/setup.sh, or point the app at a folder "
                        "with the four IDX files or at Keras's mnist.npz.");
        return false;
    }
    try {
        data_ = std::make_shared<const MnistData>(load_mnist(*where));
    } catch (const std::exception& e) {
        if (error) *error = tr("Could not load MNIST: %1").arg(QString::fromUtf8(e.what()));
        return false;
    }
    emit dataLoaded();
    return true;
}

void Session::loadDataAsync(const QString& explicitPath) {
    QPointer<Session> self(this);
    QThread* thread = QThread::create([self, explicitPath]() {
        std::string path = explicitPath.toStdString();
        std::unique_ptr<MnistData> loaded;
        QString error;
        auto where = find_mnist(path);
        if (!where) {
            error = tr("MNIST was not found. Run scripts/setup.sh, or choose a folder with the "
                       "four IDX files or Keras's mnist.npz.");
        } else {
            try {
                loaded = std::make_unique<MnistData>(load_mnist(*where));
            } catch (const std::exception& e) {
                error = tr("Could not load MNIST: %1").arg(QString::fromUtf8(e.what()));
            }
        }
        // Hand the result to the GUI thread; the session may be gone by then.
        auto* raw = loaded.release();
        QMetaObject::invokeMethod(
            QCoreApplication::instance(), [self, raw, error]() {
                std::unique_ptr<MnistData> owned(raw);
                if (!self) return;
                if (owned) {
                    self->data_ = std::move(owned);
                    emit self->dataLoaded();
                } else {
                    emit self->dataFailed(error);
                }
            },
            Qt::QueuedConnection);
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

QString Session::modelName() const {
    if (!file_) return {};
    return name_.isEmpty() ? tr("untitled") : name_;
}

void Session::applyCurrentModel() {
    const ModelLibrary::Entry* e = library_->current();
    if (!e || !e->file) {
        if (!file_) return;
        file_.reset();
        model_.reset();
        path_.clear();
        name_.clear();
        emit modelChanged();
        return;
    }
    if (e->file != file_) {
        auto net = network_from_file(*e->file);
        model_ = std::move(net);
        file_ = e->file;
    } else if (e->path == path_ && e->name == name_) {
        return;  // the same model
    }
    path_ = e->path;
    name_ = e->name;
    emit modelChanged();
}

void Session::setModel(const ModelFile& file, const QString& path) {
    if (!path.isEmpty() && !path.startsWith(QLatin1Char(':'))) {
        QString error;
        if (library_->addFile(path, &error) >= 0) return;
    }
    const int index = library_->addRun(file, QString(), /*unsaved=*/false);
    const auto before = file_;
    library_->use(index);
    // Setting a model is a request to predict with it afresh: say so even when the library found
    // the very same model already in use (one entry, no duplicate).
    if (file_ == before) emit modelChanged();
}

bool Session::openModel(const QString& path, QString* error) {
    QString problem;
    if (library_->addFile(path, &problem) >= 0) return true;
    if (error) *error = tr("Could not open the model %1").arg(problem);
    return false;
}

bool Session::saveModel(const QString& path, QString* error) {
    if (!file_ || library_->currentIndex() < 0) {
        if (error) *error = tr("There is no model to save.");
        return false;
    }
    return library_->saveEntry(library_->currentIndex(), path, error) >= 0;
}

}  // namespace digit::ui
