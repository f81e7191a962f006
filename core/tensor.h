#pragma once
// Basic numeric types of the core. A mini-batch is a row-major matrix with one sample per row:
// x: (batch, features). Image tensors are flattened channels-last (height, width, channels), the
// order Keras's Flatten uses, so weights and summaries line up with the tutorials.
#include <Eigen/Core>

#include <cstdint>
#include <string>
#include <vector>

namespace digit {

// The core computes in float. The gradient-check tests build a second copy of the core with
// DIGIT_DOUBLE defined, so finite differences run in double precision against the same code.
#ifdef DIGIT_DOUBLE
using Scalar = double;
#else
using Scalar = float;
#endif

using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
using RowVector = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;
using VectorMap = Eigen::Map<Vector>;
using RowVectorMap = Eigen::Map<RowVector>;

// Shape of one sample, without the batch dimension: {784} for a flat image, {28, 28, 1} for an
// image, {10} for class scores.
struct Shape {
    std::vector<int> dims;

    Shape() = default;
    Shape(std::initializer_list<int> d) : dims(d) {}
    explicit Shape(std::vector<int> d) : dims(std::move(d)) {}

    std::int64_t size() const {
        std::int64_t n = 1;
        for (int d : dims) n *= d;
        return n;
    }
    int rank() const { return static_cast<int>(dims.size()); }
    int operator[](int i) const { return dims[static_cast<std::size_t>(i)]; }
    bool operator==(const Shape&) const = default;
    // Keras's notation with the batch dimension: "(None, 26, 26, 32)".
    std::string to_string() const;
};

}  // namespace digit
