#include "mnist.h"

#include "errors.h"
#include "file_io.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace digit {

namespace fs = std::filesystem;

namespace {

// The largest array the loaders accept. MNIST's training images are 47 MB (Fashion-MNIST and KMNIST
// are the same size). A header or zip directory that claims more is corrupt or hostile, and must
// be refused before anything is allocated, not after gigabytes have been.
constexpr std::uint64_t kMaxArrayBytes = 256ull << 20;
constexpr std::uint32_t kMaxSide = 1024;            // rows or columns of one image
constexpr std::uint32_t kImagesMagic = 0x00000803;  // 0, 0, type 0x08 (unsigned byte), 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // 0, 0, type 0x08 (unsigned byte), 1 dimension

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

// "1 byte", "3136 bytes".
std::string bytes_text(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}
std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

std::int64_t off(std::uint64_t at) { return static_cast<std::int64_t>(at); }

// Opens a file for binary reading; size receives its length in bytes.
std::ifstream open_file(const std::string& path, std::uint64_t& size) {
    check_readable_file(path, "a data file");  // the real cause: missing, permission, a folder, a FIFO
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path, -1, std::string("cannot open: ") + std::strerror(errno));
    in.seekg(0, std::ios::end);
    const std::streamoff end = in.tellg();
    if (end < 0) throw FileError(path, -1, "cannot determine the file size");
    in.seekg(0);
    size = static_cast<std::uint64_t>(end);
    return in;
}

// Reads exactly n bytes at `at`; false if the file has fewer.
bool read_at(std::ifstream& in, std::uint64_t at, std::uint8_t* dst, std::size_t n) {
    in.clear();
    in.seekg(static_cast<std::streamoff>(at));
    in.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(n));
    return static_cast<std::size_t>(in.gcount()) == n;
}

// A forward-only reader of the bytes [begin, begin + length) of an open file, decoded on the fly:
// stored as they are, a gzip stream (one or more members), or raw deflate (a zip entry). Headers
// are read first and payloads then go straight into their final buffer, so no array is ever held
// twice and nothing is allocated on a header's word alone. position() counts decoded bytes: the
// offsets IDX and .npy headers speak of.
class Stream {
public:
    enum class Coding { stored, gzip, deflate };

    // what: how to name the data in messages ("gzip data", "x_train.npy"). crc: keep a CRC-32 of
    // the decoded bytes (for zip entries; gzip checks its own).
    Stream(const std::string& path, std::ifstream& in, std::uint64_t begin, std::uint64_t length, Coding coding,
           std::string what, bool crc = false)
        : path_(path), in_(in), begin_(begin), length_(length), coding_(coding), what_(std::move(what)), track_crc_(crc) {
        if (coding_ == Coding::stored) return;
        buf_.resize(64 << 10);
        // 15 + 16: a zlib window of 32 KiB with a gzip wrapper; -15: raw deflate, as zip stores it.
        if (inflateInit2(&z_, coding_ == Coding::gzip ? 15 + 16 : -MAX_WBITS) != Z_OK)
            throw FileError(path_, off(begin_), "cannot start decompression (zlib out of memory)");
        started_ = true;
    }
    ~Stream() {
        if (started_) inflateEnd(&z_);
    }
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;

    // Reads up to n bytes into dst; fewer only at the end of the data. Corrupt or cut-off
    // compressed data raises FileError at the compressed byte where it went wrong.
    std::size_t read(std::uint8_t* dst, std::size_t n) {
        const std::size_t got = coding_ == Coding::stored ? read_stored(dst, n) : read_inflated(dst, n);
        if (track_crc_ && got > 0) crc_ = crc32_z(crc_, dst, got);
        pos_ += got;
        return got;
    }
    // True if no byte is left. Consumes at most one byte: ask only once everything expected is read.
    bool at_end() {
        std::uint8_t b;
        return read(&b, 1) == 0;
    }
    std::uint64_t position() const { return pos_; }
    std::uint32_t crc() const { return static_cast<std::uint32_t>(crc_); }
    bool compressed() const { return coding_ != Coding::stored; }
    // The decoded size when it is known without decoding (stored data).
    std::optional<std::uint64_t> known_size() const {
        return coding_ == Coding::stored ? std::optional<std::uint64_t>(length_) : std::nullopt;
    }

private:
    std::size_t read_stored(std::uint8_t* dst, std::size_t n) {
        n = static_cast<std::size_t>(std::min<std::uint64_t>(n, length_ - consumed_));
        if (n > 0 && !read_at(in_, begin_ + consumed_, dst, n))
            throw FileError(path_, off(begin_ + consumed_), "read error (did the file change while it was read?)");
        consumed_ += n;
        return n;
    }

    std::size_t read_inflated(std::uint8_t* dst, std::size_t n) {
        std::size_t done = 0;
        while (done < n && !ended_) {
            if (z_.avail_in == 0 && !refill()) {
                ended_ = member_done_;  // input used up exactly at the end of a gzip member: done
                if (ended_) break;
                throw FileError(path_, off(begin_ + length_),
                                "truncated " + what_ + ": the data ends inside the compressed stream");
            }
            if (member_done_) {  // more input after a complete gzip member: another member follows
                inflateReset(&z_);
                member_done_ = false;
                member_start_ = consumed_ - z_.avail_in;
            }
            // avail_out is 32-bit; a payload read may be larger, so feed it in slices.
            const std::size_t slice = std::min<std::size_t>(n - done, 1u << 30);
            z_.next_out = dst + done;
            z_.avail_out = static_cast<uInt>(slice);
            const int rc = inflate(&z_, Z_NO_FLUSH);
            done += slice - z_.avail_out;
            if (rc == Z_STREAM_END) {
                if (coding_ == Coding::gzip) {
                    member_done_ = true;
                } else {
                    ended_ = true;
                    const std::uint64_t unused = z_.avail_in + (length_ - consumed_);
                    if (unused > 0)
                        throw FileError(path_, off(begin_ + length_ - unused),
                                        "corrupt " + what_ + ": its deflate stream ends " + std::to_string(unused) +
                                            " bytes before its compressed size");
                }
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                const std::uint64_t at = begin_ + consumed_ - z_.avail_in;
                const bool after_member = coding_ == Coding::gzip && member_start_ > 0 && z_.total_out == 0;
                throw FileError(path_, off(after_member ? begin_ + member_start_ : at),
                                after_member ? "unexpected bytes after the end of the gzip data (not another gzip member)"
                                             : "corrupt " + what_ + (z_.msg ? std::string(" (zlib: ") + z_.msg + ")" : ""));
            }
        }
        return done;
    }

    bool refill() {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size(), length_ - consumed_));
        if (n == 0) return false;
        if (!read_at(in_, begin_ + consumed_, buf_.data(), n))
            throw FileError(path_, off(begin_ + consumed_), "read error (did the file change while it was read?)");
        consumed_ += n;
        z_.next_in = buf_.data();
        z_.avail_in = static_cast<uInt>(n);
        return true;
    }

    const std::string& path_;
    std::ifstream& in_;
    std::uint64_t begin_, length_;
    Coding coding_;
    std::string what_;
    bool track_crc_;
    std::uint64_t consumed_ = 0;  // bytes taken from the file so far
    std::uint64_t pos_ = 0;       // decoded bytes handed out so far
    uLong crc_ = 0;
    z_stream z_{};
    bool started_ = false, ended_ = false, member_done_ = false;
    std::uint64_t member_start_ = 0;  // where the current gzip member starts, relative to begin_
    std::vector<std::uint8_t> buf_;   // compressed input, 64 KiB
};

bool starts_with_gzip_magic(std::ifstream& in, std::uint64_t size) {
    std::uint8_t m[2];
    return size >= 2 && read_at(in, 0, m, 2) && m[0] == 0x1f && m[1] == 0x8b;
}

// What a 4-byte magic number that is not the expected one looks like, to make the error useful.
std::string describe_magic(std::uint32_t found) {
    if (found == kLabelsMagic) return " (an IDX labels file: are images and labels swapped?)";
    if (found == kImagesMagic) return " (an IDX images file: are images and labels swapped?)";
    if ((found >> 8) == 0x08) return " (IDX bytes with " + std::to_string(found & 0xff) + " dimensions)";
    if ((found >> 16) == 0) return " (IDX of another element type)";
    if ((found >> 16) == 0x504b) return " (a zip archive; for mnist.npz pass the .npz file itself)";
    return " (not an IDX file)";
}

// ---- IDX ------------------------------------------------------------------------------------------

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

// ---- Keras's mnist.npz: a zip archive of four .npy arrays ----------------------------------------

struct ZipEntry {
    std::string name;
    std::uint16_t flags = 0, method = 0;
    std::uint32_t crc = 0;
    std::uint64_t compressed = 0, size = 0, local_offset = 0;
};

// One uint8 array from the archive, with what is needed to point at any of its bytes later.
struct NpyArray {
    std::vector<std::size_t> shape;
    std::vector<std::uint8_t> data;
    std::string entry;         // "x_train.npy"
    bool stored = true;        // stored entries sit in the archive byte for byte
    std::uint64_t at = 0;      // archive offset of the entry's (possibly compressed) data
    std::uint64_t start = 0;   // position of data[0] within the decoded entry (after the .npy header)
};

// An error at decoded byte pos of an entry. In a stored entry that maps to an archive offset;
// inside deflated data only the position within the decoded entry means anything, so the offset
// is where the entry's data begins and the message gives the position.
FileError entry_error(const std::string& path, const std::string& entry, bool stored, std::uint64_t at, std::uint64_t pos,
                      const std::string& detail) {
    if (stored) return FileError(path, off(at + pos), entry + ": " + detail);
    return FileError(path, off(at), entry + " (deflated), at byte " + std::to_string(pos) + " of its data: " + detail);
}

// Parses a .npy header: "\x93NUMPY", version, header length, then a Python dict literal such as
// {'descr': '|u1', 'fortran_order': False, 'shape': (60000, 28, 28), }. Only C-ordered uint8
// arrays are accepted; returns the shape. fail(pos, detail) builds the error.
template <class Fail>
std::vector<std::size_t> npy_header(Stream& s, const Fail& fail) {
    std::uint8_t pre[12];
    const std::size_t got = s.read(pre, 10);
    if (got < 10 || std::memcmp(pre, "\x93NUMPY", 6) != 0)
        throw fail(0, got < 10 ? "truncated: expected a .npy array (magic \\x93NUMPY and a header), found " + std::to_string(got) + " bytes"
                               : std::string("expected a .npy array (magic \\x93NUMPY), found other bytes"));
    std::uint64_t len = le16(pre + 8), start = 10;
    if (pre[6] == 2 || pre[6] == 3) {  // versions 2 and 3 widen the header length to 4 bytes
        if (s.read(pre + 10, 2) < 2) throw fail(10, "truncated .npy header");
        len = le32(pre + 8);
        start = 12;
    } else if (pre[6] != 1) {
        throw fail(6, "expected .npy format version 1, 2 or 3, found " + std::to_string(pre[6]));
    }
    if (len > (1u << 20)) throw fail(8, "expected a .npy header of at most 1 MiB, found a length of " + std::to_string(len));
    std::string text(static_cast<std::size_t>(len), '\0');
    if (s.read(reinterpret_cast<std::uint8_t*>(text.data()), text.size()) < len)
        throw fail(start, "truncated .npy header: expected " + std::to_string(len) + " bytes");
    // numpy pads the dict with blanks and a newline so the data is aligned; keep messages short.
    text.erase(text.find_last_not_of(" \t\n") + 1);

    // Where the value of a dict key starts, blanks skipped; npos if the key is absent.
    auto value_of = [&](const char* key) -> std::size_t {
        for (const char q : {'\'', '"'}) {
            const std::size_t k = text.find(std::string(1, q) + key + q);
            if (k == std::string::npos) continue;
            const std::size_t colon = text.find(':', k);
            return colon == std::string::npos ? colon : text.find_first_not_of(" \t", colon + 1);
        }
        return std::string::npos;
    };
    std::size_t v = value_of("descr");
    if (v == std::string::npos || (text[v] != '\'' && text[v] != '"')) throw fail(start, "the .npy header has no 'descr': " + text);
    const std::string descr = text.substr(v + 1, text.find(text[v], v + 1) - v - 1);
    if (descr != "|u1" && descr != "<u1" && descr != ">u1" && descr != "=u1" && descr != "u1")
        throw fail(start, "expected dtype uint8 ('|u1'), found '" + descr + "'");

    std::vector<std::size_t> shape;
    v = value_of("shape");
    if (v == std::string::npos || text[v] != '(') throw fail(start, "the .npy header has no 'shape' tuple: " + text);
    for (++v;;) {
        v = text.find_first_not_of(" \t", v);
        if (v == std::string::npos) throw fail(start, "unterminated 'shape' in the .npy header: " + text);
        if (text[v] == ')') break;
        std::uint64_t d = 0;
        const std::size_t digits = v;
        // Stop accumulating past the cap so no overflow; the size check below refuses it.
        for (; v < text.size() && text[v] >= '0' && text[v] <= '9'; ++v)
            d = std::min<std::uint64_t>(d * 10 + std::uint64_t(text[v] - '0'), kMaxArrayBytes + 1);
        if (v == digits) throw fail(start, "expected a number in the .npy 'shape', header is " + text);
        if (v < text.size() && text[v] == 'L') ++v;  // written by Python 2's numpy: (60000L, 28L, 28L)
        shape.push_back(static_cast<std::size_t>(d));
        v = text.find_first_not_of(" \t", v);
        if (v != std::string::npos && text[v] == ',') ++v;
        else if (v == std::string::npos || text[v] != ')') throw fail(start, "malformed .npy 'shape': " + text);
    }
    std::uint64_t total = 1;
    for (std::size_t d : shape) total = std::min<std::uint64_t>(total * d, kMaxArrayBytes + 1);  // d <= cap + 1: no overflow
    if (total > kMaxArrayBytes)
        throw fail(start, "the 'shape' needs more than " + std::to_string(kMaxArrayBytes >> 20) + " MiB: " + text);

    v = value_of("fortran_order");
    const bool fortran = v != std::string::npos && text.compare(v, 4, "True") == 0;
    if (v == std::string::npos || (!fortran && text.compare(v, 5, "False") != 0))
        throw fail(start, "the .npy header has no 'fortran_order': " + text);
    if (fortran && shape.size() > 1) throw fail(start, "expected C order (fortran_order False), found True");
    return shape;
}

// A zip archive read through its central directory, as written by numpy.savez (stored entries)
// and savez_compressed (deflated). Entries are decoded straight into their arrays.
class Npz {
public:
    explicit Npz(const std::string& path) : path_(path), in_(open_file(path, size_)) { read_directory(); }

    const std::string& path() const { return path_; }

    // Reads the uint8 array in entry `name` (e.g. "x_train.npy").
    NpyArray array(const std::string& name) {
        const ZipEntry& e = entry(name);
        std::uint8_t lh[30];
        if (!read_at(in_, e.local_offset, lh, sizeof lh) || le32(lh) != 0x04034b50)
            throw FileError(path_, off(e.local_offset), "corrupt zip: expected the local header of " + name + " here");
        NpyArray a;
        a.entry = name;
        a.stored = e.method == 0;
        // Sizes come from the central directory: the local header's may be 0xffffffff (numpy
        // writes with force_zip64) or deferred to a data descriptor.
        a.at = e.local_offset + 30 + le16(lh + 26) + le16(lh + 28);
        if (a.at + e.compressed > size_)
            throw FileError(path_, off(size_), "truncated: " + name + " needs " + std::to_string(e.compressed) +
                                                   " bytes from offset " + std::to_string(a.at) + ", the file has " +
                                                   std::to_string(size_));
        if (a.stored && e.compressed != e.size)
            throw FileError(path_, off(e.local_offset), "corrupt zip: stored entry " + name + " has compressed size " +
                                                            std::to_string(e.compressed) + " but size " + std::to_string(e.size));
        Stream s(path_, in_, a.at, e.compressed, a.stored ? Stream::Coding::stored : Stream::Coding::deflate, name, true);
        auto fail = [&](std::uint64_t pos, const std::string& detail) { return entry_error(path_, name, a.stored, a.at, pos, detail); };

        a.shape = npy_header(s, fail);
        a.start = s.position();
        std::uint64_t total = 1;
        for (std::size_t d : a.shape) total *= d;  // checked against the cap by npy_header
        a.data.resize(static_cast<std::size_t>(total));
        const std::size_t n = s.read(a.data.data(), a.data.size());
        if (n < total)
            throw fail(a.start + n, "truncated: the shape needs " + std::to_string(total) + " data bytes, found " + std::to_string(n));
        if (!s.at_end()) throw fail(a.start + total, "unexpected data after the " + std::to_string(total) + " bytes the shape needs");
        if (s.position() != e.size || s.crc() != e.crc)
            throw FileError(path_, off(e.local_offset), "corrupt zip entry " + name + ": expected CRC-32 " + hex32(e.crc) +
                                                            " over " + std::to_string(e.size) + " bytes, found " +
                                                            hex32(s.crc()) + " over " + std::to_string(s.position()));
        return a;
    }

private:
    void read_directory() {
        // The end-of-central-directory record (22 bytes + a comment of up to 65535) closes the file.
        if (size_ == 0) throw FileError(path_, 0, "empty file, expected a zip archive (Keras's mnist.npz)");
        const std::uint64_t tail_size = std::min<std::uint64_t>(size_, 22 + 65535);
        std::vector<std::uint8_t> tail(static_cast<std::size_t>(tail_size));
        if (!read_at(in_, size_ - tail_size, tail.data(), tail.size())) throw FileError(path_, -1, "read error");
        std::size_t eocd = std::string::npos;
        for (std::size_t i = tail.size() >= 22 ? tail.size() - 22 + 1 : 0; i-- > 0;)
            if (le32(tail.data() + i) == 0x06054b50) {
                eocd = i;
                break;
            }
        if (eocd == std::string::npos) {
            std::uint8_t head[4] = {};
            read_at(in_, 0, head, std::min<std::size_t>(4, static_cast<std::size_t>(size_)));
            if (le32(head) == 0x04034b50)
                throw FileError(path_, off(size_), "truncated zip archive: expected an end-of-central-directory record at the end");
            const std::uint32_t m = be32(head);
            throw FileError(path_, 0, "expected a zip archive (Keras's mnist.npz), found " +
                                          ((m >> 8) == 0x08 ? "an IDX file (magic " + hex32(m) + "); for IDX files pass the folder holding all four"
                                                            : std::string("no zip signature")));
        }
        const std::uint8_t* r = tail.data() + eocd;
        const std::uint64_t eocd_at = size_ - tail_size + eocd;
        const std::uint16_t entries = le16(r + 10);
        const std::uint32_t dir_size = le32(r + 12), dir_offset = le32(r + 16);
        if (le16(r + 4) != 0 || le16(r + 6) != 0 || le16(r + 8) != entries)
            throw FileError(path_, off(eocd_at), "expected a single-part zip archive, found a multi-part one");
        // Python's zipfile (numpy.savez) switches to ZIP64 records only past 65535 entries or 4 GiB.
        if (entries == 0xffff || dir_size == 0xffffffff || dir_offset == 0xffffffff)
            throw FileError(path_, off(eocd_at), "a ZIP64 archive: far larger than MNIST");
        if (std::uint64_t(dir_offset) + dir_size > eocd_at || dir_size > (1u << 20))
            throw FileError(path_, off(eocd_at + 12), "corrupt zip: the central directory (" + std::to_string(dir_size) +
                                                         " bytes at offset " + std::to_string(dir_offset) +
                                                         ") does not fit before its end record at " + std::to_string(eocd_at));
        std::vector<std::uint8_t> dir(dir_size);
        if (!read_at(in_, dir_offset, dir.data(), dir.size())) throw FileError(path_, dir_offset, "read error");
        std::size_t at = 0;
        for (std::uint16_t i = 0; i < entries; ++i) {
            if (at + 46 > dir.size() || le32(dir.data() + at) != 0x02014b50)
                throw FileError(path_, off(dir_offset + at), "corrupt zip: expected central directory entry " +
                                                                  std::to_string(i + 1) + " of " + std::to_string(entries) + " here");
            const std::uint8_t* d = dir.data() + at;
            ZipEntry e;
            e.flags = le16(d + 8);
            e.method = le16(d + 10);
            e.crc = le32(d + 16);
            e.compressed = le32(d + 20);
            e.size = le32(d + 24);
            e.local_offset = le32(d + 42);
            const std::size_t name_len = le16(d + 28), extra_len = le16(d + 30), comment_len = le16(d + 32);
            if (at + 46 + name_len > dir.size())
                throw FileError(path_, off(dir_offset + at), "corrupt zip: an entry's name runs past the central directory");
            e.name.assign(reinterpret_cast<const char*>(d + 46), name_len);
            if (e.compressed == 0xffffffff || e.size == 0xffffffff || e.local_offset == 0xffffffff)
                throw FileError(path_, off(dir_offset + at), e.name + " uses ZIP64 sizes: far larger than MNIST");
            entries_.push_back(std::move(e));
            at += 46 + name_len + extra_len + comment_len;
        }
    }

    const ZipEntry& entry(const std::string& name) const {
        std::string present;
        for (const auto& e : entries_) {
            if (e.name == name) {
                if (e.flags & 1) throw FileError(path_, off(e.local_offset), name + ": expected an unencrypted entry, found an encrypted one");
                if (e.method != 0 && e.method != 8)
                    throw FileError(path_, off(e.local_offset), name + ": expected zip method 0 (stored) or 8 (deflate), found " +
                                                                    std::to_string(e.method));
                return e;
            }
            present += (present.empty() ? "" : ", ") + e.name;
        }
        throw FileError(path_, -1, "expected an entry " + name + " (Keras's mnist.npz holds x_train.npy, y_train.npy, "
                                   "x_test.npy and y_test.npy), found " + (present.empty() ? "none" : present));
    }

    std::string path_;
    std::uint64_t size_ = 0;  // declared before in_: open_file() sets it
    std::ifstream in_;
    std::vector<ZipEntry> entries_;
};

std::string shape_text(const std::vector<std::size_t>& s) {
    std::string t = "(";
    for (std::size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
    return t + (s.size() == 1 ? ",)" : ")");
}

Dataset npz_split(Npz& npz, const std::string& x_name, const std::string& y_name) {
    NpyArray x = npz.array(x_name);
    const auto& xs = x.shape;
    if (xs.size() != 3 || xs[1] == 0 || xs[2] == 0 || xs[1] > kMaxSide || xs[2] > kMaxSide)
        throw FileError(npz.path(), -1, x_name + ": expected images of shape (count, rows, cols) with 1 to " +
                                            std::to_string(kMaxSide) + " rows and columns, found " + shape_text(xs));
    NpyArray y = npz.array(y_name);
    if (y.shape.size() != 1)
        throw FileError(npz.path(), -1, y_name + ": expected labels of shape (count,), found " + shape_text(y.shape));
    if (y.shape[0] != xs[0])
        throw FileError(npz.path(), -1, y_name + ": expected " + std::to_string(xs[0]) + " labels, one per image in " + x_name +
                                            ", found " + std::to_string(y.shape[0]));
    for (std::size_t i = 0; i < y.data.size(); ++i)
        if (y.data[i] > 9)
            throw entry_error(npz.path(), y_name, y.stored, y.at, y.start + i,
                              "label " + std::to_string(i) + ": expected a digit 0-9, found " + std::to_string(y.data[i]));
    Dataset d;
    d.rows = static_cast<int>(xs[1]);
    d.cols = static_cast<int>(xs[2]);
    d.images = std::move(x.data);
    d.labels = std::move(y.data);
    return d;
}

// ---- Finding the data ------------------------------------------------------------------------------

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

MnistData load_npz(const std::string& path) {
    Npz npz(path);
    MnistData m;
    m.train = npz_split(npz, "x_train.npy", "y_train.npy");
    m.test = npz_split(npz, "x_test.npy", "y_test.npy");
    if (m.train.rows != m.test.rows || m.train.cols != m.test.cols)
        throw FileError(path, -1, "x_test.npy: expected " + std::to_string(m.train.rows) + "x" + std::to_string(m.train.cols) +
                                      " images like x_train.npy, found " + std::to_string(m.test.rows) + "x" +
                                      std::to_string(m.test.cols));
    m.source = path;
    return m;
}

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
