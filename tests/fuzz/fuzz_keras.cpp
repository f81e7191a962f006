// libFuzzer target: Keras model files (core/interop/keras_import.h): HDF5 (Keras 2 .h5 and
// Keras 3's legacy .h5, read through libhdf5 from a memory image) and .keras zips (libzip, the
// config JSON, the weights' HDF5 inside). The seeds are small fixtures in Keras's exact layouts
// from tests/interop/make_keras_fixtures.py. The bytes go in directly (import_keras_model_bytes),
// as the importer reads a whole file before parsing it.
// A model the importer accepts must build and predict one sample with finite probabilities.
// libhdf5 runs in the importer's child process (core/interop/hdf5_file.h): a hang, crash or
// memory blow-up inside it is an error the importer reports, not a finding. The limits are
// tighter here than in the app (mutations of a variable-length string attribute hang libhdf5
// often), so a looping input costs the fuzzer half a second, not 10.
#include "fuzz_support.h"
#include "hdf5_file.h"
#include "keras_import.h"
#include "network.h"

#include <cmath>
#include <string>

using namespace digit;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    interop::Hdf5ReadLimits limits;
    limits.answer_ms = 500;
    limits.cpu_seconds = 2;
    interop::set_hdf5_read_limits(limits);
    return 0;
}

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
