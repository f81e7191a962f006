#include "hdf5_file.h"

#include "errors.h"

#include <hdf5.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define DIGIT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DIGIT_SANITIZED 1
#endif
#endif
#ifndef DIGIT_SANITIZED
#define DIGIT_SANITIZED 0
#endif
#if DIGIT_SANITIZED
// sanitizer/common_interface_defs.h: a fuzzer's death callback would write the input as a crash
// of its own when the reading child dies; the parent reports the child's death instead.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void));
#endif

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

// ---------------------------------------------------------------------------------------------
// The child's side: the file opened by libhdf5, one request served at a time.

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
        // The strings sit in the file's global heap; a damaged heap reference is where libhdf5
        // loops or asks for absurd memory, which the reading process's limits contain.
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

bool object_exists(hid_t file, const std::string& object) {
    if (object.empty()) return true;
    // H5Lexists fails (rather than answering false) when a parent is missing: walk down.
    std::size_t pos = 0;
    while (true) {
        const std::size_t slash = object.find('/', pos);
        const std::string prefix = object.substr(0, slash);
        if (!prefix.empty() && H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        if (slash == std::string::npos) break;
        pos = slash + 1;
    }
    return H5Oexists_by_name(file, object.c_str(), H5P_DEFAULT) > 0;
}

Dims dims_of(hid_t file, const std::string& dataset, const std::string& path) {
    if (!object_exists(file, dataset)) throw FileError(path, -1, "dataset '" + dataset + "' is missing");
    Id ds(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.ok()) throw FileError(path, -1, "'" + dataset + "' is not a dataset");
    Id type(H5Dget_type(ds.get()), H5Tclose);
    if (!type.ok() || H5Tget_class(type.get()) != H5T_FLOAT)
        throw FileError(path, -1, "dataset '" + dataset + "' does not hold floating-point numbers");
    Id space(H5Dget_space(ds.get()), H5Sclose);
    const int rank = space.ok() ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank < 0 || rank > kMaxRank) throw FileError(path, -1, "dataset '" + dataset + "' has an unreadable shape");
    hsize_t d[kMaxRank] = {};
    H5Sget_simple_extent_dims(space.get(), d, nullptr);
    Dims dims;
    for (int i = 0; i < rank; ++i) dims.push_back(static_cast<std::int64_t>(d[i]));
    return dims;
}

// The wire: a request is one operation byte, then its text fields, each a u64 length and bytes.
// An answer is a status byte (kOk or kError), then for kError the offset (i64) and the message
// (u64 length, bytes); for kOk what the operation returns (a flag byte, a list of texts as a u64
// count and texts, dims as a u64 rank and i64s, or exactly the floats the caller asked for).
enum Op : char { kExists = 'e', kHasAttribute = 'a', kStrings = 's', kDims = 'd', kFloats = 'f' };
constexpr char kOk = 0, kError = 1;

// Whole writes and reads on a blocking socket; false when the other side is gone.
bool send_all(int fd, const void* data, std::size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}
bool recv_all(int fd, void* data, std::size_t n) {
    char* p = static_cast<char*>(data);
    while (n > 0) {
        const ssize_t k = ::recv(fd, p, n, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

void put_u64(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_text(std::string& out, const std::string& s) {
    put_u64(out, s.size());
    out += s;
}

// The child's whole life: open the image, answer requests until the parent closes its end.
[[noreturn]] void serve(int fd, const std::string& bytes, const std::string& path) {
    auto reply = [&](const std::string& message) {
        if (!send_all(fd, message.data(), message.size())) _exit(0);
    };
    auto text = [&](std::string& s) {
        std::uint64_t n = 0;
        if (!recv_all(fd, &n, sizeof n) || n > (1u << 24)) _exit(0);
        s.resize(n);
        if (!recv_all(fd, s.data(), n)) _exit(0);
    };
    hid_t file = -1;
    try {
        Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
        if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), 1 << 16, 0) < 0 ||
            H5Pset_file_image(fapl.get(), const_cast<char*>(bytes.data()), bytes.size()) < 0)
            throw FileError(path, -1, "HDF5 could not take the file's " + std::to_string(bytes.size()) + " bytes");
        file = H5Fopen(unique_name("read").c_str(), H5F_ACC_RDONLY, fapl.get());
        if (file < 0) throw FileError(path, -1, "HDF5 cannot open it: the file is damaged or truncated");
    } catch (const FileError& e) {
        std::string m(1, kError);
        put_u64(m, static_cast<std::uint64_t>(e.offset()));
        put_text(m, e.detail());
        reply(m);
        _exit(0);
    }
    reply(std::string(1, kOk));
    while (true) {
        char op = 0;
        if (!recv_all(fd, &op, 1)) _exit(0);
        std::string a, b;
        text(a);
        if (op == kHasAttribute || op == kStrings || op == kFloats) text(b);
        std::string m(1, kOk);
        try {
            switch (op) {
                case kExists: m.push_back(object_exists(file, a) ? 1 : 0); break;
                case kHasAttribute:
                    m.push_back(object_exists(file, a) &&
                                        H5Aexists_by_name(file, object_or_root(a), b.c_str(), H5P_DEFAULT) > 0
                                    ? 1 : 0);
                    break;
                case kStrings: {
                    const auto list = read_strings(file, a, b, path);
                    put_u64(m, list.size());
                    for (const auto& s : list) put_text(m, s);
                    break;
                }
                case kDims: {
                    const Dims dims = dims_of(file, a, path);
                    put_u64(m, dims.size());
                    for (auto d : dims) put_u64(m, static_cast<std::uint64_t>(d));
                    break;
                }
                case kFloats: {
                    // b: the dims the caller expects, as i64s; the caller checked their product.
                    Dims want(b.size() / sizeof(std::int64_t));
                    std::memcpy(want.data(), b.data(), want.size() * sizeof(std::int64_t));
                    if (dims_of(file, a, path) != want) throw FileError(path, -1, "dataset '" + a + "' has the wrong shape");
                    std::size_t n = 1;
                    for (auto d : want) n *= static_cast<std::size_t>(d);
                    std::vector<float> v(n);
                    Id ds(H5Dopen2(file, a.c_str(), H5P_DEFAULT), H5Dclose);
                    if (!ds.ok() || H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
                        throw FileError(path, -1, "cannot read dataset '" + a + "' (damaged data or an unknown filter)");
                    reply(m);
                    if (!send_all(fd, v.data(), n * sizeof(float))) _exit(0);
                    continue;
                }
                default: _exit(0);
            }
        } catch (const FileError& e) {
            m.assign(1, kError);
            put_u64(m, static_cast<std::uint64_t>(e.offset()));
            put_text(m, e.detail());
        } catch (const std::bad_alloc&) {
            m.assign(1, kError);
            put_u64(m, static_cast<std::uint64_t>(-1));
            put_text(m, "reading it needs more memory than a Keras model file may take");
        }
        reply(m);
    }
}

// The address space the process uses now, from /proc/self/statm (pages); 0 if unknown.
std::int64_t address_space_now() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    long long pages = 0;
    const int got = std::fscanf(f, "%lld", &pages);
    std::fclose(f);
    return got == 1 ? pages * sysconf(_SC_PAGESIZE) : 0;
}

std::mutex limits_mutex;
Hdf5ReadLimits limits;

std::string signal_name(int sig) {
    switch (sig) {
        case SIGSEGV: return "SIGSEGV";
        case SIGBUS: return "SIGBUS";
        case SIGABRT: return "SIGABRT";
        case SIGFPE: return "SIGFPE";
        case SIGILL: return "SIGILL";
        case SIGKILL: return "SIGKILL";
        case SIGXCPU: return "SIGXCPU";
        default: return "signal " + std::to_string(sig);
    }
}

}  // namespace

Hdf5ReadLimits hdf5_read_limits() {
    std::lock_guard lock(limits_mutex);
    return limits;
}

void set_hdf5_read_limits(const Hdf5ReadLimits& l) {
    std::lock_guard lock(limits_mutex);
    limits = l;
}

// ---------------------------------------------------------------------------------------------
// The caller's side.

Hdf5Reader::Hdf5Reader(const std::string& bytes, std::string path) : path_(std::move(path)) {
    static const char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
    if (bytes.size() < 8 || std::memcmp(bytes.data(), kSignature, 8) != 0)
        throw FileError(path_, 0, "not an HDF5 file (no HDF5 signature at the start)");
    const Hdf5ReadLimits lim = hdf5_read_limits();
    answer_ms_ = lim.answer_ms;
    cpu_seconds_ = lim.cpu_seconds;
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        throw FileError(path_, -1, std::string("cannot start the HDF5 reader: ") + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw FileError(path_, -1, std::string("cannot start the HDF5 reader: ") + std::strerror(errno));
    }
    if (pid == 0) {
        // The child: nothing of the parent's runs here (no Qt, no OpenMP, no exit handlers:
        // _exit only). It dies with the parent, keeps libhdf5's complaints off the terminal
        // (the parent reports), and is bounded in CPU time and address space.
        ::close(fds[0]);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() == 1) _exit(0);
        // A fault inside libhdf5 ends this process by its signal, which the parent reports; no
        // handler of the parent's (the CLI's interrupt flag, a sanitizer's or a fuzzer's crash
        // report) runs here.
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) ::signal(sig, SIG_DFL);
#if DIGIT_SANITIZED
        __sanitizer_set_death_callback(nullptr);
#endif
        const int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) ::dup2(null, STDERR_FILENO);
        const rlimit cpu{static_cast<rlim_t>(lim.cpu_seconds), static_cast<rlim_t>(lim.cpu_seconds) + 1};
        ::setrlimit(RLIMIT_CPU, &cpu);
        const std::int64_t now = address_space_now();
        if (now > 0) {
            rlimit as{};
            ::getrlimit(RLIMIT_AS, &as);
            const auto want = static_cast<rlim_t>(now + 2 * static_cast<std::int64_t>(bytes.size()) + lim.memory_bytes);
            if (as.rlim_cur == RLIM_INFINITY || want < as.rlim_cur) as.rlim_cur = want;
            ::setrlimit(RLIMIT_AS, &as);
        }
        const rlimit no_core{0, 0};  // SIGXCPU and SIGSEGV would dump core
        ::setrlimit(RLIMIT_CORE, &no_core);
        quiet_hdf5();
        try {
            serve(fds[1], bytes, path_);
        } catch (...) {
        }
        _exit(1);
    }
    ::close(fds[1]);
    pid_ = pid;
    socket_ = fds[0];
    try {
        char status = 0;
        receive(&status, 1, "opening it");
        if (status != kOk) {
            std::uint64_t offset = 0;
            receive(&offset, sizeof offset, "opening it");
            const std::string detail = receive_text("opening it");
            throw FileError(path_, static_cast<std::int64_t>(offset), detail);
        }
    } catch (...) {
        stop_child();  // no destructor runs for an object whose constructor threw
        throw;
    }
}

Hdf5Reader::~Hdf5Reader() { stop_child(); }

void Hdf5Reader::stop_child() const {
    if (socket_ >= 0) ::close(socket_);
    socket_ = -1;
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);  // it holds nothing worth a goodbye
        while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    pid_ = -1;
}

void Hdf5Reader::child_failed(const std::string& what, bool timed_out) const {
    if (!failure_.empty()) throw FileError(path_, -1, failure_);
    if (pid_ <= 0) throw FileError(path_, -1, "the HDF5 reader is gone (" + what + ")");  // never waitpid(-1)
    ::close(socket_);
    socket_ = -1;
    int status = 0;
    pid_t got = 0;
    if (!timed_out) {
        // The child closed its end: it is ending by itself (a crash, a limit). Let it finish, so
        // its status says why, but not forever.
        for (int waited = 0; got == 0 && waited < 2000; ++waited) {
            got = ::waitpid(pid_, &status, WNOHANG);
            if (got == 0) ::usleep(1000);
        }
    }
    if (got <= 0) {
        ::kill(pid_, SIGKILL);
        while ((got = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
        }
    }
    pid_ = -1;
    if (timed_out) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", answer_ms_ / 1000.0);
        failure_ = "the HDF5 library did not finish " + what + " within " + seconds +
                   " s and was stopped: the file is damaged or crafted";
    } else if (got > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
        failure_ = "the HDF5 library used up its CPU-time allowance (" + std::to_string(cpu_seconds_) + " s) " + what +
                   " and was stopped: the file is damaged or crafted";
    } else if (got > 0 && WIFSIGNALED(status)) {
        failure_ = "the HDF5 library crashed (" + signal_name(WTERMSIG(status)) + ") " + what +
                   ": the file is damaged or crafted";
    } else {
        // A failed allocation that libhdf5 does not survive, or (in a sanitizer build) a memory
        // error inside libhdf5 that the sanitizer caught.
        failure_ = "the HDF5 library failed " + what + " (its reading process ended" +
                   (got > 0 && WIFEXITED(status) ? " with exit status " + std::to_string(WEXITSTATUS(status)) : std::string()) +
                   ": out of its memory allowance, or a memory error): the file is damaged or crafted";
    }
    throw FileError(path_, -1, failure_);
}

// Waits, up to answer_ms_ from the call, for n bytes of the answer.
void Hdf5Reader::receive(void* dst, std::size_t n, const std::string& what) const {
    if (socket_ < 0) child_failed(what, false);
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(answer_ms_);
    char* p = static_cast<char*>(dst);
    while (n > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) child_failed(what, true);
        pollfd pfd{socket_, POLLIN, 0};
        const int r = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) child_failed(what, false);
        if (r == 0) continue;
        const ssize_t k = ::recv(socket_, p, n, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) child_failed(what, false);
        p += k;
        n -= static_cast<std::size_t>(k);
    }
}

std::string Hdf5Reader::receive_text(const std::string& what) const {
    std::uint64_t n = 0;
    receive(&n, sizeof n, what);
    if (n > static_cast<std::uint64_t>(kMaxAttributeBytes) + 1024) child_failed(what, false);
    std::string s(n, '\0');
    receive(s.data(), n, what);
    return s;
}

void Hdf5Reader::request(char op, const std::vector<std::string>& fields, const std::string& what) const {
    if (socket_ < 0) child_failed(what, false);
    std::string m(1, op);
    for (const auto& f : fields) put_text(m, f);
    if (!send_all(socket_, m.data(), m.size())) child_failed(what, false);
    char status = 0;
    receive(&status, 1, what);
    if (status == kOk) return;
    std::uint64_t offset = 0;
    receive(&offset, sizeof offset, what);
    const std::string detail = receive_text(what);
    throw FileError(path_, static_cast<std::int64_t>(offset), detail);
}

bool Hdf5Reader::exists(const std::string& object) const {
    request(kExists, {object}, "looking for " + describe(object));
    char flag = 0;
    receive(&flag, 1, "looking for " + describe(object));
    return flag != 0;
}

bool Hdf5Reader::has_attribute(const std::string& object, const std::string& name) const {
    const std::string what = "looking for attribute '" + name + "' of " + describe(object);
    request(kHasAttribute, {object, name}, what);
    char flag = 0;
    receive(&flag, 1, what);
    return flag != 0;
}

std::vector<std::string> Hdf5Reader::strings(const std::string& object, const std::string& name) const {
    const std::string what = "reading attribute '" + name + "' of " + describe(object);
    request(kStrings, {object, name}, what);
    std::uint64_t n = 0;
    receive(&n, sizeof n, what);
    if (n > (1u << 20)) child_failed(what, false);
    std::vector<std::string> out;
    std::int64_t total = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
        out.push_back(receive_text(what));
        total += static_cast<std::int64_t>(out.back().size());
        if (total > kMaxAttributeBytes) child_failed(what, false);
    }
    return out;
}

std::string Hdf5Reader::string_attribute(const std::string& object, const std::string& name) const {
    auto v = strings(object, name);
    if (v.size() != 1)
        throw FileError(path_, -1, "attribute '" + name + "' of " + describe(object) + " is not a single string");
    return v[0];
}

std::vector<std::string> Hdf5Reader::string_list_attribute(const std::string& object, const std::string& name) const {
    if (has_attribute(object, name)) return strings(object, name);
    std::vector<std::string> all;
    for (int chunk = 0; has_attribute(object, name + std::to_string(chunk)); ++chunk) {
        auto part = strings(object, name + std::to_string(chunk));
        all.insert(all.end(), part.begin(), part.end());
        if (all.size() > (1u << 20)) throw FileError(path_, -1, "attribute '" + name + "' holds too many strings");
    }
    return all;
}

Dims Hdf5Reader::dataset_dims(const std::string& dataset) const {
    const std::string what = "reading the shape of dataset '" + dataset + "'";
    request(kDims, {dataset}, what);
    std::uint64_t rank = 0;
    receive(&rank, sizeof rank, what);
    if (rank > static_cast<std::uint64_t>(kMaxRank)) child_failed(what, false);
    Dims dims(rank);
    if (rank > 0) receive(dims.data(), rank * sizeof(std::int64_t), what);
    return dims;
}

void Hdf5Reader::read_floats(const std::string& dataset, const Dims& dims, float* out) const {
    // The caller sized `out` from dims, which came from the architecture; the child checks them
    // against the dataset and sends exactly that many floats.
    std::size_t n = 1;
    for (auto d : dims) {
        if (d < 0) throw FileError(path_, -1, "dataset '" + dataset + "' has the wrong shape");
        n *= static_cast<std::size_t>(d);
    }
    std::string packed(dims.size() * sizeof(std::int64_t), '\0');
    if (!dims.empty()) std::memcpy(packed.data(), dims.data(), packed.size());
    const std::string what = "reading dataset '" + dataset + "'";
    request(kFloats, {dataset, packed}, what);
    receive(out, n * sizeof(float), what);
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
