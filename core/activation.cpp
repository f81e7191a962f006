#include "activation.h"

#include "parallel.h"

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

namespace {

using Flat = Eigen::Map<Eigen::Array<Scalar, Eigen::Dynamic, 1>>;
using ConstFlat = Eigen::Map<const Eigen::Array<Scalar, Eigen::Dynamic, 1>>;

// y = f(x) for one contiguous run of scalars; every activation but softmax.
void elementwise_forward(Activation a, ConstFlat X, Flat Y) {
    switch (a) {
        case Activation::Linear: Y = X; break;
        case Activation::Relu: Y = X.max(Scalar(0)); break;
        case Activation::Tanh: Y = X.tanh(); break;
        case Activation::Sigmoid: Y = Scalar(1) / (Scalar(1) + (-X).exp()); break;
        case Activation::LeakyRelu: Y = (X > 0).select(X, kLeakySlope * X); break;
        case Activation::Elu: Y = (X > 0).select(X, X.exp() - Scalar(1)); break;
        case Activation::Softplus:
            // log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for large |x|.
            Y = X.max(Scalar(0)) + (-X.abs()).exp().log1p();
            break;
        case Activation::Softsign: Y = X / (Scalar(1) + X.abs()); break;
        case Activation::HardSigmoid: Y = (Scalar(0.2) * X + Scalar(0.5)).max(Scalar(0)).min(Scalar(1)); break;
        case Activation::Softmax: break;  // per row, see activation_forward
    }
}

// dx = dy * f'(x), written in terms of y = f(x); every activation but softmax.
// ReLU's gradient as a plain loop: Eigen's select() has no SSE2 packet, so the plain build ran it
// one branch per element. The same values either way.
DIGIT_CLONES void relu_backward(const Scalar* y, const Scalar* d, Scalar* dx, Eigen::Index n) {
    for (Eigen::Index i = 0; i < n; ++i) dx[i] = y[i] > 0 ? d[i] : Scalar(0);
}

void elementwise_backward(Activation a, ConstFlat Y, ConstFlat D, Flat DX) {
    switch (a) {
        case Activation::Linear: DX = D; break;
        case Activation::Relu: relu_backward(Y.data(), D.data(), DX.data(), DX.size()); break;
        case Activation::Tanh: DX = D * (Scalar(1) - Y.square()); break;
        case Activation::Sigmoid: DX = D * Y * (Scalar(1) - Y); break;
        case Activation::LeakyRelu: DX = (Y > 0).select(D, kLeakySlope * D); break;
        case Activation::Elu: DX = (Y > 0).select(D, D * (Y + Scalar(1))); break;
        case Activation::Softplus: DX = D * (Scalar(1) - (-Y).exp()); break;  // sigmoid(x) = 1 - e^-y
        case Activation::Softsign: DX = D * (Scalar(1) - Y.abs()).square(); break;
        case Activation::HardSigmoid: DX = ((Y > 0) && (Y < 1)).select(Scalar(0.2) * D, Scalar(0)); break;
        case Activation::Softmax: break;  // per row, see activation_backward
    }
}

}  // namespace

void softmax_rows(Eigen::Ref<const Matrix> logits, Eigen::Ref<Matrix> out) {
    for (Eigen::Index r = 0; r < logits.rows(); ++r) {
        const Scalar m = logits.row(r).maxCoeff();
        out.row(r) = (logits.row(r).array() - m).exp().matrix();
        out.row(r) /= out.row(r).sum();
    }
}

void softmax_rows(const Matrix& logits, Matrix& out) {
    if (&out != &logits) out.resize(logits.rows(), logits.cols());
    softmax_rows(Eigen::Ref<const Matrix>(logits), Eigen::Ref<Matrix>(out));
}

void activation_forward(Activation a, const Matrix& x, Matrix& y) {
    if (&x != &y) y.resize(x.rows(), x.cols());
    if (a == Activation::Linear && &x == &y) return;
    if (a == Activation::Softmax) return softmax_rows(x, y);
    const Eigen::Index n = x.size();
    for_element_chunks(n, [&](Eigen::Index b, Eigen::Index e) {
        elementwise_forward(a, ConstFlat(x.data() + b, e - b), Flat(y.data() + b, e - b));
    });
}

void activation_backward(Activation a, const Matrix& y, const Matrix& dy, Matrix& dx) {
    if (&dx != &dy) dx.resize(dy.rows(), dy.cols());
    if (a == Activation::Linear && &dx == &dy) return;
    if (a == Activation::Softmax) {
        // dx = y * (dy - sum(dy * y)) per row.
        for (Eigen::Index r = 0; r < y.rows(); ++r) {
            Scalar s = (dy.row(r).array() * y.row(r).array()).sum();
            dx.row(r) = (y.row(r).array() * (dy.row(r).array() - s)).matrix();
        }
        return;
    }
    const Eigen::Index n = dy.size();
    for_element_chunks(n, [&](Eigen::Index b, Eigen::Index e) {
        elementwise_backward(a, ConstFlat(y.data() + b, e - b), ConstFlat(dy.data() + b, e - b),
                             Flat(dx.data() + b, e - b));
    });
}

}  // namespace digit
