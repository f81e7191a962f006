#include "hdf5_file.h"

#include "errors.h"

#include <hdf5.h>

#include <atomic>
#include <cstring>
#include <memory>

namespace digit::interop {

namespace {

// Attribute strings above this are not Keras's (its model_config of a large model is ~100 KiB).
constexpr std::int64_t kMaxAttributeBytes = 64ll << 20;
constexpr int kMaxRank = 8;

void quiet_hdf5() {
    // HDF5 prints its error stack to stderr by default; every failure here becomes a FileError.
    static const bool once = [] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        return true;
    }();
    (void)once;
}

// Closes an HDF5 identifier when it goes out of scope.
class Id {
public:
    using Closer = herr_t (*)(hid_t);
    Id(hid_t id, Closer close) : id_(id), close_(close) {}
    ~Id() {
        if (id_ >= 0) close_(id_);
    }
    Id(Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
    Id(const Id&) = delete;
    Id& operator=(const Id&) = delete;
    hid_t get() const { return id_; }
    bool ok() const { return id_ >= 0; }

private:
    hid_t id_;
    Closer close_;
};

// Core-driver files need distinct names while open.
std::string unique_name(const char* what) {
    static std::atomic<unsigned> counter{0};
    return std::string("digit-") + what + "-" + std::to_string(counter++) + ".h5";
}

const char* object_or_root(const std::string& object) { return object.empty() ? "." : object.c_str(); }

std::string describe(const std::string& object) { return object.empty() ? "the root group" : "'" + object + "'"; }

}  // namespace

Hdf5Reader::Hdf5Reader(const std::string& bytes, std::string path) : path_(std::move(path)) {
    quiet_hdf5();
    static const char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
    if (bytes.size() < 8 || std::memcmp(bytes.data(), kSignature, 8) != 0)
        throw FileError(path_, 0, "not an HDF5 file (no HDF5 signature at the start)");
    Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), 1 << 16, 0) < 0 ||
        H5Pset_file_image(fapl.get(), const_cast<char*>(bytes.data()), bytes.size()) < 0)
        throw FileError(path_, -1, "HDF5 could not take the file's " + std::to_string(bytes.size()) + " bytes");
    file_ = H5Fopen(unique_name("read").c_str(), H5F_ACC_RDONLY, fapl.get());
    if (file_ < 0) throw FileError(path_, -1, "HDF5 cannot open it: the file is damaged or truncated");
}

Hdf5Reader::~Hdf5Reader() {
    if (file_ >= 0) H5Fclose(file_);
}

bool Hdf5Reader::exists(const std::string& object) const {
    if (object.empty()) return true;
    // H5Lexists fails (rather than answering false) when a parent is missing: walk down.
    std::size_t pos = 0;
    while (true) {
        const std::size_t slash = object.find('/', pos);
        const std::string prefix = object.substr(0, slash);
        if (!prefix.empty() && H5Lexists(file_, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        if (slash == std::string::npos) break;
        pos = slash + 1;
    }
    return H5Oexists_by_name(file_, object.c_str(), H5P_DEFAULT) > 0;
}

bool Hdf5Reader::has_attribute(const std::string& object, const std::string& name) const {
    return exists(object) && H5Aexists_by_name(file_, object_or_root(object), name.c_str(), H5P_DEFAULT) > 0;
}

namespace {

// Reads every string of an attribute (scalar or 1-D). A zero-length attribute of any type is an
// empty list: Keras writes np.asarray([]) (float64) for a layer without weights.
std::vector<std::string> read_strings(hid_t file, const std::string& object, const std::string& name,
                                      const std::string& path) {
    const std::string where = "attribute '" + name + "' of " + describe(object);
    Id attr(H5Aopen_by_name(file, object_or_root(object), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (!attr.ok()) throw FileError(path, -1, "cannot open the " + where);
    Id space(H5Aget_space(attr.get()), H5Sclose);
    Id type(H5Aget_type(attr.get()), H5Tclose);
    if (!space.ok() || !type.ok()) throw FileError(path, -1, "cannot read the " + where);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (rank < 0 || rank > 1 || n < 0) throw FileError(path, -1, "the " + where + " is not a string or a list of strings");
    if (n == 0) return {};
    if (H5Tget_class(type.get()) != H5T_STRING) throw FileError(path, -1, "the " + where + " is not a string");
    std::vector<std::string> out;
    if (H5Tis_variable_str(type.get()) > 0) {
        if (n > (1 << 20)) throw FileError(path, -1, "the " + where + " holds " + std::to_string(n) + " strings");
        Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mem.get(), H5T_VARIABLE);
        H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
        std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
        if (H5Aread(attr.get(), mem.get(), ptrs.data()) < 0) throw FileError(path, -1, "cannot read the " + where);
        std::int64_t total = 0;
        bool too_long = false;
        for (char* p : ptrs) {
            std::size_t len = p ? std::strlen(p) : 0;
            total += static_cast<std::int64_t>(len);
            if (total > kMaxAttributeBytes) too_long = true;
            if (!too_long) out.emplace_back(p ? p : "", len);
        }
        H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
        if (too_long) throw FileError(path, -1, "the " + where + " is longer than 64 MiB");
        return out;
    }
    const std::size_t size = H5Tget_size(type.get());
    if (size == 0 || static_cast<std::int64_t>(size) * n > kMaxAttributeBytes)
        throw FileError(path, -1, "the " + where + " is empty or longer than 64 MiB");
    std::string buf(size * static_cast<std::size_t>(n), '\0');
    Id mem(H5Tcopy(type.get()), H5Tclose);
    if (H5Aread(attr.get(), mem.get(), buf.data()) < 0) throw FileError(path, -1, "cannot read the " + where);
    for (hssize_t i = 0; i < n; ++i) {
        const char* s = buf.data() + static_cast<std::size_t>(i) * size;
        out.emplace_back(s, strnlen(s, size));
    }
    return out;
}

}  // namespace

std::string Hdf5Reader::string_attribute(const std::string& object, const std::string& name) const {
    auto v = read_strings(file_, object, name, path_);
    if (v.size() != 1)
        throw FileError(path_, -1, "attribute '" + name + "' of " + describe(object) + " is not a single string");
    return v[0];
}

std::vector<std::string> Hdf5Reader::string_list_attribute(const std::string& object, const std::string& name) const {
    if (has_attribute(object, name)) return read_strings(file_, object, name, path_);
    std::vector<std::string> all;
    for (int chunk = 0; has_attribute(object, name + std::to_string(chunk)); ++chunk) {
        auto part = read_strings(file_, object, name + std::to_string(chunk), path_);
        all.insert(all.end(), part.begin(), part.end());
        if (all.size() > (1u << 20)) throw FileError(path_, -1, "attribute '" + name + "' holds too many strings");
    }
    return all;
}

Dims Hdf5Reader::dataset_dims(const std::string& dataset) const {
    if (!exists(dataset)) throw FileError(path_, -1, "dataset '" + dataset + "' is missing");
    Id ds(H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.ok()) throw FileError(path_, -1, "'" + dataset + "' is not a dataset");
    Id type(H5Dget_type(ds.get()), H5Tclose);
    if (!type.ok() || H5Tget_class(type.get()) != H5T_FLOAT)
        throw FileError(path_, -1, "dataset '" + dataset + "' does not hold floating-point numbers");
    Id space(H5Dget_space(ds.get()), H5Sclose);
    const int rank = space.ok() ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank < 0 || rank > kMaxRank) throw FileError(path_, -1, "dataset '" + dataset + "' has an unreadable shape");
    hsize_t d[kMaxRank] = {};
    H5Sget_simple_extent_dims(space.get(), d, nullptr);
    Dims dims;
    for (int i = 0; i < rank; ++i) dims.push_back(static_cast<std::int64_t>(d[i]));
    return dims;
}

void Hdf5Reader::read_floats(const std::string& dataset, const Dims& dims, float* out) const {
    if (dataset_dims(dataset) != dims) throw FileError(path_, -1, "dataset '" + dataset + "' has the wrong shape");
    Id ds(H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.ok() || H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
        throw FileError(path_, -1, "cannot read dataset '" + dataset + "' (damaged data or an unknown filter)");
}

// ---------------------------------------------------------------------------------------------

Hdf5Writer::Hdf5Writer(std::string path) : path_(std::move(path)) {
    quiet_hdf5();
    Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), 1 << 20, 0) < 0)
        throw FileError(path_, -1, "HDF5 cannot create a file in memory");
    file_ = H5Fcreate(unique_name("write").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
    if (file_ < 0) throw FileError(path_, -1, "HDF5 cannot create a file in memory");
}

Hdf5Writer::~Hdf5Writer() {
    if (file_ >= 0) H5Fclose(file_);
}

namespace {
Id link_creation_with_parents() {
    Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    return lcpl;
}
}  // namespace

void Hdf5Writer::create_group(const std::string& group) {
    Id lcpl = link_creation_with_parents();
    Id g(H5Gcreate2(file_, group.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (!g.ok()) throw FileError(path_, -1, "cannot create group '" + group + "'");
}

void Hdf5Writer::set_string_attribute(const std::string& object, const std::string& name, const std::string& value,
                                      bool variable_length) {
    Id type(H5Tcopy(H5T_C_S1), H5Tclose);
    Id space(H5Screate(H5S_SCALAR), H5Sclose);
    herr_t status;
    if (variable_length) {
        H5Tset_size(type.get(), H5T_VARIABLE);
        H5Tset_cset(type.get(), H5T_CSET_UTF8);
        Id attr(H5Acreate_by_name(file_, object_or_root(object), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
        const char* p = value.c_str();
        status = attr.ok() ? H5Awrite(attr.get(), type.get(), &p) : -1;
    } else {
        H5Tset_size(type.get(), std::max<std::size_t>(1, value.size()));
        H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
        Id attr(H5Acreate_by_name(file_, object_or_root(object), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
        std::string padded = value.empty() ? std::string(1, '\0') : value;
        status = attr.ok() ? H5Awrite(attr.get(), type.get(), padded.data()) : -1;
    }
    if (status < 0) throw FileError(path_, -1, "cannot write attribute '" + name + "' of " + describe(object));
}

void Hdf5Writer::set_string_list_attribute(const std::string& object, const std::string& name,
                                           const std::vector<std::string>& values) {
    constexpr std::size_t kHeaderLimit = 64512;  // Keras's HDF5_OBJECT_HEADER_LIMIT
    std::size_t width = 1;
    for (const auto& v : values) width = std::max(width, v.size());
    // As numpy's array_split: n chunks, the first (size % n) one longer.
    std::size_t chunks = 1;
    while (((values.size() + chunks - 1) / chunks) * width > kHeaderLimit) ++chunks;
    auto write = [&](const std::string& attr_name, std::size_t first, std::size_t count) {
        Id type(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(type.get(), width);
        H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
        hsize_t n = count;
        Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
        std::string buf(width * count, '\0');
        for (std::size_t i = 0; i < count; ++i) buf.replace(i * width, values[first + i].size(), values[first + i]);
        Id attr(H5Acreate_by_name(file_, object_or_root(object), attr_name.c_str(), type.get(), space.get(),
                                  H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
        if (!attr.ok() || H5Awrite(attr.get(), type.get(), buf.data()) < 0)
            throw FileError(path_, -1, "cannot write attribute '" + attr_name + "' of " + describe(object));
    };
    if (chunks == 1) {
        write(name, 0, values.size());
        return;
    }
    std::size_t first = 0;
    for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t count = values.size() / chunks + (c < values.size() % chunks ? 1 : 0);
        write(name + std::to_string(c), first, count);
        first += count;
    }
}

void Hdf5Writer::write_floats(const std::string& dataset, const Dims& dims, const float* data) {
    std::vector<hsize_t> d(dims.begin(), dims.end());
    Id space(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), H5Sclose);
    Id lcpl = link_creation_with_parents();
    Id ds(H5Dcreate2(file_, dataset.c_str(), H5T_IEEE_F32LE, space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
          H5Dclose);
    if (!ds.ok() || H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        throw FileError(path_, -1, "cannot write dataset '" + dataset + "'");
}

std::string Hdf5Writer::bytes() {
    if (H5Fflush(file_, H5F_SCOPE_GLOBAL) < 0) throw FileError(path_, -1, "HDF5 cannot finish the file");
    const ssize_t size = H5Fget_file_image(file_, nullptr, 0);
    if (size <= 0) throw FileError(path_, -1, "HDF5 cannot finish the file");
    std::string out(static_cast<std::size_t>(size), '\0');
    if (H5Fget_file_image(file_, out.data(), out.size()) != size) throw FileError(path_, -1, "HDF5 cannot finish the file");
    return out;
}

}  // namespace digit::interop
