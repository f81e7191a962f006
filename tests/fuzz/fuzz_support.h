#pragma once
// What the fuzz targets share. The loaders under test read paths, not buffers (the product
// opens files), so each target hands them the fuzzer's bytes as a file: an anonymous in-memory
// file (memfd) named by /proc/self/fd/N, rewritten for every input. Nothing touches the disk and
// nothing is left behind when a crashing input kills the process.
//
// A target's contract: the input may make the loader throw FileError (a clear message naming the
// file) and nothing else. Any other exception (std::bad_alloc, std::length_error, ...), a
// sanitizer report, an allocation beyond -malloc_limit_mb or a broken invariant is a finding.
#include "errors.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace digit::fuzz {

class MemFile {
public:
    explicit MemFile(const char* name) {
        fd_ = ::memfd_create(name, MFD_CLOEXEC);
        if (fd_ < 0) die("memfd_create failed");
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;
    ~MemFile() { ::close(fd_); }

    // Replaces the file's contents with [data, data + size) and returns its path.
    const std::string& write(const void* data, std::size_t size) {
        if (::ftruncate(fd_, 0) != 0) die("ftruncate failed");
        const auto* p = static_cast<const char*>(data);
        std::size_t done = 0;
        while (done < size) {
            const ssize_t n = ::pwrite(fd_, p + done, size - done, static_cast<off_t>(done));
            if (n <= 0) die("pwrite failed");
            done += static_cast<std::size_t>(n);
        }
        return path_;
    }
    const std::string& write(const std::string& bytes) { return write(bytes.data(), bytes.size()); }
    const std::string& path() const { return path_; }

    [[noreturn]] static void die(const char* what) {
        std::fprintf(stderr, "fuzz harness: %s\n", what);
        std::abort();
    }

private:
    int fd_ = -1;
    std::string path_;
};

// Runs f; a FileError is the expected way to refuse an input. Returns true if f returned.
template <class F>
bool refused_or_loaded(F&& f) {
    try {
        f();
        return true;
    } catch (const FileError&) {
        return false;
    }
}

// An invariant that every accepted input must keep; its failure is a finding like a crash.
inline void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
        std::abort();
    }
}

}  // namespace digit::fuzz
