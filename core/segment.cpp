#include "segment.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace digit {

namespace {

constexpr double kOverlap = 0.5;     // of the narrower blob's width: one digit
constexpr double kTouchGap = 0.05;   // of the tallest digit's height: one digit
constexpr double kPiece = 0.4;       // lower than this share of the tallest: a piece, not a digit
constexpr double kWide = 1.75;       // wider than this times the height: touching digits
constexpr double kDigitAspect = 0.7; // a digit's typical width / height, to count touching digits

struct Group {
    int x0, y0, x1, y1;
    int area;
    std::vector<int> members;  // 1-based component ids (InkMap::owner values)
    int width() const { return x1 - x0; }
    int height() const { return y1 - y0; }
    void absorb(const Group& o) {
        x0 = std::min(x0, o.x0), y0 = std::min(y0, o.y0), x1 = std::max(x1, o.x1), y1 = std::max(y1, o.y1);
        area += o.area;
        members.insert(members.end(), o.members.begin(), o.members.end());
    }
};

int horizontal_gap(const Group& a, const Group& b) { return std::max(a.x0, b.x0) - std::min(a.x1, b.x1); }

std::vector<Group> group_components(const InkMap& m) {
    std::vector<Group> groups;
    for (std::size_t j = 0; j < m.components.size(); ++j) {
        const InkComponent& c = m.components[j];
        groups.push_back({c.x0, c.y0, c.x1, c.y1, c.area, {static_cast<int>(j) + 1}});
    }
    auto tallest = [&] {
        int t = 1;
        for (const Group& g : groups) t = std::max(t, g.height());
        return t;
    };
    // Overlapping or touching blobs: one digit.
    for (bool merged = true; merged;) {
        merged = false;
        const int tall = tallest();
        for (std::size_t i = 0; i < groups.size() && !merged; ++i)
            for (std::size_t j = i + 1; j < groups.size() && !merged; ++j) {
                const int gap = horizontal_gap(groups[i], groups[j]);
                const int narrower = std::min(groups[i].width(), groups[j].width());
                if (-gap >= kOverlap * narrower || gap <= kTouchGap * tall) {
                    groups[i].absorb(groups[j]);
                    groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(j));
                    merged = true;
                }
            }
    }
    // Pieces join their nearest digit or go. A piece: under 40% of the tallest digit's height,
    // or under a tenth of it wide (a sliver of a stroke; a 1 is wider), or under 8% of the
    // largest digit's ink (a 1 has about a fifth of an 8's).
    auto is_piece = [&](const Group& g, int tall, int most) {
        return g.height() < kPiece * tall || g.width() * 10 < tall || g.area * 100 < 8 * most;
    };
    for (bool changed = true; changed;) {
        changed = false;
        const int tall = tallest();
        int most = 0;
        for (const Group& g : groups) most = std::max(most, g.area);
        for (std::size_t i = 0; i < groups.size() && !changed; ++i) {
            if (!is_piece(groups[i], tall, most)) continue;
            std::size_t nearest = groups.size();
            int best = 0;
            for (std::size_t j = 0; j < groups.size(); ++j) {
                if (j == i || is_piece(groups[j], tall, most)) continue;
                const int vertical = std::max(groups[i].y0, groups[j].y0) - std::min(groups[i].y1, groups[j].y1);
                const int gap = std::max({0, horizontal_gap(groups[i], groups[j]), vertical});
                if (nearest == groups.size() || gap < best) nearest = j, best = gap;
            }
            if (nearest != groups.size() && best <= 0.5 * tall) groups[nearest].absorb(groups[i]);
            groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(i));
            changed = true;
        }
    }
    // Too small or too flat to be a digit: a dash, a line's remains (a digit is at least 6 px
    // high, and no wider than four digits side by side unless it is at least a fifth that high).
    std::erase_if(groups, [](const Group& g) { return g.height() < 6 || g.width() > 20 * g.height(); });
    std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.x0 < b.x0; });
    return groups;
}

// The group's own ink (its blobs and their rims) in columns [xa, xb), cut out with a margin.
struct Cutout {
    std::vector<float> ink;
    int x0, y0, w, h;
};

Cutout cut_out(const InkMap& m, const Group& g, int xa, int xb) {
    const int margin = 3;
    Cutout c;
    c.x0 = std::max(0, xa - margin), c.y0 = std::max(0, g.y0 - margin);
    const int x1 = std::min(m.width, xb + margin), y1 = std::min(m.height, g.y1 + margin);
    c.w = x1 - c.x0, c.h = y1 - c.y0;
    c.ink.assign(static_cast<std::size_t>(c.w) * c.h, 0.0f);
    for (int y = c.y0; y < y1; ++y)
        for (int x = std::max(c.x0, xa - 2); x < std::min(x1, xb + 2); ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * m.width + x;
            const int o = m.owner[i];
            if (!o || std::find(g.members.begin(), g.members.end(), o) == g.members.end()) continue;
            // Rims cross a cut only if they are not the neighbour's.
            if ((x < xa || x >= xb) && m.mask[i]) continue;
            c.ink[static_cast<std::size_t>(y - c.y0) * c.w + (x - c.x0)] = m.ink[i];
        }
    return c;
}

// Columns at which to cut a group of touching digits: the least ink within a tenth of a digit's
// width of each even cut (not further: the middle of a 0 has less ink than where two 0s touch).
std::vector<int> cuts(const InkMap& m, const Group& g, int parts) {
    std::vector<double> column(static_cast<std::size_t>(g.width()), 0.0);
    for (int y = g.y0; y < g.y1; ++y)
        for (int x = g.x0; x < g.x1; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * m.width + x;
            const int o = m.owner[i];
            if (o && m.mask[i] && std::find(g.members.begin(), g.members.end(), o) != g.members.end())
                column[static_cast<std::size_t>(x - g.x0)] += m.ink[i];
        }
    std::vector<int> at{g.x0};
    const double part = static_cast<double>(g.width()) / parts;
    for (int k = 1; k < parts; ++k) {
        const int centre = static_cast<int>(std::lround(k * part));
        const int reach = std::max(1, static_cast<int>(0.1 * part));
        int best = centre;
        for (int x = std::max(1, centre - reach); x <= std::min(g.width() - 1, centre + reach); ++x)
            if (column[static_cast<std::size_t>(x)] < column[static_cast<std::size_t>(best)]) best = x;
        at.push_back(g.x0 + best);
    }
    at.push_back(g.x1);
    return at;
}

DigitBox to_input(const InkMap& m, int x0, int y0, int x1, int y1, const GrayImage& input) {
    DigitBox b;
    b.x = std::min(input.width, x0 * m.scale);
    b.y = std::min(input.height, y0 * m.scale);
    b.width = std::min(input.width, x1 * m.scale) - b.x;
    b.height = std::min(input.height, y1 * m.scale) - b.y;
    return b;
}

}  // namespace

Reading read_digits(const GrayImage& input, const PreprocessOptions& options, const DigitConfidence& confidence) {
    Reading r;
    r.ink = find_ink(input, options);
    const InkMap& m = r.ink;
    if (m.empty) {
        // Still checks the options as preprocess_digit does.
        (void)digit_from_ink({}, 0, 0, options);
        return r;
    }
    std::vector<Group> groups = group_components(m);

    // Where each group is cut: [x0, x1) per part.
    struct Part { std::size_t group; int xa, xb; bool split; };
    std::vector<Part> parts;
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        const Group& g = groups[gi];
        int n = 1;
        if (g.width() > kWide * g.height() && g.height() >= 12)
            n = std::max(2, static_cast<int>(std::lround(g.width() / (kDigitAspect * g.height()))));
        if (n == 1 && confidence && g.width() > g.height() && g.height() >= 12) {
            // Maybe two touching digits: cut in two if the reader is unsure of the whole and sure of
            // both halves (stricter than "surer": a wide 0 or 2 must not fall apart).
            auto read = [&](int xa, int xb) {
                Cutout c = cut_out(m, g, xa, xb);
                const PreprocessResult p = digit_from_ink(std::move(c.ink), c.w, c.h, options);
                return p.empty ? 0.0f : confidence(p.image);
            };
            const std::vector<int> at = cuts(m, g, 2);
            const float whole = read(g.x0, g.x1), left = read(at[0], at[1]), right = read(at[1], at[2]);
            if (whole < 0.9f && std::min(left, right) > 0.95f) n = 2;
        }
        if (n == 1) {
            parts.push_back({gi, g.x0, g.x1, false});
            continue;
        }
        const std::vector<int> at = cuts(m, g, n);
        for (int k = 0; k < n; ++k) parts.push_back({gi, at[static_cast<std::size_t>(k)], at[static_cast<std::size_t>(k) + 1], true});
    }

    if (parts.size() <= 1 && !m.photo) {
        // One digit in a drawing: the whole ink map, as preprocess_digit reads it.
        SegmentedDigit d;
        d.input = digit_from_ink(m.ink, m.width, m.height, options, &d.steps);
        d.input.inverted = m.inverted;
        if (d.input.empty) return r;
        int x0 = m.width, y0 = m.height, x1 = 0, y1 = 0;
        for (int y = 0; y < m.height; ++y)
            for (int x = 0; x < m.width; ++x)
                if (m.ink[static_cast<std::size_t>(y) * m.width + x] >= 0.15f)
                    x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x + 1), y1 = std::max(y1, y + 1);
        if (x1 <= x0) x0 = y0 = 0, x1 = m.width, y1 = m.height;
        d.box = to_input(m, x0, y0, x1, y1, input);
        r.digits.push_back(std::move(d));
        return r;
    }
    for (const Part& p : parts) {
        const Group& g = groups[p.group];
        Cutout c = cut_out(m, g, p.xa, p.xb);
        SegmentedDigit d;
        d.split = p.split;
        d.input = digit_from_ink(std::move(c.ink), c.w, c.h, options, &d.steps);
        d.input.inverted = m.inverted;
        if (d.input.empty) continue;
        // The box: the part's ink rows within its columns.
        int y0 = g.y1, y1 = g.y0;
        for (int y = g.y0; y < g.y1; ++y)
            for (int x = p.xa; x < p.xb; ++x) {
                const std::size_t i = static_cast<std::size_t>(y) * m.width + x;
                const int o = m.owner[i];
                if (m.mask[i] && std::find(g.members.begin(), g.members.end(), o) != g.members.end())
                    y0 = std::min(y0, y), y1 = std::max(y1, y + 1);
            }
        if (y1 <= y0) y0 = g.y0, y1 = g.y1;
        d.box = to_input(m, p.xa, y0, p.xb, y1, input);
        r.digits.push_back(std::move(d));
    }
    return r;
}

}  // namespace digit
