#include "batch_norm.h"

#include "errors.h"

#include "parallel.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace digit {

BatchNormalization::BatchNormalization(const LayerSpec&) {}

Shape BatchNormalization::build(const Shape& input_shape) {
    // A crafted model file can declare any shape: a channel count of -1 would make the
    // parameter count wrap and initialize() write far outside the layer's slice.
    check_shape(input_shape, "BatchNormalization: the input");
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
    fresh_ = true;
}

namespace {

// Positions (rows of the (positions, C) view) per chunk: 32 Ki scalars for 32 channels.
constexpr Eigen::Index kRowChunk = 1024;

bool parallel_rows(Eigen::Index rows, Eigen::Index c) { return rows * c >= kParallelMinScalars; }

// out[k] = sum over chunk k's rows of f(row pointer, accumulator) for every chunk, then the
// chunk sums added in order into `total` (double, so 100k positions lose nothing).
template <class F>
void chunked_channel_sums(Eigen::Index rows, Eigen::Index c, Matrix& partial, Eigen::Index width, F&& f,
                          std::vector<double>& total) {
    const Eigen::Index chunks = chunk_count(rows, kRowChunk);
    partial.resize(chunks, width);
    for_chunks(rows, kRowChunk, parallel_rows(rows, c), [&](Eigen::Index k, Eigen::Index b, Eigen::Index e) {
        Scalar* acc = partial.data() + k * width;
        std::fill(acc, acc + width, Scalar(0));
        for (Eigen::Index r = b; r < e; ++r) f(r, acc);
    });
    total.assign(static_cast<std::size_t>(width), 0.0);
    for (Eigen::Index k = 0; k < chunks; ++k)
        for (Eigen::Index j = 0; j < width; ++j) total[static_cast<std::size_t>(j)] += static_cast<double>(partial(k, j));
}

}  // namespace

void BatchNormalization::forward(const Matrix& x, Matrix& y, bool training, Rng&) {
    const Eigen::Index c = channels_;
    const Eigen::Index rows = x.size() / c;  // batch * H * W positions
    y.resize(x.rows(), x.cols());
    const Scalar* xp = x.data();
    Scalar* yp = y.data();
    Eigen::Map<const RowVector> gamma(p_, c), beta(p_ + c, c);
    Eigen::Map<RowVector> moving_mean(p_ + 2 * c, c), moving_var(p_ + 3 * c, c);
    last_training_ = training;
    RowVector scale(c), shift(c);
    if (!training) {
        scale = gamma.array() / (moving_var.array() + epsilon_).sqrt();
        shift = beta.array() - moving_mean.array() * scale.array();
    } else {
        // Two passes (mean, then squared deviations) rather than E[x^2] - mean^2, which loses
        // the variance to cancellation in float when |mean| >> std.
        std::vector<double> total;
        chunked_channel_sums(rows, c, partial_, c, [&](Eigen::Index r, Scalar* acc) {
            const Scalar* xr = xp + r * c;
            for (Eigen::Index j = 0; j < c; ++j) acc[j] += xr[j];
        }, total);
        mean_.resize(c);
        for (Eigen::Index j = 0; j < c; ++j) mean_[j] = static_cast<Scalar>(total[static_cast<std::size_t>(j)] / static_cast<double>(rows));
        const Scalar* m = mean_.data();
        chunked_channel_sums(rows, c, partial_, c, [&](Eigen::Index r, Scalar* acc) {
            const Scalar* xr = xp + r * c;
            for (Eigen::Index j = 0; j < c; ++j) {
                const Scalar d = xr[j] - m[j];
                acc[j] += d * d;
            }
        }, total);
        RowVector var(c);
        for (Eigen::Index j = 0; j < c; ++j) var[j] = static_cast<Scalar>(total[static_cast<std::size_t>(j)] / static_cast<double>(rows));
        inv_std_ = (var.array() + epsilon_).rsqrt();
        scale = gamma.array() * inv_std_.array();
        shift = beta.array() - mean_.array() * scale.array();
        if (fresh_) {
            moving_mean = mean_;
            moving_var = var;
            fresh_ = false;
        } else {
            moving_mean = momentum_ * moving_mean + (1 - momentum_) * mean_;
            moving_var = momentum_ * moving_var + (1 - momentum_) * var;
        }
    }
    const Scalar* sc = scale.data();
    const Scalar* sh = shift.data();
    for_chunks(rows, kRowChunk, parallel_rows(rows, c), [&](Eigen::Index, Eigen::Index b, Eigen::Index e) {
        for (Eigen::Index r = b; r < e; ++r) {
            const Scalar* xr = xp + r * c;
            Scalar* yr = yp + r * c;
            for (Eigen::Index j = 0; j < c; ++j) yr[j] = xr[j] * sc[j] + sh[j];
        }
    });
}

void BatchNormalization::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
    const Eigen::Index c = channels_;
    const Eigen::Index rows = x.size() / c;
    Eigen::Map<RowVector> dgamma(g_, c), dbeta(g_ + c, c);
    Eigen::Map<RowVector>(g_ + 2 * c, 2 * c).setZero();  // moving statistics: not trained
    Eigen::Map<const RowVector> gamma(p_, c);
    const Scalar* xp = x.data();
    const Scalar* dyp = dy.data();
    // xhat = (x - mean) * inv: the batch's statistics in training, the moving ones (constants)
    // at inference.
    RowVector mean(c), inv(c);
    if (last_training_) {
        mean = mean_;
        inv = inv_std_;
    } else {
        mean = Eigen::Map<const RowVector>(p_ + 2 * c, c);
        inv = (Eigen::Map<const RowVector>(p_ + 3 * c, c).array() + epsilon_).rsqrt();
    }
    const Scalar* m = mean.data();
    const Scalar* iv = inv.data();
    // Partial sums per chunk: [sum dy (C) | sum dy * xhat (C)].
    std::vector<double> total;
    chunked_channel_sums(rows, c, partial_, 2 * c, [&](Eigen::Index r, Scalar* acc) {
        const Scalar* xr = xp + r * c;
        const Scalar* dr = dyp + r * c;
        for (Eigen::Index j = 0; j < c; ++j) {
            acc[j] += dr[j];
            acc[c + j] += dr[j] * (xr[j] - m[j]) * iv[j];
        }
    }, total);
    for (Eigen::Index j = 0; j < c; ++j) {
        dbeta[j] = static_cast<Scalar>(total[static_cast<std::size_t>(j)]);
        dgamma[j] = static_cast<Scalar>(total[static_cast<std::size_t>(c + j)]);
    }
    if (!dx) return;
    dx->resize(x.rows(), x.cols());
    Scalar* dxp = dx->data();
    RowVector k1 = gamma.array() * inv.array();  // dx = k1 * dy at inference
    RowVector k2 = RowVector::Zero(c), k3 = RowVector::Zero(c);
    if (last_training_) {
        // dx = gamma * inv / N * (N dy - sum(dy) - xhat * sum(dy * xhat)), per channel.
        const Scalar n = static_cast<Scalar>(rows);
        k2 = dbeta.array() / n;
        k3 = dgamma.array() / n;
    }
    const Scalar* a = k1.data();
    const Scalar* b2 = k2.data();
    const Scalar* b3 = k3.data();
    for_chunks(rows, kRowChunk, parallel_rows(rows, c), [&](Eigen::Index, Eigen::Index b, Eigen::Index e) {
        for (Eigen::Index r = b; r < e; ++r) {
            const Scalar* xr = xp + r * c;
            const Scalar* dr = dyp + r * c;
            Scalar* out = dxp + r * c;
            for (Eigen::Index j = 0; j < c; ++j) {
                const Scalar xhat = (xr[j] - m[j]) * iv[j];
                out[j] = a[j] * (dr[j] - b2[j] - xhat * b3[j]);
            }
        }
    });
}

}  // namespace digit
