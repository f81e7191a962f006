#pragma once
// What a training run is asked to do: optimiser, loss, batches, epochs, validation split, early
// stopping, augmentation. Plain values (compared with ==), saved in model files and presets;
// validate() in trainer.h says whether a network and data can run them.
#include "loss.h"
#include "optimizer.h"

#include <cstdint>
#include <string>

namespace digit {

struct EarlyStoppingConfig {
    bool enabled = false;
    std::string monitor = "val_loss";  // val_loss, val_accuracy, loss, accuracy
    int patience = 0;
    float min_delta = 0.0f;
    bool restore_best_weights = false;
    bool operator==(const EarlyStoppingConfig&) const = default;
};

// Random small distortions of training images, applied per sample and per epoch
// (the `best` preset uses them; all zero = off).
struct AugmentationConfig {
    float max_shift = 0.0f;         // pixels
    float max_rotation = 0.0f;      // degrees
    float max_scale = 0.0f;         // fraction, e.g. 0.1 = 90%..110%
    float stroke_probability = 0.0f;  // chance of thickening or thinning the stroke
    bool enabled() const { return max_shift > 0 || max_rotation > 0 || max_scale > 0 || stroke_probability > 0; }
    bool operator==(const AugmentationConfig&) const = default;
};

// Bounds on a configuration: validate() checks them, and so do the command line and the model
// loader before they convert a number.
inline constexpr int kMaxBatchSize = 1 << 20;
inline constexpr int kMaxEpochs = 1000000;

struct TrainConfig {
    OptimizerConfig optimizer;
    LossSpec loss;
    int batch_size = 32;
    int epochs = 1;
    float validation_split = 0.0f;  // last fraction of the training set, as Keras takes it
    bool shuffle = true;
    std::uint64_t seed = 1;
    EarlyStoppingConfig early_stopping;
    AugmentationConfig augmentation;
    // Generated "not a digit" images (not_a_digit.h, label 10) added to every epoch, as a share
    // of its training images (0.1: 6,000 beside MNIST's 54,000-60,000), drawn afresh each epoch.
    // Needs a network with 11 outputs; 0 = off (every tutorial preset).
    float not_a_digit_share = 0.0f;
    bool operator==(const TrainConfig&) const = default;
};

}  // namespace digit
