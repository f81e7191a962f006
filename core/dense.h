#pragma once
// Fully connected layer, Keras's Dense without its activation (the Network applies that as a
// separate Activation layer): y = x W + b.
//   x: (batch, in)   W: (in, units), Keras's kernel layout   b: (units)   y: (batch, units)
// Parameters in the flat buffer: W row-major (in * units), then b. glorot_uniform W, zero b.
// Optional L2 on W: loss += l2 * sum(W^2).
//
// When x is mostly exact zeros (MNIST pixels: ~81% background; ReLU outputs) the kernel gradient
// takes a sparse path: dW[p] = sum of x[r][p] dy[r] over the samples r whose x[r][p] is not zero.
// Same sums in the same order on every run, a fraction of the multiply-adds.
#include "layer.h"
#include "layer_spec.h"

namespace digit {

class Dense : public Layer {
public:
    explicit Dense(const LayerSpec& spec);

    Shape build(const Shape& input_shape) override;
    std::size_t parameter_count() const override;
    void bind(Scalar* params, Scalar* grads) override;
    void initialize(Rng& rng) override;
    void forward(const Matrix& x, Matrix& y, bool training, Rng& rng) override;
    void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
    const char* kind() const override { return "Dense"; }
    double forward_flops() const override { return 2.0 * in_ * units_; }
    double regularization_loss() const override;

private:
    // The non-zeros of x by column (CSC), rebuilt for each backward pass; buffers only grow.
    struct Sparse {
        std::vector<int> col_start;
        std::vector<int> rows;
        std::vector<Scalar> col_vals;
        bool used = false;
    };
    void build_sparse(const Matrix& x);

    int in_ = 0;
    int units_;
    Scalar l2_;
    Scalar* w_ = nullptr;
    Scalar* dw_ = nullptr;
    Sparse sparse_;
};

}  // namespace digit
