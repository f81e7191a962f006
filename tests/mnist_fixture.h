#pragma once
// The one way tests load the real MNIST: where find_mnist() looks ($DIGIT_MNIST_DIR, which CTest
// sets to <repo>/data/mnist, first). In initTestCase:
//     QVERIFY2(digit::test::loadMnist(data_), digit::test::kMnistMissing);
#include "mnist.h"

namespace digit::test {

inline constexpr const char* kMnistMissing = "MNIST not found: run scripts/setup.sh (or set DIGIT_MNIST_DIR)";

// Fills data and returns true, or returns false when no MNIST is found (a bad file throws).
inline bool loadMnist(MnistData& data) {
    const auto where = find_mnist();
    if (!where) return false;
    data = load_mnist(*where);
    return true;
}

}  // namespace digit::test
