#pragma once
// Zip archives, read through libzip: Keras's mnist.npz here, and the .keras files core/interop
// imports. One zip implementation for the project, and a maintained one: libzip checks the
// central directory's consistency (ZIP_CHECKCONS), inflates, and verifies each entry's CRC-32
// when its last byte has been read. Entries are read as streams straight into their final
// buffers; nothing is allocated on a directory's word beyond the caller's cap.
#include <cstdint>
#include <memory>
#include <string>

namespace digit::formats {

class ZipReader {
public:
    // Opens the archive at path; FileError if it is missing, empty, not a zip archive or damaged.
    explicit ZipReader(const std::string& path);
    // An archive held in memory (`bytes` must outlive the reader); path names it in errors.
    ZipReader(const std::string& bytes, std::string path);
    ~ZipReader();
    ZipReader(const ZipReader&) = delete;
    ZipReader& operator=(const ZipReader&) = delete;

    const std::string& path() const { return path_; }
    bool has(const std::string& name) const;

    // One entry, read forward. read() returns fewer bytes than asked only at the entry's end;
    // damage (a bad CRC-32, broken deflate data) throws FileError naming the entry.
    class Entry {
    public:
        ~Entry();
        Entry(Entry&& other) noexcept;
        Entry(const Entry&) = delete;
        Entry& operator=(const Entry&) = delete;
        std::size_t read(std::uint8_t* out, std::size_t n);
        std::uint64_t position() const { return position_; }  // decoded bytes read so far
        std::uint64_t size() const { return size_; }          // as the directory gives it
        bool deflated() const { return deflated_; }
        // True if no byte is left (reads one ahead, which also makes libzip check the CRC-32).
        bool at_end();

    private:
        friend class ZipReader;
        Entry(void* file, const ZipReader& zip, std::string name, std::uint64_t size, bool deflated);
        void* file_;  // zip_file_t
        const ZipReader* zip_;
        std::string name_;
        std::uint64_t size_, position_ = 0;
        bool deflated_;
    };

    // Opens entry `name`; FileError if it is missing (listing what the archive holds, with
    // `expected` saying what should be there), encrypted, or compressed by another method.
    Entry open(const std::string& name, const std::string& expected = {}) const;
    // The whole entry, refusing one whose size exceeds max_bytes before allocating.
    std::string read(const std::string& name, std::uint64_t max_bytes) const;

private:
    void open_archive(void* source);
    std::string path_;
    void* archive_ = nullptr;  // zip_t
};

}  // namespace digit::formats
