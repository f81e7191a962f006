#include "model_picker.h"

#include "model_library.h"

#include <QActionGroup>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>
#include <QStandardItemModel>
#include <QStandardPaths>

namespace digit::ui {

ModelPicker::ModelPicker(ModelLibrary* library, QWidget* parent) : QComboBox(parent), library_(library) {
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setMinimumContentsLength(16);
    connect(library_, &ModelLibrary::entriesChanged, this, &ModelPicker::rebuild);
    connect(library_, &ModelLibrary::currentChanged, this, &ModelPicker::rebuild);
    connect(this, &QComboBox::activated, this, [this](int row) {
        if (rebuilding_) return;
        QString error;
        if (row != library_->currentIndex() && !library_->use(row, &error)) {
            rebuild();
            emit failed(tr("This model cannot be used: %1").arg(error));
        }
    });
    rebuild();
}

void ModelPicker::rebuild() {
    rebuilding_ = true;
    clear();
    for (int i = 0; i < library_->count(); ++i) {
        addItem(library_->label(i));
        setItemData(i, library_->toolTip(i), Qt::ToolTipRole);
        if (!library_->entry(i).usable())
            if (auto* m = qobject_cast<QStandardItemModel*>(model())) m->item(i)->setEnabled(false);
    }
    if (library_->count() == 0) addItem(tr("No model"));
    setCurrentIndex(std::max(0, library_->currentIndex()));
    setEnabled(library_->count() > 0);
    setToolTip(library_->currentIndex() >= 0 ? tr("The model that predicts: %1").arg(library_->toolTip(library_->currentIndex()))
                                             : tr("The model that predicts"));
    rebuilding_ = false;
}

void ModelPicker::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) rebuild();
    QComboBox::changeEvent(event);
}

ModelMenu::ModelMenu(ModelLibrary* library, QWidget* parent) : QMenu(parent), library_(library) {
    connect(this, &QMenu::aboutToShow, this, &ModelMenu::rebuild);
}

void ModelMenu::rebuild() {
    clear();
    // clear() deletes the actions; the group and the submenu of the last build go too.
    for (QObject* child : children())
        if (qobject_cast<QActionGroup*>(child) || qobject_cast<QMenu*>(child)) child->deleteLater();
    auto* group = new QActionGroup(this);
    for (int i = 0; i < library_->count(); ++i) {
        QAction* a = addAction(library_->label(i));
        a->setToolTip(library_->toolTip(i));
        a->setCheckable(true);
        a->setChecked(i == library_->currentIndex());
        a->setEnabled(library_->entry(i).usable());
        group->addAction(a);
        const quint64 id = library_->entry(i).id;
        connect(a, &QAction::triggered, this, [this, id] {
            QString error;
            const int index = library_->indexOfId(id);
            if (index >= 0 && !library_->use(index, &error)) emit failed(tr("This model cannot be used: %1").arg(error));
        });
    }
    setToolTipsVisible(true);
    addSeparator();
    const std::vector<int> unsaved = library_->unsavedRuns();
    for (int i : unsaved) {
        const quint64 id = library_->entry(i).id;
        QAction* save = addAction(tr("Save \u201c%1\u201d...").arg(library_->entry(i).name));
        connect(save, &QAction::triggered, this, [this, id] {
            const int index = library_->indexOfId(id);
            if (index >= 0) emit saveRequested(index);
        });
    }
    QMenu* forget = addMenu(tr("Forget"));
    forget->setToolTip(tr("Remove a model from this list; its file stays on disk"));
    for (int i = 0; i < library_->count(); ++i) {
        const ModelLibrary::Entry& e = library_->entry(i);
        if (e.kind == ModelLibrary::Kind::Bundled || e.unsaved) continue;
        const quint64 id = e.id;
        QAction* a = forget->addAction(library_->label(i));
        connect(a, &QAction::triggered, this, [this, id] { library_->remove(library_->indexOfId(id)); });
    }
    forget->setEnabled(!forget->isEmpty());
    addSeparator();
    QAction* automatic = addAction(tr("Use Each Finished Run at Once"));
    automatic->setCheckable(true);
    automatic->setChecked(QSettings().value(useFinishedRunsKey(), false).toBool());
    automatic->setToolTip(tr("Off: a finished training run waits until you choose it. On: it predicts as soon as it ends."));
    connect(automatic, &QAction::toggled, this, [](bool on) { QSettings().setValue(useFinishedRunsKey(), on); });
}

QString chooseModelSavePath(QWidget* parent, const QString& modelName) {
    QSettings settings;
    QString dir = settings.value(QStringLiteral("paths/models")).toString();
    if (dir.isEmpty()) dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    QString file = modelName;
    file.replace(QStringLiteral(" #"), QStringLiteral("-run"));
    file.replace(QLatin1Char(' '), QLatin1Char('-'));
    QString path = QFileDialog::getSaveFileName(parent, ModelPicker::tr("Save Model"),
                                                QDir(dir).filePath(file + QStringLiteral(".dsm")),
                                                ModelPicker::tr("Digit Studio models (*.dsm);;All files (*)"));
    if (path.isEmpty()) return {};
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".dsm");
    settings.setValue(QStringLiteral("paths/models"), QFileInfo(path).absolutePath());
    return path;
}

}  // namespace digit::ui
