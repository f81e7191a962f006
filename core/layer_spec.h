#pragma once
// A network described as data, the way a Keras Sequential model is written down. Specs are what
// presets, the UI's network editor and model files store; Network builds compute layers from them.
#include "activation.h"
#include "tensor.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace digit {

// Bounds on every size a spec may hold. A spec can come from a model file, which is untrusted
// input: a crafted header must end in a ConfigError, never in an integer overflow, an
// out-of-bounds access or a multi-gigabyte allocation. The limits are far above any MNIST network
// (the largest preset has 28x28x64 activations and 1.2 M parameters).
inline constexpr int kMaxDimension = 1 << 16;                 // units, filters
inline constexpr int kMaxWindow = 1 << 10;                    // kernel, pool and stride sizes
inline constexpr std::int64_t kMaxValuesPerSample = 1 << 22;  // any layer's output per sample (16 MiB of floats)
inline constexpr std::uint64_t kMaxParameterCount = 1ull << 30;  // 4 GiB of float weights

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

// Throws ConfigError unless `s` has 1 to 3 dimensions, each positive, and holds at most
// kMaxValuesPerSample values; `what` names the shape in the message ("the input shape"). Layers
// check their input with it before any arithmetic on its sizes.
void check_shape(const Shape& s, const std::string& what);

std::string layer_kind_name(LayerKind k);  // Keras class name: "Dense", "Conv2D", ...

// The activation the network's scores come out with: that of the last Activation layer among the
// trailing Activation/Dropout/BatchNormalization layers, else that of the layer before them (the
// output Dense layer). Linear for an empty spec.
Activation output_activation(const std::vector<LayerSpec>& layers);
// Creates the compute layer for a spec (without its activation: Network adds that as its own
// Activation layer, so softmax can be fused with the loss).
std::unique_ptr<Layer> make_layer(const LayerSpec& spec);

}  // namespace digit
