#pragma once
// A zip archive read through its central directory, as numpy.savez (stored entries) and
// savez_compressed (deflated) write it: single part, no ZIP64, no encryption. Entries are decoded
// on the fly (formats::Stream) straight into their final buffers, their CRC-32 checked at the end.
// Internal to the core: the .npz reader (npz.cpp) is its only user.
#include "byte_stream.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace digit::formats {

struct ZipEntry {
    std::string name;
    std::uint16_t flags = 0, method = 0;
    std::uint32_t crc = 0;
    std::uint64_t compressed = 0, size = 0, local_offset = 0;
    bool stored() const { return method == 0; }
};

class ZipReader {
public:
    // Opens the archive and reads its central directory; FileError if it is not a zip archive.
    explicit ZipReader(const std::string& path);

    const std::string& path() const { return path_; }

    // The entry called `name`, checked to be readable (unencrypted, stored or deflated).
    const ZipEntry& entry(const std::string& name) const;

    // Archive offset of the entry's (possibly compressed) data, after its local header; checks
    // that the data fits in the file.
    std::uint64_t data_offset(const ZipEntry& e);

    // A decoder of the entry's bytes, starting at data_offset(e), keeping a CRC-32.
    Stream open(const ZipEntry& e, std::uint64_t data_at) {
        return Stream(path_, in_, data_at, e.compressed, e.stored() ? Stream::Coding::stored : Stream::Coding::deflate,
                      e.name, true);
    }

    // After the whole entry was read through s: its size and CRC-32 must match the directory's.
    void check_crc(const ZipEntry& e, const Stream& s) const;

private:
    void read_directory();

    std::string path_;
    std::uint64_t size_ = 0;  // declared before in_: open_file() sets it
    std::ifstream in_;
    std::vector<ZipEntry> entries_;
};

}  // namespace digit::formats
