#pragma once
// Cross-entropy losses, as Keras defines them, in a numerically stable fused form.
//
// scores: (batch, classes). With from_logits the scores are logits and the softmax is folded
// into the loss (log-sum-exp). Without, they are probabilities (e.g. a softmax or sigmoid output):
// Keras then rescales each row to sum to 1 and clips to [1e-7, 1 - 1e-7] before the log.
// The loss is the mean over the batch; grad = dLoss/dscores.
#include "activation.h"  // softmax_rows
#include "tensor.h"

#include <optional>
#include <string>
#include <vector>

namespace digit {

enum class LossKind { CategoricalCrossentropy, SparseCategoricalCrossentropy };

struct LossSpec {
    LossKind kind = LossKind::SparseCategoricalCrossentropy;
    bool from_logits = false;
    bool operator==(const LossSpec&) const = default;
};

std::string loss_name(LossKind k);  // "categorical_crossentropy", ...
std::optional<LossKind> loss_from_name(const std::string& name);

// Sparse targets: labels[i] in [0, classes). grad may be null.
double sparse_cross_entropy(const Matrix& scores, const std::vector<int>& labels, bool from_logits,
                            Matrix* grad);

// Dense targets: targets (batch, classes), each row a distribution (one-hot for MNIST).
double categorical_cross_entropy(const Matrix& scores, const Matrix& targets, bool from_logits,
                                 Matrix* grad);


}  // namespace digit
