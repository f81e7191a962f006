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
    bool drawing = false;                // a drawing (the canvas): its background is flat, never a photo's
};

// 784 floats, row-major 28x28, 0 = background, 1 = full ink (MNIST's polarity, scaled to 0-1).
using MnistImage = std::array<float, 784>;

// An MNIST image as stored (784 bytes, 0-255, e.g. Dataset::image()) as the model takes it.
MnistImage mnist_image(const std::uint8_t* pixels);

struct PreprocessResult {
    MnistImage image{};
    bool empty = true;       // no ink found: image is all zero
    bool inverted = false;   // the input was dark ink on a light background
};

// The whole picture as one digit: find_ink() (core/ink.h: lighting, ink mask, lines and page
// edges dropped) then digit_from_ink().
PreprocessResult preprocess_digit(const GrayImage& input, const PreprocessOptions& options = {});

// One digit's way to the model, as pictures: what the Draw page and `digit-cli predict --steps`
// show. Both 0 = no ink, 1 = full ink.
struct DigitSteps {
    GrayImage crop;  // the ink inside the digit's box, at the working image's resolution
    GrayImage fit;   // that box scaled to fit box x box (options.box), before centring
};

// The MNIST stage: the ink's bounding box (isolated specks ignored, faint anti-aliased rims taken
// in) scaled to fit options.box keeping its aspect ratio, then centred by its centre of mass in
// 28x28. ink: w x h, row-major, 0 = none, 1 = full ink. `steps`, when given, receives the crop and
// the fit. An ink map without any ink gives an empty result.
PreprocessResult digit_from_ink(std::vector<float> ink, int w, int h, const PreprocessOptions& options = {},
                                DigitSteps* steps = nullptr);

}  // namespace digit
