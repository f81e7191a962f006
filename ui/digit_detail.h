#pragma once
// One MNIST image up close, in a small non-modal window: the image scaled up crisply, what it is
// (set, index, label), the current model's ten probabilities for it, and actions: "Send to
// Canvas" (predict it on the Draw page); more can be added to the action row (addAction).
// The Data page opens it on a double-click, as the Errors page's detail panel shows its images.
#include <QDialog>
#include <QImage>

#include <array>

class QHBoxLayout;
class QLabel;
class QPushButton;

namespace digit::ui {

class PixelImageView;
class ProbabilityBars;
class Session;

class DigitDetailDialog : public QDialog {
    Q_OBJECT
public:
    explicit DigitDetailDialog(Session* session, QWidget* parent = nullptr);

    // Shows a 28x28 image (white ink on black, as MNIST stores it) with its caption, and the
    // session's model's prediction for it. `pixels`: 784 bytes, 0 = background.
    void showDigit(const std::uint8_t* pixels, int label, const QString& title);

    QImage image() const { return image_; }
    QString text() const;
    QPushButton* sendButton() const { return send_; }
    QPushButton* lookInsideButton() const { return lookInside_; }
    // Puts another action button in the row beside "Send to Canvas".
    void addAction(QPushButton* button);
    const std::array<float, 10>& probabilities() const { return probabilities_; }

signals:
    void sendToCanvas(const QImage& image);
    // "Look Inside": the image for the Inside page, with what it is (the window's title).
    void lookInside(const QImage& image, const QString& title);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void predict();

    Session* session_;
    PixelImageView* view_ = nullptr;
    QLabel* text_ = nullptr;
    ProbabilityBars* bars_ = nullptr;
    QHBoxLayout* actions_ = nullptr;
    QPushButton* send_ = nullptr;
    QPushButton* lookInside_ = nullptr;
    QPushButton* close_ = nullptr;
    QImage image_;
    std::array<float, 784> input_{};
    std::array<float, 10> probabilities_{};
    int label_ = -1;
    QString title_;
};

}  // namespace digit::ui
