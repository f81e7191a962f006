#pragma once
// HDF5 files in memory, through the HDF5 library's C API and its "core" (memory) driver: Keras's
// .h5 files, and the model.weights.h5 inside a .keras zip, are read from bytes and written to
// bytes, so a zip entry needs no temporary file and a save can be written atomically.
//
// Object paths are relative to the root and may hold Keras's weight names verbatim
// ("model_weights/dense/dense/kernel:0"). Every failure throws FileError naming `path` (the file
// the user gave; "m.keras:model.weights.h5" for an entry) and the object; HDF5's own error
// printing is off. Sizes are checked before anything is allocated.
#include <cstdint>
#include <string>
#include <vector>

namespace digit::interop {

using Dims = std::vector<std::int64_t>;

class Hdf5Reader {
public:
    // Opens an HDF5 image; throws FileError if the bytes are not an HDF5 file.
    Hdf5Reader(const std::string& bytes, std::string path);
    ~Hdf5Reader();
    Hdf5Reader(const Hdf5Reader&) = delete;
    Hdf5Reader& operator=(const Hdf5Reader&) = delete;

    const std::string& path() const { return path_; }
    // True if every link on the way to `object` exists ("" is the root).
    bool exists(const std::string& object) const;
    bool has_attribute(const std::string& object, const std::string& name) const;
    // A scalar string attribute, fixed-length (h5py's bytes) or variable-length (h5py's str).
    std::string string_attribute(const std::string& object, const std::string& name) const;
    // A 1-D array of strings; Keras splits long lists into name0, name1, ... and those are joined.
    std::vector<std::string> string_list_attribute(const std::string& object, const std::string& name) const;
    // A floating-point dataset's dimensions.
    Dims dataset_dims(const std::string& dataset) const;
    // Reads a floating-point dataset of exactly `dims` into out (prod(dims) floats).
    void read_floats(const std::string& dataset, const Dims& dims, float* out) const;

private:
    std::string path_;
    std::int64_t file_ = -1;  // hid_t
};

class Hdf5Writer {
public:
    explicit Hdf5Writer(std::string path);  // `path` only names the file in errors
    ~Hdf5Writer();
    Hdf5Writer(const Hdf5Writer&) = delete;
    Hdf5Writer& operator=(const Hdf5Writer&) = delete;

    // Creates the group and any missing parents.
    void create_group(const std::string& group);
    // A scalar string: fixed-length like h5py stores bytes, or variable-length UTF-8 like a str.
    void set_string_attribute(const std::string& object, const std::string& name, const std::string& value,
                              bool variable_length = false);
    // A 1-D array of fixed-length strings, as Keras's save_attributes_to_hdf5_group writes
    // (split into name0, name1, ... above HDF5's 64 KiB object-header limit).
    void set_string_list_attribute(const std::string& object, const std::string& name,
                                   const std::vector<std::string>& values);
    // A float32 dataset (parents created).
    void write_floats(const std::string& dataset, const Dims& dims, const float* data);
    // The finished file's bytes.
    std::string bytes();

private:
    std::string path_;
    std::int64_t file_ = -1;
};

}  // namespace digit::interop
