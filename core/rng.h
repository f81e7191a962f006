#pragma once
// A small, fully specified random generator (PCG32, O'Neill 2014). std::uniform_*_distribution is
// implementation-defined, so a seed would not mean the same run everywhere; this one does.
#include <cstdint>
#include <cmath>

namespace digit {

class Rng {
public:
    explicit Rng(std::uint64_t seed = 0x853c49e6748fea9bULL) { reseed(seed); }

    void reseed(std::uint64_t seed) {
        state_ = 0;
        inc_ = (seed << 1u) | 1u;
        next_u32();
        state_ += seed ^ 0xda3e39cb94b95bdbULL;
        next_u32();
    }

    std::uint32_t next_u32() {
        std::uint64_t old = state_;
        state_ = old * kMultiplier + inc_;
        auto xorshifted = static_cast<std::uint32_t>(((old >> 18u) ^ old) >> 27u);
        auto rot = static_cast<std::uint32_t>(old >> 59u);
        return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
    }

    // Skips `delta` draws in O(log delta) steps (Brown, "Random number generation with arbitrary
    // strides", 1994, as in PCG's pcg_advance_lcg_64), so threads can each take a slice of one
    // stream and together draw exactly what one thread would.
    void advance(std::uint64_t delta) {
        std::uint64_t mult = kMultiplier, plus = inc_, acc_mult = 1, acc_plus = 0;
        while (delta > 0) {
            if (delta & 1u) {
                acc_mult *= mult;
                acc_plus = acc_plus * mult + plus;
            }
            plus = (mult + 1) * plus;
            mult *= mult;
            delta >>= 1u;
        }
        state_ = acc_mult * state_ + acc_plus;
    }

    // Uniform in [0, 1) with 24 bits of resolution (exact in float).
    float uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }
    float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

    // Uniform integer in [0, n), without modulo bias (Lemire's method).
    std::uint32_t below(std::uint32_t n) {
        std::uint64_t m = static_cast<std::uint64_t>(next_u32()) * n;
        auto low = static_cast<std::uint32_t>(m);
        if (low < n) {
            std::uint32_t threshold = (0u - n) % n;
            while (low < threshold) {
                m = static_cast<std::uint64_t>(next_u32()) * n;
                low = static_cast<std::uint32_t>(m);
            }
        }
        return static_cast<std::uint32_t>(m >> 32);
    }

    // Standard normal (Box-Muller), for augmentation and tests.
    float normal() {
        float u1 = uniform();
        float u2 = uniform();
        if (u1 < 1e-12f) u1 = 1e-12f;
        return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.28318530718f * u2);
    }

private:
    static constexpr std::uint64_t kMultiplier = 6364136223846793005ULL;
    std::uint64_t state_ = 0;
    std::uint64_t inc_ = 1;
};

}  // namespace digit
