#pragma once
// Labelled image sets as the trainer sees them: images stay uint8 in memory, one copy; batches
// are converted to float on the fly (to_batch). The file formats that fill them live in formats/.
#include "tensor.h"

#include <cstdint>
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

// Converts samples [first, first + count) of `order` (indices into ds) to floats in [0, 1]:
// x: (count, rows*cols), labels: (count). x and labels are resized only if their size changes.
void to_batch(const Dataset& ds, const std::vector<std::size_t>& order, std::size_t first,
              std::size_t count, Matrix& x, std::vector<int>& labels);

}  // namespace digit
