#include "optimizer.h"

#include "validate.h"

#include "errors.h"
#include "parallel.h"

#include <cmath>

namespace digit {

OptimizerConfig OptimizerConfig::defaults(OptimizerKind kind) {
    OptimizerConfig c;
    c.kind = kind;
    switch (kind) {
        case OptimizerKind::SGD: c.learning_rate = 0.01f; break;
        case OptimizerKind::Adam: c.learning_rate = 0.001f; break;
        case OptimizerKind::RMSprop: c.learning_rate = 0.001f; c.rho = 0.9f; break;
        case OptimizerKind::Adadelta: c.learning_rate = 1.0f; c.rho = 0.95f; break;
    }
    return c;
}

std::string optimizer_name(OptimizerKind k) {
    switch (k) {
        case OptimizerKind::SGD: return "sgd";
        case OptimizerKind::Adam: return "adam";
        case OptimizerKind::RMSprop: return "rmsprop";
        case OptimizerKind::Adadelta: return "adadelta";
    }
    return "sgd";
}

std::optional<OptimizerKind> optimizer_from_name(const std::string& name) {
    for (auto k : {OptimizerKind::SGD, OptimizerKind::Adam, OptimizerKind::RMSprop, OptimizerKind::Adadelta})
        if (optimizer_name(k) == name) return k;
    return std::nullopt;
}

float Optimizer::current_learning_rate() const {
    // Keras's legacy time-based decay: lr_t = lr / (1 + decay * iterations).
    return config_.learning_rate / (1.0f + config_.decay * static_cast<float>(iterations_));
}

namespace {

// Every update is element-wise, so it is split across threads in fixed static chunks: each
// element is always computed the same way whatever the thread timing, and results do not
// depend on it. One fused pass per step keeps the state arrays streaming through the cache once.
using State = std::vector<Scalar>;
using Index = std::ptrdiff_t;

// Elements [b, e) of each update (DIGIT_CLONES: parallel.h), the same arithmetic whichever copy runs.
DIGIT_CLONES void sgd_nesterov(Index b, Index e, Scalar* w, Scalar* v, const Scalar* g, Scalar mu, Scalar lr) {
    for (Index i = b; i < e; ++i) {
        v[i] = mu * v[i] - lr * g[i];
        w[i] += mu * v[i] - lr * g[i];
    }
}
DIGIT_CLONES void sgd_momentum(Index b, Index e, Scalar* w, Scalar* v, const Scalar* g, Scalar mu, Scalar lr) {
    for (Index i = b; i < e; ++i) {
        v[i] = mu * v[i] - lr * g[i];
        w[i] += v[i];
    }
}
DIGIT_CLONES void sgd_plain(Index b, Index e, Scalar* w, const Scalar* g, Scalar lr) {
    for (Index i = b; i < e; ++i) w[i] -= lr * g[i];
}
DIGIT_CLONES void adam_update(Index b, Index e, Scalar* w, Scalar* m, Scalar* v, const Scalar* g, Scalar sb1, Scalar sb2,
                              Scalar lr_t, Scalar eps) {
    for (Index i = b; i < e; ++i) {
        m[i] = sb1 * m[i] + (1 - sb1) * g[i];
        v[i] = sb2 * v[i] + (1 - sb2) * g[i] * g[i];
        w[i] -= lr_t * m[i] / (std::sqrt(v[i]) + eps);
    }
}
DIGIT_CLONES void rmsprop_update(Index b, Index e, Scalar* w, Scalar* a, const Scalar* g, Scalar rho, Scalar lr, Scalar eps) {
    for (Index i = b; i < e; ++i) {
        a[i] = rho * a[i] + (1 - rho) * g[i] * g[i];
        w[i] -= lr * g[i] / (std::sqrt(a[i]) + eps);
    }
}
DIGIT_CLONES void adadelta_update(Index b, Index e, Scalar* w, Scalar* a, Scalar* d, const Scalar* g, Scalar rho, Scalar lr,
                                  Scalar eps) {
    for (Index i = b; i < e; ++i) {
        a[i] = rho * a[i] + (1 - rho) * g[i] * g[i];
        const Scalar u = g[i] * std::sqrt(d[i] + eps) / std::sqrt(a[i] + eps);
        w[i] -= lr * u;
        d[i] = rho * d[i] + (1 - rho) * u * u;
    }
}

// SGD with momentum and Nesterov momentum, as keras.optimizers.SGD (tf.keras 2.x):
//   v = momentum * v - lr * g
//   w = w + v                          (plain momentum)
//   w = w + momentum * v - lr * g      (Nesterov)
class Sgd : public Optimizer {
public:
    Sgd(const OptimizerConfig& c, std::size_t n) : Optimizer(c, n) {
        if (c.momentum > 0) v_.assign(n, Scalar(0));
    }
    void update(Scalar* w, const Scalar* g, std::size_t begin, std::size_t end) override {
        const auto first = static_cast<Index>(begin), n = static_cast<Index>(end - begin);
        const auto lr = static_cast<Scalar>(current_learning_rate());
        const auto mu = static_cast<Scalar>(config_.momentum);
        Scalar* v = v_.data();
        const bool nesterov = config_.nesterov;
        for_element_chunks(n, [&](Index b, Index e) {
            b += first;
            e += first;
            if (mu > 0 && nesterov)
                sgd_nesterov(b, e, w, v, g, mu, lr);
            else if (mu > 0)
                sgd_momentum(b, e, w, v, g, mu, lr);
            else
                sgd_plain(b, e, w, g, lr);
        });
    }

private:
    State v_;
};

// Adam (Kingma & Ba 2015, Algorithm 1 with the efficient ordering of section 2), as
// keras.optimizers.Adam: lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t);
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= lr_t * m / (sqrt(v) + eps)
class Adam : public Optimizer {
public:
    Adam(const OptimizerConfig& c, std::size_t n) : Optimizer(c, n), m_(n, Scalar(0)), v_(n, Scalar(0)) {}
    void update(Scalar* w, const Scalar* g, std::size_t begin, std::size_t end) override {
        const auto first = static_cast<Index>(begin), n = static_cast<Index>(end - begin);
        const double t = static_cast<double>(iterations_ + 1);
        const double b1 = config_.beta_1, b2 = config_.beta_2;
        const auto lr_t = static_cast<Scalar>(current_learning_rate() * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t)));
        const auto sb1 = static_cast<Scalar>(b1), sb2 = static_cast<Scalar>(b2);
        const auto eps = static_cast<Scalar>(config_.epsilon);
        Scalar* m = m_.data();
        Scalar* v = v_.data();
        for_element_chunks(n, [&](Index b, Index e) { adam_update(first + b, first + e, w, m, v, g, sb1, sb2, lr_t, eps); });
    }

private:
    State m_, v_;
};

// RMSprop (Tieleman & Hinton 2012, lecture 6.5), as keras.optimizers.RMSprop without momentum:
//   a = rho a + (1 - rho) g^2;  w -= lr g / (sqrt(a) + eps)
class RmsProp : public Optimizer {
public:
    RmsProp(const OptimizerConfig& c, std::size_t n) : Optimizer(c, n), a_(n, Scalar(0)) {}
    void update(Scalar* w, const Scalar* g, std::size_t begin, std::size_t end) override {
        const auto first = static_cast<Index>(begin), n = static_cast<Index>(end - begin);
        const auto lr = static_cast<Scalar>(current_learning_rate());
        const auto rho = static_cast<Scalar>(config_.rho);
        const auto eps = static_cast<Scalar>(config_.epsilon);
        Scalar* a = a_.data();
        for_element_chunks(n, [&](Index b, Index e) { rmsprop_update(first + b, first + e, w, a, g, rho, lr, eps); });
    }

private:
    State a_;
};

// Adadelta (Zeiler 2012, Algorithm 1), as keras.optimizers.Adadelta:
//   a = rho a + (1 - rho) g^2;  u = g sqrt(d + eps) / sqrt(a + eps);  w -= lr u;
//   d = rho d + (1 - rho) u^2
class Adadelta : public Optimizer {
public:
    Adadelta(const OptimizerConfig& c, std::size_t n) : Optimizer(c, n), a_(n, Scalar(0)), d_(n, Scalar(0)) {}
    void update(Scalar* w, const Scalar* g, std::size_t begin, std::size_t end) override {
        const auto first = static_cast<Index>(begin), n = static_cast<Index>(end - begin);
        const auto lr = static_cast<Scalar>(current_learning_rate());
        const auto rho = static_cast<Scalar>(config_.rho);
        const auto eps = static_cast<Scalar>(config_.epsilon);
        Scalar* a = a_.data();
        Scalar* d = d_.data();
        for_element_chunks(n, [&](Index b, Index e) { adadelta_update(first + b, first + e, w, a, d, g, rho, lr, eps); });
    }

private:
    State a_, d_;
};

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& c, std::size_t size) {
    refuse_on_first(validate(c));
    switch (c.kind) {
        case OptimizerKind::SGD: return std::make_unique<Sgd>(c, size);
        case OptimizerKind::Adam: return std::make_unique<Adam>(c, size);
        case OptimizerKind::RMSprop: return std::make_unique<RmsProp>(c, size);
        case OptimizerKind::Adadelta: return std::make_unique<Adadelta>(c, size);
    }
    throw ConfigError("unknown optimiser");
}

}  // namespace digit
