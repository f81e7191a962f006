#include "network_editor.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace digit::ui {

namespace {

bool isImageInput(const Shape& s) { return s.rank() == 3; }

// What a new layer of each kind starts as.
LayerSpec newLayer(LayerKind kind) {
    switch (kind) {
    case LayerKind::Dense: return LayerSpec::dense(64, Activation::Relu);
    case LayerKind::Dropout: return LayerSpec::dropout(0.2f);
    case LayerKind::Flatten: return LayerSpec::flatten();
    case LayerKind::Activation: return LayerSpec::activation_layer(Activation::Relu);
    case LayerKind::Conv2D: return LayerSpec::conv2d(32, 3, Activation::Relu);
    case LayerKind::MaxPooling2D: return LayerSpec::max_pooling2d(2);
    case LayerKind::BatchNormalization: return LayerSpec::batch_normalization();
    }
    return LayerSpec::dense(64, Activation::Relu);
}

}  // namespace

NetworkEditor::NetworkEditor(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* inputRow = new QHBoxLayout;
    inputLabel_ = new QLabel(this);
    input_ = new QComboBox(this);
    input_->addItem(QString());
    input_->addItem(QString());
    inputLabel_->setBuddy(input_);
    inputRow->addWidget(inputLabel_);
    inputRow->addWidget(input_, 1);
    layout->addLayout(inputRow);

    layersLabel_ = new QLabel(this);
    layout->addWidget(layersLabel_);
    list_ = new QListWidget(this);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setMinimumHeight(120);
    layersLabel_->setBuddy(list_);
    layout->addWidget(list_, 1);

    auto* buttons = new QHBoxLayout;
    add_ = new QToolButton(this);
    add_->setPopupMode(QToolButton::InstantPopup);
    add_->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* addMenu = new QMenu(add_);
    for (LayerKind k : {LayerKind::Dense, LayerKind::Dropout, LayerKind::Flatten, LayerKind::Conv2D,
                        LayerKind::MaxPooling2D, LayerKind::Activation, LayerKind::BatchNormalization}) {
        QAction* a = addMenu->addAction(QString::fromStdString(layer_kind_name(k)));
        connect(a, &QAction::triggered, this, [this, k] { addLayer(newLayer(k)); });
    }
    add_->setMenu(addMenu);
    remove_ = new QPushButton(this);
    up_ = new QPushButton(this);
    down_ = new QPushButton(this);
    buttons->addWidget(add_);
    buttons->addWidget(remove_);
    buttons->addStretch(1);
    buttons->addWidget(up_);
    buttons->addWidget(down_);
    layout->addLayout(buttons);

    properties_ = new QWidget(this);
    form_ = new QFormLayout(properties_);
    form_->setContentsMargins(0, 4, 0, 0);
    kindLabel_ = new QLabel(properties_);
    QFont bold = kindLabel_->font();
    bold.setBold(true);
    kindLabel_->setFont(bold);
    form_->addRow(kindLabel_);

    auto row = [this](QLabel*& label, QWidget* field) {
        label = new QLabel(properties_);
        label->setBuddy(field);
        form_->addRow(label, field);
    };
    units_ = new QSpinBox(properties_);
    units_->setRange(1, 4096);
    row(unitsLabel_, units_);
    activation_ = new QComboBox(properties_);
    for (Activation a : all_activations())
        activation_->addItem(QString::fromStdString(activation_name(a)), static_cast<int>(a));
    row(activationLabel_, activation_);
    kernel_ = new QSpinBox(properties_);
    kernel_->setRange(1, 28);
    row(kernelLabel_, kernel_);
    stride_ = new QSpinBox(properties_);
    stride_->setRange(0, 28);
    row(strideLabel_, stride_);
    padding_ = new QComboBox(properties_);
    padding_->addItem("valid");
    padding_->addItem("same");
    row(paddingLabel_, padding_);
    pool_ = new QSpinBox(properties_);
    pool_->setRange(1, 28);
    row(poolLabel_, pool_);
    rate_ = new QDoubleSpinBox(properties_);
    rate_->setRange(0, 0.99);
    rate_->setSingleStep(0.05);
    rate_->setDecimals(2);
    row(rateLabel_, rate_);
    l2_ = new QDoubleSpinBox(properties_);
    l2_->setRange(0, 1);
    l2_->setDecimals(5);
    l2_->setSingleStep(0.0001);
    row(l2Label_, l2_);
    layout->addWidget(properties_);

    connect(input_, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (updating_) return;
        spec_.input = index == 1 ? Shape{28, 28, 1} : Shape{784};
        emit specChanged();
    });
    connect(list_, &QListWidget::currentRowChanged, this, [this](int r) {
        showLayer(r);
        updateButtons();
    });
    connect(remove_, &QPushButton::clicked, this, [this] { removeLayer(currentRow()); });
    connect(up_, &QPushButton::clicked, this, [this] { moveLayer(currentRow(), currentRow() - 1); });
    connect(down_, &QPushButton::clicked, this, [this] { moveLayer(currentRow(), currentRow() + 1); });
    for (QSpinBox* s : {units_, kernel_, stride_, pool_})
        connect(s, &QSpinBox::valueChanged, this, &NetworkEditor::readFields);
    for (QDoubleSpinBox* s : {rate_, l2_}) connect(s, &QDoubleSpinBox::valueChanged, this, &NetworkEditor::readFields);
    for (QComboBox* c : {activation_, padding_})
        connect(c, &QComboBox::currentIndexChanged, this, &NetworkEditor::readFields);

    retranslate();
    setSpec(spec_);
}

void NetworkEditor::retranslate() {
    inputLabel_->setText(tr("&Input:"));
    input_->setItemText(0, tr("784 values (flat, for Dense networks)"));
    input_->setItemText(1, tr("28×28×1 image (for Conv2D networks)"));
    layersLabel_->setText(tr("&Layers (first to last):"));
    add_->setText(tr("Add layer"));
    add_->setToolTip(tr("Add a layer after the selected one"));
    remove_->setText(tr("Remove"));
    up_->setText(tr("Move up"));
    down_->setText(tr("Move down"));
    activationLabel_->setText(tr("Activation:"));
    kernelLabel_->setText(tr("Kernel size:"));
    strideLabel_->setText(tr("Stride:"));
    paddingLabel_->setText(tr("Padding:"));
    poolLabel_->setText(tr("Pool size:"));
    rateLabel_->setText(tr("Dropout rate:"));
    l2Label_->setText(tr("L2 factor:"));
    l2_->setToolTip(tr("Kernel L2 regularisation, as Keras's kernel_regularizer=l2(factor); 0 = off"));
    rebuildList();
    showLayer(currentRow());
}

void NetworkEditor::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

QString NetworkEditor::describe(const LayerSpec& l) {
    const QString kind = QString::fromStdString(layer_kind_name(l.kind));
    const QString act = QString::fromStdString(activation_name(l.activation));
    const QString dot = QStringLiteral(" · ");
    QString text = kind;
    switch (l.kind) {
    case LayerKind::Dense:
        text += dot + tr("%n unit(s)", nullptr, l.units) + dot + act;
        break;
    case LayerKind::Conv2D:
        text += dot + tr("%n filter(s)", nullptr, l.units) + dot + QStringLiteral("%1×%1").arg(l.kernel) + dot + act;
        if (l.stride > 1) text += dot + tr("stride %1").arg(l.stride);
        if (l.padding == Padding::Same) text += dot + QStringLiteral("same");
        break;
    case LayerKind::Dropout: text += dot + QString::number(double(l.rate), 'g', 3); break;
    case LayerKind::MaxPooling2D:
        text += dot + QStringLiteral("%1×%1").arg(l.pool);
        if (l.stride > 0 && l.stride != l.pool) text += dot + tr("stride %1").arg(l.stride);
        if (l.padding == Padding::Same) text += dot + QStringLiteral("same");
        break;
    case LayerKind::Activation: text += dot + act; break;
    case LayerKind::Flatten:
    case LayerKind::BatchNormalization: break;
    }
    if ((l.kind == LayerKind::Dense || l.kind == LayerKind::Conv2D) && l.l2 > 0)
        text += dot + QStringLiteral("L2 %1").arg(double(l.l2), 0, 'g', 3);
    return text;
}

void NetworkEditor::setSpec(const ModelSpec& spec) {
    spec_ = spec;
    updating_ = true;
    input_->setCurrentIndex(isImageInput(spec_.input) ? 1 : 0);
    updating_ = false;
    rebuildList();
    selectRow(spec_.layers.empty() ? -1 : 0);
    emit specChanged();
}

void NetworkEditor::rebuildList() {
    const int keep = list_->currentRow();
    updating_ = true;
    list_->clear();
    for (std::size_t i = 0; i < spec_.layers.size(); ++i)
        list_->addItem(QStringLiteral("%1. %2").arg(i + 1).arg(describe(spec_.layers[i])));
    updating_ = false;
    if (keep >= 0 && keep < list_->count()) list_->setCurrentRow(keep);
    updateButtons();
}

int NetworkEditor::currentRow() const { return list_->currentRow(); }

void NetworkEditor::selectRow(int row) {
    list_->setCurrentRow(row);
    showLayer(row);
    updateButtons();
}

void NetworkEditor::addLayer(const LayerSpec& layer) {
    const int at = currentRow() >= 0 ? currentRow() + 1 : static_cast<int>(spec_.layers.size());
    spec_.layers.insert(spec_.layers.begin() + at, layer);
    rebuildList();
    selectRow(at);
    emit specChanged();
}

void NetworkEditor::removeLayer(int row) {
    if (row < 0 || row >= static_cast<int>(spec_.layers.size())) return;
    spec_.layers.erase(spec_.layers.begin() + row);
    rebuildList();
    selectRow(std::min(row, static_cast<int>(spec_.layers.size()) - 1));
    emit specChanged();
}

void NetworkEditor::moveLayer(int from, int to) {
    const int n = static_cast<int>(spec_.layers.size());
    if (from < 0 || from >= n || to < 0 || to >= n || from == to) return;
    LayerSpec l = spec_.layers[from];
    spec_.layers.erase(spec_.layers.begin() + from);
    spec_.layers.insert(spec_.layers.begin() + to, l);
    rebuildList();
    selectRow(to);
    emit specChanged();
}

void NetworkEditor::setLayer(int row, const LayerSpec& layer) {
    if (row < 0 || row >= static_cast<int>(spec_.layers.size())) return;
    spec_.layers[row] = layer;
    rebuildList();
    showLayer(currentRow());
    emit specChanged();
}

void NetworkEditor::updateButtons() {
    const int r = currentRow(), n = static_cast<int>(spec_.layers.size());
    remove_->setEnabled(r >= 0);
    up_->setEnabled(r > 0);
    down_->setEnabled(r >= 0 && r + 1 < n);
}

void NetworkEditor::showLayer(int row) {
    const bool valid = row >= 0 && row < static_cast<int>(spec_.layers.size());
    properties_->setVisible(valid);
    if (!valid) return;
    const LayerSpec& l = spec_.layers[row];
    updating_ = true;
    kindLabel_->setText(tr("Layer %1: %2").arg(row + 1).arg(QString::fromStdString(layer_kind_name(l.kind))));
    const bool dense = l.kind == LayerKind::Dense, conv = l.kind == LayerKind::Conv2D;
    const bool pool = l.kind == LayerKind::MaxPooling2D;
    form_->setRowVisible(units_, dense || conv);
    unitsLabel_->setText(conv ? tr("Filters:") : tr("Units:"));
    form_->setRowVisible(activation_, dense || conv || l.kind == LayerKind::Activation);
    form_->setRowVisible(kernel_, conv);
    form_->setRowVisible(stride_, conv || pool);
    // MaxPooling2D's stride 0 means "the pool size", as in Keras's strides=None.
    stride_->setMinimum(pool ? 0 : 1);
    stride_->setSpecialValueText(pool ? tr("pool size") : QString());
    form_->setRowVisible(padding_, conv || pool);
    form_->setRowVisible(pool_, pool);
    form_->setRowVisible(rate_, l.kind == LayerKind::Dropout);
    form_->setRowVisible(l2_, dense || conv);
    units_->setValue(l.units);
    activation_->setCurrentIndex(activation_->findData(static_cast<int>(l.activation)));
    kernel_->setValue(l.kernel);
    stride_->setValue(l.stride);
    padding_->setCurrentIndex(l.padding == Padding::Same ? 1 : 0);
    pool_->setValue(l.pool);
    rate_->setValue(l.rate);
    l2_->setValue(l.l2);
    updating_ = false;
}

void NetworkEditor::readFields() {
    const int row = currentRow();
    if (updating_ || row < 0 || row >= static_cast<int>(spec_.layers.size())) return;
    LayerSpec l = spec_.layers[row];
    const bool dense = l.kind == LayerKind::Dense, conv = l.kind == LayerKind::Conv2D;
    if (dense || conv) {
        l.units = units_->value();
        l.l2 = static_cast<float>(l2_->value());
    }
    if (dense || conv || l.kind == LayerKind::Activation)
        l.activation = static_cast<Activation>(activation_->currentData().toInt());
    if (conv) l.kernel = kernel_->value();
    if (conv || l.kind == LayerKind::MaxPooling2D) {
        l.stride = stride_->value();
        l.padding = padding_->currentIndex() == 1 ? Padding::Same : Padding::Valid;
    }
    if (l.kind == LayerKind::MaxPooling2D) l.pool = pool_->value();
    if (l.kind == LayerKind::Dropout) l.rate = static_cast<float>(rate_->value());
    if (l == spec_.layers[row]) return;
    spec_.layers[row] = l;
    updating_ = true;
    list_->item(row)->setText(QStringLiteral("%1. %2").arg(row + 1).arg(describe(l)));
    updating_ = false;
    emit specChanged();
}

}  // namespace digit::ui
