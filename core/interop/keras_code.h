#pragma once
// Keras code export: the Python script, in the style of the Keras MNIST tutorials, that builds,
// compiles and fits the same network with the same training settings. A learner sees what the
// Train page means in the language of their tutorial. Keras 3 (`import keras`) spelling; with
// tf.keras 2.x, `from tensorflow import keras` works the same.
#include "layer_spec.h"
#include "trainer.h"

#include <string>

namespace digit::interop {

// name: the model's name, used in comments and the saved file's name.
std::string keras_code(const ModelSpec& spec, const TrainConfig& training, const std::string& name);

}  // namespace digit::interop
