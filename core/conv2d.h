#pragma once
// 2-D convolution, Keras's Conv2D without its activation (the Network adds that as a separate
// Activation layer), channels-last:
//   x: (batch, H * W * Cin), each row an image flattened (row, column, channel)
//   y: (batch, Ho * Wo * Cout) with Ho = (H - k) / s + 1 ('valid') or ceil(H / s) ('same',
//      zero-padded as TensorFlow pads: the extra pixel, if any, at the bottom/right)
// Parameters in the flat buffer: the kernel in Keras's (kh, kw, Cin, Cout) order, which read as a
// row-major (kh * kw * Cin, Cout) matrix K is exactly what multiplies an im2col row; then the
// bias (Cout). glorot_uniform kernel (fan_in = kh kw Cin, fan_out = kh kw Cout), zero bias.
//
// The work is im2col + one GEMM per chunk of samples: cols (chunk * Ho * Wo, kh kw Cin) times K.
// Chunks keep the cols buffer in cache; backward rebuilds each chunk's cols instead of keeping
// them all. im2col/col2im are split across threads by sample, the GEMMs by Eigen's OpenMP
// blocking, so every sum is taken in the same order whatever the thread timing.
#include "layer.h"
#include "layer_spec.h"

namespace digit {

class Conv2D : public Layer {
public:
    explicit Conv2D(const LayerSpec& spec);

    Shape build(const Shape& input_shape) override;
    std::size_t parameter_count() const override;
    void bind(Scalar* params, Scalar* grads) override;
    void initialize(Rng& rng) override;
    void forward(const Matrix& x, Matrix& y, bool training, Rng& rng) override;
    void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
    double regularization_loss() const override;

private:
    void im2col(const Matrix& x, Eigen::Index first, Eigen::Index count);
    void col2im(Eigen::Index first, Eigen::Index count, Matrix& dx) const;
    Eigen::Index chunk_samples() const;

    int filters_, k_, stride_;
    Padding padding_;
    Scalar l2_;
    int h_ = 0, w_ = 0, cin_ = 0, ho_ = 0, wo_ = 0, pad_top_ = 0, pad_left_ = 0;
    Eigen::Index patch_ = 0;  // kh * kw * Cin
    Scalar* kernel_ = nullptr;
    Scalar* grad_ = nullptr;
    Matrix cols_;   // (chunk * Ho * Wo, patch)
    Matrix dcols_;  // same shape, backward
};

}  // namespace digit
