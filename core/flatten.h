#pragma once
// Flattens (height, width, channels) to (height * width * channels). Samples are already stored
// flat and channels-last, Keras's order, so this only changes the shape: y = x.
#include "layer.h"
#include "layer_spec.h"

namespace digit {

class Flatten : public Layer {
public:
    Shape build(const Shape& input_shape) override;
    void forward(const Matrix& x, Matrix& y, bool training, Rng& rng) override;
    void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
    const char* kind() const override { return "Flatten"; }
};

}  // namespace digit
