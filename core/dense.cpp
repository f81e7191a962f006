#include "dense.h"

#include "errors.h"
#include "gemm.h"
#include "parallel.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace digit {

Dense::Dense(const LayerSpec& spec) : units_(spec.units), l2_(static_cast<Scalar>(spec.l2)) {
    if (units_ <= 0 || units_ > kMaxDimension)
        throw ConfigError("Dense: units must be from 1 to " + std::to_string(kMaxDimension) + ", got " + std::to_string(units_));
    if (!(spec.l2 >= 0) || !std::isfinite(spec.l2)) throw ConfigError("Dense: L2 factor must be a finite number >= 0");
}

Shape Dense::build(const Shape& input_shape) {
    if (input_shape.rank() != 1)
        throw ConfigError("Dense expects a flat input but gets " + input_shape.to_string() +
                          ": add a Flatten layer before it");
    in_ = input_shape[0];
    if (in_ <= 0) throw ConfigError("Dense: the input has no values: " + input_shape.to_string());
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

namespace {
constexpr std::size_t kBlock = 64;
// Below this fraction of non-zeros the sparse path does less work than a dense GEMM, even
// though each of its multiply-adds is slower.
constexpr double kSparseDensity = 0.35;
}  // namespace

// g[0, 64) = sum over q in [q0, q1) of vals[q] * dy[rows[q]][c0, c0 + 64), in q's order, in four
// 16-wide vectors (GCC's vector extension: registers of whatever width the copy is built for;
// DIGIT_CLONES gives the plain build AVX2 and AVX-512 copies). A plain loop over c let GCC
// vectorise across q instead, with gathers, at a tenth of the speed.
static DIGIT_CLONES void sparse_block(const int* rows, const Scalar* vals, int q0, int q1, const Scalar* dy,
                                      std::size_t units, std::size_t c0, Scalar* g) {
    typedef Scalar Vec16 __attribute__((vector_size(16 * sizeof(Scalar))));
    static_assert(kBlock == 64);
    Vec16 acc[4] = {};
    for (int q = q0; q < q1; ++q) {
        const Vec16 v = Vec16{} + vals[q];
        const Scalar* d = dy + static_cast<std::size_t>(rows[q]) * units + c0;
        for (int k = 0; k < 4; ++k) {
            Vec16 dv;
            std::memcpy(&dv, d + 16 * k, sizeof dv);
            acc[k] += v * dv;
        }
    }
    std::memcpy(g, acc, sizeof acc);
}

void Dense::build_sparse(const Matrix& x) {
    // CSC of x in one column-wise pass. The stores are unconditional and the cursor advances
    // only past non-zeros, so there is no unpredictable branch per pixel.
    const auto n = static_cast<int>(x.rows());
    Sparse& s = sparse_;
    s.used = false;
    if (units_ < 16) return;
    // Count first: a contiguous, vectorised pass, far cheaper than the column-wise gather below,
    // which is then skipped for dense inputs (a hidden layer's activations).
    const auto nonzeros = static_cast<double>((x.array() != Scalar(0)).count());
    if (nonzeros > kSparseDensity * static_cast<double>(x.size())) return;
    const std::size_t capacity = static_cast<std::size_t>(x.size()) + 1;
    if (s.rows.size() < capacity) {
        s.rows.resize(capacity);
        s.col_vals.resize(capacity);
    }
    s.col_start.resize(static_cast<std::size_t>(in_) + 1);
    const Scalar* xp = x.data();
    const auto stride = static_cast<std::size_t>(in_);
    std::size_t k = 0;
    s.col_start[0] = 0;
    for (int p = 0; p < in_; ++p) {
        for (int r = 0; r < n; ++r) {
            const Scalar v = xp[static_cast<std::size_t>(r) * stride + static_cast<std::size_t>(p)];
            s.rows[k] = r;
            s.col_vals[k] = v;
            k += v != Scalar(0);
        }
        s.col_start[static_cast<std::size_t>(p) + 1] = static_cast<int>(k);
    }
    s.used = true;
}

void Dense::forward(const Matrix& x, Matrix& y, bool /*training*/, Rng& /*rng*/) {
    // y = x W + b: the bias starts each sum (gemm.h).
    y.resize(x.rows(), units_);
    gemm::nn(x.rows(), units_, in_, x.data(), in_, 1, w_, units_, w_ + static_cast<std::size_t>(in_) * static_cast<std::size_t>(units_),
             y.data(), units_, false);
}

void Dense::backward(const Matrix& x, const Matrix& /*y*/, const Matrix& dy, Matrix* dx) {
    MatrixMap dW(dw_, in_, units_);
    RowVectorMap db(dw_ + static_cast<std::size_t>(in_) * static_cast<std::size_t>(units_), units_);
    build_sparse(x);
    if (sparse_.used) {
        // dW[p] = sum over samples r with x[r][p] != 0 of x[r][p] * dy[r]: a register block of
        // 64 sums per (p, column block), dy's block reused from L1; threads take whole blocks.
        const Sparse& s = sparse_;
        const std::size_t units = static_cast<std::size_t>(units_);
        const Scalar* dyp = dy.data();
        const auto blocks = static_cast<std::ptrdiff_t>((units + kBlock - 1) / kBlock);
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t blk = 0; blk < blocks; ++blk) {
            const std::size_t c0 = static_cast<std::size_t>(blk) * kBlock;
            const std::size_t width = std::min(kBlock, units - c0);
            for (int p = 0; p < in_; ++p) {
                Scalar* g = dw_ + static_cast<std::size_t>(p) * units + c0;
                const int q0 = s.col_start[static_cast<std::size_t>(p)], q1 = s.col_start[static_cast<std::size_t>(p) + 1];
                if (width == kBlock) {
                    sparse_block(s.rows.data(), s.col_vals.data(), q0, q1, dyp, units, c0, g);
                } else {
                    for (std::size_t c = 0; c < width; ++c) {
                        Scalar acc = 0;
                        for (int q = q0; q < q1; ++q)
                            acc += s.col_vals[static_cast<std::size_t>(q)] * dyp[static_cast<std::size_t>(s.rows[static_cast<std::size_t>(q)]) * units + c0 + c];
                        g[c] = acc;
                    }
                }
            }
        }
    } else {
        // dW = x^T dy: A = x^T is read in place (element (p, r) at x[r * in + p]).
        gemm::nn(in_, units_, x.rows(), x.data(), 1, in_, dy.data(), units_, nullptr, dw_, units_, false);
    }
    // db: the rows of dy summed in order. Not Eigen's colwise().sum(), which sums a row-major
    // matrix's rows in a pairwise order for the columns it vectorises and in order for the
    // others, chosen by the gradient buffer's address: a run's bits then depended on where
    // malloc put it.
    {
        Scalar* dbp = db.data();
        const Scalar* dyp = dy.data();
        const Eigen::Index units = units_;
        std::fill(dbp, dbp + units, Scalar(0));
        for (Eigen::Index r = 0; r < dy.rows(); ++r)
            for (Eigen::Index j = 0; j < units; ++j) dbp[j] += dyp[r * units + j];
    }
    if (l2_ > 0) dW += (2 * l2_) * ConstMatrixMap(w_, in_, units_);
    if (dx) {
        dx->resize(dy.rows(), in_);
        // dx = dy W^T: dot products of dy's rows with W's rows.
        gemm::nt(dy.rows(), in_, units_, dy.data(), units_, w_, units_, dx->data(), in_);
    }
}

double Dense::regularization_loss() const {
    if (l2_ <= 0) return 0.0;
    return static_cast<double>(l2_) * static_cast<double>(ConstMatrixMap(w_, in_, units_).squaredNorm());
}

}  // namespace digit
