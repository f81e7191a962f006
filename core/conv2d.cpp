#include "conv2d.h"

#include "errors.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace digit {

Conv2D::Conv2D(const LayerSpec& spec)
    : filters_(spec.units), k_(spec.kernel), stride_(spec.stride), padding_(spec.padding), l2_(static_cast<Scalar>(spec.l2)) {
    if (filters_ <= 0) throw ConfigError("Conv2D: filters must be positive, got " + std::to_string(filters_));
    if (k_ <= 0) throw ConfigError("Conv2D: kernel size must be positive, got " + std::to_string(k_));
    if (stride_ <= 0) throw ConfigError("Conv2D: stride must be positive, got " + std::to_string(stride_));
    if (spec.l2 < 0) throw ConfigError("Conv2D: L2 factor must not be negative");
}

Shape Conv2D::build(const Shape& in) {
    if (in.rank() != 3)
        throw ConfigError("Conv2D expects an image (height, width, channels) but gets " + in.to_string() +
                          (in.rank() == 1 ? ": a Conv2D cannot follow a Dense or Flatten layer" : ""));
    h_ = in[0];
    w_ = in[1];
    cin_ = in[2];
    if (padding_ == Padding::Valid) {
        if (h_ < k_ || w_ < k_)
            throw ConfigError("Conv2D: a " + std::to_string(k_) + "x" + std::to_string(k_) + " kernel does not fit a " +
                              std::to_string(h_) + "x" + std::to_string(w_) + " input with 'valid' padding");
        ho_ = (h_ - k_) / stride_ + 1;
        wo_ = (w_ - k_) / stride_ + 1;
        pad_top_ = pad_left_ = 0;
    } else {
        ho_ = (h_ + stride_ - 1) / stride_;
        wo_ = (w_ + stride_ - 1) / stride_;
        pad_top_ = std::max((ho_ - 1) * stride_ + k_ - h_, 0) / 2;
        pad_left_ = std::max((wo_ - 1) * stride_ + k_ - w_, 0) / 2;
    }
    patch_ = static_cast<Eigen::Index>(k_) * k_ * cin_;
    return Shape{ho_, wo_, filters_};
}

std::size_t Conv2D::parameter_count() const {
    return static_cast<std::size_t>(patch_) * static_cast<std::size_t>(filters_) + static_cast<std::size_t>(filters_);
}

void Conv2D::bind(Scalar* params, Scalar* grads) {
    kernel_ = params;
    grad_ = grads;
}

void Conv2D::initialize(Rng& rng) {
    const float fan_in = static_cast<float>(k_ * k_ * cin_), fan_out = static_cast<float>(k_ * k_ * filters_);
    const float limit = std::sqrt(6.0f / (fan_in + fan_out));
    const std::size_t nk = static_cast<std::size_t>(patch_) * static_cast<std::size_t>(filters_);
    for (std::size_t i = 0; i < nk; ++i) kernel_[i] = static_cast<Scalar>(rng.uniform(-limit, limit));
    for (int i = 0; i < filters_; ++i) kernel_[nk + static_cast<std::size_t>(i)] = 0;
}

Eigen::Index Conv2D::chunk_samples() const {
    // About 4 MiB of cols per chunk: large GEMMs, buffers that stay in the 2 MiB-per-core L2 / L3.
    const Eigen::Index per_sample = static_cast<Eigen::Index>(ho_) * wo_ * patch_ * static_cast<Eigen::Index>(sizeof(Scalar));
    return std::max<Eigen::Index>(1, (Eigen::Index(4) << 20) / std::max<Eigen::Index>(per_sample, 1));
}

void Conv2D::im2col(const Matrix& x, Eigen::Index first, Eigen::Index count) {
    const Eigen::Index rows_per_sample = static_cast<Eigen::Index>(ho_) * wo_;
    if (cols_.rows() < count * rows_per_sample || cols_.cols() != patch_) cols_.resize(count * rows_per_sample, patch_);
    const std::size_t row_bytes = static_cast<std::size_t>(cin_) * sizeof(Scalar);
#pragma omp parallel for schedule(static)
    for (Eigen::Index s = 0; s < count; ++s) {
        const Scalar* img = x.data() + (first + s) * x.cols();
        Scalar* out = cols_.data() + s * rows_per_sample * patch_;
        for (int oy = 0; oy < ho_; ++oy)
            for (int ox = 0; ox < wo_; ++ox) {
                Scalar* dst = out + (static_cast<Eigen::Index>(oy) * wo_ + ox) * patch_;
                for (int ky = 0; ky < k_; ++ky) {
                    const int iy = oy * stride_ + ky - pad_top_;
                    for (int kx = 0; kx < k_; ++kx) {
                        const int ix = ox * stride_ + kx - pad_left_;
                        if (iy < 0 || iy >= h_ || ix < 0 || ix >= w_)
                            std::fill(dst, dst + cin_, Scalar(0));
                        else
                            std::memcpy(dst, img + (static_cast<Eigen::Index>(iy) * w_ + ix) * cin_, row_bytes);
                        dst += cin_;
                    }
                }
            }
    }
}

void Conv2D::col2im(Eigen::Index first, Eigen::Index count, Matrix& dx) const {
    const Eigen::Index rows_per_sample = static_cast<Eigen::Index>(ho_) * wo_;
#pragma omp parallel for schedule(static)
    for (Eigen::Index s = 0; s < count; ++s) {
        Scalar* img = dx.data() + (first + s) * dx.cols();
        std::fill(img, img + dx.cols(), Scalar(0));
        const Scalar* src = dcols_.data() + s * rows_per_sample * patch_;
        for (int oy = 0; oy < ho_; ++oy)
            for (int ox = 0; ox < wo_; ++ox) {
                const Scalar* row = src + (static_cast<Eigen::Index>(oy) * wo_ + ox) * patch_;
                for (int ky = 0; ky < k_; ++ky) {
                    const int iy = oy * stride_ + ky - pad_top_;
                    for (int kx = 0; kx < k_; ++kx, row += cin_) {
                        const int ix = ox * stride_ + kx - pad_left_;
                        if (iy < 0 || iy >= h_ || ix < 0 || ix >= w_) continue;
                        Scalar* d = img + (static_cast<Eigen::Index>(iy) * w_ + ix) * cin_;
                        for (int c = 0; c < cin_; ++c) d[c] += row[c];
                    }
                }
            }
    }
}

void Conv2D::forward(const Matrix& x, Matrix& y, bool, Rng&) {
    const Eigen::Index n = x.rows();
    const Eigen::Index rows_per_sample = static_cast<Eigen::Index>(ho_) * wo_;
    y.resize(n, rows_per_sample * filters_);
    ConstMatrixMap K(kernel_, patch_, filters_);
    Eigen::Map<const RowVector> bias(kernel_ + patch_ * filters_, filters_);
    const Eigen::Index chunk = chunk_samples();
    for (Eigen::Index first = 0; first < n; first += chunk) {
        const Eigen::Index count = std::min(chunk, n - first);
        im2col(x, first, count);
        // y viewed as (n * Ho * Wo, Cout): this chunk's rows.
        MatrixMap out(y.data() + first * rows_per_sample * filters_, count * rows_per_sample, filters_);
        out.noalias() = cols_.topRows(count * rows_per_sample) * K;
        out.rowwise() += bias;
    }
}

void Conv2D::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
    const Eigen::Index n = x.rows();
    const Eigen::Index rows_per_sample = static_cast<Eigen::Index>(ho_) * wo_;
    ConstMatrixMap K(kernel_, patch_, filters_);
    MatrixMap dK(grad_, patch_, filters_);
    Eigen::Map<RowVector> dbias(grad_ + patch_ * filters_, filters_);
    dK.setZero();
    dbias.setZero();
    if (dx) dx->resize(n, x.cols());
    const Eigen::Index chunk = chunk_samples();
    for (Eigen::Index first = 0; first < n; first += chunk) {
        const Eigen::Index count = std::min(chunk, n - first);
        im2col(x, first, count);
        ConstMatrixMap g(dy.data() + first * rows_per_sample * filters_, count * rows_per_sample, filters_);
        dK.noalias() += cols_.topRows(count * rows_per_sample).transpose() * g;
        dbias += g.colwise().sum();
        if (dx) {
            if (dcols_.rows() < count * rows_per_sample || dcols_.cols() != patch_) dcols_.resize(count * rows_per_sample, patch_);
            dcols_.topRows(count * rows_per_sample).noalias() = g * K.transpose();
            col2im(first, count, *dx);
        }
    }
    if (l2_ > 0) dK += (2 * l2_) * K;
}

double Conv2D::regularization_loss() const {
    if (l2_ <= 0) return 0.0;
    return static_cast<double>(l2_) * static_cast<double>(ConstMatrixMap(kernel_, patch_, filters_).squaredNorm());
}

}  // namespace digit
