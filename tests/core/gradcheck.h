#pragma once
// The one finite-difference gradient checker every layer test calls (as mlpack's does).
// Built against digit_core_f64, so Scalar is double and central differences are accurate to
// about 1e-9; a wrong backward pass gives relative errors near 1.
//
// The scalar loss is L = sum(y .* R) for a fixed random R, so dL/dy = R, and the check compares
// the layer's dx and parameter gradients with (L(v + h) - L(v - h)) / 2h for every entry v.
#include "layer.h"
#include "rng.h"
#include "tensor.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace digit::testing {

struct GradCheckResult {
    double input_error = 0;  // ||analytic - numeric|| / max(||analytic|| + ||numeric||, tiny)
    double param_error = 0;
};

inline double relative_error(const std::vector<double>& a, const std::vector<double>& n) {
    double diff = 0, na = 0, nn = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff += (a[i] - n[i]) * (a[i] - n[i]);
        na += a[i] * a[i];
        nn += n[i] * n[i];
    }
    double denom = std::sqrt(na) + std::sqrt(nn);
    return denom < 1e-12 ? std::sqrt(diff) : std::sqrt(diff) / denom;
}

// layer must be freshly constructed (not yet built). Input values are uniform in [lo, hi].
// With training = true the layer's random choices (dropout masks) are replayed identically for
// every evaluation by reseeding its Rng.
inline GradCheckResult check_gradients(Layer& layer, const Shape& input_shape, int batch,
                                       std::uint64_t seed = 7, bool training = false,
                                       double lo = -1.0, double hi = 1.0) {
    Rng rng(seed);
    Shape out_shape = layer.build(input_shape);
    std::vector<Scalar> params(layer.parameter_count()), grads(layer.parameter_count());
    layer.bind(params.data(), grads.data());
    layer.initialize(rng);
    // Parameters away from zero so biases and scales are exercised too.
    for (auto& p : params) p += static_cast<Scalar>(rng.uniform(-0.1f, 0.1f));

    Matrix x(batch, input_shape.size());
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = lo + (hi - lo) * rng.uniform();
    Matrix r(batch, out_shape.size());
    for (Eigen::Index i = 0; i < r.size(); ++i) r.data()[i] = rng.uniform(-1.0f, 1.0f);

    const std::uint64_t layer_seed = seed + 1000;
    Matrix y;
    auto loss = [&]() {
        Rng layer_rng(layer_seed);
        layer.forward(x, y, training, layer_rng);
        return static_cast<double>((y.array() * r.array()).sum()) + layer.regularization_loss();
    };

    loss();
    Matrix dx;
    layer.backward(x, y, r, &dx);
    std::vector<double> analytic_x(dx.data(), dx.data() + dx.size());
    std::vector<double> analytic_p(grads.begin(), grads.end());

    const double h = 1e-6;
    std::vector<double> numeric_x(analytic_x.size()), numeric_p(analytic_p.size());
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        Scalar keep = x.data()[i];
        x.data()[i] = keep + h;
        double up = loss();
        x.data()[i] = keep - h;
        double down = loss();
        x.data()[i] = keep;
        numeric_x[static_cast<std::size_t>(i)] = (up - down) / (2 * h);
    }
    const std::size_t trainable = layer.trainable_count();
    for (std::size_t i = 0; i < trainable; ++i) {
        Scalar keep = params[i];
        params[i] = keep + h;
        double up = loss();
        params[i] = keep - h;
        double down = loss();
        params[i] = keep;
        numeric_p[i] = (up - down) / (2 * h);
    }
    analytic_p.resize(trainable);
    numeric_p.resize(trainable);
    return {relative_error(analytic_x, numeric_x), relative_error(analytic_p, numeric_p)};
}

}  // namespace digit::testing
