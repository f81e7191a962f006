#include "summary.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace digit {

std::string format_thousands(std::int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    int count = 0;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (count > 0 && count % 3 == 0) out.push_back(',');
        out.push_back(*it);
        ++count;
    }
    if (n < 0) out.push_back('-');
    std::reverse(out.begin(), out.end());
    return out;
}

namespace {
std::string snake(LayerKind k) {
    switch (k) {
        case LayerKind::Dense: return "dense";
        case LayerKind::Dropout: return "dropout";
        case LayerKind::Flatten: return "flatten";
        case LayerKind::Activation: return "activation";
        case LayerKind::Conv2D: return "conv2d";
        case LayerKind::MaxPooling2D: return "max_pooling2d";
        case LayerKind::BatchNormalization: return "batch_normalization";
    }
    return "layer";
}

std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}
}  // namespace

std::string model_summary(const Network& net, const std::string& model_name) {
    // Column layout of Keras 2's model.summary(): 65 characters wide.
    const std::size_t w1 = 29, w2 = 26;
    std::ostringstream out;
    const std::string rule(65, '_');
    const std::string double_rule(65, '=');
    out << "Model: \"" << model_name << "\"\n" << rule << "\n";
    out << pad(" Layer (type)", w1) << pad("Output Shape", w2) << "Param #\n" << double_rule << "\n";
    std::map<LayerKind, int> seen;
    const auto& layers = net.spec().layers;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        int n = seen[layers[i].kind]++;
        std::string name = snake(layers[i].kind);
        if (n) name += '_' + std::to_string(n);
        out << pad(" " + name + " (" + layer_kind_name(layers[i].kind) + ")", w1)
            << pad(net.layer_output_shapes()[i].to_string(), w2)
            << format_thousands(static_cast<std::int64_t>(net.layer_parameter_counts()[i])) << "\n";
        out << (i + 1 < layers.size() ? "\n" : "");
    }
    out << double_rule << "\n";
    const auto total = static_cast<std::int64_t>(net.parameter_count());
    const auto trainable = static_cast<std::int64_t>(net.trainable_count());
    out << "Total params: " << format_thousands(total) << "\n";
    out << "Trainable params: " << format_thousands(trainable) << "\n";
    out << "Non-trainable params: " << format_thousands(total - trainable) << "\n";
    out << rule << "\n";
    return out.str();
}

}  // namespace digit
