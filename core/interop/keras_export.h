#pragma once
// Keras files out: our models written in the layouts keras_import.h reads, so a learner can load
// them in Keras (keras.models.load_model).
//   .h5     Keras 2's model.save("m.h5") layout: model_config and training_config JSON as tf.keras
//           2.x writes them, weights at model_weights/<layer>/<layer>/kernel:0 with layer_names
//           and weight_names. Keras 3 loads these too (its legacy .h5 reader).
//   .keras  Keras 3's zip: metadata.json, config.json (with compile_config) and model.weights.h5
//           (layers/<snake_case_class>[_N]/vars/<i>).
// Layer names are Keras's automatic ones (dense, dense_1, conv2d, ...). Saves are atomic.
#include "model_io.h"

#include <string>

namespace digit::interop {

std::string keras_h5_bytes(const ModelFile& model);
std::string keras_zip_bytes(const ModelFile& model);
// By the file name: .keras writes the zip, .h5/.hdf5 the Keras 2 HDF5 file.
void export_keras(const std::string& path, const ModelFile& model);

}  // namespace digit::interop
