#include "keras_import.h"

#include "errors.h"
#include "file_io.h"
#include "hdf5_file.h"
#include "network.h"
#include "formats/zip_reader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

namespace digit::interop {

using json = nlohmann::json;

namespace {

constexpr std::uint64_t kMaxFileBytes = 1ull << 30;           // a 50 M-parameter model is 200 MB
constexpr std::uint64_t kMaxConfigBytes = 16ull << 20;        // config.json, metadata.json
constexpr std::int64_t kMaxParameters = 50'000'000;

const char* kSupported =
    "Digit Studio imports Sequential models of InputLayer, Dense, Conv2D, MaxPooling2D, Flatten, Dropout, "
    "BatchNormalization, Activation and Reshape to (28, 28, 1), for 28x28 grey images given as (None, 784), "
    "(None, 28, 28) or (None, 28, 28, 1), channels last, and functional models whose layers form a single chain";

// One Keras layer of the config and where its weights go.
struct KerasLayer {
    std::string class_name, name;
    int spec_index = -1;               // its layer in the ModelSpec; -1 for InputLayer and Reshape
    std::vector<std::string> weights;  // Keras's weight names in Keras's order: kernel, bias, ...
};

struct Mapped {
    ModelSpec spec;
    std::vector<KerasLayer> layers;  // every layer of the config except InputLayer (a functional model's in chain order)
    bool functional = false;
    std::string input_name;          // the InputLayer's name, "" if none
};

// Keras's to_snake_case of the classes we read (saving_lib names weight groups with it).
std::string snake_case(const std::string& cls) {
    static const std::map<std::string, std::string> names = {
        {"Dense", "dense"}, {"Conv2D", "conv2d"}, {"MaxPooling2D", "max_pooling2d"}, {"Flatten", "flatten"},
        {"Dropout", "dropout"}, {"BatchNormalization", "batch_normalization"}, {"Activation", "activation"},
        {"Reshape", "reshape"}, {"InputLayer", "input_layer"}};
    auto it = names.find(cls);
    return it == names.end() ? cls : it->second;
}

std::string shape_text(const std::vector<int>& dims) {
    std::string s = "(None";
    for (int d : dims) s += ", " + std::to_string(d);
    return s + ")";
}

// Reads the config of one layer, refusing with the layer named.
class LayerReader {
public:
    LayerReader(const std::string& path, int index, const std::string& cls, const std::string& name, const json& config)
        : path_(path), index_(index), cls_(cls), name_(name), c_(config) {}

    [[noreturn]] void refuse(const std::string& why) const {
        throw FileError(path_, -1, "layer " + std::to_string(index_) + " '" + name_ + "' (" + cls_ + "): " + why);
    }
    bool has(const char* key) const { return c_.contains(key) && !c_[key].is_null(); }
    const json& at(const char* key) const {
        if (!c_.contains(key)) refuse(std::string("its config has no '") + key + "'");
        return c_[key];
    }
    int integer(const char* key, int lo, int hi) const {
        const json& v = at(key);
        if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi)
            refuse(std::string("'") + key + "' is " + v.dump() + ", expected an integer from " + std::to_string(lo) +
                   " to " + std::to_string(hi));
        return v.get<int>();
    }
    double number(const char* key, double fallback) const {
        if (!has(key)) return fallback;
        const json& v = c_[key];
        if (!v.is_number()) refuse(std::string("'") + key + "' is " + v.dump() + ", expected a number");
        return v.get<double>();
    }
    bool boolean(const char* key, bool fallback) const {
        if (!has(key)) return fallback;
        if (!c_[key].is_boolean()) refuse(std::string("'") + key + "' is not true or false");
        return c_[key].get<bool>();
    }
    std::string string(const char* key, const std::string& fallback) const {
        if (!has(key)) return fallback;
        if (!c_[key].is_string()) refuse(std::string("'") + key + "' is " + c_[key].dump() + ", expected a string");
        return c_[key].get<std::string>();
    }
    // kernel_size, strides, pool_size: an int or a square pair.
    int square(const char* key, int lo, int hi) const {
        const json& v = at(key);
        if (v.is_number_integer()) return integer(key, lo, hi);
        if (!v.is_array() || v.size() != 2 || !v[0].is_number_integer() || v[0] != v[1])
            refuse(std::string("'") + key + "' is " + v.dump() + ": only square sizes like [3, 3] are supported");
        const std::int64_t k = v[0].get<std::int64_t>();
        if (k < lo || k > hi)
            refuse(std::string("'") + key + "' is " + v.dump() + ", expected " + std::to_string(lo) + " to " + std::to_string(hi));
        return static_cast<int>(k);
    }
    void require_null(std::initializer_list<const char*> keys) const {
        for (const char* k : keys)
            if (has(k)) refuse(std::string("'") + k + "' is set (" + c_[k].dump() + "); Digit Studio has no such setting");
    }
    void channels_last() const {
        const std::string f = string("data_format", "channels_last");
        if (f != "channels_last") refuse("data_format is " + f + "; only channels_last is supported");
    }
    Padding padding() const {
        const std::string p = string("padding", "valid");
        if (p != "valid" && p != "same") refuse("padding '" + p + "' is not supported (only 'valid' and 'same')");
        return p == "same" ? Padding::Same : Padding::Valid;
    }
    Activation activation(bool keras3) const {
        if (!has("activation")) return Activation::Linear;
        const json& v = c_["activation"];
        if (!v.is_string()) refuse("the activation " + v.dump() + " is a custom object; supported: " + activations());
        std::string a = v.get<std::string>();
        // Keras 3 redefined hard_sigmoid (slope 1/6); ours is Keras 2's (slope 0.2).
        if (a == "hard_sigmoid" && keras3) refuse("Keras 3's hard_sigmoid (slope 1/6) differs from Digit Studio's (Keras 2's, slope 0.2)");
        auto act = activation_from_name(a);
        if (!act) refuse("activation '" + a + "' is not supported; supported: " + activations());
        return *act;
    }
    // kernel_regularizer: None or L2 (Keras 3 {"class_name": "L2", "config": {"l2": f}}) or
    // L1L2 with l1 = 0 (Keras 2).
    float l2() const {
        if (!has("kernel_regularizer")) return 0.0f;
        const json& r = c_["kernel_regularizer"];
        const std::string cls = r.is_object() && r.contains("class_name") && r["class_name"].is_string()
                                    ? r["class_name"].get<std::string>() : "";
        const json cfg = r.is_object() && r.contains("config") && r["config"].is_object() ? r["config"] : json::object();
        const double l1 = cfg.contains("l1") && cfg["l1"].is_number() ? cfg["l1"].get<double>() : 0.0;
        if ((cls == "L2" || cls == "L1L2") && l1 == 0 && cfg.contains("l2") && cfg["l2"].is_number())
            return static_cast<float>(cfg["l2"].get<double>());
        refuse("kernel_regularizer " + r.dump() + " is not supported (only an L2 penalty)");
    }

private:
    static std::string activations() {
        std::string s;
        for (Activation a : all_activations()) s += (s.empty() ? "" : ", ") + activation_name(a);
        return s;
    }
    const std::string& path_;
    int index_;
    std::string cls_, name_;
    const json& c_;
};

// The input shape from a (None, ...) list; refuses anything but MNIST's.
std::vector<int> input_dims(const json& batch_shape, const std::string& path) {
    std::vector<int> dims;
    bool ok = batch_shape.is_array() && !batch_shape.empty() && batch_shape.size() <= 5;
    for (std::size_t i = 1; ok && i < batch_shape.size(); ++i) {
        ok = batch_shape[i].is_number_integer() && batch_shape[i].get<std::int64_t>() > 0 &&
             batch_shape[i].get<std::int64_t>() < (1 << 20);
        if (ok) dims.push_back(batch_shape[i].get<int>());
    }
    const bool mnist = dims == std::vector<int>{784} || dims == std::vector<int>{28, 28} || dims == std::vector<int>{28, 28, 1};
    if (!ok || !mnist)
        throw FileError(path, -1, "the model's input shape is " + batch_shape.dump() + ". " + kSupported);
    return dims;
}

bool is_keras3_config(const json& model_config) { return model_config.contains("module"); }

// The layer names a functional model's tensor references point at: Keras 2 writes a call as
// [[name, node, tensor, kwargs], ...], Keras 3 as {"args": [...], "kwargs": {...}} holding
// {"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, tensor]}}.
void tensor_sources(const json& j, std::vector<std::string>& out) {
    if (j.is_object()) {
        if (j.value("class_name", json()) == "__keras_tensor__" && j.contains("config") && j["config"].is_object()) {
            const json& h = j["config"].value("keras_history", json());
            if (h.is_array() && !h.empty() && h[0].is_string()) out.push_back(h[0].get<std::string>());
            return;
        }
        for (const auto& [key, v] : j.items()) tensor_sources(v, out);
    } else if (j.is_array()) {
        if (j.size() >= 3 && j[0].is_string() && j[1].is_number_integer() && j[2].is_number_integer()) {
            out.push_back(j[0].get<std::string>());
            return;
        }
        for (const auto& v : j) tensor_sources(v, out);
    }
}

// input_layers / output_layers: [[name, 0, 0], ...], or a single [name, 0, 0].
std::vector<std::string> endpoint_names(const json& j) {
    std::vector<std::string> out;
    tensor_sources(j, out);
    return out;
}

// A functional model (keras.Model(inputs, outputs), saved as "Functional", or "Model" by older
// tf.keras) whose layers form one chain from its input to its output is the Sequential model of
// those layers: returns them in chain order, the InputLayer first. Anything else (several inputs
// or outputs, a layer called twice, a layer that takes two tensors, a tensor that feeds two
// layers, a layer off the chain) is refused, naming the layer.
json functional_chain(const json& config, const std::string& path) {
    const std::string only = "; Digit Studio imports functional models whose layers form a single chain from the input to the output";
    if (!config.is_object() || !config.contains("layers") || !config["layers"].is_array() || config["layers"].empty())
        throw FileError(path, -1, "the functional model has no layers in its config");
    const json& layers = config["layers"];
    if (layers.size() > 1000) throw FileError(path, -1, "the model has " + std::to_string(layers.size()) + " layers; at most 1000 are imported");
    std::map<std::string, std::size_t> index;
    std::vector<std::string> names, classes;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const json& e = layers[i];
        const json& c = e.is_object() ? e.value("config", json()) : json();
        std::string name = e.is_object() && e.contains("name") && e["name"].is_string() ? e["name"].get<std::string>() : "";
        if (name.empty() && c.is_object() && c.contains("name") && c["name"].is_string()) name = c["name"].get<std::string>();
        if (!e.is_object() || !e.contains("class_name") || !e["class_name"].is_string() || name.empty())
            throw FileError(path, -1, "layer " + std::to_string(i + 1) + " of the config is not a Keras layer (no class_name/name)");
        if (!index.emplace(name, i).second) throw FileError(path, -1, "two layers are named '" + name + "'");
        names.push_back(name);
        classes.push_back(e["class_name"].get<std::string>());
    }
    auto label = [&](std::size_t i) { return "layer '" + names[i] + "' (" + classes[i] + ")"; };
    auto lookup = [&](const std::string& name, const std::string& who) {
        auto it = index.find(name);
        if (it == index.end()) throw FileError(path, -1, who + " refers to a layer '" + name + "' the config does not have");
        return it->second;
    };
    const auto inputs = endpoint_names(config.value("input_layers", json()));
    const auto outputs = endpoint_names(config.value("output_layers", json()));
    if (inputs.size() != 1) throw FileError(path, -1, "the functional model has " + std::to_string(inputs.size()) + " inputs" + only);
    if (outputs.size() != 1) throw FileError(path, -1, "the functional model has " + std::to_string(outputs.size()) + " outputs" + only);

    // Each layer's one source, and who consumes each layer.
    std::vector<std::ptrdiff_t> source(layers.size(), -1);
    std::vector<std::vector<std::size_t>> consumers(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const json& nodes = layers[i].value("inbound_nodes", json::array());
        if (!nodes.is_array()) throw FileError(path, -1, label(i) + " has unreadable inbound_nodes");
        if (classes[i] == "InputLayer") {
            if (!nodes.empty()) throw FileError(path, -1, label(i) + " has inputs of its own");
            continue;
        }
        if (nodes.size() != 1)
            throw FileError(path, -1, label(i) + " is " + (nodes.empty() ? std::string("not connected") :
                                      "called " + std::to_string(nodes.size()) + " times (a shared layer)") + only);
        std::vector<std::string> from;
        tensor_sources(nodes[0], from);
        if (from.size() != 1) {
            std::string list;
            for (const auto& f : from) list += (list.empty() ? "'" : ", '") + f + "'";
            throw FileError(path, -1, label(i) + " takes " + std::to_string(from.size()) + " input tensors" +
                                          (list.empty() ? "" : " (" + list + ")") + only);
        }
        source[i] = static_cast<std::ptrdiff_t>(lookup(from[0], label(i)));
        consumers[static_cast<std::size_t>(source[i])].push_back(i);
    }
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (consumers[i].size() > 1) {
            std::string list;
            for (auto c : consumers[i]) list += (list.empty() ? "'" : ", '") + names[c] + "'";
            throw FileError(path, -1, "the output of " + label(i) + " feeds " + std::to_string(consumers[i].size()) +
                                          " layers (" + list + "): a model with branches" + only);
        }
    std::size_t at = lookup(inputs[0], "input_layers");
    const std::size_t last = lookup(outputs[0], "output_layers");
    if (classes[at] != "InputLayer") throw FileError(path, -1, "the model's input " + label(at) + " is not an InputLayer");
    json chain = json::array({layers[at]});
    while (at != last) {
        if (consumers[at].empty()) throw FileError(path, -1, label(at) + " leads nowhere: the chain does not reach the output " + label(last) + only);
        at = consumers[at][0];
        chain.push_back(layers[at]);
    }
    if (!consumers[last].empty() || chain.size() != layers.size()) {
        for (std::size_t i = 0; i < layers.size(); ++i)
            if (std::find(chain.begin(), chain.end(), layers[i]) == chain.end())
                throw FileError(path, -1, label(i) + " is not on the chain from the input to the output" + only);
        throw FileError(path, -1, "the output " + label(last) + " feeds further layers" + only);
    }
    return chain;
}


// Maps a Sequential model_config onto a ModelSpec, layer by layer, tracking Keras's shapes so
// that each layer's weights can be checked before any is read.
Mapped map_model_config(const json& root, const std::string& path) {
    if (!root.is_object() || !root.contains("class_name") || !root["class_name"].is_string())
        throw FileError(path, -1, "the model config is not a Keras model (no class_name)");
    const std::string cls = root["class_name"].get<std::string>();
    const bool functional = cls == "Functional" || cls == "Model";
    if (!functional && cls != "Sequential")
        throw FileError(path, -1, "the model is a '" + cls + "' (a subclassed or custom model); " + kSupported);
    const bool keras3 = is_keras3_config(root);
    const json& config = root.contains("config") ? root["config"] : json();
    const json chain = functional ? functional_chain(config, path) : json();
    // Keras 2.0-2.1 stored the layers list itself as the config.
    const json& layers = functional ? chain : config.is_array() ? config
                                            : (config.is_object() && config.contains("layers") ? config["layers"] : json());
    if (!layers.is_array() || layers.empty()) throw FileError(path, -1, "the Sequential model has no layers in its config");
    if (layers.size() > 1000) throw FileError(path, -1, "the model has " + std::to_string(layers.size()) + " layers; at most 1000 are imported");

    Mapped m;
    m.functional = functional;
    std::vector<int> shape;  // Keras's shape without the batch dimension; empty until known
    // Where the input shape may be given: an InputLayer, the first layer's batch_input_shape,
    // the Sequential's build_input_shape (Keras 2) or build_config (Keras 3).
    if (config.is_object() && config.contains("build_input_shape") && !config["build_input_shape"].is_null())
        shape = input_dims(config["build_input_shape"], path);
    else if (root.contains("build_config") && root["build_config"].is_object() && root["build_config"].contains("input_shape") &&
             !root["build_config"]["input_shape"].is_null())  // a functional model's is null: its InputLayer says
        shape = input_dims(root["build_config"]["input_shape"], path);
    std::int64_t parameters = 0;
    bool input_fixed = false;  // a layer has consumed the input: a Reshape may no longer change it

    for (std::size_t i = 0; i < layers.size(); ++i) {
        const json& entry = layers[i];
        if (!entry.is_object() || !entry.contains("class_name") || !entry["class_name"].is_string() ||
            !entry.contains("config") || !entry["config"].is_object())
            throw FileError(path, -1, "layer " + std::to_string(i + 1) + " of the config is not a Keras layer (no class_name/config)");
        const std::string lcls = entry["class_name"].get<std::string>();
        const json& c = entry["config"];
        const std::string name = c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>() : "layer" + std::to_string(i);
        LayerReader r(path, static_cast<int>(i + 1), lcls, name, c);
        if (entry.contains("registered_name") && !entry["registered_name"].is_null() && entry["registered_name"] != lcls)
            r.refuse("a custom object (registered as " + entry["registered_name"].dump() + "). " + kSupported);
        if (entry.contains("module") && entry["module"].is_string() && entry["module"] != "keras.layers")
            r.refuse("a layer from module " + entry["module"].dump() + ". " + kSupported);
        for (const char* key : {"batch_input_shape", "batch_shape"})
            if (c.contains(key) && !c[key].is_null() && !input_fixed) shape = input_dims(c[key], path);

        if (lcls == "InputLayer") {
            if (i != 0) r.refuse("an InputLayer must come first");
            m.input_name = name;
            if (shape.empty()) r.refuse("it gives no input shape");
            continue;
        }
        if (shape.empty()) r.refuse("the model's input shape is not stated (build the model or give an Input before saving)");
        if (m.spec.layers.empty() && !input_fixed) m.spec.input = shape.size() == 1 ? Shape{784} : Shape{28, 28, 1};

        KerasLayer k;
        k.class_name = lcls;
        k.name = name;
        const std::int64_t here = static_cast<std::int64_t>(m.spec.layers.size());
        auto emit = [&](const LayerSpec& s) {
            k.spec_index = static_cast<int>(here);
            m.spec.layers.push_back(s);
        };
        const bool flat = shape.size() == 1;
        const bool image = shape.size() == 3;
        if (lcls == "Reshape") {
            const json& t = r.at("target_shape");
            if (t != json::array({28, 28, 1}) || input_fixed || !m.spec.layers.empty())
                r.refuse("only a Reshape of the input to (28, 28, 1), as the first layer, is supported; found target_shape " + t.dump());
            shape = {28, 28, 1};
            m.spec.input = Shape{28, 28, 1};  // the same 784 values, read as an image
        } else if (lcls == "Dense") {
            if (!flat) r.refuse("a Dense layer on a " + shape_text(shape) + " tensor; Digit Studio needs a Flatten before a Dense layer");
            const int units = r.integer("units", 1, 1 << 20);
            r.require_null({"bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"});
            const Activation a = r.activation(keras3);
            const float l2 = r.l2();
            parameters += static_cast<std::int64_t>(shape[0]) * units + units;
            k.weights = {"kernel"};
            if (r.boolean("use_bias", true)) k.weights.push_back("bias");
            emit(LayerSpec::dense(units, a, l2));
            shape = {units};
        } else if (lcls == "Conv2D") {
            if (!image) r.refuse("a Conv2D on a " + shape_text(shape) + " tensor (Digit Studio's convolutions take (height, width, channels))");
            r.channels_last();
            const int filters = r.integer("filters", 1, 1 << 14);
            const int kernel = r.square("kernel_size", 1, 28);
            const int stride = r.has("strides") ? r.square("strides", 1, 28) : 1;
            if (r.has("dilation_rate") && r.square("dilation_rate", 1, 28) != 1) r.refuse("dilated convolutions are not supported");
            if (r.has("groups") && r.integer("groups", 1, 1 << 14) != 1) r.refuse("grouped convolutions are not supported");
            r.require_null({"bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"});
            const Padding pad = r.padding();
            const Activation a = r.activation(keras3);
            const float l2 = r.l2();
            int h = shape[0], w = shape[1];
            if (pad == Padding::Valid) {
                if (kernel > h || kernel > w) r.refuse("a " + std::to_string(kernel) + "x" + std::to_string(kernel) + " kernel on a " + shape_text(shape) + " tensor");
                h = (h - kernel) / stride + 1;
                w = (w - kernel) / stride + 1;
            } else {
                h = (h + stride - 1) / stride;
                w = (w + stride - 1) / stride;
            }
            parameters += static_cast<std::int64_t>(kernel) * kernel * shape[2] * filters + filters;
            k.weights = {"kernel"};
            if (r.boolean("use_bias", true)) k.weights.push_back("bias");
            emit(LayerSpec::conv2d(filters, kernel, a, stride, pad, l2));
            shape = {h, w, filters};
        } else if (lcls == "MaxPooling2D") {
            if (!image) r.refuse("pooling a " + shape_text(shape) + " tensor");
            r.channels_last();
            const int pool = r.square("pool_size", 1, 28);
            const int stride = r.has("strides") ? r.square("strides", 1, 28) : pool;
            const Padding pad = r.padding();
            int h = shape[0], w = shape[1];
            if (pad == Padding::Valid) {
                if (pool > h || pool > w) r.refuse("a " + std::to_string(pool) + "x" + std::to_string(pool) + " pool on a " + shape_text(shape) + " tensor");
                h = (h - pool) / stride + 1;
                w = (w - pool) / stride + 1;
            } else {
                h = (h + stride - 1) / stride;
                w = (w + stride - 1) / stride;
            }
            LayerSpec s = LayerSpec::max_pooling2d(pool, stride == pool ? 0 : stride);
            s.padding = pad;
            emit(s);
            shape = {h, w, shape[2]};
        } else if (lcls == "Flatten") {
            r.channels_last();
            emit(LayerSpec::flatten());
            int n = 1;
            for (int d : shape) n *= d;
            shape = {n};
        } else if (lcls == "Dropout") {
            const double rate = r.number("rate", 0.0);
            if (!(rate >= 0 && rate < 1)) r.refuse("rate " + std::to_string(rate) + " is outside [0, 1)");
            r.require_null({"noise_shape"});
            emit(LayerSpec::dropout(static_cast<float>(rate)));
        } else if (lcls == "Activation") {
            emit(LayerSpec::activation_layer(r.activation(keras3)));
        } else if (lcls == "BatchNormalization") {
            if (!flat && !image) r.refuse("batch normalisation of a " + shape_text(shape) + " tensor");
            // The last axis: -1, or its positive index counting the batch axis; Keras 2 stores a list.
            const json& ax = r.at("axis");
            const json axis = ax.is_array() && ax.size() == 1 ? ax[0] : ax;
            const int last = static_cast<int>(shape.size());
            if (!axis.is_number_integer() || (axis.get<int>() != -1 && axis.get<int>() != last))
                r.refuse("axis " + ax.dump() + ": only the last (channel) axis is supported");
            const double eps = r.number("epsilon", 1e-3);
            if (std::abs(eps - 1e-3) > 1e-9) r.refuse("epsilon " + std::to_string(eps) + ": Digit Studio's batch normalisation uses Keras's default 0.001");
            const double momentum = r.number("momentum", 0.99);
            if (std::abs(momentum - 0.99) > 1e-9) r.refuse("momentum " + std::to_string(momentum) + ": Digit Studio's batch normalisation uses Keras's default 0.99");
            if (r.boolean("renorm", false)) r.refuse("batch renormalisation is not supported");
            r.require_null({"beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"});
            if (r.boolean("scale", true)) k.weights.push_back("gamma");
            if (r.boolean("center", true)) k.weights.push_back("beta");
            k.weights.push_back("moving_mean");
            k.weights.push_back("moving_variance");
            parameters += 4ll * shape.back();
            emit(LayerSpec::batch_normalization());
        } else {
            r.refuse("this layer type is not supported. " + std::string(kSupported));
        }
        if (lcls != "Reshape") input_fixed = true;
        if (shape.size() == 2 && lcls != "Reshape")  // only a (28, 28) input is rank 2
            r.refuse("a " + shape_text(shape) + " tensor must be flattened or reshaped to (28, 28, 1) first");
        if (parameters > kMaxParameters)
            r.refuse("the model has more than " + std::to_string(kMaxParameters) + " parameters, more than Digit Studio imports");
        m.layers.push_back(std::move(k));
    }
    if (m.spec.layers.empty()) throw FileError(path, -1, "the model has no layers Digit Studio can compute");
    if (shape.size() != 1) throw FileError(path, -1, "the model's output is " + shape_text(shape) + "; it must end with a flat output (a Dense layer)");
    return m;
}

// Keras's configs nest a few levels deep (a layer's initializer's config: about 8). Parsing,
// comparing and printing JSON recurse, so a crafted config of a million '[' would overflow the
// stack: the nesting is measured on the text before anything else reads it.
constexpr int kMaxJsonDepth = 100;

int json_depth(const std::string& text) {
    int depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (const char ch : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (ch == '\\') escaped = true;
            else if (ch == '"') in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '[' || ch == '{') {
            deepest = std::max(deepest, ++depth);
        } else if (ch == ']' || ch == '}') {
            --depth;
        }
    }
    return deepest;
}

json parse_json(const std::string& text, const std::string& what, const std::string& path) {
    if (json_depth(text) > kMaxJsonDepth)
        throw FileError(path, -1, what + " nests more than " + std::to_string(kMaxJsonDepth) + " levels deep; a Keras config does not");
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw FileError(path, -1, what + " is not valid JSON (byte " + std::to_string(e.byte) + ")");
    }
}

// Optimiser and loss from Keras 2's training_config ({"optimizer_config": {"class_name", "config"},
// "loss": ...}) or Keras 3's compile_config ({"optimizer": {...}, "loss": ...}). Unknown pieces
// keep Digit Studio's defaults. Returns true if an optimiser was taken from the file.
bool apply_training(const json& tc, TrainConfig& t) {
    if (!tc.is_object()) return false;
    bool found = false;
    const json* opt = nullptr;
    if (tc.contains("optimizer_config") && tc["optimizer_config"].is_object()) opt = &tc["optimizer_config"];
    else if (tc.contains("optimizer") && tc["optimizer"].is_object()) opt = &tc["optimizer"];
    if (opt && opt->contains("class_name") && (*opt)["class_name"].is_string()) {
        std::string name = (*opt)["class_name"].get<std::string>();
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
        if (auto kind = optimizer_from_name(name)) {
            t.optimizer = OptimizerConfig::defaults(*kind);
            const json c = opt->contains("config") && (*opt)["config"].is_object() ? (*opt)["config"] : json::object();
            auto num = [&](const char* key, float& out) {
                if (c.contains(key) && c[key].is_number()) out = c[key].get<float>();
            };
            num("learning_rate", t.optimizer.learning_rate);
            // Keras 3's spelling of the legacy decay: an InverseTimeDecay schedule, one step per decay.
            if (c.contains("learning_rate") && c["learning_rate"].is_object() && c["learning_rate"].value("class_name", "") == "InverseTimeDecay") {
                const json sc = c["learning_rate"].value("config", json::object());
                if (sc.value("decay_steps", 0.0) == 1.0 && !sc.value("staircase", false)) {
                    t.optimizer.learning_rate = sc.value("initial_learning_rate", t.optimizer.learning_rate);
                    t.optimizer.decay = sc.value("decay_rate", 0.0f);
                }
            }
            num("lr", t.optimizer.learning_rate);
            num("momentum", t.optimizer.momentum);
            num("decay", t.optimizer.decay);
            num("beta_1", t.optimizer.beta_1);
            num("beta_2", t.optimizer.beta_2);
            num("rho", t.optimizer.rho);
            num("epsilon", t.optimizer.epsilon);
            if (c.contains("nesterov") && c["nesterov"].is_boolean()) t.optimizer.nesterov = c["nesterov"].get<bool>();
            found = true;
        }
    }
    if (tc.contains("loss")) {
        const json& l = tc["loss"];
        std::string name;
        // A loss named by a string cannot say from_logits: it stays what the output implies
        // (a linear last layer gives logits).
        bool logits = t.loss.from_logits;
        if (l.is_string()) name = l.get<std::string>();
        else if (l.is_object() && l.contains("class_name") && l["class_name"].is_string()) {
            name = l["class_name"].get<std::string>();
            logits = false;
            if (l.contains("config") && l["config"].is_object() && l["config"].contains("from_logits") && l["config"]["from_logits"].is_boolean())
                logits = l["config"]["from_logits"].get<bool>();
            if (name == "SparseCategoricalCrossentropy") name = "sparse_categorical_crossentropy";
            if (name == "CategoricalCrossentropy") name = "categorical_crossentropy";
        }
        if (auto kind = loss_from_name(name)) {
            t.loss.kind = *kind;
            t.loss.from_logits = logits;
        }
    }
    return found;
}

// Where a layer's weights are in the file, and how to read them.
class WeightSource {
public:
    virtual ~WeightSource() = default;
    // Dataset paths of layer `layer` (the n-th of the config's layers without the InputLayer),
    // one per expected weight, in k.weights's order.
    virtual std::vector<std::string> datasets(std::size_t layer, const KerasLayer& k) = 0;
};

// Keras 2 and legacy-h5 layout: <root>/<layer name> with weight_names.
class NamedWeights : public WeightSource {
public:
    // bias_optional: weights alone, for a spec that cannot say use_bias=False; a missing bias is zeros.
    NamedWeights(const Hdf5Reader& h5, std::string root, std::vector<std::string> group_names, bool bias_optional = false)
        : h5_(h5), root_(std::move(root)), groups_(std::move(group_names)), bias_optional_(bias_optional) {}
    std::vector<std::string> datasets(std::size_t layer, const KerasLayer& k) override {
        const std::string group = (root_.empty() ? "" : root_ + "/") + groups_.at(layer);
        if (!h5_.exists(group)) {
            if (k.weights.empty()) return {};
            throw FileError(h5_.path(), -1, "the weights of layer '" + k.name + "' are missing (no group " + group + ")");
        }
        const auto names = h5_.string_list_attribute(group, "weight_names");
        const bool no_bias = bias_optional_ && !k.weights.empty() && k.weights.back() == "bias" && names.size() + 1 == k.weights.size();
        if (names.size() != k.weights.size() && !no_bias)
            throw FileError(h5_.path(), -1, "layer '" + k.name + "' has " + std::to_string(names.size()) +
                                                " weights in the file, its config needs " + std::to_string(k.weights.size()));
        std::vector<std::string> out;
        for (const auto& want : k.weights) {
            if (no_bias && want == "bias") {
                out.emplace_back();
                continue;
            }
            // "dense/kernel:0" (Keras 2), "sequential/dense/kernel" (Keras 3): the last part, no ":0".
            auto it = std::find_if(names.begin(), names.end(), [&](const std::string& n) {
                std::string base = n.substr(n.rfind('/') == std::string::npos ? 0 : n.rfind('/') + 1);
                base = base.substr(0, base.find(':'));
                return base == want;
            });
            if (it == names.end())
                throw FileError(h5_.path(), -1, "layer '" + k.name + "' has no weight named " + want + " in the file");
            out.push_back(group + "/" + *it);
        }
        return out;
    }

private:
    const Hdf5Reader& h5_;
    std::string root_;
    std::vector<std::string> groups_;
    bool bias_optional_;
};

// Keras 3 saving_lib layout: layers/<snake_case_class>[_N]/vars/<i>, N counting per class.
class IndexedWeights : public WeightSource {
public:
    IndexedWeights(const Hdf5Reader& h5, const std::vector<KerasLayer>& layers, bool bias_optional = false)
        : h5_(h5), bias_optional_(bias_optional) {
        std::map<std::string, int> used;
        for (const auto& k : layers) {
            const std::string base = snake_case(k.class_name);
            auto it = used.find(base);
            if (it == used.end()) {
                used[base] = 0;
                keys_.push_back("layers/" + base);
            } else {
                keys_.push_back("layers/" + base + "_" + std::to_string(++it->second));
            }
        }
    }
    std::vector<std::string> datasets(std::size_t layer, const KerasLayer& k) override {
        const std::string vars = keys_.at(layer) + "/vars";
        std::vector<std::string> out;
        for (std::size_t i = 0; i < k.weights.size(); ++i) out.push_back(vars + "/" + std::to_string(i));
        if (bias_optional_ && !k.weights.empty() && k.weights.back() == "bias" && !h5_.exists(out.back())) out.back().clear();
        if (h5_.exists(vars + "/" + std::to_string(k.weights.size())))
            throw FileError(h5_.path(), -1, vars + " holds more weights than layer '" + k.name + "' (" + k.class_name + ") has");
        return out;
    }

private:
    const Hdf5Reader& h5_;
    std::vector<std::string> keys_;
    bool bias_optional_;
};

// Fills the network's flat parameters from the file, checking each dataset's shape first.
std::vector<float> read_parameters(const Mapped& m, const Hdf5Reader& h5, WeightSource& source) {
    Network net(m.spec);  // sizes were bounded while mapping
    std::vector<float> params(net.parameter_count(), 0.0f);
    std::vector<std::size_t> offset(m.spec.layers.size() + 1, 0);
    for (std::size_t i = 0; i < m.spec.layers.size(); ++i) offset[i + 1] = offset[i] + net.layer_parameter_counts()[i];
    for (std::size_t li = 0; li < m.layers.size(); ++li) {
        const KerasLayer& k = m.layers[li];
        const auto paths = source.datasets(li, k);
        if (k.spec_index < 0) continue;
        const std::size_t si = static_cast<std::size_t>(k.spec_index);
        const LayerSpec& s = m.spec.layers[si];
        const Shape in = si == 0 ? m.spec.input : net.layer_output_shapes()[si - 1];
        float* p = params.data() + offset[si];
        auto read = [&](const std::string& want, const Dims& dims, float* dst) {
            for (std::size_t w = 0; w < k.weights.size(); ++w)
                if (k.weights[w] == want) {
                    if (paths[w].empty()) return false;  // a bias the file does not have: zeros
                    try {
                        h5.read_floats(paths[w], dims, dst);
                    } catch (const FileError& e) {
                        throw FileError(h5.path(), -1, "layer '" + k.name + "' " + want + ": " + e.detail() +
                                                           " (expected " + [&] {
                                                               std::string d;
                                                               for (auto x : dims) d += (d.empty() ? "" : ", ") + std::to_string(x);
                                                               return "(" + d + ")";
                                                           }() + ")");
                    }
                    return true;
                }
            return false;
        };
        if (s.kind == LayerKind::Dense) {
            const std::int64_t nin = in.size(), units = s.units;
            read("kernel", {nin, units}, p);
            read("bias", {units}, p + nin * units);  // absent (use_bias=False): zeros
        } else if (s.kind == LayerKind::Conv2D) {
            const std::int64_t kk = s.kernel, cin = in[in.rank() - 1], f = s.units;
            read("kernel", {kk, kk, cin, f}, p);
            read("bias", {f}, p + kk * kk * cin * f);
        } else if (s.kind == LayerKind::BatchNormalization) {
            const std::int64_t c = in[in.rank() - 1];
            if (!read("gamma", {c}, p)) std::fill(p, p + c, 1.0f);  // scale=False: gamma 1
            read("beta", {c}, p + c);                                // center=False: beta 0
            read("moving_mean", {c}, p + 2 * c);
            read("moving_variance", {c}, p + 3 * c);
        }
    }
    for (float v : params)
        if (!std::isfinite(v)) throw FileError(h5.path(), -1, "the weights hold NaN or infinite values");
    return params;
}

std::string stem(const std::string& path) {
    std::string s = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    for (const char* ext : {".weights.h5", ".keras", ".h5", ".hdf5"}) {
        const std::string e = ext;
        if (s.size() > e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0) return s.substr(0, s.size() - e.size());
    }
    return s;
}

void finish(KerasImport& out, const Mapped& m, std::vector<float> params, const json& training, const std::string& path) {
    out.model.spec = m.spec;
    out.model.parameters = std::move(params);
    out.model.training.loss.from_logits = output_activation(m.spec.layers) == Activation::Linear;
    out.training_from_file = apply_training(training, out.model.training);
    out.model.info.name = stem(path);
}

bool is_zip(const std::string& bytes) { return bytes.size() >= 4 && bytes.compare(0, 4, "PK\x03\x04") == 0; }

KerasImport import_h5(const std::string& bytes, const std::string& path) {
    Hdf5Reader h5(bytes, path);
    if (!h5.has_attribute("", "model_config")) {
        if (h5.exists("layers") || h5.has_attribute("", "layer_names"))
            throw FileError(path, -1, "this file holds weights only (a .weights.h5): import it together with the network it "
                                      "belongs to (a preset or the network built in the Train page)");
        throw FileError(path, -1, "not a Keras model: the HDF5 file has no model_config attribute");
    }
    KerasImport out;
    const json config = parse_json(h5.string_attribute("", "model_config"), "model_config", path);
    if (h5.has_attribute("", "keras_version")) out.keras_version = h5.string_attribute("", "keras_version");
    out.format = is_keras3_config(config) || out.keras_version.rfind("3.", 0) == 0 ? KerasFormat::Keras3LegacyH5 : KerasFormat::Keras2H5;
    const Mapped m = map_model_config(config, path);
    if (!h5.exists("model_weights")) throw FileError(path, -1, "the file has no model_weights group (saved without weights?)");
    auto names = h5.string_list_attribute("model_weights", "layer_names");
    if (m.functional) {
        // A functional model lists its InputLayer too, and its layers in its own order: the
        // groups are the chain's layers by name.
        std::erase(names, m.input_name);
        std::vector<std::string> chain;
        for (const auto& k : m.layers) {
            if (std::find(names.begin(), names.end(), k.name) == names.end())
                throw FileError(path, -1, "model_weights has no layer '" + k.name + "'");
            chain.push_back(k.name);
        }
        if (names.size() == chain.size()) names = chain;
    }
    if (names.size() != m.layers.size())
        throw FileError(path, -1, "model_weights lists " + std::to_string(names.size()) + " layers, the config has " +
                                      std::to_string(m.layers.size()));
    NamedWeights source(h5, "model_weights", names);
    json training;
    if (h5.has_attribute("", "training_config"))
        training = parse_json(h5.string_attribute("", "training_config"), "training_config", path);
    finish(out, m, read_parameters(m, h5, source), training, path);
    return out;
}

KerasImport import_zip(const std::string& bytes, const std::string& path) {
    const formats::ZipReader zip(bytes, path);
    for (const char* entry : {"config.json", "model.weights.h5"})
        if (!zip.has(entry))
            throw FileError(path, -1, std::string("not a Keras 3 .keras file: the archive has no ") + entry);
    KerasImport out;
    out.format = KerasFormat::KerasZip;
    if (zip.has("metadata.json")) {
        const json meta = parse_json(zip.read("metadata.json", kMaxConfigBytes), "metadata.json", path);
        if (meta.is_object() && meta.contains("keras_version") && meta["keras_version"].is_string())
            out.keras_version = meta["keras_version"].get<std::string>();
    }
    const json config = parse_json(zip.read("config.json", kMaxConfigBytes), "config.json", path);
    const Mapped m = map_model_config(config, path);
    const Hdf5Reader h5(zip.read("model.weights.h5", kMaxFileBytes), path + ":model.weights.h5");
    IndexedWeights source(h5, m.layers);
    finish(out, m, read_parameters(m, h5, source), config.contains("compile_config") ? config["compile_config"] : json(), path);
    return out;
}

}  // namespace

std::string format_name(KerasFormat f) {
    switch (f) {
        case KerasFormat::Keras2H5: return "Keras 2 HDF5 (.h5)";
        case KerasFormat::Keras3LegacyH5: return "Keras 3 legacy HDF5 (.h5)";
        case KerasFormat::KerasZip: return "Keras 3 (.keras)";
    }
    return "Keras";
}

bool is_keras_path(const std::string& path) {
    auto ends = [&](const char* e) {
        const std::string s = e;
        return path.size() >= s.size() && std::equal(s.rbegin(), s.rend(), path.rbegin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
               });
    };
    return ends(".h5") || ends(".hdf5") || ends(".keras");
}

KerasImport import_keras_model_bytes(const std::string& bytes, const std::string& path) {
    try {
        if (is_zip(bytes)) return import_zip(bytes, path);
        return import_h5(bytes, path);
    } catch (const json::exception& e) {
        throw FileError(path, -1, std::string("unexpected JSON in the model config: ") + e.what());
    } catch (const ConfigError& e) {
        throw FileError(path, -1, std::string("the model cannot be built: ") + e.what());
    }
}

KerasImport import_keras_model(const std::string& path) {
    return import_keras_model_bytes(read_regular_file(path, kMaxFileBytes, "a Keras model file"), path);
}

std::vector<float> import_keras_weights_bytes(const std::string& bytes, const std::string& path, const ModelSpec& spec) {
    // The spec's layers as the Keras layers a Sequential model built from it has.
    Mapped m;
    m.spec = spec;
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec& s = spec.layers[i];
        KerasLayer k;
        k.class_name = layer_kind_name(s.kind);
        k.name = snake_case(k.class_name) + " (layer " + std::to_string(i + 1) + ")";
        k.spec_index = static_cast<int>(i);
        if (s.kind == LayerKind::Dense || s.kind == LayerKind::Conv2D) k.weights = {"kernel", "bias"};
        if (s.kind == LayerKind::BatchNormalization) k.weights = {"gamma", "beta", "moving_mean", "moving_variance"};
        m.layers.push_back(k);
    }
    try {
        const Hdf5Reader h5(bytes, path);
        if (h5.exists("layers")) {
            IndexedWeights source(h5, m.layers, true);
            return read_parameters(m, h5, source);
        }
        const std::string root = h5.exists("model_weights") ? "model_weights" : "";
        if (!h5.has_attribute(root, "layer_names"))
            throw FileError(path, -1, "not a Keras weights file: no layers group (Keras 3) and no layer_names (Keras 2)");
        // Keras 2 names its groups after the user's layers: match them in order, by which have weights.
        std::vector<std::string> with_weights;
        for (const auto& n : h5.string_list_attribute(root, "layer_names"))
            if (!h5.string_list_attribute((root.empty() ? "" : root + "/") + n, "weight_names").empty()) with_weights.push_back(n);
        std::vector<std::string> groups;
        Mapped weighted;
        weighted.spec = spec;
        for (const auto& k : m.layers)
            if (!k.weights.empty()) weighted.layers.push_back(k);
        if (with_weights.size() != weighted.layers.size())
            throw FileError(path, -1, "the file has weights for " + std::to_string(with_weights.size()) + " layers, the network has " +
                                          std::to_string(weighted.layers.size()) + " layers with weights");
        NamedWeights source(h5, root, with_weights, true);
        return read_parameters(weighted, h5, source);
    } catch (const ConfigError& e) {
        throw FileError(path, -1, std::string("the network cannot be built: ") + e.what());
    }
}

ModelFile load_any_model(const std::string& path) {
    return is_keras_path(path) ? import_keras_model(path).model : load_model(path);
}

std::vector<float> import_keras_weights(const std::string& path, const ModelSpec& spec) {
    return import_keras_weights_bytes(read_regular_file(path, kMaxFileBytes, "a Keras model file"), path, spec);
}

}  // namespace digit::interop
