#include "draw_page.h"

#include "canvas.h"
#include "digit_grid.h"
#include "image_file.h"
#include "model_picker.h"
#include "network.h"
#include "predict.h"
#include "probability_bars.h"
#include "session.h"
#include "steps.h"

#include <QClipboard>
#include <QComboBox>
#include <QEvent>
#include <QGuiApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QShortcut>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <utility>
#include <vector>

namespace digit::ui {

namespace {

QLabel* sectionTitle(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

}  // namespace

DrawPage::DrawPage(Session* session, QWidget* parent) : QWidget(parent), session_(session) {
    setAcceptDrops(true);

    // Left: the pad and its tools.
    error_ = new QLabel(this);
    error_->setWordWrap(true);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setStyleSheet(QStringLiteral(
        "QLabel { background: #fdecea; color: #8a1c12; border: 1px solid #e8a59c; border-radius: 4px; padding: 6px; margin: 6px; }"));
    error_->hide();

    canvas_ = new DigitCanvas(this);
    clear_ = new QPushButton(this);
    texts_.add([=, this] { clear_->setText(tr("Clear")); });
    texts_.add([=, this] { clear_->setToolTip(tr("Clear the pad (Undo brings the drawing back)")); });
    undo_ = new QPushButton(this);
    texts_.add([=, this] { undo_->setText(tr("Undo")); });
    texts_.add([=, this] { undo_->setToolTip(tr("Take back the last stroke or Clear (%1)").arg(QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText))); });
    undo_->setEnabled(false);
    auto* brushLabel = new QLabel(this);
    texts_.add([=, this] { brushLabel->setText(tr("Brush:")); });
    brush_ = new QSlider(Qt::Horizontal, this);
    brush_->setRange(2, 16);  // percent of the pad's shorter side
    brush_->setValue(int(std::lround(DigitCanvas::kDefaultBrushSize * 100)));
    brush_->setMaximumWidth(160);
    texts_.add([=, this] { brush_->setToolTip(tr("Pen width")); });
    brushLabel->setBuddy(brush_);
    brushSize_ = new QLabel(this);
    brushSize_->setMinimumWidth(brushSize_->fontMetrics().horizontalAdvance(QStringLiteral("00 px (00%)")));
    auto* open = new QPushButton(this);
    texts_.add([=, this] { open->setText(tr("Open Image...")); });
    texts_.add([=, this] { open->setToolTip(tr("Predict a PNG, JPEG or BMP picture of a digit. You can also drop a file on this page.")); });

    auto* paste = new QPushButton(this);
    texts_.add([=, this] { paste->setText(tr("Paste")); });
    texts_.add([=, this] { paste->setToolTip(tr("Predict the image on the clipboard (%1)").arg(QKeySequence(QKeySequence::Paste).toString(QKeySequence::NativeText))); });

    auto* tools = new QHBoxLayout;
    tools->addWidget(clear_);
    tools->addWidget(undo_);
    tools->addSpacing(12);
    tools->addWidget(brushLabel);
    tools->addWidget(brush_);
    tools->addWidget(brushSize_);
    tools->addStretch(1);
    tools->addWidget(open);
    tools->addWidget(paste);

    // The message floats over the top of the pad, so showing it never resizes the drawing.
    auto* pad = new QGridLayout;
    pad->addWidget(canvas_, 0, 0);
    pad->addWidget(error_, 0, 0, Qt::AlignTop);
    pad->setContentsMargins(0, 0, 0, 0);
    error_->raise();  // above the pad
    // Under the pad: how the input was read, step by step, as small images.
    steps_ = new QWidget(this);
    stepsRow_ = new QHBoxLayout(steps_);
    stepsRow_->setContentsMargins(0, 0, 0, 0);
    stepsRow_->setSpacing(6);
    steps_->setFixedHeight(96);
    texts_.add([=, this] { steps_->setToolTip(tr("How the input was read: the picture, its ink after evening out the light, the ink "
                                                  "kept (lines, page edges and specks dropped), the digits found, then each digit's "
                                                  "crop, its 20x20 fit and the centred 28x28 the model sees")); });
    auto* left = new QVBoxLayout;
    left->addLayout(pad, 1);
    left->addWidget(steps_);
    left->addLayout(tools);

    // Right: model, prediction, model input, probabilities.
    models_ = new ModelPicker(session_->library(), this);
    modelDetails_ = new QLabel(this);
    modelDetails_->setWordWrap(true);
    modelDetails_->setForegroundRole(QPalette::PlaceholderText);

    digit_ = new QLabel(this);
    digit_->setAlignment(Qt::AlignCenter);
    QFont big = digit_->font();
    big.setPointSizeF(big.pointSizeF() * 6);
    big.setBold(true);
    digit_->setFont(big);
    digit_->setMinimumHeight(QFontMetrics(big).height());
    verdict_ = new QLabel(this);
    verdict_->setAlignment(Qt::AlignCenter);
    verdict_->setWordWrap(true);

    preview_ = new PixelImageView(this);
    preview_->setPreferredScale(6);
    preview_->setShowGrid(true);
    texts_.add([=, this] { preview_->setPlaceholderText(tr("empty")); });
    preview_->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    preview_->setFixedSize(preview_->sizeHint());
    texts_.add([=, this] { preview_->setToolTip(tr("The 28x28 image the model sees: the ink scaled to fit 20x20 and centred by its "
                            "centre of mass, as in MNIST")); });

    bars_ = new ProbabilityBars(this);
    digitChoice_ = new QComboBox(this);
    digitChoice_->hide();
    texts_.add([=, this] { digitChoice_->setToolTip(tr("Which digit of the number the image and the probabilities show")); });

    auto* right = new QVBoxLayout;
    auto section = [this](const char* text) {
        QLabel* label = sectionTitle(QString(), this);
        texts_.add([=, this] { label->setText(tr(text)); });
        return label;
    };
    right->addWidget(section(QT_TR_NOOP("Model")));
    right->addWidget(models_);
    right->addWidget(modelDetails_);
    right->addSpacing(10);
    right->addWidget(section(QT_TR_NOOP("Prediction")));
    right->addWidget(digit_);
    right->addWidget(verdict_);
    right->addWidget(digitChoice_);
    right->addSpacing(10);
    right->addWidget(section(QT_TR_NOOP("What the model sees (28x28)")));
    right->addWidget(preview_, 0, Qt::AlignHCenter);
    right->addSpacing(10);
    right->addWidget(section(QT_TR_NOOP("Probabilities")));
    right->addWidget(bars_);
    right->addStretch(1);
    auto* rightBox = new QWidget(this);
    rightBox->setLayout(right);
    rightBox->setFixedWidth(360);
    right->setContentsMargins(0, 0, 0, 0);

    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left, 1);
    layout->addSpacing(8);
    layout->addWidget(rightBox);

    connect(canvas_, &DigitCanvas::changed, this, &DrawPage::predictFromCanvas);
    connect(canvas_, &DigitCanvas::undoAvailable, undo_, &QPushButton::setEnabled);
    connect(clear_, &QPushButton::clicked, canvas_, &DigitCanvas::clear);
    connect(undo_, &QPushButton::clicked, canvas_, &DigitCanvas::undo);
    connect(brush_, &QSlider::valueChanged, this, [this](int percent) {
        canvas_->setBrushSize(percent / 100.0);
        updateBrushText();
    });
    connect(open, &QPushButton::clicked, this, &DrawPage::openImage);
    connect(paste, &QPushButton::clicked, this, &DrawPage::pasteImage);
    connect(digitChoice_, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0 && index != shownDigit_) {
            showDigit(index);
            showPrediction();
            showSteps();
        }
    });
    auto* pasteKey = new QShortcut(QKeySequence::Paste, this);
    pasteKey->setContext(Qt::WidgetWithChildrenShortcut);
    connect(pasteKey, &QShortcut::activated, this, &DrawPage::pasteImage);
    connect(models_, &ModelPicker::failed, this, &DrawPage::showError);
    auto* undoKey = new QShortcut(QKeySequence::Undo, this);
    undoKey->setContext(Qt::WidgetWithChildrenShortcut);
    connect(undoKey, &QShortcut::activated, canvas_, &DigitCanvas::undo);
    // Esc does not erase (it closes popups); Clear is undoable.
    connect(session_, &Session::modelChanged, this, &DrawPage::onModelChanged);

    onModelChanged();
    updateBrushText();
}

DrawPage::~DrawPage() = default;

QString DrawPage::brushText() const { return brushSize_->text(); }

void DrawPage::updateBrushText() {
    // The width a stroke gets now, and the slider's unit (percent of the pad's shorter side).
    brushSize_->setText(tr("%1 px (%2%)").arg(std::lround(canvas_->brushWidth())).arg(brush_->value()));
    brush_->setToolTip(tr("Pen width: %1% of the pad's shorter side").arg(brush_->value()));
}

void DrawPage::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    updateBrushText();
}

QString DrawPage::errorMessage() const { return error_->isHidden() ? QString() : error_->text(); }

void DrawPage::showError(const QString& message) {
    error_->setText(message);
    error_->setVisible(!message.isEmpty());
}

void DrawPage::onModelChanged() {
    const ModelFile* file = session_->modelFile();
    if (!file) {
        modelDetails_->setText(tr("Open a model (File > Open Model) or train one on the Train page."));
        modelDetails_->setToolTip({});
    } else {
        QStringList details;
        if (file->info.epochs_trained > 0) details << (file->info.epochs_trained == 1 ? tr("trained for 1 epoch")
                                                        : tr("trained for %1 epochs").arg(file->info.epochs_trained));
        details << tr("%1 parameters").arg(QLocale().toString(qulonglong(session_->model()->parameter_count())));
        modelDetails_->setText(details.join(QStringLiteral(" \u00b7 ")));
        modelDetails_->setToolTip(session_->modelPath().isEmpty() ? tr("Not saved yet") : session_->modelPath());
    }
    predictFromCanvas();
}

void DrawPage::predictFromCanvas() {
    if (canvas_->canUndo() || canvas_->isEmpty()) showError({});
    // An opened picture with nothing drawn over it is predicted from the file's own pixels,
    // exactly as `digit-cli predict` does; anything drawn makes the pad the input.
    if (canvas_->hasPicture() && canvas_->strokeCount() == 0)
        predict(picture_, Polarity::Auto);
    else
        predict(canvas_->grayImage(kPredictionResolution), Polarity::DarkOnLight);
}

void DrawPage::predict(const GrayImage& gray, Polarity polarity) {
    PreprocessOptions options;
    options.polarity = polarity;
    options.drawing = polarity == Polarity::DarkOnLight;  // the pad itself (a picture is Auto)
    reading_ = Reading{};
    Network* model = session_->model();
    // The model's confidence lets two touching digits be cut apart (segment.h).
    DigitConfidence sure;
    if (model)
        sure = [model](const MnistImage& x) { return digit_confidence(predict_image(*model, x)); };
    try {
        if (!canvas_->isEmpty()) reading_ = read_digits(gray, options, sure);
    } catch (const std::exception& e) {
        reading_ = Reading{};
        showError(tr("The model could not predict this drawing: %1").arg(QString::fromUtf8(e.what())));
    }
    digitPredictions_.clear();
    digitProbabilities_.clear();
    digitClasses_.clear();
    number_.clear();
    noInk_ = !canvas_->isEmpty() && reading_.digits.empty();
    empty_ = reading_.digits.empty();

    Network* net = session_->model();
    if (!empty_ && net) {
        try {
            for (const SegmentedDigit& d : reading_.digits) {
                const Prediction p = predict_image(*net, d.input.image);
                digitPredictions_.push_back(p);
                digitProbabilities_.push_back(p.probabilities);
                digitClasses_.push_back(p.digit);
                number_ += QString::number(p.digit);
            }
        } catch (const std::exception& e) {
            digitPredictions_.clear(), digitProbabilities_.clear(), digitClasses_.clear(), number_.clear();
            showError(tr("The model could not predict this drawing: %1").arg(QString::fromUtf8(e.what())));
        }
    }

    // A number: each digit's box on the pad, labelled with what was read.
    QList<QRectF> boxes;
    QStringList labels;
    if (reading_.digits.size() > 1 && gray.width > 0 && gray.height > 0) {
        const bool picture = canvas_->hasPicture() && canvas_->strokeCount() == 0;
        const QRectF area = picture ? canvas_->pictureRect() : QRectF(canvas_->rect());
        const qreal sx = area.width() / gray.width, sy = area.height() / gray.height;
        for (std::size_t k = 0; k < reading_.digits.size(); ++k) {
            const DigitBox& b = reading_.digits[k].box;
            boxes << QRectF(area.left() + b.x * sx, area.top() + b.y * sy, b.width * sx, b.height * sy).adjusted(-3, -3, 3, 3);
            labels << (k < digitClasses_.size() ? QString::number(digitClasses_[k]) : QString());
        }
    }
    canvas_->setBoxes(boxes, labels);
    {
        const QSignalBlocker block(digitChoice_);
        digitChoice_->clear();
        if (digitClasses_.size() > 1)
            for (std::size_t k = 0; k < digitClasses_.size(); ++k)
                digitChoice_->addItem(tr("Digit %1 of %2: %3").arg(k + 1).arg(digitClasses_.size()).arg(digitClasses_[k]));
        digitChoice_->setVisible(digitClasses_.size() > 1);
    }
    showDigit(0);
    showPrediction();
    showSteps();
}

void DrawPage::showDigit(int index) {
    shownDigit_ = index;
    predicted_ = -1;
    unsure_ = false;
    notADigit_ = false;
    notADigitScore_ = 0.0f;
    confidence_ = 0.0f;
    probabilities_.fill(0.0f);
    input_ = MnistImage{};
    if (index >= 0 && static_cast<std::size_t>(index) < reading_.digits.size()) input_ = reading_.digits[static_cast<std::size_t>(index)].input.image;
    preview_->setImage(empty_ ? QImage() : mnistToImage(input_));
    if (index < 0 || static_cast<std::size_t>(index) >= digitPredictions_.size()) return;
    const Prediction& p = digitPredictions_[static_cast<std::size_t>(index)];
    probabilities_ = p.probabilities;
    notADigit_ = p.not_a_digit;
    notADigitScore_ = p.not_a_digit_score;
    confidence_ = p.confidence;
    // Unsure between digits: the top two digits' shares of all the model's answers (with "not a
    // digit" taking its part), as the "% sure" shows them.
    std::array<float, 10> sorted = p.probabilities;
    std::partial_sort(sorted.begin(), sorted.begin() + 2, sorted.end(), std::greater<float>());
    const float digitShare = 1.0f - p.not_a_digit_score;
    unsure_ = !notADigit_ && !(sorted[0] * digitShare >= kSureProbability && (sorted[0] - sorted[1]) * digitShare >= kSureMargin);
    // One digit is "the" digit; of a number, predictedDigit() stays -1 (number() has them all).
    if (digitClasses_.size() == 1) predicted_ = digitClasses_.front();
    if (digitChoice_->currentIndex() != index) {
        const QSignalBlocker block(digitChoice_);
        digitChoice_->setCurrentIndex(index);
    }
}

QList<QRectF> DrawPage::digitBoxes() const { return canvas_->boxes(); }

int DrawPage::stepCount() const { return stepsRow_->count() - 1; }  // less the stretch

void DrawPage::showSteps() {
    while (QLayoutItem* item = stepsRow_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const bool several = reading_.digits.size() > 1;
    for (const StepImage& step : reading_steps(reading_)) {
        if (step.digit >= 0 && step.digit != shownDigit_) continue;
        QString caption;
        switch (step.kind) {
            case StepKind::Input: caption = tr("Input"); break;
            case StepKind::Lighting: caption = reading_.ink.photo ? tr("Light evened") : tr("Ink"); break;
            case StepKind::Mask: caption = tr("Ink kept"); break;
            case StepKind::Boxes: caption = tr("%n digits", nullptr, int(reading_.digits.size())); break;
            case StepKind::Crop: caption = several ? tr("Crop %1").arg(step.digit + 1) : tr("Crop"); break;
            case StepKind::Fit: caption = tr("20x20 fit"); break;
            case StepKind::Model: caption = tr("28x28 input"); break;
        }
        auto* cell = new QWidget(steps_);
        auto* column = new QVBoxLayout(cell);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(2);
        auto* picture = new QLabel(cell);
        const bool tiny = step.image.width() <= 28 && step.image.height() <= 28;
        const QImage scaled = step.image.scaled(QSize(100, 70), Qt::KeepAspectRatio,
                                                tiny ? Qt::FastTransformation : Qt::SmoothTransformation);
        picture->setPixmap(QPixmap::fromImage(scaled));
        picture->setAlignment(Qt::AlignCenter);
        picture->setFixedSize(100, 70);
        picture->setStyleSheet(QStringLiteral("QLabel { border: 1px solid palette(mid); }"));
        auto* text = new QLabel(caption, cell);
        text->setAlignment(Qt::AlignCenter);
        text->setForegroundRole(QPalette::PlaceholderText);
        column->addWidget(picture);
        column->addWidget(text);
        stepsRow_->addWidget(cell);
    }
    stepsRow_->addStretch(1);
}

void DrawPage::showPrediction() {
    const QColor sure = palette().color(QPalette::Highlight);
    const QColor grey = palette().color(QPalette::PlaceholderText);
    QFont big = digit_->font();
    big.setPointSizeF(font().pointSizeF() * (number_.size() > 3 ? 3.5 : 6));
    digit_->setFont(big);
    if (!session_->model()) {
        digit_->setText(QStringLiteral("\u2013"));
        digit_->setStyleSheet({});
        verdict_->setText(tr("No model to predict with yet."));
        bars_->clear();
        return;
    }
    if (noInk_) {
        // No ink is an answer of its own: no digit.
        digit_->setText(QString());
        verdict_->setText(tr("No ink found: there is no digit to read."));
        bars_->clear();
        return;
    }
    if (empty_ || digitProbabilities_.empty()) {
        digit_->setText(QString());
        verdict_->setText(tr("Draw a digit on the pad, or drop an image file on this page."));
        bars_->clear();
        return;
    }
    const auto pct = [](const std::array<float, 10>& p, int d) { return QString::number(std::lround(p[std::size_t(d)] * 100)); };
    if (digitProbabilities_.size() > 1) {
        // A number: all its digits, each with its probability; an unsure one marked "?".
        QStringList parts;
        for (std::size_t k = 0; k < digitProbabilities_.size(); ++k)
            parts << tr("%1 (%2%)").arg(digitClasses_[k]).arg(pct(digitProbabilities_[k], digitClasses_[k]));
        digit_->setText(number_);
        digit_->setStyleSheet(QStringLiteral("color: %1").arg(sure.name()));
        verdict_->setText(tr("A number of %n digits: %1", nullptr, int(digitProbabilities_.size())).arg(parts.join(QStringLiteral(" \u00b7 "))));
        bars_->setHighlightColor(unsure_ ? grey : QColor());
        bars_->setProbabilities(probabilities_);
        return;
    }
    std::array<int, 10> order{};
    for (int d = 0; d < 10; ++d) order[std::size_t(d)] = d;
    std::sort(order.begin(), order.end(),
              [&](int a, int b) { return probabilities_[std::size_t(a)] > probabilities_[std::size_t(b)]; });
    if (notADigit_) {
        // The words in place of the digit, at a size that fits the panel.
        digit_->setText(tr("Not a digit"));
        digit_->setStyleSheet(QStringLiteral("color: %1; font-size: %2pt").arg(sure.name()).arg(font().pointSizeF() * 2.2));
        verdict_->setText(tr("%1% sure this is not a digit; the closest digit is %2").arg(std::lround(notADigitScore_ * 100)).arg(order[0]));
        bars_->setHighlightColor(grey);
    } else if (unsure_) {
        digit_->setText(QStringLiteral("?"));
        digit_->setStyleSheet(QStringLiteral("color: %1").arg(grey.name()));
        verdict_->setText(tr("Not sure: maybe %1 (%2%) or %3 (%4%)").arg(order[0]).arg(pct(probabilities_, order[0])).arg(order[1]).arg(pct(probabilities_, order[1])));
        bars_->setHighlightColor(grey);
    } else {
        digit_->setText(QString::number(predicted_));
        digit_->setStyleSheet(QStringLiteral("color: %1").arg(sure.name()));
        verdict_->setText(tr("%1% sure").arg(std::lround(confidence_ * 100)));
        bars_->setHighlightColor(QColor());
    }
    // The bars: each digit's share of all the model's answers, so that with "not a digit" they
    // stay low instead of one digit renormalised to 100%; they match the "% sure".
    std::array<float, 10> shown = probabilities_;
    for (float& v : shown) v *= 1.0f - notADigitScore_;
    bars_->setProbabilities(shown);
}

void DrawPage::loadImage(const QImage& image) {
    if (image.isNull()) {
        showError(tr("There is no image to predict."));
        return;
    }
    showError({});
    picture_ = gray_from_qimage(image);  // as digit-cli predict reads it (image_file.h)
    // The pad shows dark ink on white; a light-on-dark picture (like MNIST's own) is inverted for it.
    const PreprocessResult probe = preprocess_digit(picture_);
    QImage shown = image.convertToFormat(QImage::Format_ARGB32);
    if (!probe.inverted) {
        QImage flat(shown.size(), QImage::Format_RGB32);
        flat.fill(Qt::black);
        QPainter(&flat).drawImage(0, 0, shown);
        flat.invertPixels();
        shown = flat;
    }
    canvas_->setPicture(shown);  // emits changed(): predicts picture_
}

bool DrawPage::pasteImage() {
    const QMimeData* mime = QGuiApplication::clipboard()->mimeData();
    if (mime && mime->hasImage()) {
        loadImage(qvariant_cast<QImage>(mime->imageData()));
        return true;
    }
    if (mime && mime->hasUrls() && !mime->urls().isEmpty() && mime->urls().front().isLocalFile())
        return loadImageFile(mime->urls().front().toLocalFile());
    if (mime && mime->hasText() && QFileInfo(mime->text().trimmed()).isFile()) return loadImageFile(mime->text().trimmed());
    showError(tr("The clipboard holds no image. Copy a picture (or an image file) and paste again."));
    return false;
}

bool DrawPage::loadImageFile(const QString& path) {
    // Large photos are decoded at 1/2-1/8 of their size (image_file.h): the ink finder works at
    // most 1024 pixels wide, and the pad shows it smaller still.
    const ImageFile f = read_image_file(path, kDecodeSide);
    const QString name = QFileInfo(path).fileName();
    switch (f.error) {
        case ImageFileError::None: loadImage(f.image); return true;
        case ImageFileError::NoSuchFile: showError(tr("Could not open %1: the file does not exist.").arg(name)); return false;
        case ImageFileError::PermissionDenied: showError(tr("Could not open %1: permission denied.").arg(name)); return false;
        case ImageFileError::IsFolder: showError(tr("Could not open %1: it is a folder, not an image file.").arg(name)); return false;
        case ImageFileError::NotRegularFile:
            showError(tr("Could not open %1: it is not a regular file (a device or a pipe).").arg(name));
            return false;
        case ImageFileError::FileTooLarge: showError(tr("Could not open %1: the file is too large for an image.").arg(name)); return false;
        case ImageFileError::TooManyPixels:
            showError(tr("Could not open %1: it has %2 x %3 pixels, more than the %4 megapixels a picture may have.")
                          .arg(name).arg(f.size.width()).arg(f.size.height()).arg(kMaxImagePixels / 1000000));
            return false;
        case ImageFileError::EmptyFile:
        case ImageFileError::NotAnImage: break;
    }
    showError(tr("%1 is not an image that can be read (%2). Open a PNG, JPEG or BMP picture of a digit.")
                  .arg(name, f.error == ImageFileError::EmptyFile ? tr("the file is empty") : QString::fromStdString(f.reason)));
    return false;
}

void DrawPage::openImage() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Image"), QString(),
                                                      tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.pgm *.ppm);;All files (*)"));
    if (!path.isEmpty()) loadImageFile(path);
}

void DrawPage::dragEnterEvent(QDragEnterEvent* event) {
    const QMimeData* mime = event->mimeData();
    const bool file = mime->hasUrls() && !mime->urls().isEmpty() && mime->urls().front().isLocalFile();
    if (file || mime->hasImage()) event->acceptProposedAction();
}

void DrawPage::dropEvent(QDropEvent* event) {
    const QMimeData* mime = event->mimeData();
    if (mime->hasUrls() && !mime->urls().isEmpty() && mime->urls().front().isLocalFile()) {
        loadImageFile(mime->urls().front().toLocalFile());
    } else if (mime->hasImage()) {
        loadImage(qvariant_cast<QImage>(mime->imageData()));
    }
    event->acceptProposedAction();
}

void DrawPage::prepareScreenshot(bool number) {
    canvas_->clear();
    // A "3" as a person draws it with a mouse: one stroke, slightly uneven. Coordinates in a unit
    // square first. For a number: "3", "1", "7" side by side.
    QPainterPath three(QPointF(0.30, 0.20));
    three.cubicTo(QPointF(0.40, 0.08), QPointF(0.68, 0.08), QPointF(0.69, 0.24));
    three.cubicTo(QPointF(0.70, 0.38), QPointF(0.55, 0.45), QPointF(0.44, 0.47));
    three.cubicTo(QPointF(0.56, 0.47), QPointF(0.75, 0.53), QPointF(0.73, 0.70));
    three.cubicTo(QPointF(0.71, 0.88), QPointF(0.45, 0.93), QPointF(0.27, 0.80));
    QPainterPath one(QPointF(0.42, 0.24));
    one.lineTo(QPointF(0.55, 0.12));
    one.lineTo(QPointF(0.52, 0.88));
    QPainterPath seven(QPointF(0.25, 0.16));
    seven.lineTo(QPointF(0.76, 0.15));
    seven.lineTo(QPointF(0.42, 0.88));
    std::vector<QPainterPath> digits{three};
    if (number) digits = {three, one, seven};
    const qreal cells = qreal(digits.size());
    const qreal side = std::min(canvas_->width() / cells, qreal(canvas_->height())) * (number ? 0.9 : 0.75);
    canvas_->setBrushSize(brush_->value() / 100.0 / (number ? 1.6 : 1.0));
    for (std::size_t k = 0; k < digits.size(); ++k) {
        const QPointF origin((canvas_->width() - side * cells) / 2 + side * qreal(k), (canvas_->height() - side) / 2);
        QPolygonF stroke;
        const int steps = 80;
        for (int i = 0; i <= steps; ++i) {
            const qreal t = qreal(i) / steps;
            // A small wobble, as a hand on a mouse makes.
            const QPointF wobble(0.004 * std::sin(t * 37.0), 0.004 * std::cos(t * 23.0));
            stroke << origin + (digits[k].pointAtPercent(t) + wobble) * side;
        }
        canvas_->addStroke(stroke);
    }
}

void DrawPage::prepareLetterScreenshot() {
    canvas_->clear();
    // Three strokes, as a person draws an "A": up, down, and the bar.
    const qreal side = std::min(canvas_->width(), canvas_->height()) * 0.7;
    const QPointF origin((canvas_->width() - side) / 2, (canvas_->height() - side) / 2);
    const std::vector<std::pair<QPointF, QPointF>> strokes = {
        {{0.15, 0.92}, {0.50, 0.08}}, {{0.50, 0.08}, {0.86, 0.92}}, {{0.30, 0.60}, {0.72, 0.60}}};
    canvas_->setBrushSize(brush_->value() / 100.0);
    for (const auto& [a, b] : strokes) {
        QPolygonF stroke;
        for (int i = 0; i <= 20; ++i) stroke << origin + (a + (b - a) * (i / 20.0)) * side;
        canvas_->addStroke(stroke);
    }
}

void DrawPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        texts_.apply();
        updateBrushText();
        onModelChanged();  // the model's details and the prediction's words
    }
    QWidget::changeEvent(event);
}

}  // namespace digit::ui
