#pragma once
// Batch normalisation over the last axis (features of a Dense output, channels of an image),
// as keras.layers.BatchNormalization (Ioffe & Szegedy 2015):
//   training:  y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta, statistics over the batch and
//              every spatial position; the moving statistics follow with momentum 0.99.
//   inference: the moving mean and variance stand in for the batch's.
// One difference from Keras: a freshly initialised layer takes its first training batch's
// statistics as the moving ones (Keras starts from 0 and 1), so a model stopped after a few
// dozen batches already predicts sensibly.
// The passes run over fixed chunks of positions with per-chunk partial sums added in chunk
// order, so two threads give the same bits as one (parallel.h).
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
    // Loaded moving statistics are kept: training continues from them (Keras's momentum rule).
    void parameters_loaded() override { fresh_ = false; }
    void forward(const Matrix& x, Matrix& y, bool training, Rng& rng) override;
    void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
    const char* kind() const override { return "BatchNormalization"; }

private:
    int channels_ = 0;
    Scalar momentum_ = Scalar(0.99);
    Scalar epsilon_ = Scalar(1e-3);
    Scalar* p_ = nullptr;
    Scalar* g_ = nullptr;
    bool last_training_ = false;
    bool fresh_ = false;  // initialised and not yet trained: take the first batch's statistics
    RowVector mean_;      // (C) of the last training batch
    RowVector inv_std_;   // (C) 1 / sqrt(var + eps) of the last training batch
    Matrix partial_;      // (chunks, 2C) per-chunk sums
};

}  // namespace digit
