#include "loss.h"

#include "errors.h"

#include <algorithm>
#include <cmath>

namespace digit {

std::string loss_name(LossKind k) {
    return k == LossKind::CategoricalCrossentropy ? "categorical_crossentropy" : "sparse_categorical_crossentropy";
}

std::optional<LossKind> loss_from_name(const std::string& name) {
    if (name == "categorical_crossentropy") return LossKind::CategoricalCrossentropy;
    if (name == "sparse_categorical_crossentropy") return LossKind::SparseCategoricalCrossentropy;
    return std::nullopt;
}

namespace {

// Keras's backend epsilon, used to clip probabilities before the log.
constexpr double kEpsilon = 1e-7;

// Cross-entropy against a target distribution t (one row), in the fused form:
//   from logits z:  L = logsumexp(z) - sum(t z) / sum(t) ... with sum(t) = 1: L = lse(z) - t.z,
//                   dL/dz = softmax(z) * sum(t) - t
//   from probabilities p (Keras): q = clip(p / sum(p), eps, 1 - eps), L = -sum(t log q),
//                   dL/dp through the normalisation (clipped entries pass no gradient).
template <typename TargetFn>
double cross_entropy_rows(const Matrix& scores, bool from_logits, Matrix* grad, TargetFn target) {
    const Eigen::Index n = scores.rows();
    const Eigen::Index k = scores.cols();
    if (n == 0) throw ConfigError("cross-entropy of an empty batch");
    if (grad) grad->resize(n, k);
    double total = 0;
    const double inv_n = 1.0 / static_cast<double>(n);
    for (Eigen::Index r = 0; r < n; ++r) {
        auto s = scores.row(r);
        if (from_logits) {
            double m = static_cast<double>(s.maxCoeff());
            double sum = 0;
            for (Eigen::Index c = 0; c < k; ++c) sum += std::exp(static_cast<double>(s(c)) - m);
            double lse = m + std::log(sum);
            double tsum = 0, tz = 0;
            for (Eigen::Index c = 0; c < k; ++c) {
                double t = target(r, c);
                tsum += t;
                tz += t * static_cast<double>(s(c));
            }
            total += lse * tsum - tz;
            if (grad)
                for (Eigen::Index c = 0; c < k; ++c)
                    (*grad)(r, c) = static_cast<Scalar>(
                        (std::exp(static_cast<double>(s(c)) - lse) * tsum - target(r, c)) * inv_n);
        } else {
            double psum = 0;
            for (Eigen::Index c = 0; c < k; ++c) psum += static_cast<double>(s(c));
            if (!(psum > 0)) psum = kEpsilon;
            // L = -sum_c t_c log(clip(p_c / S)); dL/dp_j = -t_j / p_j [unclipped j] + sum_c' t_c' / S [unclipped c'].
            double unclipped_t = 0;
            double row_loss = 0;
            for (Eigen::Index c = 0; c < k; ++c) {
                double q = static_cast<double>(s(c)) / psum;
                double t = target(r, c);
                bool clipped = q < kEpsilon || q > 1 - kEpsilon;
                double qc = std::clamp(q, kEpsilon, 1 - kEpsilon);
                row_loss -= t * std::log(qc);
                if (!clipped) unclipped_t += t;
            }
            total += row_loss;
            if (grad) {
                for (Eigen::Index c = 0; c < k; ++c) {
                    double p = static_cast<double>(s(c));
                    double q = p / psum;
                    bool clipped = q < kEpsilon || q > 1 - kEpsilon;
                    double g = unclipped_t / psum;
                    if (!clipped) g -= target(r, c) / p;
                    (*grad)(r, c) = static_cast<Scalar>(g * inv_n);
                }
            }
        }
    }
    return total * inv_n;
}

}  // namespace

double sparse_cross_entropy(const Matrix& scores, const std::vector<int>& labels, bool from_logits, Matrix* grad) {
    if (static_cast<Eigen::Index>(labels.size()) != scores.rows())
        throw ConfigError("cross-entropy: " + std::to_string(labels.size()) + " labels for " +
                          std::to_string(scores.rows()) + " samples");
    for (int l : labels)
        if (l < 0 || l >= scores.cols())
            throw ConfigError("cross-entropy: label " + std::to_string(l) + " outside 0.." +
                              std::to_string(scores.cols() - 1));
    return cross_entropy_rows(scores, from_logits, grad, [&](Eigen::Index r, Eigen::Index c) {
        return labels[static_cast<std::size_t>(r)] == c ? 1.0 : 0.0;
    });
}

double categorical_cross_entropy(const Matrix& scores, const Matrix& targets, bool from_logits, Matrix* grad) {
    if (targets.rows() != scores.rows() || targets.cols() != scores.cols())
        throw ConfigError("cross-entropy: targets and scores differ in shape");
    return cross_entropy_rows(scores, from_logits, grad,
                              [&](Eigen::Index r, Eigen::Index c) { return static_cast<double>(targets(r, c)); });
}

}  // namespace digit
