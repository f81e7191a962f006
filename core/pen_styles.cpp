#include "pen_styles.h"

#include <algorithm>
#include <cmath>

namespace digit {

namespace {

constexpr int kSide = 28;
constexpr int kUp = 2;                // render at 56x56
constexpr int kBig = kSide * kUp;
constexpr int kMargin = 8;            // room for a thicker or slanted stroke
constexpr int kCanvas = kBig + 2 * kMargin;

// Bilinear sample of the 28x28 image at (y, x) in source pixels, 0 outside.
float sample(const std::uint8_t* img, float y, float x) {
    const int y0 = static_cast<int>(std::floor(y)), x0 = static_cast<int>(std::floor(x));
    const float fy = y - static_cast<float>(y0), fx = x - static_cast<float>(x0);
    auto at = [&](int r, int c) {
        return (r < 0 || r >= kSide || c < 0 || c >= kSide) ? 0.0f : static_cast<float>(img[r * kSide + c]) / 255.0f;
    };
    return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

// Max (dilate) or min (erode) over a disk of the given radius, on a binary canvas.
std::vector<float> morph_disk(const std::vector<float>& in, int radius, bool dilate) {
    std::vector<float> out(in.size());
    for (int r = 0; r < kCanvas; ++r)
        for (int c = 0; c < kCanvas; ++c) {
            float m = in[static_cast<std::size_t>(r * kCanvas + c)];
            for (int dr = -radius; dr <= radius; ++dr)
                for (int dc = -radius; dc <= radius; ++dc) {
                    if (dr * dr + dc * dc > radius * radius) continue;
                    const int rr = r + dr, cc = c + dc;
                    const float v = (rr < 0 || rr >= kCanvas || cc < 0 || cc >= kCanvas) ? 0.0f
                                                                                           : in[static_cast<std::size_t>(rr * kCanvas + cc)];
                    m = dilate ? std::max(m, v) : std::min(m, v);
                }
            out[static_cast<std::size_t>(r * kCanvas + c)] = m;
        }
    return out;
}

}  // namespace

const std::vector<PenStyle>& all_pen_styles() {
    static const std::vector<PenStyle> all = {PenStyle::Mnist, PenStyle::Solid, PenStyle::Thick, PenStyle::Thin,
                                              PenStyle::Slanted};
    return all;
}

std::string pen_style_name(PenStyle s) {
    switch (s) {
        case PenStyle::Mnist: return "mnist";
        case PenStyle::Solid: return "solid";
        case PenStyle::Thick: return "thick";
        case PenStyle::Thin: return "thin";
        case PenStyle::Slanted: return "slanted";
    }
    return "mnist";
}

PreprocessResult redraw_digit(const std::uint8_t* mnist, PenStyle style) {
    // Shear about the digit's middle row: x' = x + k (middle - y), so the top leans right.
    const float shear = style == PenStyle::Slanted ? std::tan(20.0f * 3.14159265f / 180.0f) : 0.0f;
    std::vector<float> ink(static_cast<std::size_t>(kCanvas * kCanvas), 0.0f);
    for (int r = 0; r < kCanvas; ++r)
        for (int c = 0; c < kCanvas; ++c) {
            const float y = (static_cast<float>(r - kMargin) + 0.5f) / kUp - 0.5f;
            const float x = (static_cast<float>(c - kMargin) + 0.5f) / kUp - 0.5f + shear * (y - kSide / 2.0f);
            float v = sample(mnist, y, x);
            if (style != PenStyle::Mnist) v = v > 0.5f ? 1.0f : 0.0f;
            ink[static_cast<std::size_t>(r * kCanvas + c)] = v;
        }
    if (style == PenStyle::Thick) ink = morph_disk(ink, 2, true);
    if (style == PenStyle::Thin) {
        std::vector<float> thin = morph_disk(ink, 1, false);
        // A stroke too fine to survive keeps its solid form rather than vanishing.
        if (std::count(thin.begin(), thin.end(), 1.0f) >= 20) ink = std::move(thin);
    }
    GrayImage g;
    g.width = g.height = kCanvas;
    g.pixels = std::move(ink);  // light ink on black, as MNIST: 1 = white
    PreprocessOptions options;
    options.polarity = Polarity::LightOnDark;
    return preprocess_digit(g, options);
}

}  // namespace digit
