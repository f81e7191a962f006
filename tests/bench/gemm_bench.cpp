// The Dense layer's three products (gemm.h) against OpenBLAS's sgemm on the presets' shapes, in
// one run, alternating the two so load on a shared machine hits both alike. Not a test: a
// benchmark scripts/bench.sh runs (and anyone can).
//
//   gemm_bench [--openblas LIB] [--seconds S] [--isa portable|avx2|avx512]
//
// OpenBLAS is loaded at run time (dlopen, default: the peer's unpacked Debian libopenblas0-openmp,
// ../shared/peers/setup_openblas.sh) and only when present, so the project neither links nor
// packages it. Threads: OMP_NUM_THREADS for both. Prints GFLOP/s per product and shape.
#include "gemm.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

using digit::gemm::Index;

namespace {

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;

struct Shape {
    const char* where;
    Index batch, in, units;
};

// Median seconds per call of f over rounds of about `seconds` / 10 each.
template <class F>
double time_call(F&& f, double seconds) {
    f();
    auto t0 = std::chrono::steady_clock::now();
    f();
    const double once = std::max(1e-7, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    const int reps = std::max(1, static_cast<int>(seconds / 10 / once));
    std::vector<double> per;
    for (int r = 0; r < 10; ++r) {
        t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < reps; ++i) f();
        per.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps);
    }
    std::sort(per.begin(), per.end());
    return per[per.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    std::string lib = "/tmp/peerdeps/root/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0";
    double seconds = 0.2;
    digit::gemm::Isa isa = digit::gemm::best_isa();
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--openblas")) lib = argv[i + 1];
        else if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--isa")) {
            const std::string s = argv[i + 1];
            isa = s == "portable" ? digit::gemm::Isa::Portable : s == "avx2" ? digit::gemm::Isa::Avx2 : digit::gemm::Isa::Avx512;
        } else {
            std::fprintf(stderr, "usage: gemm_bench [--openblas LIB] [--seconds S] [--isa portable|avx2|avx512]\n");
            return 2;
        }
    }
    if (!digit::gemm::supported(isa)) {
        std::fprintf(stderr, "gemm_bench: this CPU lacks %s\n", digit::gemm::isa_name(isa));
        return 2;
    }
    SgemmFn sgemm = nullptr;
    if (void* h = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL)) sgemm = reinterpret_cast<SgemmFn>(dlsym(h, "cblas_sgemm"));
    if (!sgemm) std::fprintf(stderr, "gemm_bench: no OpenBLAS at %s (run ../shared/peers/setup_openblas.sh): ours only\n", lib.c_str());
    const char* threads = std::getenv("OMP_NUM_THREADS");
    std::printf("gemm_bench: ours %s vs OpenBLAS sgemm, OMP_NUM_THREADS=%s, GFLOP/s (median of 10)\n",
                digit::gemm::isa_name(isa), threads ? threads : "(unset)");
    std::printf("%-22s %6s %6s %6s  %-22s %8s %8s %6s\n", "layer", "batch", "in", "units", "product", "ours", "openblas", "ratio");

    const Shape shapes[] = {
        {"mlp-512 Dense 1", 128, 784, 512},  {"mlp-512 Dense 2", 128, 512, 10},
        {"mlp-392x2 Dense 1", 32, 784, 392}, {"mlp-392x2 Dense 2", 32, 392, 392}, {"mlp-392x2 Dense 3", 32, 392, 10},
        {"cnn-small Dense 1", 32, 1600, 128}, {"cnn-small Dense 2", 32, 128, 10},
        {"cnn-32-64 Dense 1", 128, 9216, 128}, {"cnn-32-64 Dense 2", 128, 128, 10},
        {"784x512 at batch 32", 32, 784, 512}, {"best Dense 1", 128, 1024, 256},
    };
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (const Shape& s : shapes) {
        const Index n = s.batch, in = s.in, units = s.units;
        std::vector<float> x(static_cast<std::size_t>(n * in)), w(static_cast<std::size_t>(in * units)),
            b(static_cast<std::size_t>(units)), dy(static_cast<std::size_t>(n * units)), y(dy.size()), dw(w.size()), dx(x.size());
        for (auto* v : {&x, &w, &b, &dy})
            for (float& e : *v) e = u(rng);
        const double flops = 2.0 * static_cast<double>(n * in * units);
        struct Product {
            const char* name;
            std::function<void()> ours, blas;
        };
        const int N = static_cast<int>(n), IN = static_cast<int>(in), U = static_cast<int>(units);
        const Product products[] = {
            {"forward y = x W + b",
             [&] { digit::gemm::nn(n, units, in, x.data(), in, 1, w.data(), units, b.data(), y.data(), units, false, isa); },
             [&] {
                 for (Index i = 0; i < n; ++i) std::memcpy(y.data() + i * units, b.data(), sizeof(float) * b.size());
                 sgemm(kRowMajor, kNoTrans, kNoTrans, N, U, IN, 1.0f, x.data(), IN, w.data(), U, 1.0f, y.data(), U);
             }},
            {"kernel grad dW = x^T dy",
             [&] { digit::gemm::nn(in, units, n, x.data(), 1, in, dy.data(), units, nullptr, dw.data(), units, false, isa); },
             [&] { sgemm(kRowMajor, kTrans, kNoTrans, IN, U, N, 1.0f, x.data(), IN, dy.data(), U, 0.0f, dw.data(), U); }},
            {"input grad dx = dy W^T",
             [&] { digit::gemm::nt(n, in, units, dy.data(), units, w.data(), units, dx.data(), in, isa); },
             [&] { sgemm(kRowMajor, kNoTrans, kTrans, N, IN, U, 1.0f, dy.data(), U, w.data(), U, 0.0f, dx.data(), IN); }},
        };
        for (const Product& p : products) {
            // Alternate: ours, theirs, ours, theirs; best of the two medians each.
            double ours = 1e30, blas = 1e30;
            for (int round = 0; round < 2; ++round) {
                ours = std::min(ours, time_call(p.ours, seconds));
                if (sgemm) blas = std::min(blas, time_call(p.blas, seconds));
            }
            std::printf("%-22s %6td %6td %6td  %-22s %8.1f", s.where, n, in, units, p.name, flops / ours * 1e-9);
            if (sgemm)
                std::printf(" %8.1f %5.2fx\n", flops / blas * 1e-9, blas / ours);
            else
                std::printf("\n");
        }
    }
    return 0;
}
