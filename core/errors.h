#pragma once
// Typed errors of the core. Each names what went wrong and where, so the CLI and the UI can tell
// a person which file is bad and how, instead of failing silently.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace digit {

// What kind of problem a FileError is, so a UI can word it in the reader's language (what() and
// detail() stay the core's English). Other: only detail() says; value(): NewerVersion's format.
enum class FileProblem { Other, NotAModel, Truncated, NewerVersion, Corrupt };

// A file (data set, model, image) that cannot be read or does not hold what it should.
// offset is the byte position of the problem, or -1 when it concerns the whole file. In what(),
// bytes of the path that are not valid UTF-8 appear as \xNN (path() keeps the real bytes).
class FileError : public std::runtime_error {
public:
    FileError(std::string path, std::int64_t offset, const std::string& what_was_wrong,
              FileProblem problem = FileProblem::Other, std::int64_t value = 0);
    const std::string& path() const { return path_; }
    std::int64_t offset() const { return offset_; }
    const std::string& detail() const { return detail_; }
    FileProblem problem() const { return problem_; }
    std::int64_t value() const { return value_; }

private:
    std::string path_;
    std::int64_t offset_;
    std::string detail_;
    FileProblem problem_;
    std::int64_t value_;
};

// A network, preset or training configuration that cannot work (bad shapes, unknown names,
// out-of-range hyper-parameters). The message says which setting and why.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace digit
