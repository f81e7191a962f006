#include "not_a_digit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace digit {

namespace {

constexpr int kCanvas = 64;
constexpr float kPi = 3.14159265358979f;

struct Pt {
    float x = 0, y = 0;
};
using Polyline = std::vector<Pt>;

// ---- The stroke alphabet ------------------------------------------------------------------------
// Each glyph is a little path language in a box about 1 unit high (y down; lower-case letters
// from 0.45 to 1, descenders to 1.4): "M x y" starts a stroke, "L x y" draws a line, and
// "A cx cy rx ry a0 a1" an elliptic arc from angle a0 to a1 in degrees (0 = +x, 90 = +y, down).
struct Glyph {
    char name;
    const char* path;
};

constexpr Glyph kGlyphs[] = {
    {'A', "M 0 1 L 0.5 0 L 1 1 M 0.22 0.6 L 0.78 0.6"},
    {'C', "A 0.5 0.5 0.5 0.5 -40 -320"},
    {'E', "M 0.85 0 L 0 0 L 0 1 L 0.85 1 M 0 0.5 L 0.65 0.5"},
    {'F', "M 0.85 0 L 0 0 L 0 1 M 0 0.5 L 0.65 0.5"},
    {'H', "M 0 0 L 0 1 M 0.8 0 L 0.8 1 M 0 0.5 L 0.8 0.5"},
    {'J', "M 0.3 0 L 0.9 0 M 0.7 0 L 0.7 0.7 A 0.4 0.7 0.3 0.3 0 170"},
    {'K', "M 0 0 L 0 1 M 0.8 0 L 0 0.55 M 0.25 0.4 L 0.85 1"},
    {'L', "M 0 0 L 0 1 L 0.7 1"},
    {'M', "M 0 1 L 0.05 0 L 0.5 0.7 L 0.95 0 L 1 1"},
    {'N', "M 0 1 L 0 0 L 0.8 1 L 0.8 0"},
    {'P', "M 0 1 L 0 0 L 0.4 0 A 0.4 0.27 0.32 0.27 -90 90 L 0 0.54"},
    {'R', "M 0 1 L 0 0 L 0.4 0 A 0.4 0.27 0.32 0.27 -90 90 L 0 0.54 M 0.35 0.54 L 0.8 1"},
    {'T', "M 0 0 L 1 0 M 0.5 0 L 0.5 1"},
    {'U', "M 0 0 L 0 0.6 A 0.4 0.6 0.4 0.4 180 0 L 0.8 0"},
    {'V', "M 0 0 L 0.45 1 L 0.9 0"},
    {'W', "M 0 0 L 0.25 1 L 0.5 0.3 L 0.75 1 L 1 0"},
    {'X', "M 0 0 L 0.9 1 M 0.9 0 L 0 1"},
    {'Y', "M 0 0 L 0.45 0.5 L 0.9 0 M 0.45 0.5 L 0.45 1"},
    {'a', "A 0.33 0.73 0.32 0.27 0 360 M 0.65 0.46 L 0.65 1"},
    {'c', "A 0.35 0.73 0.33 0.27 -40 -320"},
    {'d', "A 0.33 0.73 0.32 0.27 0 360 M 0.65 0 L 0.65 1"},
    {'e', "M 0.03 0.72 L 0.67 0.72 A 0.35 0.72 0.32 0.27 0 -300"},
    {'f', "A 0.5 0.2 0.25 0.2 -20 -180 L 0.25 1 M 0.02 0.45 L 0.6 0.45"},
    {'h', "M 0 0 L 0 1 M 0 0.7 A 0.3 0.7 0.3 0.25 -180 0 L 0.6 1"},
    {'k', "M 0 0 L 0 1 M 0.55 0.45 L 0 0.75 L 0.6 1"},
    {'m', "M 0 1 L 0 0.45 M 0 0.62 A 0.22 0.62 0.22 0.16 -180 0 L 0.44 1 M 0.44 0.62 A 0.66 0.62 0.22 0.16 -180 0 L 0.88 1"},
    {'n', "M 0 1 L 0 0.45 M 0 0.67 A 0.3 0.67 0.3 0.21 -180 0 L 0.6 1"},
    {'r', "M 0 1 L 0 0.45 M 0 0.67 A 0.3 0.67 0.3 0.21 -180 -45"},
    {'t', "M 0.3 0.05 L 0.3 0.88 A 0.5 0.88 0.2 0.12 180 40 M 0 0.4 L 0.65 0.4"},
    {'u', "M 0 0.45 L 0 0.75 A 0.3 0.75 0.3 0.25 180 0 M 0.6 0.45 L 0.6 1"},
    {'v', "M 0 0.45 L 0.35 1 L 0.7 0.45"},
    {'w', "M 0 0.45 L 0.2 1 L 0.4 0.6 L 0.6 1 L 0.8 0.45"},
    {'x', "M 0 0.45 L 0.6 1 M 0.6 0.45 L 0 1"},
    {'y', "M 0 0.45 L 0.35 1 M 0.7 0.45 L 0.2 1.4"},
    {'+', "M 0.5 0 L 0.5 1 M 0 0.5 L 1 0.5"},
    {'#', "M 0.35 0 L 0.25 1 M 0.75 0 L 0.65 1 M 0 0.33 L 1 0.33 M 0 0.67 L 1 0.67"},
    {'*', "M 0.5 0 L 0.5 1 M 0.07 0.25 L 0.93 0.75 M 0.93 0.25 L 0.07 0.75"},
    {'=', "M 0 0.35 L 1 0.35 M 0 0.65 L 1 0.65"},
    {'%', "M 0.9 0 L 0.1 1 A 0.2 0.18 0.16 0.16 0 360 M 0.96 0.82 A 0.8 0.82 0.16 0.16 0 360"},
};

// Points along an elliptic arc, about one every 6 degrees.
void append_arc(Polyline& line, float cx, float cy, float rx, float ry, float a0, float a1) {
    const int steps = std::max(2, static_cast<int>(std::abs(a1 - a0) / 6.0f));
    for (int i = 0; i <= steps; ++i) {
        const float a = (a0 + (a1 - a0) * static_cast<float>(i) / static_cast<float>(steps)) * kPi / 180.0f;
        line.push_back({cx + rx * std::cos(a), cy + ry * std::sin(a)});
    }
}

std::vector<Polyline> parse_glyph(const char* path) {
    std::vector<Polyline> strokes;
    std::istringstream in(path);
    std::string op;
    while (in >> op) {
        if (op == "M") {
            Pt p;
            in >> p.x >> p.y;
            strokes.push_back({p});
        } else if (op == "L") {
            Pt p;
            in >> p.x >> p.y;
            strokes.back().push_back(p);
        } else if (op == "A") {
            float cx, cy, rx, ry, a0, a1;
            in >> cx >> cy >> rx >> ry >> a0 >> a1;
            // An arc that does not continue the current stroke (the first op, or after a line
            // that ends elsewhere) begins a new one at its start.
            const Pt start{cx + rx * std::cos(a0 * kPi / 180), cy + ry * std::sin(a0 * kPi / 180)};
            if (strokes.empty() || std::hypot(strokes.back().back().x - start.x, strokes.back().back().y - start.y) > 0.05f)
                strokes.push_back({});
            append_arc(strokes.back(), cx, cy, rx, ry, a0, a1);
        } else {
            throw std::logic_error("stroke alphabet: unknown path op " + op);
        }
    }
    return strokes;
}

const std::vector<std::vector<Polyline>>& glyph_strokes() {
    static const std::vector<std::vector<Polyline>> all = [] {
        std::vector<std::vector<Polyline>> g;
        for (const Glyph& glyph : kGlyphs) g.push_back(parse_glyph(glyph.path));
        return g;
    }();
    return all;
}

// ---- Drawing ------------------------------------------------------------------------------------

struct Canvas {
    std::vector<float> ink = std::vector<float>(static_cast<std::size_t>(kCanvas * kCanvas), 0.0f);
    float& at(int x, int y) { return ink[static_cast<std::size_t>(y * kCanvas + x)]; }

    // A round pen of the given width: full ink within width/2 of the segment, a one-pixel
    // anti-aliased rim.
    void segment(Pt a, Pt b, float width) {
        const float r = width / 2;
        const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - r - 1)));
        const int x1 = std::min(kCanvas - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + r + 1)));
        const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - r - 1)));
        const int y1 = std::min(kCanvas - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + r + 1)));
        const float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                const float px = static_cast<float>(x) + 0.5f, py = static_cast<float>(y) + 0.5f;
                float t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0.0f;
                t = std::clamp(t, 0.0f, 1.0f);
                const float d = std::hypot(px - (a.x + t * dx), py - (a.y + t * dy));
                const float v = std::clamp(r + 0.5f - d, 0.0f, 1.0f);
                at(x, y) = std::max(at(x, y), v);
            }
    }
    void polyline(const Polyline& p, float width) {
        if (p.size() == 1) segment(p[0], p[0], width);
        for (std::size_t i = 1; i < p.size(); ++i) segment(p[i - 1], p[i], width);
    }
    // A filled polygon (even-odd rule), 4x4 samples per pixel.
    void fill(const Polyline& poly) {
        if (poly.size() < 3) return;
        float minx = poly[0].x, maxx = minx, miny = poly[0].y, maxy = miny;
        for (const Pt& p : poly) minx = std::min(minx, p.x), maxx = std::max(maxx, p.x), miny = std::min(miny, p.y), maxy = std::max(maxy, p.y);
        const int x0 = std::max(0, static_cast<int>(minx)), x1 = std::min(kCanvas - 1, static_cast<int>(maxx) + 1);
        const int y0 = std::max(0, static_cast<int>(miny)), y1 = std::min(kCanvas - 1, static_cast<int>(maxy) + 1);
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                int inside = 0;
                for (int sy = 0; sy < 4; ++sy)
                    for (int sx = 0; sx < 4; ++sx) {
                        const float px = static_cast<float>(x) + (static_cast<float>(sx) + 0.5f) / 4;
                        const float py = static_cast<float>(y) + (static_cast<float>(sy) + 0.5f) / 4;
                        bool in = false;
                        for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
                            const Pt &a = poly[i], &b = poly[j];
                            if ((a.y > py) != (b.y > py) && px < (b.x - a.x) * (py - a.y) / (b.y - a.y) + a.x) in = !in;
                        }
                        inside += in;
                    }
                at(x, y) = std::max(at(x, y), static_cast<float>(inside) / 16.0f);
            }
    }
    GrayImage image() && {
        GrayImage g;
        g.width = g.height = kCanvas;
        g.pixels = std::move(ink);
        return g;
    }
};

// A random affine map from a unit box (about [0,1]^2) onto the canvas, and the pen width in
// canvas pixels that goes with it.
struct Placement {
    float a = 1, b = 0, c = 0, d = 1, tx = 0, ty = 0;  // x' = a x + b y + tx, y' = c x + d y + ty
    Pt operator()(Pt p) const { return {a * p.x + b * p.y + tx, c * p.x + d * p.y + ty}; }
};

// Parameters that differ between the two sets.
struct Style {
    float min_width, max_width;  // pen width as a fraction of the drawing's height
    float jitter;                // per-point wobble, in drawing units
    float max_rotation;          // degrees
    float max_shear;
};

Style style_of(NegativeSet set) {
    return set == NegativeSet::Training ? Style{0.07f, 0.17f, 0.035f, 15.0f, 0.3f} : Style{0.05f, 0.21f, 0.05f, 22.0f, 0.4f};
}

// Places a drawing whose unit box is w x h units: height about 36-52 px, centred near the middle.
Placement place(Rng& rng, const Style& s, float w, float h) {
    const float size = rng.uniform(36.0f, 52.0f) / std::max(w, h);
    const float angle = rng.uniform(-s.max_rotation, s.max_rotation) * kPi / 180.0f;
    const float shear = rng.uniform(-s.max_shear, s.max_shear);
    const float stretch = rng.uniform(0.8f, 1.2f);
    const float ca = std::cos(angle), sa = std::sin(angle);
    Placement p;
    // Scale (with a horizontal stretch), shear, rotate about the drawing's centre.
    const float sx = size * stretch, sy = size;
    p.a = ca * sx;
    p.b = ca * shear * sy - sa * sy;
    p.c = sa * sx;
    p.d = sa * shear * sy + ca * sy;
    const Pt centre{w / 2, h / 2};
    const Pt moved = p(centre);
    p.tx = kCanvas / 2.0f + rng.uniform(-4.0f, 4.0f) - moved.x;
    p.ty = kCanvas / 2.0f + rng.uniform(-4.0f, 4.0f) - moved.y;
    return p;
}

float pen_width(Rng& rng, const Style& s, float drawing_height_px) {
    return std::max(1.5f, rng.uniform(s.min_width, s.max_width) * drawing_height_px);
}

void draw_strokes(Canvas& canvas, const std::vector<Polyline>& strokes, const Placement& at, float width, float jitter, Rng& rng) {
    for (const Polyline& s : strokes) {
        Polyline mapped;
        // The wobble is drawn per stroke end and interpolated, so a line bends instead of shaking.
        const Pt j0{rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)};
        const Pt j1{rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)};
        for (std::size_t i = 0; i < s.size(); ++i) {
            const float t = s.size() > 1 ? static_cast<float>(i) / static_cast<float>(s.size() - 1) : 0.0f;
            const Pt wob{j0.x + t * (j1.x - j0.x) + rng.uniform(-jitter, jitter) * 0.3f,
                         j0.y + t * (j1.y - j0.y) + rng.uniform(-jitter, jitter) * 0.3f};
            mapped.push_back(at({s[i].x + wob.x, s[i].y + wob.y}));
        }
        canvas.polyline(mapped, width);
    }
}

float drawing_height(const Placement& p, float h) { return std::hypot(p.b, p.d) * h; }

// A closed or open curve through the points (Catmull-Rom), sampled 8 times per span.
Polyline smooth(const Polyline& pts, bool closed) {
    Polyline out;
    const std::size_t n = pts.size();
    if (n < 2) return pts;
    const std::size_t spans = closed ? n : n - 1;
    auto get = [&](long i) {
        if (closed) return pts[static_cast<std::size_t>((i % static_cast<long>(n) + static_cast<long>(n)) % static_cast<long>(n))];
        return pts[static_cast<std::size_t>(std::clamp(i, 0L, static_cast<long>(n) - 1))];
    };
    for (std::size_t s = 0; s < spans; ++s) {
        const Pt p0 = get(static_cast<long>(s) - 1), p1 = get(static_cast<long>(s)), p2 = get(static_cast<long>(s) + 1),
                 p3 = get(static_cast<long>(s) + 2);
        for (int k = 0; k < 8; ++k) {
            const float t = static_cast<float>(k) / 8.0f, t2 = t * t, t3 = t2 * t;
            auto cr = [&](float a, float b, float c, float d) {
                return 0.5f * ((2 * b) + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3);
            };
            out.push_back({cr(p0.x, p1.x, p2.x, p3.x), cr(p0.y, p1.y, p2.y, p3.y)});
        }
    }
    out.push_back(closed ? pts[0] : pts.back());
    return out;
}

Polyline ellipse(float cx, float cy, float rx, float ry, float a0 = 0, float a1 = 360) {
    Polyline p;
    append_arc(p, cx, cy, rx, ry, a0, a1);
    return p;
}

Polyline regular_polygon(int sides, float cx, float cy, float r, float phase, bool star = false) {
    Polyline p;
    const int n = star ? 2 * sides : sides;
    for (int i = 0; i <= n; ++i) {
        const float a = phase + 2 * kPi * static_cast<float>(i) / static_cast<float>(n);
        const float rr = star && (i % 2) ? r * 0.42f : r;
        p.push_back({cx + rr * std::cos(a), cy + rr * std::sin(a)});
    }
    return p;
}

// ---- The kinds ----------------------------------------------------------------------------------

void draw_letter(Canvas& canvas, Rng& rng, const Style& s) {
    const auto& glyphs = glyph_strokes();
    const auto& g = glyphs[rng.below(static_cast<std::uint32_t>(glyphs.size()))];
    float w = 0, h = 0;
    for (const auto& stroke : g)
        for (const Pt& p : stroke) w = std::max(w, p.x), h = std::max(h, p.y);
    const Placement at = place(rng, s, std::max(w, 0.3f), h);
    draw_strokes(canvas, g, at, pen_width(rng, s, drawing_height(at, 1.0f)), s.jitter, rng);
}

void draw_scribble(Canvas& canvas, Rng& rng, const Style& s, NegativeSet set) {
    const Placement at = place(rng, s, 1, 1);
    const float width = pen_width(rng, s, drawing_height(at, 1.0f));
    Polyline pts;
    switch (rng.below(4)) {
        case 0: {  // a tangle: a smooth curve through many random points
            const int n = set == NegativeSet::Training ? 6 + static_cast<int>(rng.below(8)) : 8 + static_cast<int>(rng.below(10));
            for (int i = 0; i < n; ++i) pts.push_back({rng.uniform(), rng.uniform()});
            pts = smooth(pts, false);
            break;
        }
        case 1: {  // a zigzag across, or a back-and-forth cross-out
            const int n = 5 + static_cast<int>(rng.below(8));
            const bool across = rng.uniform() < 0.5f;
            for (int i = 0; i < n; ++i) {
                const float u = static_cast<float>(i) / static_cast<float>(n - 1);
                const float v = (i % 2) ? rng.uniform(0.75f, 1.0f) : rng.uniform(0.0f, 0.25f);
                pts.push_back(across ? Pt{u, v} : Pt{v, u});
            }
            break;
        }
        case 2: {  // hatching: parallel strokes
            const int n = 3 + static_cast<int>(rng.below(5));
            const float slope = rng.uniform(-0.6f, 0.6f);
            std::vector<Polyline> lines;
            for (int i = 0; i < n; ++i) {
                const float y = static_cast<float>(i) / static_cast<float>(n - 1);
                lines.push_back({{0.0f, y + slope * 0.5f}, {1.0f, y - slope * 0.5f}});
            }
            draw_strokes(canvas, lines, at, width, s.jitter, rng);
            return;
        }
        default: {  // loops: a coil drawn along a line
            const int loops = 3 + static_cast<int>(rng.below(5));
            const float r = rng.uniform(0.12f, 0.3f);
            for (int i = 0; i <= loops * 16; ++i) {
                const float t = static_cast<float>(i) / 16.0f * 2 * kPi;
                pts.push_back({0.5f * static_cast<float>(i) / static_cast<float>(loops * 16) + 0.25f + r * std::cos(t), 0.5f + r * std::sin(t)});
            }
            break;
        }
    }
    draw_strokes(canvas, {pts}, at, width, s.jitter, rng);
}

void draw_shape(Canvas& canvas, Rng& rng, const Style& s, NegativeSet set) {
    // Evaluation adds shapes training never shows: hexagon, crescent, spiral, cloud.
    const std::uint32_t kinds = set == NegativeSet::Training ? 11 : 15;
    const std::uint32_t k = rng.below(kinds);
    std::vector<Polyline> strokes;
    float w = 1, h = 1;
    switch (k) {
        case 0: strokes = {{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}; h = rng.uniform(0.5f, 1.0f);
            for (Pt& p : strokes[0]) p.y *= h;
            break;
        case 1: strokes = {{{0.5f, 0}, {1, 0.9f}, {0, 0.9f}, {0.5f, 0}}}; break;
        case 2: strokes = {regular_polygon(5, 0.5f, 0.5f, 0.5f, -kPi / 2, true)}; break;
        case 3: {  // heart
            Polyline p;
            for (int i = 0; i <= 60; ++i) {
                const float t = static_cast<float>(i) / 60.0f * 2 * kPi;
                const float x = 16 * std::pow(std::sin(t), 3.0f);
                const float y = 13 * std::cos(t) - 5 * std::cos(2 * t) - 2 * std::cos(3 * t) - std::cos(4 * t);
                p.push_back({0.5f + x / 34.0f, 0.45f - y / 34.0f});
            }
            strokes = {p};
            break;
        }
        case 4:  // arrow
            strokes = {{{0, 0.5f}, {1, 0.5f}}, {{0.65f, 0.2f}, {1, 0.5f}, {0.65f, 0.8f}}};
            h = 1;
            break;
        case 5: {  // smiley
            strokes = {ellipse(0.5f, 0.5f, 0.5f, 0.5f), ellipse(0.33f, 0.36f, 0.05f, 0.05f), ellipse(0.67f, 0.36f, 0.05f, 0.05f),
                       ellipse(0.5f, 0.52f, 0.28f, 0.22f, 20, 160)};
            break;
        }
        case 6:  // house
            strokes = {{{0, 0.45f}, {0.5f, 0}, {1, 0.45f}}, {{0.1f, 0.4f}, {0.1f, 1}, {0.9f, 1}, {0.9f, 0.4f}}};
            break;
        case 7:  // a circle crossed out, or a target
            if (rng.uniform() < 0.5f) strokes = {ellipse(0.5f, 0.5f, 0.5f, 0.5f), {{0.1f, 0.1f}, {0.9f, 0.9f}}, {{0.9f, 0.1f}, {0.1f, 0.9f}}};
            else strokes = {ellipse(0.5f, 0.5f, 0.5f, 0.5f), ellipse(0.5f, 0.5f, 0.25f, 0.25f)};
            break;
        case 8: {  // a wide ellipse: wider than any 0
            const float ry = rng.uniform(0.15f, 0.3f);
            strokes = {ellipse(0.5f, 0.5f, 0.5f, ry)};
            h = 1;
            break;
        }
        case 9:  // a diamond
            strokes = {{{0.5f, 0}, {1, 0.5f}, {0.5f, 1}, {0, 0.5f}, {0.5f, 0}}};
            break;
        case 10:  // a tick, or a horizontal line (a minus)
            if (rng.uniform() < 0.5f) strokes = {{{0, 0.55f}, {0.35f, 0.9f}, {1, 0.05f}}};
            else strokes = {{{0, 0.5f}, {1, 0.5f + rng.uniform(-0.12f, 0.12f)}}};
            break;
        case 11: strokes = {regular_polygon(6, 0.5f, 0.5f, 0.5f, 0)}; break;
        case 12: strokes = {ellipse(0.5f, 0.5f, 0.5f, 0.5f, 60, 300), ellipse(0.75f, 0.5f, 0.32f, 0.38f, 110, 250)}; break;
        case 13: {  // spiral
            Polyline p;
            for (int i = 0; i <= 120; ++i) {
                const float t = static_cast<float>(i) / 120.0f * 3 * 2 * kPi;
                const float r = 0.5f * static_cast<float>(i) / 120.0f;
                p.push_back({0.5f + r * std::cos(t), 0.5f + r * std::sin(t)});
            }
            strokes = {p};
            break;
        }
        default: {  // cloud: bumps along an ellipse
            Polyline p;
            for (int i = 0; i <= 120; ++i) {
                const float t = static_cast<float>(i) / 120.0f * 2 * kPi;
                const float r = 1.0f + 0.12f * std::abs(std::sin(4 * t));
                p.push_back({0.5f + 0.5f * r * std::cos(t) / 1.12f, 0.5f + 0.3f * r * std::sin(t) / 1.12f});
            }
            strokes = {p};
            break;
        }
    }
    const Placement at = place(rng, s, w, h);
    const bool filled = (k == 0 || k == 1 || k == 2 || k == 9) && rng.uniform() < 0.25f;  // outlines that enclose an area
    if (filled) {
        Polyline poly;
        for (const Pt& p : strokes[0]) poly.push_back(at(p));
        canvas.fill(poly);
    }
    draw_strokes(canvas, strokes, at, pen_width(rng, s, drawing_height(at, 1.0f)), s.jitter * 0.6f, rng);
}

void draw_blob(Canvas& canvas, Rng& rng, const Style& s) {
    switch (rng.below(4)) {
        case 0: {  // a filled random blob
            Polyline pts;
            const int n = 5 + static_cast<int>(rng.below(5));
            for (int i = 0; i < n; ++i) {
                const float a = 2 * kPi * static_cast<float>(i) / static_cast<float>(n);
                const float r = rng.uniform(0.5f, 1.0f);
                pts.push_back({0.5f + 0.5f * r * std::cos(a), 0.5f + 0.5f * r * std::sin(a)});
            }
            const Placement at = place(rng, s, 1, 1);
            Polyline poly;
            for (const Pt& p : smooth(pts, true)) poly.push_back(at(p));
            canvas.fill(poly);
            break;
        }
        case 1: {  // one dot, anywhere, of any size from a speck to a fat spot
            const float r = rng.uniform(0.8f, 6.0f);
            const Pt c{rng.uniform(8.0f, 56.0f), rng.uniform(8.0f, 56.0f)};
            canvas.segment(c, c, 2 * r);
            break;
        }
        case 2: {  // several dots
            const int n = 2 + static_cast<int>(rng.below(7));
            const float r = rng.uniform(1.0f, 4.0f);
            for (int i = 0; i < n; ++i) {
                const Pt c{rng.uniform(6.0f, 58.0f), rng.uniform(6.0f, 58.0f)};
                canvas.segment(c, c, 2 * r * rng.uniform(0.7f, 1.3f));
            }
            break;
        }
        default: {  // a short thick dash, lying rather than standing (a standing one is a 1)
            const float len = rng.uniform(6.0f, 20.0f), a = rng.uniform(-35.0f, 35.0f) * kPi / 180.0f;
            const Pt c{32.0f + rng.uniform(-8.0f, 8.0f), 32.0f + rng.uniform(-8.0f, 8.0f)};
            const Pt d{0.5f * len * std::cos(a), 0.5f * len * std::sin(a)};
            canvas.segment({c.x - d.x, c.y - d.y}, {c.x + d.x, c.y + d.y}, rng.uniform(5.0f, 10.0f));
            break;
        }
    }
}

void draw_noise(Canvas& canvas, Rng& rng) {
    const float density = rng.uniform(0.05f, 0.8f);
    const float strength = rng.uniform(0.3f, 1.0f);
    // Over the whole canvas, or a patch of it.
    int x0 = 0, y0 = 0, x1 = kCanvas, y1 = kCanvas;
    if (rng.uniform() < 0.6f) {
        const int w = 12 + static_cast<int>(rng.below(30)), h = 12 + static_cast<int>(rng.below(30));
        x0 = static_cast<int>(rng.below(static_cast<std::uint32_t>(kCanvas - w)));
        y0 = static_cast<int>(rng.below(static_cast<std::uint32_t>(kCanvas - h)));
        x1 = x0 + w, y1 = y0 + h;
    }
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
            if (rng.uniform() < density) canvas.at(x, y) = strength * rng.uniform(0.3f, 1.0f);
}

void draw_empty(Canvas& canvas, Rng& rng) {
    if (rng.uniform() < 0.5f) return;  // blank
    // A faint smudge or a speck or two: what a stray click leaves.
    const int n = 1 + static_cast<int>(rng.below(3));
    for (int i = 0; i < n; ++i) {
        const Pt c{rng.uniform(4.0f, 60.0f), rng.uniform(4.0f, 60.0f)};
        Canvas speck;
        speck.segment(c, c, rng.uniform(1.0f, 3.0f));
        const float level = rng.uniform(0.1f, 1.0f);
        for (std::size_t k = 0; k < speck.ink.size(); ++k) canvas.ink[k] = std::max(canvas.ink[k], level * speck.ink[k]);
    }
}

// The kinds in make_negatives() order, 20 slots: letters 7, scribbles 4, shapes 4, blobs 2,
// noise 2, empty 1.
constexpr std::array<NegativeKind, 20> kPattern = {
    NegativeKind::Letter, NegativeKind::Scribble, NegativeKind::Shape, NegativeKind::Letter, NegativeKind::Blob,
    NegativeKind::Letter, NegativeKind::Scribble, NegativeKind::Noise, NegativeKind::Shape, NegativeKind::Letter,
    NegativeKind::Empty,  NegativeKind::Letter,   NegativeKind::Scribble, NegativeKind::Shape, NegativeKind::Letter,
    NegativeKind::Blob,   NegativeKind::Scribble, NegativeKind::Letter, NegativeKind::Noise, NegativeKind::Shape,
};

// A 64-bit mix (SplitMix64's finaliser), so image i's generator does not overlap image i+1's.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

const std::vector<NegativeKind>& all_negative_kinds() {
    static const std::vector<NegativeKind> all = {NegativeKind::Letter, NegativeKind::Scribble, NegativeKind::Shape,
                                                  NegativeKind::Blob,   NegativeKind::Noise,    NegativeKind::Empty};
    return all;
}

std::string negative_kind_name(NegativeKind kind) {
    switch (kind) {
        case NegativeKind::Letter: return "letter";
        case NegativeKind::Scribble: return "scribble";
        case NegativeKind::Shape: return "shape";
        case NegativeKind::Blob: return "blob/dot";
        case NegativeKind::Noise: return "noise";
        case NegativeKind::Empty: return "empty";
    }
    return "letter";
}

const std::string& stroke_alphabet() {
    static const std::string all = [] {
        std::string s;
        for (const Glyph& g : kGlyphs) s.push_back(g.name);
        return s;
    }();
    return all;
}

GrayImage draw_negative(NegativeKind kind, Rng& rng, NegativeSet set) {
    Canvas canvas;
    const Style s = style_of(set);
    switch (kind) {
        case NegativeKind::Letter: draw_letter(canvas, rng, s); break;
        case NegativeKind::Scribble: draw_scribble(canvas, rng, s, set); break;
        case NegativeKind::Shape: draw_shape(canvas, rng, s, set); break;
        case NegativeKind::Blob: draw_blob(canvas, rng, s); break;
        case NegativeKind::Noise: draw_noise(canvas, rng); break;
        case NegativeKind::Empty: draw_empty(canvas, rng); break;
    }
    return std::move(canvas).image();
}

MnistImage make_negative(NegativeKind kind, Rng& rng, NegativeSet set) {
    PreprocessOptions options;
    options.polarity = Polarity::LightOnDark;
    return preprocess_digit(draw_negative(kind, rng, set), options).image;
}

double negative_kind_share(NegativeKind kind) {
    return static_cast<double>(std::count(kPattern.begin(), kPattern.end(), kind)) / static_cast<double>(kPattern.size());
}

NegativeKind negative_kind_of(std::size_t i) { return kPattern[i % kPattern.size()]; }

Dataset make_negatives(std::size_t n, std::uint64_t seed, NegativeSet set) {
    Dataset d;
    d.labels.assign(n, static_cast<std::uint8_t>(kNotADigitLabel));
    d.images.assign(n * d.pixels_per_image(), 0);
    const std::uint64_t base = mix(seed ^ (set == NegativeSet::Training ? 0 : 0x5eed5eed5eedULL));
#pragma omp parallel for schedule(dynamic, 64)
    for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(n); ++i) {
        Rng rng(mix(base + static_cast<std::uint64_t>(i)));
        const MnistImage img = make_negative(negative_kind_of(static_cast<std::size_t>(i)), rng, set);
        std::uint8_t* out = d.images.data() + static_cast<std::size_t>(i) * d.pixels_per_image();
        for (std::size_t k = 0; k < img.size(); ++k) out[k] = static_cast<std::uint8_t>(std::lround(std::clamp(img[k], 0.0f, 1.0f) * 255.0f));
    }
    return d;
}

}  // namespace digit
