#pragma once
// t-SNE (van der Maaten & Hinton, "Visualizing Data using t-SNE", JMLR 9, 2008): a 2-D map of
// high-dimensional points that keeps each point's near neighbours near. The Inside page refines
// its PCA picture of the test set's penultimate layer with it, off the GUI thread.
//
// This is exact t-SNE: O(n^2) time and memory per iteration, meant for a few thousand points
// (2,000 points: 4 M pairs, 32 MB of affinities in double, about 8 ms per iteration on one core).
// Larger sets are embedded on a sample and the other points placed among their nearest sampled
// neighbours (tsne_place).
//
// The optimisation follows the paper with the settings that later work made standard:
// early exaggeration 12 for the first 250 iterations (Belkina et al. 2019), learning rate
// max(n / 12 / 4, 50) (ibid.; the / 4 because the gradient below keeps the paper's factor 4, as
// scikit-learn's 'auto' does), momentum 0.5 then 0.8, the per-coordinate gains of Jacobs (1988) that
// the reference implementation uses, and a PCA initialisation scaled to standard deviation 1e-4
// (Kobak & Berens 2019), or a seeded Gaussian one. Everything is in double and every sum runs in a
// fixed order, so a run is the same bits on every call, with one thread or two.
#include "tensor.h"

#include <cstdint>
#include <functional>

namespace digit {

struct TsneOptions {
    double perplexity = 30;        // the effective number of neighbours; needs n > 3 * perplexity
    int iterations = 750;
    int exaggeration_iterations = 250;
    double exaggeration = 12;
    double learning_rate = 0;      // 0: max(n / exaggeration / 4, 50)
    bool pca_init = true;          // false: Gaussian initialisation (std 1e-4) from `seed`
    std::uint64_t seed = 1;
};

// Each point's conditional distribution over the others: (n, n), row i is p_j|i, a Gaussian kernel
// exp(-beta_i |x_i - x_j|^2) normalised to sum 1 (zero diagonal), beta_i found by bisection so
// that the row's perplexity exp(H(p_.|i)) (H in nats) equals `perplexity` to 1e-5 in entropy.
// x: (n, d). Throws ConfigError unless 1 <= perplexity and 3 * perplexity < n.
Eigen::MatrixXd tsne_conditional_affinities(const Matrix& x, double perplexity);

// The symmetric input affinities P: (n, n), zero diagonal, summing to 1;
// p_ij = (p_j|i + p_i|j) / 2n from tsne_conditional_affinities.
Eigen::MatrixXd tsne_affinities(const Matrix& x, double perplexity);

// KL(P || Q) of the embedding y: (n, 2) under affinities p from tsne_affinities: what t-SNE
// minimises.
double tsne_kl(const Eigen::MatrixXd& p, const Eigen::MatrixXd& y);

struct TsneResult {
    Matrix embedding;       // (n, 2), centred on 0
    int iterations = 0;     // done (fewer than asked when cancelled)
    double kl = 0;          // KL(P || Q) at the end
};

// progress(iteration, iterations, y) is called every 10 iterations and after the last with the
// current embedding (n, 2); returning false stops the run, which returns what it has.
using TsneProgress = std::function<bool(int iteration, int iterations, const Eigen::MatrixXd& y)>;

// The t-SNE embedding of x: (n, d). Throws ConfigError for bad options (see tsne_affinities).
TsneResult tsne(const Matrix& x, const TsneOptions& options = {}, const TsneProgress& progress = {});

// Places new points among an embedded sample: each row of `points` (m, d) goes to the mean of the
// embeddings of its k nearest rows of `sample` (n, d) (Euclidean, in the original space), weighted
// by 1 / (distance + eps); a point equal to a sample row lands on that row's embedding.
// embedding: (n, 2). Result (m, 2).
Matrix tsne_place(const Matrix& sample, const Matrix& embedding, const Matrix& points, int k = 5);

}  // namespace digit
