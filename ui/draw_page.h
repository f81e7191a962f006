#pragma once
// The Draw page: a drawing pad and the model's prediction, updated as you draw: the ten
// probabilities, the most likely digit in large type (or "not sure"), and the 28x28 image the
// model sees, made by preprocess_digit exactly as `digit-cli predict` makes it.
// An image file can be dropped on the page or opened; it is predicted and shown on the pad.
#include "retranslator.h"
#include "model_io.h"
#include "preprocess.h"

#include <QImage>
#include <QString>
#include <QWidget>

#include <array>
#include <vector>

class QLabel;
class QPushButton;
class QSlider;

namespace digit::ui {

class DigitCanvas;
class ModelPicker;
class PixelImageView;
class ProbabilityBars;
class Session;

class DrawPage : public QWidget {
    Q_OBJECT
public:
    explicit DrawPage(Session* session, QWidget* parent = nullptr);
    ~DrawPage() override;

    // Draws a handwritten-looking digit with mouse-like strokes and predicts it (for screenshots).
    void prepareScreenshot();
    // A letter "A" on the pad instead: what the page says about something that is not a digit.
    void prepareLetterScreenshot();

    // Predicts an image (any size, either polarity) and shows it on the pad, e.g. a test image
    // sent from the Errors page.
    void loadImage(const QImage& image);
    // Reads and predicts an image file; false (and an error message on the page) if the file
    // cannot be read as an image. The pad keeps its drawing then.
    bool loadImageFile(const QString& path);

    // For tests and the main window.
    DigitCanvas* canvas() const { return canvas_; }
    ModelPicker* modelPicker() const { return models_; }
    QPushButton* clearButton() const { return clear_; }
    QString brushText() const;
    // The most likely digit, or -1 when there is nothing to predict (empty pad, no model).
    int predictedDigit() const { return predicted_; }
    // True when the prediction is shown as "not sure" (low top probability or small margin).
    bool isUnsure() const { return unsure_; }
    // True when the answer is "Not a digit" (the model's not-a-digit probability, core/predict.h).
    bool isNotADigit() const { return notADigit_; }
    float notADigitScore() const { return notADigitScore_; }
    const std::array<float, 10>& probabilities() const { return probabilities_; }
    // The 28x28 input of the last prediction (0 = background, 1 = ink).
    const MnistImage& modelInput() const { return input_; }
    // The message shown for the last failed action (e.g. a file that is not an image), or empty.
    QString errorMessage() const;

    // A digit is unsure below this top probability or this margin over the runner-up (as shares
    // of all the model's answers: a model with a "not a digit" output gives that its part).
    static constexpr float kSureProbability = 0.5f;
    static constexpr float kSureMargin = 0.2f;
    // The pad is predicted from a copy at most this many pixels on a side (12x the model's 28).
    static constexpr int kPredictionResolution = 336;

public slots:
    void openImage();  // file dialog

protected:
    void changeEvent(QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void predictFromCanvas();
    void predict(const GrayImage& gray, Polarity polarity);
    void showPrediction();
    void showError(const QString& message);
    void onModelChanged();
    void updateBrushText();

    Session* session_;
    DigitCanvas* canvas_ = nullptr;
    QPushButton* clear_ = nullptr;
    QPushButton* undo_ = nullptr;
    QSlider* brush_ = nullptr;
    QLabel* brushSize_ = nullptr;
    ModelPicker* models_ = nullptr;
    QLabel* modelDetails_ = nullptr;
    QLabel* digit_ = nullptr;
    QLabel* verdict_ = nullptr;
    PixelImageView* preview_ = nullptr;
    ProbabilityBars* bars_ = nullptr;
    QLabel* error_ = nullptr;

    bool fromPicture_ = false;  // the last prediction came from a loaded picture, not strokes
    GrayImage picture_;         // that picture, as read, so redrawing predicts it exactly
    MnistImage input_{};
    std::array<float, 10> probabilities_{};
    int predicted_ = -1;
    bool unsure_ = false;
    bool notADigit_ = false;
    float notADigitScore_ = 0.0f;
    float confidence_ = 0.0f;   // P(the digit shown), core/predict.h
    bool empty_ = true;
    Retranslator texts_;  // the texts that follow the language
};

}  // namespace digit::ui
