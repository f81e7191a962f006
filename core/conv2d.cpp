#include "conv2d.h"

#include "conv2d_kernels.h"
#include "errors.h"
#include "parallel.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <omp.h>

namespace digit {

namespace {

using conv_detail::OutRows;
using conv_detail::Rows;
using conv_detail::fast_kernels;
using conv_detail::gemm_nn;
using conv_detail::gemm_nn_scatter;
using conv_detail::gemm_tn_acc;

using Index = Eigen::Index;

// Bytes of per-block buffers (cols and dcols, or dy, x and dx read in place): with the kernel
// and what the other products touch, a block stays within a core's 2 MiB L2.
constexpr Index kBlockBytes = Index(640) << 10;

// Samples per group of the kernel-gradient sum: fixed by the batch size alone, at most 64
// groups (their partial sums are what the backward pass keeps).
Index group_samples(Index n) { return std::max<Index>(8, (n + 63) / 64); }

// Samples per block when images are read in place (no cols buffer to keep in cache).
constexpr Index kInPlaceBlock = 8;

// The element-wise loops around the products, with AVX2/AVX-512 copies in the plain build
// (DIGIT_CLONES, parallel.h). The same values whichever copy runs.
DIGIT_CLONES void relu_in_place(Scalar* p, Index n) {
    for (Index i = 0; i < n; ++i) p[i] = p[i] > 0 ? p[i] : Scalar(0);
}
DIGIT_CLONES void relu_mask(const Scalar* y, const Scalar* dy, Scalar* __restrict out, Index n) {
    for (Index i = 0; i < n; ++i) out[i] = y[i] > 0 ? dy[i] : Scalar(0);
}
// sum[f] += rows[r][f] for r = 0, 1, ... in order.
DIGIT_CLONES void add_rows(const Scalar* rows, Index count, Index width, Scalar* __restrict sum) {
    for (Index r = 0; r < count; ++r)
        for (Index f = 0; f < width; ++f) sum[f] += rows[r * width + f];
}

}  // namespace

Conv2D::Conv2D(const LayerSpec& spec)
    : filters_(spec.units), k_(spec.kernel), stride_(spec.stride), padding_(spec.padding), l2_(static_cast<Scalar>(spec.l2)) {
    if (filters_ <= 0 || filters_ > kMaxDimension)
        throw ConfigError("Conv2D: filters must be from 1 to " + std::to_string(kMaxDimension) + ", got " + std::to_string(filters_));
    if (k_ <= 0 || k_ > kMaxWindow)
        throw ConfigError("Conv2D: kernel size must be from 1 to " + std::to_string(kMaxWindow) + ", got " + std::to_string(k_));
    if (stride_ <= 0 || stride_ > kMaxWindow)
        throw ConfigError("Conv2D: stride must be from 1 to " + std::to_string(kMaxWindow) + ", got " + std::to_string(stride_));
    if (!(spec.l2 >= 0) || !std::isfinite(spec.l2)) throw ConfigError("Conv2D: L2 factor must be a finite number >= 0");
}

Shape Conv2D::build(const Shape& in) {
    if (in.rank() != 3)
        throw ConfigError("Conv2D expects an image (height, width, channels) but gets " + in.to_string() +
                          (in.rank() == 1 ? ": a Conv2D cannot follow a Dense or Flatten layer" : ""));
    // The sizes are bounded (kMaxDimension, kMaxWindow), so no sum or product below overflows an
    // int, and the output is checked before anything is sized by it.
    check_shape(in, "Conv2D: the input");
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
    check_shape(Shape{ho_, wo_, filters_}, "Conv2D: the output");
    patch_ = static_cast<Index>(k_) * k_ * cin_;
    cols_are_input_ = k_ == 1 && stride_ == 1;

    // The fast kernels read images in place, without im2col: that saves writing and re-reading
    // kh * kw copies of every input (10-50% of a layer's time, most for small Cin). 'same'
    // padding reads a zero-padded copy. Eigen's products need the explicit cols matrix.
    in_place_ = fast_kernels();
    const int span_h = (ho_ - 1) * stride_ + k_, span_w = (wo_ - 1) * stride_ + k_;  // input rows/columns read
    padded_ = in_place_ && (pad_top_ > 0 || pad_left_ > 0 || span_h > h_ || span_w > w_);
    img_h_ = padded_ ? span_h : h_;
    img_w_ = padded_ ? span_w : w_;
    img_size_ = static_cast<Index>(img_h_) * img_w_ * cin_;
    pixel_offsets_.resize(static_cast<std::size_t>(ho_) * static_cast<std::size_t>(wo_));
    for (int oy = 0; oy < ho_; ++oy)
        for (int ox = 0; ox < wo_; ++ox)
            pixel_offsets_[static_cast<std::size_t>(oy * wo_ + ox)] =
                (static_cast<Index>(oy) * stride_ * img_w_ + static_cast<Index>(ox) * stride_) * cin_;
    row_offsets_.clear();
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
    const float fan_in = static_cast<float>(patch_), fan_out = static_cast<float>(static_cast<Index>(k_) * k_ * filters_);
    const float limit = std::sqrt(6.0f / (fan_in + fan_out));
    const std::size_t nk = static_cast<std::size_t>(patch_) * static_cast<std::size_t>(filters_);
    for (std::size_t i = 0; i < nk; ++i) kernel_[i] = static_cast<Scalar>(rng.uniform(-limit, limit));
    for (int i = 0; i < filters_; ++i) kernel_[nk + static_cast<std::size_t>(i)] = 0;
}

Index Conv2D::block_samples() const {
    const Index per_sample = static_cast<Index>(ho_) * wo_ * patch_ * static_cast<Index>(sizeof(Scalar));
    return std::max<Index>(1, kBlockBytes / std::max<Index>(per_sample, 1));
}

Index Conv2D::in_place_block_samples() const {
    // dy's rows, x's and dx's images of a block stay in L2 while the backward products sweep them.
    const Index per_sample = (static_cast<Index>(ho_) * wo_ * filters_ + 2 * img_size_) * static_cast<Index>(sizeof(Scalar));
    return std::max<Index>(1, kBlockBytes / std::max<Index>(per_sample, 1));
}

Scalar* Conv2D::workspace(std::size_t per_thread) {
    const std::size_t need = per_thread * static_cast<std::size_t>(omp_get_max_threads());
    if (work_.size() < need) work_.resize(need);
    return work_.data();
}

const Index* Conv2D::row_offsets(Index block) {
    const auto pixels = static_cast<Index>(pixel_offsets_.size());
    if (static_cast<Index>(row_offsets_.size()) < block * pixels) {
        row_offsets_.resize(static_cast<std::size_t>(block * pixels));
        for (Index s = 0; s < block; ++s)
            for (Index p = 0; p < pixels; ++p)
                row_offsets_[static_cast<std::size_t>(s * pixels + p)] = s * img_size_ + pixel_offsets_[static_cast<std::size_t>(p)];
    }
    return row_offsets_.data();
}

conv_detail::Rows Conv2D::patches(const Scalar* x, Index ldx, Index count, Scalar* scratch, const Index* offsets) const {
    Rows a;
    if (in_place_) {
        if (padded_) pad(x, ldx, count, scratch);
        a.base = padded_ ? scratch : x;
        a.off = offsets;
        a.nseg = k_;
        a.seg_stride = static_cast<Index>(img_w_) * cin_;
        a.run = static_cast<Index>(k_) * cin_;
    } else if (cols_are_input_) {
        a.base = x;
        a.ld = a.run = cin_;
    } else {
        im2col(x, ldx, count, scratch);
        a.base = scratch;
        a.ld = a.run = patch_;
    }
    return a;
}

void Conv2D::pad(const Scalar* x, Index ldx, Index count, Scalar* out) const {
    const Index row = static_cast<Index>(img_w_) * cin_;
    const int ix_end = std::min(w_, img_w_ - pad_left_);  // input columns that land in the copy
    for (Index s = 0; s < count; ++s) {
        const Scalar* img = x + s * ldx;
        Scalar* dst = out + s * img_size_;
        for (int py = 0; py < img_h_; ++py, dst += row) {
            const int iy = py - pad_top_;
            if (iy < 0 || iy >= h_) {
                std::fill(dst, dst + row, Scalar(0));
                continue;
            }
            std::fill(dst, dst + static_cast<Index>(pad_left_) * cin_, Scalar(0));
            const Index len = static_cast<Index>(ix_end) * cin_;
            VectorMap(dst + static_cast<Index>(pad_left_) * cin_, len) =
                Eigen::Map<const Vector>(img + static_cast<Index>(iy) * w_ * cin_, len);
            std::fill(dst + static_cast<Index>(pad_left_) * cin_ + len, dst + row, Scalar(0));
        }
    }
}

void Conv2D::unpad(const Scalar* padded, Index count, Scalar* dx, Index ldx) const {
    const Index row = static_cast<Index>(img_w_) * cin_;
    const int ix_end = std::min(w_, img_w_ - pad_left_);  // input columns inside the padded image
    for (Index s = 0; s < count; ++s) {
        const Scalar* src = padded + s * img_size_;
        Scalar* img = dx + s * ldx;
        for (int iy = 0; iy < h_; ++iy) {
            Scalar* d = img + static_cast<Index>(iy) * w_ * cin_;
            const int py = iy + pad_top_;
            const Index len = py < img_h_ ? static_cast<Index>(ix_end) * cin_ : 0;
            if (len > 0)
                VectorMap(d, len) = Eigen::Map<const Vector>(src + py * row + static_cast<Index>(pad_left_) * cin_, len);
            // Pixels no window reaches (a stride that skips the last rows or columns).
            std::fill(d + len, d + static_cast<Index>(w_) * cin_, Scalar(0));
        }
    }
}

void Conv2D::im2col(const Scalar* x, Index ldx, Index count, Scalar* cols) const {
    // For one output pixel and kernel row ky the kw taps are kw * Cin consecutive input scalars:
    // copy them as one run, with zeros for the taps that fall into the padding.
    const Index run = static_cast<Index>(k_) * cin_;
    for (Index s = 0; s < count; ++s) {
        const Scalar* img = x + s * ldx;
        Scalar* dst = cols + s * ho_ * wo_ * patch_;
        for (int oy = 0; oy < ho_; ++oy)
            for (int ox = 0; ox < wo_; ++ox) {
                const int ix0 = ox * stride_ - pad_left_;
                const int kx_lo = std::max(0, -ix0), kx_hi = std::min(k_, w_ - ix0);
                for (int ky = 0; ky < k_; ++ky, dst += run) {
                    const int iy = oy * stride_ + ky - pad_top_;
                    if (iy < 0 || iy >= h_ || kx_lo >= kx_hi) {
                        std::fill(dst, dst + run, Scalar(0));
                        continue;
                    }
                    std::fill(dst, dst + kx_lo * cin_, Scalar(0));
                    // An inline vector copy: the runs are short (3 scalars for 3x3x1), too
                    // short for a call to memcpy to pay off.
                    const Index len = static_cast<Index>(kx_hi - kx_lo) * cin_;
                    VectorMap(dst + kx_lo * cin_, len) =
                        Eigen::Map<const Vector>(img + (static_cast<Index>(iy) * w_ + ix0 + kx_lo) * cin_, len);
                    std::fill(dst + kx_hi * cin_, dst + run, Scalar(0));
                }
            }
    }
}

void Conv2D::col2im(const Scalar* dcols, Index count, Scalar* dx, Index ldx) const {
    const Index run = static_cast<Index>(k_) * cin_;
    for (Index s = 0; s < count; ++s) {
        Scalar* img = dx + s * ldx;
        std::fill(img, img + static_cast<Index>(h_) * w_ * cin_, Scalar(0));
        const Scalar* src = dcols + s * ho_ * wo_ * patch_;
        for (int oy = 0; oy < ho_; ++oy)
            for (int ox = 0; ox < wo_; ++ox) {
                const int ix0 = ox * stride_ - pad_left_;
                const int kx_lo = std::max(0, -ix0), kx_hi = std::min(k_, w_ - ix0);
                for (int ky = 0; ky < k_; ++ky, src += run) {
                    const int iy = oy * stride_ + ky - pad_top_;
                    if (iy < 0 || iy >= h_ || kx_lo >= kx_hi) continue;
                    Scalar* d = img + (static_cast<Index>(iy) * w_ + ix0 + kx_lo) * cin_;
                    const Index len = static_cast<Index>(kx_hi - kx_lo) * cin_;
                    VectorMap(d, len) += Eigen::Map<const Vector>(src + kx_lo * cin_, len);
                }
            }
    }
}

void Conv2D::forward(const Matrix& x, Matrix& y, bool, Rng&) {
    if (x.cols() != static_cast<Index>(h_) * w_ * cin_)
        throw ConfigError("Conv2D built for " + Shape{h_, w_, cin_}.to_string() + " inputs gets rows of " +
                          std::to_string(x.cols()) + " values");
    const Index n = x.rows();
    const auto pixels = static_cast<Index>(pixel_offsets_.size());  // output pixels per sample
    y.resize(n, pixels * filters_);
    const Index block = in_place_ ? kInPlaceBlock : block_samples();
    const Index blocks = (n + block - 1) / block;
    const Index per_thread = in_place_ ? (padded_ ? block * img_size_ : 0) : (cols_are_input_ ? 0 : block * pixels * patch_);
    Scalar* work = workspace(static_cast<std::size_t>(per_thread));
    const Index* offsets = in_place_ ? row_offsets(block) : nullptr;
    const Scalar* bias = kernel_ + patch_ * filters_;
    // Always a parallel region for Eigen's products: inside one they run single-threaded; outside
    // they would split the work by thread count and the rounding would depend on it.
#pragma omp parallel for schedule(dynamic) if (blocks > 1 || !in_place_)
    for (Index b = 0; b < blocks; ++b) {
        const Index first = b * block, count = std::min(block, n - first);
        Scalar* scratch = work + static_cast<Index>(omp_get_thread_num()) * per_thread;
        const Rows a = patches(x.data() + first * x.cols(), x.cols(), count, scratch, offsets);
        // y viewed as (n * Ho * Wo, Cout): this block's rows.
        Scalar* out = y.data() + first * y.cols();
        gemm_nn(in_place_, count * pixels, filters_, a, kernel_, filters_, bias, out, filters_);
        if (relu_) relu_in_place(out, count * y.cols());
    }
}

void Conv2D::backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) {
    const Index n = x.rows();
    const auto pixels = static_cast<Index>(pixel_offsets_.size());
    const Index nparams = static_cast<Index>(parameter_count());
    const Index nk = patch_ * filters_;
    const Index group = group_samples(n), groups = (n + group - 1) / group;
    // Eigen's products need cols and dcols, L2-sized blocks of samples. In place, the input
    // gradient is added straight onto the images (a zero-padded copy for 'same').
    const Index block = std::min(group, in_place_ ? in_place_block_samples() : block_samples());
    const Index cols_size = cols_are_input_ ? 0 : block * pixels * patch_;
    const Index src_size = in_place_ ? (padded_ ? block * img_size_ : 0) : cols_size;
    const Index dst_size = !dx ? 0 : in_place_ ? (padded_ ? block * img_size_ : 0) : cols_size;
    const Index relu_size = relu_ ? block * pixels * filters_ : 0;  // the block's dy * relu'(y)
    const Index per_thread = src_size + dst_size + relu_size;
    Scalar* work = workspace(static_cast<std::size_t>(per_thread));
    const Index* offsets = in_place_ ? row_offsets(block) : nullptr;
    if (partials_.size() < static_cast<std::size_t>(groups * nparams)) partials_.resize(static_cast<std::size_t>(groups * nparams));
    if (dx) {
        dx->resize(n, x.cols());
        kernel_t_.resize(filters_, patch_);
        kernel_t_.noalias() = ConstMatrixMap(kernel_, patch_, filters_).transpose();
    }
#pragma omp parallel for schedule(dynamic) if (groups > 1 || !in_place_)
    for (Index g = 0; g < groups; ++g) {
        Scalar* part = partials_.data() + g * nparams;
        std::fill(part, part + nparams, Scalar(0));
        Scalar* __restrict dbias = part + nk;
        Scalar* scratch = work + static_cast<Index>(omp_get_thread_num()) * per_thread;
        Scalar* dst = scratch + src_size;
        const Index end = std::min(n, (g + 1) * group);
        for (Index first = g * group; first < end; first += block) {
            const Index count = std::min(block, end - first), rows = count * pixels;
            const Rows a = patches(x.data() + first * x.cols(), x.cols(), count, scratch, offsets);
            const Scalar* dy_rows = dy.data() + first * dy.cols();  // (rows, Cout)
            if (relu_) {
                Scalar* masked = dst + dst_size;
                const Scalar* y_rows = y.data() + first * y.cols();
                relu_mask(y_rows, dy_rows, masked, rows * filters_);
                dy_rows = masked;
            }
            gemm_tn_acc(in_place_, filters_, rows, a, dy_rows, filters_, part, filters_);
            add_rows(dy_rows, rows, filters_, dbias);
            if (!dx) continue;
            // dx = dy K^T summed back onto the pixels each row of cols was gathered from.
            Rows d;
            d.base = dy_rows;
            d.ld = d.run = filters_;
            Scalar* dx_rows = dx->data() + first * dx->cols();
            if (in_place_) {
                OutRows out;
                out.base = padded_ ? dst : dx_rows;
                out.off = offsets;
                std::fill(out.base, out.base + count * img_size_, Scalar(0));
                gemm_nn_scatter(rows, d, kernel_t_.data(), patch_, out, k_, static_cast<Index>(img_w_) * cin_,
                                static_cast<Index>(k_) * cin_);
                if (padded_) unpad(dst, count, dx_rows, dx->cols());
            } else {
                gemm_nn(false, rows, patch_, d, kernel_t_.data(), patch_, nullptr, cols_are_input_ ? dx_rows : dst, patch_);
                if (!cols_are_input_) col2im(dst, count, dx_rows, dx->cols());
            }
        }
    }
    // Add the groups' sums in group order (each slice of the gradient by one thread; threads only
    // when it is worth a fork and join).
    constexpr Index kSlice = 4096;
    const Index slices = (nparams + kSlice - 1) / kSlice;
#pragma omp parallel for schedule(static) if (slices > 1 && nparams * groups > (Index(1) << 21))
    for (Index s = 0; s < slices; ++s) {
        const Index lo = s * kSlice, len = std::min(kSlice, nparams - lo);
        VectorMap out(grad_ + lo, len);
        out = Eigen::Map<const Vector>(partials_.data() + lo, len);
        for (Index g = 1; g < groups; ++g) out += Eigen::Map<const Vector>(partials_.data() + g * nparams + lo, len);
        if (l2_ > 0) {
            const Index kl = std::max<Index>(0, std::min(len, nk - lo));
            out.head(kl) += (2 * l2_) * Eigen::Map<const Vector>(kernel_ + lo, kl);
        }
    }
}

double Conv2D::regularization_loss() const {
    if (l2_ <= 0) return 0.0;
    return static_cast<double>(l2_) * static_cast<double>(ConstMatrixMap(kernel_, patch_, filters_).squaredNorm());
}

}  // namespace digit
