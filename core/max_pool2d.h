#pragma once
// Max pooling over pool x pool windows, per channel, as keras.layers.MaxPooling2D:
//   x: (batch, H * W * C) channels-last; y: (batch, Ho * Wo * C) with
//   Ho = (H - pool) / stride + 1 ('valid', Keras's default) or ceil(H / stride) ('same').
// Backward sends each output's gradient to the input that was the maximum (the first one on
// ties), remembered from the forward pass. Both passes work on 8 channels at a time without
// branches on the data, one sample per thread; with Keras's default windows (stride = pool,
// 'valid') backward writes every input gradient exactly once instead of clearing and adding.
#include "layer.h"
#include "layer_spec.h"

#include <cstdint>
#include <vector>

namespace digit {

class MaxPooling2D : public Layer {
public:
    explicit MaxPooling2D(const LayerSpec& spec);
    Shape build(const Shape& input_shape) override;
    void forward(const Matrix& x, Matrix& y, bool training, Rng& rng) override;
    void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
    const char* kind() const override { return "MaxPooling2D"; }

private:
    int pool_, stride_;
    Padding padding_;
    int h_ = 0, w_ = 0, c_ = 0, ho_ = 0, wo_ = 0, pad_top_ = 0, pad_left_ = 0;
    std::vector<std::int32_t> argmax_;  // (batch, Ho * Wo * C): index of the maximum in the sample's input row
};

}  // namespace digit
