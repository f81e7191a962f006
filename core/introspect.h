#pragma once
// Looking inside a trained network for one image: every layer's output, where the network looks
// (the gradient of a class's score or probability with respect to the input, an occlusion map)
// and the activations of many images at one layer (for the embedding of the test set).
//
// All functions run the network in inference mode and leave its weights unchanged; they overwrite
// its gradient buffer and activations, so a caller inspects a network nobody is training.
#include "network.h"

#include <functional>
#include <vector>

namespace digit {

// Every spec layer's output for x: (1, input.size()), in the network's own forward pass.
// layers[i]: (1, layer_output_shapes()[i].size()), channels-last; for a network that ends with a
// softmax the last entry is the softmax (the probabilities), as Keras's layer shows it.
// probabilities: (1, classes), equal to Network::predict(x).
struct LayerOutputs {
    std::vector<Matrix> layers;
    Matrix probabilities;
};
LayerOutputs forward_layers(Network& network, const Matrix& x);

// What input_gradient differentiates: the class's score (forward_scores: logits when
// Network::scores_are_logits(), otherwise the last layer's output) or its probability
// (Network::predict's value).
enum class GradientTarget { Score, Probability };

// d target[cls] / dx for one input x: (1, input.size()); result (1, input.size()).
// Throws ConfigError when cls is not a class of the network.
Matrix input_gradient(Network& network, const Matrix& x, int cls, GradientTarget target = GradientTarget::Score);

// Occlusion map for one image x: (1, height * width) of a single-channel image (28x28 for MNIST):
// a `patch` x `patch` square of `fill` slides over the image with `stride`; each pixel's value is
// the mean drop p(cls | x) - p(cls | occluded x) over the placements covering it (0 for a pixel no
// placement covers). All placements are predicted as one batch. Result (height, width).
Matrix occlusion_map(Network& network, const Matrix& x, int height, int width, int cls, int patch = 6,
                     int stride = 2, Scalar fill = 0);

// Spec layer `spec_layer`'s output for every row of x: (x.rows(), layer_output_shapes()[spec_layer]
// .size()), computed `batch` rows at a time. `progress(done, total)`, if given, is called after
// every batch and may return false to cancel; the rows done so far are kept and the rest
// left zero. Returns the number of rows computed.
using Progress = std::function<bool(Eigen::Index done, Eigen::Index total)>;
Eigen::Index layer_activations(Network& network, const Matrix& x, std::size_t spec_layer, Matrix& out,
                               int batch = 256, const Progress& progress = {});

// The layer whose output an embedding shows: the one before the network's last layer (the
// penultimate layer, e.g. the 128 hidden units before the 10 outputs), skipping a Dropout, which
// is the identity at inference and repeats the layer before it.
std::size_t penultimate_layer(const Network& network);

}  // namespace digit
