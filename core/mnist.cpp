#include "mnist.h"

#include "errors.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace digit {

namespace fs = std::filesystem;

namespace {

constexpr const char* kIdxNames[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                     "t10k-labels-idx1-ubyte"};

// The IDX file `base` in dir, raw or with .gz; empty if neither exists.
std::string idx_file(const fs::path& dir, const char* base) {
    std::error_code ec;
    for (const fs::path& p : {dir / base, dir / (std::string(base) + ".gz")})
        if (fs::is_regular_file(p, ec)) return p.string();
    return {};
}

bool has_idx_files(const fs::path& dir) {
    return std::all_of(std::begin(kIdxNames), std::end(kIdxNames), [&](const char* b) { return !idx_file(dir, b).empty(); });
}

// What load_mnist would read for p: p itself (a folder of IDX files, or a file taken to be an
// .npz), p/mnist.npz, or nothing.
std::optional<std::string> resolve(const std::string& p) {
    if (p.empty()) return std::nullopt;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p;
    if (!fs::is_directory(p, ec)) return std::nullopt;
    if (has_idx_files(p)) return p;
    const fs::path npz = fs::path(p) / "mnist.npz";
    if (fs::is_regular_file(npz, ec)) return npz.string();
    return std::nullopt;
}

}  // namespace

MnistData load_mnist(const std::string& dir_or_npz) {
    std::error_code ec;
    if (!fs::is_directory(dir_or_npz, ec)) return load_npz(dir_or_npz);
    const fs::path dir(dir_or_npz);
    if (!has_idx_files(dir)) {
        if (fs::is_regular_file(dir / "mnist.npz", ec)) return load_npz((dir / "mnist.npz").string());
        std::string missing;
        for (const char* b : kIdxNames)
            if (idx_file(dir, b).empty()) missing += (missing.empty() ? "" : ", ") + std::string(b);
        throw FileError(dir_or_npz, -1, "no MNIST here: expected the four IDX files (raw or .gz) or mnist.npz; missing " + missing);
    }
    MnistData m;
    m.train = load_idx(idx_file(dir, kIdxNames[0]), idx_file(dir, kIdxNames[1]));
    m.test = load_idx(idx_file(dir, kIdxNames[2]), idx_file(dir, kIdxNames[3]));
    if (m.train.rows != m.test.rows || m.train.cols != m.test.cols)
        throw FileError(idx_file(dir, kIdxNames[2]), 8,
                        "expected " + std::to_string(m.train.rows) + "x" + std::to_string(m.train.cols) +
                            " images like the training set, found " + std::to_string(m.test.rows) + "x" + std::to_string(m.test.cols));
    m.source = dir_or_npz;
    return m;
}

std::optional<std::string> find_mnist(const std::string& explicit_path) {
    // An explicit path is the user's choice: no silent fallback to data found elsewhere.
    if (!explicit_path.empty()) return resolve(explicit_path);
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("DIGIT_MNIST_DIR"); env && *env) candidates.emplace_back(env);
    candidates.emplace_back("data/mnist");
#ifdef DIGIT_SOURCE_DATA_DIR
    candidates.emplace_back(DIGIT_SOURCE_DATA_DIR);
#endif
    if (const char* home = std::getenv("HOME"); home && *home)
        candidates.push_back((fs::path(home) / ".keras" / "datasets" / "mnist.npz").string());
    for (const auto& c : candidates)
        if (auto r = resolve(c)) return r;
    return std::nullopt;
}

}  // namespace digit
