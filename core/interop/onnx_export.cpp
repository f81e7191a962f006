#include "file_io.h"
#include "onnx_export.h"

#include "errors.h"
#include "keras_import.h"
#include "network.h"

#include <onnx/onnx_pb.h>

#include <cstring>

namespace digit::interop {

namespace {

class GraphBuilder {
public:
    explicit GraphBuilder(onnx::GraphProto* g) : g_(g) {}

    std::string initializer(const std::string& name, const std::vector<std::int64_t>& dims, const float* data) {
        onnx::TensorProto* t = g_->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        std::int64_t n = 1;
        for (auto d : dims) {
            t->add_dims(d);
            n *= d;
        }
        t->set_raw_data(std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n) * sizeof(float)));
        return name;
    }
    // Adds a node reading `inputs`; returns its output's name.
    onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& inputs) {
        onnx::NodeProto* n = g_->add_node();
        n->set_op_type(op);
        n->set_name(op + "_" + std::to_string(count_));
        for (const auto& i : inputs) n->add_input(i);
        n->add_output(op + "_" + std::to_string(count_) + "_out");
        ++count_;
        return n;
    }
    static void ints(onnx::NodeProto* n, const char* name, const std::vector<std::int64_t>& v) {
        auto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INTS);
        for (auto x : v) a->add_ints(x);
    }
    static void integer(onnx::NodeProto* n, const char* name, std::int64_t v) {
        auto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(v);
    }
    static void real(onnx::NodeProto* n, const char* name, float v) {
        auto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(v);
    }

private:
    onnx::GraphProto* g_;
    int count_ = 0;
};

void set_tensor_type(onnx::ValueInfoProto* v, const std::string& name, const std::vector<std::int64_t>& dims) {
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = t->mutable_shape();
    shape->add_dim()->set_dim_param("N");
    for (auto d : dims) shape->add_dim()->set_dim_value(d);
}

std::string activation(GraphBuilder& b, Activation a, const std::string& x) {
    onnx::NodeProto* n = nullptr;
    switch (a) {
        case Activation::Linear: return x;
        case Activation::Relu: n = b.node("Relu", {x}); break;
        case Activation::Tanh: n = b.node("Tanh", {x}); break;
        case Activation::Sigmoid: n = b.node("Sigmoid", {x}); break;
        case Activation::Softmax:
            n = b.node("Softmax", {x});
            GraphBuilder::integer(n, "axis", 1);  // only on (N, classes): our softmax is along each row
            break;
        case Activation::LeakyRelu:
            n = b.node("LeakyRelu", {x});
            GraphBuilder::real(n, "alpha", 0.2f);
            break;
        case Activation::Elu:
            n = b.node("Elu", {x});
            GraphBuilder::real(n, "alpha", 1.0f);
            break;
        case Activation::Softplus: n = b.node("Softplus", {x}); break;
        case Activation::Softsign: n = b.node("Softsign", {x}); break;
        case Activation::HardSigmoid:
            n = b.node("HardSigmoid", {x});
            GraphBuilder::real(n, "alpha", 0.2f);
            GraphBuilder::real(n, "beta", 0.5f);
            break;
    }
    return n->output(0);
}

}  // namespace

std::string onnx_model_bytes(const ModelSpec& spec, const std::vector<float>& parameters, const std::string& name) {
    Network net(spec);  // the shapes of every layer; throws ConfigError for an impossible spec
    if (parameters.size() != net.parameter_count())
        throw ConfigError("the model has " + std::to_string(parameters.size()) + " weights, its network needs " +
                          std::to_string(net.parameter_count()));
    const bool image = spec.input.rank() == 3;
    if (spec.input.size() != 784 || (image && spec.input[2] != 1))
        throw ConfigError("ONNX export takes networks on 28x28 grey images, not " + spec.input.to_string());

    onnx::ModelProto model;
    model.set_ir_version(7);
    model.set_producer_name("Digit Studio");
    model.set_model_version(1);
    model.set_doc_string("Digit Studio model \"" + name + "\": MNIST digits, pixels in [0, 1]");
    auto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOnnxOpset);
    onnx::GraphProto* graph = model.mutable_graph();
    graph->set_name(name.empty() ? "digit_studio" : name);
    set_tensor_type(graph->add_input(), "input", image ? std::vector<std::int64_t>{1, 28, 28} : std::vector<std::int64_t>{784});

    GraphBuilder b(graph);
    std::string x = "input";
    const float* p = parameters.data();
    bool nchw = image;  // the tensor's current layout in the graph
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec& s = spec.layers[i];
        const Shape in = i == 0 ? spec.input : net.layer_output_shapes()[i - 1];
        const std::string tag = "layer" + std::to_string(i + 1);
        switch (s.kind) {
            case LayerKind::Dense: {
                const std::int64_t nin = in.size(), units = s.units;
                if (in.rank() != 1) {  // a Dense on an image reads it flattened (height, width, channel)
                    if (nchw) {
                        onnx::NodeProto* t = b.node("Transpose", {x});
                        GraphBuilder::ints(t, "perm", {0, 2, 3, 1});
                        x = t->output(0);
                        nchw = false;
                    }
                    onnx::NodeProto* f = b.node("Flatten", {x});
                    GraphBuilder::integer(f, "axis", 1);
                    x = f->output(0);
                }
                // Stored (out, in) with transB = 1, the form every ONNX reader takes (PyTorch's).
                std::vector<float> wt(static_cast<std::size_t>(nin * units));
                for (std::int64_t r = 0; r < nin; ++r)
                    for (std::int64_t c = 0; c < units; ++c) wt[static_cast<std::size_t>(c * nin + r)] = p[r * units + c];
                const std::string w = b.initializer(tag + "_kernel", {units, nin}, wt.data());
                const std::string bias = b.initializer(tag + "_bias", {units}, p + nin * units);
                p += nin * units + units;
                onnx::NodeProto* gemm = b.node("Gemm", {x, w, bias});
                GraphBuilder::integer(gemm, "transB", 1);
                x = gemm->output(0);
                x = activation(b, s.activation, x);
                break;
            }
            case LayerKind::Conv2D: {
                const int k = s.kernel, cin = in[2], f = s.units;
                // (kh, kw, in, out) -> (out, in, kh, kw)
                std::vector<float> kernel(static_cast<std::size_t>(k) * k * cin * f);
                for (int a = 0; a < k; ++a)
                    for (int c = 0; c < k; ++c)
                        for (int ci = 0; ci < cin; ++ci)
                            for (int co = 0; co < f; ++co)
                                kernel[((static_cast<std::size_t>(co) * cin + ci) * k + a) * k + c] =
                                    p[((static_cast<std::size_t>(a) * k + c) * cin + ci) * f + co];
                const std::string w = b.initializer(tag + "_kernel", {f, cin, k, k}, kernel.data());
                const std::string bias = b.initializer(tag + "_bias", {f}, p + kernel.size());
                p += kernel.size() + static_cast<std::size_t>(f);
                onnx::NodeProto* n = b.node("Conv", {x, w, bias});
                GraphBuilder::ints(n, "kernel_shape", {k, k});
                GraphBuilder::ints(n, "strides", {s.stride, s.stride});
                if (s.padding == Padding::Same) {
                    // TensorFlow's 'same': the odd pixel of padding at the bottom/right.
                    const Shape out = net.layer_output_shapes()[i];
                    const int ph = std::max((out[0] - 1) * s.stride + k - in[0], 0);
                    const int pw = std::max((out[1] - 1) * s.stride + k - in[1], 0);
                    GraphBuilder::ints(n, "pads", {ph / 2, pw / 2, ph - ph / 2, pw - pw / 2});
                }
                x = activation(b, s.activation, n->output(0));
                break;
            }
            case LayerKind::MaxPooling2D: {
                const int stride = s.stride > 0 ? s.stride : s.pool;
                onnx::NodeProto* n = b.node("MaxPool", {x});
                GraphBuilder::ints(n, "kernel_shape", {s.pool, s.pool});
                GraphBuilder::ints(n, "strides", {stride, stride});
                if (s.padding == Padding::Same) {
                    const Shape out = net.layer_output_shapes()[i];
                    const int ph = std::max((out[0] - 1) * stride + s.pool - in[0], 0);
                    const int pw = std::max((out[1] - 1) * stride + s.pool - in[1], 0);
                    GraphBuilder::ints(n, "pads", {ph / 2, pw / 2, ph - ph / 2, pw - pw / 2});
                }
                x = n->output(0);
                break;
            }
            case LayerKind::BatchNormalization: {
                const std::int64_t c = in[in.rank() - 1];
                const std::string gamma = b.initializer(tag + "_gamma", {c}, p);
                const std::string beta = b.initializer(tag + "_beta", {c}, p + c);
                const std::string mean = b.initializer(tag + "_moving_mean", {c}, p + 2 * c);
                const std::string var = b.initializer(tag + "_moving_variance", {c}, p + 3 * c);
                p += 4 * c;
                onnx::NodeProto* n = b.node("BatchNormalization", {x, gamma, beta, mean, var});
                GraphBuilder::real(n, "epsilon", 1e-3f);
                x = n->output(0);
                break;
            }
            case LayerKind::Flatten: {
                if (nchw) {  // back to (N, H, W, C): Keras's flatten order
                    onnx::NodeProto* t = b.node("Transpose", {x});
                    GraphBuilder::ints(t, "perm", {0, 2, 3, 1});
                    x = t->output(0);
                    nchw = false;
                }
                onnx::NodeProto* n = b.node("Flatten", {x});
                GraphBuilder::integer(n, "axis", 1);
                x = n->output(0);
                break;
            }
            case LayerKind::Activation: x = activation(b, s.activation, x); break;
            case LayerKind::Dropout: break;  // identity at inference
        }
    }
    if (p != parameters.data() + parameters.size()) throw ConfigError("ONNX export: the weights do not match the layers");
    // The last node's output becomes "output".
    onnx::NodeProto* last = graph->mutable_node(graph->node_size() - 1);
    last->set_output(0, "output");
    set_tensor_type(graph->add_output(), "output", {net.classes()});
    std::string bytes;
    if (!model.SerializeToString(&bytes)) throw ConfigError("ONNX export: protobuf could not serialise the model");
    return bytes;
}

void export_onnx(const std::string& path, const ModelFile& model) {
    write_file_atomically(path, onnx_model_bytes(model.spec, model.parameters, model.info.name));
}

}  // namespace digit::interop
