#pragma once
// Finding the ink in a picture: the first stage of preprocess_digit() and of reading a number.
//
// A drawing (the canvas, an MNIST image, a clean scan) has a flat background; its ink is measured
// against that one level, exactly as before photos were supported. A photo of paper has neither a
// flat background nor clean ink: its light falls off across the page, a shadow band crosses it,
// the paper is tinted, the sensor adds noise and the JPEG rings. For a photo the stages are
//   0. polarity: which side of the paper the ink lies on, judged against the local paper (its
//      opening and its block median) rather than by the picture's extremes, which shading sets,
//      and in log luminance, where a stroke's contrast does not depend on the light on it; the
//      picture's extremes are overturned only by ink that ends on the page (not the paper beside
//      a shadow band, or between ruling lines, which run to the border);
//   1. lighting: the background is estimated by a grey-level opening (a min filter then a max
//      filter, in "ink" units) with a window wider than the strokes, so strokes vanish from it and
//      steps such as a shadow's edge stay, raised to what runs straight to the picture's border
//      (a shadow band narrower than that window); each pixel's ink is its darkening relative to the
//      background there ((v - b) / (1 - b), i.e. division in luminance: flat-field correction);
//   2. ink mask: Otsu's threshold on that corrected ink, kept within sane bounds;
//   3. lines: ruling and grid lines (thin, and long across the picture, even slightly tilted or
//      bent) are removed from the mask, except where a stroke crosses them;
//   4. blobs: connected components of what is left; specks, long thin fragments and large
//      regions touching the picture's edge (the page's edge, the table) are dropped;
//   5. soft edges: the corrected ink is kept only on and next to the kept blobs (2 px), so the
//      digit keeps its anti-aliased rim as MNIST's own digits have.
// All plain C++; pixels are row-major, widths and heights in pixels of the working image (the
// input scaled down by an integer factor to at most kWorkSide on its longer side).
#include "preprocess.h"

#include <cstdint>
#include <vector>

namespace digit {

// Larger pictures are averaged down by an integer factor before the ink is looked for: the model
// sees 28x28, and a digit a tenth of a 1000-px photo high still spans 100 px.
inline constexpr int kWorkSide = 1024;

// A connected piece of ink in the working image. Box half-open: [x0, x1) x [y0, y1).
struct InkComponent {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    int area = 0;  // mask pixels
    int width() const { return x1 - x0; }
    int height() const { return y1 - y0; }
};

struct InkMap {
    int width = 0, height = 0;  // the working image
    int scale = 1;              // input pixels per working pixel (the integer reduction)
    bool empty = true;          // no ink at all
    bool photo = false;         // the photo path ran (the background was not flat)
    bool inverted = false;      // dark ink on a light background
    GrayImage working;          // the input at working size (0 = black, 1 = white)
    std::vector<float> corrected;  // ink after lighting correction, 0 = paper, 1 = strongest ink
    std::vector<float> ink;        // what the digit crops read: corrected ink on and near kept blobs
    std::vector<std::uint8_t> mask;  // 1 = a pixel of a kept blob
    std::vector<int> owner;        // 1-based index into components of the blob a pixel belongs to (or rims), 0 none
    std::vector<InkComponent> components;  // kept blobs
    int lines_removed = 0;          // pixels taken out as ruling or grid lines
};

// The ink of a picture. Never throws for a well-formed GrayImage (throws std::invalid_argument,
// as preprocess_digit does, when pixels.size() != width * height).
InkMap find_ink(const GrayImage& input, const PreprocessOptions& options = {});

}  // namespace digit
