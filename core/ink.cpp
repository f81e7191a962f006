#include "ink.h"

// Why hand-written filters and not OpenCV's imgproc: the core is plain C++ and Eigen (the tests,
// the fuzz targets and the pen-style evaluation link it alone), and the photo path needs five
// small, well-known operations: an integer area reduction, a separable running min/max (the
// grey-level opening; O(1) per pixel with a monotonic deque), Otsu's threshold, run lengths and
// 8-connected labelling (union-find). Together about as long as the code that would adapt
// between cv::Mat and GrayImage, and nothing to install.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <array>
#include <cmath>
#include <functional>
#include <deque>
#include <numeric>
#include <stdexcept>
#include <string>

namespace digit {

namespace {

constexpr float kMinContrast = 0.05f;        // as preprocess_digit: below this there is no ink (~13/255)
constexpr float kMaxNoiseFloor = 0.5f;       // the border's noise reaching half the ink's contrast: noise
constexpr float kMinPhotoContrast = 0.06f;   // corrected ink weaker than this over the paper: no ink on the page
constexpr float kCleanMaskThreshold = 0.3f;  // blobs of a drawing (for segmenting a number)
constexpr int kMinLineSide = 100;            // smaller pictures are never searched for ruling lines

float clean(float v) { return v == v ? std::clamp(v, 0.0f, 1.0f) : 0.0f; }  // NaN -> black

float quantile(std::vector<float> v, double q) {
    if (v.empty()) return 0.0f;
    const auto k = static_cast<std::ptrdiff_t>(std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + k, v.end());
    return v[static_cast<std::size_t>(k)];
}

float median(std::vector<float> v) { return quantile(std::move(v), 0.5); }

// The same for large pictures' values in [0, 1], from a 4096-bin histogram: O(n) and no copy;
// 1/4096 is far below any threshold that uses it.
float quantile01(const std::vector<float>& v, double q) {
    if (v.empty()) return 0.0f;
    constexpr int kBins = 4096;
    std::vector<std::size_t> hist(kBins, 0);
    for (float x : v) ++hist[static_cast<std::size_t>(std::clamp(x, 0.0f, 1.0f) * (kBins - 1) + 0.5f)];
    const double want = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
    std::size_t seen = 0;
    for (int b = 0; b < kBins; ++b) {
        seen += hist[static_cast<std::size_t>(b)];
        if (static_cast<double>(seen) > want) return static_cast<float>(b) / (kBins - 1);
    }
    return 1.0f;
}

// Mean over f x f blocks (the last partial block averages what it has).
GrayImage reduce(const GrayImage& in, int f) {
    if (f <= 1) {
        GrayImage out = in;
        for (float& p : out.pixels) p = clean(p);
        return out;
    }
    GrayImage out;
    out.width = (in.width + f - 1) / f;
    out.height = (in.height + f - 1) / f;
    out.pixels.assign(static_cast<std::size_t>(out.width) * out.height, 0.0f);
    // Block by block, without a division per pixel (the sums in the same order as pixel by pixel).
    for (int j = 0; j < out.height; ++j) {
        float* dst = out.pixels.data() + static_cast<std::size_t>(j) * out.width;
        const int y1 = std::min(in.height, (j + 1) * f);
        for (int y = j * f; y < y1; ++y) {
            const float* src = in.pixels.data() + static_cast<std::size_t>(y) * in.width;
            for (int i = 0, x = 0; i < out.width; ++i)
                for (const int x1 = std::min(in.width, x + f); x < x1; ++x) dst[i] += clean(src[x]);
        }
        for (int i = 0; i < out.width; ++i)
            dst[i] /= static_cast<float>((y1 - j * f) * (std::min(in.width, (i + 1) * f) - i * f));
    }
    return out;
}

// Running min (or max) over a centred window of `win` pixels along each row, edges clamped to
// what lies inside: van Herk / Gil-Werman, three comparisons a pixel whatever the window.
template <bool TakeMax>
void running_extreme_rows_impl(std::vector<float>& img, int w, int h, int win) {
    const int half = win / 2;
    const int n = w + 2 * half;
    const float pad = TakeMax ? -1e30f : 1e30f;
    std::vector<float> line(static_cast<std::size_t>(n)), fwd(static_cast<std::size_t>(n)), bwd(static_cast<std::size_t>(n));
    auto pick = [](float a, float b) { return TakeMax ? std::max(a, b) : std::min(a, b); };
    for (int y = 0; y < h; ++y) {
        float* row = img.data() + static_cast<std::size_t>(y) * w;
        std::fill(line.begin(), line.begin() + half, pad);
        std::copy(row, row + w, line.begin() + half);
        std::fill(line.begin() + half + w, line.end(), pad);
        // Blocks of `win` from the left: fwd is the extreme from the block's start up to i,
        // bwd from i to the block's end.
        for (int s = 0; s < n; s += win) {
            const int e = std::min(n, s + win);
            fwd[static_cast<std::size_t>(s)] = line[static_cast<std::size_t>(s)];
            for (int i = s + 1; i < e; ++i) fwd[static_cast<std::size_t>(i)] = pick(fwd[static_cast<std::size_t>(i - 1)], line[static_cast<std::size_t>(i)]);
            bwd[static_cast<std::size_t>(e - 1)] = line[static_cast<std::size_t>(e - 1)];
            for (int i = e - 2; i >= s; --i) bwd[static_cast<std::size_t>(i)] = pick(bwd[static_cast<std::size_t>(i + 1)], line[static_cast<std::size_t>(i)]);
        }
        // The window [x, x + win - 1] in padded indices spans at most two blocks.
        const int inside = std::max(0, std::min(w, n - win + 1));
        for (int x = 0; x < inside; ++x) row[x] = pick(bwd[static_cast<std::size_t>(x)], fwd[static_cast<std::size_t>(x + win - 1)]);
        for (int x = inside; x < w; ++x) row[x] = pick(bwd[static_cast<std::size_t>(x)], fwd[static_cast<std::size_t>(n - 1)]);
    }
}

void running_extreme_rows(std::vector<float>& img, int w, int h, int win, bool take_max) {
    if (take_max)
        running_extreme_rows_impl<true>(img, w, h, win);
    else
        running_extreme_rows_impl<false>(img, w, h, win);
}

template <typename T>
std::vector<T> transpose(const std::vector<T>& m, int w, int h) {
    std::vector<T> t(m.size());
    constexpr int kBlock = 32;
    for (int y0 = 0; y0 < h; y0 += kBlock)
        for (int x0 = 0; x0 < w; x0 += kBlock)
            for (int y = y0; y < std::min(h, y0 + kBlock); ++y)
                for (int x = x0; x < std::min(w, x0 + kBlock); ++x)
                    t[static_cast<std::size_t>(x) * h + y] = m[static_cast<std::size_t>(y) * w + x];
    return t;
}

// A w x h picture opened in place by a win x win square: a running minimum along the rows and
// the columns, then a running maximum along both (the columns read as rows of the transpose).
void open_square(std::vector<float>& img, int w, int h, int win) {
    running_extreme_rows(img, w, h, win, false);
    img = transpose(img, w, h);
    running_extreme_rows(img, h, w, win, false);
    running_extreme_rows(img, h, w, win, true);
    img = transpose(img, h, w);
    running_extreme_rows(img, w, h, win, true);
}

// Grey-level opening with a win x win square: removes everything bright (inky) narrower than the
// window in some direction and keeps broad shading, including its steps. Computed at half
// resolution (2x2 minimum first, which an opening's erosion would take anyway) and spread back:
// the background is smooth at that scale.
std::vector<float> opening(const std::vector<float>& v, int w, int h, int win) {
    // Half resolution, extended by a window on every side by repeating the edge pixels: with the
    // window clipped at the border instead, a shadow's edge meeting the border at a slant loses
    // its tip there (the opening of a ramp is exact only if the ramp goes on), and the loss
    // reads as ink.
    const int hw = (w + 1) / 2, hh = (h + 1) / 2, hwin = std::max(3, win / 2) | 1;
    const int pad = hwin, pw = hw + 2 * pad, ph = hh + 2 * pad;
    auto edge = [](int i, int n) { return std::clamp(i, 0, n - 1); };
    std::vector<float> b(static_cast<std::size_t>(pw) * ph);
    for (int y = 0; y < ph; ++y)
        for (int x = 0; x < pw; ++x) {
            const int hx = edge(x - pad, hw), hy = edge(y - pad, hh);
            float m = 1e30f;
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx) {
                    const int sx = std::min(w - 1, 2 * hx + dx), sy = std::min(h - 1, 2 * hy + dy);
                    m = std::min(m, v[static_cast<std::size_t>(sy) * w + sx]);
                }
            b[static_cast<std::size_t>(y) * pw + x] = m;
        }
    open_square(b, pw, ph, hwin);
    std::vector<float> out(v.size());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) out[static_cast<std::size_t>(y) * w + x] = b[static_cast<std::size_t>(y / 2 + pad) * pw + x / 2 + pad];
    return out;
}

// For each pixel, the highest level that stays along a straight line from it to the picture's
// border: over `directions` lines through it, evenly spread over half a turn, the larger of the
// two minima from the pixel to either end of each line (rays in every direction). A
// shadow band's edges and the page's edge run across the picture and stay; a digit's strokes end
// on the page and go. Shading is followed exactly where it rises towards the border in some
// direction (a gradient, vignetting).
std::vector<float> border_rays(const std::vector<float>& v, int w, int h, int directions) {
    std::vector<float> out(v.size(), -1e30f), line, forward;
    std::vector<std::size_t> where;
    std::vector<int> step;  // the minor coordinate's offset at each major one
    constexpr double kPi = 3.14159265358979323846;
    for (int d = 0; d < directions; ++d) {
        const double angle = kPi * d / directions;
        const double c = std::cos(angle), s = std::sin(angle);
        // One pixel along the major axis and `slope` along the other a step: the lines for
        // successive offsets cover every pixel once.
        const bool along_x = std::abs(c) >= std::abs(s);
        const int major = along_x ? w : h, minor = along_x ? h : w;
        const double slope = along_x ? s / c : c / s;
        step.resize(static_cast<std::size_t>(major));
        for (int t = 0; t < major; ++t) step[static_cast<std::size_t>(t)] = static_cast<int>(std::lround(slope * t));
        const int reach = step[static_cast<std::size_t>(major - 1)];
        for (int off = -std::max(0, reach); off <= minor - 1 - std::min(0, reach); ++off) {
            line.clear(), where.clear();
            for (int t = 0; t < major; ++t) {
                const int u = off + step[static_cast<std::size_t>(t)];
                if (u < 0 || u >= minor) continue;
                const std::size_t i = along_x ? static_cast<std::size_t>(u) * w + t : static_cast<std::size_t>(t) * w + u;
                where.push_back(i), line.push_back(v[i]);
            }
            const std::size_t n = line.size();
            if (n == 0) continue;
            forward.resize(n);
            forward[0] = line[0];
            for (std::size_t t = 1; t < n; ++t) forward[t] = std::min(forward[t - 1], line[t]);
            float backward = 1e30f;
            for (std::size_t t = n; t-- > 0;) {
                backward = std::min(backward, line[t]);
                float& o = out[where[t]];
                o = std::max({o, forward[t], backward});
            }
        }
    }
    return out;
}

// A 3 x 3 grey-level opening (min then max): what is narrower than 3 pixels on the high side goes.
std::vector<float> open3(std::vector<float> v, int w, int h) {
    open_square(v, w, h, 3);
    return v;
}

// Separable [1 2 1] / 4 blur, edges clamped.
void smooth_121(std::vector<float>& v, int w, int h) {
    std::vector<float> t(v.size());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            t[i] = 0.25f * v[x > 0 ? i - 1 : i] + 0.5f * v[i] + 0.25f * v[x + 1 < w ? i + 1 : i];
        }
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            v[i] = 0.25f * t[y > 0 ? i - w : i] + 0.5f * t[i] + 0.25f * t[y + 1 < h ? i + w : i];
        }
}

// Otsu's threshold (between-class variance maximised) on values in [0, 1], 256 bins.
float otsu(const std::vector<float>& values) {
    std::array<double, 256> hist{};
    for (float v : values) hist[static_cast<std::size_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f)] += 1.0;
    double total = 0, sum = 0;
    for (int i = 0; i < 256; ++i) total += hist[static_cast<std::size_t>(i)], sum += i * hist[static_cast<std::size_t>(i)];
    double w0 = 0, sum0 = 0, best = -1;
    int best_t = 128;
    for (int t = 0; t < 255; ++t) {
        w0 += hist[static_cast<std::size_t>(t)];
        sum0 += t * hist[static_cast<std::size_t>(t)];
        const double w1 = total - w0;
        if (w0 <= 0 || w1 <= 0) continue;
        const double m0 = sum0 / w0, m1 = (sum - sum0) / w1;
        const double between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if (between > best) best = between, best_t = t;
    }
    return (static_cast<float>(best_t) + 0.5f) / 255.0f;
}

// For each pixel of the mask, the length of the horizontal (along_x) or vertical run it lies in.
std::vector<int> run_lengths(const std::vector<std::uint8_t>& mask, int w, int h, bool along_x) {
    std::vector<int> run(mask.size(), 0);
    const int n = along_x ? w : h, lines = along_x ? h : w;
    const std::size_t step = along_x ? 1 : static_cast<std::size_t>(w);
    for (int l = 0; l < lines; ++l) {
        const std::size_t base = along_x ? static_cast<std::size_t>(l) * w : static_cast<std::size_t>(l);
        int i = 0;
        while (i < n) {
            if (!mask[base + static_cast<std::size_t>(i) * step]) { ++i; continue; }
            int j = i;
            while (j < n && mask[base + static_cast<std::size_t>(j) * step]) ++j;
            for (int k = i; k < j; ++k) run[base + static_cast<std::size_t>(k) * step] = j - i;
            i = j;
        }
    }
    return run;
}

// For each pixel, the number of thin pixels on the longest path through it that moves one row
// at a time (top to bottom) and at most one column per row, over the mask with short gaps bridged:
// the extent of a nearly vertical line through the pixel, however it is tilted (up to 45
// degrees) or bent. Only thin pixels count, so a path may cross a digit's strokes but not be made
// of them; paths through thick pixels still continue (a line crossing a stroke goes on).
// Horizontal lines: the same on the transposed mask.
std::vector<int> trail_lengths(const std::vector<std::uint8_t>& mask, const std::vector<std::uint8_t>& thin, int w, int h, int max_gap) {
    // Gaps of up to max_gap pixels along a column are bridged (they count no length): a line
    // fades where the light or a shadow's edge falls on it, and it is still one line.
    std::vector<std::uint8_t> m = mask;
    for (int x = 0; x < w; ++x) {
        int last = -1;  // last inked row in this column
        for (int y = 0; y < h; ++y) {
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            if (!mask[i]) continue;
            if (last >= 0 && y - last - 1 <= max_gap)
                for (int g = last + 1; g < y; ++g) m[static_cast<std::size_t>(g) * w + x] = 1;
            last = y;
        }
    }
    std::vector<int> down(m.size(), 0), up(m.size(), 0);
    auto best_of = [&](const std::vector<int>& t, int y, int x) {
        int best = 0;
        const std::size_t row = static_cast<std::size_t>(y) * w;
        for (int dx = -1; dx <= 1; ++dx)
            if (x + dx >= 0 && x + dx < w && m[row + x + dx]) best = std::max(best, t[row + x + dx]);
        return best;
    };
    for (int y = h - 1; y >= 0; --y)
        for (int x = 0; x < w; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            if (m[i]) down[i] = (y + 1 < h ? best_of(down, y + 1, x) : 0) + thin[i];
        }
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            if (m[i]) up[i] = (y > 0 ? best_of(up, y - 1, x) : 0) + thin[i];
        }
    for (std::size_t i = 0; i < m.size(); ++i) down[i] = m[i] ? down[i] + up[i] - thin[i] : 0;
    return down;
}

// Takes thin, long, nearly horizontal and nearly vertical lines out of the mask: thin pixels (the
// stroke across the line at most max_thickness) on a trail of at least half the picture's width
// (height) of thin pixels. A stroke crossing the line is thicker there, so the crossing stays.
// Returns the pixels removed.
int remove_lines(std::vector<std::uint8_t>& mask, int w, int h, int max_thickness, std::vector<std::uint8_t>* removed_pixels = nullptr) {
    const std::vector<int> vrun = run_lengths(mask, w, h, false), hrun = run_lengths(mask, w, h, true);
    std::vector<std::uint8_t> hthin(mask.size()), vthin(mask.size());
    for (std::size_t i = 0; i < mask.size(); ++i) {
        hthin[i] = mask[i] && vrun[i] <= max_thickness;  // thin across a horizontal line
        vthin[i] = mask[i] && hrun[i] <= max_thickness;
    }
    const int max_gap = std::max(2, std::max(w, h) / 50);
    const std::vector<int> vtrail = trail_lengths(mask, vthin, w, h, max_gap);
    const std::vector<int> htrail_t = trail_lengths(transpose(mask, w, h), transpose(hthin, w, h), h, w, max_gap);
    std::vector<std::uint8_t> line(mask.size(), 0);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            const bool horizontal = hthin[i] && htrail_t[static_cast<std::size_t>(x) * h + y] * 2 >= w;
            const bool vertical = vthin[i] && vtrail[i] * 2 >= h;
            line[i] = horizontal || vertical;
        }
    int removed = 0;
    for (std::size_t i = 0; i < mask.size(); ++i)
        if (line[i]) mask[i] = 0, ++removed;
    if (removed_pixels) *removed_pixels = std::move(line);
    return removed;
}

// 8-connected components of the mask: labels 1..n per pixel (0 = background), and their boxes.
std::vector<int> label(const std::vector<std::uint8_t>& mask, int w, int h, std::vector<InkComponent>& comps) {
    std::vector<int> parent(mask.size());
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](int a) {
        while (parent[static_cast<std::size_t>(a)] != a) a = parent[static_cast<std::size_t>(a)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(a)])];
        return a;
    };
    auto unite = [&](int a, int b) {
        a = find(a), b = find(b);
        if (a != b) parent[static_cast<std::size_t>(std::max(a, b))] = std::min(a, b);
    };
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int i = y * w + x;
            if (!mask[static_cast<std::size_t>(i)]) continue;
            if (x > 0 && mask[static_cast<std::size_t>(i - 1)]) unite(i, i - 1);
            if (y > 0) {
                for (int dx = -1; dx <= 1; ++dx) {
                    const int nx = x + dx;
                    if (nx >= 0 && nx < w && mask[static_cast<std::size_t>(i - w + dx)]) unite(i, i - w + dx);
                }
            }
        }
    std::vector<int> labels(mask.size(), 0), root_label(mask.size(), 0);
    comps.clear();
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int i = y * w + x;
            if (!mask[static_cast<std::size_t>(i)]) continue;
            const int r = find(i);
            int& l = root_label[static_cast<std::size_t>(r)];
            if (l == 0) {
                comps.push_back({x, y, x + 1, y + 1, 0});
                l = static_cast<int>(comps.size());
            }
            InkComponent& c = comps[static_cast<std::size_t>(l - 1)];
            c.x0 = std::min(c.x0, x), c.y0 = std::min(c.y0, y), c.x1 = std::max(c.x1, x + 1), c.y1 = std::max(c.y1, y + 1);
            ++c.area;
            labels[static_cast<std::size_t>(i)] = l;
        }
    return labels;
}

// Raises a photo's `background` (w x h, ink units; the square window's opening) to `rays` (the
// border rays of the picture reduced by `factor` to sw x sh, bilinear between its pixels) where
// those are higher: a shadow band narrower than the square window (which a thick digit widens)
// is taken out of the background by that window and would read as a stroke; a line along the band
// to the border keeps it.
void follow_rays(std::vector<float>& background, int w, int h, std::vector<float> rays, int sw, int sh, int factor, int window) {
    // Under a stroke the paper cannot be seen, and a ray from it into a band's darker middle
    // takes the band's level there: on a band's soft edge the strokes stand out of the rays as
    // ridges of their own width. An opening by half the square window (still a stroke's width and
    // more, and narrower than any band it missed) takes them out.
    const int half = std::max(3, window / (2 * factor)) | 1;
    open_square(rays, sw, sh, half);
    const std::size_t sn = rays.size();
    std::vector<float> level(sn), offset(sn);
    for (int j = 0; j < sh; ++j)
        for (int i = 0; i < sw; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * sw + i;
            const int x = std::min(w - 1, i * factor + factor / 2), y = std::min(h - 1, j * factor + factor / 2);
            level[k] = background[static_cast<std::size_t>(y) * w + x];
            offset[k] = rays[k] - level[k];
        }
    // The two see the sensor noise differently (the square window takes the minimum of 2 x 2
    // pixels first, the rays work on block means): on most of the page, plain paper, both are
    // right, so their median difference is that bias alone, and is taken off.
    const float bias = median(std::move(offset));
    for (std::size_t k = 0; k < sn; ++k) level[k] = std::max(level[k], rays[k] - bias);
    // Bilinear weights of each column, computed once.
    std::vector<int> col0(static_cast<std::size_t>(w)), col1(static_cast<std::size_t>(w));
    std::vector<float> colt(static_cast<std::size_t>(w));
    for (int x = 0; x < w; ++x) {
        const float fx = std::clamp((x + 0.5f) / factor - 0.5f, 0.0f, static_cast<float>(sw - 1));
        col0[static_cast<std::size_t>(x)] = static_cast<int>(fx);
        col1[static_cast<std::size_t>(x)] = std::min(sw - 1, col0[static_cast<std::size_t>(x)] + 1);
        colt[static_cast<std::size_t>(x)] = fx - static_cast<float>(col0[static_cast<std::size_t>(x)]);
    }
    for (int y = 0; y < h; ++y) {
        const float fy = std::clamp((y + 0.5f) / factor - 0.5f, 0.0f, static_cast<float>(sh - 1));
        const int j0 = static_cast<int>(fy), j1 = std::min(sh - 1, j0 + 1);
        const float ty = fy - j0;
        const float* r0 = level.data() + static_cast<std::size_t>(j0) * sw;
        const float* r1 = level.data() + static_cast<std::size_t>(j1) * sw;
        float* b = background.data() + static_cast<std::size_t>(y) * w;
        for (int x = 0; x < w; ++x) {
            const std::size_t i0 = static_cast<std::size_t>(col0[static_cast<std::size_t>(x)]), i1 = static_cast<std::size_t>(col1[static_cast<std::size_t>(x)]);
            const float tx = colt[static_cast<std::size_t>(x)];
            const float r = (1 - ty) * ((1 - tx) * r0[i0] + tx * r0[i1]) + ty * ((1 - tx) * r1[i0] + tx * r1[i1]);
            b[x] = std::max(b[x], r);
        }
    }
}

// Extends the owner labels by `radius` pixels onto neighbouring pixels with some ink (the blobs'
// soft rims), one 8-neighbour ring at a time.
void grow_owner(std::vector<int>& owner, const std::vector<float>& ink, int w, int h, int radius) {
    for (int step = 0; step < radius; ++step) {
        std::vector<int> next = owner;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const std::size_t i = static_cast<std::size_t>(y) * w + x;
                if (owner[i] || ink[i] <= 0.0f) continue;
                for (int dy = -1; dy <= 1 && !next[i]; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const int nx = x + dx, ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
                        const int o = owner[static_cast<std::size_t>(ny) * w + nx];
                        if (o) { next[i] = o; break; }
                    }
            }
        owner.swap(next);
    }
}

std::vector<float> border_ring(const std::vector<float>& v, int w, int h, int thickness) {
    std::vector<float> ring;
    for (int y = 0; y < h; ++y) {
        const bool full_row = y < thickness || y >= h - thickness;
        for (int x = 0; x < w; ++x)
            if (full_row || x < thickness || x >= w - thickness) ring.push_back(v[static_cast<std::size_t>(y) * w + x]);
    }
    return ring;
}

// A drawing's background is one flat level: the border has no noise and no broad area of the
// picture sits at a flat level between paper and ink (a shadow, shading, a tinted region). Mid
// tones in a drawing are only its anti-aliased rims, which are never flat over 5x5 (a 4x zoom of
// an MNIST image still is not).
bool is_flat_drawing(const std::vector<float>& v, int w, int h, float background, float sigma, float contrast) {
    if (sigma > 0.01f) return false;
    std::size_t flat_mid = 0;
    for (int y = 2; y + 2 < h; ++y)
        for (int x = 2; x + 2 < w; ++x) {
            const float p = v[static_cast<std::size_t>(y) * w + x];
            const float level = (p - background) / contrast;
            if (level < 0.1f || level > 0.85f) continue;
            float lo = p, hi = p;
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx) {
                    const float q = v[static_cast<std::size_t>(y + dy) * w + x + dx];
                    lo = std::min(lo, q), hi = std::max(hi, q);
                }
            flat_mid += hi - lo < 0.02f;
        }
    return static_cast<double>(flat_mid) <= 0.02 * static_cast<double>(w) * h;
}

// Whether a photo's ink is on the other side of its paper than `v` (ink units, ink high) says.
// The border's extremes that chose v's polarity are the page's shading as much as its ink (light
// ruling on dark paper in a vignetted corner outshines faint pencil there). Here each side's
// strength is how far a pixel stands out from its paper by two measures at once (the smaller of
// the two, in plain luminance): against a grey-level opening of that side (`opened`, `opened_other`:
// follows shading and a shadow's edge, but takes the strips of paper between dense ruling for
// narrow strokes of the other side, unless the caller raised it to what runs to the border) and against the median of its block, bilinear between the
// blocks (the paper is most of any block, whatever lines or strokes cross it, but a shadow's
// edge stands out on both sides of it). Ink stands out by both; lines by both, but less than a
// digit's ink. Each side is taken at its `strongest`-th strongest pixel: past the noise's few
// outliers, within any digit's strokes.
bool ink_is_the_other_side(const std::vector<float>& v, const std::vector<float>& opened, const std::vector<float>& opened_other, int w, int h,
                           int strongest) {
    // Blocks a quarter of the picture: in a photo cropped close to the digit, its strokes and the
    // paper inside its loops must still be a minority of every block (an eighth was too small).
    const int block = std::max(8, std::max(w, h) / 4);
    const int bw = (w + block - 1) / block, bh = (h + block - 1) / block;
    std::vector<float> paper(static_cast<std::size_t>(bw) * bh), cell;
    for (int j = 0; j < bh; ++j)
        for (int i = 0; i < bw; ++i) {
            cell.clear();
            for (int y = j * block; y < std::min(h, (j + 1) * block); ++y)
                for (int x = i * block; x < std::min(w, (i + 1) * block); ++x) cell.push_back(v[static_cast<std::size_t>(y) * w + x]);
            paper[static_cast<std::size_t>(j) * bw + i] = median(cell);
        }
    std::vector<float> up(v.size()), down(v.size());
    for (int y = 0; y < h; ++y) {
        const float fy = std::clamp((y + 0.5f) / block - 0.5f, 0.0f, static_cast<float>(bh - 1));
        const int j0 = static_cast<int>(fy), j1 = std::min(bh - 1, j0 + 1);
        const float ty = fy - j0;
        for (int x = 0; x < w; ++x) {
            const float fx = std::clamp((x + 0.5f) / block - 0.5f, 0.0f, static_cast<float>(bw - 1));
            const int i0 = static_cast<int>(fx), i1 = std::min(bw - 1, i0 + 1);
            const float tx = fx - i0;
            auto at = [&](int j, int i) { return paper[static_cast<std::size_t>(j) * bw + i]; };
            const float p = (1 - ty) * ((1 - tx) * at(j0, i0) + tx * at(j0, i1)) + ty * ((1 - tx) * at(j1, i0) + tx * at(j1, i1));
            const std::size_t k = static_cast<std::size_t>(y) * w + x;
            const float d = v[k] - p;
            up[k] = std::max(0.0f, std::min(d, v[k] - opened[k]));
            down[k] = std::max(0.0f, std::min(-d, (1.0f - v[k]) - opened_other[k]));
        }
    }
    const double q = 1.0 - strongest / static_cast<double>(std::max<std::size_t>(v.size(), 2 * static_cast<std::size_t>(strongest)));
    return quantile01(down, q) > quantile01(up, q);
}

}  // namespace

InkMap find_ink(const GrayImage& input, const PreprocessOptions& options) {
    if (input.width < 0 || input.height < 0 ||
        input.pixels.size() != static_cast<std::size_t>(input.width) * static_cast<std::size_t>(input.height))
        throw std::invalid_argument("preprocess_digit: " + std::to_string(input.width) + "x" +
                                    std::to_string(input.height) + " image holds " +
                                    std::to_string(input.pixels.size()) + " pixels");
    InkMap m;
    if (input.width == 0 || input.height == 0) return m;
    m.scale = std::max(1, (std::max(input.width, input.height) + kWorkSide - 1) / kWorkSide);
    m.working = reduce(input, m.scale);
    const int w = m.working.width, h = m.working.height;
    m.width = w, m.height = h;
    const std::size_t n = m.working.pixels.size();
    const std::vector<float>& px = m.working.pixels;

    // Background and polarity as for a drawing: the median of the border ring; the ink is
    // whichever extreme lies further from it.
    const int ring_thickness = std::max(1, std::min(w, h) / 32);
    const std::vector<float> ring = border_ring(px, w, h, ring_thickness);
    const float background_raw = median(ring);
    float lo = 1.0f, hi = 0.0f;
    for (float v : px) lo = std::min(lo, v), hi = std::max(hi, v);
    bool invert = false;
    switch (options.polarity) {
    case Polarity::Auto: invert = background_raw - lo > hi - background_raw; break;
    case Polarity::DarkOnLight: invert = true; break;
    case Polarity::LightOnDark: invert = false; break;
    }
    m.inverted = invert;
    std::vector<float> v(n);  // ink units: 0 = the darkest paper could be, 1 = full ink
    for (std::size_t i = 0; i < n; ++i) v[i] = invert ? 1.0f - px[i] : px[i];
    const float background = invert ? 1.0f - background_raw : background_raw;
    const float contrast = (invert ? 1.0f - lo : hi) - background;
    if (contrast < kMinContrast) return m;
    std::vector<float> deviation(ring.size());
    for (std::size_t i = 0; i < ring.size(); ++i) deviation[i] = std::abs(ring[i] - background_raw);
    const float sigma = 1.4826f * median(std::move(deviation));

    m.corrected.assign(n, 0.0f);
    const int max_side = std::max(w, h);
    const int line_thickness = std::max(3, max_side / 160);
    bool flat = options.drawing || is_flat_drawing(v, w, h, background, sigma, contrast);
    if (flat && !options.drawing && max_side >= kMinLineSide) {
        // No noise and no flat mid-tones, but maybe a shadow or shading without noise: what
        // stands wider than a fifth of the picture (wider than any stroke) must be either the
        // border's level or full-strength ink (a big solid shape), not a shade between; and a
        // faint picture (under 0.6 contrast) has no big shapes at all.
        const std::vector<float> wide = opening(v, w, h, std::max(7, max_side / 5) | 1);
        std::size_t off = 0;
        for (float x : wide) {
            const float level = (x - background) / contrast;
            off += level > 0.25f && (level < 0.7f || contrast < 0.6f);
        }
        flat = static_cast<double>(off) <= 0.01 * static_cast<double>(n);
    }
    if (flat) {
        // (a) A drawing: ink against the one background level, less the border's noise floor
        // (3 sigma), so grey-on-grey gives full-strength ink. Exactly the pre-photo pipeline.
        const float noise_floor = 3.0f * sigma / contrast;
        if (noise_floor > kMaxNoiseFloor) return m;
        for (std::size_t i = 0; i < n; ++i)
            m.corrected[i] = std::clamp(((v[i] - background) / contrast - noise_floor) / (1.0f - noise_floor), 0.0f, 1.0f);
        m.ink = m.corrected;
        m.mask.assign(n, 0);
        for (std::size_t i = 0; i < n; ++i) m.mask[i] = m.corrected[i] >= kCleanMaskThreshold;
        if (max_side >= kMinLineSide) m.lines_removed = remove_lines(m.mask, w, h, line_thickness);
        std::vector<InkComponent> comps;
        m.owner = label(m.mask, w, h, comps);
        m.components = std::move(comps);
        grow_owner(m.owner, m.ink, w, h, 2);
        // Only when lines were taken out is the ink limited to the blobs (their rims included):
        // otherwise the drawing's ink is used as it is, faint strokes and all.
        if (m.lines_removed > 0)
            for (std::size_t i = 0; i < n; ++i)
                if (!m.owner[i]) m.ink[i] = 0.0f;
        bool any = false;
        for (float x : m.ink) any = any || x > 0.0f;
        m.empty = !any;
        return m;
    }

    // (b) A photo. 0. Sensor noise: a [1 2 1] x [1 2 1] blur (noise sigma / 2.7; a stroke's
    // rim softens by less than a pixel, which the 28x28 result does not see).
    m.photo = true;
    smooth_121(v, w, h);
    // 1. Lighting. A first opening with a moderate window (1/16 of the picture) takes out the
    // shading; the strokes' width in what stands out of it sets the final window: wide enough that
    // no stroke survives into the background, no wider (a wide window follows shading less well).
    const int rough_window = std::max(7, max_side / 16) | 1;
    if (options.polarity == Polarity::Auto) {
        // Decided at half resolution (a quarter of the cost; strokes and their contrast survive,
        // thin lines lose some of theirs), counting the 25 strongest half-resolution pixels: the
        // 100 of the working image. In log luminance: light multiplies, so a stroke's contrast
        // there is the same in a shadow as in full light (in plain luminance faint pencil inside a
        // shadow band stood out less than light ruling outside it, and the ruling won).
        GrayImage half = reduce(GrayImage{w, h, v}, 2);
        constexpr float kDark = 0.05f;  // luminance added before the log: noise in black stays small
        const float unit = 1.0f / std::log((1.0f + kDark) / kDark);  // log contrasts within [0, 1]
        for (float& x : half.pixels) {
            const float lum_log = unit * std::log((invert ? 1.0f - x : x) + kDark);
            x = invert ? -lum_log : lum_log;  // ink units, ink high
        }
        std::vector<float> flipped(half.pixels.size());
        for (std::size_t i = 0; i < flipped.size(); ++i) flipped[i] = 1.0f - half.pixels[i];
        const int half_window = std::max(7, rough_window / 2) | 1;
        const std::vector<float> opened = opening(half.pixels, half.width, half.height, half_window);
        std::vector<float> opened_other = opening(flipped, half.width, half.height, half_window);
        // To overturn the border's verdict, the other side's ink must end on the page: its paper
        // also follows what runs straight to the border on that side, as the lighting below does
        // on the ink side. The paper beside a shadow band runs to the border (it stood far above
        // its block's median), as do the strips of paper between ruling lines (which the square
        // window takes out); a stroke of light ink does not. At about 160 px on the longer side,
        // with the ink side's thin lines (ruling) taken out first by a 3 x 3 opening: they would
        // cut the strips' rays. Only this side: a dark stroke touching a dark band would lose its
        // contrast to rays along the band, and keeping the verdict needs no such proof.
        const int pf = std::max(1, std::max(half.width, half.height) / 160);
        const GrayImage small = reduce(half, pf);
        std::vector<float> paper_other = open3(small.pixels, small.width, small.height);
        for (float& x : paper_other) x = 1.0f - x;
        follow_rays(opened_other, half.width, half.height, border_rays(paper_other, small.width, small.height, 24), small.width,
                    small.height, pf, half_window);
        if (ink_is_the_other_side(half.pixels, opened, opened_other, half.width, half.height, 25)) {
            for (float& x : v) x = 1.0f - x;
            invert = !invert;
            m.inverted = invert;
        }
    }
    // What runs straight to the border (a shadow band, the page's edge), at about 160 px on the
    // longer side (block means: the sensor noise averaged out). Ruling runs to the border too, and
    // strokes would fade where lines cross them: a 3 x 3 opening takes it out first (3 reduced
    // pixels are wider than a line). 24 lines: a ray along a band drifts by at most 3.75 degrees.
    const int ray_factor = std::max(1, max_side / 160);
    const GrayImage reduced = reduce(GrayImage{w, h, v}, ray_factor);
    const std::vector<float> rays = border_rays(open3(reduced.pixels, reduced.width, reduced.height), reduced.width, reduced.height, 24);
    auto lighting = [&](int win) {
        std::vector<float> bg = opening(v, w, h, win);
        follow_rays(bg, w, h, rays, reduced.width, reduced.height, ray_factor, win);
        return bg;
    };
    const std::vector<float> b0 = lighting(rough_window);
    std::vector<float> r0(n);
    for (std::size_t i = 0; i < n; ++i) r0[i] = std::max(0.0f, (v[i] - b0[i]) / std::max(1e-3f, 1.0f - b0[i]));
    const float rough_peak = quantile01(r0, 0.999);
    if (rough_peak < kMinPhotoContrast) return m;
    std::vector<std::uint8_t> rough(n);
    for (std::size_t i = 0; i < n; ++i) rough[i] = r0[i] >= 0.5f * rough_peak;
    const std::vector<int> rh = run_lengths(rough, w, h, true), rv = run_lengths(rough, w, h, false);
    std::vector<float> widths;
    for (std::size_t i = 0; i < n; ++i) {
        // Ruling is as dark as pencil and covers more of the page than a digit: its pixels (thin,
        // and a long run along the line) would make every stroke look a line's width, and the
        // window too narrow to take a broad pencil stroke out of the background.
        const int across = std::min(rh[i], rv[i]), along = std::max(rh[i], rv[i]);
        if (rough[i] && along < 12 * across) widths.push_back(static_cast<float>(across));
    }
    // The typical stroke: the median of each inked pixel's shorter run (a higher percentile
    // would let a shadow band's edges, which a faint digit's rough pass takes in, set the window).
    const float stroke = widths.empty() ? 3.0f : quantile(widths, 0.5);
    int window = static_cast<int>(std::lround(2.5f * stroke)) + 3;
    window = std::clamp(window, std::max(7, max_side / 40), std::max(7, max_side / 4)) | 1;
    const std::vector<float> b = lighting(window);
    std::vector<float> c(n);
    for (std::size_t i = 0; i < n; ++i) c[i] = std::max(0.0f, (v[i] - b[i]) / std::max(1e-3f, 1.0f - b[i]));

    // Noise floor from the paper (most pixels), the peak from the strongest ink (the 16th
    // largest value, so a few hot pixels do not set it).
    const float floor_median = quantile01(c, 0.5);
    std::vector<float> dev(n);
    for (std::size_t i = 0; i < n; ++i) dev[i] = std::abs(c[i] - floor_median);
    const float sigma_c = 1.4826f * quantile01(dev, 0.5);
    const float floor = floor_median + 3.0f * sigma_c;
    const float peak = quantile01(c, 1.0 - 16.0 / static_cast<double>(n));
    if (std::getenv("DIGIT_INK_DEBUG"))
        std::fprintf(stderr, "invert %d rough peak %.3f stroke %.1f window %d floor %.3f peak %.3f\n", int(invert), rough_peak, stroke, window, floor, peak);
    // Ink is at least 6 sigma of the paper's noise above the paper (the strongest of a page's
    // worth of pure noise is about 4.5 sigma), and some absolute contrast.
    if (peak - floor_median < std::max(6.0f * sigma_c, kMinPhotoContrast)) return m;
    for (std::size_t i = 0; i < n; ++i) m.corrected[i] = std::clamp((c[i] - floor) / (peak - floor), 0.0f, 1.0f);

    // 2. Ink mask: Otsu on the pixels with some ink, kept between a quarter and 0.6 of the peak.
    std::vector<float> inked;
    for (float x : m.corrected)
        if (x > 0.0f) inked.push_back(x);
    const float threshold = std::clamp(otsu(inked), 0.25f, 0.6f);
    m.mask.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) m.mask[i] = m.corrected[i] >= threshold;

    // 3. Lines out, and their faint rims with them (so no rim of a line is taken in as a digit's).
    std::vector<float> source = m.corrected;
    if (max_side >= kMinLineSide) {
        // Lines are looked for at half the threshold, where a faint line is still whole (at the
        // threshold only its darker stretches are, too short to be told from strokes); what they
        // cover leaves the mask.
        std::vector<std::uint8_t> low(n), line;
        for (std::size_t i = 0; i < n; ++i) low[i] = m.corrected[i] >= 0.5f * threshold;
        m.lines_removed = remove_lines(low, w, h, line_thickness, &line);
        for (std::size_t i = 0; i < n; ++i)
            if (line[i]) m.mask[i] = 0;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const std::size_t i = static_cast<std::size_t>(y) * w + x;
                const bool near_line = line[i] || (y > 0 && line[i - w]) || (y + 1 < h && line[i + w]) ||
                                       (x > 0 && line[i - 1]) || (x + 1 < w && line[i + 1]);
                if (near_line && !m.mask[i]) source[i] = 0.0f;
            }
    }

    // 4. Blobs: drop specks, line fragments, the page's edge and faint blobs.
    std::vector<InkComponent> comps;
    std::vector<int> labels = label(m.mask, w, h, comps);
    std::vector<float> strongest(comps.size(), 0.0f);
    // On a ruled page, what is left of the lines (crossings, short stubs, pieces the light broke
    // off) is made of thin pixels only: count each blob's pixels thin across both directions.
    std::vector<int> thin(comps.size(), 0);
    if (m.lines_removed > 0) {
        const std::vector<int> hr = run_lengths(m.mask, w, h, true), vr = run_lengths(m.mask, w, h, false);
        for (std::size_t i = 0; i < n; ++i)
            if (labels[i] && std::min(hr[i], vr[i]) <= line_thickness) ++thin[static_cast<std::size_t>(labels[i] - 1)];
    }
    for (std::size_t i = 0; i < n; ++i)
        if (labels[i]) strongest[static_cast<std::size_t>(labels[i] - 1)] = std::max(strongest[static_cast<std::size_t>(labels[i] - 1)], m.corrected[i]);
    int largest = 0;
    for (const InkComponent& cc : comps) largest = std::max(largest, cc.area);
    // Specks: tiny for the picture, or next to nothing beside the largest blob (dust, where two
    // ruling lines cross).
    const int min_area = std::max({4, static_cast<int>(2e-5 * static_cast<double>(n)), largest / 100});
    std::vector<int> keep(comps.size() + 1, 0);
    for (std::size_t j = 0; j < comps.size(); ++j) {
        const InkComponent& cc = comps[j];
        const bool speck = cc.area < min_area;
        const bool touches = cc.x0 == 0 || cc.y0 == 0 || cc.x1 == w || cc.y1 == h;
        const bool page_edge = touches && (cc.width() * 2 >= w || cc.height() * 2 >= h);
        const double thickness = static_cast<double>(cc.area) / std::max(cc.width(), cc.height());
        const bool fragment = thickness <= line_thickness &&
                              ((cc.width() >= 8 * cc.height() && cc.width() * 5 >= w) ||
                               (cc.height() >= 8 * cc.width() && cc.height() * 5 >= h));
        const bool faint = strongest[j] < 0.35f;
        // Slivers (at most 1.5 px thick on average: the rim of a shadow or of the page, a
        // line's remains) are never a pen's stroke; nor is a thin fragment of a line at the border.
        const bool sliver = thickness <= 1.5 ||
                            (touches && thickness <= line_thickness && (cc.width() >= 4 * cc.height() || cc.height() >= 4 * cc.width()));
        const bool line_rest = m.lines_removed > 0 && thin[j] * 100 >= 85 * cc.area;
        if (!(speck || page_edge || fragment || faint || sliver || line_rest)) {
            m.components.push_back(cc);
            keep[j + 1] = static_cast<int>(m.components.size());
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        labels[i] = keep[static_cast<std::size_t>(labels[i])];
        m.mask[i] = labels[i] != 0;
    }
    // 5. Soft edges: the corrected ink on the kept blobs and their rims only.
    m.owner = std::move(labels);
    grow_owner(m.owner, source, w, h, std::max(2, max_side / 400));
    m.ink.assign(n, 0.0f);
    for (std::size_t i = 0; i < n; ++i)
        if (m.owner[i]) m.ink[i] = source[i];
    m.empty = m.components.empty();
    return m;
}

}  // namespace digit
