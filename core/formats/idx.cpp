#include "idx.h"

#include "byte_stream.h"

#include <array>

namespace digit {

using namespace formats;

namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803;  // 0, 0, type 0x08 (unsigned byte), 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // 0, 0, type 0x08 (unsigned byte), 1 dimension

// What a 4-byte magic number that is not the expected one looks like, to make the error useful.
std::string describe_magic(std::uint32_t found) {
    if (found == kLabelsMagic) return " (an IDX labels file: are images and labels swapped?)";
    if (found == kImagesMagic) return " (an IDX images file: are images and labels swapped?)";
    if ((found >> 8) == 0x08) return " (IDX bytes with " + std::to_string(found & 0xff) + " dimensions)";
    if ((found >> 16) == 0) return " (IDX of another element type)";
    if ((found >> 16) == 0x504b) return " (a zip archive; for mnist.npz pass the .npz file itself)";
    return " (not an IDX file)";
}

struct IdxArray {
    std::uint32_t count = 0, rows = 1, cols = 1;
    std::vector<std::uint8_t> data;  // count * rows * cols bytes, header stripped
};

// Reads one IDX file of unsigned bytes, raw or gzip-compressed (told by its magic bytes, not its
// name). Layout: magic (4 bytes), one big-endian u32 per dimension, then the data:
// images (count, rows, cols), labels (count). Every field is checked before the payload is
// allocated; labels are checked to be digits.
IdxArray read_idx(const std::string& path, bool images) {
    std::uint64_t file_size = 0;
    std::ifstream in = open_file(path, file_size);
    const bool gz = starts_with_gzip_magic(in, file_size);
    Stream s(path, in, 0, file_size, gz ? Stream::Coding::gzip : Stream::Coding::stored, "gzip data");
    // IDX offsets count decoded bytes; in a .gz file they would be misread as file positions.
    auto fail = [&](std::uint64_t at, std::string detail) {
        if (gz) detail += "; the offset counts decompressed bytes";
        return FileError(path, off(at), detail);
    };
    const std::string kind = images ? "IDX images" : "IDX labels";
    const std::string items = images ? " images" : " labels";
    const std::uint32_t magic = images ? kImagesMagic : kLabelsMagic;
    const std::size_t header = images ? 16 : 8;

    std::array<std::uint8_t, 16> h{};
    const std::size_t got = s.read(h.data(), header);
    if (got == 0) throw fail(0, "empty file, expected an " + kind + " file (magic " + hex32(magic) + ")");
    if (got < 4) throw fail(got, "truncated: " + std::to_string(got) + " bytes, too short for the " + kind + " magic number");
    if (be32(h.data()) != magic)
        throw fail(0, "expected magic " + hex32(magic) + " (" + kind + "), found " + hex32(be32(h.data())) +
                          describe_magic(be32(h.data())));
    if (got < header)
        throw fail(got, "truncated: the " + std::to_string(header) + "-byte " + kind + " header ends after " +
                            std::to_string(got) + " bytes");

    IdxArray a;
    a.count = be32(h.data() + 4);
    if (images) {
        a.rows = be32(h.data() + 8);
        a.cols = be32(h.data() + 12);
        if (a.rows == 0 || a.rows > kMaxSide)
            throw fail(8, "expected 1 to " + std::to_string(kMaxSide) + " rows per image, found " + std::to_string(a.rows));
        if (a.cols == 0 || a.cols > kMaxSide)
            throw fail(12, "expected 1 to " + std::to_string(kMaxSide) + " columns per image, found " + std::to_string(a.cols));
    }
    const std::uint64_t payload = std::uint64_t(a.count) * a.rows * a.cols;  // < 2^52, no overflow
    const std::string promise = std::to_string(a.count) + items +
                                (images ? " of " + std::to_string(a.rows) + "x" + std::to_string(a.cols) : "") + " (" +
                                std::to_string(payload) + " bytes after the " + std::to_string(header) + "-byte header)";
    if (payload > kMaxArrayBytes)
        throw fail(4, "the header claims " + promise + ", expected at most " + std::to_string(kMaxArrayBytes >> 20) +
                          " MiB: the count is corrupt" +
                          (gz ? "" : " (the file has " + std::to_string(file_size) + " bytes)"));
    // A raw file's size is known: refuse a short or padded one before allocating anything.
    if (const auto size = s.known_size()) {
        if (*size < header + payload)
            throw fail(*size, "truncated: the header promises " + promise + ", the file has " + std::to_string(*size) + " bytes");
        if (*size > header + payload)
            throw fail(header + payload, "unexpected data after the last of " + promise + ": " +
                                             bytes_text(*size - header - payload) + " too many");
    }

    a.data.resize(static_cast<std::size_t>(payload));
    const std::size_t n = s.read(a.data.data(), a.data.size());
    if (n < payload)
        throw fail(header + n, "truncated: the header promises " + promise + ", the data ends after " +
                                   std::to_string(header + n) + " bytes");
    if (!s.at_end()) throw fail(header + payload, "unexpected data after the last of " + promise);

    if (!images)
        for (std::size_t i = 0; i < a.data.size(); ++i)
            if (a.data[i] > 9)
                throw fail(header + i, "label " + std::to_string(i) + ": expected a digit 0-9, found " + std::to_string(a.data[i]));
    return a;
}

}  // namespace

Dataset load_idx(const std::string& images_path, const std::string& labels_path) {
    IdxArray im = read_idx(images_path, true);
    IdxArray lb = read_idx(labels_path, false);
    if (lb.count != im.count)
        throw FileError(labels_path, 4, "expected " + std::to_string(im.count) + " labels, one per image in " + images_path +
                                            ", found " + std::to_string(lb.count));
    Dataset d;
    d.rows = static_cast<int>(im.rows);
    d.cols = static_cast<int>(im.cols);
    d.images = std::move(im.data);
    d.labels = std::move(lb.data);
    return d;
}

}  // namespace digit
