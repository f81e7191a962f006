#include "file_io.h"

#include "errors.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <random>

namespace digit {

namespace {

std::string type_name(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a named pipe (FIFO)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISLNK(mode)) return "a symbolic link";
    return "not a regular file";
}

// The cause of a failed stat/open in words a person uses.
std::string cause(int err) {
    switch (err) {
        case ENOENT: return "file not found";
        case EACCES: return "permission denied";
        case ENOTDIR: return "a part of the path is not a folder";
        case ELOOP: return "too many levels of symbolic links";
        case ENAMETOOLONG: return "the name is too long";
        default: return std::strerror(err);
    }
}

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return fd_; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_;
};

// Opens a regular file for reading without blocking on a FIFO: the type is checked on the open
// descriptor (no race with a swap between stat and open), then blocking mode is restored.
// Returns the descriptor, or -1 with problem and detail set.
int open_regular(const std::string& path, struct stat& st, ReadProblem& problem, std::string& detail) {
    const int fd = path.empty() ? -1 : ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int err = path.empty() ? ENOENT : errno;
        // A folder opens fine with O_RDONLY; this is for the rest (missing, permission, ...).
        problem = err == ENOENT ? ReadProblem::NotFound : err == EACCES || err == EPERM ? ReadProblem::PermissionDenied
                                                                                       : ReadProblem::ReadError;
        detail = cause(err);
        return -1;
    }
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int err = errno;
        ::close(fd);
        problem = S_ISDIR(st.st_mode) ? ReadProblem::IsFolder : st.st_mode ? ReadProblem::NotRegular : ReadProblem::ReadError;
        detail = st.st_mode ? type_name(st.st_mode) : std::strerror(err);
        return -1;
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    problem = ReadProblem::None;
    return fd;
}

// The same, throwing FileError in words; `expected` completes the message for a wrong type.
int open_regular(const std::string& path, const char* expected, struct stat& st) {
    if (path.empty()) throw FileError(path, -1, "no file name given");
    ReadProblem problem{};
    std::string detail;
    const int fd = open_regular(path, st, problem, detail);
    if (fd >= 0) return fd;
    if (problem == ReadProblem::IsFolder || problem == ReadProblem::NotRegular)
        throw FileError(path, -1, "is " + detail + ", expected " + expected);
    throw FileError(path, -1, detail);
}

std::string dir_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Where a save to `path` really goes: `path` itself, or the file a symbolic link at `path`
// points to (followed to the end). Refuses what must not be replaced. exists/st describe the
// target if it exists.
std::string resolve_target(const std::string& path, bool& exists, struct stat& st) {
    if (path.empty()) throw FileError(path, -1, "no file name given");
    if (path.back() == '/') throw FileError(path, -1, "is a folder name, expected a file name");
    std::string target = path;
    struct stat lst {};
    if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
        char* real = ::realpath(path.c_str(), nullptr);
        if (!real)
            throw FileError(path, -1, "is a symbolic link to a missing or unreachable file (" + cause(errno) + "): refusing to write through it");
        target = real;
        std::free(real);
    }
    exists = ::stat(target.c_str(), &st) == 0;
    if (!exists) {
        const int err = errno;
        if (err != ENOENT) throw FileError(path, -1, cause(err));
        struct stat dst {};
        const std::string dir = dir_of(target);
        if (::stat(dir.c_str(), &dst) != 0)
            throw FileError(path, -1, errno == ENOENT ? "the folder " + dir + " does not exist" : "the folder " + dir + ": " + cause(errno));
        if (!S_ISDIR(dst.st_mode)) throw FileError(path, -1, dir + " is not a folder");
    } else if (!S_ISREG(st.st_mode)) {
        throw FileError(path, -1, "is " + type_name(st.st_mode) + ", not a regular file: refusing to replace it");
    }
    return target;
}

// A fresh temporary name next to the target, unique across processes and threads.
std::string temp_name(const std::string& target) {
    static std::atomic<unsigned> counter{0};
    thread_local std::mt19937_64 gen(std::random_device{}() ^ (static_cast<std::uint64_t>(::getpid()) << 32) ^
                                     static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::uint64_t r = gen() ^ counter.fetch_add(1);
    std::string name = target + ".tmp-";
    for (int i = 0; i < 6; ++i, r /= 62) name.push_back(kChars[r % 62]);
    return name;
}

bool is_temp_of(const std::string& name, const std::string& base) {
    const std::string prefix = base + ".tmp-";
    return name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0;
}

// Removes temporaries of `target` whose writer is gone: a live writer holds an flock on its
// file, a killed one released it with its last descriptor. Best effort: errors are ignored.
void remove_stale_temps(const std::string& target) {
    const std::string dir = dir_of(target), base = base_of(target);
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (!is_temp_of(name, base)) continue;
        const Fd fd(::openat(::dirfd(d), name.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
        struct stat st {};
        if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // its writer is alive
        ::unlinkat(::dirfd(d), name.c_str(), 0);
    }
    ::closedir(d);
}

// Creates and locks a new temporary file next to `target`. The lock is taken after the
// creation, so a cleaner could remove the file in between: then it has no link left and
// another name is tried.
int create_locked_temp(const std::string& path, const std::string& target, mode_t mode, std::string& tmp) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        tmp = temp_name(target);
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            throw FileError(path, -1, "cannot create a file in the folder " + dir_of(target) + ": " + cause(errno));
        }
        struct stat st {};
        if (::flock(fd, LOCK_EX) == 0 && ::fstat(fd, &st) == 0 && st.st_nlink > 0) return fd;
        ::close(fd);
    }
    throw FileError(path, -1, "cannot create a unique temporary file in " + dir_of(target));
}

bool write_all(int fd, const char* p, std::size_t n, int& err) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            err = errno;
            return false;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

}  // namespace

void check_readable_file(const std::string& path, const char* expected) {
    struct stat st {};
    ::close(open_regular(path, expected, st));
}

FileBytes try_read_regular_file(const std::string& path, std::uint64_t max_bytes) {
    FileBytes out;
    struct stat st {};
    const Fd fd(open_regular(path, st, out.problem, out.detail));
    if (fd.get() < 0) return out;
    out.size = static_cast<std::uint64_t>(st.st_size);
    if (out.size > max_bytes) {
        out.problem = ReadProblem::TooLarge;
        return out;
    }
    out.bytes.resize(static_cast<std::size_t>(out.size));
    std::size_t got = 0;
    while (got < out.bytes.size()) {
        const ssize_t r = ::read(fd.get(), out.bytes.data() + got, out.bytes.size() - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            out.problem = ReadProblem::ReadError;
            out.detail = std::strerror(errno);
            out.bytes.clear();
            return out;
        }
        if (r == 0) break;  // shrank while being read
        got += static_cast<std::size_t>(r);
    }
    out.bytes.resize(got);
    return out;
}

std::string read_regular_file(const std::string& path, std::uint64_t max_bytes, const char* expected) {
    if (path.empty()) throw FileError(path, -1, "no file name given");
    FileBytes f = try_read_regular_file(path, max_bytes);
    switch (f.problem) {
        case ReadProblem::None: return std::move(f.bytes);
        case ReadProblem::IsFolder:
        case ReadProblem::NotRegular: throw FileError(path, -1, "is " + f.detail + ", expected " + expected);
        case ReadProblem::TooLarge:
            throw FileError(path, -1, "is " + std::to_string(f.size) + " bytes, too large to be " + expected + " (at most " +
                                          std::to_string(max_bytes) + ")");
        case ReadProblem::ReadError: throw FileError(path, -1, "read error: " + f.detail);
        case ReadProblem::NotFound:
        case ReadProblem::PermissionDenied: break;
    }
    throw FileError(path, -1, f.detail);
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
    bool exists = false;
    struct stat st {};
    const std::string target = resolve_target(path, exists, st);
    remove_stale_temps(target);
    std::string tmp;
    // New files get the umask's permissions (open's mode is masked by it); a replaced file keeps its own.
    Fd fd(create_locked_temp(path, target, exists ? (st.st_mode & 07777) : 0666, tmp));
    int err = 0;
    bool ok = write_all(fd.get(), bytes.data(), bytes.size(), err);
    if (ok && exists && ::fchmod(fd.get(), st.st_mode & 07777) != 0) { /* best effort: the umask's mode stays */ }
    if (ok && ::fsync(fd.get()) != 0) {
        err = errno;
        ok = false;
    }
    if (!ok) {
        ::unlink(tmp.c_str());
        throw FileError(path, -1, std::string("could not write: ") + std::strerror(err) +
                                      (exists ? "; the old file is unchanged" : ""));
    }
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
        err = errno;
        ::unlink(tmp.c_str());
        throw FileError(path, -1, std::string("could not move the new file into place: ") + std::strerror(err) +
                                      (exists ? "; the old file is unchanged" : ""));
    }
    fd.reset();  // releases the lock; the name is gone already
    // The rename is durable once the folder's entry is on disk too.
    const Fd dir(::open(dir_of(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0) ::fsync(dir.get());
}

void check_writable_target(const std::string& path) {
    bool exists = false;
    struct stat st {};
    const std::string target = resolve_target(path, exists, st);
    std::string tmp;
    const Fd fd(create_locked_temp(path, target, 0600, tmp));
    ::unlink(tmp.c_str());
}

}  // namespace digit
