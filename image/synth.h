#pragma once
// Generated test pictures made from MNIST digits, for measuring the photo and number paths
// (`digit-cli evaluate --photos / --numbers`, `digit-cli synth`). Small and deterministic: every
// picture is a pure function of its digits and its seed (std::mt19937_64 and Qt's own
// drawing and JPEG code; no clock, no global state).
#include <QImage>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace digit {

// What a generated photo shows (for breaking the accuracy down by condition).
struct PhotoConditions {
    enum Ink { Black, Blue, Pencil } ink = Black;
    bool ruled = false;   // notebook ruling (and, for some, a grid or a red margin line)
    bool shadow = false;  // a soft shadow band across the page
    bool tinted = false;  // cream, bluish, grey or dark tinted paper (else near-white)
    int jpeg_quality = 0;
    int digit_height = 0;  // pixels
};

// An MNIST digit (28x28 bytes, light ink on black, as in the IDX files) written on photographed
// paper: uneven light (a gradient and vignetting), maybe a shadow band, ruling or a grid, tinted
// paper, black or blue ink or pencil, the digit 12-30% of the picture high anywhere on the page,
// sensor noise, then JPEG at quality 40-90. width x height RGB.
QImage synth_photo(const std::uint8_t* mnist, std::uint64_t seed, int width = 640, int height = 480,
                   PhotoConditions* conditions = nullptr);

// Several MNIST digits side by side as one number, dark ink on white: each digit's ink box
// placed after the previous one with a gap of gap_min..gap_max MNIST pixels (negative: they
// overlap and touch), baselines jittered by up to 2 px, the whole drawn 3x larger (bilinear).
// Returns the picture; the digits' order is the number's.
QImage synth_number(const std::vector<const std::uint8_t*>& digits, std::uint64_t seed, int gap_min, int gap_max);

// An MNIST digit as the Draw page's pad makes a drawing: 336x336 (the size it predicts from), a
// solid dark pen on white, the digit 12 times larger (bilinear, cut at half ink).
QImage synth_drawing(const std::uint8_t* mnist);

}  // namespace digit
