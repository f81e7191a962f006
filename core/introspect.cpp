#include "introspect.h"

#include "activation.h"
#include "errors.h"

#include <algorithm>

namespace digit {

namespace {
void check_one_row(const Network& network, const Matrix& x, const char* what) {
    if (x.rows() != 1 || x.cols() != network.input_shape().size())
        throw ConfigError(std::string(what) + " takes one input of " + std::to_string(network.input_shape().size()) +
                          " values, not (" + std::to_string(x.rows()) + ", " + std::to_string(x.cols()) + ")");
}
}  // namespace

LayerOutputs forward_layers(Network& network, const Matrix& x) {
    check_one_row(network, x, "forward_layers");
    LayerOutputs out;
    network.predict(x, out.probabilities, 1);  // runs forward_scores once; the layers' outputs stay
    const std::size_t n = network.spec().layers.size();
    out.layers.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.layers.push_back(network.layer_output(i));
    if (network.ends_with_softmax()) out.layers.back() = out.probabilities;
    return out;
}

Matrix input_gradient(Network& network, const Matrix& x, int cls, GradientTarget target) {
    check_one_row(network, x, "input_gradient");
    if (cls < 0 || cls >= network.classes())
        throw ConfigError("class " + std::to_string(cls) + " asked of a network with " +
                          std::to_string(network.classes()) + " classes");
    const Matrix& scores = network.forward_scores(x, false);
    // dscores = d target / d scores, (1, classes).
    Matrix dscores = Matrix::Zero(1, scores.cols());
    if (target == GradientTarget::Score) {
        dscores(0, cls) = 1;
    } else if (network.scores_are_logits()) {
        // p = softmax(z): dp_c/dz_j = p_c (delta_cj - p_j).
        Matrix p;
        softmax_rows(scores, p);
        dscores = -p(0, cls) * p;
        dscores(0, cls) += p(0, cls);
    } else {
        // p_c = s_c / sum(s), as Network::predict rescales e.g. sigmoid outputs.
        const Scalar sum = scores.sum();
        if (sum > 0) {
            dscores.setConstant(-scores(0, cls) / (sum * sum));
            dscores(0, cls) += 1 / sum;
        }
    }
    Matrix dx;
    network.backward(dscores, &dx);
    return dx;
}

Matrix occlusion_map(Network& network, const Matrix& x, int height, int width, int cls, int patch, int stride,
                     Scalar fill) {
    check_one_row(network, x, "occlusion_map");
    if (static_cast<std::int64_t>(height) * width != x.cols())
        throw ConfigError("occlusion_map: a " + std::to_string(height) + "x" + std::to_string(width) +
                          " image does not have " + std::to_string(x.cols()) + " values");
    if (cls < 0 || cls >= network.classes()) throw ConfigError("occlusion_map: no class " + std::to_string(cls));
    if (patch < 1 || stride < 1 || patch > std::min(height, width))
        throw ConfigError("occlusion_map: patch " + std::to_string(patch) + ", stride " + std::to_string(stride));
    std::vector<std::pair<int, int>> places;  // top-left corners
    for (int r = 0; r + patch <= height; r += stride)
        for (int c = 0; c + patch <= width; c += stride) places.emplace_back(r, c);

    Matrix batch(static_cast<Eigen::Index>(places.size()) + 1, x.cols());
    batch.row(0) = x;
    for (std::size_t k = 0; k < places.size(); ++k) {
        auto row = batch.row(static_cast<Eigen::Index>(k) + 1);
        row = x;
        for (int r = places[k].first; r < places[k].first + patch; ++r)
            for (int c = places[k].second; c < places[k].second + patch; ++c) row(r * width + c) = fill;
    }
    const Matrix p = network.predict(batch);
    Matrix sum = Matrix::Zero(height, width), count = Matrix::Zero(height, width);
    for (std::size_t k = 0; k < places.size(); ++k) {
        const Scalar drop = p(0, cls) - p(static_cast<Eigen::Index>(k) + 1, cls);
        sum.block(places[k].first, places[k].second, patch, patch).array() += drop;
        count.block(places[k].first, places[k].second, patch, patch).array() += 1;
    }
    return (count.array() > 0).select(sum.array() / count.array().max(Scalar(1)), Scalar(0)).matrix();
}

Eigen::Index layer_activations(Network& network, const Matrix& x, std::size_t spec_layer, Matrix& out, int batch,
                               const Progress& progress) {
    const auto& shapes = network.layer_output_shapes();
    if (spec_layer >= shapes.size())
        throw ConfigError("layer " + std::to_string(spec_layer + 1) + " asked of a network with " +
                          std::to_string(shapes.size()));
    const bool softmax_layer = network.ends_with_softmax() && spec_layer + 1 == shapes.size();
    out = Matrix::Zero(x.rows(), shapes[spec_layer].size());
    if (batch <= 0) batch = 256;
    Matrix chunk;
    for (Eigen::Index first = 0; first < x.rows(); first += batch) {
        const Eigen::Index count = std::min<Eigen::Index>(batch, x.rows() - first);
        chunk = x.middleRows(first, count);
        network.forward_scores(chunk, false);
        if (softmax_layer)
            softmax_rows(network.layer_output(spec_layer), out.middleRows(first, count));
        else
            out.middleRows(first, count) = network.layer_output(spec_layer);
        if (progress && !progress(first + count, x.rows())) return first + count;
    }
    return x.rows();
}

std::size_t penultimate_layer(const Network& network) {
    const auto& layers = network.spec().layers;
    if (layers.size() < 2) return 0;
    std::size_t i = layers.size() - 2;
    while (i > 0 && layers[i].kind == LayerKind::Dropout) --i;
    return i;
}

}  // namespace digit
