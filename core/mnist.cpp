#include "mnist.h"

#include "errors.h"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace digit {

namespace fs = std::filesystem;

namespace {

// MNIST is 47 MB of pixels; nothing legitimate comes near this, and a corrupt size field or a
// gzip bomb must not make us allocate gigabytes.
constexpr std::uint64_t kMaxBytes = 512ull << 20;
constexpr std::uint32_t kImagesMagic = 0x00000803;
constexpr std::uint32_t kLabelsMagic = 0x00000801;

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw FileError(path, -1, "file not found");
    if (fs::is_directory(path, ec)) throw FileError(path, -1, "is a folder, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path, -1, std::string("cannot open: ") + std::strerror(errno));
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    in.seekg(0);
    if (size < 0) throw FileError(path, -1, "cannot determine the file size");
    if (static_cast<std::uint64_t>(size) > kMaxBytes)
        throw FileError(path, -1, "file of " + std::to_string(size) + " bytes is far larger than MNIST");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) throw FileError(path, -1, "read error");
    return bytes;
}

// Inflates a gzip stream (one or more members) with a hard cap on the output size.
std::vector<std::uint8_t> gunzip(const std::string& path, const std::vector<std::uint8_t>& in) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 32) != Z_OK) throw FileError(path, 0, "cannot start gzip decompression");
    std::vector<std::uint8_t> out;
    std::vector<std::uint8_t> chunk(1 << 20);
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (true) {
        z.next_out = chunk.data();
        z.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            const auto at = static_cast<std::int64_t>(z.total_in);
            inflateEnd(&z);
            throw FileError(path, at, std::string("corrupt gzip data") + (z.msg ? std::string(": ") + z.msg : ""));
        }
        out.insert(out.end(), chunk.data(), chunk.data() + (chunk.size() - z.avail_out));
        if (out.size() > kMaxBytes) {
            inflateEnd(&z);
            throw FileError(path, -1, "decompresses to more than " + std::to_string(kMaxBytes >> 20) + " MiB: not MNIST");
        }
        if (rc == Z_STREAM_END) {
            if (z.avail_in == 0) break;
            inflateReset(&z);  // another gzip member follows
            continue;
        }
        if (z.avail_in == 0 && z.avail_out != 0) {
            const auto at = static_cast<std::int64_t>(z.total_in);
            inflateEnd(&z);
            throw FileError(path, at, "truncated gzip data: the stream ends before its end marker");
        }
    }
    inflateEnd(&z);
    return out;
}

std::vector<std::uint8_t> read_maybe_gzip(const std::string& path) {
    std::vector<std::uint8_t> bytes = read_file(path);
    if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) return gunzip(path, bytes);
    return bytes;
}

std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at) {
    return (std::uint32_t(b[at]) << 24) | (std::uint32_t(b[at + 1]) << 16) | (std::uint32_t(b[at + 2]) << 8) | b[at + 3];
}

struct IdxHeader {
    std::uint32_t count = 0, rows = 0, cols = 0;
};

// Checks an IDX header against the bytes that follow it. IDX: 4-byte magic (0, 0, type 0x08 =
// unsigned byte, number of dimensions), then one big-endian u32 per dimension, then the data.
IdxHeader check_idx(const std::string& path, const std::vector<std::uint8_t>& b, bool images) {
    const std::uint32_t magic = images ? kImagesMagic : kLabelsMagic;
    const std::size_t header = images ? 16 : 8;
    const char* what = images ? "IDX images" : "IDX labels";
    if (b.size() < 4) throw FileError(path, static_cast<std::int64_t>(b.size()), std::string("truncated: too short for an ") + what + " header (" + std::to_string(header) + " bytes)");
    if (be32(b, 0) != magic)
        throw FileError(path, 0, "expected magic " + hex32(magic) + " (" + what + "), found " + hex32(be32(b, 0)));
    if (b.size() < header)
        throw FileError(path, static_cast<std::int64_t>(b.size()), "truncated: the header needs " + std::to_string(header) + " bytes");
    IdxHeader h;
    h.count = be32(b, 4);
    if (images) {
        h.rows = be32(b, 8);
        h.cols = be32(b, 12);
        if (h.rows == 0 || h.rows > 1024) throw FileError(path, 8, "expected 1 to 1024 rows per image, found " + std::to_string(h.rows));
        if (h.cols == 0 || h.cols > 1024) throw FileError(path, 12, "expected 1 to 1024 columns per image, found " + std::to_string(h.cols));
    }
    const std::uint64_t per = images ? std::uint64_t(h.rows) * h.cols : 1;
    const std::uint64_t expected = header + std::uint64_t(h.count) * per;
    if (b.size() < expected)
        throw FileError(path, static_cast<std::int64_t>(b.size()),
                        "truncated: the header promises " + std::to_string(h.count) + (images ? " images" : " labels") + " (" +
                            std::to_string(expected) + " bytes), the file has " + std::to_string(b.size()) + " bytes");
    if (b.size() > expected)
        throw FileError(path, static_cast<std::int64_t>(expected),
                        "unexpected data after the last of " + std::to_string(h.count) + (images ? " images" : " labels") + " (" +
                            std::to_string(b.size() - expected) + " extra bytes)");
    return h;
}

void check_labels(const std::string& path, const std::vector<std::uint8_t>& labels, std::size_t first_byte) {
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] > 9)
            throw FileError(path, static_cast<std::int64_t>(first_byte + i),
                            "label " + std::to_string(i) + " is " + std::to_string(labels[i]) + ", expected a digit 0-9");
}

// ---- Keras's mnist.npz: a zip archive of four .npy arrays -------------------------------------

std::uint16_t le16(const std::vector<std::uint8_t>& b, std::size_t at) { return std::uint16_t(b[at] | (b[at + 1] << 8)); }
std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
    return std::uint32_t(b[at]) | (std::uint32_t(b[at + 1]) << 8) | (std::uint32_t(b[at + 2]) << 16) | (std::uint32_t(b[at + 3]) << 24);
}

struct ZipEntry {
    std::string name;
    std::uint16_t method = 0;
    std::uint32_t compressed = 0, size = 0, local_offset = 0;
};

std::vector<ZipEntry> zip_directory(const std::string& path, const std::vector<std::uint8_t>& b) {
    // The end-of-central-directory record: signature 0x06054b50 within the last 64 KiB + 22 bytes.
    if (b.size() < 22) throw FileError(path, 0, "not a zip archive (too short for mnist.npz)");
    std::size_t eocd = std::string::npos;
    for (std::size_t i = b.size() - 22 + 1; i-- > 0 && b.size() - i <= 65557;)
        if (le32(b, i) == 0x06054b50) {
            eocd = i;
            break;
        }
    if (eocd == std::string::npos) throw FileError(path, 0, "not a zip archive (no end-of-central-directory record), so not an .npz file");
    const std::uint16_t entries = le16(b, eocd + 10);
    const std::uint32_t dir_offset = le32(b, eocd + 16);
    std::vector<ZipEntry> out;
    std::size_t at = dir_offset;
    for (std::uint16_t i = 0; i < entries; ++i) {
        if (at + 46 > b.size() || le32(b, at) != 0x02014b50)
            throw FileError(path, static_cast<std::int64_t>(at), "corrupt zip central directory (entry " + std::to_string(i) + ")");
        ZipEntry e;
        e.method = le16(b, at + 10);
        e.compressed = le32(b, at + 20);
        e.size = le32(b, at + 24);
        const std::uint16_t name_len = le16(b, at + 28), extra_len = le16(b, at + 30), comment_len = le16(b, at + 32);
        e.local_offset = le32(b, at + 42);
        if (at + 46 + name_len > b.size()) throw FileError(path, static_cast<std::int64_t>(at), "corrupt zip central directory (name)");
        e.name.assign(reinterpret_cast<const char*>(b.data() + at + 46), name_len);
        out.push_back(e);
        at += 46 + std::size_t(name_len) + extra_len + comment_len;
    }
    return out;
}

std::vector<std::uint8_t> zip_extract(const std::string& path, const std::vector<std::uint8_t>& b, const ZipEntry& e) {
    const std::size_t at = e.local_offset;
    if (at + 30 > b.size() || le32(b, at) != 0x04034b50)
        throw FileError(path, static_cast<std::int64_t>(at), "corrupt zip entry header for " + e.name);
    const std::size_t data = at + 30 + le16(b, at + 26) + le16(b, at + 28);
    if (e.size > kMaxBytes) throw FileError(path, static_cast<std::int64_t>(at), e.name + " is impossibly large");
    if (data + e.compressed > b.size())
        throw FileError(path, static_cast<std::int64_t>(b.size()), "truncated: " + e.name + " needs " + std::to_string(e.compressed) + " bytes at offset " + std::to_string(data));
    if (e.method == 0) {
        if (e.compressed != e.size) throw FileError(path, static_cast<std::int64_t>(at), "corrupt zip entry " + e.name + " (stored sizes differ)");
        return std::vector<std::uint8_t>(b.begin() + static_cast<std::ptrdiff_t>(data), b.begin() + static_cast<std::ptrdiff_t>(data + e.size));
    }
    if (e.method != 8) throw FileError(path, static_cast<std::int64_t>(at), e.name + " uses zip method " + std::to_string(e.method) + "; expected stored (0) or deflate (8)");
    std::vector<std::uint8_t> out(e.size);
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw FileError(path, static_cast<std::int64_t>(data), "cannot start decompression");
    z.next_in = const_cast<Bytef*>(b.data() + data);
    z.avail_in = e.compressed;
    z.next_out = out.data();
    z.avail_out = e.size;
    const int rc = inflate(&z, Z_FINISH);
    const bool ok = rc == Z_STREAM_END && z.total_out == e.size;
    inflateEnd(&z);
    if (!ok) throw FileError(path, static_cast<std::int64_t>(data), "corrupt deflate data in " + e.name);
    return out;
}

// Parses a .npy array of unsigned bytes: magic "\x93NUMPY", version, header dict, data.
std::vector<std::uint8_t> npy_u8(const std::string& path, const std::string& entry, const std::vector<std::uint8_t>& b,
                                 std::vector<std::size_t>& shape) {
    const std::string where = path + ":" + entry;
    if (b.size() < 10 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0) throw FileError(where, 0, "not a .npy array (bad magic)");
    const int major = b[6];
    std::size_t hlen, start;
    if (major == 1) {
        hlen = le16(b, 8);
        start = 10;
    } else if (major == 2 || major == 3) {
        if (b.size() < 12) throw FileError(where, 8, "truncated .npy header");
        hlen = le32(b, 8);
        start = 12;
    } else {
        throw FileError(where, 6, ".npy format version " + std::to_string(major) + " is not supported");
    }
    if (start + hlen > b.size()) throw FileError(where, static_cast<std::int64_t>(start), "truncated .npy header");
    const std::string header(reinterpret_cast<const char*>(b.data() + start), hlen);
    if (header.find("'descr': '|u1'") == std::string::npos && header.find("'descr': '<u1'") == std::string::npos)
        throw FileError(where, static_cast<std::int64_t>(start), "expected dtype uint8 ('|u1'), header is " + header);
    if (header.find("'fortran_order': False") == std::string::npos)
        throw FileError(where, static_cast<std::int64_t>(start), "expected C order (fortran_order False)");
    const auto open = header.find("'shape': (");
    if (open == std::string::npos) throw FileError(where, static_cast<std::int64_t>(start), "no shape in the .npy header");
    const auto close = header.find(')', open);
    std::stringstream dims(header.substr(open + 10, close - open - 10));
    std::string part;
    shape.clear();
    std::uint64_t total = 1;
    while (std::getline(dims, part, ',')) {
        if (part.find_first_not_of(' ') == std::string::npos) continue;
        const unsigned long long d = std::strtoull(part.c_str(), nullptr, 10);
        shape.push_back(static_cast<std::size_t>(d));
        total *= d;
        if (total > kMaxBytes) throw FileError(where, static_cast<std::int64_t>(start), "array shape is impossibly large");
    }
    const std::size_t data = start + hlen;
    if (b.size() - data != total)
        throw FileError(where, static_cast<std::int64_t>(data), "expected " + std::to_string(total) + " data bytes for the shape, found " + std::to_string(b.size() - data));
    return std::vector<std::uint8_t>(b.begin() + static_cast<std::ptrdiff_t>(data), b.end());
}

Dataset npz_split(const std::string& path, const std::vector<std::uint8_t>& zip, const std::vector<ZipEntry>& dir,
                  const std::string& x_name, const std::string& y_name) {
    auto find = [&](const std::string& name) -> const ZipEntry& {
        for (const auto& e : dir)
            if (e.name == name) return e;
        throw FileError(path, -1, "no " + name + " in the archive (expected x_train, y_train, x_test, y_test)");
    };
    std::vector<std::size_t> xs, ys;
    Dataset d;
    d.images = npy_u8(path, x_name, zip_extract(path, zip, find(x_name)), xs);
    d.labels = npy_u8(path, y_name, zip_extract(path, zip, find(y_name)), ys);
    if (xs.size() != 3 || xs[1] == 0 || xs[2] == 0 || xs[1] > 1024 || xs[2] > 1024)
        throw FileError(path + ":" + x_name, -1, "expected images of shape (count, rows, cols)");
    if (ys.size() != 1) throw FileError(path + ":" + y_name, -1, "expected labels of shape (count,)");
    if (xs[0] != ys[0])
        throw FileError(path, -1, x_name + " has " + std::to_string(xs[0]) + " images but " + y_name + " has " + std::to_string(ys[0]) + " labels");
    d.rows = static_cast<int>(xs[1]);
    d.cols = static_cast<int>(xs[2]);
    check_labels(path + ":" + y_name, d.labels, 0);
    return d;
}

bool has_idx_files(const fs::path& dir) {
    for (const char* base : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
        std::error_code ec;
        if (!fs::is_regular_file(dir / base, ec) && !fs::is_regular_file(dir / (std::string(base) + ".gz"), ec)) return false;
    }
    return true;
}

std::string idx_path(const fs::path& dir, const char* base) {
    std::error_code ec;
    fs::path raw = dir / base;
    return (fs::is_regular_file(raw, ec) ? raw : dir / (std::string(base) + ".gz")).string();
}

bool usable(const std::string& p) {
    std::error_code ec;
    if (p.empty()) return false;
    if (fs::is_directory(p, ec)) return has_idx_files(p);
    return fs::is_regular_file(p, ec);
}

}  // namespace

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

Dataset load_idx(const std::string& images_path, const std::string& labels_path) {
    std::vector<std::uint8_t> ib = read_maybe_gzip(images_path);
    const IdxHeader ih = check_idx(images_path, ib, true);
    std::vector<std::uint8_t> lb = read_maybe_gzip(labels_path);
    const IdxHeader lh = check_idx(labels_path, lb, false);
    if (ih.count != lh.count)
        throw FileError(labels_path, 4, "holds " + std::to_string(lh.count) + " labels but " + images_path + " holds " +
                                            std::to_string(ih.count) + " images");
    Dataset d;
    d.rows = static_cast<int>(ih.rows);
    d.cols = static_cast<int>(ih.cols);
    // Move the payload out without a second copy of the 47 MB.
    ib.erase(ib.begin(), ib.begin() + 16);
    d.images = std::move(ib);
    lb.erase(lb.begin(), lb.begin() + 8);
    d.labels = std::move(lb);
    check_labels(labels_path, d.labels, 8);
    return d;
}

MnistData load_npz(const std::string& path) {
    const std::vector<std::uint8_t> zip = read_file(path);
    const std::vector<ZipEntry> dir = zip_directory(path, zip);
    MnistData m;
    m.train = npz_split(path, zip, dir, "x_train.npy", "y_train.npy");
    m.test = npz_split(path, zip, dir, "x_test.npy", "y_test.npy");
    m.source = path;
    return m;
}

MnistData load_mnist(const std::string& dir_or_npz) {
    std::error_code ec;
    if (fs::is_directory(dir_or_npz, ec)) {
        const fs::path dir(dir_or_npz);
        if (!has_idx_files(dir)) {
            if (fs::is_regular_file(dir / "mnist.npz", ec)) return load_npz((dir / "mnist.npz").string());
            throw FileError(dir_or_npz, -1, "no MNIST here: expected train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                                            "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (raw or .gz), or mnist.npz");
        }
        MnistData m;
        m.train = load_idx(idx_path(dir, "train-images-idx3-ubyte"), idx_path(dir, "train-labels-idx1-ubyte"));
        m.test = load_idx(idx_path(dir, "t10k-images-idx3-ubyte"), idx_path(dir, "t10k-labels-idx1-ubyte"));
        if (m.train.rows != m.test.rows || m.train.cols != m.test.cols)
            throw FileError(dir_or_npz, -1, "training and test images differ in size");
        m.source = dir_or_npz;
        return m;
    }
    return load_npz(dir_or_npz);
}

std::optional<std::string> find_mnist(const std::string& explicit_path) {
    if (!explicit_path.empty()) {
        if (usable(explicit_path)) return explicit_path;
        std::error_code ec;
        if (fs::is_directory(explicit_path, ec) && usable((fs::path(explicit_path) / "mnist.npz").string()))
            return (fs::path(explicit_path) / "mnist.npz").string();
        return std::nullopt;
    }
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("DIGIT_MNIST_DIR")) candidates.emplace_back(env);
    candidates.emplace_back("data/mnist");
#ifdef DIGIT_SOURCE_DATA_DIR
    candidates.emplace_back(DIGIT_SOURCE_DATA_DIR);
#endif
    if (const char* home = std::getenv("HOME")) candidates.push_back((fs::path(home) / ".keras" / "datasets" / "mnist.npz").string());
    for (const auto& c : candidates)
        if (usable(c)) return c;
    return std::nullopt;
}

void to_batch(const Dataset& ds, const std::vector<std::size_t>& order, std::size_t first, std::size_t count, Matrix& x,
              std::vector<int>& labels) {
    const auto pixels = static_cast<Eigen::Index>(ds.pixels_per_image());
    if (x.rows() != static_cast<Eigen::Index>(count) || x.cols() != pixels) x.resize(static_cast<Eigen::Index>(count), pixels);
    labels.resize(count);
    const Scalar scale = Scalar(1) / Scalar(255);
    for (std::size_t r = 0; r < count; ++r) {
        const std::size_t i = order[first + r];
        const std::uint8_t* p = ds.image(i);
        Scalar* row = x.data() + static_cast<std::ptrdiff_t>(r) * pixels;
        for (Eigen::Index c = 0; c < pixels; ++c) row[c] = static_cast<Scalar>(p[c]) * scale;
        labels[r] = ds.labels[i];
    }
}

}  // namespace digit
