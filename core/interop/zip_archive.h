#pragma once
// Zip archives through libzip: Keras 3's .keras files (metadata.json, config.json,
// model.weights.h5). Archives are read from and written to bytes in memory.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace digit::interop {

class ZipReader {
public:
    // Opens the archive (libzip checks its directory's consistency); throws FileError naming
    // `path` if the bytes are not a zip archive or it is damaged.
    ZipReader(const std::string& bytes, std::string path);
    ~ZipReader();
    ZipReader(const ZipReader&) = delete;
    ZipReader& operator=(const ZipReader&) = delete;

    bool has(const std::string& name) const;
    // The uncompressed entry; throws FileError if it is missing, larger than max_bytes (checked
    // before anything is allocated, and again while inflating), encrypted or damaged.
    std::string read(const std::string& name, std::uint64_t max_bytes) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string path_;
};

// A zip archive of the given (name, contents) entries, deflated, as bytes.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries, const std::string& path);

}  // namespace digit::interop
