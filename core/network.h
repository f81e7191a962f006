#pragma once
// A sequential network built from a ModelSpec. It owns the compute layers, the activations of the
// last forward pass and the two flat buffers every layer's parameters and gradients live in.
//
// x: (batch, input.size()) with values in [0, 1]; output: (batch, classes).
#include "layer.h"
#include "layer_spec.h"
#include "loss.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace digit {

// What a spec needs, worked out without allocating anything proportional to its sizes: each spec
// layer's output shape and parameter count, and their total (overflow-checked, at most
// kMaxParameterCount). Throws ConfigError naming the layer for an impossible or oversized spec.
// The model loader compares `parameters` with the file's count before it allocates the weights.
struct ModelPlan {
    std::vector<Shape> shapes;               // per spec layer
    std::vector<std::size_t> layer_parameters;  // per spec layer
    std::size_t parameters = 0;
};
ModelPlan plan_model(const ModelSpec& spec);

// A rough upper estimate of the memory training `spec` with mini-batches of `batch` samples
// takes: per sample the input and, for every layer, its output, a separate activation and the
// backward pass's delta (3 tensors), plus the weights, their gradients and up to three optimiser
// state buffers. Used to refuse a batch size the machine cannot hold, with a message, instead of
// dying in std::bad_alloc. Throws ConfigError for an impossible spec.
std::uint64_t estimate_training_bytes(const ModelSpec& spec, std::uint64_t batch);

class Network {
public:
    // Builds the layers (throws ConfigError for an impossible spec) and initialises the
    // parameters Keras's way from `seed`.
    explicit Network(ModelSpec spec, std::uint64_t seed = 1);
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;
    ~Network();

    const ModelSpec& spec() const { return spec_; }
    const Shape& input_shape() const { return spec_.input; }
    const Shape& output_shape() const { return output_shape_; }
    int classes() const { return static_cast<int>(output_shape_.size()); }
    // Output shape and parameter count of each spec layer, as Keras's summary shows them.
    const std::vector<Shape>& layer_output_shapes() const { return spec_shapes_; }
    const std::vector<std::size_t>& layer_parameter_counts() const { return spec_params_; }

    std::size_t parameter_count() const { return params_.size(); }
    // Trainable parameters, as Keras's summary counts them (the rest are e.g. batch-norm statistics).
    std::size_t trainable_count() const { return trainable_; }
    std::vector<Scalar>& parameters() { return params_; }
    const std::vector<Scalar>& parameters() const { return params_; }
    const std::vector<Scalar>& gradients() const { return grads_; }
    // Copies weights in (e.g. a loaded model, a snapshot); the size must match. Batch-norm
    // layers then keep their moving statistics when training continues.
    void set_parameters(const std::vector<Scalar>& p);

    // True when the spec's last layer has a softmax: the network then computes logits and the
    // loss folds the softmax in. False when the last layer is linear (a logits model).
    bool ends_with_softmax() const { return final_softmax_; }
    // The one rule for what forward_scores() returns: logits when the softmax is folded out
    // (ends_with_softmax()) or the output is linear (a logits model, Keras's from_logits);
    // probabilities otherwise (e.g. a sigmoid output). validate() keeps the loss's from_logits
    // in agreement with it.
    bool scores_are_logits() const;

    // Runs the layers and returns the scores: logits if ends_with_softmax() or the model is a
    // logits model, otherwise the last layer's output. The reference stays valid until the next
    // call; x must stay alive until backward().
    const Matrix& forward_scores(const Matrix& x, bool training);
    // Backpropagates dscores = dL/dscores through every layer, filling gradients(). With dinput,
    // also dL/dx for the x of the last forward_scores: (batch, input.size()), as for saliency maps.
    // layer_done(begin, end), if given, is called as soon as a layer's gradients
    // gradients()[begin, end) are complete (the layers below no longer read its parameters), so
    // the trainer updates them while they are in cache.
    using LayerDone = std::function<void(std::size_t begin, std::size_t end)>;
    void backward(const Matrix& dscores, Matrix* dinput = nullptr, const LayerDone& layer_done = {});
    // Spec layer i's output for the last forward_scores(): (batch, layer_output_shapes()[i].size()).
    // For a final softmax that forward_scores() leaves out, the last layer's output is its logits
    // (core/introspect.h adds the softmax). Valid until the next forward_scores().
    const Matrix& layer_output(std::size_t spec_layer) const;
    // Sum of the layers' L2 penalties.
    double regularization_loss() const;

    // Class probabilities in inference mode, computed in chunks of at most `batch` rows. A model
    // whose last layer is linear produces logits and gets a softmax here.
    void predict(const Matrix& x, Matrix& probabilities, int batch = 256);
    Matrix predict(const Matrix& x, int batch = 256) {
        Matrix p;
        predict(x, p, batch);
        return p;
    }

    Rng& rng() { return rng_; }

    // Per-layer wall time of forward_scores() and backward() while profiling is on (off by
    // default; digit-cli bench turns it on). One entry per compute layer, activations split out.
    struct LayerProfile {
        std::string kind;
        double forward_seconds = 0, backward_seconds = 0;
        double flops = 0;  // forward and backward, counting a multiply-add as two
    };
    void set_profiling(bool on);
    const std::vector<LayerProfile>& profile() const { return profile_; }

private:
    ModelSpec spec_;
    Shape output_shape_;
    std::vector<std::unique_ptr<Layer>> layers_;  // compute layers (activations split out)
    std::vector<Shape> spec_shapes_;
    std::vector<std::size_t> spec_params_;
    std::vector<Scalar> params_;
    std::vector<Scalar> grads_;
    std::size_t trainable_ = 0;
    bool final_softmax_ = false;
    std::size_t scored_layers_ = 0;  // layers run by forward_scores (a final softmax is left out)
    const Matrix* input_ = nullptr;  // the x of the last forward_scores (must outlive backward)
    std::vector<Matrix> acts_;       // acts_[i + 1] = output of layer i (acts_[0] unused)
    std::vector<std::size_t> spec_end_;  // spec layer i's output is acts_[spec_end_[i]]
    std::vector<std::size_t> offsets_;   // compute layer i's parameters: [offsets_[i], offsets_[i + 1])
    std::vector<Matrix> deltas_;     // scratch for backward, one per activation
    bool profiling_ = false;
    std::vector<LayerProfile> profile_;
    Rng rng_;
};

}  // namespace digit
