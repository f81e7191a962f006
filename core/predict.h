#pragma once
// One picture in, one digit out: the plumbing every caller of a trained network shares (digit-cli
// predict and evaluate --pen-styles, the Draw and Quiz pages).
#include "network.h"
#include "preprocess.h"

#include <array>
#include <vector>

namespace digit {

struct Prediction {
    int digit = -1;                       // the most probable class
    std::array<float, 10> probabilities{};  // per digit, summing to 1
};

// The network's answer for one preprocessed 28x28 image. Throws ConfigError when the network does
// not take 784 inputs or has other than 10 outputs.
Prediction predict_image(Network& network, const MnistImage& image);

// Many preprocessed images as network input rows: (images.size(), 784).
Matrix images_to_rows(const std::vector<MnistImage>& images);

// The index of the largest value of each row: the predicted class of each sample.
std::vector<int> argmax_rows(const Matrix& scores);

}  // namespace digit
