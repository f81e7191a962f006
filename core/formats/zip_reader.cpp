#include "zip_reader.h"

namespace digit::formats {

ZipReader::ZipReader(const std::string& path) : path_(path), in_(open_file(path, size_)) { read_directory(); }

std::uint64_t ZipReader::data_offset(const ZipEntry& e) {
    const std::string& name = e.name;
    std::uint8_t lh[30];
    if (!read_at(in_, e.local_offset, lh, sizeof lh) || le32(lh) != 0x04034b50)
        throw FileError(path_, off(e.local_offset), "corrupt zip: expected the local header of " + name + " here");
    // Sizes come from the central directory: the local header's may be 0xffffffff (numpy
    // writes with force_zip64) or deferred to a data descriptor.
    const std::uint64_t at = e.local_offset + 30 + le16(lh + 26) + le16(lh + 28);
    if (at + e.compressed > size_)
        throw FileError(path_, off(size_), "truncated: " + name + " needs " + std::to_string(e.compressed) +
                                               " bytes from offset " + std::to_string(at) + ", the file has " +
                                               std::to_string(size_));
    if (e.stored() && e.compressed != e.size)
        throw FileError(path_, off(e.local_offset), "corrupt zip: stored entry " + name + " has compressed size " +
                                                        std::to_string(e.compressed) + " but size " + std::to_string(e.size));
    return at;
}

void ZipReader::check_crc(const ZipEntry& e, const Stream& s) const {
    if (s.position() != e.size || s.crc() != e.crc)
        throw FileError(path_, off(e.local_offset), "corrupt zip entry " + e.name + ": expected CRC-32 " + hex32(e.crc) +
                                                        " over " + std::to_string(e.size) + " bytes, found " +
                                                        hex32(s.crc()) + " over " + std::to_string(s.position()));
}

void ZipReader::read_directory() {
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

const ZipEntry& ZipReader::entry(const std::string& name) const {
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


}  // namespace digit::formats
