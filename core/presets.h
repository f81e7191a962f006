#pragma once
// The classic Keras MNIST tutorials, as networks and training settings that reproduce them.
#include "layer_spec.h"
#include "train_config.h"

#include <string>
#include <vector>

namespace digit {

struct Preset {
    std::string name;          // e.g. "mlp-392x2"; fixed, other tools call them by name
    std::string description;   // one line
    ModelSpec model;
    TrainConfig training;
    double tutorial_accuracy;  // the test accuracy the tutorial reports (fraction)
};

const std::vector<Preset>& presets();
// nullptr if there is no preset of that name.
const Preset* find_preset(const std::string& name);

}  // namespace digit
