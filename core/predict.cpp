#include "predict.h"

#include "errors.h"

#include <string>

namespace digit {

Prediction predict_image(Network& network, const MnistImage& image) {
    if (network.input_shape().size() != static_cast<std::int64_t>(image.size()))
        throw ConfigError("the model takes " + std::to_string(network.input_shape().size()) + " inputs, not a 28x28 image");
    if (network.classes() != 10) throw ConfigError("the model has " + std::to_string(network.classes()) + " outputs, not 10 digits");
    Matrix x(1, static_cast<Eigen::Index>(image.size())), p;
    for (std::size_t i = 0; i < image.size(); ++i) x(0, static_cast<Eigen::Index>(i)) = static_cast<Scalar>(image[i]);
    network.predict(x, p);
    Prediction out;
    for (int d = 0; d < 10; ++d) out.probabilities[static_cast<std::size_t>(d)] = static_cast<float>(p(0, d));
    out.digit = argmax_rows(p).front();
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

}  // namespace digit
