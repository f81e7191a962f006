// libFuzzer target: IDX files (core/formats/idx.h, load_idx). Built twice (tests/fuzz/CMakeLists.txt):
// fuzz_idx_raw takes inputs that are not gzip, fuzz_idx_gzip only gzip streams (magic 1f 8b), so
// each keeps its own corpus. Every input is read once as the images file, beside a valid labels
// file, and once as the labels file, beside a valid images file; the fuzzed file is parsed to the
// end either way before the two counts are compared.
#include "fuzz_support.h"
#include "formats/idx.h"

#include <string>

#ifndef DIGIT_FUZZ_GZIP
#error "define DIGIT_FUZZ_GZIP to 0 (raw IDX) or 1 (gzip IDX)"
#endif

using namespace digit;

namespace {

std::string be32(std::uint32_t v) {
    return {char(v >> 24), char((v >> 16) & 0xff), char((v >> 8) & 0xff), char(v & 0xff)};
}

// One 28x28 image of 7s, and one label 3: the valid partners of a fuzzed file.
const std::string kOneImage = be32(0x803) + be32(1) + be32(28) + be32(28) + std::string(784, char(7));
const std::string kOneLabel = be32(0x801) + be32(1) + std::string(1, char(3));

void check(const Dataset& d) {
    fuzz::require(d.rows >= 1 && d.cols >= 1, "rows and columns are positive");
    fuzz::require(d.images.size() == d.size() * d.pixels_per_image(), "one image per label");
    for (std::uint8_t l : d.labels) fuzz::require(l <= 9, "labels are digits");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    if (gzip != bool(DIGIT_FUZZ_GZIP)) return -1;  // the other target's input: keep it out of this corpus
    static fuzz::MemFile fuzzed("fuzzed"), images("images"), labels("labels");
    static const bool partners = (images.write(kOneImage), labels.write(kOneLabel), true);
    (void)partners;

    const std::string& path = fuzzed.write(data, size);
    fuzz::refused_or_loaded([&] { check(load_idx(path, labels.path())); });
    fuzz::refused_or_loaded([&] { check(load_idx(images.path(), path)); });
    return 0;
}
