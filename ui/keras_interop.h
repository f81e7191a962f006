#pragma once
// The app's doors to Keras and ONNX (core/interop): File > Import Keras Model..., File > Export >
// Keras Model... / ONNX..., File > Keras Code..., and Keras files (.h5, .keras) dropped anywhere
// on the window. The main window installs it with one call and knows nothing else about it; an
// imported model becomes the session's model like any opened one (Draw, Errors, Quiz, Save As
// .dsm, further training). Errors are shown non-modally and the current model stays.
#include <QDialog>
#include <QObject>
#include <QString>

class QAction;
class QComboBox;
class QLabel;
class QMainWindow;
class QMenu;
class QPlainTextEdit;
class QPushButton;

namespace digit::ui {

class Session;
class TrainPage;

// The Keras script for the Train page's network and settings, or for the current model.
class KerasCodeDialog : public QDialog {
    Q_OBJECT
public:
    KerasCodeDialog(Session* session, TrainPage* train, QWidget* parent = nullptr);
    enum Source { TrainSettings, CurrentModel };
    void setSource(Source s);
    QString code() const;
    QComboBox* sourceBox() const { return source_; }
    QPushButton* copyButton() const { return copy_; }
    // Writes the code to path; false and a message on failure (Save... asks for the path).
    bool saveTo(const QString& path);

protected:
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    void retranslate();
    Session* session_;
    TrainPage* train_;
    QComboBox* source_;
    QPlainTextEdit* text_;
    QLabel* note_;
    QPushButton* copy_;
    QPushButton* save_;
    QPushButton* close_;
};

class KerasInterop : public QObject {
    Q_OBJECT
public:
    // Adds its actions to fileMenu before `before` and takes drops on window.
    KerasInterop(QMainWindow* window, Session* session, TrainPage* train, QMenu* fileMenu, QAction* before);

    // Imports a Keras model file into the session; false (error shown) if it is refused.
    bool importFile(const QString& path);
    bool exportOnnx(const QString& path);
    bool exportKeras(const QString& path);
    KerasCodeDialog* showKerasCode();

    QAction* importAction() const { return import_; }
    QAction* exportOnnxAction() const { return exportOnnx_; }
    QAction* exportKerasAction() const { return exportKeras_; }
    QAction* kerasCodeAction() const { return code_; }
    QString lastError() const { return lastError_; }

signals:
    void statusMessage(const QString& message);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void retranslate();
    void showError(const QString& title, const QString& text);
    void importDialog();
    void exportOnnxDialog();
    void exportKerasDialog();

    QMainWindow* window_;
    Session* session_;
    TrainPage* train_;
    QAction* import_;
    QMenu* exportMenu_;
    QAction* exportOnnx_;
    QAction* exportKeras_;
    QAction* code_;
    QString lastError_;
};

}  // namespace digit::ui
