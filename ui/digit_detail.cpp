#include "digit_detail.h"

#include "digit_grid.h"
#include "network.h"
#include "preprocess.h"
#include "probability_bars.h"
#include "session.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

namespace digit::ui {

DigitDetailDialog::DigitDetailDialog(Session* session, QWidget* parent) : QDialog(parent), session_(session) {
    view_ = new PixelImageView(this);
    view_->setPreferredScale(8);
    view_->setFixedSize(view_->sizeHint());
    text_ = new QLabel(this);
    text_->setWordWrap(true);
    text_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bars_ = new ProbabilityBars(this);
    bars_->setMinimumHeight(120);
    send_ = new QPushButton(this);
    lookInside_ = new QPushButton(this);
    close_ = new QPushButton(this);
    actions_ = new QHBoxLayout;
    actions_->addWidget(send_);
    actions_->addWidget(lookInside_);
    actions_->addStretch(1);
    actions_->addWidget(close_);

    auto* top = new QHBoxLayout;
    top->addWidget(view_, 0, Qt::AlignTop);
    top->addWidget(text_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(bars_);
    layout->addLayout(actions_);

    connect(send_, &QPushButton::clicked, this, [this] {
        if (!image_.isNull()) emit sendToCanvas(image_);
    });
    connect(lookInside_, &QPushButton::clicked, this, [this] {
        if (!image_.isNull()) emit lookInside(image_, title_);
    });
    connect(close_, &QPushButton::clicked, this, &QDialog::close);
    connect(session_, &Session::modelChanged, this, [this] {
        if (isVisible()) predict();
    });
    retranslate();
}

void DigitDetailDialog::retranslate() {
    setWindowTitle(tr("Image"));
    send_->setText(tr("Send to Canvas"));
    send_->setToolTip(tr("Open this image on the Draw page"));
    lookInside_->setText(tr("Look Inside"));
    lookInside_->setToolTip(tr("See this image's way through the network on the Inside page"));
    close_->setText(tr("Close"));
    if (label_ >= 0) predict();
}

void DigitDetailDialog::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QDialog::changeEvent(event);
}

void DigitDetailDialog::addAction(QPushButton* button) { actions_->insertWidget(1, button); }

QString DigitDetailDialog::text() const { return text_->text(); }

void DigitDetailDialog::showDigit(const std::uint8_t* pixels, int label, const QString& title) {
    image_ = mnistToImage(pixels);
    input_ = mnist_image(pixels);
    label_ = label;
    title_ = title;
    view_->setImage(image_);
    send_->setEnabled(true);
    predict();
}

void DigitDetailDialog::predict() {
    probabilities_.fill(0.0f);
    QString text = QStringLiteral("<b>%1</b><br>").arg(title_.toHtmlEscaped()) + tr("Label: <b>%1</b>").arg(label_);
    Network* net = session_->model();
    if (!net) {
        text += QStringLiteral("<br>") + tr("No model to predict with.");
        bars_->clear();
    } else {
        try {
            Matrix x(1, Eigen::Index(input_.size()));
            for (std::size_t i = 0; i < input_.size(); ++i) x(0, Eigen::Index(i)) = input_[i];
            const Matrix p = net->predict(x);
            for (int d = 0; d < 10 && d < p.cols(); ++d) probabilities_[std::size_t(d)] = float(p(0, d));
            const int guess = int(std::max_element(probabilities_.begin(), probabilities_.end()) - probabilities_.begin());
            const QColor color = guess == label_ ? QColor(46, 125, 50) : QColor(198, 40, 40);
            text += QStringLiteral("<br>") + tr("%1 predicts: <b style='color:%2'>%3</b> (%4%)")
                                                 .arg(session_->modelName().toHtmlEscaped(), color.name())
                                                 .arg(guess)
                                                 .arg(probabilities_[std::size_t(guess)] * 100.0, 0, 'f', 1);
            bars_->setHighlightColor(color);
            bars_->setProbabilities(probabilities_);
        } catch (const std::exception& e) {
            text += QStringLiteral("<br>") + tr("The model could not predict this image: %1").arg(QString::fromUtf8(e.what()).toHtmlEscaped());
            bars_->clear();
        }
    }
    text_->setText(text);
}

}  // namespace digit::ui
