#include "predict.h"

#include "errors.h"
#include "not_a_digit.h"

#include <algorithm>
#include <string>

namespace digit {

namespace {

void check_network(const Network& network) {
    if (network.input_shape().size() != static_cast<std::int64_t>(MnistImage().size()))
        throw ConfigError("the model takes " + std::to_string(network.input_shape().size()) + " inputs, not a 28x28 image");
    if (network.classes() != 10 && network.classes() != 11)
        throw ConfigError("the model has " + std::to_string(network.classes()) + " outputs, not 10 digits (or 11 with \"not a digit\")");
}

}  // namespace

Prediction prediction_from_probabilities(const Scalar* p, int classes, bool empty) {
    Prediction out;
    out.model_knows_not_a_digit = classes > kNotADigitLabel;
    double digits = 0;
    for (int d = 0; d < 10; ++d) digits += static_cast<double>(p[d]);
    for (int d = 0; d < 10; ++d)
        out.probabilities[static_cast<std::size_t>(d)] = digits > 0 ? static_cast<float>(static_cast<double>(p[d]) / digits) : 0.1f;
    out.digit = static_cast<int>(std::max_element(out.probabilities.begin(), out.probabilities.end()) - out.probabilities.begin());
    out.not_a_digit_score = empty ? 1.0f : out.model_knows_not_a_digit ? std::clamp(static_cast<float>(p[kNotADigitLabel]), 0.0f, 1.0f) : 0.0f;
    out.not_a_digit = out.not_a_digit_score >= kNotADigitThreshold;
    out.confidence = out.not_a_digit ? out.not_a_digit_score : static_cast<float>(p[out.digit]);
    return out;
}

Prediction predict_image(Network& network, const MnistImage& image) {
    check_network(network);
    Matrix x(1, static_cast<Eigen::Index>(image.size())), p;
    bool empty = true;
    for (std::size_t i = 0; i < image.size(); ++i) {
        x(0, static_cast<Eigen::Index>(i)) = static_cast<Scalar>(image[i]);
        empty = empty && image[i] <= 0.0f;
    }
    network.predict(x, p);
    return prediction_from_probabilities(p.data(), network.classes(), empty);
}

std::vector<Prediction> predict_rows(Network& network, const Matrix& x) {
    check_network(network);
    const Matrix p = network.predict(x);
    std::vector<Prediction> out(static_cast<std::size_t>(x.rows()));
    for (Eigen::Index r = 0; r < x.rows(); ++r)  // (Matrix is row-major: a row is contiguous)
        out[static_cast<std::size_t>(r)] = prediction_from_probabilities(p.row(r).data(), network.classes(), (x.row(r).array() <= 0).all());
    return out;
}

Matrix images_to_rows(const std::vector<MnistImage>& images) {
    const auto pixels = static_cast<Eigen::Index>(MnistImage().size());
    Matrix x(static_cast<Eigen::Index>(images.size()), pixels);
    for (std::size_t i = 0; i < images.size(); ++i)
        for (Eigen::Index k = 0; k < pixels; ++k) x(static_cast<Eigen::Index>(i), k) = static_cast<Scalar>(images[i][static_cast<std::size_t>(k)]);
    return x;
}

std::vector<int> argmax_rows(const Matrix& scores) {
    std::vector<int> out(static_cast<std::size_t>(scores.rows()));
    for (Eigen::Index r = 0; r < scores.rows(); ++r) {
        Eigen::Index best = 0;
        scores.row(r).maxCoeff(&best);
        out[static_cast<std::size_t>(r)] = static_cast<int>(best);
    }
    return out;
}

std::vector<int> argmax_digits(const Matrix& scores) {
    std::vector<int> out(static_cast<std::size_t>(scores.rows()));
    const Eigen::Index digits = std::min<Eigen::Index>(10, scores.cols());
    for (Eigen::Index r = 0; r < scores.rows(); ++r) {
        Eigen::Index best = 0;
        scores.row(r).head(digits).maxCoeff(&best);
        out[static_cast<std::size_t>(r)] = static_cast<int>(best);
    }
    return out;
}

}  // namespace digit
