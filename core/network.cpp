#include "network.h"

#include "activation_layer.h"
#include "conv2d.h"
#include "errors.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace digit {

namespace {
bool has_own_activation(const LayerSpec& s) {
    return (s.kind == LayerKind::Dense || s.kind == LayerKind::Conv2D) && s.activation != Activation::Linear;
}
}  // namespace

namespace {

// The compute layers of a spec, built (shapes fixed) but not bound: each layer's build() checks
// its input and output sizes, so nothing here allocates more than a few small tables.
struct BuiltLayers {
    std::vector<std::unique_ptr<Layer>> layers;  // activations split out
    std::vector<std::size_t> counts;             // per compute layer
    std::vector<std::size_t> spec_end;           // per spec layer: one past its last compute layer
    ModelPlan plan;
    std::size_t trainable = 0;
};

BuiltLayers build_layers(const ModelSpec& spec) {
    if (spec.layers.empty()) throw ConfigError("the network has no layers");
    check_shape(spec.input, "the input shape");
    BuiltLayers b;
    Shape shape = spec.input;
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec& s = spec.layers[i];
        std::size_t spec_params = 0;
        try {
            auto layer = make_layer(s);
            shape = layer->build(shape);
            check_shape(shape, "the output shape");
            spec_params = layer->parameter_count();
            // Each layer's count is below 2^53 (bounded sizes); the running total is checked
            // against the limit after every layer, so it cannot wrap either.
            if (spec_params > kMaxParameterCount || b.plan.parameters + spec_params > kMaxParameterCount)
                throw ConfigError("needs " + std::to_string(b.plan.parameters + spec_params) + " parameters in all, more than the " +
                                  std::to_string(kMaxParameterCount) + " a model may have");
            b.plan.parameters += spec_params;
            b.trainable += layer->trainable_count();
            b.counts.push_back(spec_params);
            // A Conv2D applies its own relu while each block is in cache; no separate layer then.
            const bool fused_relu = s.kind == LayerKind::Conv2D && s.activation == Activation::Relu;
            if (fused_relu) static_cast<Conv2D&>(*layer).fuse_relu();
            b.layers.push_back(std::move(layer));
            if (has_own_activation(s) && !fused_relu) {
                auto act = std::make_unique<ActivationLayer>(s.activation);
                shape = act->build(shape);
                b.counts.push_back(0);
                b.layers.push_back(std::move(act));
            }
        } catch (const ConfigError& e) {
            throw ConfigError("layer " + std::to_string(i + 1) + " (" + layer_kind_name(s.kind) + "): " + e.what());
        }
        b.plan.shapes.push_back(shape);
        b.plan.layer_parameters.push_back(spec_params);
        b.spec_end.push_back(b.layers.size());
    }
    if (shape.rank() != 1) throw ConfigError("the network must end with a flat output (a Dense layer), not " + shape.to_string());
    return b;
}

}  // namespace

ModelPlan plan_model(const ModelSpec& spec) { return build_layers(spec).plan; }

std::uint64_t estimate_training_bytes(const ModelSpec& spec, std::uint64_t batch) {
    const ModelPlan plan = plan_model(spec);
    // Every shape holds at most 2^22 values and there are at most 1000 layers: no overflow
    // below for any batch up to 2^20.
    std::uint64_t per_sample = static_cast<std::uint64_t>(spec.input.size());
    for (const Shape& s : plan.shapes) per_sample += 3 * static_cast<std::uint64_t>(s.size());
    return sizeof(Scalar) * (batch * per_sample + 5 * static_cast<std::uint64_t>(plan.parameters));
}

Network::Network(ModelSpec spec, std::uint64_t seed) : spec_(std::move(spec)), rng_(seed) {
    BuiltLayers built = build_layers(spec_);
    layers_ = std::move(built.layers);
    const std::vector<std::size_t>& counts = built.counts;
    spec_shapes_ = built.plan.shapes;
    spec_params_ = built.plan.layer_parameters;
    spec_end_ = built.spec_end;
    trainable_ = built.trainable;
    output_shape_ = spec_shapes_.back();

    const LayerSpec& last = spec_.layers.back();
    final_softmax_ = (last.kind == LayerKind::Dense || last.kind == LayerKind::Conv2D || last.kind == LayerKind::Activation) &&
                     last.activation == Activation::Softmax;
    scored_layers_ = final_softmax_ ? layers_.size() - 1 : layers_.size();
    for (auto& end : spec_end_) end = std::min(end, scored_layers_);

    const std::size_t total = built.plan.parameters;
    params_.assign(total, Scalar(0));
    grads_.assign(total, Scalar(0));
    std::size_t offset = 0;
    offsets_.assign(1, 0);
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        layers_[i]->bind(params_.data() + offset, grads_.data() + offset);
        offset += counts[i];
        offsets_.push_back(offset);
    }
    // A layer's non-trainable entries (batch-norm statistics) sit in the same flat buffer with
    // gradients that stay zero, and every optimiser turns a zero gradient into a zero update, so
    // the optimiser can walk the whole buffer.
    for (auto& layer : layers_) layer->initialize(rng_);
    acts_.resize(layers_.size() + 1);
    deltas_.resize(layers_.size() + 1);
}

Network::~Network() = default;

void Network::set_parameters(const std::vector<Scalar>& p) {
    if (p.size() != params_.size())
        throw ConfigError("weights for " + std::to_string(p.size()) + " parameters given to a network with " +
                          std::to_string(params_.size()));
    std::copy(p.begin(), p.end(), params_.begin());
    for (auto& layer : layers_) layer->parameters_loaded();
}

const Matrix& Network::forward_scores(const Matrix& x, bool training) {
    if (x.cols() != spec_.input.size())
        throw ConfigError("input has " + std::to_string(x.cols()) + " values per sample, the network expects " +
                          std::to_string(spec_.input.size()));
    input_ = &x;
    const Matrix* in = &x;
    for (std::size_t i = 0; i < scored_layers_; ++i) {
        if (profiling_) {
            const auto t0 = std::chrono::steady_clock::now();
            layers_[i]->forward(*in, acts_[i + 1], training, rng_);
            profile_[i].forward_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            profile_[i].flops += layers_[i]->forward_flops() * static_cast<double>(in->rows());
        } else {
            layers_[i]->forward(*in, acts_[i + 1], training, rng_);
        }
        in = &acts_[i + 1];
    }
    return *in;
}

void Network::set_profiling(bool on) {
    profiling_ = on;
    profile_.assign(layers_.size(), LayerProfile{});
    for (std::size_t i = 0; i < layers_.size(); ++i) profile_[i].kind = layers_[i]->kind();
}

const Matrix& Network::layer_output(std::size_t spec_layer) const {
    if (spec_layer >= spec_end_.size())
        throw ConfigError("layer " + std::to_string(spec_layer + 1) + " asked of a network with " +
                          std::to_string(spec_end_.size()));
    return acts_[spec_end_[spec_layer]];
}

void Network::backward(const Matrix& dscores, Matrix* dinput, const LayerDone& layer_done) {
    const Matrix* dy = &dscores;
    for (std::size_t i = scored_layers_; i-- > 0;) {
        const Matrix& x = i == 0 ? *input_ : acts_[i];
        Matrix* dx = i == 0 ? dinput : &deltas_[i];
        if (profiling_) {
            const auto t0 = std::chrono::steady_clock::now();
            layers_[i]->backward(x, acts_[i + 1], *dy, dx);
            profile_[i].backward_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            profile_[i].flops += layers_[i]->forward_flops() * static_cast<double>(x.rows()) * (dx ? 2 : 1);
        } else {
            layers_[i]->backward(x, acts_[i + 1], *dy, dx);
        }
        if (layer_done && offsets_[i + 1] > offsets_[i]) layer_done(offsets_[i], offsets_[i + 1]);
        dy = dx;
    }
}

double Network::regularization_loss() const {
    double s = 0;
    for (const auto& layer : layers_) s += layer->regularization_loss();
    return s;
}

bool Network::scores_are_logits() const {
    return final_softmax_ || output_activation(spec_.layers) == Activation::Linear;
}

void Network::predict(const Matrix& x, Matrix& probabilities, int batch) {
    const Eigen::Index n = x.rows();
    probabilities.resize(n, classes());
    if (batch <= 0) batch = 256;
    Matrix chunk;
    for (Eigen::Index first = 0; first < n; first += batch) {
        const Eigen::Index count = std::min<Eigen::Index>(batch, n - first);
        const Matrix* in = &x;
        if (first != 0 || count != n) {
            chunk = x.middleRows(first, count);
            in = &chunk;
        }
        const Matrix& scores = forward_scores(*in, false);
        auto out = probabilities.middleRows(first, count);
        if (scores_are_logits()) {
            softmax_rows(scores, out);
        } else {
            // Probabilities from e.g. a sigmoid output: rescaled to sum to 1, as Keras's loss does.
            for (Eigen::Index r = 0; r < count; ++r) {
                Scalar s = scores.row(r).sum();
                out.row(r) = s > 0 ? (scores.row(r) / s).eval() : RowVector::Constant(classes(), Scalar(1) / classes()).eval();
            }
        }
    }
}

}  // namespace digit
