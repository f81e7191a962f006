#pragma once
// MNIST, wherever it is: the four IDX files (formats/idx.h, raw or gzip) or Keras's mnist.npz
// (formats/npz.h), found by a fixed search order.
#include "dataset.h"
#include "formats/idx.h"
#include "formats/npz.h"

#include <optional>
#include <string>

namespace digit {

// Loads MNIST from a folder holding the four IDX files (with or without .gz), or from an .npz
// file path. Raises FileError when nothing usable is there.
MnistData load_mnist(const std::string& dir_or_npz);

// Where to look for MNIST, in order: the explicit path (if non-empty), $DIGIT_MNIST_DIR,
// ./data/mnist, the folder the set-up script fills (<repo>/data/mnist, baked in at build time),
// ~/.keras/datasets/mnist.npz. Returns the first that exists, or nullopt.
std::optional<std::string> find_mnist(const std::string& explicit_path = {});

}  // namespace digit
