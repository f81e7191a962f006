#pragma once
// Batch normalisation over the last axis (features of a Dense output, channels of an image),
// as keras.layers.BatchNormalization (Ioffe & Szegedy 2015):
//   training:  y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta, statistics over the batch and
//              every spatial position; the moving statistics follow with momentum 0.99.
//   inference: the moving mean and variance stand in for the batch's.
// x, y: (batch, H*W*C) channels-last, viewed as (batch*H*W, C).
// Flat parameters: gamma (C), beta (C) trainable; moving_mean (C), moving_variance (C) not
// (their gradients stay zero), which is how Keras counts 4*C parameters, 2*C trainable.
#include "layer.h"
#include "layer_spec.h"

namespace digit {

class BatchNormalization : public Layer {
public:
    explicit BatchNormalization(const LayerSpec& spec);
    Shape build(const Shape& input_shape) override;
    std::size_t parameter_count() const override { return 4 * static_cast<std::size_t>(channels_); }
    std::size_t trainable_count() const override { return 2 * static_cast<std::size_t>(channels_); }
    void bind(Scalar* params, Scalar* grads) override;
    void initialize(Rng& rng) override;
    void forward(const Matrix& x, Matrix& y, bool training, Rng& rng) override;
    void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;

private:
    int channels_ = 0;
    Scalar momentum_ = Scalar(0.99);
    Scalar epsilon_ = Scalar(1e-3);
    Scalar* p_ = nullptr;
    Scalar* g_ = nullptr;
    bool last_training_ = false;
    Matrix xhat_;        // (batch*H*W, C) from the last training forward
    RowVector inv_std_;  // (C)
};

}  // namespace digit
