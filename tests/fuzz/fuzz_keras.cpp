// libFuzzer target: Keras model files (core/interop/keras_import.h): HDF5 (Keras 2 .h5 and
// Keras 3's legacy .h5, read through libhdf5 from a memory image) and .keras zips (libzip, the
// config JSON, the weights' HDF5 inside). The seeds are small fixtures in Keras's exact layouts
// from tests/interop/make_keras_fixtures.py. The bytes go in directly (import_keras_model_bytes),
// as the importer reads a whole file before parsing it.
// A model the importer accepts must build and predict one sample with finite probabilities.
// Note: libhdf5 itself is not instrumented, so a fault inside it shows as a crash with no
// sanitizer report of its own.
#include "fuzz_support.h"
#include "keras_import.h"
#include "network.h"

#include <cmath>
#include <string>

using namespace digit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    fuzz::refused_or_loaded([&] {
        const interop::KerasImport k = interop::import_keras_model_bytes(bytes, "fuzz.keras");
        auto net = network_from_file(k.model);
        fuzz::require(net->parameter_count() == k.model.parameters.size(), "the parameters fill the network");
        Matrix x = Matrix::Constant(1, static_cast<Eigen::Index>(net->input_shape().size()), Scalar(0.5));
        const Matrix p = net->predict(x, 1);
        for (Eigen::Index c = 0; c < p.cols(); ++c) fuzz::require(std::isfinite(p(0, c)), "finite probabilities");
    });
    return 0;
}
