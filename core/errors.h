#pragma once
// Typed errors of the core. Each names what went wrong and where, so the CLI and the UI can tell
// a person which file is bad and how, instead of failing silently.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace digit {

// A file (data set, model, image) that cannot be read or does not hold what it should.
// offset is the byte position of the problem, or -1 when it concerns the whole file.
class FileError : public std::runtime_error {
public:
    FileError(std::string path, std::int64_t offset, const std::string& what_was_wrong);
    const std::string& path() const { return path_; }
    std::int64_t offset() const { return offset_; }
    const std::string& detail() const { return detail_; }

private:
    std::string path_;
    std::int64_t offset_;
    std::string detail_;
};

// A network, preset or training configuration that cannot work (bad shapes, unknown names,
// out-of-range hyper-parameters). The message says which setting and why.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace digit
