#pragma once
// Inverted dropout, as Keras does it: in training each input is kept with probability 1 - rate
// and scaled by 1 / (1 - rate), so the expected value is unchanged; at inference it is the
// identity. x, y: (batch, n).
#include "layer.h"
#include "layer_spec.h"

namespace digit {

class Dropout : public Layer {
public:
    explicit Dropout(const LayerSpec& spec);
    Shape build(const Shape& input_shape) override;
    void forward(const Matrix& x, Matrix& y, bool training, Rng& rng) override;
    void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
    const char* kind() const override { return "Dropout"; }

private:
    Scalar rate_;
    Matrix mask_;  // (batch, n): 0 or 1 / (1 - rate) from the last training forward
    bool last_training_ = false;
};

}  // namespace digit
