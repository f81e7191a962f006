#include "data_page.h"

#include "digit_detail.h"
#include "digit_grid.h"
#include "mnist.h"
#include "session.h"

#include <QEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRandomGenerator>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <random>

namespace digit::ui {

DataPage::DataPage(Session* session, QWidget* parent) : QWidget(parent), session_(session) {
    set_ = new QComboBox(this);
    set_->addItem(QString(), int(Set::Training));
    texts_.add([=, this, i = set_->count() - 1] { set_->setItemText(i, tr("Training set")); });
    set_->addItem(QString(), int(Set::Test));
    texts_.add([=, this, i = set_->count() - 1] { set_->setItemText(i, tr("Test set")); });
    digit_ = new QComboBox(this);
    digit_->addItem(QString(), -1);
    texts_.add([=, this, i = digit_->count() - 1] { digit_->setItemText(i, tr("All digits")); });
    for (int d = 0; d < 10; ++d) digit_->addItem(QString::number(d), d);
    shuffle_ = new QPushButton(this);
    texts_.add([=, this] { shuffle_->setText(tr("Reshuffle")); });
    texts_.add([=, this] { shuffle_->setToolTip(tr("Show the images in a new random order")); });
    auto* setLabel = new QLabel(this);
    texts_.add([=, this] { setLabel->setText(tr("Images:")); });
    setLabel->setBuddy(set_);
    auto* digitLabel = new QLabel(this);
    texts_.add([=, this] { digitLabel->setText(tr("Digit:")); });
    digitLabel->setBuddy(digit_);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    counts_ = new QLabel(this);
    counts_->setWordWrap(true);
    counts_->setForegroundRole(QPalette::PlaceholderText);

    auto* bar = new QHBoxLayout;
    bar->addWidget(setLabel);
    bar->addWidget(set_);
    bar->addSpacing(12);
    bar->addWidget(digitLabel);
    bar->addWidget(digit_);
    bar->addSpacing(12);
    bar->addWidget(shuffle_);
    bar->addSpacing(12);
    bar->addWidget(status_, 1);

    grid_ = new DigitGrid(this);
    grid_->setThumbnailScale(3);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(counts_);
    layout->addWidget(grid_, 1);

    connect(set_, &QComboBox::activated, this, [this] {
        updateCounts();
        rebuild();
    });
    connect(digit_, &QComboBox::activated, this, [this] { rebuild(); });
    connect(grid_, &DigitGrid::itemDoubleClicked, this, &DataPage::showDetail);
    connect(shuffle_, &QPushButton::clicked, this, qOverload<>(&DataPage::reshuffle));
    connect(session_, &Session::dataLoaded, this, [this] {
        updateCounts();
        rebuild();
    });
    connect(session_, &Session::dataFailed, this, [this](const QString& message) {
        status_->setText(message);
        grid_->setEmptyText(message);
    });

    seed_ = QRandomGenerator::global()->generate64();
    updateCounts();
    rebuild();
}

void DataPage::showDetail(int index) {
    const MnistData* data = session_->data();
    if (!data) return;
    const bool training = set() == Set::Training;
    const Dataset& ds = training ? data->train : data->test;
    if (index < 0 || index >= int(ds.size())) return;
    if (!detail_) {
        detail_ = new DigitDetailDialog(session_, this);
        connect(detail_, &DigitDetailDialog::sendToCanvas, this, &DataPage::sendToCanvas);
        connect(detail_, &DigitDetailDialog::lookInside, this, &DataPage::lookInside);
    }
    const QString title = training ? tr("Training image #%1").arg(QLocale().toString(index))
                                   : tr("Test image #%1").arg(QLocale().toString(index));
    detail_->showDigit(ds.image(std::size_t(index)), ds.labels[std::size_t(index)], title);
    detail_->show();
    detail_->raise();
    detail_->activateWindow();
}

void DataPage::prepareScreenshot() {
    setSet(Set::Training);
    setDigitFilter(-1);
    reshuffle(2024);
}

void DataPage::setSet(Set set) {
    set_->setCurrentIndex(set_->findData(int(set)));
    updateCounts();
    rebuild();
}

DataPage::Set DataPage::set() const { return Set(set_->currentData().toInt()); }

void DataPage::setDigitFilter(int digit) {
    digit_->setCurrentIndex(std::clamp(digit, -1, 9) + 1);
    rebuild();
}

int DataPage::digitFilter() const { return digit_->currentData().toInt(); }

void DataPage::reshuffle(std::uint64_t seed) {
    seed_ = seed;
    rebuild();
}

void DataPage::reshuffle() { reshuffle(QRandomGenerator::global()->generate64()); }

std::vector<int> DataPage::shownIndices() const { return grid_->visibleIds(); }

void DataPage::updateCounts() {
    const MnistData* data = session_->data();
    if (!data) {
        counts_->clear();
        return;
    }
    const Dataset& ds = set() == Set::Training ? data->train : data->test;
    std::array<int, 10> per{};
    for (std::uint8_t label : ds.labels) ++per[label];
    const QLocale locale;
    QStringList parts;
    for (int d = 0; d < 10; ++d) {
        parts << tr("%1: %2").arg(d).arg(locale.toString(per[std::size_t(d)]));
        digit_->setItemText(d + 1, tr("%1  (%2)").arg(d).arg(locale.toString(per[std::size_t(d)])));
    }
    counts_->setText(tr("Images per digit: %1").arg(parts.join(QStringLiteral("  \u00b7  "))));
}

void DataPage::rebuild() {
    order_.clear();
    const MnistData* data = session_->data();
    if (!data) {
        const QString text = tr("Waiting for MNIST to load...");
        status_->setText(text);
        grid_->setItems({});
        grid_->setEmptyText(text);
        return;
    }
    const bool training = set() == Set::Training;
    const Dataset& ds = training ? data->train : data->test;
    const int digit = digitFilter();
    for (std::size_t i = 0; i < ds.size(); ++i)
        if (digit < 0 || ds.labels[i] == digit) order_.push_back(int(i));
    std::mt19937_64 rng(seed_);
    std::shuffle(order_.begin(), order_.end(), rng);

    std::vector<DigitGridItem> items;
    items.reserve(order_.size());
    const QLocale locale;
    for (int i : order_) {
        DigitGridItem item;
        item.id = i;
        item.image = mnistToImage(ds.image(std::size_t(i)));
        item.caption = QStringLiteral("%1\n#%2").arg(ds.labels[std::size_t(i)]).arg(locale.toString(i));
        items.push_back(std::move(item));
    }
    grid_->setItems(std::move(items));
    const QString count = locale.toString(qulonglong(order_.size()));
    if (digit < 0)
        status_->setText(training ? tr("%1 training images in random order.").arg(count)
                                  : tr("%1 test images in random order.").arg(count));
    else
        status_->setText(training ? tr("%1 training images of %2 in random order.").arg(count).arg(digit)
                                  : tr("%1 test images of %2 in random order.").arg(count).arg(digit));
}

void DataPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        texts_.apply();
        rebuild();
    }
    QWidget::changeEvent(event);
}

}  // namespace digit::ui
