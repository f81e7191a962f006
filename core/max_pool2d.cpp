#include "max_pool2d.h"

#include "errors.h"

#include <algorithm>
#include <limits>

namespace digit {

MaxPooling2D::MaxPooling2D(const LayerSpec& spec)
    : pool_(spec.pool), stride_(spec.stride > 0 ? spec.stride : spec.pool), padding_(spec.padding) {
    if (pool_ <= 0) throw ConfigError("MaxPooling2D: pool size must be positive, got " + std::to_string(pool_));
    if (spec.stride < 0) throw ConfigError("MaxPooling2D: stride must not be negative");
}

Shape MaxPooling2D::build(const Shape& in) {
    if (in.rank() != 3)
        throw ConfigError("MaxPooling2D expects an image (height, width, channels) but gets " + in.to_string());
    h_ = in[0];
    w_ = in[1];
    c_ = in[2];
    if (padding_ == Padding::Valid) {
        if (h_ < pool_ || w_ < pool_)
            throw ConfigError("MaxPooling2D: a " + std::to_string(pool_) + "x" + std::to_string(pool_) + " pool does not fit a " +
                              std::to_string(h_) + "x" + std::to_string(w_) + " input");
        ho_ = (h_ - pool_) / stride_ + 1;
        wo_ = (w_ - pool_) / stride_ + 1;
    } else {
        ho_ = (h_ + stride_ - 1) / stride_;
        wo_ = (w_ + stride_ - 1) / stride_;
        pad_top_ = std::max((ho_ - 1) * stride_ + pool_ - h_, 0) / 2;
        pad_left_ = std::max((wo_ - 1) * stride_ + pool_ - w_, 0) / 2;
    }
    return Shape{ho_, wo_, c_};
}

void MaxPooling2D::forward(const Matrix& x, Matrix& y, bool, Rng&) {
    const Eigen::Index n = x.rows();
    const Eigen::Index out_size = static_cast<Eigen::Index>(ho_) * wo_ * c_;
    y.resize(n, out_size);
    argmax_.resize(static_cast<std::size_t>(n * out_size));
#pragma omp parallel for schedule(static)
    for (Eigen::Index s = 0; s < n; ++s) {
        const Scalar* img = x.data() + s * x.cols();
        Scalar* out = y.data() + s * out_size;
        int* arg = argmax_.data() + s * out_size;
        for (int oy = 0; oy < ho_; ++oy)
            for (int ox = 0; ox < wo_; ++ox) {
                Scalar* o = out + (static_cast<Eigen::Index>(oy) * wo_ + ox) * c_;
                int* a = arg + (static_cast<Eigen::Index>(oy) * wo_ + ox) * c_;
                std::fill(o, o + c_, -std::numeric_limits<Scalar>::infinity());
                std::fill(a, a + c_, -1);
                for (int py = 0; py < pool_; ++py) {
                    const int iy = oy * stride_ + py - pad_top_;
                    if (iy < 0 || iy >= h_) continue;
                    for (int px = 0; px < pool_; ++px) {
                        const int ix = ox * stride_ + px - pad_left_;
                        if (ix < 0 || ix >= w_) continue;
                        const int base = (iy * w_ + ix) * c_;
                        for (int c = 0; c < c_; ++c)
                            if (img[base + c] > o[c] || a[c] < 0) {
                                o[c] = img[base + c];
                                a[c] = base + c;
                            }
                    }
                }
            }
    }
}

void MaxPooling2D::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
    if (!dx) return;
    const Eigen::Index n = x.rows();
    const Eigen::Index out_size = dy.cols();
    dx->resize(n, x.cols());
#pragma omp parallel for schedule(static)
    for (Eigen::Index s = 0; s < n; ++s) {
        Scalar* d = dx->data() + s * x.cols();
        std::fill(d, d + x.cols(), Scalar(0));
        const Scalar* g = dy.data() + s * out_size;
        const int* a = argmax_.data() + s * out_size;
        for (Eigen::Index i = 0; i < out_size; ++i) d[a[i]] += g[i];
    }
}

}  // namespace digit
