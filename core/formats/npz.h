#pragma once
// Keras's mnist.npz: a zip archive (zip_reader.h) of four .npy arrays, x_train, y_train, x_test
// and y_test, stored or deflated.
#include "dataset.h"

#include <string>

namespace digit {

// Reads the four arrays; a bad file raises FileError naming the file, the entry, the offset and
// what was expected.
MnistData load_npz(const std::string& path);

}  // namespace digit
