#include "batch_norm.h"

#include "errors.h"

#include <cmath>

namespace digit {

namespace {
using RowMatrixMap = Eigen::Map<Matrix>;
using ConstRowMatrixMap = Eigen::Map<const Matrix>;
}  // namespace

BatchNormalization::BatchNormalization(const LayerSpec&) {}

Shape BatchNormalization::build(const Shape& input_shape) {
    if (input_shape.rank() < 1) throw ConfigError("BatchNormalization needs an input");
    channels_ = input_shape[input_shape.rank() - 1];
    return input_shape;
}

void BatchNormalization::bind(Scalar* params, Scalar* grads) {
    p_ = params;
    g_ = grads;
}

void BatchNormalization::initialize(Rng&) {
    const auto c = static_cast<std::size_t>(channels_);
    for (std::size_t i = 0; i < c; ++i) {
        p_[i] = 1;          // gamma
        p_[c + i] = 0;      // beta
        p_[2 * c + i] = 0;  // moving mean
        p_[3 * c + i] = 1;  // moving variance
    }
}

void BatchNormalization::forward(const Matrix& x, Matrix& y, bool training, Rng&) {
    const Eigen::Index c = channels_;
    const Eigen::Index rows = x.size() / c;  // batch * H * W positions
    ConstRowMatrixMap X(x.data(), rows, c);
    y.resize(x.rows(), x.cols());
    RowMatrixMap Y(y.data(), rows, c);
    Eigen::Map<const RowVector> gamma(p_, c), beta(p_ + c, c);
    Eigen::Map<RowVector> moving_mean(p_ + 2 * c, c), moving_var(p_ + 3 * c, c);
    last_training_ = training;
    if (!training) {
        const RowVector scale = gamma.array() / (moving_var.array() + epsilon_).sqrt();
        const RowVector shift = beta.array() - moving_mean.array() * scale.array();
        Y.noalias() = X;
        Y.array().rowwise() *= scale.array();
        Y.rowwise() += shift;
        return;
    }
    const RowVector mean = X.colwise().mean();
    xhat_.resize(rows, c);
    xhat_.noalias() = X;
    xhat_.rowwise() -= mean;
    const RowVector var = xhat_.array().square().colwise().mean();
    inv_std_ = (var.array() + epsilon_).rsqrt();
    xhat_.array().rowwise() *= inv_std_.array();
    Y.noalias() = xhat_;
    Y.array().rowwise() *= gamma.array();
    Y.rowwise() += beta;
    moving_mean = momentum_ * moving_mean + (1 - momentum_) * mean;
    moving_var = momentum_ * moving_var + (1 - momentum_) * var;
}

void BatchNormalization::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
    const Eigen::Index c = channels_;
    const Eigen::Index rows = x.size() / c;
    ConstRowMatrixMap DY(dy.data(), rows, c);
    Eigen::Map<RowVector> dgamma(g_, c), dbeta(g_ + c, c);
    Eigen::Map<RowVector>(g_ + 2 * c, 2 * c).setZero();  // moving statistics: not trained
    Eigen::Map<const RowVector> gamma(p_, c);
    if (!last_training_) {
        // Inference-mode statistics are constants: y = x * scale + shift.
        Eigen::Map<const RowVector> moving_var(p_ + 3 * c, c), moving_mean(p_ + 2 * c, c);
        const RowVector inv = (moving_var.array() + epsilon_).rsqrt();
        ConstRowMatrixMap X(x.data(), rows, c);
        dbeta = DY.colwise().sum();
        dgamma = ((X.rowwise() - moving_mean).array().rowwise() * inv.array() * DY.array()).colwise().sum();
        if (dx) {
            dx->resize(x.rows(), x.cols());
            RowMatrixMap DX(dx->data(), rows, c);
            DX.noalias() = DY;
            DX.array().rowwise() *= (gamma.array() * inv.array());
        }
        return;
    }
    dbeta = DY.colwise().sum();
    dgamma = (DY.array() * xhat_.array()).colwise().sum();
    if (dx) {
        // dx = gamma * inv_std / N * (N dy - sum(dy) - xhat * sum(dy * xhat)), per channel.
        dx->resize(x.rows(), x.cols());
        RowMatrixMap DX(dx->data(), rows, c);
        const Scalar n = static_cast<Scalar>(rows);
        DX.noalias() = DY * n;
        DX.rowwise() -= dbeta;
        DX.array() -= xhat_.array().rowwise() * dgamma.array();
        DX.array().rowwise() *= (gamma.array() * inv_std_.array() / n);
    }
}

}  // namespace digit
