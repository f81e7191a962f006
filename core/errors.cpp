#include "errors.h"

namespace digit {

namespace {

// Paths are bytes on Linux and need not be UTF-8; a message is text. Bytes that are not part of
// valid UTF-8 (and control characters) are written as \xNN, so the path stays recognisable and
// the message stays printable.
std::string printable_path(const std::string& path) {
    std::string out;
    const auto* p = reinterpret_cast<const unsigned char*>(path.data());
    const std::size_t n = path.size();
    auto escape = [&](unsigned char c) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        out += "\\x";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    };
    for (std::size_t i = 0; i < n;) {
        const unsigned char c = p[i];
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool valid = len > 0 && i + len <= n && !(len == 2 && c < 0xC2);
        for (std::size_t k = 1; valid && k < len; ++k) valid = (p[i + k] & 0xC0) == 0x80;
        if (valid && len == 3) {
            const unsigned cp = ((c & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6);
            valid = cp >= 0x800 && !(cp >= 0xD800 && cp < 0xE000);  // no overlong forms, no surrogates
        }
        if (valid && len == 4) {
            const unsigned cp = ((c & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12);
            valid = cp >= 0x10000 && cp <= 0x10FFFF;
        }
        if (!valid || (len == 1 && (c < 0x20 || c == 0x7F))) {
            escape(c);
            ++i;
            continue;
        }
        out.append(path, i, len);
        i += len;
    }
    return out;
}

std::string format(const std::string& path, std::int64_t offset, const std::string& detail) {
    std::string s = path.empty() ? std::string("\"\"") : printable_path(path);
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
