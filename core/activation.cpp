#include "activation.h"

#include <cmath>

namespace digit {

namespace {
struct Entry {
    Activation a;
    const char* name;
};
constexpr Entry kEntries[] = {
    {Activation::Linear, "linear"},     {Activation::Relu, "relu"},
    {Activation::Tanh, "tanh"},         {Activation::Sigmoid, "sigmoid"},
    {Activation::Softmax, "softmax"},   {Activation::LeakyRelu, "leaky_relu"},
    {Activation::Elu, "elu"},           {Activation::Softplus, "softplus"},
    {Activation::Softsign, "softsign"}, {Activation::HardSigmoid, "hard_sigmoid"},
};
constexpr Scalar kLeakySlope = Scalar(0.2);
}  // namespace

std::string activation_name(Activation a) {
    for (const auto& e : kEntries)
        if (e.a == a) return e.name;
    return "linear";
}

std::optional<Activation> activation_from_name(const std::string& name) {
    for (const auto& e : kEntries)
        if (name == e.name) return e.a;
    return std::nullopt;
}

const std::vector<Activation>& all_activations() {
    static const std::vector<Activation> all = [] {
        std::vector<Activation> v;
        for (const auto& e : kEntries) v.push_back(e.a);
        return v;
    }();
    return all;
}

void activation_forward(Activation a, const Matrix& x, Matrix& y) {
    if (&x != &y) y.resize(x.rows(), x.cols());
    auto X = x.array();
    auto Y = y.array();
    switch (a) {
        case Activation::Linear:
            if (&x != &y) y = x;
            break;
        case Activation::Relu: Y = X.max(Scalar(0)); break;
        case Activation::Tanh: Y = X.tanh(); break;
        case Activation::Sigmoid: Y = Scalar(1) / (Scalar(1) + (-X).exp()); break;
        case Activation::Softmax: {
            for (Eigen::Index r = 0; r < x.rows(); ++r) {
                Scalar m = x.row(r).maxCoeff();
                y.row(r) = (x.row(r).array() - m).exp();
                y.row(r) /= y.row(r).sum();
            }
            break;
        }
        case Activation::LeakyRelu: Y = (X > 0).select(X, kLeakySlope * X); break;
        case Activation::Elu: Y = (X > 0).select(X, X.exp() - Scalar(1)); break;
        case Activation::Softplus:
            // log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for large |x|.
            Y = X.max(Scalar(0)) + (-X.abs()).exp().log1p();
            break;
        case Activation::Softsign: Y = X / (Scalar(1) + X.abs()); break;
        case Activation::HardSigmoid: Y = (Scalar(0.2) * X + Scalar(0.5)).max(Scalar(0)).min(Scalar(1)); break;
    }
}

void activation_backward(Activation a, const Matrix& y, const Matrix& dy, Matrix& dx) {
    if (&dx != &dy) dx.resize(dy.rows(), dy.cols());
    auto Y = y.array();
    auto D = dy.array();
    auto DX = dx.array();
    switch (a) {
        case Activation::Linear:
            if (&dx != &dy) dx = dy;
            break;
        case Activation::Relu: DX = (Y > 0).select(D, Scalar(0)); break;
        case Activation::Tanh: DX = D * (Scalar(1) - Y.square()); break;
        case Activation::Sigmoid: DX = D * Y * (Scalar(1) - Y); break;
        case Activation::Softmax: {
            // dx = y * (dy - sum(dy * y)) per row.
            for (Eigen::Index r = 0; r < y.rows(); ++r) {
                Scalar s = (dy.row(r).array() * y.row(r).array()).sum();
                dx.row(r) = (y.row(r).array() * (dy.row(r).array() - s)).matrix();
            }
            break;
        }
        case Activation::LeakyRelu: DX = (Y > 0).select(D, kLeakySlope * D); break;
        case Activation::Elu: DX = (Y > 0).select(D, D * (Y + Scalar(1))); break;
        case Activation::Softplus: DX = D * (Scalar(1) - (-Y).exp()); break;  // sigmoid(x) = 1 - e^-y
        case Activation::Softsign: DX = D * (Scalar(1) - Y.abs()).square(); break;
        case Activation::HardSigmoid:
            DX = ((Y > 0) && (Y < 1)).select(Scalar(0.2) * D, Scalar(0));
            break;
    }
}

}  // namespace digit
