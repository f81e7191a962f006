#include "preprocess.h"

#include "ink.h"

// The steps follow how MNIST was made (LeCun, Cortes, Burges): the ink's bounding box is scaled so
// its longer side is 20 px, keeping the aspect ratio, with anti-aliasing; the result is placed in
// 28x28 by a whole-pixel shift that puts the intensity-weighted centre of mass at the centre.
//
// Centre convention, measured on all 10,000 MNIST test images: the intensity-weighted mean of the
// 0-based row and column indices lies in [13.5, 14.5), i.e. rounds to 14 (14.0 on average). We
// shift the same way, so an MNIST image passes through unchanged. The price, as in MNIST: two
// renderings of one digit whose centres fall either side of a half pixel come out 1 px apart.

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace digit {

namespace {

constexpr int kSide = 28;
// Ink (as a fraction of the peak) that counts when finding the digit's extent: anything fainter
// is anti-aliasing, JPEG ringing or paper texture and must not inflate the box.
constexpr float kBoxThreshold = 0.15f;
// Faint ink right next to the box (anti-aliased edges, ~13/255 and up) is taken in, up to one
// output pixel per side, so MNIST's own soft edges are kept.
constexpr float kEdgeThreshold = 0.05f;
struct Box {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // half-open [x0, x1) x [y0, y1)
    int width() const { return x1 - x0; }
    int height() const { return y1 - y0; }
};

// Bounding box of the ink at kBoxThreshold. Isolated specks (an inked pixel with no inked
// 8-neighbour: dust, sensor noise) are erased first, so they neither stretch the box nor pull the
// centre of mass; unless the digit is nothing but such dots. Returns false when there is no ink.
bool ink_box(std::vector<float>& ink, int w, int h, Box& box) {
    auto at = [&](int x, int y) -> float& { return ink[static_cast<std::size_t>(y) * w + x]; };
    auto isolated = [&](int x, int y) {
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                const int nx = x + dx, ny = y + dy;
                if ((dx || dy) && nx >= 0 && ny >= 0 && nx < w && ny < h && at(nx, ny) >= kBoxThreshold) return false;
            }
        return true;
    };
    Box joined{w, h, 0, 0}, any{w, h, 0, 0};
    std::vector<std::size_t> specks;
    auto extend = [](Box& b, int x, int y) {
        b.x0 = std::min(b.x0, x), b.y0 = std::min(b.y0, y);
        b.x1 = std::max(b.x1, x + 1), b.y1 = std::max(b.y1, y + 1);
    };
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            if (at(x, y) < kBoxThreshold) continue;
            extend(any, x, y);
            if (isolated(x, y)) specks.push_back(static_cast<std::size_t>(y) * w + x);
            else extend(joined, x, y);
        }
    if (joined.x1 > joined.x0) {
        for (std::size_t i : specks) ink[i] = 0.0f;
        box = joined;
    } else if (any.x1 > any.x0) {
        box = any;
    } else {
        return false;
    }
    return true;
}

// Takes in the faint anti-aliased rim just outside the box, up to max_steps pixels per side.
void grow_over_faint_edges(const std::vector<float>& ink, int w, int h, int max_steps, Box& b) {
    auto row_has_ink = [&](int y, int x0, int x1) {
        for (int x = std::max(0, x0); x < std::min(w, x1); ++x)
            if (ink[static_cast<std::size_t>(y) * w + x] >= kEdgeThreshold) return true;
        return false;
    };
    auto col_has_ink = [&](int x, int y0, int y1) {
        for (int y = std::max(0, y0); y < std::min(h, y1); ++y)
            if (ink[static_cast<std::size_t>(y) * w + x] >= kEdgeThreshold) return true;
        return false;
    };
    for (int step = 0; step < max_steps; ++step) {
        bool grew = false;
        if (b.y0 > 0 && row_has_ink(b.y0 - 1, b.x0 - 1, b.x1 + 1)) --b.y0, grew = true;
        if (b.y1 < h && row_has_ink(b.y1, b.x0 - 1, b.x1 + 1)) ++b.y1, grew = true;
        if (b.x0 > 0 && col_has_ink(b.x0 - 1, b.y0 - 1, b.y1 + 1)) --b.x0, grew = true;
        if (b.x1 < w && col_has_ink(b.x1, b.y0 - 1, b.y1 + 1)) ++b.x1, grew = true;
        if (!grew) break;
    }
}

// Resampling weights along one axis: output pixel j (of out_len) reads source pixels i (of n,
// relative to the box) with weight w, at scale s output px per source px.
// Shrinking (s <= 1): area coverage, i.e. the mean of the source over the output pixel's footprint
// (the anti-aliasing MNIST used). Enlarging (s > 1): bilinear at the output pixel's centre, edge
// clamped to the box, so a tiny digit comes out smooth instead of blocky and stays inside the box.
using Taps = std::vector<std::vector<std::pair<int, float>>>;

Taps axis_taps(int n, double s, int out_len) {
    Taps taps(static_cast<std::size_t>(out_len));
    for (int j = 0; j < out_len; ++j) {
        auto& t = taps[static_cast<std::size_t>(j)];
        if (s <= 1.0) {
            const double a = j / s, b = std::min((j + 1) / s, static_cast<double>(n));
            for (int i = static_cast<int>(std::floor(a)); i < n && i < b; ++i) {
                const double overlap = std::min(b, i + 1.0) - std::max(a, static_cast<double>(i));
                if (overlap > 0) t.emplace_back(i, static_cast<float>(overlap * s));
            }
        } else {
            const double x = (j + 0.5) / s - 0.5;  // the pixel centre, in source pixel indices
            const int i0 = static_cast<int>(std::floor(x));
            const float f = static_cast<float>(x - i0);
            const int a = std::clamp(i0, 0, n - 1), b = std::clamp(i0 + 1, 0, n - 1);
            // The last output pixel may be only partly covered by the box.
            const float cover = static_cast<float>(std::min(1.0, n * s - j));
            if (a == b) t.emplace_back(a, cover);
            else t.emplace_back(a, (1.0f - f) * cover), t.emplace_back(b, f * cover);
        }
    }
    return taps;
}

}  // namespace

MnistImage mnist_image(const std::uint8_t* pixels) {
    MnistImage image;
    for (std::size_t i = 0; i < image.size(); ++i) image[i] = pixels[i] / 255.0f;
    return image;
}

PreprocessResult preprocess_digit(const GrayImage& input, const PreprocessOptions& options) {
    if (options.box < 1 || options.box > kSide)
        throw std::invalid_argument("preprocess_digit: box must be 1-28 pixels, got " + std::to_string(options.box));
    InkMap m = find_ink(input, options);
    if (m.empty) {
        PreprocessResult result;
        result.inverted = m.inverted;
        return result;
    }
    PreprocessResult result = digit_from_ink(std::move(m.ink), m.width, m.height, options);
    result.inverted = m.inverted;
    return result;
}

PreprocessResult digit_from_ink(std::vector<float> ink, int w, int h, const PreprocessOptions& options, DigitSteps* steps) {
    if (options.box < 1 || options.box > kSide)
        throw std::invalid_argument("preprocess_digit: box must be 1-28 pixels, got " + std::to_string(options.box));
    if (w < 0 || h < 0 || ink.size() != static_cast<std::size_t>(w) * static_cast<std::size_t>(h))
        throw std::invalid_argument("digit_from_ink: " + std::to_string(w) + "x" + std::to_string(h) + " map holds " +
                                    std::to_string(ink.size()) + " values");
    PreprocessResult result;
    if (w == 0 || h == 0) return result;

    // (c) Bounding box of the ink.
    Box b;
    if (!ink_box(ink, w, h, b)) return result;
    const int long_side = std::max(b.width(), b.height());
    grow_over_faint_edges(ink, w, h, std::max(1, (long_side + options.box - 1) / options.box), b);

    // (d) Scale the box so its longer side is `box` px: r is th x tw, row-major. Separable:
    // rows of the box first (bh x tw), then columns.
    const int bw = b.width(), bh = b.height();
    if (steps) {
        steps->crop.width = bw, steps->crop.height = bh;
        steps->crop.pixels.resize(static_cast<std::size_t>(bw) * bh);
        for (int y = 0; y < bh; ++y)
            for (int x = 0; x < bw; ++x)
                steps->crop.pixels[static_cast<std::size_t>(y) * bw + x] = ink[static_cast<std::size_t>(b.y0 + y) * w + b.x0 + x];
    }
    const double s = static_cast<double>(options.box) / std::max(bw, bh);
    const int tw = std::clamp(static_cast<int>(std::ceil(bw * s - 1e-6)), 1, options.box);
    const int th = std::clamp(static_cast<int>(std::ceil(bh * s - 1e-6)), 1, options.box);
    const Taps tx = axis_taps(bw, s, tw), ty = axis_taps(bh, s, th);
    std::vector<float> rows(static_cast<std::size_t>(bh) * tw, 0.0f);
    for (int y = 0; y < bh; ++y) {
        const float* src = ink.data() + static_cast<std::size_t>(b.y0 + y) * w + b.x0;
        for (int j = 0; j < tw; ++j) {
            float acc = 0.0f;
            for (const auto& [i, wt] : tx[static_cast<std::size_t>(j)]) acc += wt * src[i];
            rows[static_cast<std::size_t>(y) * tw + j] = acc;
        }
    }
    std::vector<float> r(static_cast<std::size_t>(th) * tw, 0.0f);
    for (int k = 0; k < th; ++k)
        for (const auto& [i, wt] : ty[static_cast<std::size_t>(k)])
            for (int j = 0; j < tw; ++j)
                r[static_cast<std::size_t>(k) * tw + j] += wt * rows[static_cast<std::size_t>(i) * tw + j];

    if (steps) {
        steps->fit.width = steps->fit.height = options.box;
        steps->fit.pixels.assign(static_cast<std::size_t>(options.box) * options.box, 0.0f);
        for (int k = 0; k < th; ++k)
            for (int j = 0; j < tw; ++j)
                steps->fit.pixels[static_cast<std::size_t>(k) * options.box + j] = r[static_cast<std::size_t>(k) * tw + j];
    }

    // (e) Integer shift putting the centre of mass at [13.5, 14.5), clamped so nothing is cut off.
    double mass = 0, mx = 0, my = 0;
    float max_value = 0.0f;
    for (int k = 0; k < th; ++k)
        for (int j = 0; j < tw; ++j) {
            const float v = r[static_cast<std::size_t>(k) * tw + j];
            mass += v, mx += v * j, my += v * k;
            max_value = std::max(max_value, v);
        }
    if (mass <= 0 || max_value <= 0) return result;
    const int ox = std::clamp(static_cast<int>(std::ceil(13.5 - mx / mass)), 0, kSide - tw);
    const int oy = std::clamp(static_cast<int>(std::ceil(13.5 - my / mass)), 0, kSide - th);

    // (f) 0-1 with the strongest ink at 1, as MNIST's strokes peak at 255: a thin stroke shrunk
    // from a large canvas would otherwise come out washed-out grey.
    const float gain = 1.0f / max_value;
    for (int k = 0; k < th; ++k)
        for (int j = 0; j < tw; ++j)
            result.image[static_cast<std::size_t>(oy + k) * kSide + ox + j] =
                std::min(1.0f, r[static_cast<std::size_t>(k) * tw + j] * gain);
    result.empty = false;
    return result;
}

}  // namespace digit
