#pragma once
// Reading a picture that may hold several digits side by side ("2026"): the ink's blobs
// (core/ink.h) are grouped into digits, left to right, and each goes through the same MNIST
// stage (digit_from_ink) as a single digit does.
//
// Grouping, in the working image's pixels:
//   - blobs that overlap horizontally by half the narrower one's width belong to one digit (a 5's
//     loose top bar, a 4 drawn in two strokes), as do blobs less than 5% of the tallest digit's
//     height apart;
//   - a piece (under 40% of the tallest digit's height, under a tenth of it wide, or under 8% of
//     the largest digit's ink: a stray dot, a bit of a stroke) joins the nearest digit within half
//     that height, or is dropped;
//   - a group wider than 1.75 times its height (MNIST 0s and 5s reach 1.5) is two or more touching digits: it is cut into
//     round(width / (0.7 * height)) parts at the columns with the least ink near the even cuts.
// One group is the common case: it is read from the whole ink map, exactly as preprocess_digit().
#include "ink.h"
#include "preprocess.h"

#include <functional>
#include <vector>

namespace digit {

struct DigitBox {
    int x = 0, y = 0, width = 0, height = 0;  // in the input picture's pixels
};

struct SegmentedDigit {
    DigitBox box;
    PreprocessResult input;  // the 28x28 image the model sees
    DigitSteps steps;        // its crop and 20x20 fit
    bool split = false;      // cut out of a wider blob (touching digits)
};

struct Reading {
    InkMap ink;                          // the first stage, for showing it
    std::vector<SegmentedDigit> digits;  // left to right; empty when there is no ink
};

// How sure a reader is of one 28x28 image (e.g. a model's top probability, 0-1).
using DigitConfidence = std::function<float(const MnistImage&)>;

// Throws std::invalid_argument for a malformed GrayImage or options (as preprocess_digit does).
// With `confidence`, a blob between 1 and 1.75 times wider than high (two touching digits, or one
// wide digit) is also tried cut in two: it is cut when the whole is read with under 0.9 and both
// halves with over 0.95.
Reading read_digits(const GrayImage& input, const PreprocessOptions& options = {}, const DigitConfidence& confidence = {});

}  // namespace digit
