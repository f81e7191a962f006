#include "file_io.h"
#include "keras_export.h"

#include "errors.h"
#include "hdf5_file.h"
#include "keras_import.h"
#include "network.h"
#include "zip_archive.h"

#include <nlohmann/json.hpp>

#include <map>

namespace digit::interop {

using ojson = nlohmann::ordered_json;

namespace {

// The Keras versions whose layouts are written (what a reader of the file may check).
constexpr const char* kKeras2Version = "2.13.1";
constexpr const char* kKeras3Version = "3.3.3";

struct KLayer {
    std::string cls, name, key;  // Keras class, automatic name, saving_lib's snake_case key
    const LayerSpec* spec;
    std::vector<std::pair<std::string, Dims>> weights;  // Keras weight name and shape
    std::size_t offset;                                 // into the flat parameters
};

std::vector<KLayer> keras_layers(const ModelFile& m) {
    Network net(m.spec);
    if (m.parameters.size() != net.parameter_count())
        throw ConfigError("the model has " + std::to_string(m.parameters.size()) + " weights, its network needs " +
                          std::to_string(net.parameter_count()));
    std::map<std::string, int> used;
    std::vector<KLayer> out;
    std::size_t offset = 0;
    for (std::size_t i = 0; i < m.spec.layers.size(); ++i) {
        const LayerSpec& s = m.spec.layers[i];
        const Shape in = i == 0 ? m.spec.input : net.layer_output_shapes()[i - 1];
        KLayer k;
        k.cls = layer_kind_name(s.kind);
        std::string base = k.cls == "Conv2D" ? "conv2d" : k.cls == "MaxPooling2D" ? "max_pooling2d"
                         : k.cls == "BatchNormalization" ? "batch_normalization" : "";
        if (base.empty())
            for (char ch : k.cls) base += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const int n = used[base]++;
        k.name = k.key = n == 0 ? base : base + "_" + std::to_string(n);
        k.spec = &s;
        k.offset = offset;
        const std::int64_t last = in[in.rank() - 1];
        if (s.kind == LayerKind::Dense) k.weights = {{"kernel", {in.size(), s.units}}, {"bias", {s.units}}};
        if (s.kind == LayerKind::Conv2D) k.weights = {{"kernel", {s.kernel, s.kernel, last, s.units}}, {"bias", {s.units}}};
        if (s.kind == LayerKind::BatchNormalization)
            k.weights = {{"gamma", {last}}, {"beta", {last}}, {"moving_mean", {last}}, {"moving_variance", {last}}};
        offset += net.layer_parameter_counts()[i];
        out.push_back(std::move(k));
    }
    return out;
}

std::int64_t count(const Dims& d) {
    std::int64_t n = 1;
    for (auto x : d) n *= x;
    return n;
}

ojson initializer(const char* cls, bool k3) {
    ojson c = {{"class_name", cls}, {"config", cls == std::string("GlorotUniform") ? ojson{{"seed", nullptr}} : ojson::object()}};
    if (k3) c = {{"module", "keras.initializers"}, {"class_name", cls}, {"config", c["config"]}, {"registered_name", nullptr}};
    return c;
}

ojson regularizer(float l2, bool k3) {
    if (l2 <= 0) return nullptr;
    if (k3) return {{"module", "keras.regularizers"}, {"class_name", "L2"}, {"config", {{"l2", l2}}}, {"registered_name", nullptr}};
    return {{"class_name", "L1L2"}, {"config", {{"l1", 0.0}, {"l2", l2}}}};
}

ojson layer_config(const KLayer& k, bool k3, int rank) {
    const LayerSpec& s = *k.spec;
    ojson dtype = k3 ? ojson{{"module", "keras"}, {"class_name", "DTypePolicy"}, {"config", {{"name", "float32"}}}, {"registered_name", nullptr}}
                     : ojson("float32");
    ojson c = {{"name", k.name}, {"trainable", true}, {"dtype", dtype}};
    const std::string act = activation_name(s.activation);
    switch (s.kind) {
        case LayerKind::Dense:
            c["units"] = s.units;
            c["activation"] = act;
            c["use_bias"] = true;
            c["kernel_initializer"] = initializer("GlorotUniform", k3);
            c["bias_initializer"] = initializer("Zeros", k3);
            c["kernel_regularizer"] = regularizer(s.l2, k3);
            c["bias_regularizer"] = nullptr;
            if (!k3) c["activity_regularizer"] = nullptr;
            c["kernel_constraint"] = nullptr;
            c["bias_constraint"] = nullptr;
            break;
        case LayerKind::Conv2D:
            c["filters"] = s.units;
            c["kernel_size"] = {s.kernel, s.kernel};
            c["strides"] = {s.stride, s.stride};
            c["padding"] = s.padding == Padding::Same ? "same" : "valid";
            c["data_format"] = "channels_last";
            c["dilation_rate"] = {1, 1};
            c["groups"] = 1;
            c["activation"] = act;
            c["use_bias"] = true;
            c["kernel_initializer"] = initializer("GlorotUniform", k3);
            c["bias_initializer"] = initializer("Zeros", k3);
            c["kernel_regularizer"] = regularizer(s.l2, k3);
            c["bias_regularizer"] = nullptr;
            c["activity_regularizer"] = nullptr;
            c["kernel_constraint"] = nullptr;
            c["bias_constraint"] = nullptr;
            break;
        case LayerKind::MaxPooling2D: {
            const int stride = s.stride > 0 ? s.stride : s.pool;
            c["pool_size"] = {s.pool, s.pool};
            c["padding"] = s.padding == Padding::Same ? "same" : "valid";
            c["strides"] = {stride, stride};
            c["data_format"] = "channels_last";
            break;
        }
        case LayerKind::Dropout:
            c["rate"] = s.rate;
            c["noise_shape"] = nullptr;
            c["seed"] = nullptr;
            break;
        case LayerKind::Flatten: c["data_format"] = "channels_last"; break;
        case LayerKind::Activation: c["activation"] = act; break;
        case LayerKind::BatchNormalization:
            c["axis"] = k3 ? ojson(-1) : ojson::array({rank});  // Keras 2 stores the built axis
            c["momentum"] = 0.99;
            c["epsilon"] = 0.001;
            c["center"] = true;
            c["scale"] = true;
            c["beta_initializer"] = initializer("Zeros", k3);
            c["gamma_initializer"] = initializer("Ones", k3);
            c["moving_mean_initializer"] = initializer("Zeros", k3);
            c["moving_variance_initializer"] = initializer("Ones", k3);
            c["beta_regularizer"] = nullptr;
            c["gamma_regularizer"] = nullptr;
            c["beta_constraint"] = nullptr;
            c["gamma_constraint"] = nullptr;
            if (k3) c["synchronized"] = false;
            break;
    }
    return c;
}

ojson model_config(const ModelFile& m, const std::vector<KLayer>& layers, bool k3) {
    ojson batch = ojson::array({nullptr});
    for (int d : m.spec.input.dims) batch.push_back(d);
    Network net(m.spec);
    ojson list = ojson::array();
    if (k3)
        list.push_back({{"module", "keras.layers"}, {"class_name", "InputLayer"},
                        {"config", {{"batch_shape", batch}, {"dtype", "float32"}, {"sparse", false}, {"name", "input_layer"}}},
                        {"registered_name", nullptr}});
    else
        list.push_back({{"class_name", "InputLayer"},
                        {"config", {{"batch_input_shape", batch}, {"dtype", "float32"}, {"sparse", false}, {"ragged", false},
                                    {"name", layers.front().name + "_input"}}}});
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const Shape in = i == 0 ? m.spec.input : net.layer_output_shapes()[i - 1];
        ojson c = layer_config(layers[i], k3, in.rank());
        if (k3)
            list.push_back({{"module", "keras.layers"}, {"class_name", layers[i].cls}, {"config", c}, {"registered_name", nullptr}});
        else
            list.push_back({{"class_name", layers[i].cls}, {"config", c}});
    }
    if (!k3) return {{"class_name", "Sequential"}, {"config", {{"name", "sequential"}, {"layers", list}}}};
    return {{"module", "keras"}, {"class_name", "Sequential"},
            {"config", {{"name", "sequential"}, {"trainable", true},
                        {"dtype", {{"module", "keras"}, {"class_name", "DTypePolicy"}, {"config", {{"name", "float32"}}}, {"registered_name", nullptr}}},
                        {"layers", list}}},
            {"registered_name", nullptr}, {"build_config", {{"input_shape", batch}}}};
}

ojson optimizer_config(const OptimizerConfig& o, bool k3) {
    const char* cls = o.kind == OptimizerKind::SGD ? "SGD" : o.kind == OptimizerKind::Adam ? "Adam"
                    : o.kind == OptimizerKind::RMSprop ? "RMSprop" : "Adadelta";
    ojson c = {{"name", k3 ? optimizer_name(o.kind) : std::string(cls)}, {"learning_rate", o.learning_rate}};
    if (!k3) c["decay"] = o.decay;
    // Keras 3 dropped `decay`; InverseTimeDecay with decay_steps 1 is the same rule.
    if (k3 && o.decay > 0)
        c["learning_rate"] = {{"module", "keras.optimizers.schedules"}, {"class_name", "InverseTimeDecay"},
                              {"config", {{"initial_learning_rate", o.learning_rate}, {"decay_steps", 1}, {"decay_rate", o.decay},
                                          {"staircase", false}, {"name", "InverseTimeDecay"}}},
                              {"registered_name", nullptr}};
    switch (o.kind) {
        case OptimizerKind::SGD: c["momentum"] = o.momentum; c["nesterov"] = o.nesterov; break;
        case OptimizerKind::Adam: c["beta_1"] = o.beta_1; c["beta_2"] = o.beta_2; c["epsilon"] = o.epsilon; c["amsgrad"] = false; break;
        case OptimizerKind::RMSprop: c["rho"] = o.rho; c["momentum"] = 0.0; c["epsilon"] = o.epsilon; c["centered"] = false; break;
        case OptimizerKind::Adadelta: c["rho"] = o.rho; c["epsilon"] = o.epsilon; break;
    }
    if (k3) return {{"module", "keras.optimizers"}, {"class_name", cls}, {"config", c}, {"registered_name", nullptr}};
    return {{"class_name", cls}, {"config", c}};
}

ojson loss_config(const LossSpec& l, bool k3) {
    const bool sparse = l.kind == LossKind::SparseCategoricalCrossentropy;
    if (!l.from_logits) return loss_name(l.kind);
    ojson c = {{"class_name", sparse ? "SparseCategoricalCrossentropy" : "CategoricalCrossentropy"},
               {"config", {{"name", loss_name(l.kind)}, {"from_logits", true}, {"reduction", k3 ? "sum_over_batch_size" : "auto"}}}};
    if (k3) c = {{"module", "keras.losses"}, {"class_name", c["class_name"]}, {"config", c["config"]}, {"registered_name", nullptr}};
    return c;
}

void check_exportable(const ModelFile& m, bool k3) {
    for (const auto& s : m.spec.layers)
        if (k3 && s.activation == Activation::HardSigmoid && (s.kind == LayerKind::Dense || s.kind == LayerKind::Conv2D || s.kind == LayerKind::Activation))
            throw ConfigError("Keras 3's hard_sigmoid differs from Digit Studio's (Keras 2's): export this model as .h5");
}

}  // namespace

std::string keras_h5_bytes(const ModelFile& m) {
    check_exportable(m, false);
    const auto layers = keras_layers(m);
    Hdf5Writer h5(m.info.name);
    h5.set_string_attribute("", "backend", "tensorflow", true);
    h5.set_string_attribute("", "keras_version", kKeras2Version, true);
    h5.set_string_attribute("", "model_config", model_config(m, layers, false).dump());
    const ojson training = {{"loss", loss_config(m.training.loss, false)},
                            {"metrics", ojson::array({"accuracy"})},
                            {"weighted_metrics", nullptr},
                            {"loss_weights", nullptr},
                            {"optimizer_config", optimizer_config(m.training.optimizer, false)}};
    h5.set_string_attribute("", "training_config", training.dump());
    h5.create_group("model_weights");
    std::vector<std::string> names;
    for (const auto& k : layers) names.push_back(k.name);
    h5.set_string_list_attribute("model_weights", "layer_names", names);
    h5.set_string_attribute("model_weights", "backend", "tensorflow", true);
    h5.set_string_attribute("model_weights", "keras_version", kKeras2Version, true);
    for (const auto& k : layers) {
        const std::string g = "model_weights/" + k.name;
        h5.create_group(g);
        std::vector<std::string> wn;
        for (const auto& [w, dims] : k.weights) wn.push_back(k.name + "/" + w + ":0");
        h5.set_string_list_attribute(g, "weight_names", wn);
        std::size_t at = k.offset;
        for (std::size_t i = 0; i < k.weights.size(); ++i) {
            h5.write_floats(g + "/" + wn[i], k.weights[i].second, m.parameters.data() + at);
            at += static_cast<std::size_t>(count(k.weights[i].second));
        }
    }
    return h5.bytes();
}

std::string keras_zip_bytes(const ModelFile& m) {
    check_exportable(m, true);
    const auto layers = keras_layers(m);
    ojson config = model_config(m, layers, true);
    config["compile_config"] = {{"optimizer", optimizer_config(m.training.optimizer, true)},
                                {"loss", loss_config(m.training.loss, true)},
                                {"loss_weights", nullptr},
                                {"metrics", ojson::array({"accuracy"})},
                                {"weighted_metrics", nullptr},
                                {"run_eagerly", false},
                                {"steps_per_execution", 1},
                                {"jit_compile", false}};
    Hdf5Writer h5(m.info.name + ":model.weights.h5");
    for (const auto& k : layers) {
        const std::string vars = "layers/" + k.key + "/vars";
        h5.create_group(vars);
        std::size_t at = k.offset;
        for (std::size_t i = 0; i < k.weights.size(); ++i) {
            h5.write_floats(vars + "/" + std::to_string(i), k.weights[i].second, m.parameters.data() + at);
            at += static_cast<std::size_t>(count(k.weights[i].second));
        }
    }
    h5.create_group("optimizer/vars");
    const ojson metadata = {{"keras_version", kKeras3Version}, {"date_saved", m.info.created}};
    return make_zip({{"metadata.json", metadata.dump()}, {"config.json", config.dump()}, {"model.weights.h5", h5.bytes()}},
                    m.info.name);
}

void export_keras(const std::string& path, const ModelFile& model) {
    const bool zip = path.size() >= 6 && path.compare(path.size() - 6, 6, ".keras") == 0;
    if (!zip && !is_keras_path(path)) throw FileError(path, -1, "a Keras file name ends in .keras or .h5");
    write_file_atomically(path, zip ? keras_zip_bytes(model) : keras_h5_bytes(model));
}

}  // namespace digit::interop
