#include "augment.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace digit {

namespace {

constexpr int kSide = 28;

// Bilinear sample of a 28x28 image at (r, c); outside is background (0).
Scalar sample(const Scalar* img, float r, float c) {
    const int r0 = static_cast<int>(std::floor(r));
    const int c0 = static_cast<int>(std::floor(c));
    const float fr = r - static_cast<float>(r0);
    const float fc = c - static_cast<float>(c0);
    auto at = [&](int rr, int cc) -> float {
        if (rr < 0 || rr >= kSide || cc < 0 || cc >= kSide) return 0.0f;
        return static_cast<float>(img[rr * kSide + cc]);
    };
    float v = (1 - fr) * ((1 - fc) * at(r0, c0) + fc * at(r0, c0 + 1)) +
              fr * ((1 - fc) * at(r0 + 1, c0) + fc * at(r0 + 1, c0 + 1));
    return static_cast<Scalar>(v);
}

// Grey-level dilation (thicker stroke) or erosion (thinner) with a plus-shaped 3x3 element,
// blended by `amount` in (0, 1] so the change is gentle.
void morph(std::array<Scalar, 784>& img, bool dilate, float amount) {
    std::array<Scalar, 784> out{};
    for (int r = 0; r < kSide; ++r)
        for (int c = 0; c < kSide; ++c) {
            Scalar v = img[static_cast<std::size_t>(r * kSide + c)];
            Scalar m = v;
            const int dr[4] = {-1, 1, 0, 0}, dc[4] = {0, 0, -1, 1};
            for (int k = 0; k < 4; ++k) {
                int rr = r + dr[k], cc = c + dc[k];
                Scalar n = (rr < 0 || rr >= kSide || cc < 0 || cc >= kSide) ? Scalar(0) : img[static_cast<std::size_t>(rr * kSide + cc)];
                m = dilate ? std::max(m, n) : std::min(m, n);
            }
            out[static_cast<std::size_t>(r * kSide + c)] = v + static_cast<Scalar>(amount) * (m - v);
        }
    img = out;
}

}  // namespace

void augment_batch(Matrix& x, const AugmentationConfig& cfg, Rng& rng) {
    if (!cfg.enabled() || x.cols() != kSide * kSide) return;
    std::array<Scalar, 784> src{};
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        Scalar* row = x.row(i).data();
        std::copy(row, row + 784, src.begin());
        if (cfg.stroke_probability > 0 && rng.uniform() < cfg.stroke_probability) {
            bool dilate = rng.uniform() < 0.5f;
            morph(src, dilate, rng.uniform(0.4f, 1.0f));
        }
        const float angle = cfg.max_rotation * (2 * rng.uniform() - 1) * 3.14159265f / 180.0f;
        const float scale = 1.0f + cfg.max_scale * (2 * rng.uniform() - 1);
        const float dx = cfg.max_shift * (2 * rng.uniform() - 1);
        const float dy = cfg.max_shift * (2 * rng.uniform() - 1);
        // Inverse mapping: for each output pixel, where it comes from in the source
        // (rotation and scaling about the centre, then a shift).
        const float ca = std::cos(angle) / scale, sa = std::sin(angle) / scale;
        const float centre = 13.5f;
        for (int r = 0; r < kSide; ++r)
            for (int c = 0; c < kSide; ++c) {
                float yr = static_cast<float>(r) - centre - dy;
                float xc = static_cast<float>(c) - centre - dx;
                float sr = ca * yr - sa * xc + centre;
                float sc = sa * yr + ca * xc + centre;
                row[r * kSide + c] = sample(src.data(), sr, sc);
            }
    }
}

}  // namespace digit
