#include "segment.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>

namespace digit {

namespace {

constexpr double kOverlap = 0.5;     // of the narrower blob's width: one digit
constexpr double kTouchGap = 0.05;   // of the tallest digit's height: one digit
constexpr double kPiece = 0.4;       // lower than this share of the tallest: a piece, not a digit
constexpr double kWide = 1.75;       // wider than this times the height: touching digits
constexpr double kDigitAspect = 0.7; // a digit's typical width / height, to count touching digits
constexpr float kSureWhole = 0.9f;      // a blob up to kWide read this surely stays one digit
constexpr double kSurePart = 0.995;     // ... and is otherwise cut only into parts read more surely
constexpr double kSureWidePart = 0.9;   // a wider blob: only into parts read more surely than this

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

// The columns of a group's own ink (its kept blobs, not their rims), from g.x0.
std::vector<double> ink_columns(const InkMap& m, const Group& g) {
    std::vector<double> column(static_cast<std::size_t>(g.width()), 0.0);
    for (int y = g.y0; y < g.y1; ++y)
        for (int x = g.x0; x < g.x1; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * m.width + x;
            const int o = m.owner[i];
            if (o && m.mask[i] && std::find(g.members.begin(), g.members.end(), o) != g.members.end())
                column[static_cast<std::size_t>(x - g.x0)] += m.ink[i];
        }
    return column;
}

// How many digits side by side a group this wide holds, at a digit's typical width.
int digits_across(const Group& g) {
    return std::max(2, static_cast<int>(std::lround(g.width() / (kDigitAspect * g.height()))));
}

// Columns at which to cut a group of touching digits: the least ink within a tenth of a digit's
// width of each even cut (not further: the middle of a 0 has less ink than where two 0s touch).
std::vector<int> cuts(const InkMap& m, const Group& g, int parts) {
    const std::vector<double> column = ink_columns(m, g);
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

// Touching digits, cut where the reader agrees. The candidate cuts are the columns where the ink
// profile (smoothed over a twentieth of the height) has a local minimum (the middle of a flat
// one), at most kMaxCuts of the lowest, and `also`. Every stretch between two candidates that
// could be a digit (kMinPart to kMaxPart of the height wide) is read; the cuts kept are those
// whose parts the reader is surest of together, the largest sum of log(confidence), by dynamic
// programming over the candidates (ties go to the cuts through less ink). A part the model calls
// "not a digit" has confidence 0, so half a digit or two digits in one part rarely wins. With
// `sure_part` > 0, parts read at most that surely are not taken; `whole_allowed`: the uncut group
// is one of the answers. Returns the columns [x0, ..., x1] of the parts, {x0, x1} for no cut (or
// when no way to cut reads as digits).
constexpr int kMaxCuts = 16;
constexpr double kMinPart = 0.15, kMaxPart = 1.3;

std::vector<int> reader_cuts(const InkMap& m, const Group& g, const std::function<float(int, int)>& read, double sure_part, bool whole_allowed, const std::vector<int>& also) {
    const int w = g.width(), h = g.height();
    const std::vector<double> column = ink_columns(m, g);
    const int r = std::max(1, h / 20);
    std::vector<double> smooth(column.size(), 0.0);
    for (int x = 0; x < w; ++x) {
        double sum = 0;
        int n = 0;
        for (int k = std::max(0, x - r); k <= std::min(w - 1, x + r); ++k) sum += column[static_cast<std::size_t>(k)], ++n;
        smooth[static_cast<std::size_t>(x)] = sum / n;
    }
    const double most = std::max(1e-9, *std::max_element(smooth.begin(), smooth.end()));
    const int min_part = std::max(2, static_cast<int>(kMinPart * h));
    std::vector<int> cand;
    for (int x = min_part; x <= w - min_part;) {
        // A minimum may be a plateau (a thin join between two digits): its middle is the cut.
        const double v = smooth[static_cast<std::size_t>(x)];
        int e = x;
        while (e + 1 < w && smooth[static_cast<std::size_t>(e) + 1] == v) ++e;
        bool minimum = true;
        for (int k = std::max(0, x - r); k <= std::min(w - 1, e + r) && minimum; ++k)
            if (smooth[static_cast<std::size_t>(k)] < v) minimum = false;
        if (minimum && (x + e) / 2 <= w - min_part) cand.push_back((x + e) / 2);
        x = e + 1;
    }
    if (cand.size() > static_cast<std::size_t>(kMaxCuts)) {
        std::sort(cand.begin(), cand.end(), [&](int a, int b) { return smooth[static_cast<std::size_t>(a)] < smooth[static_cast<std::size_t>(b)]; });
        cand.resize(kMaxCuts);
    }
    for (int x : also)
        if (x > g.x0 && x < g.x1) cand.push_back(x - g.x0);
    std::sort(cand.begin(), cand.end());
    cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
    std::vector<int> at{0};
    at.insert(at.end(), cand.begin(), cand.end());
    at.push_back(w);
    const std::size_t n = at.size();
    const double none = -1e300;
    std::vector<double> best(n, none);
    std::vector<std::size_t> from(n, 0);
    best[0] = 0;
    for (std::size_t j = 1; j < n; ++j)
        for (std::size_t i = 0; i < j; ++i) {
            if (best[i] == none) continue;
            const int part = at[j] - at[i];
            if (i == 0 && j == n - 1) {
                if (!whole_allowed) continue;
            } else if (part < min_part || part > kMaxPart * h) {
                continue;
            }
            const double c = static_cast<double>(read(g.x0 + at[i], g.x0 + at[j]));
            if ((i > 0 || j < n - 1) && sure_part > 0 && c <= sure_part) continue;
            // Among equally sure readings, the one cutting through less ink.
            const double through = i > 0 ? 1e-3 * smooth[static_cast<std::size_t>(at[i])] / most : 0.0;
            const double score = best[i] + std::log(std::max(1e-6, c)) - through;
            if (score > best[j]) best[j] = score, from[j] = i;
        }
    if (best[n - 1] == none) return {g.x0, g.x1};
    std::vector<int> cuts{g.x1};
    for (std::size_t j = n - 1; j > 0; j = from[j]) cuts.push_back(g.x0 + at[from[j]]);
    std::reverse(cuts.begin(), cuts.end());
    return cuts;
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
        const bool wide = g.width() > kWide * g.height();
        if (confidence && g.width() > g.height() && g.height() >= 12) {
            // Touching digits, cut where the reader is sure of the parts. A blob up to 1.75 times
            // wider than high stays whole when it reads as a digit with 0.9 or more (a wide 0 or 2
            // must not fall apart) and is cut only into parts each read with over 0.995; a wider
            // one into parts read with over 0.9, else evenly as without a reader. (Looser, a
            // letter, scribble or shape falls apart into "digits" three times as often.)
            // Each stretch read once (the whole is read for the check below and again by the search).
            std::map<std::pair<int, int>, float> seen;
            auto read = [&](int xa, int xb) {
                const auto [it, fresh] = seen.try_emplace({xa, xb}, 0.0f);
                if (fresh) {
                    Cutout c = cut_out(m, g, xa, xb);
                    const PreprocessResult p = digit_from_ink(std::move(c.ink), c.w, c.h, options);
                    it->second = p.empty ? 0.0f : confidence(p.image);
                }
                return it->second;
            };
            std::vector<int> at{g.x0, g.x1};
            if (wide || read(g.x0, g.x1) < kSureWhole) {
                std::vector<int> also = cuts(m, g, 2);
                if (wide) {
                    const std::vector<int> even = cuts(m, g, digits_across(g));
                    also.insert(also.end(), even.begin() + 1, even.end() - 1);
                }
                at = reader_cuts(m, g, read, wide ? kSureWidePart : kSurePart, !wide, {also.begin() + 1, also.end() - 1});
            }
            if (at.size() > 2 || !wide) {
                for (std::size_t k = 0; k + 1 < at.size(); ++k) parts.push_back({gi, at[k], at[k + 1], at.size() > 2});
                continue;
            }
        }
        // Without a reader (or when no cut of a wide blob reads as digits): even cuts.
        const int n = wide && g.height() >= 12 ? digits_across(g) : 1;
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
