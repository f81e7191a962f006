#include "dropout.h"

#include "errors.h"
#include "parallel.h"

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
    y.resize(x.rows(), x.cols());
    const Scalar scale = Scalar(1) / (Scalar(1) - rate_);
    // Compare 24-bit integers: a draw keeps the unit when u >= rate, P = 1 - rate. One draw per
    // scalar in order; a chunk starts from the stream advanced to its first scalar, so the mask
    // is the same whether one thread or several draw it.
    const auto threshold = static_cast<std::uint32_t>(static_cast<double>(rate_) * 16777216.0);
    const Eigen::Index n = mask_.size();
    for_element_chunks(n, [&](Eigen::Index b, Eigen::Index e) {
        Rng r = rng;
        r.advance(static_cast<std::uint64_t>(b));
        Scalar* m = mask_.data();
        const Scalar* xp = x.data();
        Scalar* yp = y.data();
        for (Eigen::Index i = b; i < e; ++i) m[i] = (r.next_u32() >> 8) >= threshold ? scale : Scalar(0);
        for (Eigen::Index i = b; i < e; ++i) yp[i] = xp[i] * m[i];
    });
    rng.advance(static_cast<std::uint64_t>(n));
}

void Dropout::backward(const Matrix& /*x*/, const Matrix& /*y*/, const Matrix& dy, Matrix* dx) {
    if (!dx) return;
    if (!last_training_) {
        *dx = dy;
        return;
    }
    dx->resize(dy.rows(), dy.cols());
    const Eigen::Index n = dy.size();
    for_element_chunks(n, [&](Eigen::Index b, Eigen::Index e) {
        const Scalar* d = dy.data();
        const Scalar* m = mask_.data();
        Scalar* out = dx->data();
        for (Eigen::Index i = b; i < e; ++i) out[i] = d[i] * m[i];
    });
}

}  // namespace digit
