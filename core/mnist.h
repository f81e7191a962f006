#pragma once
// MNIST data sets: IDX files (raw or gzip) and Keras's mnist.npz. Images stay uint8 in memory, one
// copy; batches are converted to float on the fly (see to_batch).
#include "tensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace digit {

// A set of labelled grayscale images, as stored in MNIST: 0 = background, 255 = full ink.
struct Dataset {
    int rows = 28;
    int cols = 28;
    std::vector<std::uint8_t> images;  // size() * rows * cols, row-major per image
    std::vector<std::uint8_t> labels;  // size(), each 0..9

    std::size_t size() const { return labels.size(); }
    std::size_t pixels_per_image() const { return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols); }
    const std::uint8_t* image(std::size_t i) const { return images.data() + i * pixels_per_image(); }
    // The first n samples (or all, if n >= size()).
    Dataset head(std::size_t n) const;
    // The samples at the given indices, in that order.
    Dataset subset(const std::vector<std::size_t>& indices) const;
};

struct MnistData {
    Dataset train;  // 60,000 images
    Dataset test;   // 10,000 images
    std::string source;  // where it was found, for messages
};

// Reads one IDX images file and its labels file. Either may be gzip-compressed (detected by its
// magic bytes, not its name). Every header field is checked against the file's real size; a bad
// file raises FileError naming the file, the byte offset and what was expected.
Dataset load_idx(const std::string& images_path, const std::string& labels_path);

// Reads Keras's mnist.npz (x_train, y_train, x_test, y_test; stored or deflated zip entries).
MnistData load_npz(const std::string& path);

// Loads MNIST from a folder holding the four IDX files (with or without .gz), or from an .npz
// file path. Raises FileError when nothing usable is there.
MnistData load_mnist(const std::string& dir_or_npz);

// Where to look for MNIST, in order: the explicit path (if non-empty), $DIGIT_MNIST_DIR,
// ./data/mnist, the folder the set-up script fills (<repo>/data/mnist, baked in at build time),
// ~/.keras/datasets/mnist.npz. Returns the first that exists, or nullopt.
std::optional<std::string> find_mnist(const std::string& explicit_path = {});

// Converts samples [first, first + count) of `order` (indices into ds) to floats in [0, 1]:
// x: (count, rows*cols), labels: (count). x and labels are resized only if their size changes.
void to_batch(const Dataset& ds, const std::vector<std::size_t>& order, std::size_t first,
              std::size_t count, Matrix& x, std::vector<int>& labels);

}  // namespace digit
