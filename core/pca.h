#pragma once
// Principal component analysis of a data matrix, for drawing many high-dimensional points in 2-D
// (the embedding of the test set on the Inside page).
#include "tensor.h"

namespace digit {

struct Pca {
    RowVector mean;       // (1, d): the column means of the data
    Matrix components;    // (k, d): unit directions of largest variance, largest first; each
                          // component's entry of largest magnitude is positive, so signs are fixed
    Vector variances;     // (k): the data's variance along each component (divided by n - 1)
    Matrix projected;     // (n, k): (data - mean) * components^T
};

// The first k principal components of x: (n, d), n >= 2, 1 <= k <= d, from the eigenvectors of
// the d x d covariance (cheap for the few hundred features of a hidden layer). Computed in double.
// Throws ConfigError on other shapes.
Pca pca(const Matrix& x, int k);

}  // namespace digit
