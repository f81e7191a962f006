#include "zip_archive.h"

#include "errors.h"

#include <zip.h>

namespace digit::interop {

struct ZipReader::Impl {
    zip_t* archive = nullptr;
};

namespace {
std::string zip_message(zip_error_t* e) {
    std::string m = zip_error_strerror(e);
    zip_error_fini(e);
    return m;
}
}  // namespace

ZipReader::ZipReader(const std::string& bytes, std::string path) : impl_(std::make_unique<Impl>()), path_(std::move(path)) {
    if (bytes.size() < 4 || bytes.compare(0, 2, "PK") != 0) throw FileError(path_, 0, "not a zip archive (no zip signature)");
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (!src) throw FileError(path_, -1, "libzip: " + zip_message(&err));
    impl_->archive = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!impl_->archive) {
        zip_source_free(src);
        throw FileError(path_, -1, "damaged zip archive: " + zip_message(&err));
    }
    zip_error_fini(&err);
}

ZipReader::~ZipReader() {
    if (impl_->archive) zip_discard(impl_->archive);
}

bool ZipReader::has(const std::string& name) const { return zip_name_locate(impl_->archive, name.c_str(), 0) >= 0; }

std::string ZipReader::read(const std::string& name, std::uint64_t max_bytes) const {
    const zip_int64_t index = zip_name_locate(impl_->archive, name.c_str(), 0);
    if (index < 0) throw FileError(path_, -1, "the archive has no entry " + name);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(impl_->archive, static_cast<zip_uint64_t>(index), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        throw FileError(path_, -1, "cannot read the directory entry of " + name);
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        throw FileError(path_, -1, name + " is encrypted");
    if (st.size > max_bytes)
        throw FileError(path_, -1, name + " claims " + std::to_string(st.size) + " bytes, more than the " +
                                       std::to_string(max_bytes) + " such an entry may have");
    zip_file_t* f = zip_fopen_index(impl_->archive, static_cast<zip_uint64_t>(index), 0);
    if (!f) throw FileError(path_, -1, std::string("cannot open ") + name + ": " + zip_strerror(impl_->archive));
    std::string out(static_cast<std::size_t>(st.size), '\0');
    zip_int64_t got = out.empty() ? 0 : zip_fread(f, out.data(), out.size());
    // One byte more than the directory claims means the directory lies: refuse rather than grow.
    char extra;
    const zip_int64_t more = got < 0 ? 0 : zip_fread(f, &extra, 1);
    std::string failure = got < 0 || more < 0 ? zip_error_strerror(zip_file_get_error(f)) : "";
    zip_fclose(f);
    if (!failure.empty()) throw FileError(path_, -1, "damaged entry " + name + ": " + failure);
    if (static_cast<zip_uint64_t>(got) != st.size || more != 0)
        throw FileError(path_, -1, "damaged entry " + name + ": its size differs from the " + std::to_string(st.size) +
                                       " bytes the directory gives");
    return out;
}

std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries, const std::string& path) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &err);
    if (!buffer) throw FileError(path, -1, "libzip: " + zip_message(&err));
    zip_t* za = zip_open_from_source(buffer, ZIP_TRUNCATE, &err);
    if (!za) {
        zip_source_free(buffer);
        throw FileError(path, -1, "libzip: " + zip_message(&err));
    }
    zip_error_fini(&err);
    zip_source_keep(buffer);  // survives zip_close, which writes the archive into it
    for (const auto& [name, data] : entries) {
        zip_source_t* s = zip_source_buffer(za, data.data(), data.size(), 0);
        if (!s || zip_file_add(za, name.c_str(), s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
            if (s) zip_source_free(s);
            std::string m = zip_strerror(za);
            zip_discard(za);
            zip_source_free(buffer);
            throw FileError(path, -1, "libzip: " + m);
        }
    }
    if (zip_close(za) != 0) {
        std::string m = zip_strerror(za);
        zip_discard(za);
        zip_source_free(buffer);
        throw FileError(path, -1, "libzip: " + m);
    }
    std::string out;
    if (zip_source_open(buffer) == 0) {
        zip_source_seek(buffer, 0, SEEK_END);
        const zip_int64_t size = zip_source_tell(buffer);
        zip_source_seek(buffer, 0, SEEK_SET);
        out.resize(size > 0 ? static_cast<std::size_t>(size) : 0);
        if (size > 0 && zip_source_read(buffer, out.data(), out.size()) != size) out.clear();
        zip_source_close(buffer);
    }
    zip_source_free(buffer);
    if (out.empty()) throw FileError(path, -1, "libzip could not produce the archive");
    return out;
}

}  // namespace digit::interop
