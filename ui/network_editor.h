#pragma once
// Edits a ModelSpec the way a Keras Sequential model is written: the input shape, then a list of
// layers to add, remove, reorder and edit (Dense units + activation + L2, Dropout rate, Conv2D
// filters/kernel/stride/padding/activation/L2, MaxPooling2D pool/stride, Flatten, Activation,
// BatchNormalization). It holds no network, only the spec; specChanged() fires on every edit.
#include "layer_spec.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace digit::ui {

class NetworkEditor : public QWidget {
    Q_OBJECT
public:
    explicit NetworkEditor(QWidget* parent = nullptr);

    ModelSpec spec() const { return spec_; }
    void setSpec(const ModelSpec& spec);

    // Editing operations (the buttons call these; tests may too). Rows are 0-based.
    void addLayer(const LayerSpec& layer);  // after the selected layer, or at the end
    void removeLayer(int row);
    void moveLayer(int from, int to);
    void setLayer(int row, const LayerSpec& layer);
    int currentRow() const;
    void selectRow(int row);
    QListWidget* layerList() const { return list_; }

    // "Dense · 128 units · relu"
    static QString describe(const LayerSpec& layer);

signals:
    void specChanged();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void rebuildList();
    void showLayer(int row);  // fills the property fields from the spec
    void readFields();        // the property fields -> spec_.layers[current]
    void updateButtons();

    ModelSpec spec_;
    bool updating_ = false;

    QLabel* inputLabel_ = nullptr;
    QComboBox* input_ = nullptr;
    QLabel* layersLabel_ = nullptr;
    QListWidget* list_ = nullptr;
    QToolButton* add_ = nullptr;
    QPushButton* remove_ = nullptr;
    QPushButton* up_ = nullptr;
    QPushButton* down_ = nullptr;

    QWidget* properties_ = nullptr;
    QFormLayout* form_ = nullptr;
    QLabel* kindLabel_ = nullptr;
    QSpinBox* units_ = nullptr;
    QComboBox* activation_ = nullptr;
    QSpinBox* kernel_ = nullptr;
    QSpinBox* stride_ = nullptr;
    QComboBox* padding_ = nullptr;
    QSpinBox* pool_ = nullptr;
    QDoubleSpinBox* rate_ = nullptr;
    QDoubleSpinBox* l2_ = nullptr;
    // The form's row labels, kept for retranslation: units, activation, kernel, stride, padding,
    // pool, rate, l2.
    QLabel* unitsLabel_ = nullptr;
    QLabel* activationLabel_ = nullptr;
    QLabel* kernelLabel_ = nullptr;
    QLabel* strideLabel_ = nullptr;
    QLabel* paddingLabel_ = nullptr;
    QLabel* poolLabel_ = nullptr;
    QLabel* rateLabel_ = nullptr;
    QLabel* l2Label_ = nullptr;
};

}  // namespace digit::ui
