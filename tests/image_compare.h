#pragma once
// How alike two 28x28 inputs are, for the preprocessing and image-decoding tests.
#include "preprocess.h"

#include <cmath>

namespace digit::test {

// Pearson correlation of the 784 values: 1 = the same picture up to brightness and contrast,
// 0 when either image is flat.
inline double correlation(const MnistImage& a, const MnistImage& b) {
    double ma = 0, mb = 0;
    for (int i = 0; i < 784; ++i) ma += a[i], mb += b[i];
    ma /= 784, mb /= 784;
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < 784; ++i) ab += (a[i] - ma) * (b[i] - mb), aa += (a[i] - ma) * (a[i] - ma), bb += (b[i] - mb) * (b[i] - mb);
    return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0;
}

}  // namespace digit::test
