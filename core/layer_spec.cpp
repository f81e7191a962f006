#include "layer_spec.h"

#include "conv2d.h"
#include "dense.h"
#include "dropout.h"
#include "errors.h"
#include "flatten.h"
#include "activation_layer.h"
#include "max_pool2d.h"
#if __has_include("batch_norm.h")
#include "batch_norm.h"
#define DIGIT_HAVE_BATCH_NORM 1
#endif

namespace digit {

LayerSpec LayerSpec::dense(int units, Activation a, float l2) {
    LayerSpec s;
    s.kind = LayerKind::Dense;
    s.units = units;
    s.activation = a;
    s.l2 = l2;
    return s;
}

LayerSpec LayerSpec::dropout(float rate) {
    LayerSpec s;
    s.kind = LayerKind::Dropout;
    s.rate = rate;
    return s;
}

LayerSpec LayerSpec::flatten() {
    LayerSpec s;
    s.kind = LayerKind::Flatten;
    return s;
}

LayerSpec LayerSpec::activation_layer(Activation a) {
    LayerSpec s;
    s.kind = LayerKind::Activation;
    s.activation = a;
    return s;
}

LayerSpec LayerSpec::conv2d(int filters, int kernel, Activation a, int stride, Padding padding, float l2) {
    LayerSpec s;
    s.kind = LayerKind::Conv2D;
    s.units = filters;
    s.kernel = kernel;
    s.activation = a;
    s.stride = stride;
    s.padding = padding;
    s.l2 = l2;
    return s;
}

LayerSpec LayerSpec::max_pooling2d(int pool, int stride) {
    LayerSpec s;
    s.kind = LayerKind::MaxPooling2D;
    s.pool = pool;
    s.stride = stride;
    return s;
}

LayerSpec LayerSpec::batch_normalization() {
    LayerSpec s;
    s.kind = LayerKind::BatchNormalization;
    return s;
}

std::string layer_kind_name(LayerKind k) {
    switch (k) {
        case LayerKind::Dense: return "Dense";
        case LayerKind::Dropout: return "Dropout";
        case LayerKind::Flatten: return "Flatten";
        case LayerKind::Activation: return "Activation";
        case LayerKind::Conv2D: return "Conv2D";
        case LayerKind::MaxPooling2D: return "MaxPooling2D";
        case LayerKind::BatchNormalization: return "BatchNormalization";
    }
    return "Layer";
}

std::unique_ptr<Layer> make_layer(const LayerSpec& spec) {
    switch (spec.kind) {
        case LayerKind::Dense: return std::make_unique<Dense>(spec);
        case LayerKind::Dropout: return std::make_unique<Dropout>(spec);
        case LayerKind::Flatten: return std::make_unique<Flatten>();
        case LayerKind::Activation: return std::make_unique<ActivationLayer>(spec.activation);
        case LayerKind::Conv2D: return std::make_unique<Conv2D>(spec);
        case LayerKind::MaxPooling2D: return std::make_unique<MaxPooling2D>(spec);
        case LayerKind::BatchNormalization:
#ifdef DIGIT_HAVE_BATCH_NORM
            return std::make_unique<BatchNormalization>(spec);
#else
            break;
#endif
    }
    throw ConfigError("layer type " + layer_kind_name(spec.kind) + " is not supported by this build");
}

Activation output_activation(const std::vector<LayerSpec>& layers) {
    for (auto l = layers.rbegin(); l != layers.rend(); ++l) {
        if (l->kind == LayerKind::Activation) return l->activation;
        if (l->kind != LayerKind::Dropout && l->kind != LayerKind::BatchNormalization) return l->activation;
    }
    return Activation::Linear;
}

}  // namespace digit
