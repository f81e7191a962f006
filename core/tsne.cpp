#include "tsne.h"

#include "errors.h"
#include "pca.h"
#include "rng.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace digit {

namespace {

// Squared Euclidean distances between the rows of a: (n, d) and of b: (m, d), (n, m), >= 0.
Eigen::MatrixXd squared_distances(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    Eigen::MatrixXd d = -2.0 * a * b.transpose();
    d.colwise() += a.rowwise().squaredNorm();
    d.rowwise() += b.rowwise().squaredNorm().transpose();
    return d.cwiseMax(0.0);
}

void check(Eigen::Index n, double perplexity) {
    if (!(perplexity >= 1) || !(3 * perplexity < static_cast<double>(n)))
        throw ConfigError("t-SNE with perplexity " + std::to_string(perplexity) + " needs more than " +
                          std::to_string(static_cast<long long>(std::ceil(3 * std::max(perplexity, 1.0)))) +
                          " points; it was given " + std::to_string(n));
}

}  // namespace

Eigen::MatrixXd tsne_conditional_affinities(const Matrix& x, double perplexity) {
    const Eigen::Index n = x.rows();
    check(n, perplexity);
    const Eigen::MatrixXd xd = x.cast<double>();
    const Eigen::MatrixXd dist = squared_distances(xd, xd);
    const double target = std::log(perplexity);
    Eigen::MatrixXd p = Eigen::MatrixXd::Zero(n, n);
#pragma omp parallel for schedule(static)
    for (Eigen::Index i = 0; i < n; ++i) {
        // Shifting a row's distances by its smallest leaves p_.|i unchanged and keeps exp() from
        // underflowing for far-away points.
        double dmin = std::numeric_limits<double>::infinity();
        for (Eigen::Index j = 0; j < n; ++j)
            if (j != i) dmin = std::min(dmin, dist(i, j));
        std::vector<double> row(static_cast<std::size_t>(n));
        double beta = 1, lo = 0, hi = std::numeric_limits<double>::infinity();
        for (int tries = 0; tries < 200; ++tries) {
            double sum = 0, weighted = 0;
            for (Eigen::Index j = 0; j < n; ++j) {
                const double d = j == i ? 0.0 : dist(i, j) - dmin;
                const double e = j == i ? 0.0 : std::exp(-beta * d);
                row[static_cast<std::size_t>(j)] = e;
                sum += e;
                weighted += d * e;
            }
            // H = log(sum) + beta * <d>, in nats (with the shifted distances).
            const double h = std::log(sum) + beta * weighted / sum;
            const double diff = h - target;
            if (std::abs(diff) < 1e-5) break;
            if (diff > 0) {  // too flat: narrow the kernel
                lo = beta;
                beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
            } else {
                hi = beta;
                beta = (beta + lo) / 2;
            }
        }
        const double sum = std::accumulate(row.begin(), row.end(), 0.0);
        for (Eigen::Index j = 0; j < n; ++j) p(i, j) = row[static_cast<std::size_t>(j)] / sum;
    }
    return p;
}

Eigen::MatrixXd tsne_affinities(const Matrix& x, double perplexity) {
    const Eigen::MatrixXd c = tsne_conditional_affinities(x, perplexity);
    return (c + c.transpose()) / (2.0 * static_cast<double>(x.rows()));
}

double tsne_kl(const Eigen::MatrixXd& p, const Eigen::MatrixXd& y) {
    const Eigen::Index n = p.rows();
    const Eigen::MatrixXd d = squared_distances(y, y);
    double z = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j)
            if (j != i) z += 1.0 / (1.0 + d(i, j));
    double kl = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j)
            if (j != i && p(i, j) > 0) kl += p(i, j) * std::log(p(i, j) / (1.0 / (1.0 + d(i, j)) / z));
    return kl;
}

TsneResult tsne(const Matrix& x, const TsneOptions& o, const TsneProgress& progress) {
    const Eigen::Index n = x.rows();
    if (o.iterations < 0 || o.exaggeration_iterations < 0 || !(o.exaggeration >= 1) || !(o.learning_rate >= 0))
        throw ConfigError("t-SNE options out of range (iterations, exaggeration >= 1, learning rate >= 0)");
    const Eigen::MatrixXd p = tsne_affinities(x, o.perplexity);  // checks n and the perplexity
    const double rate = o.learning_rate > 0 ? o.learning_rate : std::max(static_cast<double>(n) / o.exaggeration / 4, 50.0);

    // y: (n, 2) column-major, so each coordinate is one contiguous array.
    Eigen::MatrixXd y(n, 2);
    if (o.pca_init && x.cols() >= 2) {
        y = pca(x, 2).projected.cast<double>();
        const double sd = std::sqrt((y.col(0).array() - y.col(0).mean()).square().sum() / static_cast<double>(n));
        y *= sd > 0 ? 1e-4 / sd : 0.0;
    } else {
        Rng rng(o.seed);
        for (Eigen::Index i = 0; i < n; ++i)
            for (int c = 0; c < 2; ++c) y(i, c) = 1e-4 * static_cast<double>(rng.normal());
    }
    Eigen::MatrixXd update = Eigen::MatrixXd::Zero(n, 2), gains = Eigen::MatrixXd::Ones(n, 2), grad(n, 2);
    Eigen::VectorXd rowsum(n);

    TsneResult out;
    int it = 0;
    // Per row i, in one pass over j (num_ij = (1 + |y_i - y_j|^2)^-1, d_ij = y_i - y_j):
    //   rowsum_i = sum_j num_ij,  a_i = sum_j p_ij num_ij d_ij,  b_i = sum_j num_ij^2 d_ij,
    // so that with Z = sum_i rowsum_i and q_ij = num_ij / Z the gradient
    //   dC/dy_i = 4 sum_j (e p_ij - q_ij) num_ij d_ij = 4 (e a_i - b_i / Z).
    // Eigen's sums vectorise with a fixed reduction order; Z is added in row order.
    Eigen::MatrixXd a(n, 2), b(n, 2);
    for (; it < o.iterations; ++it) {
        const Eigen::ArrayXd yx = y.col(0).array(), yy = y.col(1).array();
#pragma omp parallel
        {
            Eigen::ArrayXd dx(n), dy(n), num(n), w(n);
#pragma omp for schedule(static)
            for (Eigen::Index i = 0; i < n; ++i) {
                dx = yx(i) - yx;
                dy = yy(i) - yy;
                num = (1.0 + dx.square() + dy.square()).inverse();
                num(i) = 0;
                rowsum(i) = num.sum();
                w = p.col(i).array() * num;  // P is symmetric: column i is row i, contiguous
                a(i, 0) = (w * dx).sum();
                a(i, 1) = (w * dy).sum();
                w = num.square();
                b(i, 0) = (w * dx).sum();
                b(i, 1) = (w * dy).sum();
            }
        }
        double z = 0;
        for (Eigen::Index i = 0; i < n; ++i) z += rowsum(i);
        const double e = it < o.exaggeration_iterations ? o.exaggeration : 1.0;
        grad = 4.0 * (e * a - b / z);
        const double momentum = it < o.exaggeration_iterations ? 0.5 : 0.8;
        for (Eigen::Index k = 0; k < y.size(); ++k) {
            double& g = gains.data()[k];
            const bool same = (grad.data()[k] > 0) == (update.data()[k] > 0);
            g = std::max(same ? g * 0.8 : g + 0.2, 0.01);
            update.data()[k] = momentum * update.data()[k] - rate * g * grad.data()[k];
            y.data()[k] += update.data()[k];
        }
        y.rowwise() -= y.colwise().mean();
        if (progress && ((it + 1) % 10 == 0 || it + 1 == o.iterations) && !progress(it + 1, o.iterations, y)) {
            ++it;
            break;
        }
    }
    out.iterations = it;
    out.kl = tsne_kl(p, y);
    out.embedding = y.cast<Scalar>();
    return out;
}

Matrix tsne_place(const Matrix& sample, const Matrix& embedding, const Matrix& points, int k) {
    const Eigen::Index n = sample.rows(), m = points.rows();
    if (n < 1 || embedding.rows() != n || embedding.cols() != 2 || points.cols() != sample.cols() || k < 1)
        throw ConfigError("tsne_place: " + std::to_string(m) + " points of " + std::to_string(points.cols()) +
                          " features among " + std::to_string(n) + " sampled points of " + std::to_string(sample.cols()) +
                          " features embedded as (" + std::to_string(embedding.rows()) + ", " +
                          std::to_string(embedding.cols()) + ")");
    const auto kk = static_cast<std::size_t>(std::min<Eigen::Index>(k, n));
    const Eigen::MatrixXd s = sample.cast<double>();
    Matrix out(m, 2);
    // In blocks of rows, so the distance matrix stays small for any m.
    const Eigen::Index block = 512;
    for (Eigen::Index b = 0; b < m; b += block) {
        const Eigen::Index rows = std::min(block, m - b);
        const Eigen::MatrixXd d = squared_distances(points.middleRows(b, rows).cast<double>(), s);
#pragma omp parallel for schedule(static)
        for (Eigen::Index r = 0; r < rows; ++r) {
            std::vector<Eigen::Index> idx(static_cast<std::size_t>(n));
            std::iota(idx.begin(), idx.end(), Eigen::Index(0));
            // Ties broken by index, so the result does not depend on the sort's whims.
            std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(kk), idx.end(),
                              [&](Eigen::Index a, Eigen::Index c) { return d(r, a) < d(r, c) || (d(r, a) == d(r, c) && a < c); });
            if (d(r, idx[0]) <= 1e-12) {
                out.row(b + r) = embedding.row(idx[0]);
                continue;
            }
            double wsum = 0, px = 0, py = 0;
            for (std::size_t t = 0; t < kk; ++t) {
                const double w = 1.0 / (std::sqrt(d(r, idx[t])) + 1e-9);
                wsum += w;
                px += w * static_cast<double>(embedding(idx[t], 0));
                py += w * static_cast<double>(embedding(idx[t], 1));
            }
            out(b + r, 0) = static_cast<Scalar>(px / wsum);
            out(b + r, 1) = static_cast<Scalar>(py / wsum);
        }
    }
    return out;
}

}  // namespace digit
