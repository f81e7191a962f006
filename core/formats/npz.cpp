#include "npz.h"

#include "byte_stream.h"
#include "zip_reader.h"

#include <cstring>

namespace digit {

using namespace formats;

namespace {

// One uint8 array from the archive, with what is needed to point at any of its bytes later.
struct NpyArray {
    std::vector<std::size_t> shape;
    std::vector<std::uint8_t> data;
    std::string entry;         // "x_train.npy"
    bool deflated = false;
    std::uint64_t start = 0;   // position of data[0] within the decoded entry (after the .npy header)
};

// An error at decoded byte pos of an entry. libzip reads entries, not archive offsets, so the
// position is given within the entry's (decoded) data and the file offset is -1.
FileError entry_error(const std::string& path, const std::string& entry, bool deflated, std::uint64_t pos,
                      const std::string& detail) {
    return FileError(path, -1, entry + (deflated ? " (deflated)" : "") + ", at byte " + std::to_string(pos) +
                                   " of its data: " + detail);
}

// Parses a .npy header: "\x93NUMPY", version, header length, then a Python dict literal such as
// {'descr': '|u1', 'fortran_order': False, 'shape': (60000, 28, 28), }. Only C-ordered uint8
// arrays are accepted; returns the shape. fail(pos, detail) builds the error.
template <class In, class Fail>
std::vector<std::size_t> npy_header(In& s, const Fail& fail) {
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

// Reads the uint8 array in entry `name` (e.g. "x_train.npy").
NpyArray read_array(ZipReader& zip, const std::string& name) {
    ZipReader::Entry s = zip.open(name, "Keras's mnist.npz holds x_train.npy, y_train.npy, x_test.npy and y_test.npy");
    NpyArray a;
    a.entry = name;
    a.deflated = s.deflated();
    auto fail = [&](std::uint64_t pos, const std::string& detail) { return entry_error(zip.path(), name, a.deflated, pos, detail); };

    a.shape = npy_header(s, fail);
    a.start = s.position();
    std::uint64_t total = 1;
    for (std::size_t d : a.shape) total *= d;  // checked against the cap by npy_header
    a.data.resize(static_cast<std::size_t>(total));
    const std::size_t n = s.read(a.data.data(), a.data.size());
    if (n < total)
        throw fail(a.start + n, "truncated: the shape needs " + std::to_string(total) + " data bytes, found " + std::to_string(n));
    if (!s.at_end()) throw fail(a.start + total, "unexpected data after the " + std::to_string(total) + " bytes the shape needs");
    return a;
}

std::string shape_text(const std::vector<std::size_t>& s) {
    std::string t = "(";
    for (std::size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
    return t + (s.size() == 1 ? ",)" : ")");
}

Dataset npz_split(ZipReader& npz, const std::string& x_name, const std::string& y_name) {
    NpyArray x = read_array(npz, x_name);
    const auto& xs = x.shape;
    if (xs.size() != 3 || xs[1] == 0 || xs[2] == 0 || xs[1] > kMaxSide || xs[2] > kMaxSide)
        throw FileError(npz.path(), -1, x_name + ": expected images of shape (count, rows, cols) with 1 to " +
                                            std::to_string(kMaxSide) + " rows and columns, found " + shape_text(xs));
    NpyArray y = read_array(npz, y_name);
    if (y.shape.size() != 1)
        throw FileError(npz.path(), -1, y_name + ": expected labels of shape (count,), found " + shape_text(y.shape));
    if (y.shape[0] != xs[0])
        throw FileError(npz.path(), -1, y_name + ": expected " + std::to_string(xs[0]) + " labels, one per image in " + x_name +
                                            ", found " + std::to_string(y.shape[0]));
    for (std::size_t i = 0; i < y.data.size(); ++i)
        if (y.data[i] > 9)
            throw entry_error(npz.path(), y_name, y.deflated, y.start + i,
                              "label " + std::to_string(i) + ": expected a digit 0-9, found " + std::to_string(y.data[i]));
    Dataset d;
    d.rows = static_cast<int>(xs[1]);
    d.cols = static_cast<int>(xs[2]);
    d.images = std::move(x.data);
    d.labels = std::move(y.data);
    return d;
}

}  // namespace

MnistData load_npz(const std::string& path) {
    ZipReader npz(path);
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

}  // namespace digit
