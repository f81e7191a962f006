#include "dense.h"

#include "errors.h"

#include <cmath>

namespace digit {

Dense::Dense(const LayerSpec& spec) : units_(spec.units), l2_(static_cast<Scalar>(spec.l2)) {
    if (units_ <= 0) throw ConfigError("Dense: units must be positive, got " + std::to_string(units_));
    if (spec.l2 < 0) throw ConfigError("Dense: L2 factor must not be negative");
}

Shape Dense::build(const Shape& input_shape) {
    if (input_shape.rank() != 1)
        throw ConfigError("Dense expects a flat input but gets " + input_shape.to_string() +
                          ": add a Flatten layer before it");
    in_ = input_shape[0];
    return Shape{units_};
}

std::size_t Dense::parameter_count() const {
    return static_cast<std::size_t>(in_) * static_cast<std::size_t>(units_) + static_cast<std::size_t>(units_);
}

void Dense::bind(Scalar* params, Scalar* grads) {
    w_ = params;
    dw_ = grads;
}

void Dense::initialize(Rng& rng) {
    // glorot_uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).
    const float limit = std::sqrt(6.0f / static_cast<float>(in_ + units_));
    const std::size_t nw = static_cast<std::size_t>(in_) * static_cast<std::size_t>(units_);
    for (std::size_t i = 0; i < nw; ++i) w_[i] = static_cast<Scalar>(rng.uniform(-limit, limit));
    for (int i = 0; i < units_; ++i) w_[nw + static_cast<std::size_t>(i)] = 0;
}

void Dense::forward(const Matrix& x, Matrix& y, bool /*training*/, Rng& /*rng*/) {
    ConstMatrixMap W(w_, in_, units_);
    Eigen::Map<const RowVector> b(w_ + static_cast<std::size_t>(in_) * static_cast<std::size_t>(units_), units_);
    y.resize(x.rows(), units_);
    y.noalias() = x * W;
    y.rowwise() += b;
}

void Dense::backward(const Matrix& x, const Matrix& /*y*/, const Matrix& dy, Matrix* dx) {
    MatrixMap dW(dw_, in_, units_);
    RowVectorMap db(dw_ + static_cast<std::size_t>(in_) * static_cast<std::size_t>(units_), units_);
    dW.noalias() = x.transpose() * dy;
    db = dy.colwise().sum();
    if (l2_ > 0) dW += (2 * l2_) * ConstMatrixMap(w_, in_, units_);
    if (dx) {
        dx->resize(dy.rows(), in_);
        dx->noalias() = dy * ConstMatrixMap(w_, in_, units_).transpose();
    }
}

double Dense::regularization_loss() const {
    if (l2_ <= 0) return 0.0;
    return static_cast<double>(l2_) * static_cast<double>(ConstMatrixMap(w_, in_, units_).squaredNorm());
}

}  // namespace digit
