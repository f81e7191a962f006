#include "zip_archive.h"

#include "errors.h"

#include <zip.h>

namespace digit::interop {

namespace {
std::string zip_message(zip_error_t* e) {
    std::string m = zip_error_strerror(e);
    zip_error_fini(e);
    return m;
}
}  // namespace

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
