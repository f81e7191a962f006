#include "training_config_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace digit::ui {

namespace {

enum Row { kOptimizer, kLearningRate, kMomentum, kDecay, kBeta1, kBeta2, kRho, kEpsilon,
           kLoss, kBatch, kEpochs, kSplit, kSeed, kMonitor, kPatience, kMinDelta };

const char* const kMonitors[] = {"val_loss", "val_accuracy", "loss", "accuracy"};

// The augmentation the `best` preset uses, for turning it on in other configurations.
AugmentationConfig defaultAugmentation() {
    AugmentationConfig a;
    a.max_shift = 2.5f;
    a.max_rotation = 12.0f;
    a.max_scale = 0.12f;
    a.stroke_probability = 0.4f;
    return a;
}

}  // namespace

ScientificSpinBox::ScientificSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
    setDecimals(12);  // QDoubleSpinBox rounds values to this many decimals
    setRange(0, 1e6);
}

QString ScientificSpinBox::textFromValue(double value) const { return QString::number(value, 'g', 6); }

double ScientificSpinBox::valueFromText(const QString& text) const {
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    return ok ? v : value();
}

QValidator::State ScientificSpinBox::validate(QString& text, int&) const {
    const QString t = text.trimmed();
    if (t.isEmpty()) return QValidator::Intermediate;
    bool ok = false;
    const double v = t.toDouble(&ok);
    if (ok) return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
    // Half-typed numbers such as "1e" or "1e-".
    static const QRegularExpression partial(QStringLiteral("^[0-9]*\\.?[0-9]*([eE][-+]?)?$"));
    return partial.match(t).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
}

void ScientificSpinBox::stepBy(int steps) {
    // Through 1, 2, 5 x 10^k: 0.001 -> 0.002 -> 0.005 -> 0.01.
    double v = value();
    for (int i = 0; i < std::abs(steps); ++i) {
        if (v <= 0) {
            v = steps > 0 ? 1e-4 : 0;
            continue;
        }
        const double p = std::pow(10.0, std::floor(std::log10(v) + 1e-9));
        const double m = v / p;
        if (steps > 0) v = m < 1.999 ? 2 * p : m < 4.999 ? 5 * p : 10 * p;
        else v = m > 5.001 ? 5 * p : m > 2.001 ? 2 * p : m > 1.001 ? p : 0.5 * p;
    }
    setValue(v);
}

TrainingConfigEditor::TrainingConfigEditor(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto label = [this](Row r, QWidget* buddy) {
        labels_[r] = new QLabel(this);
        labels_[r]->setBuddy(buddy);
        return labels_[r];
    };
    auto spin = [this](int lo, int hi) {
        auto* s = new QSpinBox(this);
        s->setRange(lo, hi);
        return s;
    };
    auto dspin = [this](double lo, double hi, int decimals, double step) {
        auto* s = new QDoubleSpinBox(this);
        s->setRange(lo, hi);
        s->setDecimals(decimals);
        s->setSingleStep(step);
        return s;
    };

    // Optimiser.
    optGroup_ = new QGroupBox(this);
    optForm_ = new QFormLayout(optGroup_);
    optimizer_ = new QComboBox(this);
    for (OptimizerKind k : {OptimizerKind::Adam, OptimizerKind::SGD, OptimizerKind::RMSprop, OptimizerKind::Adadelta})
        optimizer_->addItem(QString::fromStdString(optimizer_name(k)), static_cast<int>(k));
    lr_ = new ScientificSpinBox(this);
    momentum_ = dspin(0, 0.999, 3, 0.05);
    nesterov_ = new QCheckBox(this);
    decay_ = new ScientificSpinBox(this);
    beta1_ = dspin(0, 0.9999, 4, 0.01);
    beta2_ = dspin(0, 0.99999, 5, 0.001);
    rho_ = dspin(0, 0.9999, 4, 0.01);
    epsilon_ = new ScientificSpinBox(this);
    optForm_->addRow(label(kOptimizer, optimizer_), optimizer_);
    optForm_->addRow(label(kLearningRate, lr_), lr_);
    optForm_->addRow(label(kMomentum, momentum_), momentum_);
    optForm_->addRow(QString(), nesterov_);
    optForm_->addRow(label(kBeta1, beta1_), beta1_);
    optForm_->addRow(label(kBeta2, beta2_), beta2_);
    optForm_->addRow(label(kRho, rho_), rho_);
    optForm_->addRow(label(kEpsilon, epsilon_), epsilon_);
    optForm_->addRow(label(kDecay, decay_), decay_);
    layout->addWidget(optGroup_);

    // Loss and the fit loop.
    fitGroup_ = new QGroupBox(this);
    auto* fit = new QFormLayout(fitGroup_);
    loss_ = new QComboBox(this);
    loss_->addItem(QString::fromStdString(loss_name(LossKind::SparseCategoricalCrossentropy)),
                   static_cast<int>(LossKind::SparseCategoricalCrossentropy));
    loss_->addItem(QString::fromStdString(loss_name(LossKind::CategoricalCrossentropy)),
                   static_cast<int>(LossKind::CategoricalCrossentropy));
    fromLogits_ = new QCheckBox(this);
    batch_ = spin(1, 60000);
    epochs_ = spin(1, 1000);
    split_ = dspin(0, 0.9, 2, 0.05);
    seed_ = spin(0, std::numeric_limits<int>::max());
    limitOn_ = new QCheckBox(this);
    limit_ = spin(100, 60000);
    limit_->setSingleStep(1000);
    limit_->setValue(6000);
    limit_->setEnabled(false);
    augment_ = new QCheckBox(this);
    notADigit_ = new QCheckBox(this);
    auto* limitRow = new QHBoxLayout;
    limitRow->addWidget(limitOn_);
    limitRow->addWidget(limit_, 1);
    limitRow->addWidget(notADigit_);
    fit->addRow(label(kLoss, loss_), loss_);
    fit->addRow(QString(), fromLogits_);
    fit->addRow(label(kBatch, batch_), batch_);
    fit->addRow(label(kEpochs, epochs_), epochs_);
    fit->addRow(label(kSplit, split_), split_);
    // Short fields share a row with a check box, so the whole tab fits a 1280x800 window in
    // Chinese as in English (no scrolling to reach "restore best weights").
    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(seed_, 1);
    seedRow->addWidget(augment_);
    fit->addRow(label(kSeed, seed_), seedRow);
    fit->addRow(limitRow);
    layout->addWidget(fitGroup_);

    // Early stopping.
    early_ = new QGroupBox(this);
    early_->setCheckable(true);
    early_->setChecked(false);
    auto* es = new QFormLayout(early_);
    monitor_ = new QComboBox(this);
    for (const char* m : kMonitors) monitor_->addItem(QString::fromLatin1(m));
    patience_ = spin(0, 1000);
    minDelta_ = dspin(0, 1, 4, 0.001);
    restoreBest_ = new QCheckBox(this);
    es->addRow(label(kMonitor, monitor_), monitor_);
    es->addRow(label(kPatience, patience_), patience_);
    auto* deltaRow = new QHBoxLayout;
    deltaRow->addWidget(minDelta_, 1);
    deltaRow->addWidget(restoreBest_);
    es->addRow(label(kMinDelta, minDelta_), deltaRow);
    layout->addWidget(early_);
    layout->addStretch(1);

    connect(optimizer_, &QComboBox::currentIndexChanged, this, [this] {
        if (updating_) return;
        // A new optimiser starts from Keras's defaults for it (SGD's lr 0.01, Adam's 0.001, ...).
        setOptimizerFields(OptimizerConfig::defaults(static_cast<OptimizerKind>(optimizer_->currentData().toInt())));
        emit changed();
    });
    connect(limitOn_, &QCheckBox::toggled, limit_, &QWidget::setEnabled);
    auto notify = [this] {
        if (!updating_) emit changed();
    };
    for (QDoubleSpinBox* s : {static_cast<QDoubleSpinBox*>(lr_), momentum_, static_cast<QDoubleSpinBox*>(decay_), beta1_,
                              beta2_, rho_, static_cast<QDoubleSpinBox*>(epsilon_), split_, minDelta_})
        connect(s, &QDoubleSpinBox::valueChanged, this, notify);
    for (QSpinBox* s : {batch_, epochs_, seed_, limit_, patience_}) connect(s, &QSpinBox::valueChanged, this, notify);
    for (QCheckBox* c : {nesterov_, fromLogits_, limitOn_, augment_, notADigit_, restoreBest_}) connect(c, &QCheckBox::toggled, this, notify);
    for (QComboBox* c : {loss_, monitor_}) connect(c, &QComboBox::currentIndexChanged, this, notify);
    connect(early_, &QGroupBox::toggled, this, notify);

    retranslate();
    setConfig(TrainConfig{});
}

void TrainingConfigEditor::retranslate() {
    optGroup_->setTitle(tr("Optimiser"));
    labels_[kOptimizer]->setText(tr("&Optimiser:"));
    labels_[kLearningRate]->setText(tr("&Learning rate:"));
    lr_->setToolTip(tr("Type a number such as 0.001 or 1e-3; the arrows step through 1, 2, 5 × 10ⁿ"));
    labels_[kMomentum]->setText(tr("Momentum:"));
    nesterov_->setText(tr("Nesterov momentum"));
    labels_[kDecay]->setText(tr("Decay:"));
    decay_->setToolTip(tr("Keras's legacy decay: learning rate / (1 + decay × iterations); 0 = constant"));
    labels_[kBeta1]->setText(QStringLiteral("beta_1:"));
    labels_[kBeta2]->setText(QStringLiteral("beta_2:"));
    labels_[kRho]->setText(QStringLiteral("rho:"));
    labels_[kEpsilon]->setText(QStringLiteral("epsilon:"));

    fitGroup_->setTitle(tr("Training"));
    labels_[kLoss]->setText(tr("Lo&ss:"));
    fromLogits_->setText(QStringLiteral("from_logits"));
    fromLogits_->setToolTip(tr("Tick when the last layer outputs raw scores (a linear activation)"));
    labels_[kBatch]->setText(tr("&Batch size:"));
    labels_[kEpochs]->setText(tr("&Epochs:"));
    labels_[kSplit]->setText(tr("&Validation split:"));
    split_->setToolTip(tr("The last fraction of the training images is held out for validation, as in Keras"));
    labels_[kSeed]->setText(tr("See&d:"));
    seed_->setToolTip(tr("The same seed and settings give the same run"));
    limitOn_->setText(tr("Only the first"));
    limit_->setSuffix(tr(" training images"));
    limitOn_->setToolTip(tr("For quick experiments: train on fewer images"));
    augment_->setText(tr("Augment the images"));
    augment_->setToolTip(tr("Shift, rotate, rescale and thicken or thin each training image at random, every epoch"));
    notADigit_->setText(tr("Non-digits"));
    notADigit_->setToolTip(tr("Add generated letters, scribbles, shapes, blobs, noise and empty pictures to every epoch as an "
                              "11th class, \"not a digit\" (the last Dense layer needs 11 units)"));

    early_->setTitle(tr("Early stopping"));
    labels_[kMonitor]->setText(tr("Monitor:"));
    labels_[kPatience]->setText(tr("Patience (epochs):"));
    labels_[kMinDelta]->setText(tr("Minimum change:"));
    restoreBest_->setText(tr("Restore the best weights"));
}

void TrainingConfigEditor::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void TrainingConfigEditor::showOptimizerRows() {
    const auto kind = static_cast<OptimizerKind>(optimizer_->currentData().toInt());
    optForm_->setRowVisible(momentum_, kind == OptimizerKind::SGD);
    optForm_->setRowVisible(nesterov_, kind == OptimizerKind::SGD);
    optForm_->setRowVisible(beta1_, kind == OptimizerKind::Adam);
    optForm_->setRowVisible(beta2_, kind == OptimizerKind::Adam);
    optForm_->setRowVisible(rho_, kind == OptimizerKind::RMSprop || kind == OptimizerKind::Adadelta);
    optForm_->setRowVisible(epsilon_, kind != OptimizerKind::SGD);
}

void TrainingConfigEditor::setOptimizerFields(const OptimizerConfig& c) {
    const bool was = updating_;
    updating_ = true;
    optimizer_->setCurrentIndex(optimizer_->findData(static_cast<int>(c.kind)));
    lr_->setValue(c.learning_rate);
    momentum_->setValue(c.momentum);
    nesterov_->setChecked(c.nesterov);
    decay_->setValue(c.decay);
    beta1_->setValue(c.beta_1);
    beta2_->setValue(c.beta_2);
    rho_->setValue(c.rho);
    epsilon_->setValue(c.epsilon);
    updating_ = was;
    showOptimizerRows();
}

void TrainingConfigEditor::setConfig(const TrainConfig& c) {
    updating_ = true;
    setOptimizerFields(c.optimizer);
    loss_->setCurrentIndex(loss_->findData(static_cast<int>(c.loss.kind)));
    fromLogits_->setChecked(c.loss.from_logits);
    batch_->setValue(c.batch_size);
    epochs_->setValue(c.epochs);
    split_->setValue(c.validation_split);
    seed_->setValue(static_cast<int>(std::min<std::uint64_t>(c.seed, std::numeric_limits<int>::max())));
    augmentation_ = c.augmentation.enabled() ? c.augmentation : defaultAugmentation();
    augment_->setChecked(c.augmentation.enabled());
    notADigitShare_ = c.not_a_digit_share > 0 ? c.not_a_digit_share : kDefaultNotADigitShare;
    notADigit_->setChecked(c.not_a_digit_share > 0);
    early_->setChecked(c.early_stopping.enabled);
    const int m = monitor_->findText(QString::fromStdString(c.early_stopping.monitor));
    monitor_->setCurrentIndex(m >= 0 ? m : 0);
    patience_->setValue(c.early_stopping.patience);
    minDelta_->setValue(c.early_stopping.min_delta);
    restoreBest_->setChecked(c.early_stopping.restore_best_weights);
    updating_ = false;
    emit changed();
}

TrainConfig TrainingConfigEditor::config() const {
    TrainConfig c;
    OptimizerConfig& o = c.optimizer;
    o = OptimizerConfig::defaults(static_cast<OptimizerKind>(optimizer_->currentData().toInt()));
    o.learning_rate = static_cast<float>(lr_->value());
    o.momentum = static_cast<float>(momentum_->value());
    o.nesterov = nesterov_->isChecked();
    o.decay = static_cast<float>(decay_->value());
    o.beta_1 = static_cast<float>(beta1_->value());
    o.beta_2 = static_cast<float>(beta2_->value());
    o.rho = static_cast<float>(rho_->value());
    o.epsilon = static_cast<float>(epsilon_->value());
    c.loss.kind = static_cast<LossKind>(loss_->currentData().toInt());
    c.loss.from_logits = fromLogits_->isChecked();
    c.batch_size = batch_->value();
    c.epochs = epochs_->value();
    c.validation_split = static_cast<float>(split_->value());
    c.seed = static_cast<std::uint64_t>(seed_->value());
    if (augment_->isChecked()) c.augmentation = augmentation_;
    if (notADigit_->isChecked()) c.not_a_digit_share = notADigitShare_;
    c.early_stopping.enabled = early_->isChecked();
    c.early_stopping.monitor = monitor_->currentText().toStdString();
    c.early_stopping.patience = patience_->value();
    c.early_stopping.min_delta = static_cast<float>(minDelta_->value());
    c.early_stopping.restore_best_weights = restoreBest_->isChecked();
    return c;
}

std::size_t TrainingConfigEditor::trainLimit() const {
    return limitOn_->isChecked() ? static_cast<std::size_t>(limit_->value()) : 0;
}

void TrainingConfigEditor::setTrainLimit(std::size_t n) {
    updating_ = true;
    limitOn_->setChecked(n > 0);
    if (n > 0) limit_->setValue(static_cast<int>(n));
    updating_ = false;
    emit changed();
}

}  // namespace digit::ui
