#pragma once
// MNIST test digits redrawn with other pens, to measure how a model copes with strokes unlike
// MNIST's: what a person draws with a mouse is a solid stroke of one width, often thicker or
// thinner than MNIST's soft pen, often slanted. Each style re-renders a 28x28 image at twice the
// resolution (bilinear), changes the pen there, and goes through preprocess_digit() exactly as a
// drawing on the Draw page does. Pure functions; no randomness.
#include "preprocess.h"

#include <cstdint>
#include <string>
#include <vector>

namespace digit {

enum class PenStyle {
    Mnist,    // the image itself through the drawing pipeline (re-boxed and re-centred)
    Solid,    // hard-edged: every pixel with more than half ink is full ink, the rest none
    Thick,    // solid, and the stroke about 1 MNIST pixel wider on each side
    Thin,     // solid, and the stroke about half an MNIST pixel narrower on each side
    Slanted,  // solid, sheared 20 degrees to the right (italic)
};

const std::vector<PenStyle>& all_pen_styles();
std::string pen_style_name(PenStyle s);

// mnist: 28x28 bytes, light ink on black (as in the IDX files). Returns the model input.
PreprocessResult redraw_digit(const std::uint8_t* mnist, PenStyle style);

}  // namespace digit
