#pragma once
// One picture in, one digit out: the plumbing every caller of a trained network shares (digit-cli
// predict and evaluate, the Draw and Quiz pages).
//
// "Not a digit". A network may have an 11th output, "not a digit" (the `best` preset and the
// default model do; they are trained on generated letters, scribbles, shapes, blobs, noise and
// empty canvases, see not_a_digit.h). Its softmax value is the model's probability that the
// picture is not a digit; at kNotADigitThreshold or above the answer is "not a digit". The digits'
// probabilities are then given over the digits alone (renormalised), so they keep their meaning
// for every model. A picture with no ink at all is not a digit whatever the model. A 10-output
// model (the tutorial presets, most Keras files) cannot say "not a digit" otherwise.
#include "network.h"
#include "preprocess.h"

#include <array>
#include <vector>

namespace digit {

// P(not a digit) from which a picture is answered "not a digit". Measured with
// `digit-cli evaluate --not-a-digit` (README, "Not a digit").
inline constexpr float kNotADigitThreshold = 0.5f;

struct Prediction {
    int digit = -1;                         // the most probable digit (0-9), also when not_a_digit
    std::array<float, 10> probabilities{};  // per digit, summing to 1 (over the 10 digits alone)
    bool not_a_digit = false;               // the answer is "not a digit"
    float not_a_digit_score = 0;            // P(not a digit): the 11th output, 1 for an empty picture,
                                            // 0 from a 10-output model
    float confidence = 0;                   // P(the answer): not_a_digit_score when not_a_digit, else the
                                            // digit's probability among all outputs
    bool model_knows_not_a_digit = false;   // the network has the 11th output
};

// The answer from one row of class probabilities: 10 values (digits) or 11 (digits and "not a
// digit"), each row summing to 1. empty: the picture had no ink.
Prediction prediction_from_probabilities(const Scalar* probabilities, int classes, bool empty);

// How sure the answer is that the picture is its digit: the digit's probability among all the
// answers, 0 when the answer is "not a digit". What segment.h's reader cuts touching digits by.
inline float digit_confidence(const Prediction& p) { return p.not_a_digit ? 0.0f : p.confidence; }

// The network's answer for one preprocessed 28x28 image (all zero: no ink). Throws ConfigError
// when the network does not take 784 inputs or has other than 10 or 11 outputs.
Prediction predict_image(Network& network, const MnistImage& image);

// The answers for many preprocessed images at once: x is (n, 784), as images_to_rows() makes it.
std::vector<Prediction> predict_rows(Network& network, const Matrix& x);

// Many preprocessed images as network input rows: (images.size(), 784).
Matrix images_to_rows(const std::vector<MnistImage>& images);

// The index of the largest value of each row: the predicted class of each sample (10, "not a
// digit", is one of them for an 11-output model).
std::vector<int> argmax_rows(const Matrix& scores);

// The most probable digit of each row, looking at the first 10 columns only: what the pages that
// sort digits by digit (Errors, Quiz, Inside) show.
std::vector<int> argmax_digits(const Matrix& scores);

}  // namespace digit
