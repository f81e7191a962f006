#include "zip_reader.h"

#include "byte_stream.h"
#include "errors.h"

#include <zip.h>

namespace digit::formats {

namespace {

zip_t* as_archive(void* p) { return static_cast<zip_t*>(p); }

std::string message(zip_error_t* e) {
    std::string m = zip_error_strerror(e);
    zip_error_fini(e);
    return m;
}

// What the first bytes say a non-zip file is, for the message.
std::string not_a_zip(const std::uint8_t* head, std::size_t n) {
    const std::uint32_t m = n >= 4 ? be32(head) : 0;
    return "expected a zip archive, found " +
           ((m >> 8) == 0x08 ? "an IDX file (magic " + hex32(m) + "); for IDX files pass the folder holding all four"
                             : std::string("no zip signature"));
}

}  // namespace

ZipReader::ZipReader(const std::string& path) : path_(path) {
    std::uint64_t size = 0;
    std::ifstream in = open_file(path, size);  // "file not found", "is a folder", ...
    if (size == 0) throw FileError(path_, 0, "empty file, expected a zip archive");
    std::uint8_t head[4] = {};
    read_at(in, 0, head, static_cast<std::size_t>(std::min<std::uint64_t>(4, size)));
    if (size < 4 || le32(head) != 0x04034b50) throw FileError(path_, 0, not_a_zip(head, static_cast<std::size_t>(size)));
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_file_create(path.c_str(), 0, -1, &err);
    if (!src) throw FileError(path_, -1, "libzip cannot read it: " + message(&err));
    zip_error_fini(&err);
    try {
        open_archive(src);
    } catch (const FileError& e) {
        // No end-of-central-directory record in a file that starts like a zip archive: cut short.
        if (e.detail().find("Not a zip archive") != std::string::npos)
            throw FileError(path_, off(size), "truncated zip archive: no end-of-central-directory record at the end");
        throw;
    }
}

ZipReader::ZipReader(const std::string& bytes, std::string path) : path_(std::move(path)) {
    const auto* head = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (bytes.empty()) throw FileError(path_, 0, "empty file, expected a zip archive");
    if (bytes.size() < 4 || le32(head) != 0x04034b50) throw FileError(path_, 0, not_a_zip(head, bytes.size()));
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (!src) throw FileError(path_, -1, "libzip: " + message(&err));
    zip_error_fini(&err);
    open_archive(src);
}

void ZipReader::open_archive(void* source) {
    auto* src = static_cast<zip_source_t*>(source);
    zip_error_t err;
    zip_error_init(&err);
    archive_ = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!archive_) {
        zip_source_free(src);
        throw FileError(path_, -1, "damaged zip archive: " + message(&err));
    }
    zip_error_fini(&err);
}

ZipReader::~ZipReader() {
    if (archive_) zip_discard(as_archive(archive_));
}

bool ZipReader::has(const std::string& name) const { return zip_name_locate(as_archive(archive_), name.c_str(), 0) >= 0; }

ZipReader::Entry ZipReader::open(const std::string& name, const std::string& expected) const {
    zip_t* za = as_archive(archive_);
    const zip_int64_t index = zip_name_locate(za, name.c_str(), 0);
    if (index < 0) {
        std::string present;
        const zip_int64_t n = zip_get_num_entries(za, 0);
        for (zip_int64_t i = 0; i < n && i < 50; ++i) {
            const char* e = zip_get_name(za, static_cast<zip_uint64_t>(i), 0);
            present += (present.empty() ? "" : ", ") + std::string(e ? e : "?");
        }
        throw FileError(path_, -1, "expected an entry " + name + (expected.empty() ? "" : " (" + expected + ")") + ", found " +
                                       (present.empty() ? "none" : present));
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, static_cast<zip_uint64_t>(index), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        throw FileError(path_, -1, name + ": unreadable directory entry");
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        throw FileError(path_, -1, name + ": expected an unencrypted entry, found an encrypted one");
    if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
        throw FileError(path_, -1, name + ": expected zip method 0 (stored) or 8 (deflate), found " + std::to_string(st.comp_method));
    zip_file_t* f = zip_fopen_index(za, static_cast<zip_uint64_t>(index), 0);
    if (!f) throw FileError(path_, -1, name + ": " + zip_strerror(za));
    return Entry(f, *this, name, st.size, st.comp_method == ZIP_CM_DEFLATE);
}

std::string ZipReader::read(const std::string& name, std::uint64_t max_bytes) const {
    Entry e = open(name);
    if (e.size() > max_bytes)
        throw FileError(path_, -1, name + " claims " + std::to_string(e.size()) + " bytes, more than the " +
                                       std::to_string(max_bytes) + " such an entry may have");
    std::string out(static_cast<std::size_t>(e.size()), '\0');
    const std::size_t got = e.read(reinterpret_cast<std::uint8_t*>(out.data()), out.size());
    if (got != out.size() || !e.at_end())
        throw FileError(path_, -1, "damaged entry " + name + ": its size differs from the " + std::to_string(e.size()) +
                                       " bytes the directory gives");
    return out;
}

ZipReader::Entry::Entry(void* file, const ZipReader& zip, std::string name, std::uint64_t size, bool deflated)
    : file_(file), zip_(&zip), name_(std::move(name)), size_(size), deflated_(deflated) {}

ZipReader::Entry::Entry(Entry&& o) noexcept
    : file_(o.file_), zip_(o.zip_), name_(std::move(o.name_)), size_(o.size_), position_(o.position_), deflated_(o.deflated_) {
    o.file_ = nullptr;
}

ZipReader::Entry::~Entry() {
    if (file_) zip_fclose(static_cast<zip_file_t*>(file_));
}

std::size_t ZipReader::Entry::read(std::uint8_t* out, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        const zip_int64_t got = zip_fread(static_cast<zip_file_t*>(file_), out + done, n - done);
        if (got < 0) {
            zip_error_t* e = zip_file_get_error(static_cast<zip_file_t*>(file_));
            const bool crc = zip_error_code_zip(e) == ZIP_ER_CRC;
            throw FileError(zip_->path(), -1,
                            crc ? "corrupt zip entry " + name_ + ": its CRC-32 does not match the directory's (libzip: " +
                                      zip_error_strerror(e) + ")"
                                : "corrupt zip entry " + name_ + " at byte " + std::to_string(position_ + done) +
                                      " of its data (libzip: " + zip_error_strerror(e) + ")");
        }
        if (got == 0) break;
        done += static_cast<std::size_t>(got);
    }
    position_ += done;
    return done;
}

bool ZipReader::Entry::at_end() {
    std::uint8_t extra;
    if (read(&extra, 1) == 0) return true;
    --position_;  // not consumed as far as the caller is concerned
    return false;
}

}  // namespace digit::formats
