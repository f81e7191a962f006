#include "dataset.h"

#include <algorithm>
#include <stdexcept>

namespace digit {

Dataset Dataset::head(std::size_t n) const {
    Dataset d;
    d.rows = rows;
    d.cols = cols;
    n = std::min(n, size());
    d.labels.assign(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(n));
    d.images.assign(images.begin(), images.begin() + static_cast<std::ptrdiff_t>(n * pixels_per_image()));
    return d;
}

Dataset Dataset::subset(const std::vector<std::size_t>& indices) const {
    Dataset d;
    d.rows = rows;
    d.cols = cols;
    d.labels.reserve(indices.size());
    d.images.reserve(indices.size() * pixels_per_image());
    for (std::size_t i : indices) {
        if (i >= size()) throw std::out_of_range("Dataset::subset: index " + std::to_string(i) + " of " + std::to_string(size()));
        d.labels.push_back(labels[i]);
        d.images.insert(d.images.end(), image(i), image(i) + pixels_per_image());
    }
    return d;
}

void to_batch(const Dataset& ds, const std::vector<std::size_t>& order, std::size_t first, std::size_t count, Matrix& x,
              std::vector<int>& labels) {
    if (first > order.size() || count > order.size() - first)
        throw std::out_of_range("to_batch: samples [" + std::to_string(first) + ", " + std::to_string(first + count) +
                                ") of an order of " + std::to_string(order.size()));
    const auto pixels = static_cast<Eigen::Index>(ds.pixels_per_image());
    // Same shape as last batch: reuse the buffers (the trainer calls this every step).
    if (x.rows() != static_cast<Eigen::Index>(count) || x.cols() != pixels) x.resize(static_cast<Eigen::Index>(count), pixels);
    if (labels.size() != count) labels.resize(count);
    const Scalar scale = Scalar(1) / Scalar(255);
    for (std::size_t r = 0; r < count; ++r) {
        const std::size_t i = order[first + r];
        if (i >= ds.size()) throw std::out_of_range("to_batch: sample " + std::to_string(i) + " of " + std::to_string(ds.size()));
        const std::uint8_t* p = ds.image(i);
        Scalar* row = x.data() + static_cast<std::ptrdiff_t>(r) * pixels;
        for (Eigen::Index c = 0; c < pixels; ++c) row[c] = static_cast<Scalar>(p[c]) * scale;
        labels[r] = ds.labels[i];
    }
}

}  // namespace digit
