#pragma once
// Widgets over the model library (model_library.h): a combo box that shows every entry and makes
// the chosen one predict (the Draw page has one), a menu that does the same with the library's
// other actions (the Models menu and the status bar's model button share one), and the save
// dialog every "Save..." of a model goes through.
#include <QComboBox>
#include <QMenu>
#include <QString>

namespace digit::ui {

class ModelLibrary;

class ModelPicker : public QComboBox {
    Q_OBJECT
public:
    explicit ModelPicker(ModelLibrary* library, QWidget* parent = nullptr);

signals:
    // Choosing an entry failed (e.g. its file is gone): a sentence for a person.
    void failed(const QString& message);

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    ModelLibrary* library_;
    bool rebuilding_ = false;
};

// The list of models (checkable, the current one checked), then Save / Forget actions and the
// "use each finished run at once" setting. Rebuilt each time it opens.
class ModelMenu : public QMenu {
    Q_OBJECT
public:
    explicit ModelMenu(ModelLibrary* library, QWidget* parent = nullptr);
    void rebuild();
    // QSettings key of the "use each finished run at once" setting (default off).
    static QString useFinishedRunsKey() { return QStringLiteral("models/useFinishedRuns"); }

signals:
    void saveRequested(int index);
    void failed(const QString& message);

private:
    ModelLibrary* library_;
};

// Asks where to save a model (a file dialog in the last folder used, the model's name as the file
// name); empty when cancelled. Remembers the folder.
QString chooseModelSavePath(QWidget* parent, const QString& modelName);

}  // namespace digit::ui
