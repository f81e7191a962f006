#include "max_pool2d.h"

#include "errors.h"
#include "parallel.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace digit {

namespace {
using Index = Eigen::Index;
}

MaxPooling2D::MaxPooling2D(const LayerSpec& spec)
    : pool_(spec.pool), stride_(spec.stride > 0 ? spec.stride : spec.pool), padding_(spec.padding) {
    if (pool_ <= 0 || pool_ > kMaxWindow)
        throw ConfigError("MaxPooling2D: pool size must be from 1 to " + std::to_string(kMaxWindow) + ", got " + std::to_string(pool_));
    if (spec.stride < 0 || spec.stride > kMaxWindow)
        throw ConfigError("MaxPooling2D: stride must be from 0 (the pool size) to " + std::to_string(kMaxWindow) + ", got " +
                          std::to_string(spec.stride));
}

Shape MaxPooling2D::build(const Shape& in) {
    if (in.rank() != 3)
        throw ConfigError("MaxPooling2D expects an image (height, width, channels) but gets " + in.to_string());
    // Bounded sizes (kMaxDimension, kMaxWindow): the arithmetic below cannot overflow an int.
    check_shape(in, "MaxPooling2D: the input");
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

namespace {

// Maximum and its index over the window rows [y0, y1) x columns [x0, x1), channel c. Elements
// are visited in row-major order and a later one wins only if strictly greater, so ties keep
// the first.
inline void window_max(const Scalar* img, int W, int C, int c, int y0, int y1, int x0, int x1, Scalar* o,
                       std::int32_t* a) {
    int at = (y0 * W + x0) * C + c;
    Scalar best = img[at];
    for (int iy = y0; iy < y1; ++iy)
        for (int ix = (iy == y0 ? x0 + 1 : x0); ix < x1; ++ix) {
            const int i = (iy * W + ix) * C + c;
            if (img[i] > best) {
                best = img[i];
                at = i;
            }
        }
    o[c] = best;
    a[c] = at;
}

#if defined(__GNUC__) && !defined(DIGIT_DOUBLE)
// The same for 8 channels at once, with GCC's vector types: the comparison gives a lane mask
// and the choices are blends, with no branch on the data (ReLU outputs, full of equal zeros,
// made a branchy version slow).
constexpr int kLanes = 8;
using Lanes = float __attribute__((vector_size(32)));
using LaneIndex = std::int32_t __attribute__((vector_size(32)));

inline void window_max8(const Scalar* img, int W, int C, int c, int y0, int y1, int x0, int x1, Scalar* o,
                        std::int32_t* a) {
    const LaneIndex lane = {0, 1, 2, 3, 4, 5, 6, 7};
    const int first = (y0 * W + x0) * C + c;
    Lanes best;
    std::memcpy(&best, img + first, sizeof best);
    LaneIndex at = first + lane;
    for (int iy = y0; iy < y1; ++iy)
        for (int ix = (iy == y0 ? x0 + 1 : x0); ix < x1; ++ix) {
            const int i = (iy * W + ix) * C + c;
            Lanes v;
            std::memcpy(&v, img + i, sizeof v);
            const LaneIndex greater = v > best;
            best = greater ? v : best;
            at = greater ? i + lane : at;
        }
    std::memcpy(o + c, &best, sizeof best);
    std::memcpy(a + c, &at, sizeof at);
}
#endif

// One sample's forward pass (DIGIT_CLONES: the plain build gets AVX2 and AVX-512 copies of it,
// window_max8 inlined into each; its 8-lane blends on SSE2 alone made pooling the slowest layer
// of the plain build).
DIGIT_CLONES void pool_forward_sample(const Scalar* img, Scalar* out, std::int32_t* arg, int C, int W, int H, int HO, int WO,
                                      int pool, int stride, int top, int left) {
    for (int oy = 0; oy < HO; ++oy) {
        // The window clipped to the image ('same' padding never picks a padded zero).
        const int y0 = std::max(oy * stride - top, 0), y1 = std::min(oy * stride - top + pool, H);
        for (int ox = 0; ox < WO; ++ox) {
            const int x0 = std::max(ox * stride - left, 0), x1 = std::min(ox * stride - left + pool, W);
            Scalar* o = out + (static_cast<Index>(oy) * WO + ox) * C;
            std::int32_t* a = arg + (static_cast<Index>(oy) * WO + ox) * C;
            int c = 0;
#ifdef __GNUC__
#ifndef DIGIT_DOUBLE
            for (; c + kLanes <= C; c += kLanes) window_max8(img, W, C, c, y0, y1, x0, x1, o, a);
#endif
#endif
            for (; c < C; ++c) window_max(img, W, C, c, y0, y1, x0, x1, o, a);
        }
    }
}

// One sample's backward pass for windows that tile the image (see MaxPooling2D::backward).
DIGIT_CLONES void pool_backward_tiled_sample(Scalar* d, const Scalar* g, const std::int32_t* a, int C, int W, int H, int HO,
                                             int WO, int pool) {
    const int covered_h = HO * pool, covered_w = WO * pool;
    for (int oy = 0; oy < HO; ++oy)
        for (int ox = 0; ox < WO; ++ox) {
            const Index o = (static_cast<Index>(oy) * WO + ox) * C;
            for (int iy = oy * pool; iy < (oy + 1) * pool; ++iy)
                for (int ix = ox * pool; ix < (ox + 1) * pool; ++ix) {
                    const int base = (iy * W + ix) * C;
                    Scalar* __restrict di = d + base;
                    for (int c = 0; c < C; ++c) di[c] = a[o + c] == base + c ? g[o + c] : Scalar(0);
                }
        }
    // The right and bottom edges that no window reaches.
    for (int iy = 0; iy < H; ++iy) {
        const int from = iy < covered_h ? covered_w : 0;
        std::fill(d + (static_cast<Index>(iy) * W + from) * C, d + (static_cast<Index>(iy) + 1) * W * C, Scalar(0));
    }
}

}  // namespace

void MaxPooling2D::forward(const Matrix& x, Matrix& y, bool, Rng&) {
    const Index n = x.rows();
    const Index out_size = static_cast<Index>(ho_) * wo_ * c_;
    y.resize(n, out_size);
    if (argmax_.size() < static_cast<std::size_t>(n * out_size)) argmax_.resize(static_cast<std::size_t>(n * out_size));
    // Locals, not members: stores through o and a could otherwise alias them, and the channel
    // loops would not vectorise.
    const int C = c_, W = w_, H = h_, HO = ho_, WO = wo_, pool = pool_, stride = stride_, top = pad_top_, left = pad_left_;
#pragma omp parallel for schedule(static) if (n > 1)
    for (Index s = 0; s < n; ++s)
        pool_forward_sample(x.data() + s * x.cols(), y.data() + s * out_size, argmax_.data() + s * out_size, C, W, H, HO, WO,
                            pool, stride, top, left);
}

void MaxPooling2D::backward(const Matrix& x, const Matrix&, const Matrix& dy, Matrix* dx) {
    if (!dx) return;
    const Index n = x.rows();
    const Index out_size = dy.cols();
    const Index in_size = x.cols();
    dx->resize(n, in_size);
    // Windows that tile the image without overlap (Keras's default, stride = pool, 'valid'):
    // every input scalar is written exactly once, the maximum's gradient or zero, with no
    // separate clearing pass. Otherwise clear, then add each gradient at its maximum.
    const bool tiled = stride_ == pool_ && padding_ == Padding::Valid;
    const int C = c_, W = w_, H = h_, HO = ho_, WO = wo_, pool = pool_;
#pragma omp parallel for schedule(static) if (n > 1)
    for (Index s = 0; s < n; ++s) {
        Scalar* d = dx->data() + s * in_size;
        const Scalar* g = dy.data() + s * out_size;
        const std::int32_t* a = argmax_.data() + s * out_size;
        if (!tiled) {
            std::fill(d, d + in_size, Scalar(0));
            for (Index i = 0; i < out_size; ++i) d[a[i]] += g[i];
            continue;
        }
        pool_backward_tiled_sample(d, g, a, C, W, H, HO, WO, pool);
    }
}

}  // namespace digit
