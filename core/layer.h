#pragma once
// The one interface every layer implements (dense, dropout, flatten, activation, conv2d, ...).
//
// A layer maps a mini-batch x: (batch, input_shape.size()) to y: (batch, output_shape.size()),
// both row-major with one sample per row (images flattened channels-last). Its trainable
// parameters and their gradients are not owned by the layer: they live in the Network's two flat
// buffers (which the optimiser walks); bind() hands the layer its slice of each.
#include "rng.h"
#include "tensor.h"

#include <cstddef>
#include <string>

namespace digit {

struct LayerSpec;

class Layer {
public:
    virtual ~Layer() = default;

    // Called once, before bind(): fixes the shapes. Throws ConfigError on an impossible input.
    virtual Shape build(const Shape& input_shape) = 0;

    // Number of scalars this layer keeps in the flat parameter buffer (trainable ones first).
    virtual std::size_t parameter_count() const { return 0; }
    // Of those, how many the optimiser trains (the rest are e.g. batch-norm moving statistics,
    // whose gradients stay zero).
    virtual std::size_t trainable_count() const { return parameter_count(); }
    // params/grads point to parameter_count() scalars each, valid for the layer's lifetime.
    virtual void bind(Scalar* /*params*/, Scalar* /*grads*/) {}
    // Keras's default initialisation (glorot_uniform kernels, zero biases).
    virtual void initialize(Rng& /*rng*/) {}
    // The parameters were copied in from outside (a model file, an imported Keras model, a
    // snapshot): they are trained values, not an initialisation.
    virtual void parameters_loaded() {}

    // y = f(x). training selects e.g. dropout's training behaviour. y is resized if needed
    // (no allocation when the batch size is unchanged). rng is the network's, for dropout.
    virtual void forward(const Matrix& x, Matrix& y, bool training, Rng& rng) = 0;

    // Given x and y from the last forward and dy = dL/dy, writes the parameter gradients into the
    // bound gradient slice (overwriting, not accumulating; L2 terms included) and, if dx is not
    // null, dx = dL/dx. The first layer of a network gets dx == nullptr and may skip that work.
    virtual void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) = 0;

    // The L2 penalty this layer adds to the loss (0 if none).
    virtual double regularization_loss() const { return 0.0; }

    // Keras's class name ("Conv2D", "Dense", ...), for profiles and messages.
    virtual const char* kind() const = 0;
    // Floating-point operations of forward() per sample, counting a multiply-add as two; only
    // for the layers whose work is a matrix product (0 for the element-wise ones). backward()
    // does the same product once for the kernel gradient and once more for dx.
    virtual double forward_flops() const { return 0.0; }
};

}  // namespace digit
