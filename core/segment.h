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
//   - touching digits (read_digits with a reader's confidence): a group wider than high is cut where
//     the reader agrees. The candidate cuts are the local minima of its column ink profile (and
//     the even cuts); of all ways to cut there into parts 0.15-1.3 heights wide, the one whose
//     parts the reader is surest of together (largest sum of log confidence, by dynamic
//     programming) wins. A group up to 1.75 times wider than high stays whole when the reader is
//     0.9 sure of it, and is cut only into parts each read with over 0.995 (MNIST's 0s and 5s
//     reach 1.5 times wider than high and must not fall apart; a letter or scribble must not
//     fall apart into "digits"); a wider one only into parts read with over 0.9;
//   - without a reader, a group wider than 1.75 times its height is round(width / (0.7 * height))
//     touching digits, cut at the columns with the least ink near the even cuts.
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
// With `confidence` (the model's digit_confidence), touching digits are cut where it agrees (above).
Reading read_digits(const GrayImage& input, const PreprocessOptions& options = {}, const DigitConfidence& confidence = {});

}  // namespace digit
