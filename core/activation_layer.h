#pragma once
// An element-wise activation as its own layer (Keras's Activation, and the activation= part of
// Dense and Conv2D, which the Network splits out). x, y: (batch, n); softmax works per row.
#include "activation.h"
#include "layer.h"

namespace digit {

class ActivationLayer : public Layer {
public:
    explicit ActivationLayer(Activation a) : a_(a) {}
    Activation activation() const { return a_; }
    Shape build(const Shape& input_shape) override { return input_shape; }
    void forward(const Matrix& x, Matrix& y, bool, Rng&) override { activation_forward(a_, x, y); }
    void backward(const Matrix&, const Matrix& y, const Matrix& dy, Matrix* dx) override {
        if (dx) activation_backward(a_, y, dy, *dx);
    }

    const char* kind() const override { return "Activation"; }

private:
    Activation a_;
};

}  // namespace digit
