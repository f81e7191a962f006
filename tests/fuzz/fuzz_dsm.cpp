// libFuzzer target: model files (.dsm, core/model_io.h). A model file is outside input (people
// share them), and its CRC-32 guards against accidents, not against a crafted file, so the
// harness makes the checksum right before loading; otherwise almost every mutation would stop at
// the checksum. Two kinds of input:
//   - starting with "DGTMODEL": a whole model file; only its last 4 bytes (the CRC) are rewritten,
//     so the framing (version, header length, parameter count, sizes) is fuzzed too;
//   - anything else: the header text, then optionally a NUL byte and the raw float32 weights; the
//     harness frames it (magic, version 1, lengths, parameter count, CRC), so mutations reach the
//     header parser and the architecture checks directly (`input = 6777777777` is 19 bytes).
// A model the loader accepts must hold only finite weights and must build and predict one
// sample without any error or sanitizer report.
#include "fuzz_support.h"
#include "model_io.h"
#include "network.h"

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <string>

using namespace digit;

namespace {

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint32_t crc_of(const std::string& bytes, std::size_t n) {
    return static_cast<std::uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n)));
}

std::string model_bytes(const std::uint8_t* data, std::size_t size) {
    std::string in(reinterpret_cast<const char*>(data), size);
    if (in.rfind("DGTMODEL", 0) == 0) {
        if (in.size() >= 20) {  // a checksum after at least the fixed header: make it right
            in.resize(in.size() - 4);
            put_u32(in, crc_of(in, in.size()));
        }
        return in;
    }
    const std::size_t nul = in.find('\0');
    const std::string header = in.substr(0, nul);
    const std::string weights = nul == std::string::npos ? std::string() : in.substr(nul + 1);
    std::string out = "DGTMODEL";
    put_u32(out, 1);
    put_u32(out, static_cast<std::uint32_t>(header.size()));
    out += header;
    put_u64(out, weights.size() / 4);
    out.append(weights, 0, weights.size() / 4 * 4);
    put_u32(out, crc_of(out, out.size()));
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fuzz::MemFile file("model");
    const std::string& path = file.write(model_bytes(data, size));
    ModelFile model;
    if (!fuzz::refused_or_loaded([&] { model = load_model(path); })) return 0;

    // Accepted: it must be a model that works.
    for (float w : model.parameters) fuzz::require(std::isfinite(w), "an accepted model has only finite weights");
    auto net = network_from_file(model);
    fuzz::require(net->parameter_count() == model.parameters.size(), "the network holds the file's weights");
    Matrix x = Matrix::Constant(1, static_cast<Eigen::Index>(net->input_shape().size()), Scalar(0.5));
    const Matrix p = net->predict(x);
    fuzz::require(p.rows() == 1 && p.cols() == net->classes(), "one row of class scores per sample");
    return 0;
}
