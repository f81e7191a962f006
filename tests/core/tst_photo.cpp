// The photo path and the number reader (core/ink.h, core/segment.h) on small synthetic pictures:
// each step on its own (lighting, lines, page edges, specks, soft rims, grouping, splitting) and
// the answers that matter (a ruled or shadowed page without ink has no digit; a digit on dark
// tinted paper is found; two digits come back as two boxes, left to right).
#include "ink.h"
#include "preprocess.h"
#include "segment.h"

#include <QtTest>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <vector>

using namespace digit;

namespace {

// A page: `paper` everywhere (0 = black, 1 = white), w x h.
GrayImage page(int w, int h, float paper) { return GrayImage{w, h, std::vector<float>(static_cast<std::size_t>(w) * h, paper)}; }

float& at(GrayImage& g, int x, int y) { return g.pixels[static_cast<std::size_t>(y) * g.width + x]; }

// Multiplies every pixel by light(x, y): uneven lighting and shadows darken paper and ink alike.
template <typename F>
void light(GrayImage& g, F f) {
    for (int y = 0; y < g.height; ++y)
        for (int x = 0; x < g.width; ++x) at(g, x, y) *= static_cast<float>(f(x, y));
}

void noise(GrayImage& g, float sigma, unsigned seed) {
    std::mt19937 gen(seed);
    std::normal_distribution<float> n(0.0f, sigma);
    for (float& v : g.pixels) v = std::clamp(v + n(gen), 0.0f, 1.0f);
}

// Horizontal ruling every `spacing` px, `thickness` px thick, tilted by `slope` px per px.
void rule(GrayImage& g, int spacing, double thickness, double slope, float ink) {
    for (int y = 0; y < g.height; ++y)
        for (int x = 0; x < g.width; ++x) {
            const double v = y - slope * x;
            const double d = std::abs(v - spacing * std::round(v / spacing));
            const double a = std::clamp(thickness / 2 + 0.5 - d, 0.0, 1.0);
            at(g, x, y) = static_cast<float>(at(g, x, y) * (1 - a) + ink * a);
        }
}

// A round pen of the given diameter along a polyline (anti-aliased by distance), ink level `ink`.
void stroke(GrayImage& g, const std::vector<std::pair<double, double>>& points, double diameter, float ink) {
    for (std::size_t k = 1; k < points.size(); ++k) {
        const auto [ax, ay] = points[k - 1];
        const auto [bx, by] = points[k];
        const int x0 = std::max(0, static_cast<int>(std::min(ax, bx) - diameter)), x1 = std::min(g.width - 1, static_cast<int>(std::max(ax, bx) + diameter));
        const int y0 = std::max(0, static_cast<int>(std::min(ay, by) - diameter)), y1 = std::min(g.height - 1, static_cast<int>(std::max(ay, by) + diameter));
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                const double px = x + 0.5 - ax, py = y + 0.5 - ay, dx = bx - ax, dy = by - ay;
                const double t = std::clamp((px * dx + py * dy) / (dx * dx + dy * dy), 0.0, 1.0);
                const double a = std::clamp(diameter / 2 + 0.5 - std::hypot(px - t * dx, py - t * dy), 0.0, 1.0);
                at(g, x, y) = static_cast<float>(std::min<double>(at(g, x, y), at(g, x, y) * (1 - a) + ink * a));
            }
    }
}

// An ellipse outline (a zero) centred at (cx, cy).
void zero(GrayImage& g, double cx, double cy, double rx, double ry, double pen, float ink) {
    std::vector<std::pair<double, double>> pts;
    for (int i = 0; i <= 48; ++i) {
        const double t = 2 * 3.14159265358979 * i / 48;
        pts.emplace_back(cx + rx * std::cos(t), cy + ry * std::sin(t));
    }
    stroke(g, pts, pen, ink);
}

// A seven: a top bar and a slanted stem, in the box (x, y, w, h).
void seven(GrayImage& g, double x, double y, double w, double h, double pen, float ink) {
    stroke(g, {{x, y}, {x + w, y}, {x + 0.35 * w, y + h}}, pen, ink);
}

double correlation(const MnistImage& a, const MnistImage& b) {
    double ma = 0, mb = 0;
    for (int i = 0; i < 784; ++i) ma += a[i], mb += b[i];
    ma /= 784, mb /= 784;
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < 784; ++i) ab += (a[i] - ma) * (b[i] - mb), aa += (a[i] - ma) * (a[i] - ma), bb += (b[i] - mb) * (b[i] - mb);
    return ab / std::sqrt(aa * bb + 1e-12);
}

}  // namespace

class TestPhoto : public QObject {
    Q_OBJECT
private slots:
    // A ruled page without ink (clean, and photographed: noise and a light gradient) has no digit.
    void ruledPageHasNoDigit_data() {
        QTest::addColumn<float>("sigma");
        QTest::addColumn<double>("slope");
        QTest::newRow("clean, level") << 0.0f << 0.0;
        QTest::newRow("clean, tilted 1 degree") << 0.0f << 0.017;
        QTest::newRow("photo, tilted 1.5 degrees") << 0.02f << -0.026;
    }
    void ruledPageHasNoDigit() {
        QFETCH(float, sigma);
        QFETCH(double, slope);
        GrayImage g = page(400, 300, 0.92f);
        rule(g, 24, 2.0, slope, 0.55f);
        if (sigma > 0) {
            light(g, [](int x, int y) { return 1.0 - 0.25 * x / 400.0 - 0.1 * y / 300.0; });
            noise(g, sigma, 3);
        }
        const Reading r = read_digits(g);
        QVERIFY2(r.digits.empty(), qPrintable(QString("%1 digit(s) read, %2 line pixels removed").arg(r.digits.size()).arg(r.ink.lines_removed)));
        QVERIFY(r.ink.lines_removed > 0 || r.ink.empty);
        QVERIFY(preprocess_digit(g).empty);
    }

    // A shadow band across a plain page (soft edges) is lighting, not ink.
    void shadowBandHasNoDigit_data() {
        QTest::addColumn<float>("sigma");
        QTest::newRow("clean") << 0.0f;
        QTest::newRow("photo") << 0.015f;
    }
    void shadowBandHasNoDigit() {
        QFETCH(float, sigma);
        GrayImage g = page(400, 300, 0.9f);
        light(g, [](int x, int y) {
            const double d = std::abs((x - 200) * 0.8 + (y - 150) * 0.6);  // distance from the band's centre line
            const double t = std::clamp((45 + 8 - d) / 16.0, 0.0, 1.0);
            return 1 - 0.4 * t * t * (3 - 2 * t);
        });
        if (sigma > 0) noise(g, sigma, 5);
        const Reading r = read_digits(g);
        QVERIFY2(r.digits.empty(), qPrintable(QString("%1 digit(s) read").arg(r.digits.size())));
    }

    // A shadow band narrower than the lighting window, which a thick digit widens: a grey zero
    // (0.5 on 0.9 paper) drawn with a 24 px pen, crossed by a band 44 px wide with soft edges that
    // takes 45% of the light. The square window takes the band out of the page's lighting, and the
    // band read as ink joined the zero into one blob the size of the page; a line along the band
    // to the border keeps it in the lighting, and the zero is read alone and whole.
    void narrowShadowBandAcrossThickDigit() {
        GrayImage clean = page(400, 300, 1.0f), photo = page(400, 300, 0.9f);
        zero(clean, 200, 150, 45, 75, 24, 0.0f);
        zero(photo, 200, 150, 45, 75, 24, 0.5f);
        light(photo, [](int x, int y) {
            const double d = std::abs((x - 210) * 0.6 + (y - 150) * 0.8);  // across the band
            const double t = std::clamp((22 + 8 - d) / 16.0, 0.0, 1.0);
            return 1 - 0.45 * t * t * (3 - 2 * t);
        });
        noise(photo, 0.015f, 37);
        const Reading r = read_digits(photo);
        QCOMPARE(int(r.digits.size()), 1);
        const DigitBox b = r.digits[0].box;  // the zero and its pen: 143-257 x 63-237
        QVERIFY2(std::abs(b.x - 143) <= 6 && std::abs(b.y - 63) <= 6 && std::abs(b.width - 114) <= 12 && std::abs(b.height - 174) <= 12,
                 qPrintable(QString("box %1,%2 %3x%4").arg(b.x).arg(b.y).arg(b.width).arg(b.height)));
        const double c = correlation(r.digits[0].input.image, preprocess_digit(clean).image);
        QVERIFY2(c > 0.8, qPrintable(QString::number(c)));
    }

    // Lighting: a page lit from one side, darker by half at the far edge, with a 7 on it. The
    // corrected ink is near zero on the paper everywhere and high on the stroke.
    void lightingIsEvenedOut() {
        GrayImage g = page(320, 240, 0.9f);
        seven(g, 120, 60, 80, 120, 9, 0.15f);
        light(g, [](int x, int) { return 1.0 - 0.5 * x / 320.0; });
        noise(g, 0.01f, 7);
        const InkMap m = find_ink(g);
        QVERIFY(m.photo);
        QVERIFY(!m.empty);
        auto c = [&](int x, int y) { return m.corrected[static_cast<std::size_t>(y) * m.width + x]; };
        float paper = 0;
        for (int y = 0; y < 240; y += 4)
            for (int x : {10, 100, 300}) paper = std::max(paper, c(x, y));
        QVERIFY2(paper < 0.25f, qPrintable(QString::number(paper)));
        QVERIFY2(c(160, 60) > 0.7f, qPrintable(QString::number(c(160, 60))));  // the bar
        QCOMPARE(int(m.components.size()), 1);
    }

    // A digit on dark tinted paper (paper 0.35, ink 0.08), photographed: found, and read as the
    // same 28x28 as the same digit drawn clean.
    void digitOnDarkTintedPageIsFound() {
        GrayImage clean = page(300, 240, 1.0f), photo = page(300, 240, 0.35f);
        seven(clean, 110, 50, 80, 130, 10, 0.0f);
        seven(photo, 110, 50, 80, 130, 10, 0.08f);
        light(photo, [](int x, int y) { return 0.85 + 0.15 * (x + y) / 540.0; });
        noise(photo, 0.02f, 11);
        const Reading r = read_digits(photo);
        QCOMPARE(int(r.digits.size()), 1);
        const DigitBox b = r.digits[0].box;
        QVERIFY2(std::abs(b.x - 105) <= 6 && std::abs(b.y - 45) <= 6 && std::abs(b.width - 90) <= 10 && std::abs(b.height - 140) <= 10,
                 qPrintable(QString("box %1,%2 %3x%4").arg(b.x).arg(b.y).arg(b.width).arg(b.height)));
        const double c = correlation(r.digits[0].input.image, preprocess_digit(clean).image);
        QVERIFY2(c > 0.9, qPrintable(QString::number(c)));
    }

    // Polarity is the ink's, not the page's brightest: faint pencil (0.40) on dark grey paper
    // (0.55) ruled with lighter lines (0.68), lit brighter in the middle than at the border. The
    // border's extremes say "light on dark" (the lit lines stand 0.3 above the border's paper, the
    // pencil at most 0.05 below it); against its local paper the pencil stands out further.
    void pencilOnPaperWithLightRulingIsDarkInk() {
        GrayImage clean = page(320, 240, 1.0f), photo = page(320, 240, 0.55f);
        seven(clean, 120, 60, 70, 110, 9, 0.0f);
        for (int y = 0; y < 240; ++y)
            for (int x = 0; x < 320; ++x)
                if (y % 24 == 5 || x % 24 == 7) at(photo, x, y) = 0.68f;
        seven(photo, 120, 60, 70, 110, 9, 0.40f);
        light(photo, [](int x, int y) {
            const double rx = x / 320.0 - 0.5, ry = y / 240.0 - 0.5;
            return 1.25 - 0.5 * (rx * rx + ry * ry) * 2;
        });
        noise(photo, 0.01f, 23);
        const Reading r = read_digits(photo);
        QVERIFY(r.ink.photo);
        QVERIFY(r.ink.inverted);
        QCOMPARE(int(r.digits.size()), 1);
        const double c = correlation(r.digits[0].input.image, preprocess_digit(clean).image);
        QVERIFY2(c > 0.8, qPrintable(QString::number(c)));
    }

    // Polarity in a shadow: faint pencil (0.45) on dark paper (0.59) with light ruling (0.74), the
    // digit inside a shadow band that takes half the light. In plain luminance the lit ruling
    // stands further from its paper than the shadowed pencil from its own; light multiplies, and
    // in log luminance the pencil stands out the further, wherever the light.
    void pencilInShadowWithLightRulingIsDarkInk() {
        GrayImage clean = page(400, 300, 1.0f), photo = page(400, 300, 0.59f);
        seven(clean, 170, 100, 60, 100, 8, 0.0f);
        rule(photo, 30, 2.5, 0.01, 0.74f);
        seven(photo, 170, 100, 60, 100, 8, 0.45f);
        light(photo, [](int, int y) {
            const double t = std::clamp((75 + 10 - std::abs(y - 140.0)) / 20.0, 0.0, 1.0);  // a band 150 px high
            return 1 - 0.5 * t * t * (3 - 2 * t);
        });
        noise(photo, 0.01f, 31);
        const Reading r = read_digits(photo);
        QVERIFY(r.ink.photo);
        QVERIFY(r.ink.inverted);
        QCOMPARE(int(r.digits.size()), 1);
        const DigitBox b = r.digits[0].box;  // the seven's pen reaches 4 px past its corners
        QVERIFY2(std::abs(b.x - 166) <= 4 && std::abs(b.y - 96) <= 4 && std::abs(b.width - 68) <= 6 && std::abs(b.height - 108) <= 6,
                 qPrintable(QString("box %1,%2 %3x%4").arg(b.x).arg(b.y).arg(b.width).arg(b.height)));
        // The stroke comes out darker where the light lines cross it (the paper there is taken at
        // the lines' level), and a little less like the clean digit than on plain paper.
        const double c = correlation(r.digits[0].input.image, preprocess_digit(clean).image);
        QVERIFY2(c > 0.7, qPrintable(QString::number(c)));
    }

    // Pencil (0.64) on white ruled paper (0.92, lines 0.55 every 20 px) beside a diagonal shadow
    // band that takes 45% of the light, as photos 467 and 852 of `evaluate --photos` are. Against
    // the band's block median the lit paper beside it stands out as far as a light stroke, and
    // the square window takes the strips between the lines for light strokes too; but that paper
    // runs to the picture's border, and a stroke of light ink would end on the page. The pencil
    // is the ink (the border's extremes say so, and nothing that ends on the page says otherwise).
    void pencilBesideShadowBandOnRuledPaperIsDarkInk() {
        GrayImage clean = page(400, 300, 1.0f), photo = page(400, 300, 0.92f);
        seven(clean, 230, 110, 50, 80, 6, 0.0f);
        rule(photo, 20, 1.5, 0.01, 0.55f);
        seven(photo, 230, 110, 50, 80, 6, 0.7f);
        light(photo, [](int x, int y) {
            const double u = x - (200 - 0.4 * y);  // across the band, 100 px wide, edges 6 px soft
            const double t = std::clamp(std::min(u + 3, 103 - u) / 6.0, 0.0, 1.0);
            return 1 - 0.45 * t * t * (3 - 2 * t);
        });
        noise(photo, 0.015f, 37);
        const Reading r = read_digits(photo);
        QVERIFY(r.ink.photo);
        QVERIFY(r.ink.inverted);
        QCOMPARE(int(r.digits.size()), 1);
        const DigitBox b = r.digits[0].box;  // the seven's pen reaches 3 px past its corners
        QVERIFY2(std::abs(b.x - 227) <= 4 && std::abs(b.y - 107) <= 4 && std::abs(b.width - 56) <= 6 && std::abs(b.height - 86) <= 6,
                 qPrintable(QString("box %1,%2 %3x%4").arg(b.x).arg(b.y).arg(b.width).arg(b.height)));
        const double c = correlation(r.digits[0].input.image, preprocess_digit(clean).image);
        QVERIFY2(c > 0.7, qPrintable(QString::number(c)));
    }

    // A broad pencil stroke on dense ruling as dark as the pencil: the ruling's many thin pixels
    // do not set the stroke width the lighting window is sized by (a window a line's width wide
    // leaves the broad stroke in the background, and only scraps of the digit stand out).
    void broadPencilOnDenseRulingIsWhole() {
        GrayImage clean = page(400, 300, 1.0f), photo = page(400, 300, 0.95f);
        zero(clean, 200, 150, 50, 80, 24, 0.0f);
        rule(photo, 12, 2.0, 0.01, 0.6f);
        zero(photo, 200, 150, 50, 80, 24, 0.55f);
        noise(photo, 0.01f, 29);
        const Reading r = read_digits(photo);
        QCOMPARE(int(r.digits.size()), 1);
        const double c = correlation(r.digits[0].input.image, preprocess_digit(clean).image);
        QVERIFY2(c > 0.9, qPrintable(QString::number(c)));
    }

    // Lines: ruling crossing a zero is removed, the zero is kept whole (the crossings stay).
    void linesAreRemovedStrokesStay() {
        GrayImage g = page(400, 300, 0.95f);
        rule(g, 30, 2.0, 0.01, 0.3f);
        zero(g, 200, 150, 45, 70, 10, 0.05f);
        noise(g, 0.01f, 13);
        const InkMap m = find_ink(g);
        QVERIFY(m.lines_removed > 1000);
        QCOMPARE(int(m.components.size()), 1);
        const InkComponent& c = m.components[0];
        QVERIFY2(c.x0 >= 145 && c.x1 <= 255 && c.y0 >= 70 && c.y1 <= 230,
                 qPrintable(QString("%1,%2-%3,%4").arg(c.x0).arg(c.y0).arg(c.x1).arg(c.y1)));
        // The stroke is not cut where lines cross it: the zero is one blob, and the kept ink far
        // from it (on the lines) is zero.
        QCOMPARE(m.ink[static_cast<std::size_t>(30) * m.width + 20], 0.0f);
    }

    // The page's edge: a dark table along the left of the picture is not a digit.
    void pageEdgeIsDropped() {
        GrayImage g = page(400, 300, 0.9f);
        for (int y = 0; y < 300; ++y)
            for (int x = 0; x < 70 + y / 10; ++x) at(g, x, y) = 0.25f;
        noise(g, 0.015f, 17);
        QVERIFY(read_digits(g).digits.empty());
        seven(g, 220, 80, 70, 120, 9, 0.1f);
        const Reading r = read_digits(g);
        QCOMPARE(int(r.digits.size()), 1);
        QVERIFY(r.digits[0].box.x >= 200);
    }

    // Soft edges: the digit keeps its anti-aliased rim (values between 0 and 1 in its crop).
    void softEdgesAreKept() {
        GrayImage g = page(300, 240, 0.9f);
        zero(g, 150, 120, 40, 60, 8, 0.1f);
        noise(g, 0.01f, 19);
        const Reading r = read_digits(g);
        QCOMPARE(int(r.digits.size()), 1);
        const auto& crop = r.digits[0].steps.crop.pixels;
        const auto soft = std::count_if(crop.begin(), crop.end(), [](float v) { return v > 0.1f && v < 0.6f; });
        QVERIFY2(soft > 100, qPrintable(QString::number(soft)));
        const auto& img = r.digits[0].input.image;
        QVERIFY(std::count_if(img.begin(), img.end(), [](float v) { return v > 0.05f && v < 0.5f; }) > 10);
    }

    // Two digits side by side: two boxes, left to right, not overlapping; drawn and photographed.
    void twoDigitsGiveTwoBoxes_data() {
        QTest::addColumn<bool>("photo");
        QTest::newRow("drawing") << false;
        QTest::newRow("photo") << true;
    }
    void twoDigitsGiveTwoBoxes() {
        QFETCH(bool, photo);
        GrayImage g = page(360, 200, photo ? 0.85f : 1.0f);
        seven(g, 60, 40, 70, 120, 9, 0.05f);
        zero(g, 250, 100, 40, 60, 9, 0.05f);
        if (photo) noise(g, 0.02f, 23);
        const Reading r = read_digits(g);
        QCOMPARE(int(r.digits.size()), 2);
        const DigitBox a = r.digits[0].box, b = r.digits[1].box;
        QVERIFY(a.x + a.width <= b.x);
        QVERIFY(a.x < 140 && b.x > 190);
        for (const SegmentedDigit& d : r.digits) QVERIFY(!d.input.empty && !d.split);
    }

    // A five whose top bar is a separate stroke (not touching the body) is one digit.
    void looseTopBarJoinsItsDigit() {
        GrayImage g = page(240, 240, 1.0f);
        stroke(g, {{100, 60}, {160, 58}}, 9, 0.0f);                                          // the bar
        stroke(g, {{98, 72}, {92, 115}, {130, 105}, {150, 135}, {140, 170}, {95, 175}}, 9, 0.0f);  // the body
        const Reading r = read_digits(g);
        QCOMPARE(int(r.digits.size()), 1);
        QVERIFY(r.ink.components.size() >= 2);
    }

    // Three zeros touching: one blob, over twice as wide as high, cut in three. (Two touching
    // digits often stay one: a blob is cut only when it is 1.5 times wider than high.)
    void touchingDigitsAreSplit() {
        GrayImage g = page(360, 160, 1.0f);
        for (int k = 0; k < 3; ++k) zero(g, 100 + 82 * k, 80, 38, 55, 9, 0.0f);
        const Reading r = read_digits(g);
        QCOMPARE(int(r.ink.components.size()), 1);
        QCOMPARE(int(r.digits.size()), 3);
        QVERIFY(r.digits[0].split && r.digits[1].split && r.digits[2].split);
        QVERIFY2(std::abs(r.digits[0].box.x + r.digits[0].box.width - 141) <= 12, qPrintable(QString::number(r.digits[0].box.x + r.digits[0].box.width)));
    }

    // Two touching zeros (1.3 times wider than high) stay one blob without a reader; with one
    // that is sure of each half and not of the whole, they are cut in two. A reader sure of the
    // whole keeps it whole.
    void confidenceCutsTouchingDigits() {
        GrayImage g = page(300, 160, 1.0f);
        zero(g, 105, 80, 40, 55, 9, 0.0f);
        zero(g, 190, 80, 40, 55, 9, 0.0f);
        QCOMPARE(int(read_digits(g).digits.size()), 1);
        // The fake reader: sure of an image whose ink is narrow (a half), unsure of a wide one.
        const DigitConfidence halves = [](const MnistImage& x) {
            int x0 = 28, x1 = 0;
            for (int i = 0; i < 784; ++i)
                if (x[static_cast<std::size_t>(i)] > 0.3f) x0 = std::min(x0, i % 28), x1 = std::max(x1, i % 28 + 1);
            return x1 - x0 < 18 ? 0.999f : 0.5f;
        };
        const Reading r = read_digits(g, {}, halves);
        QCOMPARE(int(r.digits.size()), 2);
        QVERIFY(r.digits[0].box.x + r.digits[0].box.width <= r.digits[1].box.x + 2);
        const DigitConfidence whole = [](const MnistImage&) { return 0.99f; };
        QCOMPARE(int(read_digits(g, {}, whole).digits.size()), 1);
    }

    // Three bars joined by a thin stroke along the bottom: one blob about as wide as high. A
    // reader sure only of a single bar has them read as three digits, cut at the thin joins, not
    // in two at the middle (where a half holds a bar and a half).
    void touchingDigitsAreCutWhereTheReaderAgrees() {
        GrayImage g = page(260, 170, 1.0f);
        for (int k = 0; k < 3; ++k) stroke(g, {{80.0 + 50 * k, 55}, {80.0 + 50 * k, 140}}, 12, 0.0f);
        stroke(g, {{80, 138}, {180, 138}}, 4, 0.0f);
        auto one_bar_reader = [](float sure) -> DigitConfidence {
            return [sure](const MnistImage& x) {
                std::array<float, 28> column{};
                for (int i = 0; i < 784; ++i) column[static_cast<std::size_t>(i % 28)] += x[static_cast<std::size_t>(i)];
                const float most = *std::max_element(column.begin(), column.end());
                int runs = 0;
                for (int c = 0; c < 28; ++c)
                    runs += column[static_cast<std::size_t>(c)] > 0.5f * most && (c == 0 || column[static_cast<std::size_t>(c) - 1] <= 0.5f * most);
                return runs == 1 ? sure : 0.3f;
            };
        };
        const DigitConfidence one_bar = one_bar_reader(0.999f);
        QCOMPARE(int(read_digits(g).digits.size()), 1);
        const Reading r = read_digits(g, {}, one_bar);
        QCOMPARE(int(r.ink.components.size()), 1);
        QCOMPARE(int(r.digits.size()), 3);
        for (int k = 0; k < 3; ++k) {
            const DigitBox& b = r.digits[static_cast<std::size_t>(k)].box;
            QVERIFY(r.digits[static_cast<std::size_t>(k)].split);
            const int bar = 80 + 50 * k;  // each box holds its bar and not a neighbour's
            QVERIFY2(b.x <= bar - 6 && b.x + b.width >= bar + 6 && b.x > bar - 44 && b.x + b.width < bar + 44,
                     qPrintable(QString("digit %1: %2-%3").arg(k).arg(b.x).arg(b.x + b.width)));
        }
        // Parts read with only 0.99 are not enough to cut a blob this narrow (a letter must not
        // fall apart into "digits").
        QCOMPARE(int(read_digits(g, {}, one_bar_reader(0.99f)).digits.size()), 1);
    }

    // Nothing to read: blank, 1x1, all ink, a speck of noise on a flat page. No digit, never a crash.
    void nothingToRead_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("blank white") << 0;
        QTest::newRow("1x1") << 1;
        QTest::newRow("all ink") << 2;
        QTest::newRow("noisy grey page") << 3;
        QTest::newRow("0x0") << 4;
    }
    void nothingToRead() {
        QFETCH(int, kind);
        GrayImage g = kind == 1 ? page(1, 1, 0.0f) : kind == 4 ? GrayImage{} : page(200, 150, kind == 2 ? 0.0f : 0.8f);
        if (kind == 3) noise(g, 0.03f, 29);
        const Reading r = read_digits(g);
        QVERIFY(r.digits.empty());
        QVERIFY(preprocess_digit(g).empty);
    }
};

QTEST_APPLESS_MAIN(TestPhoto)
#include "tst_photo.moc"
