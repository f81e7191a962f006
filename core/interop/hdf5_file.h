#pragma once
// HDF5 files in memory, through the HDF5 library's C API and its "core" (memory) driver: Keras's
// .h5 files, and the model.weights.h5 inside a .keras zip, are read from bytes and written to
// bytes, so a zip entry needs no temporary file and a save can be written atomically.
//
// Object paths are relative to the root and may hold Keras's weight names verbatim
// ("model_weights/dense/dense/kernel:0"). Every failure throws FileError naming `path` (the file
// the user gave; "m.keras:model.weights.h5" for an entry) and the object; HDF5's own error
// printing is off. Sizes are checked before anything is allocated.
//
// Reading is untrusted input and libhdf5 is not robust to it: a crafted variable-length string
// attribute makes it loop forever, ask malloc for 64 GB or crash (tests/fuzz/README.md). So an
// Hdf5Reader parses the file in a child process of its own (fork), with a CPU-time and an
// address-space limit, and the caller waits for each answer with a time limit; a hang, a crash or
// a memory blow-up inside libhdf5 becomes a FileError naming the file, and the calling program
// keeps running. Requests and answers travel over a socket pair in a small binary format.
// Writing (our own models) stays in the calling process.
#include <cstdint>
#include <string>
#include <vector>

namespace digit::interop {

using Dims = std::vector<std::int64_t>;

// The bounds of the process that reads an untrusted HDF5 file.
struct Hdf5ReadLimits {
    int answer_ms = 10000;                   // wall-clock time for one answer (open, one attribute, one dataset)
    int cpu_seconds = 30;                    // CPU time of the whole reading process
    std::int64_t memory_bytes = 1ll << 30;   // address space it may add, beyond twice the file's size
};
Hdf5ReadLimits hdf5_read_limits();
void set_hdf5_read_limits(const Hdf5ReadLimits& limits);  // for tests; applies to readers opened later

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
    struct Answer;
    // Sends one request (an operation and its text fields) and waits for the answer's status;
    // throws the child's FileError, or one that says why the child stopped answering.
    void request(char op, const std::vector<std::string>& fields, const std::string& what) const;
    void receive(void* dst, std::size_t n, const std::string& what) const;
    std::string receive_text(const std::string& what) const;
    [[noreturn]] void child_failed(const std::string& what, bool timed_out) const;
    void stop_child() const;
    std::vector<std::string> strings(const std::string& object, const std::string& name) const;

    std::string path_;
    mutable int pid_ = -1;      // the reading process; -1 once it is reaped
    mutable int socket_ = -1;   // our end of the socket pair; -1 once the child is gone
    int answer_ms_ = 0;
    int cpu_seconds_ = 0;
    mutable std::string failure_;  // why the child is gone: every later request throws it again
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
