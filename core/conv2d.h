#pragma once
// 2-D convolution, Keras's Conv2D without its activation (the Network adds that as a separate
// Activation layer), channels-last:
//   x: (batch, H * W * Cin), each row an image flattened (row, column, channel)
//   y: (batch, Ho * Wo * Cout) with Ho = (H - k) / s + 1 ('valid') or ceil(H / s) ('same',
//      zero-padded as TensorFlow pads: the extra pixel, if any, at the bottom/right)
// Parameters in the flat buffer: the kernel in Keras's (kh, kw, Cin, Cout) order, which read as a
// row-major (kh * kw * Cin, Cout) matrix K is exactly what multiplies an im2col row; then the
// bias (Cout). glorot_uniform kernel (fan_in = kh kw Cin, fan_out = kh kw Cout), zero bias.
//
// The work is three matrix products per block of a few samples, with cols = im2col(x), the
// (block * Ho * Wo, kh kw Cin) matrix of receptive fields:
//   forward   y_blk  = cols_blk * K + bias
//   backward  dK    += cols_blk^T * dy_blk,  db += column sums of dy_blk,
//             dx_blk = col2im(dy_blk * K^T)          (skipped when dx is null)
// In float on a CPU with AVX-512 (detected at run time, whatever the build flags) they run in
// register-blocked kernels that read cols straight from the images (zero-padded copies for
// 'same') and add dx straight onto them, so im2col and col2im never materialise; they sustain
// about 65-70% of a core's FMA peak, against about 45% for im2col + Eigen's GEMM. Otherwise, and
// in the double-precision build of the gradient checks, im2col + Eigen's products on blocks
// sized to stay in L2. Threads take whole blocks. The kernel gradient is summed per fixed group
// of samples and the groups are added in order, so results depend on neither the thread
// timing nor the thread count. Buffers grow with the batch size and are then reused.
#include "layer.h"
#include "layer_spec.h"

#include <vector>

namespace digit {

namespace conv_detail {
struct Rows;  // the A operand of the products (conv2d_kernels.h)
}

class Conv2D : public Layer {
public:
    explicit Conv2D(const LayerSpec& spec);

    Shape build(const Shape& input_shape) override;
    std::size_t parameter_count() const override;
    void bind(Scalar* params, Scalar* grads) override;
    void initialize(Rng& rng) override;
    void forward(const Matrix& x, Matrix& y, bool training, Rng& rng) override;
    void backward(const Matrix& x, const Matrix& y, const Matrix& dy, Matrix* dx) override;
    const char* kind() const override { return "Conv2D"; }
    double forward_flops() const override { return 2.0 * ho_ * wo_ * static_cast<double>(patch_) * filters_; }
    double regularization_loss() const override;
    // Applies relu to the output inside forward() and to the gradient inside backward(), while
    // each block is still in cache, instead of in a separate Activation layer: the same numbers,
    // two fewer passes over the largest tensors of a CNN. The Network calls it for activation=relu.
    void fuse_relu() { relu_ = true; }
    bool relu_fused() const { return relu_; }

private:
    // The A operand for count images at x: the images themselves read in place (zero-padded
    // into scratch for 'same'), or their im2col matrix written to scratch.
    conv_detail::Rows patches(const Scalar* x, Eigen::Index ldx, Eigen::Index count, Scalar* scratch,
                              const Eigen::Index* offsets) const;
    void pad(const Scalar* x, Eigen::Index ldx, Eigen::Index count, Scalar* out) const;
    // The adjoint of pad: count padded input gradients -> dx (row stride ldx).
    void unpad(const Scalar* padded, Eigen::Index count, Scalar* dx, Eigen::Index ldx) const;
    // Offsets of each output pixel's receptive field for `block` images read in place.
    const Eigen::Index* row_offsets(Eigen::Index block);
    // count images starting at x (row stride ldx) -> (count * Ho * Wo, patch) rows at cols.
    void im2col(const Scalar* x, Eigen::Index ldx, Eigen::Index count, Scalar* cols) const;
    // The adjoint: sums (count * Ho * Wo, patch) rows of dcols back into count images at dx.
    void col2im(const Scalar* dcols, Eigen::Index count, Scalar* dx, Eigen::Index ldx) const;
    // Samples per block: for im2col's cols, and for the images read in place by backward.
    Eigen::Index block_samples() const;
    Eigen::Index in_place_block_samples() const;
    // Scratch of `per_thread` scalars for each OpenMP thread; grows, never shrinks.
    Scalar* workspace(std::size_t per_thread);

    int filters_, k_, stride_;
    Padding padding_;
    Scalar l2_;
    bool relu_ = false;
    int h_ = 0, w_ = 0, cin_ = 0, ho_ = 0, wo_ = 0, pad_top_ = 0, pad_left_ = 0;
    Eigen::Index patch_ = 0;       // kh * kw * Cin
    bool cols_are_input_ = false;  // 1x1 kernel, stride 1: an image already is its cols matrix
    bool in_place_ = false;        // the fast kernels, reading the images without im2col
    bool padded_ = false;          // ... from a zero-padded copy ('same' padding)
    int img_h_ = 0, img_w_ = 0;    // size of the image read in place
    Eigen::Index img_size_ = 0;    // its scalars
    std::vector<Eigen::Index> pixel_offsets_;  // (Ho * Wo): each receptive field's first scalar
    std::vector<Eigen::Index> row_offsets_;    // the same for a block of images
    Scalar* kernel_ = nullptr;
    Scalar* grad_ = nullptr;
    std::vector<Scalar> work_;      // per-thread blocks: cols / dcols, or padded images
    std::vector<Scalar> partials_;  // backward: (groups, parameter_count()) gradient sums
    Matrix kernel_t_;               // backward: K^T (Cout, patch), for dx = col2im(dy K^T)
};

}  // namespace digit
