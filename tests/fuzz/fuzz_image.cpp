// libFuzzer target: image files through the Draw page's and `digit-cli predict`'s path: QtGui's
// decoders (image/image_file.h, load_gray_image) and then the digit preprocessing
// (core/preprocess.h). Qt and its codecs (libpng, libjpeg) are not instrumented, so coverage
// guides the fuzzer only through our code; the decoders get the mutated real images of the seed
// corpus and run under ASan's allocator, which still catches what they allocate past the cap.
// Inputs that start with "RAW8" or "RAWF" skip the decoders: a width (2 bytes) and then pixels,
// 8-bit (/255) or raw float32 (NaN, infinities and all), go straight into the preprocessing with
// each polarity, so the fuzzer can steer it.
#include "fuzz_support.h"
#include "image_file.h"
#include "preprocess.h"

#include <QCoreApplication>

#include <cmath>
#include <cstring>

using namespace digit;

namespace {

void check(const PreprocessResult& r) {
    bool any = false;
    for (float v : r.image) {
        fuzz::require(v >= 0.0f && v <= 1.0f, "the 28x28 input is in [0, 1] (and not NaN)");
        any = any || v > 0.0f;
    }
    fuzz::require(!r.empty || !any, "an empty result is all zero");
}

void preprocess_all_polarities(const GrayImage& g) {
    for (Polarity p : {Polarity::Auto, Polarity::DarkOnLight, Polarity::LightOnDark}) {
        PreprocessOptions o;
        o.polarity = p;
        check(preprocess_digit(g, o));
    }
}

bool raw_image(const std::uint8_t* data, std::size_t size, GrayImage& g) {
    if (size < 6 || (std::memcmp(data, "RAW8", 4) != 0 && std::memcmp(data, "RAWF", 4) != 0)) return false;
    const bool floats = data[3] == 'F';
    g.width = 1 + ((data[4] | (data[5] << 8)) % 4096);
    const std::size_t bytes = floats ? 4 : 1;
    const std::size_t n = (size - 6) / bytes;
    g.height = static_cast<int>(n / static_cast<std::size_t>(g.width));
    g.pixels.resize(static_cast<std::size_t>(g.width) * static_cast<std::size_t>(g.height));
    for (std::size_t i = 0; i < g.pixels.size(); ++i) {
        if (floats) std::memcpy(&g.pixels[i], data + 6 + 4 * i, 4);
        else g.pixels[i] = static_cast<float>(data[6 + i]) / 255.0f;
    }
    return true;
}

void quiet(QtMsgType, const QMessageLogContext&, const QString&) {}  // libpng/libjpeg warnings

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
    // Qt finds its image-format plugins (JPEG, GIF, ...) through the application object.
    static QCoreApplication app(*argc, *argv);
    qInstallMessageHandler(quiet);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    GrayImage g;
    if (raw_image(data, size, g)) {
        preprocess_all_polarities(g);
        return 0;
    }
    static fuzz::MemFile file("image");
    const std::string& path = file.write(data, size);
    // Read as digit-cli predict and the Draw page read a file: a large picture at 1/2-1/8 size.
    if (!fuzz::refused_or_loaded([&] { g = load_gray_image(path, kDecodeSide); })) return 0;
    fuzz::require(g.width > 0 && g.height > 0, "a decoded image has pixels");
    fuzz::require(g.pixels.size() == static_cast<std::size_t>(g.width) * static_cast<std::size_t>(g.height),
                  "width x height grey levels");
    for (float v : g.pixels) fuzz::require(v >= 0.0f && v <= 1.0f, "grey levels are in [0, 1]");
    preprocess_all_polarities(g);
    return 0;
}
