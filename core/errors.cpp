#include "errors.h"

namespace digit {

namespace {
std::string format(const std::string& path, std::int64_t offset, const std::string& detail) {
    std::string s = path;
    if (offset >= 0) s += " (at byte " + std::to_string(offset) + ")";
    s += ": " + detail;
    return s;
}
}  // namespace

FileError::FileError(std::string path, std::int64_t offset, const std::string& what_was_wrong, FileProblem problem,
                     std::int64_t value)
    : std::runtime_error(format(path, offset, what_was_wrong)),
      path_(std::move(path)),
      offset_(offset),
      detail_(what_was_wrong),
      problem_(problem),
      value_(value) {}

}  // namespace digit
