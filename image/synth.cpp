#include "synth.h"

#include <QBuffer>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

namespace digit {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Bilinear sample of a 28x28 MNIST image (0-1, 0 outside) at fractional pixel (x, y), centres at
// +0.5, computed in Real (the photos in float, the drawings in double).
template <typename Real = float>
Real sample(const std::uint8_t* img, double x, double y) {
    x -= 0.5, y -= 0.5;
    const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
    const Real fx = static_cast<Real>(x - x0), fy = static_cast<Real>(y - y0);
    auto at = [&](int c, int r) { return (r < 0 || r >= 28 || c < 0 || c >= 28) ? Real(0) : img[r * 28 + c] / Real(255); };
    return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

float smoothstep(float t) {
    t = std::clamp(t, 0.0f, 1.0f);
    return t * t * (3 - 2 * t);
}

using Rgb = std::array<float, 3>;

}  // namespace

QImage synth_photo(const std::uint8_t* mnist, std::uint64_t seed, int width, int height, PhotoConditions* conditions) {
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 12345);
    auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
    auto chance = [&](double p) { return uni(0, 1) < p; };
    PhotoConditions c;
    const double W = width, H = height;

    // Paper.
    Rgb paper{static_cast<float>(uni(238, 252)), 0, 0};
    paper[1] = paper[0] - static_cast<float>(uni(0, 4)), paper[2] = paper[0] - static_cast<float>(uni(0, 8));
    if (chance(0.5)) {
        c.tinted = true;
        static const std::array<Rgb, 4> tints{{{246, 236, 205}, {218, 229, 246}, {196, 196, 192}, {160, 148, 122}}};
        paper = tints[static_cast<std::size_t>(rng() % tints.size())];
    }
    // Light: a gradient and vignetting; maybe a soft shadow band.
    const double g0 = uni(0.8, 1.0), gx = uni(-0.35, 0.35), gy = uni(-0.35, 0.35), vignette = uni(0.0, 0.3);
    c.shadow = chance(0.5);
    const double angle = uni(0, kPi), band = uni(0.12, 0.35) * std::min(W, H), soft = uni(0.01, 0.05) * W;
    const double bx = uni(0.2, 0.8) * W, by = uni(0.2, 0.8) * H, depth = uni(0.25, 0.45);
    // Ruling: horizontal lines, sometimes a grid, sometimes a red margin.
    c.ruled = chance(0.6);
    const double spacing = uni(0.06, 0.1) * H, tilt = uni(-1.5, 1.5) * kPi / 180, phase = uni(0, spacing);
    const double thickness = uni(1.0, 2.5);
    const bool grid = c.ruled && chance(0.25), margin = c.ruled && chance(0.25);
    const double margin_x = uni(0.08, 0.2) * W;
    const Rgb rule = chance(0.5) ? Rgb{150, 182, 228} : Rgb{165, 165, 165};
    // Ink.
    const int ink_kind = static_cast<int>(rng() % 3);
    c.ink = static_cast<PhotoConditions::Ink>(ink_kind);
    const Rgb ink = ink_kind == 0 ? Rgb{25, 25, 35} : ink_kind == 1 ? Rgb{30, 45, 140} : Rgb{85, 85, 90};
    const double opacity = ink_kind == 2 ? uni(0.55, 0.75) : uni(0.85, 0.97);
    // The digit: 12-30% of the height (its 20-px MNIST box), anywhere on the page.
    const double digit_h = uni(0.12, 0.30) * H, s = digit_h / 20.0;
    c.digit_height = static_cast<int>(std::lround(digit_h));
    const double side = 28 * s;
    const double ox = uni(0.02 * W, W - side - 0.02 * W), oy = uni(0.02 * H, H - side - 0.02 * H);
    const double noise = uni(2.0, 7.0);
    std::normal_distribution<float> gauss(0.0f, static_cast<float>(noise));
    c.jpeg_quality = static_cast<int>(uni(40, 90));

    QImage img(width, height, QImage::Format_RGB32);
    const double ct = std::cos(tilt), st = std::sin(tilt);
    for (int y = 0; y < height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
        for (int x = 0; x < width; ++x) {
            Rgb p = paper;
            auto over = [&](const Rgb& col, float a) {
                for (int k = 0; k < 3; ++k) p[static_cast<std::size_t>(k)] += a * (col[static_cast<std::size_t>(k)] - p[static_cast<std::size_t>(k)]);
            };
            if (c.ruled) {
                const double v = y * ct - x * st - phase;
                const double d = std::abs(v - spacing * std::round(v / spacing));
                over(rule, static_cast<float>(std::clamp(thickness / 2 + 0.5 - d, 0.0, 1.0)));
                if (grid) {
                    const double u = x * ct + y * st - phase;
                    const double du = std::abs(u - spacing * std::round(u / spacing));
                    over(rule, static_cast<float>(std::clamp(thickness / 2 + 0.5 - du, 0.0, 1.0)));
                }
                if (margin) over(Rgb{225, 120, 120}, static_cast<float>(std::clamp(1.5 - std::abs(x - margin_x), 0.0, 1.0)));
            }
            if (x >= ox && x < ox + side && y >= oy && y < oy + side) {
                const float a = sample(mnist, (x + 0.5 - ox) / s, (y + 0.5 - oy) / s);
                over(ink, static_cast<float>(a * opacity));
            }
            const double rx = x / W - 0.5, ry = y / H - 0.5;
            double light = g0 * (1 + gx * rx + gy * ry) * (1 - vignette * 2 * (rx * rx + ry * ry));
            if (c.shadow) {
                const double dist = std::abs((x - bx) * std::cos(angle) + (y - by) * std::sin(angle));
                light *= 1 - depth * smoothstep(static_cast<float>((band / 2 + soft - dist) / (2 * soft)));
            }
            int rgb[3];
            for (int k = 0; k < 3; ++k)
                rgb[k] = std::clamp(static_cast<int>(std::lround(p[static_cast<std::size_t>(k)] * light + gauss(rng))), 0, 255);
            line[x] = qRgb(rgb[0], rgb[1], rgb[2]);
        }
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    img.save(&buffer, "JPEG", c.jpeg_quality);
    QImage out = QImage::fromData(bytes, "JPEG");
    if (conditions) *conditions = c;
    return out.isNull() ? img : out;
}

QImage synth_number(const std::vector<const std::uint8_t*>& digits, std::uint64_t seed, int gap_min, int gap_max) {
    std::mt19937_64 rng(seed * 0xD1B54A32D192ED03ull + 777);
    struct Placed { const std::uint8_t* img; int x0, x1, dx, dy; };
    std::vector<Placed> placed;
    const int margin = 6;
    int cursor = margin;
    for (const std::uint8_t* d : digits) {
        int x0 = 28, x1 = 0;
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x)
                if (d[y * 28 + x] > 0) x0 = std::min(x0, x), x1 = std::max(x1, x + 1);
        if (x1 <= x0) x0 = 0, x1 = 28;
        const int gap = std::uniform_int_distribution<int>(gap_min, gap_max)(rng);
        if (!placed.empty()) cursor += gap;
        const int dy = std::uniform_int_distribution<int>(-2, 2)(rng);
        placed.push_back({d, x0, x1, cursor - x0, margin + dy});
        cursor += x1 - x0;
    }
    const int w = cursor + margin, h = 28 + 2 * margin;
    std::vector<float> ink(static_cast<std::size_t>(w) * h, 0.0f);
    for (const Placed& p : placed)
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x) {
                const int cx = x + p.dx, cy = y + p.dy;
                if (cx < 0 || cy < 0 || cx >= w || cy >= h) continue;
                float& v = ink[static_cast<std::size_t>(cy) * w + cx];
                v = std::max(v, p.img[y * 28 + x] / 255.0f);
            }
    const int up = 3;
    QImage out(w * up, h * up, QImage::Format_Grayscale8);
    for (int y = 0; y < h * up; ++y) {
        uchar* line = out.scanLine(y);
        const double sy = (y + 0.5) / up - 0.5;
        const int y0 = static_cast<int>(std::floor(sy));
        const float fy = static_cast<float>(sy - y0);
        for (int x = 0; x < w * up; ++x) {
            const double sx = (x + 0.5) / up - 0.5;
            const int x0 = static_cast<int>(std::floor(sx));
            const float fx = static_cast<float>(sx - x0);
            auto at = [&](int c, int r) {
                return (r < 0 || r >= h || c < 0 || c >= w) ? 0.0f : ink[static_cast<std::size_t>(r) * w + c];
            };
            const float v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
            line[x] = static_cast<uchar>(std::lround(255 * (1 - v)));
        }
    }
    return out;
}

QImage synth_drawing(const std::uint8_t* mnist) {
    constexpr int kSide = 336, kScale = kSide / 28;
    QImage img(kSide, kSide, QImage::Format_Grayscale8);
    for (int y = 0; y < kSide; ++y) {
        uchar* line = img.scanLine(y);
        for (int x = 0; x < kSide; ++x)
            line[x] = sample<double>(mnist, (x + 0.5) / kScale, (y + 0.5) / kScale) >= 0.5 ? 20 : 255;
    }
    return img;
}

}  // namespace digit
