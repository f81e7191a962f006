#include "dropout.h"

#include "errors.h"

namespace digit {

Dropout::Dropout(const LayerSpec& spec) : rate_(static_cast<Scalar>(spec.rate)) {
    if (!(spec.rate >= 0.0f && spec.rate < 1.0f))
        throw ConfigError("Dropout: rate must be in [0, 1), got " + std::to_string(spec.rate));
}

Shape Dropout::build(const Shape& input_shape) { return input_shape; }

void Dropout::forward(const Matrix& x, Matrix& y, bool training, Rng& rng) {
    last_training_ = training && rate_ > 0;
    if (!last_training_) {
        y = x;
        return;
    }
    mask_.resize(x.rows(), x.cols());
    const Scalar scale = Scalar(1) / (Scalar(1) - rate_);
    // Compare 24-bit integers: a draw keeps the unit when u >= rate, P = 1 - rate.
    const auto threshold = static_cast<std::uint32_t>(static_cast<double>(rate_) * 16777216.0);
    Scalar* m = mask_.data();
    for (Eigen::Index i = 0, n = mask_.size(); i < n; ++i) m[i] = (rng.next_u32() >> 8) >= threshold ? scale : Scalar(0);
    y.resize(x.rows(), x.cols());
    y.array() = x.array() * mask_.array();
}

void Dropout::backward(const Matrix& /*x*/, const Matrix& /*y*/, const Matrix& dy, Matrix* dx) {
    if (!dx) return;
    if (!last_training_) {
        *dx = dy;
        return;
    }
    dx->resize(dy.rows(), dy.cols());
    dx->array() = dy.array() * mask_.array();
}

}  // namespace digit
