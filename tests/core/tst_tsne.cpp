// t-SNE (core/tsne.h): the affinities meet the perplexity asked for, well-separated clusters come
// out separated (every point's nearest neighbours in the map are from its own cluster), the
// optimisation lowers KL(P || Q), a seed gives the same bits every time, cancelling stops early, and
// tsne_place puts new points beside their neighbours.
#include "errors.h"
#include "rng.h"
#include "tsne.h"

#include <QTest>

#include <cmath>

#include <omp.h>

using namespace digit;

namespace {

// `clusters` Gaussian blobs of `per` points each in `dims` dimensions: centres `spread` apart along
// their own axis, standard deviation 1. labels[i] is point i's cluster.
Matrix blobs(int clusters, int per, int dims, double spread, std::uint64_t seed, std::vector<int>* labels) {
    Rng rng(seed);
    Matrix x(clusters * per, dims);
    labels->clear();
    for (int c = 0; c < clusters; ++c)
        for (int i = 0; i < per; ++i) {
            const int r = c * per + i;
            for (int d = 0; d < dims; ++d) x(r, d) = static_cast<Scalar>(rng.normal() + (d == c ? spread : 0.0));
            labels->push_back(c);
        }
    return x;
}

// The share of points whose k nearest neighbours in the embedding all belong to their cluster.
double neighbourPurity(const Matrix& y, const std::vector<int>& labels, int k) {
    const Eigen::Index n = y.rows();
    int pure = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        std::vector<std::pair<double, Eigen::Index>> d;
        for (Eigen::Index j = 0; j < n; ++j)
            if (j != i) d.emplace_back((y.row(i) - y.row(j)).squaredNorm(), j);
        std::partial_sort(d.begin(), d.begin() + k, d.end());
        bool ok = true;
        for (int t = 0; t < k; ++t) ok = ok && labels[static_cast<std::size_t>(d[static_cast<std::size_t>(t)].second)] == labels[static_cast<std::size_t>(i)];
        pure += ok;
    }
    return static_cast<double>(pure) / static_cast<double>(n);
}

}  // namespace

class TestTsne : public QObject {
    Q_OBJECT
private slots:
    void conditionalAffinitiesMeetThePerplexity() {
        std::vector<int> labels;
        const Matrix x = blobs(3, 40, 8, 6.0, 11, &labels);
        for (double perplexity : {5.0, 15.0, 30.0}) {
            const Eigen::MatrixXd c = tsne_conditional_affinities(x, perplexity);
            for (Eigen::Index i = 0; i < c.rows(); ++i) {
                QCOMPARE(c(i, i), 0.0);
                QVERIFY(std::abs(c.row(i).sum() - 1.0) < 1e-12);
                double h = 0;
                for (Eigen::Index j = 0; j < c.cols(); ++j)
                    if (c(i, j) > 0) h -= c(i, j) * std::log(c(i, j));
                // exp(H) is the perplexity; the bisection stops within 1e-5 of log(perplexity).
                QVERIFY2(std::abs(h - std::log(perplexity)) < 2e-5, qPrintable(QString::number(std::exp(h))));
            }
        }
    }

    void uniformDistancesGiveUniformRows() {
        // Points at the corners of a simplex are all equally far apart: every kernel width gives
        // the uniform row, whose perplexity is n - 1 -- the only perplexity reachable. The
        // bisection must still end, and on exactly the uniform distribution.
        const int n = 12;
        const Matrix x = Matrix::Identity(n, n) * 3;
        const Eigen::MatrixXd p = tsne_affinities(x, 3.0);
        for (Eigen::Index i = 0; i < n; ++i)
            for (Eigen::Index j = 0; j < n; ++j) QVERIFY(std::abs(p(i, j) - (i == j ? 0.0 : 1.0 / (n * (n - 1)))) < 1e-12);
    }

    void affinitiesAreSymmetricAndSumToOne() {
        std::vector<int> labels;
        const Matrix x = blobs(2, 30, 5, 4.0, 3, &labels);
        const Eigen::MatrixXd p = tsne_affinities(x, 10);
        QVERIFY((p - p.transpose()).cwiseAbs().maxCoeff() < 1e-15);
        QVERIFY(std::abs(p.sum() - 1.0) < 1e-12);
        QCOMPARE(p.diagonal().cwiseAbs().maxCoeff(), 0.0);
    }

    void separatedClustersStaySeparated_data() {
        QTest::addColumn<bool>("pcaInit");
        QTest::newRow("pca init") << true;
        QTest::newRow("random init") << false;
    }
    void separatedClustersStaySeparated() {
        QFETCH(bool, pcaInit);
        std::vector<int> labels;
        const Matrix x = blobs(4, 50, 10, 12.0, 7, &labels);
        TsneOptions o;
        o.perplexity = 15;
        o.iterations = 400;
        o.pca_init = pcaInit;
        o.seed = 5;
        const TsneResult r = tsne(x, o);
        QCOMPARE(r.iterations, 400);
        QCOMPARE(r.embedding.rows(), x.rows());
        QCOMPARE(r.embedding.cols(), Eigen::Index(2));
        QVERIFY(r.embedding.allFinite());
        // Every point's 5 nearest neighbours in the map are from its own cluster...
        QCOMPARE(neighbourPurity(r.embedding, labels, 5), 1.0);
        // ... and each cluster sits apart: the gap between two clusters' nearest points is larger
        // than the typical distance of a point to its nearest neighbour.
        double gap = 1e300, nn = 0;
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            double near = 1e300;
            for (Eigen::Index j = 0; j < x.rows(); ++j) {
                if (j == i) continue;
                const double d = (r.embedding.row(i) - r.embedding.row(j)).norm();
                if (labels[static_cast<std::size_t>(i)] != labels[static_cast<std::size_t>(j)]) gap = std::min(gap, d);
                else near = std::min(near, d);
            }
            nn += near / static_cast<double>(x.rows());
        }
        QVERIFY2(gap > 3 * nn, qPrintable(QStringLiteral("gap %1, mean nearest neighbour %2").arg(gap).arg(nn)));
        // The embedding is centred.
        QVERIFY(r.embedding.colwise().mean().cwiseAbs().maxCoeff() < 1e-6 * r.embedding.cwiseAbs().maxCoeff());
    }

    void optimisationLowersTheDivergence() {
        std::vector<int> labels;
        const Matrix x = blobs(3, 30, 6, 5.0, 21, &labels);
        const Eigen::MatrixXd p = tsne_affinities(x, 10);
        TsneOptions o;
        o.perplexity = 10;
        o.pca_init = false;
        o.seed = 9;
        o.iterations = 0;
        const TsneResult start = tsne(x, o);
        QCOMPARE(start.iterations, 0);
        QVERIFY(std::abs(start.kl - tsne_kl(p, start.embedding.cast<double>())) < 1e-5);
        o.iterations = 600;
        const TsneResult end = tsne(x, o);
        // From the uniform Q of a tiny start (KL about 2.0 here) to about 0.3 (three blobs of 30
        // with perplexity 10 cannot reach 0: a Student-t Q keeps some mass on far pairs).
        QVERIFY2(end.kl < 0.25 * start.kl, qPrintable(QStringLiteral("KL %1 -> %2").arg(start.kl).arg(end.kl)));
        QVERIFY(end.kl >= 0);
        // Past the exaggeration phase, more iterations do not make it worse.
        o.iterations = 1000;
        const TsneResult longer = tsne(x, o);
        QVERIFY2(longer.kl <= end.kl + 1e-3, qPrintable(QStringLiteral("KL %1 -> %2").arg(end.kl).arg(longer.kl)));
    }

    void aSeedGivesTheSameBits() {
        std::vector<int> labels;
        const Matrix x = blobs(3, 30, 6, 5.0, 2, &labels);
        TsneOptions o;
        o.perplexity = 8;
        o.iterations = 120;
        o.pca_init = false;
        o.seed = 42;
        const Matrix a = tsne(x, o).embedding;
        const Matrix b = tsne(x, o).embedding;
        QVERIFY(a == b);
        o.seed = 43;
        QVERIFY(tsne(x, o).embedding != a);
        o.pca_init = true;  // no randomness at all
        QVERIFY(tsne(x, o).embedding == tsne(x, o).embedding);
        // One thread or two: the same bits (each row's sums are a thread's own, Z is added in order).
        const int threads = omp_get_max_threads();
        omp_set_num_threads(1);
        const Matrix one = tsne(x, o).embedding;
        omp_set_num_threads(2);
        const Matrix two = tsne(x, o).embedding;
        omp_set_num_threads(threads);
        QVERIFY(one == two);
    }

    void progressCanCancel() {
        std::vector<int> labels;
        const Matrix x = blobs(2, 30, 4, 5.0, 8, &labels);
        TsneOptions o;
        o.perplexity = 5;
        o.iterations = 500;
        std::vector<int> seen;
        const TsneResult r = tsne(x, o, [&](int it, int total, const Eigen::MatrixXd& y) {
            seen.push_back(it);
            if (total != 500 || y.rows() != x.rows()) return false;
            return it < 50;
        });
        QCOMPARE(r.iterations, 50);
        QCOMPARE(seen, (std::vector<int>{10, 20, 30, 40, 50}));
        QVERIFY(r.embedding.allFinite());
    }

    void badInputIsRefused() {
        std::vector<int> labels;
        const Matrix x = blobs(2, 10, 3, 5.0, 1, &labels);  // 20 points
        QVERIFY_THROWS_EXCEPTION(ConfigError, tsne_affinities(x, 7));   // 3 * 7 >= 20
        QVERIFY_THROWS_EXCEPTION(ConfigError, tsne_affinities(x, 0.5));
        TsneOptions o;
        o.perplexity = 3;
        o.exaggeration = 0;
        QVERIFY_THROWS_EXCEPTION(ConfigError, tsne(x, o));
        QVERIFY_THROWS_EXCEPTION(ConfigError, tsne_place(x, Matrix::Zero(20, 3), x));
    }

    void placedPointsJoinTheirNeighbours() {
        std::vector<int> labels;
        const Matrix x = blobs(3, 40, 6, 10.0, 4, &labels);
        TsneOptions o;
        o.perplexity = 10;
        o.iterations = 300;
        const TsneResult r = tsne(x, o);
        // A sample point placed again lands exactly on its own embedding.
        const Matrix again = tsne_place(x, r.embedding, x.topRows(5));
        QVERIFY(again == r.embedding.topRows(5));
        // New points from the same blobs land nearer their own cluster's centre than any other's.
        std::vector<int> newLabels;
        const Matrix fresh = blobs(3, 10, 6, 10.0, 99, &newLabels);
        const Matrix placed = tsne_place(x, r.embedding, fresh, 5);
        Matrix centres = Matrix::Zero(3, 2);
        for (Eigen::Index i = 0; i < x.rows(); ++i) centres.row(labels[static_cast<std::size_t>(i)]) += r.embedding.row(i) / 40;
        for (Eigen::Index i = 0; i < fresh.rows(); ++i) {
            Eigen::Index nearest = 0;
            (centres.rowwise() - placed.row(i)).rowwise().squaredNorm().minCoeff(&nearest);
            QCOMPARE(int(nearest), newLabels[static_cast<std::size_t>(i)]);
        }
    }
};

QTEST_APPLESS_MAIN(TestTsne)
#include "tst_tsne.moc"
