#pragma once
// Turns a picture of a digit (any size, either polarity) into the 28x28 input MNIST models expect,
// the way MNIST itself was made: the ink's bounding box is scaled to fit 20x20 keeping its aspect
// ratio (anti-aliased), then placed in a 28x28 field so that its centre of mass is at the centre.
// A pure function: the CLI's `predict` and the drawing canvas share it.
#include <array>
#include <cstdint>
#include <vector>

namespace digit {

// A grayscale picture: width*height values, row-major, 0 = black, 1 = white.
struct GrayImage {
    int width = 0;
    int height = 0;
    std::vector<float> pixels;
};

enum class Polarity { Auto, DarkOnLight, LightOnDark };

struct PreprocessOptions {
    Polarity polarity = Polarity::Auto;  // Auto: the border's brightness decides
    int box = 20;                        // the ink is scaled to fit box x box
};

// 784 floats, row-major 28x28, 0 = background, 1 = full ink (MNIST's polarity, scaled to 0-1).
using MnistImage = std::array<float, 784>;

struct PreprocessResult {
    MnistImage image{};
    bool empty = true;       // no ink found: image is all zero
    bool inverted = false;   // the input was dark ink on a light background
};

PreprocessResult preprocess_digit(const GrayImage& input, const PreprocessOptions& options = {});

}  // namespace digit
