// libFuzzer target: Keras's mnist.npz (core/formats/npz.h, load_npz): the zip directory, stored and
// deflated entries, the .npy headers and the arrays behind them.
#include "fuzz_support.h"
#include "formats/npz.h"

using namespace digit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fuzz::MemFile file("npz");
    const std::string& path = file.write(data, size);
    fuzz::refused_or_loaded([&] {
        const MnistData m = load_npz(path);
        for (const Dataset* d : {&m.train, &m.test}) {
            fuzz::require(d->rows >= 1 && d->cols >= 1, "rows and columns are positive");
            fuzz::require(d->images.size() == d->size() * d->pixels_per_image(), "one image per label");
            for (std::uint8_t l : d->labels) fuzz::require(l <= 9, "labels are digits");
        }
        fuzz::require(m.train.rows == m.test.rows && m.train.cols == m.test.cols, "train and test images of one size");
    });
    return 0;
}
