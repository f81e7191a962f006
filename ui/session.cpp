#include "session.h"

#include "errors.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>
#include <QThread>

#include <exception>

namespace digit::ui {

Session::Session(QObject* parent) : QObject(parent) {}
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
    if (!file_->info.name.empty()) return QString::fromStdString(file_->info.name);
    return path_.isEmpty() ? tr("untitled") : QFileInfo(path_).completeBaseName();
}

void Session::setModel(const ModelFile& file, const QString& path) {
    auto net = network_from_file(file);
    file_ = std::make_unique<ModelFile>(file);
    model_ = std::move(net);
    path_ = path;
    emit modelChanged();
}

bool Session::openModel(const QString& path, QString* error) {
    try {
        ModelFile file = load_model(path.toStdString());
        setModel(file, path);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = tr("Could not open the model %1: %2").arg(path, QString::fromUtf8(e.what()));
        return false;
    }
}

bool Session::saveModel(const QString& path, QString* error) {
    if (!file_ || !model_) {
        if (error) *error = tr("There is no model to save.");
        return false;
    }
    try {
        ModelFile copy = *file_;
        copy.parameters.assign(model_->parameters().begin(), model_->parameters().end());
        save_model(path.toStdString(), copy);
        path_ = path;
        return true;
    } catch (const std::exception& e) {
        if (error) *error = tr("Could not save the model to %1: %2").arg(path, QString::fromUtf8(e.what()));
        return false;
    }
}

}  // namespace digit::ui
