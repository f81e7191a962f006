#include "file_io.h"
#include "keras_interop.h"

#include "keras_code.h"
#include "keras_export.h"
#include "keras_import.h"
#include "network_editor.h"
#include "onnx_export.h"
#include "presets.h"
#include "session.h"
#include "train_page.h"
#include "training_config_editor.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace digit::ui {

namespace {

QString startDir() {
    QString dir = QSettings().value(QStringLiteral("paths/models")).toString();
    return dir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) : dir;
}

void rememberDir(const QString& path) { QSettings().setValue(QStringLiteral("paths/models"), QFileInfo(path).absolutePath()); }

// The Keras file among dropped URLs, if any.
QString droppedKerasFile(const QMimeData* mime) {
    if (!mime || !mime->hasUrls()) return {};
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile() && interop::is_keras_path(url.toLocalFile().toStdString())) return url.toLocalFile();
    return {};
}

}  // namespace

// ---- Keras code dialog ---------------------------------------------------------------------

KerasCodeDialog::KerasCodeDialog(Session* session, TrainPage* train, QWidget* parent)
    : QDialog(parent), session_(session), train_(train) {
    source_ = new QComboBox;
    source_->addItem(QString());
    source_->addItem(QString());
    text_ = new QPlainTextEdit;
    text_->setReadOnly(true);
    text_->setLineWrapMode(QPlainTextEdit::NoWrap);
    text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    note_ = new QLabel;
    note_->setWordWrap(true);
    copy_ = new QPushButton;
    save_ = new QPushButton;
    close_ = new QPushButton;
    auto* buttons = new QDialogButtonBox;
    buttons->addButton(copy_, QDialogButtonBox::ActionRole);
    buttons->addButton(save_, QDialogButtonBox::ActionRole);
    buttons->addButton(close_, QDialogButtonBox::RejectRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(source_);
    layout->addWidget(note_);
    layout->addWidget(text_, 1);
    layout->addWidget(buttons);
    connect(source_, &QComboBox::currentIndexChanged, this, &KerasCodeDialog::refresh);
    connect(copy_, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(code()); });
    connect(save_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save Keras Code"), QDir(startDir()).filePath(QStringLiteral("model.py")),
                                                          tr("Python files (*.py)"));
        if (!path.isEmpty()) saveTo(path);
    });
    connect(close_, &QPushButton::clicked, this, &QDialog::reject);
    retranslate();
    resize(760, 640);
}

void KerasCodeDialog::setSource(Source s) { source_->setCurrentIndex(s); }

QString KerasCodeDialog::code() const { return text_->toPlainText(); }

bool KerasCodeDialog::saveTo(const QString& path) {
    try {
        write_file_atomically(path.toStdString(), code().toStdString());
        return true;
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Save Keras Code"), QString::fromUtf8(e.what()));
        return false;
    }
}

void KerasCodeDialog::refresh() {
    const bool model = source_->currentIndex() == CurrentModel && session_->modelFile();
    std::string code;
    if (model) {
        const ModelFile& m = *session_->modelFile();
        code = interop::keras_code(m.spec, m.training, session_->modelName().toStdString());
        note_->setText(tr("The network and training settings of the current model, %1.").arg(session_->modelName()));
    } else {
        const ModelSpec spec = train_->networkEditor()->spec();
        const TrainConfig config = train_->configEditor()->config();
        QString name = train_->presetBox()->currentText();
        code = interop::keras_code(spec, config, name.toStdString());
        note_->setText(tr("The network and training settings now on the Train page: edit them there and open this again."));
    }
    text_->setPlainText(QString::fromStdString(code));
}

void KerasCodeDialog::retranslate() {
    setWindowTitle(tr("Keras Code"));
    source_->setItemText(TrainSettings, tr("Train page settings"));
    source_->setItemText(CurrentModel, tr("Current model"));
    copy_->setText(tr("Copy"));
    save_->setText(tr("Save..."));
    close_->setText(tr("Close"));
    refresh();
}

void KerasCodeDialog::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QDialog::changeEvent(event);
}

// ---- Actions and drops ---------------------------------------------------------------------

KerasInterop::KerasInterop(QMainWindow* window, Session* session, TrainPage* train, QMenu* fileMenu, QAction* before)
    : QObject(window), window_(window), session_(session), train_(train) {
    import_ = new QAction(this);
    connect(import_, &QAction::triggered, this, &KerasInterop::importDialog);
    exportMenu_ = new QMenu(window);
    exportKeras_ = exportMenu_->addAction(QString());
    connect(exportKeras_, &QAction::triggered, this, &KerasInterop::exportKerasDialog);
    exportOnnx_ = exportMenu_->addAction(QString());
    connect(exportOnnx_, &QAction::triggered, this, &KerasInterop::exportOnnxDialog);
    code_ = new QAction(this);
    connect(code_, &QAction::triggered, this, &KerasInterop::showKerasCode);
    fileMenu->insertAction(before, import_);
    fileMenu->insertMenu(before, exportMenu_);
    fileMenu->insertAction(before, code_);
    window->setAcceptDrops(true);
    window->installEventFilter(this);
    retranslate();
}

void KerasInterop::retranslate() {
    import_->setText(tr("&Import Keras Model..."));
    exportMenu_->setTitle(tr("&Export"));
    exportKeras_->setText(tr("&Keras Model (.keras, .h5)..."));
    exportOnnx_->setText(tr("&ONNX..."));
    code_->setText(tr("Keras &Code..."));
}

bool KerasInterop::eventFilter(QObject* watched, QEvent* event) {
    if (watched == window_) {
        switch (event->type()) {
            case QEvent::DragEnter: {
                auto* e = static_cast<QDragEnterEvent*>(event);
                if (!droppedKerasFile(e->mimeData()).isEmpty()) {
                    e->acceptProposedAction();
                    return true;
                }
                break;
            }
            case QEvent::Drop: {
                auto* e = static_cast<QDropEvent*>(event);
                const QString path = droppedKerasFile(e->mimeData());
                if (!path.isEmpty()) {
                    e->acceptProposedAction();
                    importFile(path);
                    return true;
                }
                break;
            }
            case QEvent::LanguageChange: retranslate(); break;
            default: break;
        }
    }
    return QObject::eventFilter(watched, event);
}

void KerasInterop::showError(const QString& title, const QString& text) {
    lastError_ = text;
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, window_);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool KerasInterop::importFile(const QString& path) {
    try {
        const interop::KerasImport k = interop::import_keras_model(path.toStdString());
        session_->setModel(k.model);  // no path: Save asks where to put the .dsm
        lastError_.clear();
        emit statusMessage(tr("Imported %1 (%2)").arg(QDir::toNativeSeparators(path), QString::fromStdString(interop::format_name(k.format))));
        return true;
    } catch (const std::exception& e) {
        showError(tr("Import Keras Model"),
                  tr("Could not import %1:\n%2\n\nThe current model is still in use.").arg(QDir::toNativeSeparators(path), QString::fromUtf8(e.what())));
        return false;
    }
}

void KerasInterop::importDialog() {
    const QString path = QFileDialog::getOpenFileName(window_, tr("Import Keras Model"), startDir(),
                                                      tr("Keras models (*.h5 *.hdf5 *.keras);;All files (*)"));
    if (path.isEmpty()) return;
    rememberDir(path);
    importFile(path);
}

bool KerasInterop::exportOnnx(const QString& path) {
    if (!session_->modelFile()) {
        showError(tr("Export"), tr("There is no model to export yet: train one on the Train page or open one."));
        return false;
    }
    try {
        interop::export_onnx(path.toStdString(), *session_->modelFile());
        emit statusMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
        return true;
    } catch (const std::exception& e) {
        showError(tr("Export"), QString::fromUtf8(e.what()));
        return false;
    }
}

bool KerasInterop::exportKeras(const QString& path) {
    if (!session_->modelFile()) {
        showError(tr("Export"), tr("There is no model to export yet: train one on the Train page or open one."));
        return false;
    }
    try {
        interop::export_keras(path.toStdString(), *session_->modelFile());
        emit statusMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
        return true;
    } catch (const std::exception& e) {
        showError(tr("Export"), QString::fromUtf8(e.what()));
        return false;
    }
}

void KerasInterop::exportOnnxDialog() {
    QString path = QFileDialog::getSaveFileName(window_, tr("Export ONNX"), QDir(startDir()).filePath(session_->modelName() + QStringLiteral(".onnx")),
                                                tr("ONNX models (*.onnx)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".onnx");
    rememberDir(path);
    exportOnnx(path);
}

void KerasInterop::exportKerasDialog() {
    QString path = QFileDialog::getSaveFileName(window_, tr("Export Keras Model"), QDir(startDir()).filePath(session_->modelName() + QStringLiteral(".keras")),
                                                tr("Keras 3 (*.keras);;Keras 2 HDF5 (*.h5)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".keras");
    rememberDir(path);
    exportKeras(path);
}

KerasCodeDialog* KerasInterop::showKerasCode() {
    auto* dialog = new KerasCodeDialog(session_, train_, window_);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

}  // namespace digit::ui
