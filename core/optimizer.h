#pragma once
// Optimisers over the network's flat parameter and gradient buffers, following the Keras
// (tf.keras 2.x) update rules and defaults; each class cites its source. State is sized once, at
// construction, so a step allocates nothing.
#include "tensor.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace digit {

enum class OptimizerKind { SGD, Adam, RMSprop, Adadelta };

struct OptimizerConfig {
    OptimizerKind kind = OptimizerKind::Adam;
    float learning_rate = 0.001f;
    float momentum = 0.0f;    // SGD
    bool nesterov = false;    // SGD
    float decay = 0.0f;       // legacy Keras decay: lr / (1 + decay * iterations), all optimisers
    float beta_1 = 0.9f;      // Adam
    float beta_2 = 0.999f;    // Adam
    float rho = 0.9f;         // RMSprop (0.9), Adadelta (0.95)
    float epsilon = 1e-7f;    // Keras's default fuzz factor

    // Keras's defaults for each optimiser (Adadelta as in the Keras CNN tutorial: lr 1.0, rho 0.95).
    static OptimizerConfig defaults(OptimizerKind kind);
    bool operator==(const OptimizerConfig&) const = default;
};

std::string optimizer_name(OptimizerKind k);  // "sgd", "adam", "rmsprop", "adadelta"
std::optional<OptimizerKind> optimizer_from_name(const std::string& name);

class Optimizer {
public:
    virtual ~Optimizer() = default;
    // One update of `size` parameters from their gradients. A zero gradient with zero state
    // gives a zero update, so non-trainable entries (whose gradients stay zero) are left alone.
    void step(Scalar* params, const Scalar* grads) {
        update(params, grads, 0, n_);
        finish_step();
    }
    // The same step in parts, e.g. one layer's parameters as soon as its gradients are complete
    // and still in cache: update() for disjoint ranges that cover [0, size), then finish_step().
    // Every update is element-wise, so the parts give exactly step()'s bits.
    virtual void update(Scalar* params, const Scalar* grads, std::size_t begin, std::size_t end) = 0;
    void finish_step() { ++iterations_; }
    std::int64_t iterations() const { return iterations_; }
    // The learning rate the next step will use (after decay).
    float current_learning_rate() const;
    const OptimizerConfig& config() const { return config_; }

protected:
    Optimizer(const OptimizerConfig& c, std::size_t size) : config_(c), n_(size) {}
    OptimizerConfig config_;
    std::size_t n_;
    std::int64_t iterations_ = 0;
};

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config, std::size_t size);

}  // namespace digit
