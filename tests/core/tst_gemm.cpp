// The Dense layer's products (core/gemm.h) on every instruction set this CPU has: against a
// double-precision reference on shapes with every kind of edge (rows and columns not a multiple
// of the tiles, a shared dimension not a multiple of the vector width or of the depth block),
// and the same bits with one thread or two.
#include "gemm.h"

#include <QTest>

#include <omp.h>

#include <cmath>
#include <random>
#include <vector>

using namespace digit;
using gemm::Index;
using gemm::Isa;

namespace {

struct Case {
    Index m, n, k;
};
// Tiny, edge-heavy and preset-sized (784 x 392 at batch 32, the 10-unit output layer).
const Case kCases[] = {{1, 1, 1},    {1, 10, 784}, {3, 17, 5},    {7, 65, 129}, {13, 100, 300},
                       {32, 392, 784}, {32, 10, 392}, {50, 130, 33}, {97, 49, 256}};

std::vector<float> random(std::size_t n, unsigned seed) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& e : v) e = u(g);
    return v;
}

std::vector<Isa> isas() {
    std::vector<Isa> out;
    for (Isa i : {Isa::Portable, Isa::Avx2, Isa::Avx512})
        if (gemm::supported(i)) out.push_back(i);
    return out;
}

// Largest |got - want| relative to the sum of |terms| of that element.
template <class Ref>
double worst(const std::vector<float>& got, Index m, Index n, Ref&& ref) {
    double w = 0;
    for (Index i = 0; i < m; ++i)
        for (Index j = 0; j < n; ++j) {
            double want = 0, mag = 0;
            ref(i, j, want, mag);
            w = std::max(w, std::abs(got[static_cast<std::size_t>(i * n + j)] - want) / (mag + 1e-30));
        }
    return w;
}

}  // namespace

class TestGemm : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { omp_set_num_threads(1); }

    void nnMatchesReference() {
        for (Isa isa : isas())
            for (const Case& c : kCases)
                for (int transposed = 0; transposed < 2; ++transposed) {
                    const auto a = random(static_cast<std::size_t>(c.m * c.k), 1), b = random(static_cast<std::size_t>(c.k * c.n), 2),
                               bias = random(static_cast<std::size_t>(c.n), 3), c0 = random(static_cast<std::size_t>(c.m * c.n), 4);
                    // A row-major (m x k), or stored as its transpose (k x m).
                    const Index rs = transposed ? 1 : c.k, cs = transposed ? c.m : 1;
                    auto at = [&](Index i, Index p) { return double(a[static_cast<std::size_t>(i * rs + p * cs)]); };
                    std::vector<float> out(static_cast<std::size_t>(c.m * c.n));
                    gemm::nn(c.m, c.n, c.k, a.data(), rs, cs, b.data(), c.n, bias.data(), out.data(), c.n, false, isa);
                    const double e1 = worst(out, c.m, c.n, [&](Index i, Index j, double& want, double& mag) {
                        want = bias[static_cast<std::size_t>(j)];
                        mag = std::abs(want);
                        for (Index p = 0; p < c.k; ++p) {
                            const double t = at(i, p) * b[static_cast<std::size_t>(p * c.n + j)];
                            want += t;
                            mag += std::abs(t);
                        }
                    });
                    out = c0;
                    gemm::nn(c.m, c.n, c.k, a.data(), rs, cs, b.data(), c.n, nullptr, out.data(), c.n, true, isa);
                    const double e2 = worst(out, c.m, c.n, [&](Index i, Index j, double& want, double& mag) {
                        want = c0[static_cast<std::size_t>(i * c.n + j)];
                        mag = std::abs(want);
                        for (Index p = 0; p < c.k; ++p) {
                            const double t = at(i, p) * b[static_cast<std::size_t>(p * c.n + j)];
                            want += t;
                            mag += std::abs(t);
                        }
                    });
                    QVERIFY2(e1 < 1e-5 && e2 < 1e-5, qPrintable(QString("%1 %2x%3x%4 transposed %5: errors %6 %7")
                                                                   .arg(gemm::isa_name(isa)).arg(c.m).arg(c.n).arg(c.k)
                                                                   .arg(transposed).arg(e1).arg(e2)));
                }
    }

    void ntMatchesReference() {
        for (Isa isa : isas())
            for (const Case& c : kCases) {
                const auto a = random(static_cast<std::size_t>(c.m * c.k), 5), b = random(static_cast<std::size_t>(c.n * c.k), 6);
                std::vector<float> out(static_cast<std::size_t>(c.m * c.n));
                gemm::nt(c.m, c.n, c.k, a.data(), c.k, b.data(), c.k, out.data(), c.n, isa);
                const double e = worst(out, c.m, c.n, [&](Index i, Index j, double& want, double& mag) {
                    want = mag = 0;
                    for (Index p = 0; p < c.k; ++p) {
                        const double t = double(a[static_cast<std::size_t>(i * c.k + p)]) * b[static_cast<std::size_t>(j * c.k + p)];
                        want += t;
                        mag += std::abs(t);
                    }
                });
                QVERIFY2(e < 1e-5, qPrintable(QString("%1 %2x%3x%4: error %5").arg(gemm::isa_name(isa)).arg(c.m).arg(c.n).arg(c.k).arg(e)));
            }
    }

    // Big enough to run on both threads: the blocks, not the threads, fix the order of the sums.
    void sameBitsWithOneOrTwoThreads() {
        const Index m = 128, n = 392, k = 784;
        const auto a = random(static_cast<std::size_t>(m * k), 7), b = random(static_cast<std::size_t>(k * n), 8),
                   bias = random(static_cast<std::size_t>(n), 9);
        for (Isa isa : isas()) {
            std::vector<float> nn1(static_cast<std::size_t>(m * n)), nn2 = nn1, tn1(static_cast<std::size_t>(k * n)), tn2 = tn1,
                                                                            nt1(static_cast<std::size_t>(m * k)), nt2 = nt1;
            for (int threads : {1, 2}) {
                omp_set_num_threads(threads);
                gemm::nn(m, n, k, a.data(), k, 1, b.data(), n, bias.data(), (threads == 1 ? nn1 : nn2).data(), n, false, isa);
                gemm::nn(k, n, m, a.data(), 1, k, nn1.data(), n, nullptr, (threads == 1 ? tn1 : tn2).data(), n, false, isa);
                gemm::nt(m, k, n, nn1.data(), n, b.data() , n, (threads == 1 ? nt1 : nt2).data(), k, isa);
            }
            QVERIFY2(nn1 == nn2 && tn1 == tn2 && nt1 == nt2, gemm::isa_name(isa));
        }
    }

    // The AVX2 and AVX-512 kernels run each element's multiply-adds in the same order, fused: a
    // model trains to the same bits on a CPU with either.
    void nnSameBitsOnAvx2AndAvx512() {
        if (!gemm::supported(Isa::Avx512)) QSKIP("no AVX-512 on this CPU");
        const Index m = 45, n = 100, k = 300;
        const auto a = random(static_cast<std::size_t>(m * k), 10), b = random(static_cast<std::size_t>(k * n), 11),
                   bias = random(static_cast<std::size_t>(n), 12);
        std::vector<float> x(static_cast<std::size_t>(m * n)), y = x;
        gemm::nn(m, n, k, a.data(), k, 1, b.data(), n, bias.data(), x.data(), n, false, Isa::Avx2);
        gemm::nn(m, n, k, a.data(), k, 1, b.data(), n, bias.data(), y.data(), n, false, Isa::Avx512);
        QVERIFY(x == y);
    }

    // One row (m = 1: a single image's Dense layer, as the Draw page predicts) gives the bits of
    // the same row inside a batch (the Errors page's), with a bias or accumulating, for widths
    // that leave every kind of remainder, with one thread or two.
    void oneRowMatchesItsBatchRow() {
        const Index m = 5, k = 784;
        for (Index n : {Index(10), Index(128), Index(300), Index(512)}) {
            const auto a = random(static_cast<std::size_t>(m * k), 13), b = random(static_cast<std::size_t>(k * n), 14),
                       bias = random(static_cast<std::size_t>(n), 15), start = random(static_cast<std::size_t>(m * n), 16);
            for (Isa isa : isas()) {
                for (bool accumulate : {false, true}) {
                    std::vector<float> batch = start;
                    omp_set_num_threads(1);
                    gemm::nn(m, n, k, a.data(), k, 1, b.data(), n, bias.data(), batch.data(), n, accumulate, isa);
                    for (int threads : {1, 2}) {
                        omp_set_num_threads(threads);
                        for (Index i = 0; i < m; ++i) {
                            std::vector<float> row(start.begin() + i * n, start.begin() + (i + 1) * n);
                            gemm::nn(1, n, k, a.data() + i * k, k, 1, b.data(), n, bias.data(), row.data(), n, accumulate, isa);
                            QVERIFY2(std::equal(row.begin(), row.end(), batch.begin() + i * n),
                                     qPrintable(QString("%1, n %2, row %3, %4, %5 threads")
                                                    .arg(gemm::isa_name(isa))
                                                    .arg(n)
                                                    .arg(i)
                                                    .arg(accumulate ? "accumulating" : "bias")
                                                    .arg(threads)));
                        }
                    }
                }
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestGemm)
#include "tst_gemm.moc"
