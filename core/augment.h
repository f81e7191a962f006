#pragma once
// Random distortions of 28x28 training images (small shifts, rotations, scaling, stroke
// thickening or thinning), so a model learns the variety of real drawn digits rather than
// MNIST's exact centring and pen. A pure function of the image and the random draw.
#include "rng.h"
#include "tensor.h"
#include "train_config.h"

namespace digit {

// Distorts each row of x in place. x: (batch, 784), values in [0, 1], 28x28 row-major.
void augment_batch(Matrix& x, const AugmentationConfig& config, Rng& rng);

}  // namespace digit
