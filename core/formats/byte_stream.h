#pragma once
// What the file-format readers share (internal to the core): bounded reads of an open file, a
// forward-only decoder for stored and gzip bytes (zlib), and the little helpers that
// make their error messages (hex numbers, byte counts, big- and little-endian words).
#include "errors.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace digit::formats {

// The largest array the loaders accept. MNIST's training images are 47 MB (Fashion-MNIST and KMNIST
// are the same size). A header or zip directory that claims more is corrupt or hostile, and must
// be refused before anything is allocated, not after gigabytes have been.
constexpr std::uint64_t kMaxArrayBytes = 256ull << 20;
constexpr std::uint32_t kMaxSide = 1024;            // rows or columns of one image

inline std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

// "1 byte", "3136 bytes".
inline std::string bytes_text(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

inline std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}
inline std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
inline std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

inline std::int64_t off(std::uint64_t at) { return static_cast<std::int64_t>(at); }

// Opens a file for binary reading; size receives its length in bytes.
inline std::ifstream open_file(const std::string& path, std::uint64_t& size) {
    std::error_code ec;
    const std::filesystem::file_status st = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(st)) throw FileError(path, -1, "file not found");
    if (std::filesystem::is_directory(st)) throw FileError(path, -1, "is a folder, expected a file");
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
inline bool read_at(std::ifstream& in, std::uint64_t at, std::uint8_t* dst, std::size_t n) {
    in.clear();
    in.seekg(static_cast<std::streamoff>(at));
    in.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(n));
    return static_cast<std::size_t>(in.gcount()) == n;
}

// A forward-only reader of the bytes [begin, begin + length) of an open file, decoded on the fly:
// stored as they are, or a gzip stream (one or more members); zip entries go through libzip
// (zip_reader.h). Headers
// are read first and payloads then go straight into their final buffer, so no array is ever held
// twice and nothing is allocated on a header's word alone. position() counts decoded bytes: the
// offsets IDX and .npy headers speak of.
class Stream {
public:
    enum class Coding { stored, gzip };

    // what: how to name the data in messages ("gzip data").
    Stream(const std::string& path, std::ifstream& in, std::uint64_t begin, std::uint64_t length, Coding coding,
           std::string what)
        : path_(path), in_(in), begin_(begin), length_(length), coding_(coding), what_(std::move(what)) {
        if (coding_ == Coding::stored) return;
        buf_.resize(64 << 10);
        // 15 + 16: a zlib window of 32 KiB with a gzip wrapper.
        if (inflateInit2(&z_, 15 + 16) != Z_OK)
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
        pos_ += got;
        return got;
    }
    // True if no byte is left. Consumes at most one byte: ask only once everything expected is read.
    bool at_end() {
        std::uint8_t b;
        return read(&b, 1) == 0;
    }
    std::uint64_t position() const { return pos_; }
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
    std::uint64_t consumed_ = 0;  // bytes taken from the file so far
    std::uint64_t pos_ = 0;       // decoded bytes handed out so far
    z_stream z_{};
    bool started_ = false, ended_ = false, member_done_ = false;
    std::uint64_t member_start_ = 0;  // where the current gzip member starts, relative to begin_
    std::vector<std::uint8_t> buf_;   // compressed input, 64 KiB
};

inline bool starts_with_gzip_magic(std::ifstream& in, std::uint64_t size) {
    std::uint8_t m[2];
    return size >= 2 && read_at(in, 0, m, 2) && m[0] == 0x1f && m[1] == 0x8b;
}

}  // namespace digit::formats
