#pragma once
// Element-wise activations, with Keras's names and definitions. Every derivative is computed from
// the activation's output y alone, so layers keep only their outputs for the backward pass.
#include "tensor.h"

#include <optional>
#include <string>

namespace digit {

enum class Activation {
    Linear,
    Relu,
    Tanh,
    Sigmoid,
    Softmax,     // along each row
    LeakyRelu,   // slope 0.2 for x < 0 (keras.activations.leaky_relu)
    Elu,         // alpha 1
    Softplus,
    Softsign,
    HardSigmoid  // max(0, min(1, 0.2 x + 0.5)), Keras 2's definition
};

std::string activation_name(Activation a);
std::optional<Activation> activation_from_name(const std::string& name);
const std::vector<Activation>& all_activations();

// The one softmax: row-wise, stable (the row's max subtracted), out = softmax(logits) of the same
// shape; out may be logits. The Matrix form resizes out.
void softmax_rows(Eigen::Ref<const Matrix> logits, Eigen::Ref<Matrix> out);
void softmax_rows(const Matrix& logits, Matrix& out);

// y = f(x), row-wise for softmax. x and y may be the same matrix.
void activation_forward(Activation a, const Matrix& x, Matrix& y);
// dx = dL/dx given y = f(x) and dy = dL/dy. dx may alias dy.
void activation_backward(Activation a, const Matrix& y, const Matrix& dy, Matrix& dx);

}  // namespace digit
