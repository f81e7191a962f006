#pragma once
// Keras models in: the files the Keras MNIST tutorials end with, turned into ordinary Digit
// Studio models (a ModelFile, as load_model gives).
//
//   Keras 2 .h5       model.save("m.h5"): root attributes model_config (JSON), keras_version,
//                     backend, training_config; weights at model_weights/<layer>/<weight name>
//                     as listed by the attributes layer_names and weight_names ("dense/kernel:0").
//   legacy .h5 (K3)   the same layout with Keras 3's config and weight names that are variable
//                     paths ("sequential/dense/kernel").
//   .keras (K3)       a zip of metadata.json, config.json and model.weights.h5, whose weights sit
//                     at layers/<snake_case_class>[_N]/vars/<i>.
//   .weights.h5       weights alone (Keras 3's save_weights, or Keras 2's save_weights to .h5),
//                     for an architecture given separately (a preset, a network built here).
//
// Sequential models of InputLayer, Dense, Conv2D, MaxPooling2D, Flatten, Dropout,
// BatchNormalization, Activation, and Reshape to (28, 28, 1) at the start, on inputs of shape
// (784), (28, 28) or (28, 28, 1), channels last; and functional models (keras.Model(inputs,
// outputs)) of those layers when they form a single chain from the input to the output.
// Dense and Conv2D with use_bias=False get a zero bias. Keras's layouts are ours (Dense kernel (in, out),
// Conv2D kernel (kh, kw, in, out), Flatten in (height, width, channel) order), so weights are
// copied element for element. Anything else is refused with a FileError that names the layer or
// setting and says what is supported; nothing is half-imported. Every size is checked against
// the architecture before anything is allocated.
#include "model_io.h"

#include <string>
#include <vector>

namespace digit::interop {

enum class KerasFormat { Keras2H5, Keras3LegacyH5, KerasZip };

struct KerasImport {
    ModelFile model;
    KerasFormat format = KerasFormat::Keras2H5;
    std::string keras_version;     // as the file states it, may be empty
    bool training_from_file = false;  // optimiser and loss came from the file's training/compile config
};

std::string format_name(KerasFormat f);  // "Keras 2 HDF5", ...

// True for file names a Keras model may have (.h5, .hdf5, .keras).
bool is_keras_path(const std::string& path);

// Reads a Keras model file (told by its content: HDF5 or zip). Throws FileError.
KerasImport import_keras_model(const std::string& path);
// The same from bytes already read (path only names the file in errors); the fuzz target's entry.
KerasImport import_keras_model_bytes(const std::string& bytes, const std::string& path);

// Weights alone, for `spec`: a Keras 3 .weights.h5 (layers/<class>[_N]/vars/<i>) or a Keras 2
// weights file (layer_names/weight_names at the root). Returns the network's flat parameters.
std::vector<float> import_keras_weights(const std::string& path, const ModelSpec& spec);
std::vector<float> import_keras_weights_bytes(const std::string& bytes, const std::string& path, const ModelSpec& spec);

// A model file of either kind: a Keras file (is_keras_path) is imported, anything else is read as
// Digit Studio's .dsm. What `digit-cli evaluate/predict/summary --model` and the app open.
ModelFile load_any_model(const std::string& path);


}  // namespace digit::interop
