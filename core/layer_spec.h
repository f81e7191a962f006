#pragma once
// A network described as data, the way a Keras Sequential model is written down. Specs are what
// presets, the UI's network editor and model files store; Network builds compute layers from them.
#include "activation.h"
#include "tensor.h"

#include <memory>
#include <string>
#include <vector>

namespace digit {

class Layer;

enum class LayerKind { Dense, Dropout, Flatten, Activation, Conv2D, MaxPooling2D, BatchNormalization };
enum class Padding { Valid, Same };

struct LayerSpec {
    LayerKind kind = LayerKind::Dense;
    // Dense: units; Conv2D: filters.
    int units = 0;
    Activation activation = Activation::Linear;  // Dense, Conv2D, Activation
    float l2 = 0.0f;                              // kernel L2 factor (Dense, Conv2D)
    float rate = 0.0f;                            // Dropout
    int kernel = 3;                               // Conv2D: kernel x kernel
    int stride = 1;                               // Conv2D, MaxPooling2D (0 = pool size)
    Padding padding = Padding::Valid;             // Conv2D, MaxPooling2D
    int pool = 2;                                 // MaxPooling2D: pool x pool

    static LayerSpec dense(int units, Activation a = Activation::Linear, float l2 = 0.0f);
    static LayerSpec dropout(float rate);
    static LayerSpec flatten();
    static LayerSpec activation_layer(Activation a);
    static LayerSpec conv2d(int filters, int kernel, Activation a = Activation::Linear,
                            int stride = 1, Padding padding = Padding::Valid, float l2 = 0.0f);
    static LayerSpec max_pooling2d(int pool = 2, int stride = 0);
    static LayerSpec batch_normalization();

    bool operator==(const LayerSpec&) const = default;
};

struct ModelSpec {
    Shape input{28, 28, 1};
    std::vector<LayerSpec> layers;
    bool operator==(const ModelSpec&) const = default;
};

std::string layer_kind_name(LayerKind k);

// The activation the network's scores come out with: that of the last Activation layer among the
// trailing Activation/Dropout/BatchNormalization layers, else that of the layer before them (the
// output Dense layer). Linear for an empty spec.
Activation output_activation(const std::vector<LayerSpec>& layers);  // Keras class name: "Dense", "Conv2D", ...
// Creates the compute layer for a spec (without its activation: Network adds that as its own
// Activation layer, so softmax can be fused with the loss).
std::unique_ptr<Layer> make_layer(const LayerSpec& spec);

}  // namespace digit
